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

PyObject *core_write_json(PyObject *module, PyObject *args, PyObject *kwargs)
{
    (void)module;
    static char *keywords[] = {"path", "frames", "form", "animations", "image", "size", "scale",
                               "related_multi_packs", "premultiplied", NULL};
    PyObject *path_object, *frames, *form = NULL, *animations = NULL, *image = NULL, *size = NULL,
             *scale = NULL, *related = NULL;
    bv_json_desc desc = {0};
    int premultiplied = 0, page_size[2];
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&O|$OOOOOOp:write_json", keywords,
                                     PyUnicode_FSConverter, &path_object, &frames, &form, &animations,
                                     &image, &size, &scale, &related, &premultiplied))
        return NULL;
    int form_index = 0;
    PyObject *frame_list = NULL, *animation_items = NULL, *related_list = NULL, *result = NULL;
    bv_json_frame *frame_descs = NULL;
    bv_json_animation *animation_descs = NULL;
    const char **names = NULL, **related_names = NULL;
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
    desc.width = page_size[0];
    desc.height = page_size[1];
    desc.form = (bv_json_form)form_index;
    desc.path = PyBytes_AsString(path_object);
    desc.premultiplied = premultiplied != 0;
    frame_list = PyUnicode_Check(frames) ? NULL : PySequence_List(frames);
    if (!frame_list) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "frames must be a sequence of dicts");
        goto done;
    }
    const Py_ssize_t frame_count = PyList_Size(frame_list);
    frame_descs = PyMem_Calloc(frame_count ? (size_t)frame_count : 1, sizeof *frame_descs);
    if (!frame_descs) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < frame_count; i++)
        if (get_frame(PyList_GetItem(frame_list, i), i, &frame_descs[i]) != 0) goto done;
    desc.frames = frame_descs;
    desc.frame_count = (size_t)frame_count;

    /* animations: {name: [frame names]} */
    Py_ssize_t total_names = 0, animation_count = 0;
    if (animations && animations != Py_None) {
        animation_items = PyDict_Check(animations) ? PyMapping_Items(animations) : NULL;
        if (!animation_items) goto bad_animation;
        animation_count = PyList_Size(animation_items);
        for (Py_ssize_t i = 0; i < animation_count; i++) {
            PyObject *seq = PyTuple_GetItem(PyList_GetItem(animation_items, i), 1);
            const Py_ssize_t n = seq && !PyUnicode_Check(seq) ? PySequence_Size(seq) : -1;
            if (n < 0) goto bad_animation;
            total_names += n;
        }
    }
    animation_descs = PyMem_Calloc(animation_count ? (size_t)animation_count : 1, sizeof *animation_descs);
    names = PyMem_Calloc(total_names ? (size_t)total_names : 1, sizeof *names);
    if (!animation_descs || !names) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < animation_count; i++) {
        PyObject *pair = PyList_GetItem(animation_items, i);
        animation_descs[i].name = PyUnicode_AsUTF8AndSize(PyTuple_GetItem(pair, 0), NULL);
        PyObject *seq = PyTuple_GetItem(pair, 1);
        const Py_ssize_t n = PySequence_Size(seq);
        animation_descs[i].frames = names + used;
        animation_descs[i].frame_count = (size_t)n;
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *item = PySequence_GetItem(seq, k); /* the tuple/list keeps it alive */
            names[used + k] = item ? PyUnicode_AsUTF8AndSize(item, NULL) : NULL;
            Py_XDECREF(item);
            if (!names[used + k]) goto bad_animation;
        }
        if (!animation_descs[i].name) goto bad_animation;
        used += n;
    }
    desc.animations = animation_descs;
    desc.animation_count = (size_t)animation_count;

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
    goto done;
bad_animation:
    PyErr_Clear();
    PyErr_SetString(PyExc_ValueError, "animations must map names (str) to lists of frame names (str)");
done:
    PyMem_Free(related_names);
    PyMem_Free(names);
    PyMem_Free(animation_descs);
    PyMem_Free(frame_descs);
    Py_XDECREF(related_list);
    Py_XDECREF(animation_items);
    Py_XDECREF(frame_list);
    Py_DECREF(path_object);
    return result;
}
