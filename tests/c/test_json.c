/* Sprite sheet JSON (bakeview/json.h): both TexturePacker forms read back field by field through a
 * strict JSON reader, escaping, exact numbers, every refusal (nothing written), atomic files, and a
 * page whose frames rebuild from what the JSON says, as a loader does. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bakeview/bakeview.h>
#include <bakeview/json.h>
#include <bakeview/sheet.h>

#include "check.h"
#include "scene.h"
#include "temp_dir.h"

/* ------------------------------------------------------------------------------------------------
 * A strict JSON reader (RFC 8259): objects, arrays, strings with every escape (surrogate pairs
 * joined, lone surrogates refused), numbers by the grammar (no leading zeros, no '+', no NaN),
 * true/false/null. Raw bytes of strings must be UTF-8 and not control characters; an object may
 * not repeat a key. Anything else, or anything after the value but whitespace, is an error. */

typedef enum jtype { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } jtype;

typedef struct jvalue {
    jtype type;
    bool boolean;
    double number;
    bool integer;         /* a number written without fraction or exponent */
    char *string;         /* J_STRING: decoded UTF-8 (no NUL inside: \u0000 is refused here) */
    size_t count;         /* J_ARRAY, J_OBJECT */
    struct jvalue *items; /* array items, or object values */
    char **keys;          /* object keys, in order */
} jvalue;

typedef struct jreader {
    const char *p, *end;
    char error[160];
    int depth;
} jreader;

static bool jfail(jreader *r, const char *what)
{
    if (!r->error[0]) snprintf(r->error, sizeof r->error, "%s, %ld bytes before the end", what, (long)(r->end - r->p));
    return false;
}

static void jskip(jreader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static void jfree(jvalue *v)
{
    for (size_t i = 0; i < v->count; i++) {
        jfree(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    memset(v, 0, sizeof *v);
}

typedef struct jtext {
    char *data;
    size_t size, capacity;
} jtext;

static bool jtext_add(jtext *t, const char *data, size_t size)
{
    if (t->size + size + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 32;
        while (capacity < t->size + size + 1) capacity *= 2;
        char *grown = realloc(t->data, capacity);
        if (!grown) return false;
        t->data = grown;
        t->capacity = capacity;
    }
    memcpy(t->data + t->size, data, size);
    t->size += size;
    t->data[t->size] = '\0';
    return true;
}

static bool jtext_code_point(jtext *t, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    return jtext_add(t, b, n);
}

/* One UTF-8 sequence of raw bytes starting at r->p; its length, or 0 if it is not well formed. */
static int jutf8_length(const jreader *r)
{
    const unsigned char *s = (const unsigned char *)r->p;
    const size_t left = (size_t)(r->end - r->p);
    int n;
    uint32_t c, min;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) n = 2, c = s[0] & 0x1F, min = 0x80;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) n = 3, c = s[0] & 0x0F, min = 0x800;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) n = 4, c = s[0] & 0x07, min = 0x10000;
    else return 0;
    if (left < (size_t)n) return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return n;
}

static bool jhex4(jreader *r, uint32_t *out)
{
    if (r->end - r->p < 4) return jfail(r, "short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        const char c = r->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return jfail(r, "bad hex digit in \\u escape");
    }
    r->p += 4;
    *out = v;
    return true;
}

static bool jparse_string(jreader *r, char **out)
{
    jtext t = {0};
    if (!jtext_add(&t, "", 0)) return jfail(r, "out of memory");
    r->p++; /* the opening quote */
    for (;;) {
        if (r->p >= r->end) {
            free(t.data);
            return jfail(r, "unterminated string");
        }
        const unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            *out = t.data;
            return true;
        }
        bool ok = true;
        if (c < 0x20) {
            ok = jfail(r, "raw control character in string");
        } else if (c == '\\') {
            r->p++;
            const char e = r->p < r->end ? *r->p++ : '\0';
            const char *simple = NULL;
            switch (e) {
            case '"': simple = "\""; break;
            case '\\': simple = "\\"; break;
            case '/': simple = "/"; break;
            case 'b': simple = "\b"; break;
            case 'f': simple = "\f"; break;
            case 'n': simple = "\n"; break;
            case 'r': simple = "\r"; break;
            case 't': simple = "\t"; break;
            case 'u': {
                uint32_t cp;
                ok = jhex4(r, &cp);
                if (ok && cp >= 0xDC00 && cp <= 0xDFFF) ok = jfail(r, "lone low surrogate");
                if (ok && cp >= 0xD800 && cp <= 0xDBFF) {
                    uint32_t low;
                    if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u') ok = jfail(r, "lone high surrogate");
                    else {
                        r->p += 2;
                        ok = jhex4(r, &low);
                        if (ok && !(low >= 0xDC00 && low <= 0xDFFF)) ok = jfail(r, "bad low surrogate");
                        if (ok) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                }
                if (ok && cp == 0) ok = jfail(r, "\\u0000 is not supported by this reader");
                if (ok && !jtext_code_point(&t, cp)) ok = jfail(r, "out of memory");
                break;
            }
            default: ok = jfail(r, "bad escape");
            }
            if (ok && simple && !jtext_add(&t, simple, 1)) ok = jfail(r, "out of memory");
        } else {
            const int n = jutf8_length(r);
            if (!n) ok = jfail(r, "string is not UTF-8");
            else if (!jtext_add(&t, r->p, (size_t)n)) ok = jfail(r, "out of memory");
            else r->p += n;
        }
        if (!ok) {
            free(t.data);
            return false;
        }
    }
}

static bool jdigits(jreader *r)
{
    const char *start = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
    return r->p > start;
}

static bool jparse_number(jreader *r, jvalue *v)
{
    const char *start = r->p;
    bool integer = true;
    if (r->p < r->end && *r->p == '-') r->p++;
    if (r->p < r->end && *r->p == '0') {
        r->p++;
        if (r->p < r->end && *r->p >= '0' && *r->p <= '9') return jfail(r, "leading zero");
    } else if (!jdigits(r)) {
        return jfail(r, "bad number");
    }
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        integer = false;
        if (!jdigits(r)) return jfail(r, "no digits after '.'");
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        integer = false;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-')) r->p++;
        if (!jdigits(r)) return jfail(r, "no digits in exponent");
    }
    char text[64];
    const size_t n = (size_t)(r->p - start);
    if (n >= sizeof text) return jfail(r, "number too long");
    memcpy(text, start, n);
    text[n] = '\0';
    v->type = J_NUMBER;
    v->number = strtod(text, NULL); /* the test runs in the C locale */
    v->integer = integer;
    return true;
}

static bool jparse_value(jreader *r, jvalue *v);

static bool jparse_container(jreader *r, jvalue *v, bool object)
{
    v->type = object ? J_OBJECT : J_ARRAY;
    const char close = object ? '}' : ']';
    r->p++;
    jskip(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return true;
    }
    size_t capacity = 0;
    for (;;) {
        if (v->count == capacity) {
            capacity = capacity ? 2 * capacity : 8;
            jvalue *items = realloc(v->items, capacity * sizeof *items);
            if (!items) return jfail(r, "out of memory");
            v->items = items;
            if (object) {
                char **keys = realloc(v->keys, capacity * sizeof *keys);
                if (!keys) return jfail(r, "out of memory");
                v->keys = keys;
            }
        }
        jvalue *item = &v->items[v->count];
        memset(item, 0, sizeof *item);
        if (object) {
            v->keys[v->count] = NULL;
            jskip(r);
            if (r->p >= r->end || *r->p != '"') return jfail(r, "expected a key");
            char *key;
            if (!jparse_string(r, &key)) return false;
            v->keys[v->count] = key;
            v->count++; /* owned from here, freed by jfree even on failure */
            for (size_t i = 0; i + 1 < v->count; i++)
                if (strcmp(v->keys[i], key) == 0) return jfail(r, "duplicate key");
            jskip(r);
            if (r->p >= r->end || *r->p != ':') return jfail(r, "expected ':'");
            r->p++;
        } else {
            v->count++;
        }
        if (!jparse_value(r, item)) return false;
        jskip(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            jskip(r);
            if (r->p < r->end && *r->p == close) return jfail(r, "trailing comma");
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return true;
        }
        return jfail(r, "expected ',' or a closing bracket");
    }
}

static bool jliteral(jreader *r, const char *word)
{
    const size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return jfail(r, "bad literal");
    r->p += n;
    return true;
}

static bool jparse_value(jreader *r, jvalue *v)
{
    jskip(r);
    if (r->p >= r->end) return jfail(r, "expected a value");
    if (++r->depth > 64) return jfail(r, "too deep");
    bool ok;
    switch (*r->p) {
    case '{': ok = jparse_container(r, v, true); break;
    case '[': ok = jparse_container(r, v, false); break;
    case '"':
        v->type = J_STRING;
        ok = jparse_string(r, &v->string);
        break;
    case 't':
        v->type = J_BOOL, v->boolean = true;
        ok = jliteral(r, "true");
        break;
    case 'f':
        v->type = J_BOOL, v->boolean = false;
        ok = jliteral(r, "false");
        break;
    case 'n':
        v->type = J_NULL;
        ok = jliteral(r, "null");
        break;
    default: ok = jparse_number(r, v);
    }
    r->depth--;
    return ok;
}

/* Parses a whole document; on failure *out is empty and error says why. */
static bool jparse(const char *text, size_t size, jvalue *out, char error[160])
{
    jreader r = {text, text + size, "", 0};
    memset(out, 0, sizeof *out);
    bool ok = jparse_value(&r, out);
    if (ok) {
        jskip(&r);
        if (r.p != r.end) ok = jfail(&r, "text after the value");
    }
    if (!ok) jfree(out);
    memcpy(error, r.error, sizeof r.error);
    return ok;
}

static const jvalue *jget(const jvalue *object, const char *key)
{
    if (!object || object->type != J_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++)
        if (strcmp(object->keys[i], key) == 0) return &object->items[i];
    return NULL;
}

static const jvalue *jat(const jvalue *array, size_t i)
{
    if (!array || array->type != J_ARRAY || i >= array->count) return NULL;
    return &array->items[i];
}

/* The object's keys are exactly these, in this order. */
static bool jkeys_are(const jvalue *object, const char *const *keys, size_t count)
{
    if (!object || object->type != J_OBJECT || object->count != count) return false;
    for (size_t i = 0; i < count; i++)
        if (strcmp(object->keys[i], keys[i]) != 0) return false;
    return true;
}

static bool jis_int(const jvalue *v, long long expected)
{
    return v && v->type == J_NUMBER && v->integer && v->number == (double)expected;
}

static bool jis_number(const jvalue *v, double expected)
{
    return v && v->type == J_NUMBER && v->number == expected;
}

static bool jis_bool(const jvalue *v, bool expected) { return v && v->type == J_BOOL && v->boolean == expected; }

static bool jis_string(const jvalue *v, const char *expected)
{
    return v && v->type == J_STRING && strcmp(v->string, expected) == 0;
}

/* ------------------------------------------------------------------------------------------------
 * files */


static void temp_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/%s", temp_dir, name);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file, NUL-terminated; NULL if it cannot be read. */
static char *read_text(const char *path, size_t *r_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t capacity = 4096, size = 0;
    char *data = malloc(capacity);
    while (data) {
        size += fread(data + size, 1, capacity - size - 1, f);
        if (size < capacity - 1) break;
        char *grown = realloc(data, capacity * 2);
        if (!grown) {
            free(data);
            data = NULL;
            break;
        }
        data = grown;
        capacity *= 2;
    }
    fclose(f);
    if (!data) return NULL;
    data[size] = '\0';
    *r_size = size;
    return data;
}

/* Reads and parses a written file; false (with a check failure) if it is not strict JSON. */
static bool load_json(const char *path, jvalue *out, char **r_text)
{
    size_t size = 0;
    char *text = read_text(path, &size);
    memset(out, 0, sizeof *out);
    if (!CHECK_MSG(text != NULL, "cannot read %s", path)) return false;
    char error[160];
    const bool ok = jparse(text, size, out, error);
    CHECK_MSG(ok, "%s is not strict JSON: %s", path, error);
    CHECK_MSG(strlen(text) == size, "%s holds a NUL byte", path);
    if (r_text && ok) *r_text = text;
    else free(text);
    return ok;
}

/* ------------------------------------------------------------------------------------------------
 * a sheet to write */

static const char *const walk_frames[] = {"walk_0", "walk_1", "walk_0"};
static const char *const idle_frames[] = {"idle"};
static const char *const related[] = {"sheet-1.json", "sheet-2.json"};

typedef struct sample_sheet {
    bv_json_frame frames[3];
    bv_json_animation animations[2];
    bv_json_desc desc;
} sample_sheet;

static void sample_sheet_init(sample_sheet *s, const char *path, bv_json_form form)
{
    memset(s, 0, sizeof *s);
    bv_json_frame *f = s->frames;
    /* rotated and trimmed: 30 x 40 sprite stored as 40 x 30 at (2, 2) */
    f[0].name = "walk_0";
    f[0].frame = (bv_rect){2, 2, 30, 40};
    f[0].rotated = true;
    f[0].trimmed = true;
    f[0].source = (bv_rect){1, 3, 30, 40};
    f[0].source_width = 32, f[0].source_height = 48;
    f[0].pivot_x = 0.5, f[0].pivot_y = 0.875;
    f[0].view.present = true;
    f[0].view.azimuth = 45.0, f[0].view.elevation = 30.0;
    f[0].view.animation_frame = 0;
    for (int i = 0; i < 16; i++) {
        f[0].view.view[i] = (float)i - 7.5f;
        f[0].view.projection[i] = 1.0f / (float)(i + 1);
    }
    /* plain */
    f[1].name = "walk_1";
    f[1].frame = (bv_rect){44, 2, 32, 48};
    f[1].source = (bv_rect){0, 0, 32, 48};
    f[1].source_width = 32, f[1].source_height = 48;
    f[1].pivot_x = 0.5, f[1].pivot_y = 1.0;
    f[1].view.present = true;
    f[1].view.azimuth = -135.5, f[1].view.elevation = 0.0;
    f[1].view.animation_frame = 7;
    mat_identity(f[1].view.view);
    mat_identity(f[1].view.projection);
    /* trimmed, no view */
    f[2].name = "idle";
    f[2].frame = (bv_rect){2, 52, 10, 6};
    f[2].trimmed = true;
    f[2].source = (bv_rect){11, 21, 10, 6};
    f[2].source_width = 32, f[2].source_height = 48;
    f[2].pivot_x = 0.25, f[2].pivot_y = -0.5;
    s->animations[0] = (bv_json_animation){"walk", walk_frames, 3};
    s->animations[1] = (bv_json_animation){"idle", idle_frames, 1};
    bv_json_desc *d = &s->desc;
    d->path = path;
    d->form = form;
    d->frames = s->frames;
    d->frame_count = 3;
    d->animations = s->animations;
    d->animation_count = 2;
    d->image = "sheet-0.png";
    d->width = 128, d->height = 64;
    d->related_multi_packs = related;
    d->related_count = 2;
    d->premultiplied = false;
}

static bool jrect_is(const jvalue *v, bv_rect r)
{
    static const char *const keys[] = {"x", "y", "w", "h"};
    return jkeys_are(v, keys, 4) && jis_int(jget(v, "x"), r.x) && jis_int(jget(v, "y"), r.y) &&
           jis_int(jget(v, "w"), r.width) && jis_int(jget(v, "h"), r.height);
}

static bool jmatrix_is(const jvalue *v, const float m[16])
{
    if (!v || v->type != J_ARRAY || v->count != 16) return false;
    for (int i = 0; i < 16; i++) {
        const float read = (float)v->items[i].number;
        if (v->items[i].type != J_NUMBER || memcmp(&read, &m[i], sizeof read) != 0) return false;
    }
    return true;
}

/* One frame's object against what was written; `array_form` adds "filename" first. */
static void check_frame_object(const jvalue *o, const bv_json_frame *f, bool array_form)
{
    static const char *const hash_keys[] = {"frame", "rotated", "trimmed", "spriteSourceSize", "sourceSize",
                                            "pivot", "anchor", "bakeview"};
    static const char *const array_keys[] = {"filename", "frame", "rotated", "trimmed", "spriteSourceSize",
                                             "sourceSize", "pivot", "anchor", "bakeview"};
    const size_t count = (array_form ? 9 : 8) - (f->view.present ? 0 : 1);
    CHECK_MSG(jkeys_are(o, array_form ? array_keys : hash_keys, count), "frame \"%s\": keys differ", f->name);
    if (array_form) CHECK(jis_string(jget(o, "filename"), f->name));
    CHECK_MSG(jrect_is(jget(o, "frame"), f->frame), "frame \"%s\": frame", f->name);
    CHECK(jis_bool(jget(o, "rotated"), f->rotated));
    CHECK(jis_bool(jget(o, "trimmed"), f->trimmed));
    CHECK_MSG(jrect_is(jget(o, "spriteSourceSize"), f->source), "frame \"%s\": spriteSourceSize", f->name);
    const jvalue *size = jget(o, "sourceSize");
    static const char *const wh[] = {"w", "h"}, *const xy[] = {"x", "y"};
    CHECK(jkeys_are(size, wh, 2));
    CHECK(jis_int(jget(size, "w"), f->source_width));
    CHECK(jis_int(jget(size, "h"), f->source_height));
    const char *const points[] = {"pivot", "anchor"};
    for (int i = 0; i < 2; i++) {
        const jvalue *p = jget(o, points[i]);
        CHECK(jkeys_are(p, xy, 2));
        CHECK_MSG(jis_number(jget(p, "x"), f->pivot_x) && jis_number(jget(p, "y"), f->pivot_y),
                  "frame \"%s\": %s", f->name, points[i]);
    }
    const jvalue *b = jget(o, "bakeview");
    if (!f->view.present) {
        CHECK(b == NULL);
        return;
    }
    static const char *const view_keys[] = {"azimuth", "elevation", "animation_frame", "view", "projection"};
    CHECK(jkeys_are(b, view_keys, 5));
    CHECK(jis_number(jget(b, "azimuth"), f->view.azimuth));
    CHECK(jis_number(jget(b, "elevation"), f->view.elevation));
    CHECK(jis_int(jget(b, "animation_frame"), f->view.animation_frame));
    CHECK_MSG(jmatrix_is(jget(b, "view"), f->view.view), "frame \"%s\": view", f->name);
    CHECK_MSG(jmatrix_is(jget(b, "projection"), f->view.projection), "frame \"%s\": projection", f->name);
}

static void check_animations_object(const jvalue *a, const bv_json_desc *d)
{
    if (!CHECK(a && a->type == J_OBJECT && a->count == d->animation_count)) return;
    for (size_t i = 0; i < d->animation_count; i++) {
        const bv_json_animation *anim = &d->animations[i];
        CHECK(strcmp(a->keys[i], anim->name) == 0);
        const jvalue *list = &a->items[i];
        if (!CHECK(list->type == J_ARRAY && list->count == anim->frame_count)) continue;
        for (size_t k = 0; k < anim->frame_count; k++) CHECK(jis_string(jat(list, k), anim->frames[k]));
    }
}

static void check_meta_object(const jvalue *m, const bv_json_desc *d, const char *scale)
{
    static const char *const keys[] = {"app", "version", "image", "format", "size", "scale", "premultiplyAlpha",
                                       "related_multi_packs"};
    CHECK(jkeys_are(m, keys, d->related_count ? 8 : 7));
    CHECK(jis_string(jget(m, "app"), "bakeview"));
    CHECK(jis_string(jget(m, "version"), BV_VERSION_STRING));
    CHECK(jis_string(jget(m, "image"), d->image));
    CHECK(jis_string(jget(m, "format"), "RGBA8888"));
    const jvalue *size = jget(m, "size");
    CHECK(jis_int(jget(size, "w"), d->width) && jis_int(jget(size, "h"), d->height));
    CHECK_MSG(jis_string(jget(m, "scale"), scale), "scale \"%s\", expected \"%s\"",
              jget(m, "scale") && jget(m, "scale")->string ? jget(m, "scale")->string : "?", scale);
    CHECK(jis_bool(jget(m, "premultiplyAlpha"), d->premultiplied));
    const jvalue *packs = jget(m, "related_multi_packs");
    if (d->related_count == 0) {
        CHECK(packs == NULL);
    } else if (CHECK(packs && packs->type == J_ARRAY && packs->count == d->related_count)) {
        for (size_t i = 0; i < d->related_count; i++) CHECK(jis_string(jat(packs, i), d->related_multi_packs[i]));
    }
}

/* ------------------------------------------------------------------------------------------------
 * tests */

static bool parses(const char *text)
{
    jvalue v;
    char error[160];
    const bool ok = jparse(text, strlen(text), &v, error);
    if (ok) jfree(&v);
    return ok;
}

/* The reader the other tests trust: it accepts JSON and refuses what is not. */
static void test_reader_is_strict(void)
{
    const char *const good[] = {
        "{}", "[]", " {\"a\": [1, -0, 0.5, -1.25e-3, 1E+9, true, false, null, \"\"]} ", "\"\\u00e9\\ud83d\\ude00\"",
        "{\"a\": {\"b\": {\"c\": []}}}", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"h\xc3\xa9 \xf0\x9f\x98\x80\"", "0", "-7",
    };
    const char *const bad[] = {
        "", "{", "[1,]", "{\"a\":1,}", "01", "-01", "1.", ".5", "+1", "1e", "NaN", "Infinity", "-Infinity",
        "\"\\x\"", "\"a\nb\"", "\"tab\there\"", "{\"a\":1,\"a\":2}", "[1] x", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "tru", "nul", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe6\x97\"",
        "{a: 1}", "{'a': 1}", "[1 2]", "{\"a\" 1}", "\"unterminated", "[", "// c\n{}", "{\"a\":1}}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) CHECK_MSG(parses(good[i]), "refused good %zu", i);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_MSG(!parses(bad[i]), "accepted bad %zu: %s", i, bad[i]);
    jvalue v;
    char error[160];
    const char *text = "{\"n\": [3, 3.5, -2e2], \"s\": \"\\u00e9\\ud83d\\ude00\\n\"}";
    if (CHECK(jparse(text, strlen(text), &v, error))) {
        CHECK(jis_int(jat(jget(&v, "n"), 0), 3));
        CHECK(!jat(jget(&v, "n"), 1)->integer && jis_number(jat(jget(&v, "n"), 1), 3.5));
        CHECK(!jat(jget(&v, "n"), 2)->integer && jis_number(jat(jget(&v, "n"), 2), -200.0));
        CHECK(jis_string(jget(&v, "s"), "\xc3\xa9\xf0\x9f\x98\x80\n"));
        jfree(&v);
    }
}

static void test_json_hash_form_holds_every_field(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "hash.json");
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    if (!CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message())) return;
    jvalue root;
    if (!load_json(path, &root, NULL)) return;
    static const char *const top[] = {"frames", "animations", "meta"};
    CHECK(jkeys_are(&root, top, 3));
    const jvalue *frames = jget(&root, "frames");
    static const char *const names[] = {"walk_0", "walk_1", "idle"}; /* as given, not sorted */
    CHECK(jkeys_are(frames, names, 3));
    for (int i = 0; i < 3; i++) check_frame_object(jget(frames, names[i]), &s.frames[i], false);
    check_animations_object(jget(&root, "animations"), &s.desc);
    check_meta_object(jget(&root, "meta"), &s.desc, "1");
    jfree(&root);
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static void test_json_array_form_holds_every_field(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "array.json");
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_ARRAY);
    if (!CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message())) return;
    jvalue root;
    if (!load_json(path, &root, NULL)) return;
    static const char *const top[] = {"frames", "animations", "meta"};
    CHECK(jkeys_are(&root, top, 3));
    const jvalue *frames = jget(&root, "frames");
    if (CHECK(frames && frames->type == J_ARRAY && frames->count == 3))
        for (size_t i = 0; i < 3; i++) check_frame_object(jat(frames, i), &s.frames[i], true);
    check_animations_object(jget(&root, "animations"), &s.desc);
    check_meta_object(jget(&root, "meta"), &s.desc, "1");
    jfree(&root);
}

/* A rotated frame keeps its own (unrotated) w and h in "frame"; it occupies h x w of the page, so
 * it may lie where only the turned area fits. */
static void test_json_rotated_frame_keeps_its_unrotated_size(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "rotated.json");
    bv_json_frame f = {0};
    f.name = "tall";
    f.frame = (bv_rect){1, 0, 20, 3}; /* 20 wide, 3 high: stored 3 wide, 20 high */
    f.rotated = true;
    f.source = (bv_rect){0, 0, 20, 3};
    f.source_width = 20, f.source_height = 3;
    bv_json_desc d = {0};
    d.path = path;
    d.frames = &f;
    d.frame_count = 1;
    d.image = "p.png";
    d.width = 4, d.height = 20;
    if (!CHECK_MSG(bv_json_write(&d) == BV_OK, "%s", bv_error_message())) return;
    jvalue root;
    if (!load_json(path, &root, NULL)) return;
    const jvalue *o = jget(jget(&root, "frames"), "tall");
    CHECK(jrect_is(jget(o, "frame"), (bv_rect){1, 0, 20, 3}));
    CHECK(jis_bool(jget(o, "rotated"), true));
    jfree(&root);
    /* unrotated it would not fit the 4 x 20 page */
    f.rotated = false;
    CHECK_EQ_INT(bv_json_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "\"tall\"");
    CHECK_CONTAINS(bv_error_message(), "outside the 4 x 20 page");
}

static void test_json_meta_scale_premultiplied_and_related_packs(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "meta.json");
    const double scales[] = {0.0, 1.0, 0.5, 2.0, 0.1, 1.0 / 3.0};
    const char *const texts[] = {"1", "1", "0.5", "2", "0.1", "0.3333333333333333"};
    for (int i = 0; i < 6; i++) {
        sample_sheet s;
        sample_sheet_init(&s, path, i % 2 ? BV_JSON_ARRAY : BV_JSON_HASH);
        s.desc.scale = scales[i];
        s.desc.premultiplied = i % 2;
        s.desc.related_count = (size_t)(i % 3); /* 0, 1 or 2 */
        if (!CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message())) continue;
        jvalue root;
        if (!load_json(path, &root, NULL)) continue;
        check_meta_object(jget(&root, "meta"), &s.desc, texts[i]);
        const jvalue *scale = jget(jget(&root, "meta"), "scale");
        CHECK(scale && scale->string && strtod(scale->string, NULL) == (scales[i] > 0 ? scales[i] : 1.0));
        jfree(&root);
    }
}

static void test_json_empty_sheet_is_valid(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "empty.json");
    for (int form = 0; form < 2; form++) {
        bv_json_desc d = {0};
        d.path = path;
        d.form = (bv_json_form)form;
        d.image = "empty.png";
        d.width = d.height = 1;
        if (!CHECK_MSG(bv_json_write(&d) == BV_OK, "%s", bv_error_message())) continue;
        jvalue root;
        if (!load_json(path, &root, NULL)) continue;
        const jvalue *frames = jget(&root, "frames");
        CHECK(frames && frames->type == (form ? J_ARRAY : J_OBJECT) && frames->count == 0);
        const jvalue *anims = jget(&root, "animations");
        CHECK(anims && anims->type == J_OBJECT && anims->count == 0);
        jfree(&root);
    }
}

static void test_json_strings_are_escaped_and_read_back(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "escape.json");
    char controls[33];
    for (int i = 1; i < 32; i++) controls[i - 1] = (char)i;
    controls[31] = 'x';
    controls[32] = '\0';
    const char *names[] = {
        "quote\"d", "back\\slash", "slash/ok", controls, "tab\tnew\nline\r", "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac",
        "smile \xf0\x9f\x98\x80", "del\x7f", "\\\"\\u0041",
    };
    enum { N = sizeof names / sizeof names[0] };
    bv_json_frame frames[N];
    memset(frames, 0, sizeof frames);
    for (int i = 0; i < N; i++) {
        frames[i].name = names[i];
        frames[i].frame = (bv_rect){i, 0, 1, 1};
        frames[i].source = (bv_rect){0, 0, 1, 1};
        frames[i].source_width = frames[i].source_height = 1;
    }
    const char *const anim_frames[] = {names[0], names[3], names[7]};
    const bv_json_animation anim = {"anim \"\\\x01\xc3\xa9", anim_frames, 3};
    const char *const packs[] = {"d\xc3\xa9j\xc3\xa0 \"vu\".json"};
    for (int form = 0; form < 2; form++) {
        bv_json_desc d = {0};
        d.path = path;
        d.form = (bv_json_form)form;
        d.frames = frames;
        d.frame_count = N;
        d.animations = &anim;
        d.animation_count = 1;
        d.image = "im\\age \"1\".png";
        d.width = 16, d.height = 1;
        d.related_multi_packs = packs;
        d.related_count = 1;
        if (!CHECK_MSG(bv_json_write(&d) == BV_OK, "%s", bv_error_message())) continue;
        jvalue root;
        char *text = NULL;
        if (!load_json(path, &root, &text)) continue;
        const jvalue *fr = jget(&root, "frames");
        for (int i = 0; i < N; i++) {
            const jvalue *o = form ? jat(fr, (size_t)i) : jget(fr, names[i]);
            CHECK_MSG(o != NULL, "frame %d missing", i);
            if (form) CHECK_MSG(jis_string(jget(o, "filename"), names[i]), "filename %d", i);
            else CHECK(strcmp(fr->keys[i], names[i]) == 0);
        }
        check_animations_object(jget(&root, "animations"), &d);
        CHECK(jis_string(jget(jget(&root, "meta"), "image"), d.image));
        CHECK(jis_string(jat(jget(jget(&root, "meta"), "related_multi_packs"), 0), packs[0]));
        /* control characters as \u00XX; UTF-8 kept as is; no raw control byte but layout */
        CHECK(strstr(text, "\\u0001\\u0002") != NULL);
        CHECK(strstr(text, "\\u001f") != NULL);
        CHECK(strstr(text, "tab\\u0009new\\u000aline\\u000d") != NULL);
        CHECK(strstr(text, "h\xc3\xa9llo") != NULL);
        CHECK(strstr(text, "smile \xf0\x9f\x98\x80") != NULL);
        CHECK(strstr(text, "\"quote\\\"d\"") != NULL);
        CHECK(strstr(text, "\"back\\\\slash\"") != NULL);
        for (const char *c = text; *c; c++)
            if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t') {
                CHECK_MSG(false, "raw control byte %d at %ld", *c, (long)(c - text));
                break;
            }
        free(text);
        jfree(&root);
    }
}

static void test_json_refuses_names_that_are_not_utf8(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "utf8.json");
    const char *const bad[] = {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "cut \xe6\x97", "\xf4\x90\x80\x80", "\x80"};
    for (int i = 0; i < 6; i++) {
        sample_sheet s;
        sample_sheet_init(&s, path, BV_JSON_HASH);
        const char *const frames[] = {bad[i]};
        s.frames[2].name = bad[i];
        s.animations[1].frames = frames;
        CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), "UTF-8");
        sample_sheet_init(&s, path, BV_JSON_HASH);
        s.desc.image = bad[i];
        CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), "UTF-8");
    }
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static bool same_bits_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_json_numbers_read_back_exactly(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "numbers.json");
    rng g = {3};
    const float special[] = {0.1f, -0.0f, 1e-45f, 3.4028235e38f, -1.17549435e-38f, 16777217.0f, 0.3f, 1.0f / 3.0f};
    const double pivots[][2] = {{0.1, 1.0 / 3.0}, {-0.25, 1e300}, {5e-324, -2.5}, {0.5, 0.5}};
    for (int trial = 0; trial < 4; trial++) {
        sample_sheet s;
        sample_sheet_init(&s, path, trial % 2 ? BV_JSON_ARRAY : BV_JSON_HASH);
        for (int f = 0; f < 2; f++)
            for (int i = 0; i < 16; i++) {
                const uint32_t bits = (uint32_t)rng_next(&g);
                float v;
                memcpy(&v, &bits, 4);
                if (!isfinite(v)) v = (float)rng_range(&g, -1e6, 1e6);
                s.frames[f].view.view[i] = i < 8 ? special[i] : v;
                s.frames[f].view.projection[i] = (float)rng_range(&g, -10.0, 10.0);
            }
        s.frames[0].pivot_x = pivots[trial][0];
        s.frames[0].pivot_y = pivots[trial][1];
        s.frames[0].view.azimuth = rng_range(&g, -180.0, 180.0);
        s.frames[0].view.elevation = 0.1 * trial;
        s.frames[0].view.animation_frame = -3 + trial;
        if (!CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message())) continue;
        jvalue root;
        char *text = NULL;
        if (!load_json(path, &root, &text)) continue;
        const jvalue *frames = jget(&root, "frames");
        for (int f = 0; f < 3; f++)
            check_frame_object(trial % 2 ? jat(frames, (size_t)f) : jget(frames, s.frames[f].name), &s.frames[f],
                               trial % 2);
        const jvalue *pivot = jget(trial % 2 ? jat(frames, 0) : jget(frames, "walk_0"), "pivot");
        CHECK(same_bits_double(jget(pivot, "x")->number, pivots[trial][0]));
        /* the fewest digits from 6 (floats) or 15 (doubles) that read back: no 0.100000001 for
         * 0.1f, no 0.10000000000000001 for 0.1 */
        CHECK(strstr(text, "[0.1, -0, 1.4013e-45, 3.4028235e+38, -1.1754944e-38, 16777216, 0.3, 0.33333334,") != NULL);
        if (trial == 0) CHECK(strstr(text, "\"pivot\": {\"x\": 0.1, \"y\": 0.3333333333333333}") != NULL);
        /* -0 keeps its sign */
        const jvalue *view = jget(jget(trial % 2 ? jat(frames, 0) : jget(frames, "walk_0"), "bakeview"), "view");
        CHECK(view && view->count == 16 && signbit(view->items[1].number));
        free(text);
        jfree(&root);
    }
}

/* The decimal point is '.' whatever LC_NUMERIC says (checked when a comma locale is installed). */
static void test_json_numbers_ignore_the_locale(void)
{
    if (!CHECK(temp_dir[0])) return;
    const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8", "ru_RU.UTF-8"};
    const char *found = NULL;
    for (int i = 0; i < 6 && !found; i++)
        if (setlocale(LC_NUMERIC, locales[i])) found = locales[i];
    if (!found) {
        printf("test_json_numbers_ignore_the_locale: no comma locale installed, only the C locale checked\n");
    }
    char path[400];
    temp_path(path, sizeof path, "locale.json");
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.desc.scale = 0.5;
    const bv_status status = bv_json_write(&s.desc);
    setlocale(LC_NUMERIC, "C");
    if (!CHECK_MSG(status == BV_OK, "%s", bv_error_message())) return;
    jvalue root;
    if (!load_json(path, &root, NULL)) return;
    check_frame_object(jget(jget(&root, "frames"), "walk_0"), &s.frames[0], false);
    check_meta_object(jget(&root, "meta"), &s.desc, "0.5");
    jfree(&root);
}

static void test_json_refuses_nan_and_infinity_and_writes_nothing(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "nan.json");
    for (int i = 0; i < 11; i++) {
        sample_sheet s;
        sample_sheet_init(&s, path, BV_JSON_HASH);
        const char *expect = "not finite";
        switch (i) {
        case 0: s.frames[0].pivot_x = NAN; break;
        case 1: s.frames[1].pivot_y = INFINITY; break;
        case 2: s.frames[0].view.azimuth = NAN; break;
        case 3: s.frames[1].view.elevation = -INFINITY; break;
        case 4: s.frames[0].view.view[5] = NAN; break;
        case 5: s.frames[1].view.projection[15] = INFINITY; break;
        case 6: s.frames[2].pivot_x = -NAN; break;
        case 7: s.desc.scale = NAN, expect = "scale"; break;
        case 8: s.desc.scale = INFINITY, expect = "scale"; break;
        case 9: s.desc.scale = -1.0, expect = "scale"; break;
        case 10: s.frames[1].view.view[0] = -INFINITY; break;
        }
        CHECK_MSG(bv_json_write(&s.desc) == BV_ERROR_INVALID_ARGUMENT, "case %d accepted", i);
        CHECK_MSG(check__contains(bv_error_message(), expect), "case %d: %s", i, bv_error_message());
        if (i < 7 || i == 10) CHECK_MSG(check__contains(bv_error_message(), "\"walk_") || check__contains(bv_error_message(), "\"idle\""),
                                        "case %d names no frame: %s", i, bv_error_message());
    }
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
    /* a view that is not present is not written, so its numbers do not matter */
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.frames[2].view.view[3] = NAN;
    s.frames[2].view.azimuth = INFINITY;
    CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message());
}

static void test_json_refuses_duplicate_names_naming_them(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "dup.json");
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.frames[2].name = "walk_0";
    s.animations[1].frames = walk_frames;
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "\"walk_0\"");
    CHECK_CONTAINS(bv_error_message(), "used twice");
    CHECK_CONTAINS(bv_error_message(), "0 and 2");
    /* equal names at different addresses */
    char copy[] = "walk_1";
    sample_sheet_init(&s, path, BV_JSON_ARRAY);
    s.frames[0].name = copy;
    s.animations[0].frame_count = 0;
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "\"walk_1\"");
    /* two animations of one name */
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.animations[1].name = "walk";
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "animation name \"walk\" is used twice");
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static void test_json_refuses_missing_names_and_unknown_frames(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "names.json");
    const char *const ghost_frames[] = {"walk_0", "ghost"};
    const char *const null_frames[] = {"walk_0", NULL};
    const char *const null_pack[] = {"a.json", NULL};
    for (int i = 0; i < 17; i++) {
        sample_sheet s;
        sample_sheet_init(&s, path, i % 2 ? BV_JSON_ARRAY : BV_JSON_HASH);
        bv_json_desc *d = &s.desc;
        const char *expect = NULL;
        switch (i) {
        case 0: s.frames[1].name = NULL, expect = "name of frame 1 is NULL"; break;
        case 1: s.frames[0].name = "", expect = "name of frame 0 is empty"; break;
        case 2: s.animations[0].name = NULL, expect = "name of animation 0 is NULL"; break;
        case 3: s.animations[1] = (bv_json_animation){"idle", ghost_frames, 2}, expect = "\"ghost\""; break;
        case 4: s.animations[0].frames = null_frames, s.animations[0].frame_count = 2, expect = "frame 1 is NULL"; break;
        case 5: s.animations[0].frames = NULL, expect = "frames is NULL"; break;
        case 6: d->animations = NULL, expect = "animations is NULL"; break;
        case 7: d->frames = NULL, expect = "frames is NULL"; break;
        case 8: d->related_multi_packs = null_pack, expect = "related_multi_packs entry 1 is NULL"; break;
        case 9: d->related_multi_packs = NULL, expect = "related_multi_packs is NULL"; break;
        case 10: d->image = NULL, expect = "image"; break;
        case 11: d->image = "", expect = "image"; break;
        case 12: d->path = "", expect = "path"; break;
        case 13: d->form = (bv_json_form)7, expect = "form"; break;
        case 14: d->width = 0, expect = "page size"; break;
        case 15: d->height = -5, expect = "page size"; break;
        case 16: s.animations[1].name = "", expect = "name of animation 1 is empty"; break;
        }
        CHECK_MSG(bv_json_write(d) == BV_ERROR_INVALID_ARGUMENT, "case %d accepted", i);
        CHECK_MSG(check__contains(bv_error_message(), expect), "case %d: \"%s\" lacks \"%s\"", i,
                  bv_error_message(), expect);
    }
    CHECK_EQ_INT(bv_json_write(NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "desc");
    sample_sheet s;
    sample_sheet_init(&s, NULL, BV_JSON_HASH);
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "path");
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
    /* an animation with no frames, and one frame used by two animations, are fine */
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.animations[1].frame_count = 0;
    s.animations[1].frames = NULL;
    CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message());
}

static void test_json_refuses_rects_that_do_not_agree(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "rects.json");
    for (int i = 0; i < 12; i++) {
        sample_sheet s;
        sample_sheet_init(&s, path, BV_JSON_HASH);
        bv_json_frame *f = &s.frames[i % 2 ? 1 : 2];
        const char *expect = NULL;
        switch (i) {
        case 0: f->frame.x = -1, expect = "negative frame"; break;
        case 1: f->frame.x = 97, expect = "outside the 128 x 64 page"; break; /* 97 + 32 > 128 */
        case 2: f->frame.x = 119, expect = "outside"; break; /* 119 + 10 > 128 */
        case 3: f->frame.y = 17, expect = "outside"; break;  /* 17 + 48 > 64 */
        case 4: f->frame.y = 56, f->rotated = true, expect = "outside"; break; /* 56 + 10 > 64 */
        case 5: f->source.width = 31, expect = "differs from the frame's"; break;
        case 6: f->source.x = 23, expect = "not inside sourceSize"; break; /* 23 + 10 > 32 */
        case 7: f->source.y = -1, expect = "not inside sourceSize"; break;
        case 8: f->trimmed = false, expect = "not trimmed"; break; /* idle: {11, 21, 10, 6} of 32 x 48 */
        case 9: f->frame.width = 31, f->source = (bv_rect){1, 0, 31, 48}, expect = "not trimmed"; break;
        case 10: f->source_height = -48, expect = "negative sourceSize"; break;
        case 11: f->frame.height = -48, expect = "negative frame"; break;
        }
        CHECK_MSG(bv_json_write(&s.desc) == BV_ERROR_INVALID_ARGUMENT, "case %d accepted", i);
        CHECK_MSG(check__contains(bv_error_message(), expect), "case %d: \"%s\" lacks \"%s\"", i,
                  bv_error_message(), expect);
        CHECK_MSG(check__contains(bv_error_message(), f->name), "case %d does not name the frame", i);
    }
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
    /* at the very edge of the page is fine, and a zero-sized frame too */
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    s.frames[2].frame = (bv_rect){118, 58, 10, 6};
    s.frames[1].frame = (bv_rect){0, 0, 0, 0};
    s.frames[1].source = (bv_rect){0, 0, 0, 0};
    s.frames[1].source_width = s.frames[1].source_height = 0;
    CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message());
}

static void test_json_write_to_a_missing_folder_leaves_no_file(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "no/such/folder/sheet.json");
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), "json");
    CHECK_CONTAINS(bv_error_message(), path);
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
    /* the target is a directory: the rename fails and the temporary file goes again */
    temp_path(path, sizeof path, "a_directory.json");
    if (!CHECK(mkdir(path, 0700) == 0)) return;
    sample_sheet_init(&s, path, BV_JSON_ARRAY);
    CHECK_EQ_INT(bv_json_write(&s.desc), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), path);
    CHECK_EQ_INT(count_files(".tmp"), 0);
    rmdir(path);
}

/* A name of 255 bytes, the longest most file systems allow, still writes: the temporary file's
 * name beside it is cut to fit. */
static void test_json_writes_a_file_whose_name_is_as_long_as_allowed(void)
{
    if (!CHECK(temp_dir[0])) return;
    char name[256], path[600];
    memset(name, 'n', 250);
    memcpy(name + 250, ".json", 6); /* 255 bytes and the terminating zero */
    temp_path(path, sizeof path, name);
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message());
    CHECK(file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
    remove(path);
}

static void test_json_replaces_an_existing_file_whole(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "replace.json");
    /* a long file first */
    enum { MANY = 300 };
    static bv_json_frame many[MANY];
    static char names[MANY][16];
    for (int i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "frame_%03d", i);
        memset(&many[i], 0, sizeof many[i]);
        many[i].name = names[i];
        many[i].frame = (bv_rect){i % 20, i / 20, 1, 1};
        many[i].source = (bv_rect){0, 0, 1, 1};
        many[i].source_width = many[i].source_height = 1;
        many[i].view.present = true;
    }
    bv_json_desc d = {0};
    d.path = path;
    d.frames = many;
    d.frame_count = MANY;
    d.image = "long.png";
    d.width = 20, d.height = 15;
    CHECK_MSG(bv_json_write(&d) == BV_OK, "%s", bv_error_message());
    size_t long_size = 0;
    char *long_text = read_text(path, &long_size);
    CHECK(long_text && long_size > 10000);
    /* a refused write leaves it as it was */
    d.frames = NULL;
    CHECK_EQ_INT(bv_json_write(&d), BV_ERROR_INVALID_ARGUMENT);
    size_t same_size = 0;
    char *same = read_text(path, &same_size);
    CHECK(same && long_text && same_size == long_size && memcmp(same, long_text, long_size) == 0);
    free(same);
    free(long_text);
    /* then a short one over it: nothing of the long one is left */
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%s", bv_error_message());
    jvalue root;
    char *text = NULL;
    if (load_json(path, &root, &text)) {
        CHECK_EQ_INT(jget(&root, "frames")->count, 3);
        CHECK(strstr(text, "frame_") == NULL);
        CHECK(strlen(text) < long_size);
        free(text);
        jfree(&root);
    }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static void test_json_output_is_deterministic_and_keeps_the_order(void)
{
    if (!CHECK(temp_dir[0])) return;
    char a[400], b[400];
    temp_path(a, sizeof a, "same_a.json");
    temp_path(b, sizeof b, "same_b.json");
    for (int form = 0; form < 2; form++) {
        sample_sheet s;
        sample_sheet_init(&s, a, (bv_json_form)form);
        CHECK(bv_json_write(&s.desc) == BV_OK);
        s.desc.path = b;
        CHECK(bv_json_write(&s.desc) == BV_OK);
        size_t sa = 0, sb = 0;
        char *ta = read_text(a, &sa), *tb = read_text(b, &sb);
        CHECK(ta && tb && sa == sb && memcmp(ta, tb, sa) == 0);
        /* frames in the order given: walk_0, walk_1, idle (not sorted) */
        if (ta) {
            const char *w0 = strstr(ta, "\"walk_0\""), *w1 = strstr(ta, "\"walk_1\""), *idle = strstr(ta, "\"idle\"");
            CHECK(w0 && w1 && idle && w0 < w1 && w1 < idle);
        }
        free(ta);
        free(tb);
    }
}

/* The whole path: frames rendered with transparent margins are trimmed, blitted into a page
 * (some rotated, extruded), described in JSON; reading only the JSON and the page as PixiJS does
 * rebuilds every untrimmed frame bit for bit. */
static void test_page_and_json_rebuild_every_untrimmed_frame(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "roundtrip.json");
    enum { FRAMES = 6, PW = 104, PH = 40, E = 1 };
    rng g = {11};
    float *frames[FRAMES];
    int fw[FRAMES], fh[FRAMES];
    bv_json_frame meta[FRAMES];
    char names[FRAMES][16];
    float *page = calloc((size_t)PW * PH * 4, sizeof(float));
    if (!CHECK(page)) return;
    memset(meta, 0, sizeof meta);
    int cursor = E;
    for (int i = 0; i < FRAMES; i++) {
        fw[i] = rng_int(&g, 4, 14), fh[i] = rng_int(&g, 4, 14);
        frames[i] = calloc((size_t)fw[i] * fh[i] * 4, sizeof(float));
        if (!CHECK(frames[i])) return;
        const int x0 = rng_int(&g, 0, fw[i] / 2), y0 = rng_int(&g, 0, fh[i] / 2);
        const int x1 = rng_int(&g, x0, fw[i] - 1), y1 = rng_int(&g, y0, fh[i] - 1);
        for (int y = y0; y <= y1; y++) /* y down: memory row fh - 1 - y */
            for (int x = x0; x <= x1; x++)
                for (int k = 0; k < 4; k++)
                    frames[i][((size_t)(fh[i] - 1 - y) * fw[i] + x) * 4 + k] = (float)rng_range(&g, 0.01, 1.0);
        bv_rect trim;
        CHECK_EQ_INT(bv_trim_bounds((bv_floats){frames[i], (size_t)fw[i] * fh[i] * 4}, fw[i], fh[i], 4, 0.0f, &trim),
                     BV_OK);
        const bool rotated = i % 2;
        const int aw = rotated ? trim.height : trim.width;
        bv_blit_desc b = {0};
        b.source = (bv_floats){frames[i], (size_t)fw[i] * fh[i] * 4};
        b.source_width = fw[i], b.source_height = fh[i];
        b.source_rect = trim;
        b.page = (bv_float_span){page, (size_t)PW * PH * 4};
        b.page_width = PW, b.page_height = PH;
        b.x = cursor, b.y = E + i % 3;
        b.channels = 4;
        b.rotated = rotated;
        b.extrude = E;
        if (!CHECK_MSG(bv_blit(&b) == BV_OK, "%s", bv_error_message())) return;
        snprintf(names[i], sizeof names[i], "view_%d", i);
        meta[i].name = names[i];
        meta[i].frame = (bv_rect){b.x, b.y, trim.width, trim.height};
        meta[i].rotated = rotated;
        meta[i].trimmed = trim.width != fw[i] || trim.height != fh[i];
        meta[i].source = trim;
        meta[i].source_width = fw[i], meta[i].source_height = fh[i];
        meta[i].pivot_x = meta[i].pivot_y = 0.5;
        if (!meta[i].trimmed) meta[i].source = (bv_rect){0, 0, fw[i], fh[i]};
        cursor += aw + 2 * E;
    }
    if (!CHECK(cursor <= PW)) return;
    bv_json_desc d = {0};
    d.path = path;
    d.frames = meta;
    d.frame_count = FRAMES;
    d.image = "roundtrip.png";
    d.width = PW, d.height = PH;
    if (!CHECK_MSG(bv_json_write(&d) == BV_OK, "%s", bv_error_message())) return;
    jvalue root;
    if (load_json(path, &root, NULL)) {
        const jvalue *fr = jget(&root, "frames");
        for (int i = 0; i < FRAMES; i++) {
            /* PixiJS's Spritesheet: frame rectangle (w and h swapped when rotated), orig from
             * sourceSize, trim at spriteSourceSize; rotate 2 puts the sprite's top-left corner at
             * the frame rectangle's top-right */
            const jvalue *o = jget(fr, names[i]);
            const jvalue *f = jget(o, "frame"), *sss = jget(o, "spriteSourceSize"), *ss = jget(o, "sourceSize");
            if (!CHECK(f && sss && ss)) continue;
            const int x = (int)jget(f, "x")->number, y = (int)jget(f, "y")->number;
            const int w = (int)jget(f, "w")->number, h = (int)jget(f, "h")->number;
            const bool rotated = jget(o, "rotated")->boolean;
            const int ox = (int)jget(sss, "x")->number, oy = (int)jget(sss, "y")->number;
            const int sw = (int)jget(ss, "w")->number, sh = (int)jget(ss, "h")->number;
            if (!CHECK(sw == fw[i] && sh == fh[i])) continue;
            if (!CHECK_MSG(w >= 1 && h >= 1 && ox >= 0 && oy >= 0 && ox + w <= sw && oy + h <= sh,
                           "frame %d: spriteSourceSize {%d %d %d %d} not in %d x %d", i, ox, oy, w, h, sw, sh))
                continue;
            float *rebuilt = calloc((size_t)sw * sh * 4, sizeof(float));
            if (!CHECK(rebuilt)) continue;
            const double aw = rotated ? h : w;
            for (int v = 0; v < h; v++)
                for (int u = 0; u < w; u++) {
                    const double s = (u + 0.5) / w, t = (v + 0.5) / h;
                    /* rotated: page x = right - t * aw, page y = top + s * ah */
                    const double px = rotated ? x + aw - t * aw : x + s * w;
                    const double py = rotated ? y + s * w : y + t * h;
                    const int ix = (int)floor(px), iy = (int)floor(py);
                    if (!CHECK(ix >= 0 && ix < PW && iy >= 0 && iy < PH)) continue;
                    memcpy(&rebuilt[((size_t)(sh - 1 - (oy + v)) * sw + (ox + u)) * 4],
                           &page[((size_t)(PH - 1 - iy) * PW + ix) * 4], 16);
                }
            CHECK_MSG(memcmp(rebuilt, frames[i], (size_t)sw * sh * 4 * sizeof(float)) == 0,
                      "frame %d (rotated %d) does not rebuild", i, rotated);
            free(rebuilt);
        }
        jfree(&root);
    }
    for (int i = 0; i < FRAMES; i++) free(frames[i]);
    free(page);
}

/* ------------------------------------------------------------------------------------------------
 * the multi-pack form: every page in one file (Phaser's load.multiatlas) */

static const char *const all_frames[] = {"idle", "walk_1", "walk_0"}; /* across both pages */

typedef struct sample_multipack {
    sample_sheet sheet;     /* walk_0 and walk_1 go on page 0, as in the one-page sample */
    bv_json_frame idle;     /* page 1 */
    bv_json_animation animations[3];
    bv_json_page pages[2];
    bv_json_multipack_desc desc;
} sample_multipack;

static void sample_multipack_init(sample_multipack *m, const char *path)
{
    memset(m, 0, sizeof *m);
    sample_sheet_init(&m->sheet, NULL, BV_JSON_ARRAY);
    m->idle = m->sheet.frames[2];
    m->idle.frame = (bv_rect){50, 20, 10, 6};
    m->animations[0] = m->sheet.animations[0];
    m->animations[1] = m->sheet.animations[1];
    m->animations[2] = (bv_json_animation){"all", all_frames, 3};
    m->pages[0] = (bv_json_page){.image = "sheet-0.png", .width = 128, .height = 64,
                                 .frames = m->sheet.frames, .frame_count = 2};
    m->pages[1] = (bv_json_page){.image = "sheet-1.png", .width = 64, .height = 32, .frames = &m->idle,
                                 .frame_count = 1};
    m->desc.path = path;
    m->desc.pages = m->pages;
    m->desc.page_count = 2;
    m->desc.animations = m->animations;
    m->desc.animation_count = 3;
}

/* Every page an entry of "textures" with its image, size, scale and frames (JSON Array form,
 * field by field as the one-page writers) and, when it has one, its normal sheet as "normalMap"
 * (as Phaser's load.multiatlas reads it), then every animation (frames of any page) and meta. */
static void test_multipack_holds_every_page_and_frame(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "multi.json");
    for (int variant = 0; variant < 2; variant++) {
        sample_multipack m;
        sample_multipack_init(&m, path);
        if (variant) m.desc.scale = 0.5, m.desc.premultiplied = true, m.pages[0].normal_map = "sheet-normal-0.png";
        if (!CHECK_MSG(bv_json_write_multipack(&m.desc) == BV_OK, "%s", bv_error_message())) return;
        jvalue root;
        if (!load_json(path, &root, NULL)) return;
        static const char *const top[] = {"textures", "animations", "meta"};
        CHECK(jkeys_are(&root, top, 3));
        const jvalue *textures = jget(&root, "textures");
        if (CHECK(textures && textures->type == J_ARRAY && textures->count == 2)) {
            static const char *const keys[] = {"image", "format", "size", "scale", "frames"};
            static const char *const normal_keys[] = {"image", "normalMap", "format", "size", "scale", "frames"};
            static const char *const wh[] = {"w", "h"};
            for (size_t p = 0; p < 2; p++) {
                const bv_json_page *page = &m.pages[p];
                const jvalue *t = jat(textures, p);
                if (page->normal_map) {
                    CHECK_MSG(jkeys_are(t, normal_keys, 6), "texture %zu: keys differ", p);
                    CHECK(jis_string(jget(t, "normalMap"), page->normal_map));
                } else {
                    CHECK_MSG(jkeys_are(t, keys, 5), "texture %zu: keys differ", p);
                }
                CHECK(jis_string(jget(t, "image"), page->image));
                CHECK(jis_string(jget(t, "format"), "RGBA8888"));
                CHECK(jkeys_are(jget(t, "size"), wh, 2));
                CHECK(jis_int(jget(jget(t, "size"), "w"), page->width));
                CHECK(jis_int(jget(jget(t, "size"), "h"), page->height));
                if (variant) CHECK(jis_number(jget(t, "scale"), 0.5));
                else CHECK(jis_int(jget(t, "scale"), 1)); /* a number, as TexturePacker's Phaser 3 export */
                const jvalue *frames = jget(t, "frames");
                if (!CHECK(frames && frames->type == J_ARRAY && frames->count == page->frame_count)) continue;
                for (size_t i = 0; i < page->frame_count; i++)
                    check_frame_object(jat(frames, i), &page->frames[i], true);
            }
        }
        bv_json_desc animations = {.animations = m.animations, .animation_count = 3};
        check_animations_object(jget(&root, "animations"), &animations);
        static const char *const meta_keys[] = {"app", "version", "premultiplyAlpha"};
        const jvalue *meta = jget(&root, "meta");
        CHECK(jkeys_are(meta, meta_keys, 3));
        CHECK(jis_string(jget(meta, "app"), "bakeview"));
        CHECK(jis_string(jget(meta, "version"), BV_VERSION_STRING));
        CHECK(jis_bool(jget(meta, "premultiplyAlpha"), variant == 1));
        jfree(&root);
    }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* A page's frames read the same from the multi-pack as from that page's own JSON Array. */
static void test_multipack_frames_are_the_array_forms_frames(void)
{
    if (!CHECK(temp_dir[0])) return;
    char one[400], multi[400];
    temp_path(one, sizeof one, "one_page.json");
    temp_path(multi, sizeof multi, "one_page_multi.json");
    sample_multipack m;
    sample_multipack_init(&m, multi);
    m.sheet.desc.path = one;
    m.sheet.desc.frame_count = 2;
    m.sheet.desc.animation_count = 0;
    m.desc.page_count = 1;
    m.desc.animation_count = 0;
    if (!CHECK_MSG(bv_json_write(&m.sheet.desc) == BV_OK, "%s", bv_error_message())) return;
    if (!CHECK_MSG(bv_json_write_multipack(&m.desc) == BV_OK, "%s", bv_error_message())) return;
    char *a = NULL, *b = NULL;
    jvalue ra, rb;
    if (load_json(one, &ra, &a) && load_json(multi, &rb, &b)) {
        CHECK_EQ_INT(jget(&rb, "textures")->count, 1);
        /* the same text, one level deeper: "frames": [ ... ] of the page */
        const char *fa = strstr(a, "\"frames\": ["), *fb = strstr(b, "\"frames\": [");
        if (CHECK(fa && fb)) {
            size_t i = 0, k = 0;
            bool same = true;
            for (; fa[i] && fb[k] && fa[i] != ']'; i++, k++) {
                if (fa[i] == '\n' && fb[k] == '\n') {
                    while (fa[i + 1] == '\t') i++;
                    while (fb[k + 1] == '\t') k++;
                }
                if (fa[i] != fb[k]) {
                    same = false;
                    break;
                }
            }
            CHECK_MSG(same && fa[i] == ']' && fb[k] == ']', "the frames differ at byte %zu: \"%.40s\" / \"%.40s\"", i,
                      fa + i, fb + k);
        }
        jfree(&ra);
        jfree(&rb);
    }
    free(a);
    free(b);
}

/* Bad input: the exact message, nothing written, an existing file untouched. */
static void test_multipack_refuses_bad_input_with_exact_messages(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "refused.json");
    FILE *f = fopen(path, "wb");
    if (!CHECK(f)) return;
    fputs("old\n", f);
    fclose(f);
    const char *const ghost[] = {"walk_0", "ghost"};
    for (int i = 0; i < 21; i++) {
        sample_multipack m;
        sample_multipack_init(&m, path);
        bv_json_multipack_desc *d = &m.desc;
        const char *expect = NULL;
        switch (i) {
        case 0: d->path = "", expect = "json: path is empty"; break;
        case 1: d->page_count = 0, expect = "json: a multi-pack needs at least one page"; break;
        case 2: d->pages = NULL, expect = "json: pages is NULL"; break;
        case 3: d->scale = -1.0, expect = "json: scale -1 is not a finite number >= 0"; break;
        case 4: m.pages[1].image = "", expect = "json: page 1: image is empty"; break;
        case 5: m.pages[0].width = 0, expect = "json: page 0: page size 0 x 64 is not positive"; break;
        case 6: m.idle.frame.x = 60, expect = "json: page 1: frame \"idle\" occupies 10 x 6 pixels at (60, 20), "
                                              "outside the 64 x 32 page"; break;
        case 7: m.pages[0].frames = NULL, expect = "json: page 0: frames is NULL"; break;
        case 8: m.idle.name = NULL, expect = "json: page 1: the name of frame 0 is NULL"; break;
        case 9: m.pages[1].image = "sheet-0.png", expect = "json: image \"sheet-0.png\" is used twice (pages 0 and 1)"; break;
        case 10: m.idle.name = "walk_0", d->animation_count = 0,
                 expect = "json: frame name \"walk_0\" is used twice (page 0 frame 0 and page 1 frame 0)"; break;
        case 11: m.sheet.frames[0].name = "walk_1", d->animation_count = 0,
                 expect = "json: frame name \"walk_1\" is used twice (page 0 frame 0 and page 0 frame 1)"; break;
        case 12: m.idle.name = "__BASE", d->animation_count = 0,
                 expect = "json: page 1: frame 0 is named \"__BASE\", the name Phaser gives the whole page"; break;
        case 13: m.animations[2] = (bv_json_animation){"all", ghost, 2},
                 expect = "json: animation \"all\" names frame \"ghost\", which is not in this sheet"; break;
        case 14: d->animations = NULL, expect = "json: animations is NULL"; break;
        case 15: m.animations[2].name = "walk", expect = "json: animation name \"walk\" is used twice (animations 0 and 2)"; break;
        case 16: m.sheet.frames[1].pivot_y = INFINITY, expect = "json: page 0: frame \"walk_1\": pivot (0.5, inf) is not finite"; break;
        case 17: m.pages[1].image = "\xff.png", expect = "json: page 1: image is not valid UTF-8"; break;
        case 18: m.idle.trimmed = false,
                 expect = "json: page 1: frame \"idle\" is not trimmed but spriteSourceSize {x 11, y 21, 10 x 6} is not "
                          "the whole 32 x 48"; break;
        case 19: m.pages[1].normal_map = "", expect = "json: page 1: normal_map is empty or not UTF-8"; break;
        case 20: m.pages[0].normal_map = "n\xc3.png", expect = "json: page 0: normal_map is empty or not UTF-8"; break;
        }
        CHECK_MSG(bv_json_write_multipack(d) == BV_ERROR_INVALID_ARGUMENT, "case %d accepted", i);
        CHECK_MSG(strcmp(bv_error_message(), expect) == 0, "case %d: \"%s\", expected \"%s\"", i, bv_error_message(),
                  expect);
    }
    CHECK_EQ_INT(bv_json_write_multipack(NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_MSG(strcmp(bv_error_message(), "json: desc is NULL") == 0, "%s", bv_error_message());
    size_t size = 0;
    char *text = read_text(path, &size);
    CHECK(text && strcmp(text, "old\n") == 0);
    free(text);
    CHECK_EQ_INT(count_files(".tmp"), 0);
    /* a page without frames is fine */
    sample_multipack m;
    sample_multipack_init(&m, path);
    m.pages[1].frame_count = 0;
    m.desc.animation_count = 1;
    CHECK_MSG(bv_json_write_multipack(&m.desc) == BV_OK, "%s", bv_error_message());
    remove(path);
}

static void test_multipack_write_to_a_missing_folder_leaves_no_file(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "no/such/folder/multi.json");
    sample_multipack m;
    sample_multipack_init(&m, path);
    CHECK_EQ_INT(bv_json_write_multipack(&m.desc), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), "json");
    CHECK_CONTAINS(bv_error_message(), path);
    CHECK(!file_exists(path));
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* meta.bakeview describes the companion data sheets (normal: image, space, encoding, green
 * direction; depth: image, bits, encoding, range, which end is 0, units), exactly and only when
 * given, in both forms; a bad name or range is refused with nothing written. */
static void test_json_meta_describes_the_data_sheets(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    temp_path(path, sizeof path, "data.json");
    const double near_depth = 2.0371583, far_depth = 7.125;
    for (int which = 1; which <= 7; which++) { /* 1: normal, 2: depth, 4: the frame rate */
        sample_sheet s;
        sample_sheet_init(&s, path, which == 2 ? BV_JSON_ARRAY : BV_JSON_HASH);
        if (which & 4) s.desc.data_sheets.frame_rate = 30.0 / 1.001 / 2.0;
        if (which & 1) {
            s.desc.data_sheets.normal_image = "sheet-normal.png";
            s.desc.data_sheets.normal_y_down = which == 3;
        }
        if (which & 2) {
            s.desc.data_sheets.depth_image = "sheet-depth.png";
            s.desc.data_sheets.depth_near = near_depth;
            s.desc.data_sheets.depth_far = far_depth;
        }
        if (!CHECK_MSG(bv_json_write(&s.desc) == BV_OK, "%d: %s", which, bv_error_message())) continue;
        jvalue root;
        if (!load_json(path, &root, NULL)) continue;
        const jvalue *data = jget(jget(&root, "meta"), "bakeview");
        const char *present[3];
        int count = 0;
        if (which & 4) present[count++] = "frame_rate";
        if (which & 1) present[count++] = "normal";
        if (which & 2) present[count++] = "depth";
        CHECK(jkeys_are(data, present, count));
        if (which & 4) CHECK(jis_number(jget(data, "frame_rate"), 30.0 / 1.001 / 2.0));
        if (which & 1) {
            const jvalue *n = jget(data, "normal");
            static const char *const keys[] = {"image", "space", "encoding", "y"};
            CHECK(jkeys_are(n, keys, 4));
            CHECK(jis_string(jget(n, "image"), "sheet-normal.png"));
            CHECK(jis_string(jget(n, "space"), "camera"));
            CHECK(jis_string(jget(n, "encoding"), "n * 0.5 + 0.5"));
            CHECK(jis_string(jget(n, "y"), which == 3 ? "down" : "up"));
        }
        if (which & 2) {
            const jvalue *dp = jget(data, "depth");
            static const char *const keys[] = {"image", "bits", "encoding", "near", "far", "zero", "units"};
            CHECK(jkeys_are(dp, keys, 7));
            CHECK(jis_string(jget(dp, "image"), "sheet-depth.png"));
            CHECK(jis_int(jget(dp, "bits"), 16));
            CHECK(jis_string(jget(dp, "encoding"), "linear"));
            CHECK(jis_number(jget(dp, "near"), near_depth) && jis_number(jget(dp, "far"), far_depth));
            CHECK(jis_string(jget(dp, "zero"), "near"));
            CHECK(jis_string(jget(dp, "units"), "blender"));
        }
        jfree(&root);
    }
    /* none given: no meta.bakeview (the other tests check meta's exact keys) */
    sample_sheet s;
    sample_sheet_init(&s, path, BV_JSON_HASH);
    if (CHECK(bv_json_write(&s.desc) == BV_OK)) {
        jvalue root;
        if (load_json(path, &root, NULL)) {
            CHECK(jget(jget(&root, "meta"), "bakeview") == NULL);
            jfree(&root);
        }
    }
    /* refusals, nothing written */
    temp_path(path, sizeof path, "data_refused.json");
    const struct { const char *normal, *depth; double near_depth, far_depth; const char *message; double frame_rate; } bad[] = {
        {"", NULL, 0, 0, "normal sheet's image is empty or not UTF-8", 0},
        {"\xff.png", NULL, 0, 0, "normal sheet's image is empty or not UTF-8", 0},
        {NULL, "", 1, 2, "depth sheet's image is empty or not UTF-8", 0},
        {NULL, "d.png", 2, 2, "range 2 .. 2 is not a finite, increasing range", 0},
        {NULL, "d.png", 3, 1, "range 3 .. 1 is not a finite, increasing range", 0},
        {NULL, "d.png", NAN, 1, "is not a finite, increasing range", 0},
        {NULL, "d.png", 0, INFINITY, "is not a finite, increasing range", 0},
        {NULL, NULL, 0, 0, "the frame rate nan is not a finite number >= 0", NAN},
        {NULL, NULL, 0, 0, "the frame rate -1 is not a finite number >= 0", -1.0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sample_sheet r;
        sample_sheet_init(&r, path, BV_JSON_HASH);
        r.desc.data_sheets = (bv_json_data_sheets){bad[i].normal, false, bad[i].depth, bad[i].near_depth,
                                                   bad[i].far_depth, bad[i].frame_rate};
        CHECK_EQ_INT(bv_json_write(&r.desc), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), bad[i].message);
        CHECK(!file_exists(path));
    }
}

int main(void)
{
    make_temp_dir("bakeview_json");
    RUN(test_reader_is_strict);
    RUN(test_json_hash_form_holds_every_field);
    RUN(test_json_array_form_holds_every_field);
    RUN(test_json_rotated_frame_keeps_its_unrotated_size);
    RUN(test_json_meta_scale_premultiplied_and_related_packs);
    RUN(test_json_empty_sheet_is_valid);
    RUN(test_json_strings_are_escaped_and_read_back);
    RUN(test_json_refuses_names_that_are_not_utf8);
    RUN(test_json_numbers_read_back_exactly);
    RUN(test_json_numbers_ignore_the_locale);
    RUN(test_json_refuses_nan_and_infinity_and_writes_nothing);
    RUN(test_json_refuses_duplicate_names_naming_them);
    RUN(test_json_refuses_missing_names_and_unknown_frames);
    RUN(test_json_refuses_rects_that_do_not_agree);
    RUN(test_json_write_to_a_missing_folder_leaves_no_file);
    RUN(test_json_writes_a_file_whose_name_is_as_long_as_allowed);
    RUN(test_json_replaces_an_existing_file_whole);
    RUN(test_json_output_is_deterministic_and_keeps_the_order);
    RUN(test_page_and_json_rebuild_every_untrimmed_frame);
    RUN(test_multipack_holds_every_page_and_frame);
    RUN(test_multipack_frames_are_the_array_forms_frames);
    RUN(test_multipack_refuses_bad_input_with_exact_messages);
    RUN(test_multipack_write_to_a_missing_folder_leaves_no_file);
    RUN(test_json_meta_describes_the_data_sheets);
    remove_temp_dir();
    return check_summary();
}
