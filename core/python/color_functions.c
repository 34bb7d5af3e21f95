/* bakeview._core: display transforms as 3D LUTs (bakeview/color.h): the ColorLut type and the
 * lattice's sample points. */
#include <string.h>

#include "convert.h"
#include "functions.h"

typedef struct color_lut_object {
    PyObject_HEAD
    bv_color_lut *lut;
    bv_color_lut_shape shape;
} color_lut_object;

/* The shape from (size, offset, knee, knee_index) arguments; checked by the core. */
static int get_shape(PyObject *size, PyObject *offset, PyObject *knee, PyObject *knee_index,
                     bv_color_lut_shape *r_shape)
{
    double offset_value = 0.0, knee_value = 0.0;
    if (get_int(size, "size", &r_shape->size) != 0 || get_double(offset, "offset", &offset_value) != 0 ||
        get_double(knee, "knee", &knee_value) != 0 ||
        get_int(knee_index, "knee_index", &r_shape->knee_index) != 0)
        return -1;
    r_shape->offset = (float)offset_value;
    r_shape->knee = (float)knee_value;
    return 0;
}

static int color_lut_init(PyObject *self_object, PyObject *args, PyObject *kwargs)
{
    color_lut_object *self = (color_lut_object *)self_object;
    static char *keywords[] = {"table", "size", "offset", "knee", "knee_index", NULL};
    PyObject *table, *size, *offset, *knee, *knee_index;
    if (self->lut) {
        PyErr_SetString(PyExc_RuntimeError, "ColorLut is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO$OOO:ColorLut", keywords, &table, &size, &offset,
                                     &knee, &knee_index) ||
        get_shape(size, offset, knee, knee_index, &self->shape) != 0)
        return -1;
    Py_buffer view;
    if (get_floats(table, "table", &view) != 0) return -1;
    const bv_color_lut_desc desc = {.shape = self->shape, .table = {view.buf, (size_t)view.len / 4}};
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_color_lut_create(&desc, &self->lut); /* copies the table */
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (status != BV_OK) {
        raise_core_error(status);
        return -1;
    }
    return 0;
}

static void color_lut_dealloc(PyObject *self_object)
{
    color_lut_object *self = (color_lut_object *)self_object;
    PyTypeObject *type = Py_TYPE(self_object);
    bv_color_lut_destroy(self->lut);
    freefunc free_fn = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_fn(self_object);
    Py_DECREF(type);
}

static int check_initialised(const color_lut_object *self)
{
    if (self->lut) return 0;
    PyErr_SetString(PyExc_ValueError, "ColorLut is not initialised");
    return -1;
}

static PyObject *color_lut_apply(PyObject *self_object, PyObject *args)
{
    color_lut_object *self = (color_lut_object *)self_object;
    float rgb[3], display[3];
    if (check_initialised(self) != 0 || !PyArg_ParseTuple(args, "fff:apply", &rgb[0], &rgb[1], &rgb[2]))
        return NULL;
    bv_color_lut_apply(self->lut, rgb, display);
    return Py_BuildValue("(fff)", display[0], display[1], display[2]);
}

static PyObject *color_lut_error(PyObject *self_object, PyObject *args, PyObject *kwargs)
{
    color_lut_object *self = (color_lut_object *)self_object;
    static char *keywords[] = {"inputs", "expected", NULL};
    PyObject *inputs, *expected;
    if (check_initialised(self) != 0 ||
        !PyArg_ParseTupleAndKeywords(args, kwargs, "OO:error", keywords, &inputs, &expected))
        return NULL;
    Py_buffer in_view, expected_view;
    if (get_floats(inputs, "inputs", &in_view) != 0) return NULL;
    if (get_floats(expected, "expected", &expected_view) != 0) {
        PyBuffer_Release(&in_view);
        return NULL;
    }
    float worst = 0.0f;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_color_lut_error(self->lut, (bv_floats){in_view.buf, (size_t)in_view.len / 4},
                                (bv_floats){expected_view.buf, (size_t)expected_view.len / 4}, &worst);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&expected_view);
    PyBuffer_Release(&in_view);
    return status == BV_OK ? PyFloat_FromDouble(worst) : raise_core_error(status);
}

static PyObject *color_lut_shape(PyObject *self_object, void *closure)
{
    (void)closure;
    const bv_color_lut_shape *s = &((color_lut_object *)self_object)->shape;
    return Py_BuildValue("{s:i,s:d,s:d,s:i}", "size", s->size, "offset", (double)s->offset, "knee",
                         (double)s->knee, "knee_index", s->knee_index);
}

static PyGetSetDef color_lut_getset[] = {
    {"shape", color_lut_shape, NULL, "{size, offset, knee, knee_index} of the lattice", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef color_lut_methods[] = {
    {"apply", color_lut_apply, METH_VARARGS, "apply(r, g, b) -> the display (r, g, b) of a scene-linear colour"},
    {"error", (PyCFunction)(void (*)(void))color_lut_error, METH_VARARGS | METH_KEYWORDS,
     "error(inputs, expected) -> the largest difference between the LUT's output for the RGBA "
     "inputs and the expected RGBA outputs (alpha ignored)"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot color_lut_slots[] = {
    {Py_tp_doc, "ColorLut(table, size, *, offset, knee, knee_index)\n\nA display transform sampled "
                "on a size^3 lattice (float32 RGB per point, r fastest; see color_lut_points for the "
                "points), interpolated tetrahedrally. Copies the table."},
    {Py_tp_init, color_lut_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, color_lut_dealloc},
    {Py_tp_getset, color_lut_getset},
    {Py_tp_methods, color_lut_methods},
    {0, NULL},
};

PyType_Spec color_lut_spec = {"bakeview._core.ColorLut", sizeof(color_lut_object), 0, Py_TPFLAGS_DEFAULT,
                              color_lut_slots};

const bv_color_lut *color_lut_of(PyObject *module, PyObject *object)
{
    module_state *state = PyModule_GetState(module);
    if (!state || !PyObject_TypeCheck(object, (PyTypeObject *)state->color_lut_type)) {
        raise_wrong_type("lut", "a bakeview._core.ColorLut", object);
        return NULL;
    }
    const color_lut_object *self = (const color_lut_object *)object;
    return check_initialised(self) == 0 ? self->lut : NULL;
}

PyObject *core_color_lut_points(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"size", "offset", "knee", "knee_index", NULL};
    PyObject *size, *offset, *knee, *knee_index;
    bv_color_lut_shape shape;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O$OOO:color_lut_points", keywords, &size, &offset,
                                     &knee, &knee_index) ||
        get_shape(size, offset, knee, knee_index, &shape) != 0)
        return NULL;
    if (shape.size < 2 || shape.size > BV_MAX_LUT_SIZE) { /* before sizing the buffer by it */
        PyErr_Format(PyExc_ValueError, "size %d is outside 2..%d", shape.size, BV_MAX_LUT_SIZE);
        return NULL;
    }
    const Py_ssize_t n = shape.size, m = n - 1, count = 4 * (n * n * n + m * m * m);
    float *points = NULL;
    PyObject *out = new_float_buffer(count, "the lattice points", &points);
    if (!out) return NULL;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_color_lut_points(&shape, (bv_float_span){points, (size_t)count});
    Py_END_ALLOW_THREADS
    if (status != BV_OK) {
        Py_DECREF(out);
        return raise_core_error(status);
    }
    return out;
}

PyObject *core_unique_colors(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *pixels_object;
    if (!PyArg_ParseTuple(args, "O:unique_colors", &pixels_object)) return NULL;
    Py_buffer view;
    if (get_floats(pixels_object, "pixels", &view) != 0) return NULL;
    const Py_ssize_t floats = view.len / 4;
    void *index = NULL;
    PyObject *index_out = new_array("I", floats / 4, "the positions", &index);
    /* room for every pixel's colour, of which only the distinct ones are touched: plain memory,
       whose untouched pages cost nothing, copied once the count is known */
    float *scratch = index_out && floats ? PyMem_Malloc((size_t)floats * sizeof(float)) : NULL;
    if (index_out && floats && !scratch) PyErr_NoMemory();
    size_t unique = 0;
    bv_status status = BV_OK;
    if (index_out && (scratch || !floats)) {
        Py_BEGIN_ALLOW_THREADS
        status = bv_color_unique((bv_floats){view.buf, (size_t)floats},
                                 (bv_float_span){scratch, (size_t)floats},
                                 (bv_uint_span){index, (size_t)floats / 4}, &unique);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&view);
    PyObject *colors_out = NULL;
    float *colors = NULL;
    if (index_out && (scratch || !floats) && status == BV_OK) {
        colors_out = new_float_buffer(4 * (Py_ssize_t)unique, "the colours", &colors);
        if (colors_out && unique) memcpy(colors, scratch, 4 * unique * sizeof(float));
    }
    PyMem_Free(scratch);
    if (!colors_out) {
        Py_XDECREF(index_out);
        return status != BV_OK ? raise_core_error(status) : NULL;
    }
    return Py_BuildValue("(NN)", colors_out, index_out);
}

PyObject *core_expand_colors(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *colors_object, *index_object, *alphas_object;
    if (!PyArg_ParseTuple(args, "OOO:expand_colors", &colors_object, &index_object, &alphas_object))
        return NULL;
    Py_buffer colors, index, alphas;
    if (get_floats(colors_object, "colors", &colors) != 0) return NULL;
    if (get_buffer(index_object, "index", "IiLl", 4, &index) != 0) {
        PyBuffer_Release(&colors);
        return NULL;
    }
    if (get_floats(alphas_object, "alphas", &alphas) != 0) {
        PyBuffer_Release(&colors);
        PyBuffer_Release(&index);
        return NULL;
    }
    const Py_ssize_t count = index.len / 4;
    float *pixels = NULL;
    PyObject *out = new_float_buffer(4 * count, "the pixels", &pixels);
    bv_status status = BV_OK;
    if (out) {
        Py_BEGIN_ALLOW_THREADS
        status = bv_color_expand((bv_floats){colors.buf, (size_t)colors.len / 4},
                                 (bv_uints){index.buf, (size_t)count},
                                 (bv_floats){alphas.buf, (size_t)alphas.len / 4},
                                 (bv_float_span){pixels, 4 * (size_t)count});
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&colors);
    PyBuffer_Release(&index);
    PyBuffer_Release(&alphas);
    if (out && status != BV_OK) {
        Py_DECREF(out);
        return raise_core_error(status);
    }
    return out;
}
