/* bakeview._core: the Texture and Mesh types and the functions around bv_render. */
#include <math.h>
#include <string.h>

#include "convert.h"
#include "functions.h"

static const char *const extension_names[] = {"REPEAT", "EXTEND", "CLIP", "MIRROR"};
static const char *const interpolation_names[] = {"Linear", "Closest"};
static const char *const texture_alpha_names[] = {"STRAIGHT", "PREMULTIPLIED", "CHANNEL_PACKED", "IGNORE"};
static const char *const mesh_alpha_names[] = {"IGNORED", "COVERAGE"};
static const char *const filter_names[] = {"BLACKMAN_HARRIS", "GAUSSIAN", "BOX"};
static const char *const encoding_names[] = {"SRGB", "LINEAR", "LUT"};
static const char *const normal_space_names[] = {"WORLD", "CAMERA"};

/* --- Texture --- */

typedef struct texture_object {
    PyObject_HEAD
    Py_buffer pixels; /* held for the texture's life: the core borrows it */
    bv_texture *texture;
    int width, height;
} texture_object;

static int texture_init(PyObject *self_object, PyObject *args, PyObject *kwargs)
{
    texture_object *self = (texture_object *)self_object;
    static char *keywords[] = {"pixels", "width", "height", "extension", "interpolation", "mipmaps",
                               "alpha", NULL};
    PyObject *pixels, *width_object, *height_object, *extension = NULL, *interpolation = NULL,
                                                      *alpha_object = NULL;
    int width, height, mipmaps = 0;
    if (self->texture) {
        PyErr_SetString(PyExc_RuntimeError, "Texture is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|$OOpO:Texture", keywords, &pixels, &width_object,
                                     &height_object, &extension, &interpolation, &mipmaps, &alpha_object) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0)
        return -1;
    int ext = 0, interp = 0, alpha = 0;
    if (extension && parse_choice(extension, "extension", extension_names, 4, &ext) != 0) return -1;
    if (interpolation && parse_choice(interpolation, "interpolation", interpolation_names, 2, &interp) != 0)
        return -1;
    if (alpha_object && parse_choice(alpha_object, "alpha", texture_alpha_names, 4, &alpha) != 0) return -1;
    if (get_floats(pixels, "pixels", &self->pixels) != 0) return -1;
    bv_texture_desc desc = {
        .pixels = {self->pixels.buf, (size_t)(self->pixels.len / 4)},
        .width = width,
        .height = height,
        .extension = (bv_extension)ext,
        .interpolation = (bv_interpolation)interp,
        .mipmaps = mipmaps != 0,
        .alpha = (bv_texture_alpha)alpha,
    };
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_texture_create(&desc, &self->texture);
    Py_END_ALLOW_THREADS
    if (status != BV_OK) {
        PyBuffer_Release(&self->pixels);
        memset(&self->pixels, 0, sizeof self->pixels);
        raise_core_error(status);
        return -1;
    }
    self->width = width;
    self->height = height;
    return 0;
}

const bv_texture *texture_of(PyObject *object)
{
    return ((texture_object *)object)->texture;
}

static void texture_dealloc(PyObject *self_object)
{
    texture_object *self = (texture_object *)self_object;
    PyTypeObject *type = Py_TYPE(self_object);
    bv_texture_destroy(self->texture);
    if (self->pixels.obj) PyBuffer_Release(&self->pixels);
    freefunc free_fn = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_fn(self_object);
    Py_DECREF(type);
}

static PyObject *texture_size(PyObject *self_object, void *closure)
{
    (void)closure;
    texture_object *self = (texture_object *)self_object;
    return Py_BuildValue("(ii)", self->width, self->height);
}

static PyObject *texture_levels(PyObject *self_object, void *closure)
{
    (void)closure;
    return PyLong_FromLong(bv_texture_level_count(((texture_object *)self_object)->texture));
}

static PyObject *texture_sample(PyObject *self_object, PyObject *args)
{
    texture_object *self = (texture_object *)self_object;
    float u, v, rgba[4];
    if (!self->texture) {
        PyErr_SetString(PyExc_ValueError, "Texture is not initialised");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "ff", &u, &v)) return NULL;
    bv_texture_sample(self->texture, u, v, rgba);
    return Py_BuildValue("(ffff)", rgba[0], rgba[1], rgba[2], rgba[3]);
}

static PyGetSetDef texture_getset[] = {
    {"size", texture_size, NULL, "(width, height) in texels", NULL},
    {"levels", texture_levels, NULL, "number of mip levels (1 without mipmaps)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef texture_methods[] = {
    {"sample", texture_sample, METH_VARARGS, "sample(u, v) -> straight RGBA at a UV coordinate"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot texture_slots[] = {
    {Py_tp_doc, "Texture(pixels, width, height, *, extension='REPEAT', interpolation='Linear', "
                "mipmaps=False, alpha='STRAIGHT')\n\nA float RGBA image (linear, row 0 at the bottom, "
                "Blender's Image.pixels) sampled as Cycles' Image Texture node. alpha: how the "
                "texels hold it: STRAIGHT, PREMULTIPLIED (a Blender float image, as Cycles reads "
                "it), CHANNEL_PACKED or IGNORE. Holds the pixel buffer without copying it."},
    {Py_tp_init, texture_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, texture_dealloc},
    {Py_tp_getset, texture_getset},
    {Py_tp_methods, texture_methods},
    {0, NULL},
};

PyType_Spec texture_spec = {"bakeview._core.Texture", sizeof(texture_object), 0,
                                   Py_TPFLAGS_DEFAULT, texture_slots};

/* --- Mesh --- */

typedef struct mesh_object {
    PyObject_HEAD
    Py_buffer positions, triangles, uvs, normals, loops, tangents, signs; /* held: the core borrows them */
    PyObject *texture;                            /* a Texture or None */
    PyObject *material;                           /* a Material or None */
    bv_mesh mesh;
} mesh_object;

static void release_mesh_buffers(mesh_object *self)
{
    Py_buffer *views[] = {&self->positions, &self->triangles, &self->uvs, &self->normals, &self->loops,
                          &self->tangents, &self->signs};
    for (int i = 0; i < 7; i++)
        if (views[i]->obj) {
            PyBuffer_Release(views[i]);
            memset(views[i], 0, sizeof *views[i]);
        }
}

static int mesh_init(PyObject *self_object, PyObject *args, PyObject *kwargs)
{
    mesh_object *self = (mesh_object *)self_object;
    static char *keywords[] = {"positions", "triangles", "uvs", "normals", "loops", "matrix_world",
                               "texture", "object_id", "alpha", "material", "tangents",
                               "bitangent_signs", NULL};
    PyObject *positions, *triangles, *uvs = Py_None, *normals = Py_None, *loops = Py_None,
                                     *matrix = Py_None, *texture = Py_None, *object_id_object = NULL,
                                     *alpha_object = NULL, *material = Py_None, *tangents = Py_None,
                                     *signs = Py_None;
    int object_id = 0, alpha = 0;
    if (self->positions.obj) {
        PyErr_SetString(PyExc_RuntimeError, "Mesh is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O$OOOOOOOOO:Mesh", keywords, &positions,
                                     &triangles, &uvs, &normals, &loops, &matrix, &texture,
                                     &object_id_object, &alpha_object, &material, &tangents,
                                     &signs) ||
        get_int(object_id_object, "object_id", &object_id) != 0)
        return -1;
    if (alpha_object && parse_choice(alpha_object, "alpha", mesh_alpha_names, 2, &alpha) != 0) return -1;
    PyObject *module = PyType_GetModule(Py_TYPE(self_object));
    module_state *state = module ? PyModule_GetState(module) : NULL;
    if (!state) return -1;
    if (texture != Py_None && !PyObject_TypeCheck(texture, (PyTypeObject *)state->texture_type)) {
        PyErr_SetString(PyExc_ValueError, "texture must be a bakeview._core.Texture or None");
        return -1;
    }
    if (material != Py_None && !PyObject_TypeCheck(material, (PyTypeObject *)state->material_type)) {
        raise_wrong_type("material", "a bakeview._core.Material or None", material);
        return -1;
    }
    if (object_id < 0 || object_id >= (1 << 24)) {
        PyErr_Format(PyExc_ValueError, "object_id %d is outside 0..2^24 - 1 (exact in float)", object_id);
        return -1;
    }
    memset(&self->mesh, 0, sizeof self->mesh);
    if (matrix != Py_None && get_matrix(matrix, "matrix_world", self->mesh.matrix_world) != 0) return -1;
    if (get_floats(positions, "positions", &self->positions) != 0) goto fail;
    if (get_buffer(triangles, "triangles", "IiLl", 4, &self->triangles) != 0) goto fail;
    if (uvs != Py_None && get_floats(uvs, "uvs", &self->uvs) != 0) goto fail;
    if (normals != Py_None && get_floats(normals, "normals", &self->normals) != 0) goto fail;
    if (loops != Py_None && get_buffer(loops, "loops", "IiLl", 4, &self->loops) != 0) goto fail;
    if (tangents != Py_None && get_floats(tangents, "tangents", &self->tangents) != 0) goto fail;
    if (signs != Py_None && get_floats(signs, "bitangent_signs", &self->signs) != 0) goto fail;
    self->mesh.positions = (bv_floats){self->positions.buf, (size_t)self->positions.len / 4};
    self->mesh.triangles = (bv_uints){self->triangles.buf, (size_t)self->triangles.len / 4};
    if (self->uvs.obj) self->mesh.uvs = (bv_floats){self->uvs.buf, (size_t)self->uvs.len / 4};
    if (self->normals.obj) self->mesh.normals = (bv_floats){self->normals.buf, (size_t)self->normals.len / 4};
    if (self->loops.obj) self->mesh.loops = (bv_uints){self->loops.buf, (size_t)self->loops.len / 4};
    if (self->tangents.obj)
        self->mesh.tangents = (bv_floats){self->tangents.buf, (size_t)self->tangents.len / 4};
    if (self->signs.obj)
        self->mesh.bitangent_signs = (bv_floats){self->signs.buf, (size_t)self->signs.len / 4};
    self->mesh.object_id = (uint32_t)object_id;
    self->mesh.alpha = (bv_mesh_alpha)alpha;
    PyObject *old = self->texture;
    self->texture = Py_NewRef(texture);
    Py_XDECREF(old);
    self->mesh.texture = texture != Py_None ? ((texture_object *)texture)->texture : NULL;
    old = self->material;
    self->material = material != Py_None ? Py_NewRef(material) : NULL;
    Py_XDECREF(old);
    self->mesh.material = self->material ? material_of(self->material) : NULL;
    return 0;
fail:
    release_mesh_buffers(self);
    return -1;
}

static void mesh_dealloc(PyObject *self_object)
{
    mesh_object *self = (mesh_object *)self_object;
    PyTypeObject *type = Py_TYPE(self_object);
    release_mesh_buffers(self);
    Py_XDECREF(self->texture);
    Py_XDECREF(self->material);
    freefunc free_fn = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_fn(self_object);
    Py_DECREF(type);
}

static PyObject *mesh_triangle_count(PyObject *self_object, void *closure)
{
    (void)closure;
    return PyLong_FromSize_t(((mesh_object *)self_object)->mesh.triangles.count / 3);
}

static PyGetSetDef mesh_getset[] = {
    {"triangle_count", mesh_triangle_count, NULL, "number of triangles", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot mesh_slots[] = {
    {Py_tp_doc, "Mesh(positions, triangles, uvs=None, *, normals=None, loops=None, "
                "matrix_world=None, texture=None, object_id=0, alpha='IGNORED', material=None, "
                "tangents=None, bitangent_signs=None)\n\nA triangle mesh in the layout of "
                "Blender's loop_triangles: float32 positions (3 per vertex), uint32 triangles (3 "
                "per triangle), float32 uvs (6 per triangle) and optional normals (9 per "
                "triangle). With loops (3 loop indices per triangle), uvs and normals are per "
                "loop (2 and 3 floats), as a UV layer and corner normals read with foreach_get. "
                "alpha: what the texture's alpha does: IGNORED (opaque, as an Image Texture node "
                "whose Alpha output is unlinked) or COVERAGE (the surface's opacity: a bake of a "
                "material with holes). material: a Material for lit views (the texture is then the "
                "base colour); tangents, bitangent_signs: float32 object-space tangents (3 per "
                "triangle corner, or per loop with loops) and their signs (1 each), as "
                "calc_tangents gives them, which a Material's normal map needs. "
                "Holds the buffers without copying them."},
    {Py_tp_init, mesh_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, mesh_dealloc},
    {Py_tp_getset, mesh_getset},
    {0, NULL},
};

PyType_Spec mesh_spec = {"bakeview._core.Mesh", sizeof(mesh_object), 0, Py_TPFLAGS_DEFAULT,
                                mesh_slots};

/* --- render --- */

enum { PASS_COLOR, PASS_ALPHA, PASS_DEPTH, PASS_NORMAL, PASS_UV, PASS_OBJECT_ID, PASS_COUNT };
static const char *const pass_names[PASS_COUNT] = {"COLOR", "ALPHA", "DEPTH", "NORMAL", "UV", "OBJECT_ID"};
static const int pass_channels[PASS_COUNT] = {4, 1, 1, 3, 2, 1};

/* samples: 'AUTO' (any case) or a whole number 1 .. BV_MAX_SAMPLES; None leaves *r_samples. */
static int get_samples(PyObject *object, int *r_samples)
{
    if (!object || object == Py_None) return 0;
    if (PyUnicode_Check(object)) {
        static const char *const names[] = {"AUTO"};
        int index = 0;
        if (parse_choice(object, "samples", names, 1, &index) != 0) return -1;
        *r_samples = BV_SAMPLES_AUTO;
        return 0;
    }
    int samples = 0;
    if (get_int(object, "samples", &samples) != 0) return -1;
    if (samples < 1 || samples > BV_MAX_SAMPLES) {
        PyErr_Format(PyExc_ValueError, "samples must be 'AUTO' or from 1 to %d, got %d", BV_MAX_SAMPLES,
                     samples);
        return -1;
    }
    *r_samples = samples;
    return 0;
}

PyObject *core_render(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"meshes", "view", "projection", "width", "height", "passes", "samples",
                               "filter", "filter_width", "background", "premultiplied", "mipmaps",
                               "cull_backfaces", "threads", "normal_space", "lighting", NULL};
    PyObject *meshes, *view, *projection, *width_object, *height_object;
    PyObject *passes = NULL, *samples_object = NULL, *filter = NULL, *filter_width_object = NULL,
             *background = NULL, *threads_object = NULL, *normal_space = NULL, *lighting = NULL;
    int width, height, samples = BV_SAMPLES_AUTO, premultiplied = 0, mipmaps = 0, cull = 0, threads = 0;
    double filter_width = BV_DEFAULT_FILTER_WIDTH;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOO|$OOOOOpppOOO:render", keywords, &meshes, &view,
                                     &projection, &width_object, &height_object, &passes,
                                     &samples_object, &filter, &filter_width_object, &background,
                                     &premultiplied, &mipmaps, &cull, &threads_object, &normal_space,
                                     &lighting) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_samples(samples_object, &samples) != 0 ||
        get_double(filter_width_object, "filter_width", &filter_width) != 0 ||
        get_int(threads_object, "threads", &threads) != 0)
        return NULL;
    module_state *state = PyModule_GetState(module);
    bv_render_desc desc = {0};
    desc.camera.width = width;
    desc.camera.height = height;
    desc.samples = samples;
    desc.filter_width = (float)filter_width;
    desc.premultiplied = premultiplied != 0;
    desc.mipmaps = mipmaps != 0;
    desc.cull_backfaces = cull != 0;
    desc.threads = threads;
    if (get_matrix(view, "view", desc.camera.view) != 0) return NULL;
    if (get_matrix(projection, "projection", desc.camera.projection) != 0) return NULL;
    int filter_index = 0;
    if (filter && parse_choice(filter, "filter", filter_names, 3, &filter_index) != 0) return NULL;
    desc.filter = (bv_filter)filter_index;
    int space_index = 0;
    if (normal_space && parse_choice(normal_space, "normal_space", normal_space_names, 2, &space_index) != 0)
        return NULL;
    desc.normal_space = (bv_normal_space)space_index;
    if (background && background != Py_None && get_rgba(background, "background", desc.background) != 0)
        return NULL;

    /* which passes */
    bool want[PASS_COUNT] = {false};
    if (!passes) {
        want[PASS_COLOR] = true;
    } else {
        PyObject *iter = PyUnicode_Check(passes) ? NULL : PyObject_GetIter(passes);
        if (!iter) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "passes must be a sequence of pass names, e.g. ('COLOR',)");
            return NULL;
        }
        PyObject *item;
        while ((item = PyIter_Next(iter))) {
            int p;
            const int bad = parse_choice(item, "each pass", pass_names, PASS_COUNT, &p);
            Py_DECREF(item);
            if (bad) {
                Py_DECREF(iter);
                return NULL;
            }
            want[p] = true;
        }
        Py_DECREF(iter);
        if (PyErr_Occurred()) return NULL;
    }

    /* meshes: hold references for the call */
    PyObject *mesh_list = PySequence_List(meshes);
    if (!mesh_list) {
        PyErr_SetString(PyExc_ValueError, "meshes must be a sequence of bakeview._core.Mesh");
        return NULL;
    }
    const Py_ssize_t mesh_count = PyList_Size(mesh_list);
    bv_mesh *descs = PyMem_Calloc(mesh_count ? (size_t)mesh_count : 1, sizeof *descs);
    if (!descs) {
        Py_DECREF(mesh_list);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < mesh_count; i++) {
        PyObject *m = PyList_GetItem(mesh_list, i);
        if (!PyObject_TypeCheck(m, (PyTypeObject *)state->mesh_type) || !((mesh_object *)m)->positions.obj) {
            PyErr_Format(PyExc_ValueError, "meshes[%zd] must be an initialised bakeview._core.Mesh", i);
            PyMem_Free(descs);
            Py_DECREF(mesh_list);
            return NULL;
        }
        descs[i] = ((mesh_object *)m)->mesh;
    }
    desc.meshes = descs;
    desc.mesh_count = (size_t)mesh_count;
    lighting_arg lit = {0};
    PyObject *result = NULL;
    if (lighting && lighting != Py_None) {
        if (get_lighting(module, lighting, &lit) != 0) goto fail;
        desc.lighting = &lit.lighting;
    }

    /* outputs: everything checked before allocating them, so a huge view with bad input fails with
       the reason, not for want of memory */
    result = PyDict_New();
    bv_render_targets targets = {0};
    bv_float_span *spans[PASS_COUNT] = {&targets.color, &targets.alpha, &targets.depth,
                                        &targets.normal, &targets.uv, &targets.object_id};
    if (width <= 0 || height <= 0 || width > BV_MAX_IMAGE_SIZE || height > BV_MAX_IMAGE_SIZE) {
        PyErr_Format(PyExc_ValueError, "width and height must be in 1..%d, got %d x %d",
                     BV_MAX_IMAGE_SIZE, width, height);
        goto fail;
    }
    for (int p = 0; p < PASS_COUNT; p++) /* the passes asked for, by their counts */
        if (want[p]) *spans[p] = (bv_float_span){NULL, (size_t)width * (size_t)height * (size_t)pass_channels[p]};
    bv_status checked;
    Py_BEGIN_ALLOW_THREADS /* it reads every position and index */
    checked = bv_render_check(&desc, &targets);
    Py_END_ALLOW_THREADS
    if (checked != BV_OK) {
        raise_core_error(checked);
        goto fail;
    }
    for (int p = 0; result && p < PASS_COUNT; p++) {
        if (!want[p]) continue;
        const Py_ssize_t count = (Py_ssize_t)width * height * pass_channels[p];
        char what[32];
        PyOS_snprintf(what, sizeof what, "the %s pass", pass_names[p]);
        float *floats = NULL;
        PyObject *buffer = new_float_buffer(count, what, &floats);
        if (!buffer) goto fail;
        *spans[p] = (bv_float_span){floats, (size_t)count};
        const int set = PyDict_SetItemString(result, pass_names[p], buffer);
        Py_DECREF(buffer);
        if (set != 0) goto fail;
    }
    if (!result) goto fail;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_render(&desc, &targets);
    Py_END_ALLOW_THREADS
    PyMem_Free(descs);
    Py_DECREF(mesh_list);
    release_lighting(&lit);
    if (status != BV_OK) {
        Py_DECREF(result);
        return raise_core_error(status);
    }
    return result;
fail:
    Py_XDECREF(result);
    PyMem_Free(descs);
    Py_DECREF(mesh_list);
    release_lighting(&lit);
    return NULL;
}

/* --- PNG --- */

/* write_png's and png_codes's arguments after the path into a desc (pixels held in *view, the
 * palette's codes in `palette`); 0, or -1 with the Python error set and nothing held. */
static int get_png(PyObject *module, PyObject *pixels, PyObject *width_object, PyObject *height_object,
                   PyObject *channels_object, PyObject *encoding, PyObject *lut_object, int premultiply,
                   PyObject *bits_object, PyObject *palette_object, bv_png_desc *desc, Py_buffer *view,
                   uint8_t palette[3 * BV_MAX_PALETTE])
{
    int width, height, channels = 4, bits = 8, enc = 0;
    const bv_color_lut *lut = NULL;
    if (get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_int(channels_object, "channels", &channels) != 0 ||
        (encoding && parse_choice(encoding, "encoding", encoding_names, 3, &enc) != 0) ||
        (lut_object && lut_object != Py_None && !(lut = color_lut_of(module, lut_object))) ||
        get_int(bits_object, "bits", &bits) != 0)
        return -1;
    int palette_count = 0;
    if (palette_object && palette_object != Py_None) {
        PyObject *list = PyUnicode_Check(palette_object) ? NULL : PySequence_List(palette_object);
        const Py_ssize_t count = list ? PyList_Size(list) : -1;
        if (count < 1 || count > BV_MAX_PALETTE) {
            Py_XDECREF(list);
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "palette must be 1 to %d (r, g, b) colours of 0..255", BV_MAX_PALETTE);
            return -1;
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            int rgb[3];
            if (get_ints(PyList_GetItem(list, i), "a palette colour", "(r, g, b)", 3, rgb) != 0 ||
                rgb[0] < 0 || rgb[0] > 255 || rgb[1] < 0 || rgb[1] > 255 || rgb[2] < 0 || rgb[2] > 255) {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_ValueError, "palette colour %zd is not (r, g, b) of 0..255", i);
                Py_DECREF(list);
                return -1;
            }
            for (int k = 0; k < 3; k++) palette[3 * i + k] = (uint8_t)rgb[k];
        }
        palette_count = (int)count;
        Py_DECREF(list);
    }
    if (get_floats(pixels, "pixels", view) != 0) return -1;
    /* the lut stays alive (its object is referenced by the arguments) while the GIL is released */
    *desc = (bv_png_desc){.pixels = {view->buf, (size_t)view->len / 4},
                          .width = width,
                          .height = height,
                          .channels = channels,
                          .encoding = (bv_color_encoding)enc,
                          .lut = lut,
                          .premultiply = premultiply != 0,
                          .bits = bits,
                          .palette = palette_count ? palette : NULL,
                          .palette_count = palette_count};
    return 0;
}

PyObject *core_write_png(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"path", "pixels", "width", "height", "channels", "encoding", "lut",
                               "premultiply", "bits", "palette", NULL};
    PyObject *path_object, *pixels, *width_object, *height_object;
    PyObject *channels_object = NULL, *encoding = NULL, *lut_object = NULL, *bits_object = NULL,
             *palette_object = NULL;
    int premultiply = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&OOO|O$OOpOO:write_png", keywords, PyUnicode_FSConverter,
                                     &path_object, &pixels, &width_object, &height_object,
                                     &channels_object, &encoding, &lut_object, &premultiply, &bits_object,
                                     &palette_object))
        return NULL;
    bv_png_desc desc;
    Py_buffer view;
    uint8_t palette[3 * BV_MAX_PALETTE];
    if (get_png(module, pixels, width_object, height_object, channels_object, encoding, lut_object, premultiply,
                bits_object, palette_object, &desc, &view, palette) != 0) {
        Py_DECREF(path_object);
        return NULL;
    }
    desc.path = PyBytes_AsString(path_object);
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_png_write(&desc);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    Py_DECREF(path_object);
    if (status != BV_OK) return raise_core_error(status);
    Py_RETURN_NONE;
}

PyObject *core_png_codes(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"pixels", "width", "height", "channels", "encoding", "lut", "premultiply",
                               "palette", NULL};
    PyObject *pixels, *width_object, *height_object, *channels_object = NULL, *encoding = NULL,
             *lut_object = NULL, *palette_object = NULL;
    int premultiply = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|O$OOpO:png_codes", keywords, &pixels, &width_object,
                                     &height_object, &channels_object, &encoding, &lut_object, &premultiply,
                                     &palette_object))
        return NULL;
    bv_png_desc desc;
    Py_buffer view;
    uint8_t palette[3 * BV_MAX_PALETTE];
    if (get_png(module, pixels, width_object, height_object, channels_object, encoding, lut_object, premultiply,
                NULL, palette_object, &desc, &view, palette) != 0)
        return NULL;
    const size_t size = desc.width > 0 && desc.height > 0 && desc.channels > 0
                            ? (size_t)desc.width * (size_t)desc.height * (size_t)desc.channels : 0;
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (!bytes) {
        PyBuffer_Release(&view);
        return NULL;
    }
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_png_codes(&desc, (uint8_t *)PyBytes_AsString(bytes), size);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (status != BV_OK) {
        Py_DECREF(bytes);
        return raise_core_error(status);
    }
    return bytes;
}

/* Pass pixels with 1 to 4 channels -> RGBA, as Image.pixels wants them. Missing channels come
 * from `fill`; one channel is repeated into R, G and B. */
PyObject *core_to_rgba(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"pixels", "channels", "fill", NULL};
    PyObject *pixels, *channels_object, *fill_object = NULL;
    int channels;
    float fill[4] = {0.0f, 0.0f, 0.0f, 1.0f};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$O:to_rgba", keywords, &pixels, &channels_object,
                                     &fill_object) ||
        get_int(channels_object, "channels", &channels) != 0 ||
        (fill_object && get_rgba(fill_object, "fill", fill) != 0))
        return NULL;
    if (channels < 1 || channels > 4) {
        PyErr_Format(PyExc_ValueError, "channels must be 1..4, got %d", channels);
        return NULL;
    }
    Py_buffer view;
    if (get_floats(pixels, "pixels", &view) != 0) return NULL;
    const Py_ssize_t count = view.len / 4;
    if (count % channels != 0) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "pixels holds %zd floats, not a multiple of %d channels", count,
                     channels);
        return NULL;
    }
    const Py_ssize_t pixel_count = count / channels;
    float *dst = NULL;
    PyObject *out = new_float_buffer(pixel_count * 4, "the RGBA pixels", &dst);
    if (!out) {
        PyBuffer_Release(&view);
        return NULL;
    }
    const float *src = view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < pixel_count; i++) {
        const float *p = src + i * channels;
        float *q = dst + 4 * i;
        if (channels == 1) {
            q[0] = q[1] = q[2] = p[0];
            q[3] = fill[3];
        } else {
            for (int k = 0; k < 4; k++) q[k] = k < channels ? p[k] : fill[k];
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return out;
}

/* `pixels` as a float buffer of whole pixels of `channels` floats (`layout` names them in
   messages), and a new array.array('f') of as many floats for the result: 0 with *in held
   (the caller releases it) and *dst to fill, or -1 with the Python error set. */
static int pixels_in_and_out(PyObject *pixels, const char *what, int channels, const char *layout,
                             const char *result, Py_buffer *in, float **dst, PyObject **out)
{
    if (get_floats(pixels, what, in) != 0) return -1;
    const Py_ssize_t count = in->len / 4;
    if (count % channels != 0) {
        PyBuffer_Release(in);
        PyErr_Format(PyExc_ValueError, "%s holds %zd floats, not %s (a multiple of %d)", what, count,
                     layout, channels);
        return -1;
    }
    *out = new_float_buffer(count, result, dst);
    if (!*out) {
        PyBuffer_Release(in);
        return -1;
    }
    return 0;
}

PyObject *core_straight_alpha(PyObject *module, PyObject *arg)
{
    (void)module;
    Py_buffer in;
    float *dst;
    PyObject *out;
    if (pixels_in_and_out(arg, "pixels", 4, "RGBA", "the straight pixels", &in, &dst, &out) != 0)
        return NULL;
    const float *src = in.buf;
    const Py_ssize_t count = in.len / 4;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i += 4) {
        const float a = src[i + 3];
        /* as Blender divides before writing a render to an 8-bit file: by multiplying with 1 / a,
           and only where 0 < a < 1, so the same floats give the same codes */
        const float scale = (a > 0.0f && a < 1.0f) ? 1.0f / a : 1.0f;
        for (int k = 0; k < 3; k++) dst[i + k] = src[i + k] * scale;
        dst[i + 3] = a;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    return out;
}

PyObject *core_camera_normals(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"normals", "view", NULL};
    PyObject *normals, *view_object, *out;
    float view[16], *dst;
    Py_buffer in;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:camera_normals", keywords, &normals, &view_object) ||
        get_matrix(view_object, "view", view) != 0 ||
        pixels_in_and_out(normals, "normals", 3, "XYZ", "the camera-space normals", &in, &dst, &out) != 0)
        return NULL;
    const float *src = in.buf;
    const Py_ssize_t count = in.len / 4;
    float rotation[9]; /* the view's rows without their scale: a scaled camera turns normals alike */
    for (int r = 0; r < 3; r++) {
        const float *row = view + 4 * r;
        float length = sqrtf(row[0] * row[0] + row[1] * row[1] + row[2] * row[2]);
        if (!(length > 0.0f)) length = 1.0f;
        for (int c = 0; c < 3; c++) rotation[3 * r + c] = row[c] / length;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i += 3) {
        const float *n = src + i;
        float c[3], length2 = 0.0f;
        for (int r = 0; r < 3; r++) {
            c[r] = rotation[3 * r] * n[0] + rotation[3 * r + 1] * n[1] + rotation[3 * r + 2] * n[2];
            length2 += c[r] * c[r];
        }
        /* a pixel's normal is the mean over its samples: made unit again; none seen stays 0 */
        const float scale = (length2 > 1e-24f && isfinite(length2)) ? 1.0f / sqrtf(length2) : 0.0f;
        for (int r = 0; r < 3; r++) dst[i + r] = c[r] * scale;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    return out;
}

PyObject *core_linear_to_srgb8(PyObject *module, PyObject *arg)
{
    (void)module;
    double v;
    if (get_double(arg, "linear_to_srgb8's argument", &v) != 0) return NULL;
    return PyLong_FromLong(bv_linear_to_srgb8((float)v));
}
