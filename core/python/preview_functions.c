/* bakeview._core: write_apng (a preview of an animation) and read_png (a sheet's page, 8-bit RGBA). */
#include "functions.h"

PyObject *core_write_apng(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"path", "frames", "width", "height", "delay", "plays", NULL};
    PyObject *path_object, *frames_object, *width_object, *height_object, *delay = NULL, *plays = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&OOO|$OO:write_apng", keywords, PyUnicode_FSConverter,
                                     &path_object, &frames_object, &width_object, &height_object, &delay,
                                     &plays))
        return NULL;
    bv_apng_desc desc = {.path = PyBytes_AsString(path_object), .delay_num = 1, .delay_den = 12};
    int fraction[2] = {1, 12};
    PyObject *list = NULL, *result = NULL;
    Py_buffer *views = NULL;
    const uint8_t **frames = NULL;
    Py_ssize_t held = 0;
    if (get_int(width_object, "width", &desc.width) != 0 || get_int(height_object, "height", &desc.height) != 0 ||
        (delay && get_ints(delay, "delay", "(numerator, denominator) seconds", 2, fraction) != 0) ||
        get_int(plays, "plays", &desc.plays) != 0)
        goto done;
    desc.delay_num = fraction[0], desc.delay_den = fraction[1];
    list = PyUnicode_Check(frames_object) ? NULL : PySequence_List(frames_object);
    if (!list) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "frames must be a sequence of RGBA8 buffers");
        goto done;
    }
    const Py_ssize_t count = PyList_Size(list);
    if (count < 1 || count > 65535) {
        PyErr_Format(PyExc_ValueError, "frames holds %zd frames, not 1 to 65535", count);
        goto done;
    }
    views = PyMem_Calloc((size_t)count, sizeof *views);
    frames = PyMem_Calloc((size_t)count, sizeof *frames);
    if (!views || !frames) {
        PyErr_NoMemory();
        goto done;
    }
    const Py_ssize_t bytes = (Py_ssize_t)desc.width * desc.height * 4;
    for (; held < count; held++) {
        char what[32];
        PyOS_snprintf(what, sizeof what, "frames[%zd]", held);
        if (get_buffer(PyList_GetItem(list, held), what, "Bb", 1, &views[held]) != 0) goto done;
        if (desc.width > 0 && desc.height > 0 && views[held].len != bytes) {
            PyErr_Format(PyExc_ValueError, "%s holds %zd bytes, %d x %d RGBA8 needs %zd", what,
                         views[held].len, desc.width, desc.height, bytes);
            held++;
            goto done;
        }
        frames[held] = views[held].buf;
    }
    desc.frames = frames;
    desc.frame_count = (int)count;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_apng_write(&desc);
    Py_END_ALLOW_THREADS
    if (status != BV_OK) raise_core_error(status);
    else result = Py_NewRef(Py_None);
done:
    for (Py_ssize_t i = 0; i < held; i++) PyBuffer_Release(&views[i]);
    PyMem_Free(views);
    PyMem_Free(frames);
    Py_XDECREF(list);
    Py_DECREF(path_object);
    return result;
}

PyObject *core_read_png(PyObject *module, PyObject *arg)
{
    (void)module;
    PyObject *path_object = NULL;
    if (!PyUnicode_FSConverter(arg, &path_object)) return NULL;
    uint8_t *pixels = NULL;
    int width = 0, height = 0;
    bv_status status;
    const char *path = PyBytes_AsString(path_object);
    Py_BEGIN_ALLOW_THREADS
    status = bv_png_read_rgba8(path, &pixels, &width, &height);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_object);
    if (status != BV_OK) return raise_core_error(status);
    PyObject *bytes = PyBytes_FromStringAndSize((const char *)pixels, (Py_ssize_t)width * height * 4);
    bv_png_pixels_free(pixels);
    return bytes ? Py_BuildValue("(Nii)", bytes, width, height) : NULL;
}
