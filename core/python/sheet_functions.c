/* bakeview._core: the sprite-sheet functions: trimming, hashing, packing, blitting and the JSON
 * metadata. Python orchestrates a sheet; every per-pixel and per-rectangle step runs here. */
#include <string.h>

#include "convert.h"
#include "functions.h"

static const char *const layout_names[] = {"MAXRECTS", "GRID"};
static const char *const heuristic_names[] = {"BSSF", "BAF", "BL", "CP", "BEST"};
static const char *const form_names[] = {"HASH", "ARRAY"};

/* (x, y, width, height) from any 4-sequence of ints. */
static int get_rect(PyObject *object, const char *what, bv_rect *r)
{
    int v[4];
    if (get_ints(object, what, "(x, y, width, height)", 4, v) != 0) return -1;
    *r = (bv_rect){v[0], v[1], v[2], v[3]};
    return 0;
}

static PyObject *rect_tuple(bv_rect r) { return Py_BuildValue("(iiii)", r.x, r.y, r.width, r.height); }

PyObject *core_trim_bounds(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"pixels", "width", "height", "channels", "threshold", NULL};
    PyObject *pixels, *width_object, *height_object, *channels_object = NULL, *threshold_object = NULL;
    int width, height, channels = 4;
    double threshold = 0.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|OO:trim_bounds", keywords, &pixels, &width_object,
                                     &height_object, &channels_object, &threshold_object) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_int(channels_object, "channels", &channels) != 0 ||
        get_double(threshold_object, "threshold", &threshold) != 0)
        return NULL;
    Py_buffer view;
    if (get_floats(pixels, "pixels", &view) != 0) return NULL;
    bv_rect bounds;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_trim_bounds((bv_floats){view.buf, (size_t)view.len / 4}, width, height, channels,
                            (float)threshold, &bounds);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return status == BV_OK ? rect_tuple(bounds) : raise_core_error(status);
}

PyObject *core_rect_hash(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"pixels", "width", "height", "rect", "channels", NULL};
    PyObject *pixels, *width_object, *height_object, *rect_object, *channels_object = NULL;
    int width, height, channels = 4;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOO|O:rect_hash", keywords, &pixels, &width_object,
                                     &height_object, &rect_object, &channels_object) ||
        get_int(width_object, "width", &width) != 0 || get_int(height_object, "height", &height) != 0 ||
        get_int(channels_object, "channels", &channels) != 0)
        return NULL;
    bv_rect rect;
    if (get_rect(rect_object, "rect", &rect) != 0) return NULL;
    Py_buffer view;
    if (get_floats(pixels, "pixels", &view) != 0) return NULL;
    uint64_t hash = 0;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_rect_hash((bv_floats){view.buf, (size_t)view.len / 4}, width, height, channels, rect, &hash);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return status == BV_OK ? PyLong_FromUnsignedLongLong(hash) : raise_core_error(status);
}

PyObject *core_pack(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"sizes", "layout", "heuristic", "max_size", "shape_padding",
                               "border_padding", "power_of_two", "square", "allow_rotation",
                               "grid_columns", NULL};
    PyObject *sizes, *layout = NULL, *heuristic = NULL, *max_size = NULL, *shape_padding = NULL,
             *border_padding = NULL, *grid_columns = NULL;
    bv_pack_desc desc = {0};
    int power_of_two = 0, square = 0, rotation = 0, max_wh[2] = {0, 0};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$OOOOOpppO:pack", keywords, &sizes, &layout,
                                     &heuristic, &max_size, &shape_padding, &border_padding,
                                     &power_of_two, &square, &rotation, &grid_columns) ||
        (max_size && get_ints(max_size, "max_size", "(width, height)", 2, max_wh) != 0) ||
        get_int(shape_padding, "shape_padding", &desc.shape_padding) != 0 ||
        get_int(border_padding, "border_padding", &desc.border_padding) != 0 ||
        get_int(grid_columns, "grid_columns", &desc.grid_columns) != 0)
        return NULL;
    desc.max_width = max_wh[0];
    desc.max_height = max_wh[1];
    int layout_index = 0, heuristic_index = 0;
    if (layout && parse_choice(layout, "layout", layout_names, 2, &layout_index) != 0) return NULL;
    if (heuristic && parse_choice(heuristic, "heuristic", heuristic_names, 5, &heuristic_index) != 0)
        return NULL;
    desc.layout = (bv_pack_layout)layout_index;
    desc.heuristic = (bv_pack_heuristic)heuristic_index;
    desc.power_of_two = power_of_two != 0;
    desc.square = square != 0;
    desc.allow_rotation = rotation != 0;

    PyObject *list = PyUnicode_Check(sizes) ? NULL : PySequence_List(sizes);
    if (!list) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "sizes must be a sequence of (width, height)");
        return NULL;
    }
    const Py_ssize_t count = PyList_Size(list);
    bv_pack_rect *rects = PyMem_Calloc(count ? (size_t)count : 1, sizeof *rects);
    bv_pack_page *pages = PyMem_Calloc(count ? (size_t)count : 1, sizeof *pages);
    PyObject *result = NULL;
    if (!rects || !pages) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        char what[48];
        int wh[2];
        PyOS_snprintf(what, sizeof what, "sizes[%zd]", i);
        if (get_ints(PyList_GetItem(list, i), what, "(width, height)", 2, wh) != 0) goto done;
        rects[i].width = wh[0];
        rects[i].height = wh[1];
    }
    size_t page_count = 0;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_pack(&desc, rects, (size_t)count, pages, count ? (size_t)count : 1, &page_count);
    Py_END_ALLOW_THREADS
    if (status != BV_OK) {
        raise_core_error(status);
        goto done;
    }
    PyObject *placed = PyList_New(count), *page_list = PyList_New((Py_ssize_t)page_count);
    if (!placed || !page_list) {
        Py_XDECREF(placed);
        Py_XDECREF(page_list);
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++)
        PyList_SetItem(placed, i, Py_BuildValue("(iiiO)", rects[i].page, rects[i].x, rects[i].y,
                                                rects[i].rotated ? Py_True : Py_False));
    for (size_t p = 0; p < page_count; p++)
        PyList_SetItem(page_list, (Py_ssize_t)p,
                       Py_BuildValue("(iid)", pages[p].width, pages[p].height, pages[p].occupancy));
    result = Py_BuildValue("(NN)", placed, page_list);
done:
    PyMem_Free(rects);
    PyMem_Free(pages);
    Py_DECREF(list);
    return result;
}

PyObject *core_blit(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"page", "page_width", "page_height", "source", "source_width",
                               "source_height", "source_rect", "x", "y", "channels", "rotated",
                               "extrude", NULL};
    PyObject *page, *page_width, *page_height, *source, *source_width, *source_height, *rect_object,
             *x, *y, *channels = NULL, *extrude = NULL;
    bv_blit_desc desc = {0};
    int rotated = 0;
    desc.channels = 4;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOOOO|$OpO:blit", keywords, &page, &page_width,
                                     &page_height, &source, &source_width, &source_height, &rect_object,
                                     &x, &y, &channels, &rotated, &extrude) ||
        get_int(page_width, "page_width", &desc.page_width) != 0 ||
        get_int(page_height, "page_height", &desc.page_height) != 0 ||
        get_int(source_width, "source_width", &desc.source_width) != 0 ||
        get_int(source_height, "source_height", &desc.source_height) != 0 ||
        get_int(x, "x", &desc.x) != 0 || get_int(y, "y", &desc.y) != 0 ||
        get_int(channels, "channels", &desc.channels) != 0 ||
        get_int(extrude, "extrude", &desc.extrude) != 0)
        return NULL;
    desc.rotated = rotated != 0;
    if (get_rect(rect_object, "source_rect", &desc.source_rect) != 0) return NULL;
    Py_buffer page_view, source_view;
    if (get_buffer_flags(page, "page", "f", 4, PyBUF_WRITABLE, &page_view) != 0) return NULL;
    if (get_floats(source, "source", &source_view) != 0) {
        PyBuffer_Release(&page_view);
        return NULL;
    }
    desc.page = (bv_float_span){page_view.buf, (size_t)page_view.len / 4};
    desc.source = (bv_floats){source_view.buf, (size_t)source_view.len / 4};
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_blit(&desc);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&source_view);
    PyBuffer_Release(&page_view);
    if (status != BV_OK) return raise_core_error(status);
    Py_RETURN_NONE;
}

/* --- JSON --- */

/* A float from a mapping's key, or `fallback` when absent; -1 with an exception on bad values. */
static int get_number(PyObject *mapping, const char *key, double fallback, double *out)
{
    PyObject *value = PyMapping_GetItemString(mapping, key);
    if (!value) {
        PyErr_Clear();
        *out = fallback;
        return 0;
    }
    *out = PyFloat_AsDouble(value);
    Py_DECREF(value);
    if (*out == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "frame field '%s' must be a number", key);
        return -1;
    }
    return 0;
}

static int get_flag(PyObject *mapping, const char *key, bool *out)
{
    PyObject *value = PyMapping_GetItemString(mapping, key);
    if (!value) {
        PyErr_Clear();
        *out = false;
        return 0;
    }
    const int truth = PyObject_IsTrue(value);
    Py_DECREF(value);
    if (truth < 0) return -1;
    *out = truth != 0;
    return 0;
}

static int get_rect_field(PyObject *mapping, const char *key, bv_rect *out)
{
    PyObject *value = PyMapping_GetItemString(mapping, key);
    if (!value) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "a frame needs '%s' (x, y, width, height)", key);
        return -1;
    }
    const int bad = get_rect(value, key, out);
    Py_DECREF(value);
    return bad;
}

/* Fills one frame from a dict; `name` is borrowed from the dict (alive while `frames` is). */
static int get_frame(PyObject *dict, Py_ssize_t index, bv_json_frame *f)
{
    if (!PyDict_Check(dict)) {
        PyErr_Format(PyExc_ValueError, "frames[%zd] must be a dict", index);
        return -1;
    }
    PyObject *name = PyDict_GetItemString(dict, "name");
    f->name = name ? PyUnicode_AsUTF8AndSize(name, NULL) : NULL;
    if (!f->name) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "frames[%zd] needs a 'name' string", index);
        return -1;
    }
    bv_rect size_rect = {0};
    double pivot_x, pivot_y;
    if (get_rect_field(dict, "frame", &f->frame) || get_flag(dict, "rotated", &f->rotated) ||
        get_flag(dict, "trimmed", &f->trimmed) || get_rect_field(dict, "source", &f->source) ||
        get_rect_field(dict, "source_size", &size_rect) ||
        get_number(dict, "pivot_x", 0.5, &pivot_x) || get_number(dict, "pivot_y", 0.5, &pivot_y))
        return -1;
    f->source_width = size_rect.width;
    f->source_height = size_rect.height;
    f->pivot_x = pivot_x;
    f->pivot_y = pivot_y;
    PyObject *view = PyDict_GetItemString(dict, "view");
    if (view && view != Py_None) {
        if (!PyDict_Check(view)) {
            PyErr_Format(PyExc_ValueError, "frames[%zd]['view'] must be a dict or None", index);
            return -1;
        }
        PyObject *frame_number = PyDict_GetItemString(view, "animation_frame");
        PyObject *matrix = PyDict_GetItemString(view, "view");
        PyObject *projection = PyDict_GetItemString(view, "projection");
        if (!matrix || !projection) {
            PyErr_Format(PyExc_ValueError, "frames[%zd]['view'] needs 'view' and 'projection'", index);
            return -1;
        }
        if (get_number(view, "azimuth", 0.0, &f->view.azimuth) ||
            get_number(view, "elevation", 0.0, &f->view.elevation) ||
            get_int(frame_number, "animation_frame", &f->view.animation_frame) ||
            get_matrix(matrix, "view", f->view.view) ||
            get_matrix(projection, "projection", f->view.projection))
            return -1;
        f->view.present = true;
    }
    return 0;
}

/* The frames of a sheet: the list of dicts (kept alive: the names are borrowed from it) and a desc
 * per frame. */
typedef struct frame_table {
    PyObject *list;
    bv_json_frame *descs;
    Py_ssize_t count;
} frame_table;

static void free_frame_table(frame_table *t)
{
    PyMem_Free(t->descs);
    Py_XDECREF(t->list);
    *t = (frame_table){0};
}

static int get_frame_table(PyObject *frames, frame_table *t)
{
    *t = (frame_table){0};
    t->list = PyUnicode_Check(frames) ? NULL : PySequence_List(frames);
    if (!t->list) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "frames must be a sequence of dicts");
        return -1;
    }
    t->count = PyList_Size(t->list);
    t->descs = PyMem_Calloc(t->count ? (size_t)t->count : 1, sizeof *t->descs);
    if (!t->descs) {
        PyErr_NoMemory();
        free_frame_table(t);
        return -1;
    }
    for (Py_ssize_t i = 0; i < t->count; i++)
        if (get_frame(PyList_GetItem(t->list, i), i, &t->descs[i]) != 0) {
            free_frame_table(t);
            return -1;
        }
    return 0;
}

/* The animations, {name: [frame names]} or None: their items (kept alive: the names are borrowed
 * from them), a desc per animation and the frame names they list, one after the other. */
typedef struct animation_table {
    PyObject *items;
    bv_json_animation *descs;
    const char **names;
    Py_ssize_t count;
} animation_table;

static void free_animation_table(animation_table *t)
{
    PyMem_Free(t->names);
    PyMem_Free(t->descs);
    Py_XDECREF(t->items);
    *t = (animation_table){0};
}

static int get_animation_table(PyObject *animations, animation_table *t)
{
    *t = (animation_table){0};
    Py_ssize_t total_names = 0;
    if (animations && animations != Py_None) {
        t->items = PyDict_Check(animations) ? PyMapping_Items(animations) : NULL;
        if (!t->items) goto bad;
        t->count = PyList_Size(t->items);
        for (Py_ssize_t i = 0; i < t->count; i++) {
            PyObject *seq = PyTuple_GetItem(PyList_GetItem(t->items, i), 1);
            const Py_ssize_t n = seq && !PyUnicode_Check(seq) ? PySequence_Size(seq) : -1;
            if (n < 0) goto bad;
            total_names += n;
        }
    }
    t->descs = PyMem_Calloc(t->count ? (size_t)t->count : 1, sizeof *t->descs);
    t->names = PyMem_Calloc(total_names ? (size_t)total_names : 1, sizeof *t->names);
    if (!t->descs || !t->names) {
        PyErr_NoMemory();
        free_animation_table(t);
        return -1;
    }
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < t->count; i++) {
        PyObject *pair = PyList_GetItem(t->items, i);
        t->descs[i].name = PyUnicode_AsUTF8AndSize(PyTuple_GetItem(pair, 0), NULL);
        PyObject *seq = PyTuple_GetItem(pair, 1);
        const Py_ssize_t n = PySequence_Size(seq);
        if (n < 0 || n > total_names - used) goto bad; /* a sequence that changed its length */
        t->descs[i].frames = t->names + used;
        t->descs[i].frame_count = (size_t)n;
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *item = PySequence_GetItem(seq, k); /* the tuple/list keeps it alive */
            t->names[used + k] = item ? PyUnicode_AsUTF8AndSize(item, NULL) : NULL;
            Py_XDECREF(item);
            if (!t->names[used + k]) goto bad;
        }
        if (!t->descs[i].name) goto bad;
        used += n;
    }
    return 0;
bad:
    free_animation_table(t);
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "animations must map names (str) to lists of frame names (str)");
    return -1;
}

static const char *const normal_y_names[] = {"UP", "DOWN"};

/* A data sheet's file name: None (no sheet) or a str, borrowed from the argument. */
static int get_optional_name(PyObject *object, const char *what, const char **out)
{
    *out = NULL;
    if (!object || object == Py_None) return 0;
    if (!PyUnicode_Check(object)) {
        raise_wrong_type(what, "a str (a PNG file name) or None", object);
        return -1;
    }
    *out = PyUnicode_AsUTF8AndSize(object, NULL);
    return *out ? 0 : -1;
}

/* meta.bakeview: normal_image and normal_y, depth_image and depth_range (near, far). */
static int get_data_sheets(PyObject *normal_image, PyObject *normal_y, PyObject *depth_image,
                           PyObject *depth_range, PyObject *frame_rate, bv_json_data_sheets *out)
{
    int y = 0;
    if (get_double(frame_rate, "frame_rate", &out->frame_rate) != 0) return -1;
    if (get_optional_name(normal_image, "normal_image", &out->normal_image) != 0 ||
        (normal_y && parse_choice(normal_y, "normal_y", normal_y_names, 2, &y) != 0) ||
        get_optional_name(depth_image, "depth_image", &out->depth_image) != 0)
        return -1;
    out->normal_y_down = y == 1;
    if (!out->depth_image) return 0;
    PyObject *range = depth_range && !PyUnicode_Check(depth_range) ? PySequence_Tuple(depth_range) : NULL;
    if (!range || PyTuple_Size(range) != 2) {
        Py_XDECREF(range);
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "depth_range must be (near, far) with depth_image");
        return -1;
    }
    const int bad = get_double(PyTuple_GetItem(range, 0), "depth_range's near", &out->depth_near) ||
                    get_double(PyTuple_GetItem(range, 1), "depth_range's far", &out->depth_far);
    Py_DECREF(range);
    return bad ? -1 : 0;
}

PyObject *core_write_json(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"path", "frames", "form", "animations", "image", "size", "scale",
                               "related_multi_packs", "premultiplied", "normal_image", "normal_y",
                               "depth_image", "depth_range", "frame_rate", NULL};
    PyObject *path_object, *frames, *form = NULL, *animations = NULL, *image = NULL, *size = NULL,
             *scale = NULL, *related = NULL, *normal_image = NULL, *normal_y = NULL, *depth_image = NULL,
             *depth_range = NULL, *frame_rate = NULL;
    bv_json_desc desc = {0};
    int premultiplied = 0, page_size[2];
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O|$OOOOOOpOOOOO:write_json", keywords,
                                     PyUnicode_FSConverter, &path_object, &frames, &form, &animations,
                                     &image, &size, &scale, &related, &premultiplied, &normal_image,
                                     &normal_y, &depth_image, &depth_range, &frame_rate))
        return NULL;
    int form_index = 0;
    PyObject *related_list = NULL, *result = NULL;
    frame_table frame_descs = {0};
    animation_table animation_descs = {0};
    const char **related_names = NULL;
    if (!image || !size) {
        PyErr_Format(PyExc_TypeError, "write_json() missing required keyword argument '%s'",
                     image ? "size" : "image");
        goto done;
    }
    if (!PyUnicode_Check(image)) {
        raise_wrong_type("image", "a str (the page's PNG file name)", image);
        goto done;
    }
    if (!(desc.image = PyUnicode_AsUTF8AndSize(image, NULL)) ||
        get_ints(size, "size", "(width, height)", 2, page_size) != 0 ||
        get_double(scale, "scale", &desc.scale) != 0 ||
        (form && parse_choice(form, "form", form_names, 2, &form_index) != 0))
        goto done;
    if (get_data_sheets(normal_image, normal_y, depth_image, depth_range, frame_rate, &desc.data_sheets) != 0)
        goto done;
    desc.width = page_size[0];
    desc.height = page_size[1];
    desc.form = (bv_json_form)form_index;
    desc.path = PyBytes_AsString(path_object);
    desc.premultiplied = premultiplied != 0;
    if (get_frame_table(frames, &frame_descs) != 0 || get_animation_table(animations, &animation_descs) != 0)
        goto done;
    desc.frames = frame_descs.descs;
    desc.frame_count = (size_t)frame_descs.count;
    desc.animations = animation_descs.descs;
    desc.animation_count = (size_t)animation_descs.count;

    if (related && related != Py_None) {
        related_list = PyUnicode_Check(related) ? NULL : PySequence_List(related);
        if (!related_list) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "related_multi_packs must be a sequence of strings");
            goto done;
        }
        const Py_ssize_t n = PyList_Size(related_list);
        related_names = PyMem_Calloc(n ? (size_t)n : 1, sizeof *related_names);
        if (!related_names) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t k = 0; k < n; k++) {
            related_names[k] = PyUnicode_AsUTF8AndSize(PyList_GetItem(related_list, k), NULL);
            if (!related_names[k]) {
                PyErr_Clear();
                PyErr_SetString(PyExc_ValueError, "related_multi_packs must be a sequence of strings");
                goto done;
            }
        }
        desc.related_multi_packs = related_names;
        desc.related_count = (size_t)n;
    }
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_json_write(&desc);
    Py_END_ALLOW_THREADS
    if (status != BV_OK) raise_core_error(status);
    else result = Py_NewRef(Py_None);
done:
    PyMem_Free(related_names);
    free_animation_table(&animation_descs);
    free_frame_table(&frame_descs);
    Py_XDECREF(related_list);
    Py_DECREF(path_object);
    return result;
}

/* One page of a multi-pack from {"image": str, "size": (width, height), "normal_map": str or
 * None (optional)}; the names are borrowed from the dict. */
static int get_page(PyObject *dict, Py_ssize_t index, bv_json_page *page)
{
    char what[64];
    if (!PyDict_Check(dict)) {
        PyErr_Format(PyExc_ValueError, "pages[%zd] must be a dict with 'image' and 'size'", index);
        return -1;
    }
    PyObject *image = PyDict_GetItemString(dict, "image"), *size = PyDict_GetItemString(dict, "size");
    if (!image || !size) {
        PyErr_Format(PyExc_ValueError, "pages[%zd] needs '%s'", index, image ? "size" : "image");
        return -1;
    }
    if (!PyUnicode_Check(image)) {
        PyOS_snprintf(what, sizeof what, "pages[%zd]['image']", index);
        raise_wrong_type(what, "a str (the page's PNG file name)", image);
        return -1;
    }
    if (!(page->image = PyUnicode_AsUTF8AndSize(image, NULL))) return -1;
    PyObject *normal_map = PyDict_GetItemString(dict, "normal_map");
    page->normal_map = NULL;
    if (normal_map && normal_map != Py_None) {
        if (!PyUnicode_Check(normal_map)) {
            PyOS_snprintf(what, sizeof what, "pages[%zd]['normal_map']", index);
            raise_wrong_type(what, "a str (the page's normal sheet file name) or None", normal_map);
            return -1;
        }
        if (!(page->normal_map = PyUnicode_AsUTF8AndSize(normal_map, NULL))) return -1;
    }
    int wh[2];
    PyOS_snprintf(what, sizeof what, "pages[%zd]['size']", index);
    if (get_ints(size, what, "(width, height)", 2, wh) != 0) return -1;
    page->width = wh[0];
    page->height = wh[1];
    return 0;
}

/* The page number of frames[index], in [0, page_count). */
static int get_page_number(PyObject *dict, Py_ssize_t index, Py_ssize_t page_count, Py_ssize_t *out)
{
    PyObject *value = PyDict_GetItemString(dict, "page");
    PyObject *number = value ? PyNumber_Index(value) : NULL;
    const Py_ssize_t page = number ? PyLong_AsSsize_t(number) : -1;
    Py_XDECREF(number);
    if (page < 0 || page >= page_count) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "frames[%zd] needs a 'page' from 0 to %zd (an index into pages)", index,
                     page_count - 1);
        return -1;
    }
    *out = page;
    return 0;
}

PyObject *core_write_multipack_json(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"path", "frames", "pages", "animations", "scale", "premultiplied",
                               "frame_rate", NULL};
    PyObject *path_object, *frames, *pages = NULL, *animations = NULL, *scale = NULL, *frame_rate = NULL;
    bv_json_multipack_desc desc = {0};
    int premultiplied = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O|$OOOpO:write_multipack_json", keywords,
                                     PyUnicode_FSConverter, &path_object, &frames, &pages, &animations,
                                     &scale, &premultiplied, &frame_rate))
        return NULL;
    PyObject *page_list = NULL, *result = NULL;
    frame_table frame_descs = {0};
    animation_table animation_descs = {0};
    bv_json_page *page_descs = NULL;
    bv_json_frame *grouped = NULL;
    Py_ssize_t *page_of = NULL;
    if (!pages) {
        PyErr_SetString(PyExc_TypeError, "write_multipack_json() missing required keyword argument 'pages'");
        goto done;
    }
    if (get_double(scale, "scale", &desc.scale) != 0 || get_double(frame_rate, "frame_rate", &desc.frame_rate) != 0)
        goto done;
    page_list = PyUnicode_Check(pages) || PyDict_Check(pages) ? NULL : PySequence_List(pages);
    if (!page_list) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "pages must be a sequence of dicts with 'image' and 'size'");
        goto done;
    }
    const Py_ssize_t page_count = PyList_Size(page_list);
    page_descs = PyMem_Calloc(page_count ? (size_t)page_count : 1, sizeof *page_descs);
    if (!page_descs) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t p = 0; p < page_count; p++)
        if (get_page(PyList_GetItem(page_list, p), p, &page_descs[p]) != 0) goto done;
    if (get_frame_table(frames, &frame_descs) != 0 || get_animation_table(animations, &animation_descs) != 0)
        goto done;
    /* each page's frames together, in the order given */
    const Py_ssize_t frame_count = frame_descs.count;
    grouped = PyMem_Calloc(frame_count ? (size_t)frame_count : 1, sizeof *grouped);
    page_of = PyMem_Calloc(frame_count ? (size_t)frame_count : 1, sizeof *page_of);
    if (!grouped || !page_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < frame_count; i++) {
        if (get_page_number(PyList_GetItem(frame_descs.list, i), i, page_count, &page_of[i]) != 0) goto done;
        page_descs[page_of[i]].frame_count++;
    }
    Py_ssize_t start = 0;
    for (Py_ssize_t p = 0; p < page_count; p++) {
        page_descs[p].frames = grouped + start;
        start += (Py_ssize_t)page_descs[p].frame_count;
        page_descs[p].frame_count = 0;
    }
    for (Py_ssize_t i = 0; i < frame_count; i++) {
        bv_json_page *page = &page_descs[page_of[i]];
        grouped[(page->frames - grouped) + (Py_ssize_t)page->frame_count++] = frame_descs.descs[i];
    }
    desc.path = PyBytes_AsString(path_object);
    desc.pages = page_descs;
    desc.page_count = (size_t)page_count;
    desc.animations = animation_descs.descs;
    desc.animation_count = (size_t)animation_descs.count;
    desc.premultiplied = premultiplied != 0;
    bv_status status;
    Py_BEGIN_ALLOW_THREADS
    status = bv_json_write_multipack(&desc);
    Py_END_ALLOW_THREADS
    if (status != BV_OK) raise_core_error(status);
    else result = Py_NewRef(Py_None);
done:
    PyMem_Free(page_of);
    PyMem_Free(grouped);
    PyMem_Free(page_descs);
    free_animation_table(&animation_descs);
    free_frame_table(&frame_descs);
    Py_XDECREF(page_list);
    Py_DECREF(path_object);
    return result;
}
