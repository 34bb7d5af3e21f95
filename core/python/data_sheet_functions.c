/* bakeview._core: normal and depth sheets as engines read them (bakeview/data_sheet.h). */
#include "convert.h"
#include "functions.h"

static const char *const normal_y_names[] = {"UP", "DOWN"};

/* The RGBA float32 result of an encoder: `channels` per pixel of a width x height image. */
static PyObject *new_result(int width, int height, int channels, float **r_floats)
{
    if (width < 1 || height < 1) {
        PyErr_Format(PyExc_ValueError, "width and height must be positive, got %d x %d", width, height);
        return NULL;
    }
    return new_float_buffer((Py_ssize_t)width * height * channels, "the sheet", r_floats);
}

PyObject *core_encode_normal_sheet(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"normals", "color", "width", "height", "normal_y", NULL};
    PyObject *normals, *color, *width_object, *height_object, *normal_y = NULL;
    int width, height, y = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|$O:encode_normal_sheet", keywords, &normals, &color,
                                     &width_object, &height_object, &normal_y) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        (normal_y && parse_choice(normal_y, "normal_y", normal_y_names, 2, &y) != 0))
        return NULL;
    Py_buffer normal_view, color_view;
    if (get_floats(normals, "normals", &normal_view) != 0) return NULL;
    if (get_floats(color, "color", &color_view) != 0) {
        PyBuffer_Release(&normal_view);
        return NULL;
    }
    float *floats = NULL;
    PyObject *out = new_result(width, height, 4, &floats);
    if (out) {
        const bv_normal_sheet_desc desc = {
            .normals = {normal_view.buf, (size_t)normal_view.len / 4},
            .color = {color_view.buf, (size_t)color_view.len / 4},
            .width = width,
            .height = height,
            .y = (bv_normal_y)y,
        };
        bv_status status;
        Py_BEGIN_ALLOW_THREADS
        status = bv_normal_sheet_encode(&desc, (bv_float_span){floats, (size_t)width * (size_t)height * 4});
        Py_END_ALLOW_THREADS
        if (status != BV_OK) {
            Py_CLEAR(out);
            raise_core_error(status);
        }
    }
    PyBuffer_Release(&color_view);
    PyBuffer_Release(&normal_view);
    return out;
}

PyObject *core_encode_depth_sheet(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"depth", "color", "width", "height", "near", "far", NULL};
    PyObject *depth, *color, *width_object, *height_object, *near_object, *far_object;
    int width, height;
    double near_depth, far_depth;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOO:encode_depth_sheet", keywords, &depth, &color,
                                     &width_object, &height_object, &near_object, &far_object) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_double(near_object, "near", &near_depth) != 0 || get_double(far_object, "far", &far_depth) != 0)
        return NULL;
    Py_buffer depth_view, color_view;
    if (get_floats(depth, "depth", &depth_view) != 0) return NULL;
    if (get_floats(color, "color", &color_view) != 0) {
        PyBuffer_Release(&depth_view);
        return NULL;
    }
    float *floats = NULL;
    PyObject *out = new_result(width, height, 2, &floats);
    if (out) {
        const bv_depth_sheet_desc desc = {
            .depth = {depth_view.buf, (size_t)depth_view.len / 4},
            .color = {color_view.buf, (size_t)color_view.len / 4},
            .width = width,
            .height = height,
            .near_depth = near_depth,
            .far_depth = far_depth,
        };
        bv_status status;
        Py_BEGIN_ALLOW_THREADS
        status = bv_depth_sheet_encode(&desc, (bv_float_span){floats, (size_t)width * (size_t)height * 2});
        Py_END_ALLOW_THREADS
        if (status != BV_OK) {
            Py_CLEAR(out);
            raise_core_error(status);
        }
    }
    PyBuffer_Release(&color_view);
    PyBuffer_Release(&depth_view);
    return out;
}
