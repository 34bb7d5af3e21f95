/* Sprite sheet metadata as TexturePacker's JSON ("JSON Hash" or "JSON Array").
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

static bv_status check_frame(const bv_json_desc *d, size_t index)
{
    const bv_json_frame *f = &d->frames[index];
    bv_status status = check_text(f->name, "the name of frame", index);
    if (status != BV_OK) return status;
    const char *name = f->name;
    const bv_rect r = f->frame, s = f->source;
    if (r.x < 0 || r.y < 0 || r.width < 0 || r.height < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frame \"%s\" has a negative frame {x %d, y %d, %d x %d}",
                        name, r.x, r.y, r.width, r.height);
    const int w = f->rotated ? r.height : r.width, h = f->rotated ? r.width : r.height;
    if (r.x > d->width - w || r.y > d->height - h)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "json: frame \"%s\" occupies %d x %d pixels at (%d, %d), outside the %d x %d page",
                        name, w, h, r.x, r.y, d->width, d->height);
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

typedef struct named {
    const char *name;
    size_t index;
} named;

static int compare_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    const int order = strcmp(x->name, y->name);
    if (order) return order;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts names[0..count) and fails on the first name used twice. */
static bv_status check_unique(named *names, size_t count, const char *what)
{
    if (count > 1) qsort(names, count, sizeof *names, compare_named);
    for (size_t i = 1; i < count; i++)
        if (strcmp(names[i - 1].name, names[i].name) == 0)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: %s name \"%s\" is used twice (%ss %zu and %zu)",
                            what, names[i].name, what, names[i - 1].index, names[i].index);
    return BV_OK;
}

static bool has_name(const named *sorted, size_t count, const char *name)
{
    const named key = {name, 0};
    size_t lo = 0, hi = count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int order = strcmp(sorted[mid].name, key.name);
        if (order == 0) return true;
        if (order < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

static bv_status check_animations(const bv_json_desc *d, const named *frames_sorted)
{
    if (d->animation_count == 0) return BV_OK;
    if (!d->animations) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: animations is NULL");
    named *names = bv__alloc_array(d->animation_count, sizeof *names);
    if (!names) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu animations", d->animation_count);
    bv_status status = BV_OK;
    for (size_t a = 0; a < d->animation_count && status == BV_OK; a++) {
        const bv_json_animation *anim = &d->animations[a];
        status = check_text(anim->name, "the name of animation", a);
        if (status != BV_OK) break;
        names[a] = (named){anim->name, a};
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
            if (!has_name(frames_sorted, d->frame_count, frame)) {
                status = bv__fail(BV_ERROR_INVALID_ARGUMENT,
                                  "json: animation \"%s\" names frame \"%s\", which is not in this sheet",
                                  anim->name, frame);
                break;
            }
        }
    }
    if (status == BV_OK) status = check_unique(names, d->animation_count, "animation");
    BV_FREE(names);
    return status;
}

static bv_status check_desc(const bv_json_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: desc is NULL");
    if (!d->path || !d->path[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: path is empty");
    if (d->form != BV_JSON_HASH && d->form != BV_JSON_ARRAY)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: unknown form %d", (int)d->form);
    if (d->width < 1 || d->height < 1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: page size %d x %d is not positive", d->width, d->height);
    if (!d->image || !d->image[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: image is empty");
    if (!valid_utf8(d->image)) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: image is not valid UTF-8");
    if (!isfinite(d->scale) || d->scale < 0.0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: scale %g is not a finite number >= 0", d->scale);
    if (d->related_count > 0 && !d->related_multi_packs)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: related_multi_packs is NULL");
    for (size_t i = 0; i < d->related_count; i++) {
        const bv_status status = check_text(d->related_multi_packs[i], "related_multi_packs entry", i);
        if (status != BV_OK) return status;
    }
    if (d->frame_count > 0 && !d->frames) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "json: frames is NULL");
    for (size_t i = 0; i < d->frame_count; i++) {
        const bv_status status = check_frame(d, i);
        if (status != BV_OK) return status;
    }
    named *names = NULL;
    if (d->frame_count > 0) {
        names = bv__alloc_array(d->frame_count, sizeof *names);
        if (!names) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "json: out of memory for %zu frames", d->frame_count);
        for (size_t i = 0; i < d->frame_count; i++) names[i] = (named){d->frames[i].name, i};
    }
    bv_status status = check_unique(names, d->frame_count, "frame");
    if (status == BV_OK) status = check_animations(d, names);
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

static void put_frames(bv__bytes *out, const bv_json_desc *d)
{
    const bool hash = d->form == BV_JSON_HASH;
    put(out, hash ? "\t\"frames\": {" : "\t\"frames\": [");
    for (size_t i = 0; i < d->frame_count; i++) {
        const bv_json_frame *f = &d->frames[i];
        put(out, i ? ",\n\t\t" : "\n\t\t");
        if (hash) {
            put_string(out, f->name);
            put(out, ": {\n");
        } else {
            put(out, "{\n\t\t\t\"filename\": ");
            put_string(out, f->name);
            put(out, ",\n");
        }
        put_frame_fields(out, f, "\t\t\t");
        put(out, "\t\t}");
    }
    put(out, d->frame_count ? "\n\t" : "");
    put(out, hash ? "},\n" : "],\n");
}

static void put_animations(bv__bytes *out, const bv_json_desc *d)
{
    put(out, "\t\"animations\": {");
    for (size_t a = 0; a < d->animation_count; a++) {
        const bv_json_animation *anim = &d->animations[a];
        put(out, a ? ",\n\t\t" : "\n\t\t");
        put_string(out, anim->name);
        put(out, ": [");
        for (size_t i = 0; i < anim->frame_count; i++) {
            if (i) put(out, ", ");
            put_string(out, anim->frames[i]);
        }
        put(out, "]");
    }
    put(out, d->animation_count ? "\n\t},\n" : "},\n");
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
    put(out, "\n\t}\n");
}

bv_status bv_json_write(const bv_json_desc *desc)
{
    bv_status status = check_desc(desc);
    if (status != BV_OK) return status;
    bv__bytes out = {0};
    put(&out, "{\n");
    put_frames(&out, desc);
    put_animations(&out, desc);
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
