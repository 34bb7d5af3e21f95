/* bakeview._core: the Material type and the lighting argument of render (bv_lighting). */
#include <string.h>

#include "functions.h"

static const char *const bsdf_names[] = {"PRINCIPLED_V2", "PRINCIPLED_V1"};
static const char *const light_type_names[] = {"SUN", "POINT", "SPOT", "AREA"};
static const char *const spot_falloff_names[] = {"SMOOTHSTEP", "COSINE_SMOOTHSTEP"};
static const char *const area_shape_names[] = {"RECTANGLE", "ELLIPSE"};
static const char *const shading_rate_names[] = {"PIXEL", "SAMPLE"};

/* The bv_texture of a Texture argument, or NULL for None; -1 with TypeError otherwise. */
static int texture_or_none(PyObject *module, PyObject *object, const char *what,
                           const bv_texture **out)
{
    module_state *state = PyModule_GetState(module);
    *out = NULL;
    if (!object || object == Py_None) return 0;
    if (!PyObject_TypeCheck(object, (PyTypeObject *)state->texture_type)) {
        raise_wrong_type(what, "a bakeview._core.Texture or None", object);
        return -1;
    }
    *out = texture_of(object);
    if (!*out) {
        PyErr_Format(PyExc_ValueError, "%s is not initialised", what);
        return -1;
    }
    return 0;
}

/* --- Material --- */

enum { MAT_CHANNELS, MAT_EMISSION, MAT_NORMAL, MAT_COUNT };
static const char *const material_channels[MAT_COUNT] = {"channels", "emission", "normal"};

typedef struct material_object {
    PyObject_HEAD
    PyObject *textures[MAT_COUNT]; /* held: the core borrows them */
    bv_material material;
} material_object;

static int material_init(PyObject *self_object, PyObject *args, PyObject *kwargs)
{
    material_object *self = (material_object *)self_object;
    static char *keywords[] = {"channels", "emission", "normal", "ior", "bsdf", NULL};
    PyObject *given[MAT_COUNT] = {NULL}, *ior_object = NULL, *bsdf_object = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|$OOOOO:Material", keywords, &given[0],
                                     &given[1], &given[2], &ior_object, &bsdf_object))
        return -1;
    PyObject *module = PyType_GetModule(Py_TYPE(self_object));
    if (!module) return -1;
    bv_material material = {0};
    const bv_texture **slots[MAT_COUNT] = {&material.channels, &material.emission,
                                           &material.normal};
    for (int c = 0; c < MAT_COUNT; c++)
        if (texture_or_none(module, given[c], material_channels[c], slots[c]) != 0) return -1;
    double ior = 0.0;
    if (get_double(ior_object, "ior", &ior) != 0) return -1;
    material.ior = (float)ior;
    int bsdf = 0;
    if (bsdf_object && parse_choice(bsdf_object, "bsdf", bsdf_names, 2, &bsdf) != 0) return -1;
    material.bsdf = (bv_bsdf)bsdf;
    for (int c = 0; c < MAT_COUNT; c++) {
        PyObject *old = self->textures[c];
        self->textures[c] = given[c] && given[c] != Py_None ? Py_NewRef(given[c]) : NULL;
        Py_XDECREF(old);
    }
    self->material = material;
    return 0;
}

static void material_dealloc(PyObject *self_object)
{
    material_object *self = (material_object *)self_object;
    PyTypeObject *type = Py_TYPE(self_object);
    for (int c = 0; c < MAT_COUNT; c++) Py_XDECREF(self->textures[c]);
    freefunc free_fn = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_fn(self_object);
    Py_DECREF(type);
}

const bv_material *material_of(PyObject *object)
{
    return &((material_object *)object)->material;
}

static PyType_Slot material_slots[] = {
    {Py_tp_doc, "Material(*, channels=None, emission=None, normal=None, ior=0.0, "
                "bsdf='PRINCIPLED_V2')\n\nA mesh's baked material channels for lit views, each a "
                "Texture or None. channels: R metallic, G roughness, B specular, A occlusion of "
                "the world light (pack_channels makes it; None: 0, 0.5, 0.5, 1). emission: RGB "
                "radiance (None: none). normal: a tangent-space bake (the Mesh needs tangents; "
                "None: the mesh's normals). ior: 0 for the Principled BSDF's default. bsdf: "
                "PRINCIPLED_V2 (Blender 4.0+) or PRINCIPLED_V1 (3.x). Holds the textures."},
    {Py_tp_init, material_init},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_dealloc, material_dealloc},
    {0, NULL},
};

PyType_Spec material_spec = {"bakeview._core.Material", sizeof(material_object), 0,
                             Py_TPFLAGS_DEFAULT, material_slots};

/* --- lighting --- */

/* Refuses keys a dict should not have (a misspelt option would otherwise be ignored). */
static int check_keys(PyObject *dict, const char *what, const char *const keys[], int count)
{
    PyObject *key;
    Py_ssize_t pos = 0;
    while (PyDict_Next(dict, &pos, &key, NULL)) {
        bool known = false;
        for (int i = 0; i < count && !known; i++)
            known = PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, keys[i]) == 0;
        if (!known) {
            PyErr_Format(PyExc_ValueError, "%s has an unknown key %R", what, key);
            return -1;
        }
    }
    return 0;
}

static const char *const light_keys[] = {"type", "color", "position", "direction", "axis_x",
                                         "angle", "radius", "spot_size", "spot_blend",
                                         "spot_falloff", "shape", "size", "shadow"};

static int get_light(PyObject *dict, Py_ssize_t index, bv_light *light)
{
    char what[64];
    PyOS_snprintf(what, sizeof what, "lights[%zd]", index);
    if (!PyDict_Check(dict)) {
        raise_wrong_type(what, "a dict", dict);
        return -1;
    }
    if (check_keys(dict, what, light_keys, (int)(sizeof light_keys / sizeof *light_keys)) != 0)
        return -1;
    memset(light, 0, sizeof *light);
    PyObject *type = PyDict_GetItemString(dict, "type");
    if (!type) {
        PyErr_Format(PyExc_ValueError, "%s has no 'type' (SUN, POINT, SPOT or AREA)", what);
        return -1;
    }
    int choice = 0;
    char field[96];
#define BV__FIELD(name) (PyOS_snprintf(field, sizeof field, "%s['%s']", what, name), field)
    if (parse_choice(type, BV__FIELD("type"), light_type_names, 4, &choice) != 0) return -1;
    light->type = (bv_light_type)choice;
    struct { const char *name; int n; float *out; } vectors[] = {
        {"color", 3, light->color},       {"position", 3, light->position},
        {"direction", 3, light->direction}, {"axis_x", 3, light->axis_x},
        {"size", 2, light->size},         {"angle", 1, &light->angle},
        {"radius", 1, &light->radius},    {"spot_size", 1, &light->spot_size},
        {"spot_blend", 1, &light->spot_blend},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        PyObject *value = PyDict_GetItemString(dict, vectors[i].name);
        if (!value) continue;
        if (vectors[i].n == 1) {
            double v;
            if (get_double(value, BV__FIELD(vectors[i].name), &v) != 0) return -1;
            *vectors[i].out = (float)v;
        } else if (get_floats_n(value, BV__FIELD(vectors[i].name), vectors[i].n, vectors[i].out) != 0) {
            return -1;
        }
    }
    PyObject *falloff = PyDict_GetItemString(dict, "spot_falloff");
    if (falloff && parse_choice(falloff, BV__FIELD("spot_falloff"), spot_falloff_names, 2, &choice) != 0)
        return -1;
    light->spot_falloff = falloff ? (bv_spot_falloff)choice : BV_SPOT_SMOOTHSTEP;
    PyObject *shape = PyDict_GetItemString(dict, "shape");
    if (shape && parse_choice(shape, BV__FIELD("shape"), area_shape_names, 2, &choice) != 0) return -1;
    light->shape = shape ? (bv_area_shape)choice : BV_AREA_RECTANGLE;
    PyObject *shadow = PyDict_GetItemString(dict, "shadow");
    const int cast = shadow ? PyObject_IsTrue(shadow) : 1;
    if (cast < 0) return -1;
    light->shadow = cast != 0;
#undef BV__FIELD
    return 0;
}

static const char *const lighting_keys[] = {"lights", "world", "shading_rate", "shadow_map_size",
                                            "shadow_memory_limit"};
static const char *const world_keys[] = {"color", "environment"};

int get_lighting(PyObject *module, PyObject *object, lighting_arg *out)
{
    memset(out, 0, sizeof *out);
    if (!PyDict_Check(object)) {
        raise_wrong_type("lighting", "a dict (lights, world, ...) or None", object);
        return -1;
    }
    if (check_keys(object, "lighting", lighting_keys, 5) != 0) return -1;
    PyObject *lights = PyDict_GetItemString(object, "lights");
    PyObject *list = lights ? PySequence_List(lights) : PyList_New(0);
    if (!list) {
        PyErr_Clear();
        raise_wrong_type("lighting['lights']", "a sequence of dicts", lights);
        return -1;
    }
    const Py_ssize_t count = PyList_Size(list);
    if (count > BV_MAX_LIGHTS) {
        PyErr_Format(PyExc_ValueError, "lighting has %zd lights, at most %d are supported", count,
                     BV_MAX_LIGHTS);
        Py_DECREF(list);
        return -1;
    }
    out->lights = PyMem_Calloc(count ? (size_t)count : 1, sizeof *out->lights);
    if (!out->lights) {
        Py_DECREF(list);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        if (get_light(PyList_GetItem(list, i), i, &out->lights[i]) != 0) {
            Py_DECREF(list);
            release_lighting(out);
            return -1;
        }
    Py_DECREF(list);
    out->lighting.lights = out->lights;
    out->lighting.light_count = (size_t)count;
    PyObject *world = PyDict_GetItemString(object, "world");
    if (world && world != Py_None) {
        if (!PyDict_Check(world)) {
            raise_wrong_type("lighting['world']", "a dict (color, environment)", world);
            release_lighting(out);
            return -1;
        }
        PyObject *color = PyDict_GetItemString(world, "color");
        PyObject *environment = PyDict_GetItemString(world, "environment");
        if (check_keys(world, "lighting['world']", world_keys, 2) != 0 ||
            (color && get_floats_n(color, "lighting['world']['color']", 3, out->lighting.world.color) != 0) ||
            texture_or_none(module, environment, "lighting['world']['environment']",
                            &out->lighting.world.environment) != 0) {
            release_lighting(out);
            return -1;
        }
        if (out->lighting.world.environment) out->environment = Py_NewRef(environment);
    }
    PyObject *rate = PyDict_GetItemString(object, "shading_rate");
    int choice = 0;
    if (rate && parse_choice(rate, "lighting['shading_rate']", shading_rate_names, 2, &choice) != 0) {
        release_lighting(out);
        return -1;
    }
    out->lighting.shading_rate = (bv_shading_rate)choice;
    int size = 0;
    if (get_int(PyDict_GetItemString(object, "shadow_map_size"), "lighting['shadow_map_size']", &size) != 0) {
        release_lighting(out);
        return -1;
    }
    if (size < 0) {
        PyErr_Format(PyExc_ValueError, "lighting['shadow_map_size'] %d is negative (0: automatic)", size);
        release_lighting(out);
        return -1;
    }
    out->lighting.shadow_map_size = size;
    PyObject *limit = PyDict_GetItemString(object, "shadow_memory_limit");
    if (limit) {
        const size_t bytes = PyLong_Check(limit) ? PyLong_AsSize_t(limit) : (size_t)-1;
        if (PyErr_Occurred() || !PyLong_Check(limit)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError,
                            "lighting['shadow_memory_limit'] must be a number of bytes >= 0 (0: 256 MiB)");
            release_lighting(out);
            return -1;
        }
        out->lighting.shadow_memory_limit = bytes;
    }
    return 0;
}

void release_lighting(lighting_arg *arg)
{
    PyMem_Free(arg->lights);
    Py_XDECREF(arg->environment);
    memset(arg, 0, sizeof *arg);
}

PyObject *core_shadow_bytes(PyObject *module, PyObject *args)
{
    PyObject *arg;
    int width, height;
    if (!PyArg_ParseTuple(args, "Oii:shadow_bytes", &arg, &width, &height)) return NULL;
    lighting_arg lighting;
    if (get_lighting(module, arg, &lighting) != 0) return NULL;
    size_t bytes = 0;
    const bv_status status = bv_lighting_shadow_bytes(&lighting.lighting, width, height, &bytes);
    release_lighting(&lighting);
    if (status != BV_OK) return raise_core_error(status);
    return PyLong_FromSize_t(bytes);
}

/* pack_channels(sources, count): channel 0 of up to four RGBA float buffers (or numbers, for a
 * constant) of `count` pixels, interleaved as one RGBA buffer: a Material's channels. */
PyObject *core_pack_channels(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"sources", "count", NULL};
    PyObject *sources, *count_object;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO:pack_channels", keywords, &sources,
                                     &count_object))
        return NULL;
    Py_ssize_t count = PyLong_Check(count_object) ? PyLong_AsSsize_t(count_object) : -1;
    if (count < 0 || PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "count must be a number of pixels >= 0");
        return NULL;
    }
    PyObject *seq = PySequence_Check(sources) ? PySequence_Tuple(sources) : NULL;
    if (!seq || PyTuple_Size(seq) != 4) {
        Py_XDECREF(seq);
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "sources must be 4 buffers or numbers (R, G, B, A)");
        return NULL;
    }
    Py_buffer views[4];
    float constants[4];
    memset(views, 0, sizeof views);
    PyObject *result = NULL;
    for (int c = 0; c < 4; c++) {
        PyObject *item = PyTuple_GetItem(seq, c);
        if (PyFloat_Check(item) || PyLong_Check(item)) {
            constants[c] = (float)PyFloat_AsDouble(item);
            continue;
        }
        char what[32];
        PyOS_snprintf(what, sizeof what, "sources[%d]", c);
        if (get_floats(item, what, &views[c]) != 0) goto done;
        if (views[c].len / 4 != count * 4) {
            PyErr_Format(PyExc_ValueError, "sources[%d] holds %zd floats, %zd RGBA pixels need %zd",
                         c, views[c].len / 4, count, count * 4);
            goto done;
        }
    }
    float *out = NULL;
    result = new_float_buffer(count * 4, "the packed channels", &out);
    if (!result) goto done;
    for (int c = 0; c < 4; c++) {
        const float *in = views[c].obj ? views[c].buf : NULL;
        for (Py_ssize_t i = 0; i < count; i++) out[4 * i + c] = in ? in[4 * i] : constants[c];
    }
done:
    for (int c = 0; c < 4; c++)
        if (views[c].obj) PyBuffer_Release(&views[c]);
    Py_DECREF(seq);
    return result;
}

/* add_rgb(a, b, count, weight=1): two RGBA float buffers of `count` pixels, RGB a + weight b and
 * a's alpha: an emission bake with the indirect light baked beside it; a bake less another. */
PyObject *core_add_rgb(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"a", "b", "count", "weight", NULL};
    PyObject *a, *b;
    Py_ssize_t count;
    double weight = 1.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOn|d:add_rgb", keywords, &a, &b, &count,
                                     &weight))
        return NULL;
    if (count < 0) {
        PyErr_SetString(PyExc_ValueError, "count must be a number of pixels >= 0");
        return NULL;
    }
    Py_buffer views[2];
    memset(views, 0, sizeof views);
    PyObject *result = NULL;
    PyObject *sources[2] = {a, b};
    for (int s = 0; s < 2; s++) {
        if (get_floats(sources[s], s ? "b" : "a", &views[s]) != 0) goto done;
        if (views[s].len / 4 != count * 4) {
            PyErr_Format(PyExc_ValueError, "%s holds %zd floats, %zd RGBA pixels need %zd",
                         s ? "b" : "a", views[s].len / 4, count, count * 4);
            goto done;
        }
    }
    float *out = NULL;
    result = new_float_buffer(count * 4, "the summed colours", &out);
    if (!result) goto done;
    const float *x = views[0].buf, *y = views[1].buf;
    const float w = (float)weight;
    for (Py_ssize_t i = 0; i < 4 * count; i++) out[i] = (i & 3) == 3 ? x[i] : x[i] + w * y[i];
done:
    for (int s = 0; s < 2; s++)
        if (views[s].obj) PyBuffer_Release(&views[s]);
    return result;
}
