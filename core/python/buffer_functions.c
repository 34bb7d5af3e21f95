/* bakeview._core.same_bytes: whether two buffers hold the same bytes, at memory speed (the add-on's
 * texture cache compares an image's pixels with the copy its texture was made from). */
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
