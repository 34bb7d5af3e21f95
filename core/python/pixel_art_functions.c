/* bakeview._core: pixel-art frames (hard alpha, outline, upscale) and median-cut palettes. */
#include "functions.h"

/* A writable float32 RGBA buffer of width x height; 0 with *view held, or -1. */
static int get_frame(PyObject *pixels, PyObject *width_object, PyObject *height_object, int *width, int *height,
                     Py_buffer *view)
{
    if (get_int(width_object, "width", width) != 0 || get_int(height_object, "height", height) != 0) return -1;
    return get_buffer_flags(pixels, "pixels", "f", 4, PyBUF_WRITABLE, view);
}

PyObject *core_pixel_hard_alpha(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *pixels, *width_object, *height_object;
    int width, height;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "OOO:pixel_hard_alpha", &pixels, &width_object, &height_object) ||
        get_frame(pixels, width_object, height_object, &width, &height, &view) != 0)
        return NULL;
    const bv_status status = bv_pixel_hard_alpha((bv_float_span){view.buf, (size_t)view.len / 4}, width, height);
    PyBuffer_Release(&view);
    if (status != BV_OK) return raise_core_error(status);
    Py_RETURN_NONE;
}

PyObject *core_pixel_outline(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *pixels, *width_object, *height_object, *colour_object;
    int width, height;
    float colour[4] = {0.0f, 0.0f, 0.0f, 1.0f};
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "OOOO:pixel_outline", &pixels, &width_object, &height_object, &colour_object) ||
        get_rgba(colour_object, "colour", colour) != 0 ||
        get_frame(pixels, width_object, height_object, &width, &height, &view) != 0)
        return NULL;
    const bv_status status = bv_pixel_outline((bv_float_span){view.buf, (size_t)view.len / 4}, width, height,
                                              colour);
    PyBuffer_Release(&view);
    if (status != BV_OK) return raise_core_error(status);
    Py_RETURN_NONE;
}

PyObject *core_pixel_upscale(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *pixels, *width_object, *height_object, *channels_object, *factor_object;
    int width, height, channels, factor;
    if (!PyArg_ParseTuple(args, "OOOOO:pixel_upscale", &pixels, &width_object, &height_object, &channels_object,
                          &factor_object) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_int(channels_object, "channels", &channels) != 0 || get_int(factor_object, "factor", &factor) != 0)
        return NULL;
    if (width < 1 || height < 1 || channels < 1 || channels > 4 || factor < 1 || factor > 64) {
        PyErr_Format(PyExc_ValueError, "pixel_upscale: %d x %d x %d channels by %d is out of range (factor 1..64)",
                     width, height, channels, factor);
        return NULL;
    }
    Py_buffer view;
    if (get_floats(pixels, "pixels", &view) != 0) return NULL;
    float *out = NULL;
    PyObject *result = new_float_buffer((Py_ssize_t)width * height * channels * factor * factor, "the upscaled frame",
                                        &out);
    if (result) {
        const bv_status status = bv_pixel_upscale(
            (bv_floats){view.buf, (size_t)view.len / 4}, width, height, channels, factor,
            (bv_float_span){out, (size_t)width * (size_t)height * (size_t)channels * (size_t)factor * (size_t)factor});
        if (status != BV_OK) {
            Py_CLEAR(result);
            raise_core_error(status);
        }
    }
    PyBuffer_Release(&view);
    return result;
}

PyObject *core_median_cut(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *codes_object, *colours_object;
    int colours;
    if (!PyArg_ParseTuple(args, "OO:median_cut", &codes_object, &colours_object) ||
        get_int(colours_object, "colours", &colours) != 0)
        return NULL;
    if (colours < 1 || colours > BV_MAX_PALETTE) {
        PyErr_Format(PyExc_ValueError, "colours must be 1 to %d, got %d", BV_MAX_PALETTE, colours);
        return NULL;
    }
    Py_buffer view;
    if (get_buffer(codes_object, "codes", "Bb", 1, &view) != 0) return NULL;
    if (view.len % 4 != 0) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "codes holds %zd bytes, not whole RGBA8 pixels", view.len);
        return NULL;
    }
    uint8_t palette[3 * BV_MAX_PALETTE];
    int count = 0;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_palette_median_cut(view.buf, (size_t)view.len / 4, colours, palette, &count);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (status != BV_OK) return raise_core_error(status);
    PyObject *list = PyList_New(count);
    for (int i = 0; list && i < count; i++) {
        PyObject *rgb = Py_BuildValue("(iii)", palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]);
        if (!rgb) {
            Py_CLEAR(list);
            break;
        }
        PyList_SetItem(list, i, rgb);
    }
    return list;
}
