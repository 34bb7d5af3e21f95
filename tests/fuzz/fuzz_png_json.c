/* Fuzz target: bv_png_write, bv_json_write, bv_json_write_multipack, bv_color_lut_create and
 * _apply, bv_linear_to_srgb8, bv_unit_to_8bit.
 *
 * Files go to a directory of this process's own under $TMPDIR or /tmp (mkdtemp), emptied after
 * every input and removed at exit (tests/fuzz/run.sh points TMPDIR into its work folder, so a
 * crash leaves nothing behind either). Paths are sometimes NULL, empty, in a missing folder, a folder, or an
 * existing file; PNG sizes, channels and encodings are sometimes invalid and pixels wild; JSON
 * frames, animations and meta carry arbitrary names (invalid UTF-8, quotes, control characters),
 * rectangles and numbers (NaN, infinities). After the one-page JSON, the same frames and
 * animations go, spread over up to three pages (images sometimes repeated, missing or odd, page
 * sizes sometimes changed), to the multi-pack writer; an input that ends before that byte makes
 * no multi-pack call, as before the writer existed.
 *
 * Checked: a status comes back; on failure a message is left, no file is left behind and an
 * existing file is untouched. A written PNG decodes (stb_image) to exactly the documented 8-bit
 * values (sRGB, LUT or as they are, premultiplied or not), rows top-down; a written JSON file is
 * well-formed JSON (RFC 8259, strings valid UTF-8). A LUT made from a wild shape or table is
 * refused with a message or, once made, keeps its outputs within its table's range.
 * The 8-bit conversions are monotonic. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes" /* stb_image's own functions */
#include <stb_image.h>
#pragma GCC diagnostic pop

#include <bakeview/bakeview.h>

#include "fuzz_common.h"
#include "json_check.h"

static char directory[512];

static void remove_directory(void)
{
    if (!directory[0]) return;
    char path[1024];
    DIR *dir = opendir(directory);
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", directory, e->d_name);
            if (unlink(path) != 0) rmdir(path);
        }
        closedir(dir);
    }
    rmdir(directory);
}

/* The files in the directory other than `keep` and "sub"; the first such name in *r_name. */
static int stray_files(const char *keep, char r_name[256])
{
    int count = 0;
    DIR *dir = opendir(directory);
    FZ_CHECK(dir != NULL, "cannot list %s", directory);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "sub")) continue;
        if (keep && !strcmp(e->d_name, keep)) continue;
        if (count++ == 0) snprintf(r_name, 256, "%s", e->d_name);
    }
    closedir(dir);
    return count;
}

static void empty_directory(void)
{
    char path[1024];
    DIR *dir = opendir(directory);
    FZ_CHECK(dir != NULL, "cannot list %s", directory);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", directory, e->d_name);
        if (unlink(path) != 0) rmdir(path);
    }
    closedir(dir);
}

static void ensure_directory(void)
{
    if (directory[0]) return;
    const char *tmp = getenv("TMPDIR");
    snprintf(directory, sizeof directory, "%s/bakeview-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    FZ_CHECK(mkdtemp(directory) != NULL, "mkdtemp failed");
    atexit(remove_directory);
}

/* --- paths --- */

typedef struct target {
    char path[1024];
    const char *arg;    /* what the library gets (NULL, "" or path) */
    char name[64];      /* the file's name in the directory, if it can be written */
    bool existing;      /* a file was there before the call */
    bool writable;      /* a valid file path in the directory */
} target;

static const char OLD_CONTENT[] = "old content\n";

static void make_target(fz_reader *in, target *t, const char *extension)
{
    memset(t, 0, sizeof *t);
    const uint8_t mode = fz_u8(in) % 16;
    t->arg = t->path;
    if (mode == 11) {
        t->arg = NULL;
        return;
    }
    if (mode == 12) return; /* "" */
    if (mode == 13) {
        snprintf(t->path, sizeof t->path, "%s/missing/out%s", directory, extension);
        return;
    }
    if (mode == 14) {
        snprintf(t->path, sizeof t->path, "%s", directory);
        return;
    }
    if (mode == 15) {
        snprintf(t->path, sizeof t->path, "%s/sub", directory);
        FZ_CHECK(mkdir(t->path, 0700) == 0, "mkdir %s failed", t->path);
        return;
    }
    if (mode < 6) {
        snprintf(t->name, sizeof t->name, "out%s", extension);
    } else {
        fz_string(in, t->name, 41);
        for (char *c = t->name; *c; c++)
            if (*c == '/') *c = '_';
        if (!t->name[0] || !strcmp(t->name, ".") || !strcmp(t->name, "..") || !strcmp(t->name, "sub"))
            snprintf(t->name, sizeof t->name, "x");
    }
    snprintf(t->path, sizeof t->path, "%s/%s", directory, t->name);
    t->writable = true;
    if (fz_u8(in) >= 224) { /* an existing file: replaced on success, untouched on failure */
        FILE *f = fopen(t->path, "wb");
        FZ_CHECK(f != NULL, "cannot create %s", t->path);
        fputs(OLD_CONTENT, f);
        fclose(f);
        t->existing = true;
    }
}

static unsigned char *read_file(const char *path, size_t *r_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t capacity = 4096, size = 0;
    unsigned char *data = fz_alloc(capacity);
    size_t got;
    while ((got = fread(data + size, 1, capacity - size, f)) > 0) {
        size += got;
        if (size == capacity) {
            capacity *= 2;
            data = realloc(data, capacity);
            FZ_CHECK(data != NULL, "out of memory reading %s", path);
        }
    }
    fclose(f);
    *r_size = size;
    return data;
}

/* After a call: nothing stray, the target as it must be. */
static void check_files(const target *t, bv_status status, const char *what)
{
    char stray[256];
    const int strays = stray_files(t->writable ? t->name : NULL, stray);
    FZ_CHECK(strays == 0, "%s left %d stray file(s), e.g. \"%s\" (status %d)", what, strays, stray,
             (int)status);
    if (status != BV_OK && t->existing) {
        size_t size = 0;
        unsigned char *data = read_file(t->path, &size);
        FZ_CHECK(data && size == strlen(OLD_CONTENT) && !memcmp(data, OLD_CONTENT, size),
                 "failed %s changed the existing file", what);
        free(data);
    }
    if (status != BV_OK && !t->existing && t->writable)
        FZ_CHECK(access(t->path, F_OK) != 0, "failed %s left %s", what, t->path);
}

/* --- PNG --- */

/* A small LUT from the input (shape and table sometimes invalid), or NULL if it was refused. */
static bv_color_lut *fuzz_lut(fz_reader *in)
{
    bv_color_lut_desc desc = {0};
    desc.shape.size = fz_int(in, 1, 5);
    desc.shape.offset = fz_float(in, 0.1f);
    desc.shape.knee = fz_float(in, 4.0f);
    desc.shape.knee_index = fz_int(in, 0, 5);
    const int n = desc.shape.size >= 1 && desc.shape.size <= 5 ? desc.shape.size : 2;
    size_t count = 3 * (size_t)n * (size_t)n * (size_t)n;
    if (fz_u8(in) >= 250) count--;
    float *table = fz_floats(in, count, 1.5f);
    desc.table = (bv_floats){table, count};
    bv_color_lut *lut = NULL;
    const bv_status status = bv_color_lut_create(&desc, &lut);
    fz_trace("bv_color_lut_create", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT, "bv_color_lut_create returned %d",
             (int)status);
    FZ_CHECK((status == BV_OK) == (lut != NULL), "bv_color_lut_create: status %d with lut %p", (int)status,
             (void *)lut);
    if (status != BV_OK) FZ_CHECK(bv_error_message()[0] != '\0', "lut refused without a message");
    if (lut) { /* interpolation weights are convex: outputs stay within the table's range */
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < count; i++) {
            lo = fminf(lo, table[i]);
            hi = fmaxf(hi, table[i]);
        }
        for (int i = 0; i < 4; i++) {
            const float rgb[3] = {fz_float(in, 8.0f), fz_float(in, 8.0f), fz_float(in, 8.0f)};
            float out[3];
            bv_color_lut_apply(lut, rgb, out);
            for (int k = 0; k < 3; k++)
                FZ_CHECK(out[k] >= lo - 1e-4f * (1.0f + fabsf(lo)) && out[k] <= hi + 1e-4f * (1.0f + fabsf(hi)),
                         "lut output %g outside the table's [%g, %g]", (double)out[k], (double)lo, (double)hi);
        }
    }
    free(table);
    return lut;
}

/* The documented code of channel k of pixel p (straight floats, c channels) in a PNG of d. */
static uint8_t expected_code(const bv_png_desc *d, const float *p, int k)
{
    const int c = d->channels;
    const bool has_alpha = c == 2 || c == 4;
    if (has_alpha && k == c - 1) return bv_unit_to_8bit(p[k]);
    uint8_t code;
    if (d->encoding == BV_ENCODING_SRGB) {
        code = bv_linear_to_srgb8(p[k]);
    } else if (d->encoding == BV_ENCODING_LUT) {
        float display[3];
        bv_color_lut_apply(d->lut, p, display);
        code = bv_unit_to_8bit(display[k]);
    } else {
        code = bv_unit_to_8bit(p[k]);
    }
    if (!d->premultiply) return code;
    const float a = p[c - 1] > 0.0f ? fminf(p[c - 1], 1.0f) : 0.0f;
    return (uint8_t)((float)code * a + 0.5f);
}

/* A written 16-bit PNG (data) holds every sample as bv_unit_to_16bit gives it, rows top-down. */
static void check_png16(const char *path, const bv_png_desc *d, const float *pixels)
{
    int w = 0, h = 0, c = 0;
    stbi_us *wide = stbi_load_16(path, &w, &h, &c, 0);
    FZ_CHECK(wide != NULL && stbi_is_16_bit(path), "the 16-bit PNG does not decode as 16-bit: %s",
             stbi_failure_reason());
    FZ_CHECK(w == d->width && h == d->height && c == d->channels, "the PNG is %d x %d x %d, not %d x %d x %d",
             w, h, c, d->width, d->height, d->channels);
    for (int y = 0; y < h; y++)
        for (int i = 0; i < w * c; i++) {
            const float v = pixels[(size_t)(h - 1 - y) * (size_t)(w * c) + (size_t)i];
            const stbi_us got = wide[(size_t)y * (size_t)(w * c) + (size_t)i];
            FZ_CHECK(got == bv_unit_to_16bit(v), "16-bit sample (%d, %d) is %d, expected %d for %g", i, y, got,
                     bv_unit_to_16bit(v), (double)v);
        }
    stbi_image_free(wide);
}

/* A written 8-bit PNG holds the documented code of every sample, rows top-down. */
static void check_png8(const char *path, const bv_png_desc *d, const float *pixels)
{
    int w = 0, h = 0, c = 0;
    unsigned char *decoded = stbi_load(path, &w, &h, &c, 0);
    FZ_CHECK(decoded != NULL, "the PNG does not decode: %s", stbi_failure_reason());
    FZ_CHECK(w == d->width && h == d->height && c == d->channels, "the PNG is %d x %d x %d, not %d x %d x %d",
             w, h, c, d->width, d->height, d->channels);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const float *p = pixels + ((size_t)(h - 1 - y) * (size_t)w + (size_t)x) * (size_t)c;
            for (int k = 0; k < c; k++) {
                const uint8_t got = decoded[((size_t)y * (size_t)w + (size_t)x) * (size_t)c + (size_t)k];
                const uint8_t want = expected_code(d, p, k);
                FZ_CHECK(got == want, "PNG pixel (%d, %d) channel %d is %d, expected %d", x, y, k, got, want);
            }
        }
    stbi_image_free(decoded);
}

static void fuzz_png(fz_reader *in)
{
    target t;
    make_target(in, &t, ".png");
    bv_png_desc d = {0};
    d.path = t.arg;
    d.width = fz_int(in, 1, 16);
    d.height = fz_int(in, 1, 16);
    d.channels = fz_int(in, 0, 5);
    d.encoding = (bv_color_encoding)(fz_u8(in) % 4); /* 3: unknown */
    bv_color_lut *lut = d.encoding == BV_ENCODING_LUT && fz_bool(in) ? fuzz_lut(in) : NULL;
    d.lut = lut;
    d.premultiply = fz_bool(in);
    static const int bit_choices[4] = {0, 8, 16, 12}; /* 12: refused */
    d.bits = bit_choices[fz_u8(in) & 3];
    const bool sane = d.width >= 1 && d.width <= 16 && d.height >= 1 && d.height <= 16 &&
                      d.channels >= 1 && d.channels <= 4;
    size_t count = sane ? (size_t)d.width * (size_t)d.height * (size_t)d.channels : 7;
    const uint8_t mode = fz_u8(in);
    if (mode >= 250) count = mode & 1 ? count + 1 : count - 1;
    float *pixels = fz_alloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++) pixels[i] = (mode & 2) ? fz_float(in, 1.0f) : fz_unit(in);
    d.pixels = (bv_floats){(mode & 31) == 31 ? NULL : pixels, count};
    const bool null_desc = (mode & 63) == 30;
    const bv_status status = bv_png_write(null_desc ? NULL : &d);
    fz_trace("bv_png_write", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_IO ||
                 status == BV_ERROR_OUT_OF_MEMORY,
             "bv_png_write returned %d", (int)status);
    if (status != BV_OK) FZ_CHECK(bv_error_message()[0] != '\0', "png failed without a message");
    check_files(&t, status, "bv_png_write");
    if (status == BV_OK) {
        const bool has_alpha = d.channels == 2 || d.channels == 4;
        FZ_CHECK(t.writable && sane && d.pixels.ptr && count == (size_t)d.width * d.height * d.channels &&
                     d.encoding <= BV_ENCODING_LUT && (d.encoding != BV_ENCODING_LUT || (lut && d.channels >= 3)) &&
                     (!d.premultiply || has_alpha) &&
                     (d.bits != 16 || (d.encoding == BV_ENCODING_LINEAR && !d.premultiply)) && d.bits != 12,
                 "bv_png_write accepted an invalid call");
        if (d.bits == 16) check_png16(t.path, &d, pixels);
        else check_png8(t.path, &d, pixels);
    }
    bv_color_lut_destroy(lut);
    free(pixels);
}

/* --- JSON --- */

#define MAX_FRAMES 6
#define MAX_ANIMATIONS 3
#define MAX_ANIMATION_FRAMES 4
#define MAX_RELATED 2
#define NAME_SIZE 48

/* a + b, kept within int (wild values may be anything) */
static int add_clamped(int a, int b)
{
    const int64_t sum = (int64_t)a + b;
    return sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : (int)sum;
}

static const char *maybe_name(fz_reader *in, char *buffer)
{
    if (fz_u8(in) == 255) return NULL;
    fz_string(in, buffer, NAME_SIZE);
    return buffer;
}

static void fuzz_multipack(fz_reader *in, const bv_json_desc *d, const char *keep);

static void fuzz_json(fz_reader *in)
{
    target t;
    make_target(in, &t, ".json");
    bv_json_desc d = {0};
    d.path = t.arg;
    d.form = (bv_json_form)(fz_u8(in) % 3);
    d.width = fz_int(in, 1, 64);
    d.height = fz_int(in, 1, 64);
    char image_name[NAME_SIZE];
    d.image = (fz_u8(in) & 7) == 7 ? maybe_name(in, image_name) : "sheet.png";
    d.scale = (fz_u8(in) & 3) == 0 ? 0.0 : (double)fz_float(in, 1.0f);
    d.premultiplied = fz_bool(in);

    char related_names[MAX_RELATED][NAME_SIZE];
    const char *related[MAX_RELATED];
    d.related_count = fz_u8(in) % (MAX_RELATED + 1);
    for (size_t i = 0; i < d.related_count; i++) related[i] = maybe_name(in, related_names[i]);
    d.related_multi_packs = d.related_count && fz_u8(in) == 255 ? NULL : related;

    char frame_names[MAX_FRAMES][NAME_SIZE];
    bv_json_frame frames[MAX_FRAMES];
    d.frame_count = fz_u8(in) % (MAX_FRAMES + 1);
    for (size_t i = 0; i < d.frame_count; i++) {
        bv_json_frame *f = &frames[i];
        memset(f, 0, sizeof *f);
        f->name = maybe_name(in, frame_names[i]);
        const int page_w = d.width > 0 && d.width <= 64 ? d.width : 64;
        const int page_h = d.height > 0 && d.height <= 64 ? d.height : 64;
        f->frame.width = fz_int(in, 0, 16);
        f->frame.height = fz_int(in, 0, 16);
        f->frame.x = fz_int(in, 0, page_w);
        f->frame.y = fz_int(in, 0, page_h);
        f->rotated = fz_bool(in);
        f->trimmed = fz_bool(in);
        if (f->trimmed) {
            f->source_width = add_clamped(f->frame.width, fz_int(in, 0, 4));
            f->source_height = add_clamped(f->frame.height, fz_int(in, 0, 4));
            f->source = (bv_rect){fz_int(in, 0, 4), fz_int(in, 0, 4), f->frame.width, f->frame.height};
        } else {
            f->source_width = f->frame.width;
            f->source_height = f->frame.height;
            f->source = (bv_rect){0, 0, f->frame.width, f->frame.height};
        }
        if (fz_u8(in) >= 248) f->source = (bv_rect){fz_int(in, -1, 4), fz_int(in, -1, 4), fz_int(in, -1, 20), fz_int(in, -1, 20)};
        f->pivot_x = fz_float(in, 1.0f);
        f->pivot_y = fz_float(in, 1.0f);
        if (fz_bool(in)) {
            f->view.present = true;
            f->view.azimuth = fz_float(in, 180.0f);
            f->view.elevation = fz_float(in, 90.0f);
            f->view.animation_frame = fz_int(in, -2, 100);
            for (int k = 0; k < 16; k++) f->view.view[k] = fz_float(in, 4.0f);
            for (int k = 0; k < 16; k++) f->view.projection[k] = fz_float(in, 4.0f);
        }
    }
    d.frames = d.frame_count && fz_u8(in) == 255 ? NULL : frames;

    char animation_names[MAX_ANIMATIONS][NAME_SIZE];
    char listed_names[MAX_ANIMATIONS][MAX_ANIMATION_FRAMES][NAME_SIZE];
    const char *listed[MAX_ANIMATIONS][MAX_ANIMATION_FRAMES];
    bv_json_animation animations[MAX_ANIMATIONS];
    d.animation_count = fz_u8(in) % (MAX_ANIMATIONS + 1);
    for (size_t a = 0; a < d.animation_count; a++) {
        bv_json_animation *anim = &animations[a];
        anim->name = maybe_name(in, animation_names[a]);
        anim->frame_count = fz_u8(in) % (MAX_ANIMATION_FRAMES + 1);
        for (size_t i = 0; i < anim->frame_count; i++) {
            const uint8_t pick = fz_u8(in);
            if (pick < 224 && d.frame_count) listed[a][i] = frames[pick % d.frame_count].name;
            else listed[a][i] = maybe_name(in, listed_names[a][i]);
        }
        anim->frames = anim->frame_count && fz_u8(in) == 255 ? NULL : listed[a];
    }
    d.animations = d.animation_count && fz_u8(in) == 255 ? NULL : animations;

    const bool null_desc = fz_u8(in) == 255;
    const bv_status status = bv_json_write(null_desc ? NULL : &d);
    fz_trace("bv_json_write", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_IO ||
                 status == BV_ERROR_OUT_OF_MEMORY,
             "bv_json_write returned %d", (int)status);
    if (status != BV_OK) FZ_CHECK(bv_error_message()[0] != '\0', "json failed without a message");
    check_files(&t, status, "bv_json_write");
    if (status == BV_OK) {
        FZ_CHECK(t.writable, "bv_json_write wrote to an impossible path");
        size_t size = 0;
        unsigned char *text = read_file(t.path, &size);
        FZ_CHECK(text != NULL, "cannot read the JSON back");
        const char *error = json_check(text, size);
        FZ_CHECK(error == NULL, "the JSON is not well-formed: %s\n%.*s", error, (int)size, (const char *)text);
        free(text);
    }
    fuzz_multipack(in, null_desc ? NULL : &d, t.writable ? t.name : NULL);
}

/* --- multi-pack JSON --- */

#define MAX_PAGES 3
static const char MULTI_NAME[] = "multi.json";

/* The files in the directory other than `keep`, MULTI_NAME (when `multi_kept`) and "sub". */
static int files_besides(const char *keep, bool multi_kept, char r_name[256])
{
    int count = 0;
    DIR *dir = opendir(directory);
    FZ_CHECK(dir != NULL, "cannot list %s", directory);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "sub") || (keep && !strcmp(n, keep)) ||
            (multi_kept && !strcmp(n, MULTI_NAME)))
            continue;
        if (count++ == 0) snprintf(r_name, 256, "%s", n);
    }
    closedir(dir);
    return count;
}

/* The frames and animations of `d` as a multi-pack, written to MULTI_NAME beside the one-page
 * file (`keep`, when it was writable). */
static void fuzz_multipack(fz_reader *in, const bv_json_desc *d, const char *keep)
{
    const uint8_t mode = fz_u8(in);
    if (mode == 0 || !d || (keep && !strcmp(keep, MULTI_NAME))) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", directory, MULTI_NAME);
    bv_json_multipack_desc m = {0};
    m.path = mode == 255 ? NULL : mode == 254 ? "" : path;
    m.page_count = mode % (MAX_PAGES + 1); /* 0 (refused) to 3 */
    m.scale = d->scale;
    m.premultiplied = d->premultiplied;
    m.animations = d->animations;
    m.animation_count = d->animation_count;

    /* each frame on a page, the pages' frames one after the other in `grouped` */
    const size_t frame_count = d->frame_count <= MAX_FRAMES ? d->frame_count : MAX_FRAMES;
    const size_t spread = m.page_count ? m.page_count : 1;
    size_t page_of[MAX_FRAMES], counts[MAX_PAGES] = {0}, starts[MAX_PAGES], filled[MAX_PAGES] = {0};
    for (size_t i = 0; i < frame_count; i++) counts[page_of[i] = fz_u8(in) % spread]++;
    bv_json_frame grouped[MAX_FRAMES];
    for (size_t p = 0, start = 0; p < MAX_PAGES; start += counts[p], p++) starts[p] = start;
    if (d->frames)
        for (size_t i = 0; i < frame_count; i++) grouped[starts[page_of[i]] + filled[page_of[i]]++] = d->frames[i];

    bv_json_page pages[MAX_PAGES];
    char images[MAX_PAGES][NAME_SIZE];
    for (size_t p = 0; p < MAX_PAGES; p++) {
        const uint8_t kind = fz_u8(in);
        snprintf(images[p], NAME_SIZE, "sheet-%zu.png", p);
        pages[p].image = kind == 255 ? NULL : kind >= 248 ? maybe_name(in, images[p]) : kind >= 240 ? "sheet-0.png"
                                                                                              : images[p];
        const bool resized = kind >= 224 && kind < 240;
        pages[p].width = resized ? fz_int(in, 1, 64) : d->width;
        pages[p].height = resized ? fz_int(in, 1, 64) : d->height;
        pages[p].frames = d->frames ? grouped + starts[p] : NULL;
        pages[p].frame_count = counts[p];
        /* a normal sheet for some pages: named, empty or invalid UTF-8 */
        pages[p].normal_map = kind >= 200 && kind < 224 ? (kind % 3 == 0 ? "" : kind % 3 == 1 ? "n\xff.png" : "normal.png")
                                                         : NULL;
    }
    m.pages = fz_u8(in) == 255 ? NULL : pages;

    const bv_status status = bv_json_write_multipack(&m);
    fz_trace("bv_json_write_multipack", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_IO ||
                 status == BV_ERROR_OUT_OF_MEMORY,
             "bv_json_write_multipack returned %d", (int)status);
    if (status != BV_OK) FZ_CHECK(bv_error_message()[0] != '\0', "multi-pack failed without a message");
    char stray[256];
    const int strays = files_besides(keep, status == BV_OK, stray);
    FZ_CHECK(strays == 0, "bv_json_write_multipack left %d stray file(s), e.g. \"%s\" (status %d)", strays, stray,
             (int)status);
    if (status != BV_OK) {
        FZ_CHECK(access(path, F_OK) != 0, "a failed bv_json_write_multipack left %s", path);
        return;
    }
    FZ_CHECK(m.path == path && m.page_count > 0, "bv_json_write_multipack accepted an invalid call");
    size_t size = 0;
    unsigned char *text = read_file(path, &size);
    FZ_CHECK(text != NULL, "cannot read the multi-pack back");
    const char *error = json_check(text, size);
    FZ_CHECK(error == NULL, "the multi-pack is not well-formed: %s\n%.*s", error, (int)size, (const char *)text);
    static const char start[] = "{\n\t\"textures\": [";
    FZ_CHECK(size > sizeof start && !memcmp(text, start, sizeof start - 1), "the multi-pack does not start with textures");
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ensure_directory();
    fz_reader in = {data, size, false};
    {   /* the 8-bit conversions keep order */
        const float a = fz_float(&in, 1.0f), b = fz_float(&in, 1.0f);
        if (a <= b) {
            FZ_CHECK(bv_linear_to_srgb8(a) <= bv_linear_to_srgb8(b), "srgb8(%g) > srgb8(%g)", (double)a, (double)b);
            FZ_CHECK(bv_unit_to_8bit(a) <= bv_unit_to_8bit(b), "unit8(%g) > unit8(%g)", (double)a, (double)b);
        }
    }
    if (fz_bool(&in)) fuzz_png(&in);
    else fuzz_json(&in);
    empty_directory();
    return 0;
}
