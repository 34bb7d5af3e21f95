/* bakeview._core: turning Python arguments into core inputs and core failures into exceptions,
 * shared by the binding's files. */
#ifndef BV_PY_CONVERT_H
#define BV_PY_CONVERT_H

#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <bakeview/bakeview.h>

/* The module's state: its types. */
typedef struct module_state {
    PyObject *texture_type;
    PyObject *mesh_type;
    PyObject *color_lut_type;
    PyObject *material_type;
} module_state;

/* Raises ValueError, MemoryError or OSError with the core's message; returns NULL. */
PyObject *raise_core_error(bv_status status);

/* TypeError "<what> must be <expected>, got <type name>". */
void raise_wrong_type(const char *what, const char *expected, PyObject *object);

/* A C-contiguous buffer of `itemsize`-byte items whose format is one of `formats` (untyped byte
 * buffers are taken as raw items). `what` names the argument in messages. 0 on success. */
int get_buffer(PyObject *object, const char *what, const char *formats, Py_ssize_t itemsize,
               Py_buffer *view);
int get_floats(PyObject *object, const char *what, Py_buffer *view);
/* get_buffer with extra PyBUF_* flags (PyBUF_WRITABLE for outputs). */
int get_buffer_flags(PyObject *object, const char *what, const char *formats, Py_ssize_t itemsize,
                     int flags, Py_buffer *view);

/* Number arguments taken with "O" rather than PyArg's "i" and "d", so that messages name them:
 * TypeError "width must be an int, got str", ValueError "width 1099511627776 does not fit a 32-bit
 * int". A NULL object is an optional argument not given: *out keeps its default. 0 on success. */
int get_int(PyObject *object, const char *what, int *out);
int get_double(PyObject *object, const char *what, double *out);
/* `count` ints from a sequence (tuple, list) of exactly that many; `shape` names them in
 * messages, e.g. "(width, height)". */
int get_ints(PyObject *object, const char *what, const char *shape, int count, int *out);

/* n floats from a sequence of exactly n numbers ("<what> must be <n> numbers"). */
int get_floats_n(PyObject *object, const char *what, int n, float *out);
/* get_floats_n of 4: a background, fill or outline colour ("... (R, G, B, A)"). */
int get_rgba(PyObject *object, const char *what, float out[4]);

/* 16 numbers from a 4x4 matrix: rows (mathutils.Matrix, nested lists, numpy) or a flat sequence. */
int get_matrix(PyObject *object, const char *what, float out[16]);

/* The index of `value` (a str) among `names`; ValueError listing them otherwise. */
int parse_choice(PyObject *value, const char *what, const char *const names[], int count, int *out);

/* A new array.array of `typecode` ("f", "I") holding `count` zeros (*r_items: its items, valid
 * until it is resized). MemoryError naming `what` if it cannot be had. */
PyObject *new_array(const char *typecode, Py_ssize_t count, const char *what, void **r_items);
/* new_array("f", ...): a float32 result that Blender's foreach_set takes at once. */
PyObject *new_float_buffer(Py_ssize_t count, const char *what, float **r_floats);

#endif
