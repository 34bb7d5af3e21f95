/* Sprite sheet metadata as TexturePacker's JSON: one page's ("JSON Hash" or "JSON Array"), or all
 * pages in one file (the multi-pack form Phaser's load.multiatlas reads).
 *
 * Everything is checked first, then the text is built in memory and written atomically, so a
 * failure leaves no file behind and an existing file is replaced whole or not at all. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/bakeview.h>
#include <bakeview/json.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"

/* --- checks --- */

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool valid_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        const unsigned c = *s;
        int extra;
        unsigned min, code;
        if (c < 0x80) {
            s++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, min = 0x80, code = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, min = 0x800, code = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, min = 0x10000, code = c & 0x07;
        } else {
            return false;
        }
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80) return false; /* also the terminating NUL */
            code = (code << 6) | (*s & 0x3Fu);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    }
    return true;
}

/* A name written as a JSON string: present, not empty, UTF-8. `what` says whose name it is. */
static bv_status check_text(const char *text, const char *what, size_t index)
{
    if (!text) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: %s %zu is NULL", what, index);
    if (!text[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: %s %zu is empty", what, index);
    if (!valid_utf8(text))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: %s %zu is not valid UTF-8", what, index);
    return BV_OK;
}

static bool floats_finite(const float *v, int count)
{
    for (int i = 0; i < count; i++)
        if (!isfinite(v[i])) return false;
    return true;
}

/* One frame of a page of page_width x page_height; `index`: its place in the page's frames. */
static bv_status check_frame(const bv_json_frame *f, size_t index, int page_width, int page_height)
{
    bv_status status = check_text(f->name, "the name of frame", index);
    if (status != BV_OK) return status;
    const char *name = f->name;
    const bv_rect r = f->frame, s = f->source;
    if (r.x < 0 || r.y < 0 || r.width < 0 || r.height < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\" has a negative frame {x %d, y %d, %d x %d}",
                        name, r.x, r.y, r.width, r.height);
    const int w = f->rotated ? r.height : r.width, h = f->rotated ? r.width : r.height;
    if (r.x > page_width - w || r.y > page_height - h)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "json: frame \"%s\" occupies %d x %d pixels at (%d, %d), outside the %d x %d page",
                        name, w, h, r.x, r.y, page_width, page_height);
    if (f->source_width < 0 || f->source_height < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\" has a negative sourceSize %d x %d",
                        name, f->source_width, f->source_height);
    if (s.width != r.width || s.height != r.height)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "json: frame \"%s\": spriteSourceSize %d x %d differs from the frame's %d x %d",
                        name, s.width, s.height, r.width, r.height);
    if (s.x < 0 || s.y < 0 || s.x > f->source_width - s.width || s.y > f->source_height - s.height)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "json: frame \"%s\": spriteSourceSize {x %d, y %d, %d x %d} is not inside sourceSize %d x %d",
                        name, s.x, s.y, s.width, s.height, f->source_width, f->source_height);
    if (!f->trimmed && (s.x != 0 || s.y != 0 || s.width != f->source_width || s.height != f->source_height))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "json: frame \"%s\" is not trimmed but spriteSourceSize {x %d, y %d, %d x %d} is not the whole %d x %d",
                        name, s.x, s.y, s.width, s.height, f->source_width, f->source_height);
    if (!isfinite(f->pivot_x) || !isfinite(f->pivot_y))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\": pivot (%g, %g) is not finite", name,
                        f->pivot_x, f->pivot_y);
    if (f->view.present) {
        if (!isfinite(f->view.azimuth) || !isfinite(f->view.elevation))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\": azimuth %g / elevation %g is not finite",
                            name, f->view.azimuth, f->view.elevation);
        if (!floats_finite(f->view.view, 16))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\": view matrix is not finite", name);
        if (!floats_finite(f->view.projection, 16))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\": projection matrix is not finite", name);
    }
    return BV_OK;
}

/* A name and where it was given: its index in its list, and for frames of a multi-pack the page. */
typedef struct named {
    const char *name;
    size_t index, page;
} named;

static int compare_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    const int order = strcmp(x->name, y->name);
    if (order) return order;
    if (x->page != y->page) return x->page < y->page ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts names[0..count) and fails on the first name used twice. `what` is the kind of name
 * ("frame", "animation"); `paged`: the names are frames of several pages, and the message says
 * which page each is on. */
static bv_status check_unique(named *names, size_t count, const char *what, bool paged)
{
    if (count > 1) qsort(names, count, sizeof *names, compare_named);
    for (size_t i = 1; i < count; i++) {
        const named *a = &names[i - 1], *b = &names[i];
        if (strcmp(a->name, b->name) != 0) continue;
        if (paged)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "json: %s name \"%s\" is used twice (page %zu %s %zu and page %zu %s %zu)", what,
                            b->name, a->page, what, a->index, b->page, what, b->index);
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: %s name \"%s\" is used twice (%ss %zu and %zu)", what,
                        b->name, what, a->index, b->index);
    }
    return BV_OK;
}

static bool has_name(const named *sorted, size_t count, const char *name)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int order = strcmp(sorted[mid].name, name);
        if (order == 0) return true;
        if (order < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

/* The animations: named, unique, each naming frames of the sheet (frames_sorted[0..frame_count),
 * sorted by check_unique). */
static bv_status check_animations(const bv_json_animation *animations, size_t count, const named *frames_sorted,
                                  size_t frame_count)
{
    if (count == 0) return BV_OK;
    if (!animations) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: animations is NULL");
    named *names = bv__alloc_array(count, sizeof *names);
    if (!names) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu animations", count);
    bv_status status = BV_OK;
    for (size_t a = 0; a < count && status == BV_OK; a++) {
        const bv_json_animation *anim = &animations[a];
        status = check_text(anim->name, "the name of animation", a);
        if (status != BV_OK) break;
        names[a] = (named){anim->name, a, 0};
        if (anim->frame_count > 0 && !anim->frames) {
            status = bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: animation \"%s\" has %zu frames but frames is NULL",
                              anim->name, anim->frame_count);
            break;
        }
        for (size_t i = 0; i < anim->frame_count; i++) {
            const char *frame = anim->frames[i];
            if (!frame) {
                status = bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: animation \"%s\": frame %zu is NULL",
                                  anim->name, i);
                break;
            }
            if (!has_name(frames_sorted, frame_count, frame)) {
                status = bv__fail(BV_ERROR_INVALID_ARGUMENT,
                                  "json: animation \"%s\" names frame \"%s\", which is not in this sheet",
                                  anim->name, frame);
                break;
            }
        }
    }
    if (status == BV_OK) status = check_unique(names, count, "animation", false);
    BV_FREE(names);
    return status;
}

static bv_status check_scale(double scale)
{
    if (!isfinite(scale) || scale < 0.0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: scale %g is not a finite number >= 0", scale);
    return BV_OK;
}

/* A page's PNG name and size. */
static bv_status check_image(const char *image, int width, int height)
{
    if (width < 1 || height < 1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: page size %d x %d is not positive", width, height);
    if (!image || !image[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: image is empty");
    if (!valid_utf8(image)) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: image is not valid UTF-8");
    return BV_OK;
}

/* The frames of one page, each on its own (names are checked for uniqueness by the caller). */
static bv_status check_frames(const bv_json_frame *frames, size_t count, int width, int height)
{
    if (count > 0 && !frames) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frames is NULL");
    for (size_t i = 0; i < count; i++) {
        const bv_status status = check_frame(&frames[i], i, width, height);
        if (status != BV_OK) return status;
    }
    return BV_OK;
}

/* The companion data sheets' names and the depth range. */
static bv_status check_frame_rate(double frame_rate)
{
    if (!isfinite(frame_rate) || frame_rate < 0.0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: the frame rate %g is not a finite number >= 0",
                        frame_rate);
    return BV_OK;
}

static bv_status check_data_sheets(const bv_json_data_sheets *data)
{
    const bv_status status = check_frame_rate(data->frame_rate);
    if (status != BV_OK) return status;
    if (data->normal_image && (!data->normal_image[0] || !valid_utf8(data->normal_image)))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: the normal sheet's image is empty or not UTF-8");
    if (data->depth_image) {
        if (!data->depth_image[0] || !valid_utf8(data->depth_image))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: the depth sheet's image is empty or not UTF-8");
        if (!isfinite(data->depth_near) || !isfinite(data->depth_far) || !(data->depth_near < data->depth_far))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "json: the depth sheet's range %g .. %g is not a finite, increasing range",
                            data->depth_near, data->depth_far);
    }
    return BV_OK;
}

static bv_status check_desc(const bv_json_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: desc is NULL");
    if (!d->path || !d->path[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: path is empty");
    if (d->form != BV_JSON_HASH && d->form != BV_JSON_ARRAY)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: unknown form %d", (int)d->form);
    bv_status status = check_image(d->image, d->width, d->height);
    if (status == BV_OK) status = check_scale(d->scale);
    if (status != BV_OK) return status;
    if (d->related_count > 0 && !d->related_multi_packs)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: related_multi_packs is NULL");
    for (size_t i = 0; i < d->related_count; i++) {
        status = check_text(d->related_multi_packs[i], "related_multi_packs entry", i);
        if (status != BV_OK) return status;
    }
    status = check_data_sheets(&d->data_sheets);
    if (status != BV_OK) return status;
    status = check_frames(d->frames, d->frame_count, d->width, d->height);
    if (status != BV_OK) return status;
    named *names = NULL;
    if (d->frame_count > 0) {
        names = bv__alloc_array(d->frame_count, sizeof *names);
        if (!names) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu frames", d->frame_count);
        for (size_t i = 0; i < d->frame_count; i++) names[i] = (named){d->frames[i].name, i, 0};
    }
    status = check_unique(names, d->frame_count, "frame", false);
    if (status == BV_OK) status = check_animations(d->animations, d->animation_count, names, d->frame_count);
    BV_FREE(names);
    return status;
}

/* Phaser names a frame of its own so on every page (the whole page); a frame of that name is
 * refused by its parser ("frame already exists") and missing from the texture. */
static const char PHASER_PAGE_FRAME[] = "__BASE";

/* A failure found in page `page` of a multi-pack: the message says which page. */
static bv_status on_page(bv_status status, size_t page)
{
    if (status == BV_OK) return status;
    char message[512];
    snprintf(message, sizeof message, "%s", bv_error_message());
    const char *rest = strncmp(message, "json: ", 6) == 0 ? message + 6 : message;
    return bv__fail(status, "json: page %zu: %s", page, rest);
}

static bv_status check_multipack_desc(const bv_json_multipack_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: desc is NULL");
    if (!d->path || !d->path[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: path is empty");
    if (d->page_count == 0) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: a multi-pack needs at least one page");
    if (!d->pages) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: pages is NULL");
    bv_status status = check_scale(d->scale);
    if (status == BV_OK) status = check_frame_rate(d->frame_rate);
    if (status != BV_OK) return status;
    size_t frame_count = 0;
    for (size_t p = 0; p < d->page_count; p++) {
        const bv_json_page *page = &d->pages[p];
        status = on_page(check_image(page->image, page->width, page->height), p);
        if (status == BV_OK && page->normal_map && (!page->normal_map[0] || !valid_utf8(page->normal_map)))
            status = bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: page %zu: normal_map is empty or not UTF-8", p);
        if (status == BV_OK)
            status = on_page(check_frames(page->frames, page->frame_count, page->width, page->height), p);
        if (status != BV_OK) return status;
        for (size_t i = 0; i < page->frame_count; i++)
            if (strcmp(page->frames[i].name, PHASER_PAGE_FRAME) == 0)
                return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                                "json: page %zu: frame %zu is named \"%s\", the name Phaser gives the whole page",
                                p, i, PHASER_PAGE_FRAME);
        if (page->frame_count > SIZE_MAX - frame_count)
            return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: too many frames");
        frame_count += page->frame_count;
    }
    /* Phaser matches each loaded PNG to its entry by name: one name, one page */
    named *images = bv__alloc_array(d->page_count, sizeof *images);
    if (!images) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu pages", d->page_count);
    for (size_t p = 0; p < d->page_count; p++) images[p] = (named){d->pages[p].image, p, 0};
    if (d->page_count > 1) qsort(images, d->page_count, sizeof *images, compare_named);
    for (size_t p = 1; p < d->page_count && status == BV_OK; p++)
        if (strcmp(images[p - 1].name, images[p].name) == 0)
            status = bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: image \"%s\" is used twice (pages %zu and %zu)",
                              images[p].name, images[p - 1].index, images[p].index);
    BV_FREE(images);
    if (status != BV_OK) return status;
    /* frame names are unique across pages: Phaser keeps every page's frames in one texture */
    named *names = NULL;
    if (frame_count > 0) {
        names = bv__alloc_array(frame_count, sizeof *names);
        if (!names) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu frames", frame_count);
        size_t n = 0;
        for (size_t p = 0; p < d->page_count; p++)
            for (size_t i = 0; i < d->pages[p].frame_count; i++) names[n++] = (named){d->pages[p].frames[i].name, i, p};
    }
    status = check_unique(names, frame_count, "frame", true);
    if (status == BV_OK) status = check_animations(d->animations, d->animation_count, names, frame_count);
    BV_FREE(names);
    return status;
}

/* --- text --- */

static void put(bv__bytes *out, const char *text) { bv__bytes_append(out, text, strlen(text)); }

static void put_int(bv__bytes *out, int value)
{
    char text[16];
    snprintf(text, sizeof text, "%d", value);
    put(out, text);
}

/* Copies %g's output with a '.' for the decimal point: %g follows the C locale's LC_NUMERIC, JSON
 * does not. Digits, signs and the exponent are the same in every locale. */
static void normalize_number(char *text)
{
    char *to = text;
    for (const char *c = text; *c; c++) {
        const bool plain = (*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == 'e';
        if (plain) *to++ = *c;
        else if (to == text || to[-1] != '.') *to++ = '.'; /* a decimal point, maybe multibyte */
    }
    *to = '\0';
}

/* The fewest significant digits (15 to 17) that read back as the same double. */
static void format_double(char text[40], double value)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(text, 40, "%.*g", digits, value);
        if (strtod(text, NULL) == value) break;
    }
    normalize_number(text);
}

/* The fewest significant digits (6 to 9) that read back as the same float. */
static void format_float(char text[40], float value)
{
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(text, 40, "%.*g", digits, (double)value);
        if ((float)strtod(text, NULL) == value) break;
    }
    normalize_number(text);
}

static void put_double(bv__bytes *out, double value)
{
    char text[40];
    format_double(text, value);
    put(out, text);
}

static void put_float(bv__bytes *out, float value)
{
    char text[40];
    format_float(text, value);
    put(out, text);
}

static void put_string(bv__bytes *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    put(out, "\"");
    const char *run = text; /* bytes not yet written that need no escape */
    for (const char *c = text; *c; c++) {
        const unsigned char byte = (unsigned char)*c;
        if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
        bv__bytes_append(out, run, (size_t)(c - run));
        if (byte == '"') put(out, "\\\"");
        else if (byte == '\\') put(out, "\\\\");
        else {
            const char escape[7] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15], '\0'};
            put(out, escape);
        }
        run = c + 1;
    }
    put(out, run);
    put(out, "\"");
}

static void put_bool(bv__bytes *out, bool value) { put(out, value ? "true" : "false"); }

/* {"x": 1, "y": 2, "w": 3, "h": 4} */
static void put_rect(bv__bytes *out, bv_rect r)
{
    put(out, "{\"x\": ");
    put_int(out, r.x);
    put(out, ", \"y\": ");
    put_int(out, r.y);
    put(out, ", \"w\": ");
    put_int(out, r.width);
    put(out, ", \"h\": ");
    put_int(out, r.height);
    put(out, "}");
}

static void put_size(bv__bytes *out, int w, int h)
{
    put(out, "{\"w\": ");
    put_int(out, w);
    put(out, ", \"h\": ");
    put_int(out, h);
    put(out, "}");
}

static void put_point(bv__bytes *out, double x, double y)
{
    put(out, "{\"x\": ");
    put_double(out, x);
    put(out, ", \"y\": ");
    put_double(out, y);
    put(out, "}");
}

static void put_matrix(bv__bytes *out, const float m[16])
{
    put(out, "[");
    for (int i = 0; i < 16; i++) {
        if (i) put(out, ", ");
        put_float(out, m[i]);
    }
    put(out, "]");
}

/* `"key": ` at the start of a line indented by `indent`; `first` leaves out the line break. */
static void put_key(bv__bytes *out, const char *indent, const char *key, bool first)
{
    if (!first) put(out, ",\n");
    put(out, indent);
    put(out, "\"");
    put(out, key);
    put(out, "\": ");
}

/* One frame's fields, each on its own line at `indent`, without the enclosing braces. */
static void put_frame_fields(bv__bytes *out, const bv_json_frame *f, const char *indent)
{
    put_key(out, indent, "frame", true);
    put_rect(out, f->frame);
    put_key(out, indent, "rotated", false);
    put_bool(out, f->rotated);
    put_key(out, indent, "trimmed", false);
    put_bool(out, f->trimmed);
    put_key(out, indent, "spriteSourceSize", false);
    put_rect(out, f->source);
    put_key(out, indent, "sourceSize", false);
    put_size(out, f->source_width, f->source_height);
    put_key(out, indent, "pivot", false);
    put_point(out, f->pivot_x, f->pivot_y);
    put_key(out, indent, "anchor", false); /* PixiJS's name for the default anchor */
    put_point(out, f->pivot_x, f->pivot_y);
    if (f->view.present) {
        const bv_json_view *v = &f->view;
        put_key(out, indent, "bakeview", false);
        put(out, "{\"azimuth\": ");
        put_double(out, v->azimuth);
        put(out, ", \"elevation\": ");
        put_double(out, v->elevation);
        put(out, ", \"animation_frame\": ");
        put_int(out, v->animation_frame);
        put(out, ",\n");
        put(out, indent);
        put(out, "\t\"view\": ");
        put_matrix(out, v->view);
        put(out, ",\n");
        put(out, indent);
        put(out, "\t\"projection\": ");
        put_matrix(out, v->projection);
        put(out, "}");
    }
    put(out, "\n");
}

/* `depth` tabs (at most 8). */
static const char *tabs(int depth)
{
    static const char all[] = "\t\t\t\t\t\t\t\t";
    return all + (sizeof all - 1) - (size_t)depth;
}

/* "frames" at `depth`, {name: {...}} (hash) or [{"filename": name, ...}] (array), without a
 * comma or line break after the closing bracket. */
static void put_frames(bv__bytes *out, const bv_json_frame *frames, size_t count, bool hash, int depth)
{
    put(out, tabs(depth));
    put(out, hash ? "\"frames\": {" : "\"frames\": [");
    for (size_t i = 0; i < count; i++) {
        const bv_json_frame *f = &frames[i];
        put(out, i ? ",\n" : "\n");
        put(out, tabs(depth + 1));
        if (hash) {
            put_string(out, f->name);
            put(out, ": {\n");
        } else {
            put(out, "{\n");
            put(out, tabs(depth + 2));
            put(out, "\"filename\": ");
            put_string(out, f->name);
            put(out, ",\n");
        }
        put_frame_fields(out, f, tabs(depth + 2));
        put(out, tabs(depth + 1));
        put(out, "}");
    }
    if (count) {
        put(out, "\n");
        put(out, tabs(depth));
    }
    put(out, hash ? "}" : "]");
}

/* "animations": {name: [frame, ...]} at depth 1, then ",\n". */
static void put_animations(bv__bytes *out, const bv_json_animation *animations, size_t count)
{
    put(out, "\t\"animations\": {");
    for (size_t a = 0; a < count; a++) {
        const bv_json_animation *anim = &animations[a];
        put(out, a ? ",\n\t\t" : "\n\t\t");
        put_string(out, anim->name);
        put(out, ": [");
        for (size_t i = 0; i < anim->frame_count; i++) {
            if (i) put(out, ", ");
            put_string(out, anim->frames[i]);
        }
        put(out, "]");
    }
    put(out, count ? "\n\t},\n" : "},\n");
}

/* meta.bakeview: the companion data sheets and the frame rate, so that a loader needs no
 * convention of its own. */
static void put_data_sheets(bv__bytes *out, const bv_json_data_sheets *data)
{
    put(out, ",\n\t\t\"bakeview\": {");
    const char *next = "\n\t\t\t";
    if (data->frame_rate > 0.0) {
        put(out, "\n\t\t\t\"frame_rate\": ");
        put_double(out, data->frame_rate);
        next = ",\n\t\t\t";
    }
    if (data->normal_image) {
        put(out, next);
        put(out, "\"normal\": {\"image\": ");
        put_string(out, data->normal_image);
        put(out, ", \"space\": \"camera\", \"encoding\": \"n * 0.5 + 0.5\", \"y\": ");
        put(out, data->normal_y_down ? "\"down\"}" : "\"up\"}");
    }
    if (data->depth_image) {
        put(out, data->normal_image || data->frame_rate > 0.0 ? ",\n\t\t\t\"depth\": {\"image\": "
                                                              : "\n\t\t\t\"depth\": {\"image\": ");
        put_string(out, data->depth_image);
        put(out, ", \"bits\": 16, \"encoding\": \"linear\", \"near\": ");
        put_double(out, data->depth_near);
        put(out, ", \"far\": ");
        put_double(out, data->depth_far);
        put(out, ", \"zero\": \"near\", \"units\": \"blender\"}");
    }
    put(out, "\n\t\t}");
}

static void put_meta(bv__bytes *out, const bv_json_desc *d)
{
    put(out, "\t\"meta\": {\n\t\t\"app\": \"bakeview\",\n\t\t\"version\": ");
    put_string(out, BV_VERSION_STRING);
    put(out, ",\n\t\t\"image\": ");
    put_string(out, d->image);
    put(out, ",\n\t\t\"format\": \"RGBA8888\",\n\t\t\"size\": ");
    put_size(out, d->width, d->height);
    /* TexturePacker writes the scale as a string ("1", "0.5"); PixiJS parses it with parseFloat */
    char scale[40];
    format_double(scale, d->scale > 0.0 ? d->scale : 1.0);
    put(out, ",\n\t\t\"scale\": \"");
    put(out, scale);
    put(out, "\",\n\t\t\"premultiplyAlpha\": ");
    put_bool(out, d->premultiplied);
    if (d->related_count > 0) {
        put(out, ",\n\t\t\"related_multi_packs\": [");
        for (size_t i = 0; i < d->related_count; i++) {
            if (i) put(out, ", ");
            put_string(out, d->related_multi_packs[i]);
        }
        put(out, "]");
    }
    if (d->data_sheets.normal_image || d->data_sheets.depth_image || d->data_sheets.frame_rate > 0.0)
        put_data_sheets(out, &d->data_sheets);
    put(out, "\n\t}\n");
}

bv_status bv_json_write(const bv_json_desc *desc)
{
    bv_status status = check_desc(desc);
    if (status != BV_OK) return status;
    bv__bytes out = {0};
    put(&out, "{\n");
    put_frames(&out, desc->frames, desc->frame_count, desc->form == BV_JSON_HASH, 1);
    put(&out, ",\n");
    put_animations(&out, desc->animations, desc->animation_count);
    put_meta(&out, desc);
    put(&out, "}\n");
    if (out.failed) {
        bv__bytes_free(&out);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory writing %s", desc->path);
    }
    status = bv__write_file_atomic("json", desc->path, out.data, out.size);
    bv__bytes_free(&out);
    return status;
}

/* One entry of "textures" at depth 2: the page's image, format, size, scale and frames. */
static void put_texture(bv__bytes *out, const bv_json_page *page, double scale)
{
    put(out, "\t\t{\n\t\t\t\"image\": ");
    put_string(out, page->image);
    if (page->normal_map) {
        put(out, ",\n\t\t\t\"normalMap\": ");
        put_string(out, page->normal_map);
    }
    put(out, ",\n\t\t\t\"format\": \"RGBA8888\",\n\t\t\t\"size\": ");
    put_size(out, page->width, page->height);
    put(out, ",\n\t\t\t\"scale\": "); /* a number here, as TexturePacker's Phaser 3 export writes it */
    put_double(out, scale > 0.0 ? scale : 1.0);
    put(out, ",\n");
    put_frames(out, page->frames, page->frame_count, false, 3);
    put(out, "\n\t\t}");
}

bv_status bv_json_write_multipack(const bv_json_multipack_desc *desc)
{
    bv_status status = check_multipack_desc(desc);
    if (status != BV_OK) return status;
    bv__bytes out = {0};
    put(&out, "{\n\t\"textures\": [");
    for (size_t p = 0; p < desc->page_count; p++) {
        put(&out, p ? ",\n" : "\n");
        put_texture(&out, &desc->pages[p], desc->scale);
    }
    put(&out, "\n\t],\n");
    put_animations(&out, desc->animations, desc->animation_count);
    put(&out, "\t\"meta\": {\n\t\t\"app\": \"bakeview\",\n\t\t\"version\": ");
    put_string(&out, BV_VERSION_STRING);
    put(&out, ",\n\t\t\"premultiplyAlpha\": ");
    put_bool(&out, desc->premultiplied);
    if (desc->frame_rate > 0.0) {
        put(&out, ",\n\t\t\"bakeview\": {\"frame_rate\": ");
        put_double(&out, desc->frame_rate);
        put(&out, "}");
    }
    put(&out, "\n\t}\n}\n");
    if (out.failed) {
        bv__bytes_free(&out);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory writing %s", desc->path);
    }
    status = bv__write_file_atomic("json", desc->path, out.data, out.size);
    bv__bytes_free(&out);
    return status;
}
