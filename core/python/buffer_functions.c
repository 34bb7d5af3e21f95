/* bakeview._core's buffer helpers at memory speed: same_bytes (the add-on's texture cache compares
 * an image's pixels with the copy its texture was made from) and gather (a mesh's triangle
 * vertices from its triangle corners, where Blender reads corners at once and vertices not). */
#include <stdint.h>
#include <string.h>

#include "functions.h"

PyObject *core_same_bytes(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO:same_bytes", &a, &b)) return NULL;
    Py_buffer va, vb;
    if (PyObject_GetBuffer(a, &va, PyBUF_SIMPLE) != 0) return NULL;
    if (PyObject_GetBuffer(b, &vb, PyBUF_SIMPLE) != 0) {
        PyBuffer_Release(&va);
        return NULL;
    }
    int same;
    Py_BEGIN_ALLOW_THREADS
    same = va.len == vb.len && (va.len == 0 || memcmp(va.buf, vb.buf, (size_t)va.len) == 0);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&va);
    PyBuffer_Release(&vb);
    return PyBool_FromLong(same);
}

PyObject *core_gather(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *values_object, *indices_object;
    if (!PyArg_ParseTuple(args, "OO:gather", &values_object, &indices_object)) return NULL;
    Py_buffer values, indices;
    if (get_buffer(values_object, "values", "IiLl", 4, &values) != 0) return NULL;
    if (get_buffer(indices_object, "indices", "IiLl", 4, &indices) != 0) {
        PyBuffer_Release(&values);
        return NULL;
    }
    const Py_ssize_t count = indices.len / 4, limit = values.len / 4;
    const uint32_t *from = values.buf, *at = indices.buf;
    PyObject *out = NULL;
    Py_ssize_t bad = -1;
    for (Py_ssize_t i = 0; i < count && bad < 0; i++)
        if ((Py_ssize_t)at[i] >= limit) bad = i;
    if (bad >= 0) {
        PyErr_Format(PyExc_IndexError, "indices[%zd] is %lu, past the %zd values", bad,
                     (unsigned long)at[bad], limit);
    } else {
        void *items = NULL;
        out = new_array("I", count, "the gathered values", &items);
        uint32_t *to = items;
        if (out) {
            for (Py_ssize_t i = 0; i < count; i++) to[i] = from[at[i]];
        }
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&indices);
    return out;
}
