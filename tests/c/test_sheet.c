/* Sprite sheet frames (bakeview/sheet.h): trim bounds in y-down rectangles over bottom-row-first
 * images, FNV-1a hashes of rectangles, and blits into pages (rotated 90 degrees clockwise as
 * TexturePacker and PixiJS expect, extruded edges), with every bad input refused before a write. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/sheet.h>

#include "check.h"
#include "scene.h"

/* --- images: y down accessors over bottom-row-first storage --- */

typedef struct image {
    float *px;
    int width, height, channels;
} image;

static image image_new(int width, int height, int channels, float fill)
{
    image m = {malloc((size_t)width * height * channels * sizeof(float)), width, height, channels};
    if (m.px)
        for (size_t i = 0; i < (size_t)width * height * channels; i++) m.px[i] = fill;
    return m;
}

static void image_free(image *m)
{
    free(m->px);
    m->px = NULL;
}

static size_t image_count(const image *m) { return (size_t)m->width * m->height * m->channels; }

static bv_floats image_floats(const image *m) { return (bv_floats){m->px, image_count(m)}; }

/* Pixel (x, y) with y down from the top row: memory row height - 1 - y. */
static float *at(const image *m, int x, int y)
{
    return m->px + ((size_t)(m->height - 1 - y) * m->width + x) * m->channels;
}

/* A distinct value for every pixel and channel, exact in float. */
static float code(int x, int y, int k) { return (float)(1000 * y + 10 * x + k + 1); }

static image image_coded(int width, int height, int channels)
{
    image m = image_new(width, height, channels, 0.0f);
    if (m.px)
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int k = 0; k < channels; k++) at(&m, x, y)[k] = code(x, y, k);
    return m;
}

static bool same_pixel(const float *a, const float *b, int channels)
{
    return memcmp(a, b, (size_t)channels * sizeof(float)) == 0;
}

static bool rect_is(bv_rect r, int x, int y, int w, int h)
{
    return r.x == x && r.y == y && r.width == w && r.height == h;
}

#define CHECK_RECT(r, ex, ey, ew, eh)                                                              \
    CHECK_MSG(rect_is((r), (ex), (ey), (ew), (eh)), "rect {%d, %d, %d, %d}, expected {%d, %d, %d, %d}", \
              (r).x, (r).y, (r).width, (r).height, (ex), (ey), (ew), (eh))

/* --- trim --- */

static void test_trim_bounds_converts_memory_rows_to_y_down(void)
{
    image m = image_new(6, 5, 4, 0.0f);
    if (!CHECK(m.px)) return;
    /* memory row 3 of 5 is y-down row 1 */
    m.px[(3 * 6 + 2) * 4 + 3] = 1.0f;
    bv_rect r;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 6, 5, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 2, 1, 1, 1);
    /* memory row 0 (the bottom row) is y-down row 4 */
    m.px[(0 * 6 + 4) * 4 + 3] = 0.5f;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 6, 5, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 2, 1, 3, 4);
    /* only the bottom row */
    m.px[(3 * 6 + 2) * 4 + 3] = 0.0f;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 6, 5, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 4, 4, 1, 1);
    /* only the top row (memory row 4) */
    m.px[(0 * 6 + 4) * 4 + 3] = 0.0f;
    at(&m, 0, 0)[3] = 1.0f;
    CHECK(m.px[(4 * 6 + 0) * 4 + 3] == 1.0f);
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 6, 5, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 1, 1);
    /* colour without alpha does not count */
    at(&m, 5, 4)[0] = 1.0f;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 6, 5, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 1, 1);
    image_free(&m);
}

static void test_trim_bounds_threshold_is_strict(void)
{
    image m = image_new(5, 4, 4, 0.0f);
    if (!CHECK(m.px)) return;
    at(&m, 1, 1)[3] = 0.5f;
    at(&m, 3, 2)[3] = 0.25f;
    bv_rect r;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 5, 4, 4, 0.5f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 0, 0); /* 0.5 is not above 0.5 */
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 5, 4, 4, nextafterf(0.5f, 0.0f), &r), BV_OK);
    CHECK_RECT(r, 1, 1, 1, 1);
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 5, 4, 4, 0.25f, &r), BV_OK);
    CHECK_RECT(r, 1, 1, 1, 1);
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 5, 4, 4, 0.2f, &r), BV_OK);
    CHECK_RECT(r, 1, 1, 3, 2);
    /* a negative threshold keeps the transparent pixels too */
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 5, 4, 4, -0.01f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 5, 4);
    image_free(&m);
}

static void test_trim_bounds_of_a_transparent_image_is_empty(void)
{
    image m = image_new(7, 3, 4, 0.0f);
    if (!CHECK(m.px)) return;
    bv_rect r = {9, 9, 9, 9};
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 7, 3, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 0, 0);
    for (size_t i = 0; i < image_count(&m); i++) m.px[i] = 0.75f;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 7, 3, 4, 0.75f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 0, 0);
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 7, 3, 4, INFINITY, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 0, 0);
    image_free(&m);
}

static void test_trim_bounds_without_alpha_keeps_the_whole_image(void)
{
    for (int channels = 1; channels <= 3; channels += 2) {
        image m = image_new(4, 6, channels, 0.0f);
        if (!CHECK(m.px)) return;
        bv_rect r;
        CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 4, 6, channels, 0.5f, &r), BV_OK);
        CHECK_RECT(r, 0, 0, 4, 6);
        image_free(&m);
    }
    /* two channels: grey and alpha; the grey channel does not count */
    image m = image_new(4, 6, 2, 0.0f);
    if (!CHECK(m.px)) return;
    at(&m, 0, 0)[0] = 1.0f;
    at(&m, 2, 3)[1] = 1.0f;
    at(&m, 3, 5)[1] = 1.0f;
    bv_rect r;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 4, 6, 2, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 2, 3, 2, 3);
    image_free(&m);
}

static void test_trim_bounds_counts_nan_alpha_as_zero(void)
{
    image m = image_new(4, 4, 4, 0.0f);
    if (!CHECK(m.px)) return;
    at(&m, 0, 0)[3] = NAN;
    at(&m, 3, 3)[3] = -NAN;
    at(&m, 2, 1)[3] = 1.0f;
    bv_rect r;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 4, 4, 4, 0.0f, &r), BV_OK);
    CHECK_RECT(r, 2, 1, 1, 1);
    /* 0 is above a negative threshold: NaN pixels are kept like transparent ones */
    at(&m, 2, 1)[3] = -1.0f;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 4, 4, 4, -0.5f, &r), BV_OK);
    CHECK_RECT(r, 0, 0, 4, 4);
    for (size_t i = 3; i < image_count(&m); i += 4) m.px[i] = -1.0f;
    at(&m, 1, 2)[3] = NAN;
    CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), 4, 4, 4, -0.5f, &r), BV_OK);
    CHECK_RECT(r, 1, 2, 1, 1);
    image_free(&m);
}

static void test_trim_bounds_matches_a_brute_force_search(void)
{
    rng g = {91};
    for (int trial = 0; trial < 300; trial++) {
        const int w = rng_int(&g, 1, 24), h = rng_int(&g, 1, 24), c = rng_int(&g, 0, 1) ? 4 : 2;
        image m = image_new(w, h, c, 0.0f);
        if (!CHECK(m.px)) return;
        const int opaque = rng_int(&g, 0, 4);
        for (int i = 0; i < opaque; i++) at(&m, rng_int(&g, 0, w - 1), rng_int(&g, 0, h - 1))[c - 1] = (float)rng_range(&g, 0.01, 1.0);
        for (int i = 0; i < 6; i++) at(&m, rng_int(&g, 0, w - 1), rng_int(&g, 0, h - 1))[0] = 1.0f;
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (at(&m, x, y)[c - 1] > 0.0f) {
                    x0 = x < x0 ? x : x0, y0 = y < y0 ? y : y0;
                    x1 = x > x1 ? x : x1, y1 = y > y1 ? y : y1;
                }
        bv_rect r;
        CHECK_EQ_INT(bv_trim_bounds(image_floats(&m), w, h, c, 0.0f, &r), BV_OK);
        if (x1 < 0) CHECK_RECT(r, 0, 0, 0, 0);
        else CHECK_RECT(r, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        image_free(&m);
    }
}

static void test_trim_bounds_rejects_bad_input(void)
{
    image m = image_new(3, 2, 4, 1.0f);
    if (!CHECK(m.px)) return;
    const bv_floats good = image_floats(&m);
    bv_rect r = {1, 2, 3, 4};
    CHECK_EQ_INT(bv_trim_bounds(good, 3, 2, 4, 0.0f, NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "r_bounds");
    CHECK_EQ_INT(bv_trim_bounds((bv_floats){NULL, 24}, 3, 2, 4, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "NULL");
    CHECK_RECT(r, 0, 0, 0, 0); /* cleared on failure */
    CHECK_EQ_INT(bv_trim_bounds((bv_floats){m.px, 23}, 3, 2, 4, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "holds 23 floats");
    CHECK_EQ_INT(bv_trim_bounds(good, 3, 2, 0, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels");
    CHECK_EQ_INT(bv_trim_bounds(good, 3, 2, 5, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels");
    CHECK_EQ_INT(bv_trim_bounds(good, 0, 2, 4, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    CHECK_EQ_INT(bv_trim_bounds(good, 3, -2, 4, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    CHECK_EQ_INT(bv_trim_bounds(good, 65536, 65536, 4, 0.0f, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_EQ_INT(bv_trim_bounds(good, 3, 2, 4, NAN, &r), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "threshold");
    image_free(&m);
}

/* --- hash and equality --- */

/* FNV-1a 64 over the words width, height, channels, then the floats' bits (rows top first), each
 * word least significant byte first: the documented definition, written out again. */
static uint64_t reference_hash(const image *m, bv_rect r)
{
    uint64_t h = 0xcbf29ce484222325ull;
    uint32_t words[3] = {(uint32_t)r.width, (uint32_t)r.height, (uint32_t)m->channels};
    for (int i = 0; i < 3 + r.width * r.height * m->channels; i++) {
        uint32_t word;
        if (i < 3) {
            word = words[i];
        } else {
            const int f = i - 3, pixel = f / m->channels, k = f % m->channels;
            memcpy(&word, &at(m, r.x + pixel % r.width, r.y + pixel / r.width)[k], 4);
        }
        for (int b = 0; b < 4; b++) {
            h ^= (word >> (8 * b)) & 0xffu;
            h *= 0x100000001b3ull;
        }
    }
    return h;
}

static void test_rect_hash_is_fnv1a_of_size_and_pixel_bits(void)
{
    image m = image_coded(7, 5, 4);
    if (!CHECK(m.px)) return;
    const bv_rect rects[] = {{0, 0, 7, 5}, {1, 2, 3, 2}, {6, 4, 1, 1}, {2, 3, 0, 0}, {0, 4, 7, 1}};
    for (int i = 0; i < 5; i++) {
        uint64_t h = 0;
        CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 7, 5, 4, rects[i], &h), BV_OK);
        CHECK_MSG(h == reference_hash(&m, rects[i]), "rect %d: %016llx vs %016llx", i,
                  (unsigned long long)h, (unsigned long long)reference_hash(&m, rects[i]));
    }
    /* the empty hash of FNV-1a is its offset basis: a pinned value guards the definition */
    image z = image_new(1, 1, 1, 0.0f);
    uint64_t h = 0;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&z), 1, 1, 1, (bv_rect){0, 0, 0, 0}, &h), BV_OK);
    CHECK(h == reference_hash(&z, (bv_rect){0, 0, 0, 0}));
    image_free(&z);
    image_free(&m);
}

static void test_rect_hash_is_equal_for_equal_pixels_anywhere(void)
{
    image a = image_coded(8, 6, 4);
    image b = image_new(5, 7, 4, -3.0f);
    if (!CHECK(a.px && b.px)) return;
    const bv_rect ra = {1, 2, 3, 2}, rb = {2, 4, 3, 2};
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++) memcpy(at(&b, rb.x + x, rb.y + y), at(&a, ra.x + x, ra.y + y), 16);
    uint64_t ha, hb;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&a), 8, 6, 4, ra, &ha), BV_OK);
    CHECK_EQ_INT(bv_rect_hash(image_floats(&b), 5, 7, 4, rb, &hb), BV_OK);
    CHECK(ha == hb);
    CHECK(bv_rect_pixels_equal(image_floats(&a), 8, 6, ra, image_floats(&b), 5, 7, rb, 4));
    /* the rectangle one row down (y down) in b holds other pixels */
    const bv_rect shifted = {2, 5, 3, 2};
    CHECK_EQ_INT(bv_rect_hash(image_floats(&b), 5, 7, 4, shifted, &hb), BV_OK);
    CHECK(ha != hb);
    CHECK(!bv_rect_pixels_equal(image_floats(&a), 8, 6, ra, image_floats(&b), 5, 7, shifted, 4));
    image_free(&a);
    image_free(&b);
}

static void test_rect_hash_changes_with_any_one_bit(void)
{
    image m = image_coded(4, 3, 4);
    if (!CHECK(m.px)) return;
    const bv_rect r = {1, 1, 2, 2};
    uint64_t base;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 3, 4, r, &base), BV_OK);
    image copy = image_coded(4, 3, 4);
    if (!CHECK(copy.px)) return;
    int changed = 0, tried = 0;
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 2; x++)
            for (int k = 0; k < 4; k++)
                for (int bit = 0; bit < 32; bit++) {
                    float *f = at(&m, r.x + x, r.y + y) + k;
                    uint32_t bits;
                    memcpy(&bits, f, 4);
                    bits ^= 1u << bit;
                    memcpy(f, &bits, 4);
                    uint64_t h;
                    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 3, 4, r, &h), BV_OK);
                    changed += h != base;
                    tried++;
                    CHECK(!bv_rect_pixels_equal(image_floats(&m), 4, 3, r, image_floats(&copy), 4, 3, r, 4));
                    bits ^= 1u << bit;
                    memcpy(f, &bits, 4);
                }
    CHECK_EQ_INT(changed, tried);
    /* a change outside the rectangle does not matter */
    at(&m, 0, 0)[0] = 12345.0f;
    at(&m, 3, 2)[3] = -1.0f;
    uint64_t h;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 3, 4, r, &h), BV_OK);
    CHECK(h == base);
    CHECK(bv_rect_pixels_equal(image_floats(&m), 4, 3, r, image_floats(&copy), 4, 3, r, 4));
    image_free(&m);
    image_free(&copy);
}

static void test_rect_hash_depends_on_the_size(void)
{
    image m = image_new(4, 4, 4, 0.0f);
    if (!CHECK(m.px)) return;
    uint64_t wide, tall, empty_a, empty_b;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 4, 4, (bv_rect){0, 0, 2, 1}, &wide), BV_OK);
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 4, 4, (bv_rect){0, 0, 1, 2}, &tall), BV_OK);
    CHECK(wide != tall); /* the same eight zero floats */
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 4, 4, (bv_rect){0, 0, 0, 3}, &empty_a), BV_OK);
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 4, 4, 4, (bv_rect){0, 0, 3, 0}, &empty_b), BV_OK);
    CHECK(empty_a != empty_b);
    CHECK(!bv_rect_pixels_equal(image_floats(&m), 4, 4, (bv_rect){0, 0, 2, 1}, image_floats(&m), 4, 4,
                                (bv_rect){0, 0, 1, 2}, 4));
    CHECK(bv_rect_pixels_equal(image_floats(&m), 4, 4, (bv_rect){0, 0, 0, 0}, image_floats(&m), 4, 4,
                               (bv_rect){4, 4, 0, 0}, 4));
    image_free(&m);
}

static void test_rect_hash_rejects_rects_outside_the_image(void)
{
    image m = image_new(5, 4, 4, 0.0f);
    if (!CHECK(m.px)) return;
    const bv_rect bad[] = {{-1, 0, 2, 2}, {0, -1, 2, 2}, {4, 0, 2, 1}, {0, 3, 1, 2},
                           {0, 0, -1, 2}, {0, 0, 2, -1}, {6, 0, 0, 0}, {0, 0, 6, 4}};
    for (int i = 0; i < 8; i++) {
        uint64_t h = 7;
        CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 5, 4, 4, bad[i], &h), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), "not inside");
        CHECK(h == 7);
        CHECK(!bv_rect_pixels_equal(image_floats(&m), 5, 4, bad[i], image_floats(&m), 5, 4, bad[i], 4));
    }
    uint64_t h;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 5, 4, 4, (bv_rect){0, 0, 5, 4}, NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_EQ_INT(bv_rect_hash((bv_floats){m.px, 79}, 5, 4, 4, (bv_rect){0, 0, 1, 1}, &h), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "holds 79");
    CHECK_EQ_INT(bv_rect_hash(image_floats(&m), 5, 4, 6, (bv_rect){0, 0, 1, 1}, &h), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels");
    CHECK(!bv_rect_pixels_equal((bv_floats){m.px, 79}, 5, 4, (bv_rect){0, 0, 1, 1}, image_floats(&m), 5, 4,
                                (bv_rect){0, 0, 1, 1}, 4));
    CHECK(!bv_rect_pixels_equal((bv_floats){NULL, 80}, 5, 4, (bv_rect){0, 0, 1, 1}, image_floats(&m), 5, 4,
                                (bv_rect){0, 0, 1, 1}, 4));
    CHECK(!bv_rect_pixels_equal(image_floats(&m), 5, 4, (bv_rect){0, 0, 1, 1}, image_floats(&m), 5, 4,
                                (bv_rect){0, 0, 1, 1}, 0));
    image_free(&m);
}

static void test_rect_pixels_equal_compares_bits(void)
{
    image a = image_new(2, 2, 1, 0.0f), b = image_new(2, 2, 1, 0.0f);
    if (!CHECK(a.px && b.px)) return;
    const bv_rect r = {0, 0, 2, 2};
    CHECK(bv_rect_pixels_equal(image_floats(&a), 2, 2, r, image_floats(&b), 2, 2, r, 1));
    b.px[3] = -0.0f; /* equal as numbers, not as bits */
    CHECK(!bv_rect_pixels_equal(image_floats(&a), 2, 2, r, image_floats(&b), 2, 2, r, 1));
    a.px[3] = NAN;
    b.px[3] = NAN; /* the same NaN bits */
    CHECK(bv_rect_pixels_equal(image_floats(&a), 2, 2, r, image_floats(&b), 2, 2, r, 1));
    uint64_t ha, hb;
    CHECK_EQ_INT(bv_rect_hash(image_floats(&a), 2, 2, 1, r, &ha), BV_OK);
    CHECK_EQ_INT(bv_rect_hash(image_floats(&b), 2, 2, 1, r, &hb), BV_OK);
    CHECK(ha == hb);
    image_free(&a);
    image_free(&b);
}

/* --- blit --- */

/* Where PixiJS samples sprite pixel (u, v) (y down) of a frame stored at (fx, fy) in the page, from
 * its corner mapping (TextureUvs.set with rotate = groupD8.S = 2 on the frame rectangle whose w and
 * h Spritesheet swapped): the sprite's top-left, top-right, bottom-right and bottom-left corners
 * sit at the stored area's top-right, bottom-right, bottom-left and top-left corners. The pixel
 * centre is interpolated between the corners; the page pixel holding it is returned. */
static void loader_page_pixel(int fx, int fy, int w, int h, bool rotated, int u, int v, int *r_x, int *r_y)
{
    const double aw = rotated ? h : w, ah = rotated ? w : h; /* the stored area */
    const double left = fx, right = fx + aw, top = fy, bottom = fy + ah;
    /* the page positions of the sprite's corners TL, TR, BR, BL */
    const double plain[4][2] = {{left, top}, {right, top}, {right, bottom}, {left, bottom}};
    const double turned[4][2] = {{right, top}, {right, bottom}, {left, bottom}, {left, top}};
    const double(*corner)[2] = rotated ? turned : plain;
    const double s = (u + 0.5) / w, t = (v + 0.5) / h;
    double p[2];
    for (int k = 0; k < 2; k++)
        p[k] = corner[0][k] * (1 - s) * (1 - t) + corner[1][k] * s * (1 - t) + corner[2][k] * s * t +
               corner[3][k] * (1 - s) * t;
    *r_x = (int)floor(p[0]);
    *r_y = (int)floor(p[1]);
}

static bv_blit_desc blit_desc(const image *src, bv_rect rect, image *page, int x, int y, bool rotated, int extrude)
{
    bv_blit_desc d = {0};
    d.source = image_floats(src);
    d.source_width = src->width;
    d.source_height = src->height;
    d.source_rect = rect;
    d.page = (bv_float_span){page->px, image_count(page)};
    d.page_width = page->width;
    d.page_height = page->height;
    d.x = x;
    d.y = y;
    d.channels = src->channels;
    d.rotated = rotated;
    d.extrude = extrude;
    return d;
}

static const float sentinel = -7.0f;

/* Every page pixel: inside the copy (extrusion included) the source pixel the loader reads at the
 * nearest copy pixel, elsewhere untouched. */
static void check_page(const image *src, bv_rect rect, const image *page, int x, int y, bool rotated, int e)
{
    const int aw = rotated ? rect.height : rect.width, ah = rotated ? rect.width : rect.height;
    /* which source pixel the loader finds at each page pixel of the area */
    int *from = malloc((size_t)aw * ah * 2 * sizeof(int));
    if (!CHECK(from)) return;
    for (int v = 0; v < rect.height; v++)
        for (int u = 0; u < rect.width; u++) {
            int px, py;
            loader_page_pixel(x, y, rect.width, rect.height, rotated, u, v, &px, &py);
            if (!CHECK(px >= x && px < x + aw && py >= y && py < y + ah)) continue;
            from[2 * ((py - y) * aw + (px - x))] = u;
            from[2 * ((py - y) * aw + (px - x)) + 1] = v;
        }
    int wrong = 0;
    for (int py = 0; py < page->height; py++)
        for (int px = 0; px < page->width; px++) {
            const float *got = at(page, px, py);
            const bool inside = px >= x - e && px < x + aw + e && py >= y - e && py < y + ah + e;
            if (!inside) {
                for (int k = 0; k < page->channels; k++) wrong += got[k] != sentinel;
                continue;
            }
            const int cx = px < x ? 0 : px >= x + aw ? aw - 1 : px - x;
            const int cy = py < y ? 0 : py >= y + ah ? ah - 1 : py - y;
            const int u = from[2 * (cy * aw + cx)], v = from[2 * (cy * aw + cx) + 1];
            const bool ok = same_pixel(got, at(src, rect.x + u, rect.y + v), src->channels);
            CHECK_MSG(ok, "page (%d, %d): %g, expected source (%d, %d) = %g", px, py, (double)got[0],
                      rect.x + u, rect.y + v, (double)at(src, rect.x + u, rect.y + v)[0]);
            wrong += !ok;
        }
    CHECK_EQ_INT(wrong, 0);
    free(from);
}

static void test_blit_copies_the_rect_y_down(void)
{
    image src = image_coded(5, 4, 4), page = image_new(8, 7, 4, sentinel);
    if (!CHECK(src.px && page.px)) return;
    const bv_rect r = {1, 1, 3, 2};
    bv_blit_desc d = blit_desc(&src, r, &page, 2, 3, false, 0);
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    check_page(&src, r, &page, 2, 3, false, 0);
    /* by hand: the rect's top-left pixel, y-down row 1 of 4 = source memory row 2, lands at page
     * (2, 3), y-down row 3 of 7 = page memory row 3 */
    CHECK(page.px[(3 * 8 + 2) * 4 + 0] == src.px[(2 * 5 + 1) * 4 + 0]);
    CHECK(page.px[(3 * 8 + 2) * 4 + 0] == code(1, 1, 0));
    /* its bottom-right pixel (3, 2) lands at (4, 4): page memory row 2 */
    CHECK(page.px[(2 * 8 + 4) * 4 + 3] == code(3, 2, 3));
    image_free(&src);
    image_free(&page);
}

static void test_blit_rotated_turns_the_frame_clockwise(void)
{
    image src = image_coded(6, 5, 4), page = image_new(9, 8, 4, sentinel);
    if (!CHECK(src.px && page.px)) return;
    const bv_rect r = {1, 2, 4, 3}; /* 4 wide, 3 high: stored 3 wide, 4 high */
    const int x = 2, y = 1;
    bv_blit_desc d = blit_desc(&src, r, &page, x, y, true, 0);
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    check_page(&src, r, &page, x, y, true, 0);
    /* the documented mapping: (u, v) lands at (x + height - 1 - v, y + u) */
    for (int v = 0; v < 3; v++)
        for (int u = 0; u < 4; u++)
            CHECK(same_pixel(at(&page, x + 3 - 1 - v, y + u), at(&src, r.x + u, r.y + v), 4));
    /* corners: top-left at the copy's top-right, top-right at bottom-right, bottom-left at top-left */
    CHECK(at(&page, x + 2, y)[0] == code(1, 2, 0));
    CHECK(at(&page, x + 2, y + 3)[0] == code(4, 2, 0));
    CHECK(at(&page, x + 0, y + 3)[0] == code(4, 4, 0));
    CHECK(at(&page, x + 0, y)[0] == code(1, 4, 0));
    /* turning the stored copy (3 wide, 4 high) back counter-clockwise gives the rectangle again:
     * stored pixel (i, j) goes to (j, 3 - 1 - i) */
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 3; i++)
            CHECK(same_pixel(at(&page, x + i, y + j), at(&src, r.x + j, r.y + 3 - 1 - i), 4));
    image_free(&src);
    image_free(&page);
}

static void test_blit_extrude_repeats_edges_and_corners(void)
{
    for (int rotated = 0; rotated <= 1; rotated++)
        for (int e = 1; e <= 3; e++) {
            image src = image_coded(7, 6, 4), page = image_new(14, 13, 4, sentinel);
            if (!CHECK(src.px && page.px)) return;
            const bv_rect r = {2, 1, 4, 3};
            const int x = 4, y = 3;
            bv_blit_desc d = blit_desc(&src, r, &page, x, y, rotated, e);
            CHECK_EQ_INT(bv_blit(&d), BV_OK);
            check_page(&src, r, &page, x, y, rotated, e);
            const int aw = rotated ? 3 : 4, ah = rotated ? 4 : 3;
            /* the corner blocks take the corner pixels, by hand */
            const float *tl = at(&page, x, y), *tr = at(&page, x + aw - 1, y);
            const float *bl = at(&page, x, y + ah - 1), *br = at(&page, x + aw - 1, y + ah - 1);
            for (int j = 1; j <= e; j++)
                for (int i = 1; i <= e; i++) {
                    CHECK(same_pixel(at(&page, x - i, y - j), tl, 4));
                    CHECK(same_pixel(at(&page, x + aw - 1 + i, y - j), tr, 4));
                    CHECK(same_pixel(at(&page, x - i, y + ah - 1 + j), bl, 4));
                    CHECK(same_pixel(at(&page, x + aw - 1 + i, y + ah - 1 + j), br, 4));
                }
            if (rotated) CHECK(tr[0] == code(2, 1, 0)); /* the source's top-left */
            else CHECK(tl[0] == code(2, 1, 0));
            /* edges: a column left of the copy repeats the copy's first column */
            for (int j = 0; j < ah; j++) CHECK(same_pixel(at(&page, x - e, y + j), at(&page, x, y + j), 4));
            for (int i = 0; i < aw; i++)
                CHECK(same_pixel(at(&page, x + i, y + ah - 1 + e), at(&page, x + i, y + ah - 1), 4));
            image_free(&src);
            image_free(&page);
        }
}

static void test_blit_extrusion_may_touch_the_page_edges(void)
{
    image src = image_coded(3, 2, 4), page = image_new(5, 4, 4, sentinel);
    if (!CHECK(src.px && page.px)) return;
    const bv_rect r = {0, 0, 3, 2};
    bv_blit_desc d = blit_desc(&src, r, &page, 1, 1, false, 1);
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    check_page(&src, r, &page, 1, 1, false, 1);
    image_free(&page);
    page = image_new(4, 5, 4, sentinel);
    d = blit_desc(&src, r, &page, 1, 1, true, 1);
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    check_page(&src, r, &page, 1, 1, true, 1);
    image_free(&src);
    image_free(&page);
}

static void test_blit_copies_one_to_four_channels(void)
{
    for (int c = 1; c <= 4; c++)
        for (int rotated = 0; rotated <= 1; rotated++) {
            image src = image_coded(4, 5, c), page = image_new(9, 9, c, sentinel);
            if (!CHECK(src.px && page.px)) return;
            const bv_rect r = {1, 0, 3, 4};
            bv_blit_desc d = blit_desc(&src, r, &page, 2, 3, rotated, 1);
            CHECK_MSG(bv_blit(&d) == BV_OK, "%d channels: %s", c, bv_error_message());
            check_page(&src, r, &page, 2, 3, rotated, 1);
            image_free(&src);
            image_free(&page);
        }
}

static void test_blit_of_an_empty_rect_writes_nothing(void)
{
    image src = image_coded(3, 3, 4), page = image_new(4, 4, 4, sentinel);
    if (!CHECK(src.px && page.px)) return;
    const bv_rect empties[] = {{0, 0, 0, 0}, {1, 1, 0, 2}, {3, 3, 0, 0}};
    for (int i = 0; i < 3; i++)
        for (int rotated = 0; rotated <= 1; rotated++) {
            bv_blit_desc d = blit_desc(&src, empties[i], &page, 0, 0, rotated, 2);
            CHECK_EQ_INT(bv_blit(&d), BV_OK);
        }
    for (size_t i = 0; i < image_count(&page); i++) CHECK(page.px[i] == sentinel);
    image_free(&src);
    image_free(&page);
}

static void test_blit_rejects_bad_input_and_writes_nothing(void)
{
    image src = image_coded(6, 5, 4), page = image_new(10, 8, 4, sentinel);
    if (!CHECK(src.px && page.px)) return;
    const bv_blit_desc good = blit_desc(&src, (bv_rect){1, 1, 4, 2}, &page, 2, 2, false, 1);
    struct {
        bv_blit_desc d;
        const char *message;
    } cases[24];
    int n = 0;
#define BAD(field_change, text)                                                                    \
    do {                                                                                           \
        bv_blit_desc d_ = good;                                                                    \
        field_change;                                                                              \
        cases[n].d = d_;                                                                           \
        cases[n].message = text;                                                                   \
        n++;                                                                                       \
    } while (0)
    BAD(d_.channels = 0, "channels");
    BAD(d_.channels = 5, "channels");
    BAD(d_.channels = 3, "source pixels holds"); /* counts no longer match */
    BAD(d_.source.count--, "source pixels holds");
    BAD(d_.source.ptr = NULL, "source pixels is NULL");
    BAD(d_.page.count++, "page pixels holds");
    BAD(d_.page.ptr = NULL, "page pixels is NULL");
    BAD(d_.page_width = 0, "page size");
    BAD(d_.source_height = -1, "source size");
    BAD(d_.source_rect.x = -1, "source_rect");
    BAD(d_.source_rect.y = 4, "source_rect"); /* 4 + 2 > 5 rows */
    BAD(d_.source_rect.width = 6, "source_rect");
    BAD(d_.source_rect.height = -2, "source_rect");
    BAD(d_.extrude = -1, "extrude");
    BAD(d_.x = 6, "does not fit"); /* 6 + 4 > 10 */
    BAD(d_.x = 0, "does not fit"); /* the extrusion leaves the page on the left */
    BAD(d_.y = 0, "does not fit");
    BAD(d_.y = 6, "does not fit"); /* 6 + 2 + 1 > 8 */
    BAD(d_.extrude = 3, "does not fit");
    BAD((d_.rotated = true, d_.y = 5), "does not fit"); /* 4 high when rotated: 5 + 4 + 1 > 8 */
    BAD(d_.x = -2, "does not fit");
    BAD(d_.y = 2147483647, "does not fit");
    BAD((d_.source = (bv_floats){page.px, image_count(&page)}, d_.source_width = 10, d_.source_height = 8),
        "overlap");
#undef BAD
    float *before = malloc(image_count(&page) * sizeof(float));
    if (!CHECK(before)) return;
    memcpy(before, page.px, image_count(&page) * sizeof(float));
    for (int i = 0; i < n; i++) {
        CHECK_MSG(bv_blit(&cases[i].d) == BV_ERROR_INVALID_ARGUMENT, "case %d (%s) not refused", i,
                  cases[i].message);
        CHECK_MSG(check__contains(bv_error_message(), cases[i].message), "case %d: \"%s\" lacks \"%s\"", i,
                  bv_error_message(), cases[i].message);
        CHECK_MSG(memcmp(before, page.px, image_count(&page) * sizeof(float)) == 0, "case %d wrote the page", i);
    }
    CHECK_EQ_INT(bv_blit(NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "desc");
    /* the good one works, rotated too */
    bv_blit_desc d = good;
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    d.rotated = true;
    d.y = 3; /* 3 + 4 + 1 = 8 */
    CHECK_EQ_INT(bv_blit(&d), BV_OK);
    free(before);
    image_free(&src);
    image_free(&page);
}

/* --- trim, blit, rebuild --- */

/* A frame with transparent margins: what is trimmed away, blitted, and put back from the offsets
 * (spriteSourceSize) gives the untrimmed frame again, bit for bit. */
static void test_trimmed_frame_and_offsets_rebuild_the_untrimmed_frame(void)
{
    rng g = {5};
    for (int trial = 0; trial < 40; trial++) {
        const int w = rng_int(&g, 3, 20), h = rng_int(&g, 3, 20);
        image frame = image_new(w, h, 4, 0.0f);
        if (!CHECK(frame.px)) return;
        const int x0 = rng_int(&g, 0, w - 1), y0 = rng_int(&g, 0, h - 1);
        const int x1 = rng_int(&g, x0, w - 1), y1 = rng_int(&g, y0, h - 1);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
                if (rng_int(&g, 0, 2) || (x == x0 && y == y0) || (x == x1 && y == y1))
                    for (int k = 0; k < 4; k++) at(&frame, x, y)[k] = (float)rng_range(&g, 0.001, 1.0);
        bv_rect trim;
        CHECK_EQ_INT(bv_trim_bounds(image_floats(&frame), w, h, 4, 0.0f, &trim), BV_OK);
        CHECK_RECT(trim, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        const bool rotated = trial % 2;
        const int e = trial % 3;
        image page = image_new(48, 40, 4, sentinel);
        if (!CHECK(page.px)) return;
        const int px = rng_int(&g, e, 48 - 20 - e), py = rng_int(&g, e, 40 - 20 - e);
        bv_blit_desc d = blit_desc(&frame, trim, &page, px, py, rotated, e);
        if (!CHECK_MSG(bv_blit(&d) == BV_OK, "%s", bv_error_message())) return;
        /* rebuild as a loader does: an empty frame of sourceSize, the sprite at spriteSourceSize */
        image rebuilt = image_new(w, h, 4, 0.0f);
        if (!CHECK(rebuilt.px)) return;
        for (int v = 0; v < trim.height; v++)
            for (int u = 0; u < trim.width; u++) {
                int sx, sy;
                loader_page_pixel(px, py, trim.width, trim.height, rotated, u, v, &sx, &sy);
                memcpy(at(&rebuilt, trim.x + u, trim.y + v), at(&page, sx, sy), 16);
            }
        CHECK_MSG(memcmp(rebuilt.px, frame.px, image_count(&frame) * sizeof(float)) == 0,
                  "trial %d (%d x %d, trim {%d %d %d %d}, rotated %d): rebuilt frame differs", trial, w, h,
                  trim.x, trim.y, trim.width, trim.height, rotated);
        image_free(&frame);
        image_free(&page);
        image_free(&rebuilt);
    }
}

int main(void)
{
    RUN(test_trim_bounds_converts_memory_rows_to_y_down);
    RUN(test_trim_bounds_threshold_is_strict);
    RUN(test_trim_bounds_of_a_transparent_image_is_empty);
    RUN(test_trim_bounds_without_alpha_keeps_the_whole_image);
    RUN(test_trim_bounds_counts_nan_alpha_as_zero);
    RUN(test_trim_bounds_matches_a_brute_force_search);
    RUN(test_trim_bounds_rejects_bad_input);
    RUN(test_rect_hash_is_fnv1a_of_size_and_pixel_bits);
    RUN(test_rect_hash_is_equal_for_equal_pixels_anywhere);
    RUN(test_rect_hash_changes_with_any_one_bit);
    RUN(test_rect_hash_depends_on_the_size);
    RUN(test_rect_hash_rejects_rects_outside_the_image);
    RUN(test_rect_pixels_equal_compares_bits);
    RUN(test_blit_copies_the_rect_y_down);
    RUN(test_blit_rotated_turns_the_frame_clockwise);
    RUN(test_blit_extrude_repeats_edges_and_corners);
    RUN(test_blit_extrusion_may_touch_the_page_edges);
    RUN(test_blit_copies_one_to_four_channels);
    RUN(test_blit_of_an_empty_rect_writes_nothing);
    RUN(test_blit_rejects_bad_input_and_writes_nothing);
    RUN(test_trimmed_frame_and_offsets_rebuild_the_untrimmed_frame);
    return check_summary();
}
