/* Argument conversion and error mapping for bakeview._core. */
#include "convert.h" /* Python.h first: it sets feature macros the C headers read */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

PyObject *raise_core_error(bv_status status)
{
    PyObject *kind = status == BV_ERROR_OUT_OF_MEMORY ? PyExc_MemoryError
                     : status == BV_ERROR_IO          ? PyExc_OSError
                                                      : PyExc_ValueError;
    PyErr_SetString(kind, bv_error_message());
    return NULL;
}

int get_buffer(PyObject *object, const char *what, const char *formats, Py_ssize_t itemsize,
               Py_buffer *view)
{
    return get_buffer_flags(object, what, formats, itemsize, 0, view);
}

/* A buffer the caller lent us, checked to be C-contiguous items of one of the given formats.
 * `what` names the argument in error messages. Returns 0 on success. */
int get_buffer_flags(PyObject *object, const char *what, const char *formats, Py_ssize_t itemsize,
                     int flags, Py_buffer *view)
{
    if (PyObject_GetBuffer(object, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | flags) != 0) {
        PyObject *type = PyObject_Type(object);
        PyObject *name = type ? PyObject_GetAttrString(type, "__name__") : NULL;
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError,
                     "%s must be a C-contiguous%s buffer (array.array, bytearray, memoryview, numpy "
                     "array), got %S",
                     what, (flags & PyBUF_WRITABLE) ? ", writable" : "", name ? name : Py_None);
        Py_XDECREF(name);
        Py_XDECREF(type);
        return -1;
    }
    const char *format = view->format ? view->format : "B";
    if (format[0] == '@' || format[0] == '=' || format[0] == '<') format++;
    /* untyped bytes (bytearray, bytes) are taken as raw items of the wanted type */
    const bool raw = view->itemsize == 1 && strlen(format) == 1 && strchr("Bbc", format[0]);
    if (raw) {
        if (view->len % itemsize != 0 || (uintptr_t)view->buf % (uintptr_t)itemsize != 0) {
            PyErr_Format(PyExc_ValueError, "%s holds %zd bytes%s: not whole %zd-byte items", what,
                         view->len, view->len % itemsize ? "" : " at an unaligned address", itemsize);
            PyBuffer_Release(view);
            return -1;
        }
        return 0;
    }
    if (view->itemsize != itemsize || strlen(format) != 1 || !strchr(formats, format[0])) {
        PyErr_Format(PyExc_ValueError, "%s must hold %zd-byte items of format '%s', got format '%s' "
                     "with %zd-byte items", what, itemsize, formats, view->format ? view->format : "B",
                     view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

int get_floats(PyObject *object, const char *what, Py_buffer *view)
{
    return get_buffer(object, what, "f", 4, view);
}

void raise_wrong_type(const char *what, const char *expected, PyObject *object)
{
    PyObject *name = PyType_GetName(Py_TYPE(object));
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "%s must be %s, got %S", what, expected, name ? name : Py_None);
    Py_XDECREF(name);
}

int get_int(PyObject *object, const char *what, int *out)
{
    if (!object) return 0;
    PyObject *index = PyNumber_Index(object); /* ints, bools, numpy integers; not floats */
    if (!index) {
        raise_wrong_type(what, "an int", object);
        return -1;
    }
    int overflow;
    const long value = PyLong_AsLongAndOverflow(index, &overflow);
    if (overflow || value < INT_MIN || value > INT_MAX) {
        PyErr_Format(PyExc_ValueError, "%s %S does not fit a 32-bit int", what, index);
        Py_DECREF(index);
        return -1;
    }
    Py_DECREF(index);
    *out = (int)value;
    return 0;
}

int get_double(PyObject *object, const char *what, double *out)
{
    if (!object) return 0;
    const double value = PyFloat_AsDouble(object);
    if (value == -1.0 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "%s %S is too large for a float", what, object);
        } else {
            raise_wrong_type(what, "a number", object);
        }
        return -1;
    }
    *out = value;
    return 0;
}

int get_ints(PyObject *object, const char *what, const char *shape, int count, int *out)
{
    const bool sequence = PySequence_Check(object) && !PyUnicode_Check(object) && !PyBytes_Check(object);
    PyObject *items = sequence ? PySequence_Tuple(object) : NULL;
    if (!items || PyTuple_Size(items) != count) {
        Py_XDECREF(items);
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be %d ints %s", what, count, shape);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        char name[96];
        PyOS_snprintf(name, sizeof name, "%s[%d]", what, i);
        if (get_int(PyTuple_GetItem(items, i), name, &out[i]) != 0) {
            Py_DECREF(items);
            return -1;
        }
    }
    Py_DECREF(items);
    return 0;
}

/* Reads a sequence of `count` numbers (a tuple, a list, a mathutils.Matrix row by row, or a flat
 * float32 buffer) into out. */
int get_matrix(PyObject *object, const char *what, float out[16])
{
    PyObject *flat = PyList_New(0);
    if (!flat) return -1;
    PyObject *iter = PyObject_GetIter(object);
    if (!iter) goto bad;
    PyObject *item;
    while ((item = PyIter_Next(iter))) {
        /* rows first: a numpy row also passes PyNumber_Check */
        PyObject *inner = PyObject_GetIter(item);
        if (inner) {
            PyObject *x;
            while ((x = PyIter_Next(inner))) {
                PyList_Append(flat, x);
                Py_DECREF(x);
            }
            Py_DECREF(inner);
        } else {
            PyErr_Clear();
            PyList_Append(flat, item);
        }
        Py_DECREF(item);
        if (PyErr_Occurred()) break;
    }
    Py_DECREF(iter);
    if (PyErr_Occurred() || PyList_Size(flat) != 16) goto bad;
    for (Py_ssize_t i = 0; i < 16; i++) {
        const double v = PyFloat_AsDouble(PyList_GetItem(flat, i));
        if (v == -1.0 && PyErr_Occurred()) goto bad;
        out[i] = (float)v;
    }
    Py_DECREF(flat);
    return 0;
bad:
    Py_DECREF(flat);
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "%s must be a 4x4 matrix (4 rows of 4 numbers, or 16 numbers)", what);
    return -1;
}

int parse_choice(PyObject *value, const char *what, const char *const names[], int count, int *out)
{
    const char *s = value ? PyUnicode_AsUTF8AndSize(value, NULL) : NULL;
    if (!s) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be a string", what);
        return -1;
    }
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    PyObject *choices = PyUnicode_FromString("");
    for (int i = 0; i < count && choices; i++) {
        PyObject *next = PyUnicode_FromFormat("%U%s'%s'", choices, i ? ", " : "", names[i]);
        Py_DECREF(choices);
        choices = next;
    }
    PyErr_Format(PyExc_ValueError, "%s must be one of %U, got '%s'", what, choices, s);
    Py_XDECREF(choices);
    return -1;
}

int get_floats_n(PyObject *object, const char *what, int n, float *out)
{
    PyObject *seq = PySequence_Check(object) && !PyUnicode_Check(object) ? PySequence_Tuple(object) : NULL;
    bool ok = seq && PyTuple_Size(seq) == n;
    for (int i = 0; ok && i < n; i++) {
        const double v = PyFloat_AsDouble(PyTuple_GetItem(seq, i));
        ok = !(v == -1.0 && PyErr_Occurred());
        out[i] = (float)v;
    }
    Py_XDECREF(seq);
    if (ok) return 0;
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "%s must be %d numbers", what, n);
    return -1;
}

int get_rgba(PyObject *object, const char *what, float out[4])
{
    if (get_floats_n(object, what, 4, out) == 0) return 0;
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "%s must be 4 numbers (R, G, B, A)", what);
    return -1;
}

/* An array.array rather than a memoryview: Blender's foreach_set copies an array.array at once
 * and any other buffer a value at a time. Made by repeating one zero, which costs no more than the
 * page faults of a fresh allocation; the pointer stays valid while nobody resizes it. */
PyObject *new_array(const char *typecode, Py_ssize_t count, const char *what, void **r_items)
{
    PyObject *array_type = NULL, *one = NULL, *out = NULL;
    PyObject *module = PyImport_ImportModule("array");
    if (module) array_type = PyObject_GetAttrString(module, "array");
    if (array_type) one = PyObject_CallFunction(array_type, "s(i)", typecode, 0);
    if (one) out = count <= PY_SSIZE_T_MAX / 8 ? PySequence_Repeat(one, count) : NULL;
    Py_XDECREF(module);
    Py_XDECREF(array_type);
    Py_XDECREF(one);
    Py_buffer view;
    if (out && PyObject_GetBuffer(out, &view, PyBUF_WRITABLE) == 0) {
        *r_items = view.buf;
        PyBuffer_Release(&view);
        return out;
    }
    Py_XDECREF(out);
    PyErr_Clear();
    PyErr_Format(PyExc_MemoryError, "out of memory for %s: %zd %s", what, count,
                 typecode[0] == 'f' ? "floats" : "integers");
    return NULL;
}

PyObject *new_float_buffer(Py_ssize_t count, const char *what, float **r_floats)
{
    void *items = NULL;
    PyObject *out = new_array("f", count, what, &items);
    *r_floats = items;
    return out;
}
