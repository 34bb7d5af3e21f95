/* Sprite sheet frames: trim bounds, hashes for identical frames, and blits into pages.
 *
 * Rectangles are y down from the top row; images are stored bottom row first (Blender's
 * Image.pixels), so the y-down row y of an image `height` rows tall is memory row height - 1 - y. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <bakeview/sheet.h>

#include "alloc.h"
#include "error.h"

/* The first float of pixel (x, y) (y down) of an image. */
static size_t pixel_offset(int width, int height, int channels, int x, int y)
{
    return ((size_t)(height - 1 - y) * (size_t)width + (size_t)x) * (size_t)channels;
}

/* width * height * channels, or false if it does not fit a size_t. */
static bool float_count(int width, int height, int channels, size_t *r_count)
{
    size_t pixels;
    return bv__mul_size((size_t)width, (size_t)height, &pixels) &&
           bv__mul_size(pixels, (size_t)channels, r_count);
}

static bool image_ok(bv_floats pixels, int width, int height, int channels)
{
    size_t expected;
    return pixels.ptr && channels >= 1 && channels <= 4 && width >= 1 && height >= 1 &&
           float_count(width, height, channels, &expected) && pixels.count == expected;
}

/* An image argument: `what` names the function, `name` the image, in messages. */
static bv_status check_image(const char *what, const char *name, const float *ptr, size_t count,
                             int width, int height, int channels)
{
    if (channels < 1 || channels > 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: channels %d is outside 1..4", what, channels);
    if (width < 1 || height < 1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s size %d x %d is not positive", what, name,
                        width, height);
    if (!ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s pixels is NULL", what, name);
    size_t expected;
    if (!float_count(width, height, channels, &expected))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s size %d x %d x %d overflows", what, name,
                        width, height, channels);
    if (count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s pixels holds %zu floats, %d x %d x %d needs %zu",
                        what, name, count, width, height, channels, expected);
    return BV_OK;
}

/* The rectangle has a non-negative size and lies inside a width x height image. */
static bool rect_inside(bv_rect r, int width, int height)
{
    return r.width >= 0 && r.height >= 0 && r.x >= 0 && r.y >= 0 && r.x <= width - r.width &&
           r.y <= height - r.height;
}

static bv_status check_rect(const char *what, const char *name, bv_rect r, int width, int height)
{
    if (rect_inside(r, width, height)) return BV_OK;
    return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                    "%s: %s {x %d, y %d, %d x %d} is not inside the %d x %d image", what, name, r.x,
                    r.y, r.width, r.height, width, height);
}

bv_status bv_trim_bounds(bv_floats pixels, int width, int height, int channels, float threshold,
                         bv_rect *r_bounds)
{
    if (!r_bounds) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "trim: r_bounds is NULL");
    *r_bounds = (bv_rect){0, 0, 0, 0};
    const bv_status status = check_image("trim", "image", pixels.ptr, pixels.count, width, height, channels);
    if (status != BV_OK) return status;
    if (isnan(threshold)) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "trim: threshold is NaN");
    if (channels == 1 || channels == 3) { /* no alpha: every pixel is kept */
        *r_bounds = (bv_rect){0, 0, width, height};
        return BV_OK;
    }
    /* extents in memory rows (bottom first), converted to y down at the end */
    int min_x = width, max_x = -1, min_row = height, max_row = -1;
    const size_t c = (size_t)channels;
    for (int row = 0; row < height; row++) {
        const float *alpha = pixels.ptr + (size_t)row * (size_t)width * c + (c - 1);
        int first = -1, last = -1;
        for (int x = 0; x < width; x++) {
            float a = alpha[(size_t)x * c];
            if (isnan(a)) a = 0.0f;
            if (a > threshold) {
                if (first < 0) first = x;
                last = x;
            }
        }
        if (first < 0) continue;
        if (first < min_x) min_x = first;
        if (last > max_x) max_x = last;
        if (row < min_row) min_row = row;
        max_row = row;
    }
    if (max_row < 0) return BV_OK; /* nothing above the threshold */
    *r_bounds = (bv_rect){min_x, height - 1 - max_row, max_x - min_x + 1, max_row - min_row + 1};
    return BV_OK;
}

/* FNV-1a, 64 bit, fed 32-bit words least significant byte first (the same on every byte order). */
#define FNV_OFFSET_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv_word(uint64_t hash, uint32_t word)
{
    for (int i = 0; i < 4; i++) {
        hash ^= (word >> (8 * i)) & 0xffu;
        hash *= FNV_PRIME;
    }
    return hash;
}

bv_status bv_rect_hash(bv_floats pixels, int width, int height, int channels, bv_rect rect,
                       uint64_t *r_hash)
{
    if (!r_hash) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "hash: r_hash is NULL");
    bv_status status = check_image("hash", "image", pixels.ptr, pixels.count, width, height, channels);
    if (status != BV_OK) return status;
    status = check_rect("hash", "rect", rect, width, height);
    if (status != BV_OK) return status;
    uint64_t hash = FNV_OFFSET_BASIS;
    hash = fnv_word(hash, (uint32_t)rect.width);
    hash = fnv_word(hash, (uint32_t)rect.height);
    hash = fnv_word(hash, (uint32_t)channels);
    const size_t row_floats = (size_t)rect.width * (size_t)channels;
    for (int y = rect.y; y < rect.y + rect.height; y++) {
        const float *row = pixels.ptr + pixel_offset(width, height, channels, rect.x, y);
        for (size_t i = 0; i < row_floats; i++) {
            uint32_t bits;
            memcpy(&bits, &row[i], sizeof bits);
            hash = fnv_word(hash, bits);
        }
    }
    *r_hash = hash;
    return BV_OK;
}

bool bv_rect_pixels_equal(bv_floats a, int a_width, int a_height, bv_rect a_rect, bv_floats b,
                          int b_width, int b_height, bv_rect b_rect, int channels)
{
    if (!image_ok(a, a_width, a_height, channels) || !image_ok(b, b_width, b_height, channels))
        return false;
    if (!rect_inside(a_rect, a_width, a_height) || !rect_inside(b_rect, b_width, b_height)) return false;
    if (a_rect.width != b_rect.width || a_rect.height != b_rect.height) return false;
    const size_t row_bytes = (size_t)a_rect.width * (size_t)channels * sizeof(float);
    for (int r = 0; r < a_rect.height; r++) {
        const float *ra = a.ptr + pixel_offset(a_width, a_height, channels, a_rect.x, a_rect.y + r);
        const float *rb = b.ptr + pixel_offset(b_width, b_height, channels, b_rect.x, b_rect.y + r);
        if (row_bytes && memcmp(ra, rb, row_bytes) != 0) return false;
    }
    return true;
}

static bv_status check_blit(const bv_blit_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "blit: desc is NULL");
    if (d->channels < 1 || d->channels > 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "blit: channels %d is outside 1..4", d->channels);
    bv_status status = check_image("blit", "source", d->source.ptr, d->source.count, d->source_width,
                                   d->source_height, d->channels);
    if (status != BV_OK) return status;
    status = check_image("blit", "page", d->page.ptr, d->page.count, d->page_width, d->page_height,
                         d->channels);
    if (status != BV_OK) return status;
    const bv_rect r = d->source_rect;
    if (!rect_inside(r, d->source_width, d->source_height))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "blit: source_rect {x %d, y %d, %d x %d} is not inside the %d x %d source", r.x,
                        r.y, r.width, r.height, d->source_width, d->source_height);
    if (d->extrude < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "blit: extrude %d is negative", d->extrude);
    /* the page is written, the source read: they must not share memory */
    const uintptr_t s0 = (uintptr_t)d->source.ptr, s1 = s0 + d->source.count * sizeof(float);
    const uintptr_t p0 = (uintptr_t)d->page.ptr, p1 = p0 + d->page.count * sizeof(float);
    if (s0 < p1 && p0 < s1) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "blit: source and page overlap");
    if (r.width == 0 || r.height == 0) return BV_OK; /* nothing to copy, nothing to extrude */
    const long long w = d->rotated ? r.height : r.width, h = d->rotated ? r.width : r.height;
    const long long e = d->extrude;
    if ((long long)d->x - e < 0 || (long long)d->y - e < 0 || (long long)d->x + w + e > d->page_width ||
        (long long)d->y + h + e > d->page_height)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "blit: a %lld x %lld copy at (%d, %d) with extrude %d does not fit the %d x %d page",
                        w, h, d->x, d->y, d->extrude, d->page_width, d->page_height);
    return BV_OK;
}

static int clamp_int(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

bv_status bv_blit(const bv_blit_desc *d)
{
    const bv_status status = check_blit(d);
    if (status != BV_OK) return status;
    const bv_rect r = d->source_rect;
    if (r.width == 0 || r.height == 0) return BV_OK;
    const int c = d->channels, e = d->extrude;
    const int w = d->rotated ? r.height : r.width, h = d->rotated ? r.width : r.height;
    const size_t pixel_bytes = (size_t)c * sizeof(float);
    /* Every page pixel (i, j) of the copy, extrusion included, takes the copy's pixel nearest to it
     * (coordinates clamped into the copy), which is the source pixel (u, v) of the rectangle:
     * (i, j) unrotated, or (j, r.height - 1 - i) rotated 90 degrees clockwise. */
    for (int j = -e; j < h + e; j++) {
        const int cj = clamp_int(j, 0, h - 1);
        float *page_row = d->page.ptr + pixel_offset(d->page_width, d->page_height, c, d->x - e, d->y + j);
        if (!d->rotated) {
            const float *src = d->source.ptr + pixel_offset(d->source_width, d->source_height, c, r.x, r.y + cj);
            for (int i = -e; i < 0; i++) memcpy(page_row + (size_t)(i + e) * (size_t)c, src, pixel_bytes);
            memcpy(page_row + (size_t)e * (size_t)c, src, (size_t)w * pixel_bytes);
            const float *last = src + (size_t)(w - 1) * (size_t)c;
            for (int i = w; i < w + e; i++) memcpy(page_row + (size_t)(i + e) * (size_t)c, last, pixel_bytes);
        } else {
            for (int i = -e; i < w + e; i++) {
                const int ci = clamp_int(i, 0, w - 1);
                const int u = cj, v = r.height - 1 - ci;
                const float *src = d->source.ptr + pixel_offset(d->source_width, d->source_height, c,
                                                                r.x + u, r.y + v);
                memcpy(page_row + (size_t)(i + e) * (size_t)c, src, pixel_bytes);
            }
        }
    }
    return BV_OK;
}
