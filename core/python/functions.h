/* bakeview._core: the functions and types the module exposes, defined across the binding's files. */
#ifndef BV_PY_FUNCTIONS_H
#define BV_PY_FUNCTIONS_H

#include "convert.h"

extern PyType_Spec texture_spec;
extern PyType_Spec mesh_spec;
extern PyType_Spec color_lut_spec;
extern PyType_Spec material_spec;

/* The core texture of an initialised Texture object (NULL if not initialised). */
const bv_texture *texture_of(PyObject *object);
/* The core material of a Material object. */
const bv_material *material_of(PyObject *object);

/* render's lighting argument: a dict of lights (dicts of bv_light's fields), world (color,
 * environment Texture), shading_rate, shadow_map_size, shadow_memory_limit. */
typedef struct lighting_arg {
    bv_lighting lighting;
    bv_light *lights;      /* PyMem */
    PyObject *environment; /* held for the call */
} lighting_arg;
int get_lighting(PyObject *module, PyObject *object, lighting_arg *out);
void release_lighting(lighting_arg *arg);
PyObject *core_shadow_bytes(PyObject *module, PyObject *args);
PyObject *core_pack_channels(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_add_rgb(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_same_bytes(PyObject *module, PyObject *args);
PyObject *core_gather(PyObject *module, PyObject *args);
PyObject *core_write_apng(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_read_png(PyObject *module, PyObject *arg);
PyObject *core_png_codes(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_pixel_hard_alpha(PyObject *module, PyObject *args);
PyObject *core_pixel_outline(PyObject *module, PyObject *args);
PyObject *core_pixel_upscale(PyObject *module, PyObject *args);
PyObject *core_median_cut(PyObject *module, PyObject *args);

/* The core LUT of a ColorLut argument named "lut"; NULL with TypeError (or ValueError if it is
 * not initialised) otherwise. */
const bv_color_lut *color_lut_of(PyObject *module, PyObject *object);
PyObject *core_color_lut_points(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_unique_colors(PyObject *module, PyObject *args);
PyObject *core_expand_colors(PyObject *module, PyObject *args);

PyObject *core_render(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_write_png(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_to_rgba(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_camera_normals(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_straight_alpha(PyObject *module, PyObject *arg);
PyObject *core_linear_to_srgb8(PyObject *module, PyObject *arg);

PyObject *core_trim_bounds(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_rect_hash(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_pack(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_blit(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_write_json(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_write_multipack_json(PyObject *module, PyObject *args, PyObject *kwargs);

PyObject *core_encode_normal_sheet(PyObject *module, PyObject *args, PyObject *kwargs);
PyObject *core_encode_depth_sheet(PyObject *module, PyObject *args, PyObject *kwargs);

#endif
