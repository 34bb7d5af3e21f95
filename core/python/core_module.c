/* bakeview._core: the CPython binding of the C core. Thin on purpose: it parses arguments,
 * checks buffers (format, item size, length, contiguity), releases the GIL while the core works
 * and turns core failures into ValueError / MemoryError / OSError carrying the core's message.
 *
 * Built against the limited API of Python 3.11 (abi3), so one binary loads in every CPython from
 * 3.11 on: Debian's Blender 3.4, the bpy module, Blender 4.x and 5.x.
 *
 * This file holds the module definition; the functions live in render_functions.c,
 * sheet_functions.c, color_functions.c and data_sheet_functions.c. */
#include "convert.h"
#include "functions.h"

static PyMethodDef core_methods[] = {
    {"render", (PyCFunction)(void (*)(void))core_render, METH_VARARGS | METH_KEYWORDS,
     "render(meshes, view, projection, width, height, *, passes=('COLOR',), samples='AUTO', "
     "filter='BLACKMAN_HARRIS', filter_width=1.5, background=(0, 0, 0, 0), premultiplied=False, "
     "mipmaps=False, cull_backfaces=False, threads=0, normal_space='WORLD') -> {pass: array('f') "
     "of float32}\n\n"
     "Renders the meshes from a camera. view and projection are 4x4 matrices as Blender gives "
     "them (matrix_world.inverted(), calc_matrix_camera). Passes: COLOR (RGBA), ALPHA, DEPTH, "
     "NORMAL (XYZ, in normal_space: WORLD, or CAMERA: x right, y up, z toward the viewer), UV, "
     "OBJECT_ID; each a flat float32 buffer, row 0 at the bottom. samples: AUTO (coverage on a "
     "4 x 4 grid; a pixel inside one smooth surface is one lookup of its texture integrated over "
     "the pixel filter, on the texture's mip chain if it has one) or N for an N x N grid of "
     "point samples."},
    {"write_png", (PyCFunction)(void (*)(void))core_write_png, METH_VARARGS | METH_KEYWORDS,
     "write_png(path, pixels, width, height, channels=4, *, encoding='SRGB', lut=None, "
     "premultiply=False, bits=8)\n\n"
     "Writes float pixels (row 0 at the bottom, straight alpha) as a PNG, atomically. "
     "encoding: SRGB (the exact curve), LINEAR (values as they are: data, or display values) or "
     "LUT (RGB through lut, a ColorLut). premultiply: colour codes times alpha, as engines read "
     "premultiplyAlpha. bits: 8, or 16 for data (encoding LINEAR)."},
    {"color_lut_points", (PyCFunction)(void (*)(void))core_color_lut_points,
     METH_VARARGS | METH_KEYWORDS,
     "color_lut_points(size, *, offset, knee, knee_index) -> float32 RGBA array('f')\n\n"
     "The points to sample a display transform at for a ColorLut of that shape: the size^3 "
     "lattice points (r fastest), then the (size - 1)^3 cell centres, alpha 1."},
    {"unique_colors", core_unique_colors, METH_VARARGS,
     "unique_colors(pixels) -> (colors, index): the distinct RGB colours of float RGBA pixels "
     "(bit for bit, alpha ignored) in order of first appearance, as RGBA with alpha 1 "
     "(array('f')), and each pixel's position among them (array('I')): a transform taken colour "
     "by colour (through Blender) then takes each once."},
    {"expand_colors", core_expand_colors, METH_VARARGS,
     "expand_colors(colors, index, alphas) -> array('f'): pixel i is colors[index[i]]'s RGB with "
     "the alpha of pixel i of alphas (RGBA): unique_colors' way back."},
    {"to_rgba", (PyCFunction)(void (*)(void))core_to_rgba, METH_VARARGS | METH_KEYWORDS,
     "to_rgba(pixels, channels, *, fill=(0, 0, 0, 1)) -> float32 RGBA array('f')\n\n"
     "Widens 1- to 3-channel pass pixels to RGBA for Image.pixels (one channel fills R, G, B)."},
    {"straight_alpha", core_straight_alpha, METH_O,
     "straight_alpha(pixels) -> float32 RGBA array('f')\n\nPremultiplied RGBA (a render's) made "
     "straight: RGB times 1 / alpha where 0 < alpha < 1, as Blender does before writing a file."},
    {"camera_normals", (PyCFunction)(void (*)(void))core_camera_normals, METH_VARARGS | METH_KEYWORDS,
     "camera_normals(normals, view) -> float32 XYZ array('f')\n\nWorld-space normals (a render's "
     "normal pass, 3 per pixel) turned into the view matrix's camera space (its rotation, not its "
     "scale) and made unit; zero normals (nothing seen) stay zero."},
    {"pack_channels", (PyCFunction)(void (*)(void))core_pack_channels, METH_VARARGS | METH_KEYWORDS,
     "pack_channels(sources, count) -> float32 RGBA: the R channel of each of 4 RGBA float "
     "buffers of `count` pixels (or a number, for a constant), interleaved: a Material's channels "
     "(metallic, roughness, specular, occlusion)"},
    {"same_bytes", core_same_bytes, METH_VARARGS,
     "same_bytes(a, b) -> bool: whether two C-contiguous buffers hold the same bytes (memcmp)."},
    {"write_apng", (PyCFunction)(void (*)(void))core_write_apng, METH_VARARGS | METH_KEYWORDS,
     "write_apng(path, frames, width, height, *, delay=(1, 12), plays=0)\n\n"
     "An animated PNG: frames are width x height RGBA8 buffers (straight alpha, rows top-down), "
     "each shown delay[0] / delay[1] seconds, played `plays` times (0: forever). Written "
     "atomically."},
    {"png_codes", (PyCFunction)(void (*)(void))core_png_codes, METH_VARARGS | METH_KEYWORDS,
     "png_codes(pixels, width, height, channels=4, *, encoding='SRGB', lut=None, premultiply=False, "
     "palette=None) -> bytes\n\nThe 8-bit codes write_png would write (rows top-down)."},
    {"pixel_hard_alpha", core_pixel_hard_alpha, METH_VARARGS,
     "pixel_hard_alpha(rgba, width, height): in place, alpha >= 0.5 becomes 1, less 0 (colour 0)."},
    {"pixel_outline", core_pixel_outline, METH_VARARGS,
     "pixel_outline(rgba, width, height, colour): in place, every transparent pixel beside an opaque one "
     "(4-neighbours) becomes colour (linear RGB of an RGBA tuple), opaque."},
    {"pixel_upscale", core_pixel_upscale, METH_VARARGS,
     "pixel_upscale(pixels, width, height, channels, factor) -> array('f'): each pixel a factor x factor "
     "block."},
    {"median_cut", core_median_cut, METH_VARARGS,
     "median_cut(codes, colours) -> [(r, g, b), ...]: up to `colours` colours for the visible pixels of "
     "RGBA8 codes (median cut, count-weighted means; deterministic)."},
    {"read_png", core_read_png, METH_O,
     "read_png(path) -> (bytes, width, height): a PNG file as RGBA8, rows top-down (16-bit "
     "samples reduced to 8, grey and palette widened). OSError names the file and why."},
    {"gather", core_gather, METH_VARARGS,
     "gather(values, indices) -> array('I'): values[indices[i]] for each index, 4-byte integers\n\n"
     "A mesh's triangle vertices from its triangle corners and its corners' vertices. IndexError "
     "names the first index past the values."},
    {"add_rgb", (PyCFunction)(void (*)(void))core_add_rgb, METH_VARARGS | METH_KEYWORDS,
     "add_rgb(a, b, count, weight=1) -> float32 RGBA: two RGBA float buffers of `count` pixels, "
     "RGB a + weight x b, alpha a's (an emission bake plus the indirect light baked beside it)"},
    {"shadow_bytes", core_shadow_bytes, METH_VARARGS,
     "shadow_bytes(lighting, width, height) -> the bytes the shadow maps of a width x height view "
     "lit by `lighting` (render's argument) take, after fitting its shadow_memory_limit"},
    {"linear_to_srgb8", core_linear_to_srgb8, METH_O, "linear_to_srgb8(x) -> 8-bit sRGB code"},
    {"trim_bounds", (PyCFunction)(void (*)(void))core_trim_bounds, METH_VARARGS | METH_KEYWORDS,
     "trim_bounds(pixels, width, height, channels=4, threshold=0.0) -> (x, y, w, h)\n\n"
     "The smallest rectangle (y down from the top row) holding every pixel whose alpha is above "
     "threshold; (0, 0, 0, 0) if none."},
    {"rect_hash", (PyCFunction)(void (*)(void))core_rect_hash, METH_VARARGS | METH_KEYWORDS,
     "rect_hash(pixels, width, height, rect, channels=4) -> int: a 64-bit hash of a rectangle's "
     "pixels, to find identical frames."},
    {"pack", (PyCFunction)(void (*)(void))core_pack, METH_VARARGS | METH_KEYWORDS,
     "pack(sizes, *, layout='MAXRECTS', heuristic='BSSF', max_size=(4096, 4096), shape_padding=0, "
     "border_padding=0, power_of_two=False, square=False, allow_rotation=False, grid_columns=0) "
     "-> ([(page, x, y, rotated)], [(width, height, occupancy)])\n\n"
     "Packs rectangles into pages (MaxRects BSSF, BAF, BL or CP, or a grid); y down."},
    {"blit", (PyCFunction)(void (*)(void))core_blit, METH_VARARGS | METH_KEYWORDS,
     "blit(page, page_width, page_height, source, source_width, source_height, source_rect, x, y, "
     "*, channels=4, rotated=False, extrude=0)\n\nCopies a frame's rectangle into a page buffer "
     "(both row 0 at the bottom; rectangles and positions y down)."},
    {"write_json", (PyCFunction)(void (*)(void))core_write_json, METH_VARARGS | METH_KEYWORDS,
     "write_json(path, frames, *, form='HASH', animations=None, image, size, scale=1.0, "
     "related_multi_packs=(), premultiplied=False, normal_image=None, normal_y='UP', "
     "depth_image=None, depth_range=None)\n\nWrites TexturePacker JSON (Hash or "
     "Array) atomically. Each frame is a dict: name, frame, rotated, trimmed, source "
     "(spriteSourceSize), source_size, pivot_x, pivot_y and optionally view (azimuth, elevation, "
     "animation_frame, view, projection). normal_image, depth_image (with depth_range = (near, "
     "far)) describe the page's data sheets under meta.bakeview."},
    {"write_multipack_json", (PyCFunction)(void (*)(void))core_write_multipack_json,
     METH_VARARGS | METH_KEYWORDS,
     "write_multipack_json(path, frames, *, pages, animations=None, scale=1.0, premultiplied=False)"
     "\n\nWrites every page of a sheet in one TexturePacker multi-pack JSON (\"textures\": one entry "
     "per page, frames in JSON Array form), the file Phaser's load.multiatlas reads, atomically. "
     "pages: [{'image': PNG file name, 'size': (width, height), 'normal_map': its normal sheet's "
     "file name or None (Phaser loads it as the page's normalMap)}, ...]; frames: dicts as write_json "
     "takes, each with 'page' (an index into pages); animations may name frames of any page."},
    {"encode_normal_sheet", (PyCFunction)(void (*)(void))core_encode_normal_sheet, METH_VARARGS | METH_KEYWORDS,
     "encode_normal_sheet(normals, color, width, height, *, normal_y='UP') -> float32 RGBA array('f')\n\n"
     "A normal sheet: camera-space normals (3 per pixel) as n * 0.5 + 0.5, green up (UP) or down "
     "(DOWN), alpha from color (RGBA), (0.5, 0.5, 1) where the normal is zero (nothing seen)."},
    {"encode_depth_sheet", (PyCFunction)(void (*)(void))core_encode_depth_sheet, METH_VARARGS | METH_KEYWORDS,
     "encode_depth_sheet(depth, color, width, height, near, far) -> float32 array('f') (grey, alpha)\n\n"
     "A depth sheet: (depth - near) / (far - near) clamped to [0, 1], 1 where nothing is seen, "
     "alpha from color (RGBA); to be written with write_png(..., encoding='LINEAR', bits=16)."},
    {NULL, NULL, 0, NULL},
};

/* --- module --- */

static int core_exec(PyObject *module)
{
    module_state *state = PyModule_GetState(module);
    state->texture_type = PyType_FromModuleAndSpec(module, &texture_spec, NULL);
    if (!state->texture_type || PyModule_AddObjectRef(module, "Texture", state->texture_type) != 0) return -1;
    state->mesh_type = PyType_FromModuleAndSpec(module, &mesh_spec, NULL);
    if (!state->mesh_type || PyModule_AddObjectRef(module, "Mesh", state->mesh_type) != 0) return -1;
    state->color_lut_type = PyType_FromModuleAndSpec(module, &color_lut_spec, NULL);
    if (!state->color_lut_type || PyModule_AddObjectRef(module, "ColorLut", state->color_lut_type) != 0)
        return -1;
    state->material_type = PyType_FromModuleAndSpec(module, &material_spec, NULL);
    if (!state->material_type || PyModule_AddObjectRef(module, "Material", state->material_type) != 0)
        return -1;
    if (PyModule_AddIntConstant(module, "MAX_LIGHTS", BV_MAX_LIGHTS) != 0) return -1;
    if (PyModule_AddStringConstant(module, "version", BV_VERSION_STRING) != 0) return -1;
    if (PyModule_AddObject(module, "DEPTH_EMPTY", PyFloat_FromDouble(BV_DEPTH_EMPTY)) != 0) return -1;
    if (PyModule_AddObject(module, "OBJECT_ID_EMPTY", PyFloat_FromDouble(BV_OBJECT_ID_EMPTY)) != 0)
        return -1;
    if (PyModule_AddIntConstant(module, "MAX_IMAGE_SIZE", BV_MAX_IMAGE_SIZE) != 0) return -1;
    return 0;
}

static int core_traverse(PyObject *module, visitproc visit, void *arg)
{
    module_state *state = PyModule_GetState(module);
    Py_VISIT(state->texture_type);
    Py_VISIT(state->mesh_type);
    Py_VISIT(state->color_lut_type);
    Py_VISIT(state->material_type);
    return 0;
}

static int core_clear(PyObject *module)
{
    module_state *state = PyModule_GetState(module);
    Py_CLEAR(state->texture_type);
    Py_CLEAR(state->mesh_type);
    Py_CLEAR(state->color_lut_type);
    Py_CLEAR(state->material_type);
    return 0;
}

static PyModuleDef_Slot core_slots[] = {
    {Py_mod_exec, core_exec},
    {0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bakeview._core",
    .m_doc = "bakeview's C core: render baked meshes from Blender cameras, write PNG files.",
    .m_size = sizeof(module_state),
    .m_methods = core_methods,
    .m_slots = core_slots,
    .m_traverse = core_traverse,
    .m_clear = core_clear,
};

PyMODINIT_FUNC PyInit__core(void);
PyMODINIT_FUNC PyInit__core(void) { return PyModuleDef_Init(&core_module); }
