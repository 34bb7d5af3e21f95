/* Texture sampling with Cycles' semantics (bakeview/texture.h): closest texel floor(u * w),
 * linear interpolation at frac(u * w - 0.5) between texels i and i + 1, texel centres at
 * (i + 0.5) / w; REPEAT, EXTEND, CLIP (transparent black outside) and MIRROR addressing; linear
 * blends premultiplied texels and returns straight colour. Plus the mip chain. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"
#include "texture_internal.h"

/* A 4 x 2 texture whose texel (x, y) has R = x + 10 y, G = 100 + x, B = 200 + y, A = 1.
 * Row 0 is the bottom (v near 0). */
#define TW 4
#define TH 2
static float texel_grid[TW * TH * 4];

static void fill_texel_grid(void)
{
    for (int y = 0; y < TH; y++)
        for (int x = 0; x < TW; x++) {
            float *p = texel_grid + 4 * (y * TW + x);
            p[0] = (float)(x + 10 * y);
            p[1] = (float)(100 + x);
            p[2] = (float)(200 + y);
            p[3] = 1.0f;
        }
}

static bv_texture *make_texture(const float *pixels, int w, int h, bv_extension ext,
                                bv_interpolation interp, bool mipmaps)
{
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){pixels, (size_t)w * (size_t)h * 4};
    d.width = w;
    d.height = h;
    d.extension = ext;
    d.interpolation = interp;
    d.mipmaps = mipmaps;
    bv_texture *t = NULL;
    const bv_status s = bv_texture_create(&d, &t);
    CHECK_MSG(s == BV_OK && t, "bv_texture_create failed: %s", bv_error_message());
    return t;
}

/* Samples and compares all four channels. */
static void expect_sample(const bv_texture *t, float u, float v, const float expected[4], double tol,
                          const char *what)
{
    float got[4];
    bv_texture_sample(t, u, v, got);
    for (int k = 0; k < 4; k++)
        CHECK_MSG(fabs(got[k] - expected[k]) <= tol,
                  "%s at (%g, %g) channel %d: got %.7g, expected %.7g", what, (double)u, (double)v,
                  k, (double)got[k], (double)expected[k]);
}

static void texel_value(int x, int y, float r[4])
{
    memcpy(r, texel_grid + 4 * (y * TW + x), 4 * sizeof(float));
}

/* --- CLOSEST: texel floor(u * w), per mode, hand-picked coordinates --- */

typedef struct closest_case {
    float u, v;
    int x, y; /* expected texel; -1: transparent black */
} closest_case;

static void run_closest(bv_extension ext, const closest_case *cases, int count, const char *name)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, ext, BV_INTERPOLATION_CLOSEST, false);
    if (!t) return;
    for (int i = 0; i < count; i++) {
        float e[4] = {0, 0, 0, 0};
        if (cases[i].x >= 0) texel_value(cases[i].x, cases[i].y, e);
        expect_sample(t, cases[i].u, cases[i].v, e, 0.0, name);
    }
    bv_texture_destroy(t);
}

static void test_closest_takes_texel_floor_u_times_width(void)
{
    /* inside [0, 1): identical for every mode */
    const closest_case inside[] = {
        {0.0f, 0.0f, 0, 0},    {0.124f, 0.49f, 0, 0}, {0.25f, 0.5f, 1, 1}, {0.6f, 0.2f, 2, 0},
        {0.99f, 0.99f, 3, 1}, {0.74f, 0.51f, 2, 1},
    };
    const bv_extension modes[] = {BV_EXTENSION_REPEAT, BV_EXTENSION_EXTEND, BV_EXTENSION_CLIP,
                                  BV_EXTENSION_MIRROR};
    for (int m = 0; m < 4; m++) run_closest(modes[m], inside, 6, "closest inside");
}

static void test_closest_repeat_tiles(void)
{
    const closest_case c[] = {
        {1.0f, 0.25f, 0, 0},   /* u * w = 4 -> texel 4 -> 0 */
        {1.3f, 1.6f, 1, 1},    /* 5.2 -> 5 -> 1; 3.2 -> 3 -> 1 */
        {-0.1f, -0.1f, 3, 1},  /* -0.4 -> -1 -> 3; -0.2 -> -1 -> 1 */
        {-1.1f, 0.25f, 3, 0},  /* -4.4 -> -5 -> 3 */
        {7.55f, 0.75f, 2, 1},  /* 30.2 -> 30 -> 2 */
    };
    run_closest(BV_EXTENSION_REPEAT, c, 5, "closest repeat");
}

static void test_closest_extend_clamps_to_edge_texels(void)
{
    const closest_case c[] = {
        {1.0f, 1.0f, 3, 1}, {1.7f, 0.25f, 3, 0}, {-0.1f, 0.75f, 0, 1}, {-50.0f, -3.0f, 0, 0},
        {1e20f, -1e20f, 3, 0},
    };
    run_closest(BV_EXTENSION_EXTEND, c, 5, "closest extend");
}

static void test_closest_clip_is_transparent_black_outside(void)
{
    const closest_case c[] = {
        {1.0f, 0.25f, -1, -1},  {-0.01f, 0.25f, -1, -1}, {0.5f, 1.01f, -1, -1},
        {0.5f, -0.01f, -1, -1}, {1e20f, 0.5f, -1, -1},   {0.999f, 0.999f, 3, 1},
    };
    run_closest(BV_EXTENSION_CLIP, c, 6, "closest clip");
}

static void test_closest_mirror_reflects_every_other_copy(void)
{
    /* index m = abs(x + (x < 0)) % (2 w); m >= w ? 2 w - m - 1 : m */
    const closest_case c[] = {
        {-0.1f, 0.25f, 0, 0},  /* x = -0.4 -> -1 -> 0 */
        {-0.3f, 0.25f, 1, 0},  /* -1.2 -> -2 -> 1 */
        {-0.9f, 0.25f, 3, 0},  /* -3.6 -> -4 -> 3 */
        {-1.1f, 0.25f, 3, 0},  /* -4.4 -> -5 -> abs(-4) % 8 = 4 -> 3 */
        {1.1f, 0.25f, 3, 0},   /* 4.4 -> 4 -> 8 - 4 - 1 = 3 */
        {1.6f, 0.25f, 1, 0},   /* 6.4 -> 6 -> 1 */
        {2.1f, 0.25f, 0, 0},   /* 8.4 -> 8 -> 0 */
        {0.5f, 1.25f, 2, 1},   /* y: 2.5 -> 2 -> 2*2 - 2 - 1 = 1 */
        {0.5f, 1.75f, 2, 0},   /* 3.5 -> 3 -> 0 */
        {0.5f, -0.25f, 2, 0},  /* -0.5 -> -1 -> 0 */
        {0.5f, -0.75f, 2, 1},  /* -1.5 -> -2 -> 1 */
    };
    run_closest(BV_EXTENSION_MIRROR, c, 11, "closest mirror");
}

/* --- LINEAR: hand-computed blends --- */

static void lerp4(const float a[4], const float b[4], float t, float r[4])
{
    for (int k = 0; k < 4; k++) r[k] = a[k] + (b[k] - a[k]) * t;
}

static void test_linear_is_exact_at_texel_centres(void)
{
    fill_texel_grid();
    const bv_extension modes[] = {BV_EXTENSION_REPEAT, BV_EXTENSION_EXTEND, BV_EXTENSION_CLIP,
                                  BV_EXTENSION_MIRROR};
    for (int m = 0; m < 4; m++) {
        bv_texture *t = make_texture(texel_grid, TW, TH, modes[m], BV_INTERPOLATION_LINEAR, false);
        if (!t) return;
        for (int y = 0; y < TH; y++)
            for (int x = 0; x < TW; x++) {
                float e[4];
                texel_value(x, y, e);
                expect_sample(t, (x + 0.5f) / TW, (y + 0.5f) / TH, e, 1e-5, "linear at a centre");
            }
        bv_texture_destroy(t);
    }
}

static void test_linear_blends_neighbours_at_frac_u_w_minus_half(void)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    float a[4], b[4], c[4], d[4], ab[4], cd[4], e[4];
    /* u = 0.375: x = 1.5 - 0.5 = 1.0 -> texel 1 exactly */
    texel_value(1, 0, e);
    expect_sample(t, 0.375f, 0.25f, e, 1e-5, "linear centre of texel 1");
    /* u = 0.5: x = 1.5 -> halfway between texels 1 and 2; v = 0.5: y = 0.5 -> halfway rows */
    texel_value(1, 0, a);
    texel_value(2, 0, b);
    texel_value(1, 1, c);
    texel_value(2, 1, d);
    lerp4(a, b, 0.5f, ab);
    lerp4(c, d, 0.5f, cd);
    lerp4(ab, cd, 0.5f, e);
    expect_sample(t, 0.5f, 0.5f, e, 1e-5, "linear between four texels");
    /* u = 0.3125: x = 0.75 -> texels 0 and 1 at 0.75; v = 0.25: row 0 exactly */
    texel_value(0, 0, a);
    texel_value(1, 0, b);
    lerp4(a, b, 0.75f, e);
    expect_sample(t, 0.3125f, 0.25f, e, 1e-5, "linear 3/4 of the way");
    bv_texture_destroy(t);
}

static void test_linear_repeat_wraps_across_the_seam(void)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    float a[4], b[4], e[4];
    /* u = 0: x = -0.5 -> texel -1 (= 3) and texel 0, halfway */
    texel_value(3, 0, a);
    texel_value(0, 0, b);
    lerp4(a, b, 0.5f, e);
    expect_sample(t, 0.0f, 0.25f, e, 1e-5, "repeat seam at u = 0");
    expect_sample(t, 1.0f, 0.25f, e, 1e-5, "repeat seam at u = 1");
    expect_sample(t, -3.0f, 0.25f, e, 1e-4, "repeat seam at u = -3");
    /* v = 0: y = -0.5 -> rows 1 and 0 halfway; at u = 0.125 (texel 0 column) */
    texel_value(0, 1, a);
    texel_value(0, 0, b);
    lerp4(a, b, 0.5f, e);
    expect_sample(t, 0.125f, 0.0f, e, 1e-5, "repeat seam at v = 0");
    bv_texture_destroy(t);
}

static void test_linear_extend_holds_edge_texels(void)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, BV_EXTENSION_EXTEND, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    float e[4];
    texel_value(0, 0, e);
    expect_sample(t, 0.0f, 0.0f, e, 1e-5, "extend corner");
    expect_sample(t, -5.0f, -5.0f, e, 1e-5, "extend far corner");
    texel_value(3, 1, e);
    expect_sample(t, 1.0f, 1.0f, e, 1e-5, "extend top right");
    expect_sample(t, 9.0f, 2.0f, e, 1e-5, "extend far top right");
    float a[4], b[4];
    texel_value(1, 1, a);
    texel_value(2, 1, b);
    lerp4(a, b, 0.5f, e);
    expect_sample(t, 0.5f, 3.0f, e, 1e-5, "extend above, between columns");
    bv_texture_destroy(t);
}

static void test_linear_clip_fades_to_transparent_black_outside(void)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, BV_EXTENSION_CLIP, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    const float zero[4] = {0, 0, 0, 0};
    expect_sample(t, 1.5f, 0.25f, zero, 0.0, "clip far right");
    expect_sample(t, -0.5f, 0.25f, zero, 0.0, "clip far left");
    expect_sample(t, 0.5f, 2.0f, zero, 0.0, "clip far above");
    expect_sample(t, 0.5f, -1e20f, zero, 0.0, "clip very far below");
    /* u = 1 + 0.25 / w: x = w - 0.25 -> texel 3 at weight 0.25, the outside at 0.75:
       premultiplied 0.25 * texel, alpha 0.25; straight colour is the texel's */
    float e[4];
    texel_value(3, 0, e);
    e[3] = 0.25f;
    expect_sample(t, 1.0f + 0.25f / TW, 0.25f, e, 1e-4, "clip just right of the edge");
    /* on the edge u = 1 exactly: half the edge texel */
    texel_value(3, 0, e);
    e[3] = 0.5f;
    expect_sample(t, 1.0f, 0.25f, e, 1e-4, "clip on the right edge");
    /* corner (0, 0): a quarter of texel (0, 0) */
    texel_value(0, 0, e);
    e[3] = 0.25f;
    expect_sample(t, 0.0f, 0.0f, e, 1e-4, "clip on the corner");
    bv_texture_destroy(t);
}

static void test_linear_mirror_reflects_at_edges(void)
{
    fill_texel_grid();
    bv_texture *t = make_texture(texel_grid, TW, TH, BV_EXTENSION_MIRROR, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    float e[4], a[4], b[4];
    /* across u = 0 the mirror repeats texel 0: x = -0.5 -> texels -1 (-> 0) and 0 */
    texel_value(0, 0, e);
    expect_sample(t, 0.0f, 0.25f, e, 1e-5, "mirror on u = 0");
    expect_sample(t, -0.05f, 0.25f, e, 1e-5, "mirror just left of u = 0");
    texel_value(3, 1, e);
    expect_sample(t, 1.0f, 1.0f, e, 1e-5, "mirror on the top right corner");
    /* u = -0.25: x = -1.5 -> texels -2 (-> 1) and -1 (-> 0) halfway: the mirror of u = 0.25 */
    texel_value(1, 0, a);
    texel_value(0, 0, b);
    lerp4(a, b, 0.5f, e);
    expect_sample(t, -0.25f, 0.25f, e, 1e-5, "mirror of u = 0.25");
    /* u = 1.3: mirrors u = 0.7 */
    float m[4];
    bv_texture_sample(t, 0.7f, 0.25f, m);
    expect_sample(t, 1.3f, 0.25f, m, 1e-4, "mirror of u = 0.7");
    /* u = 2.3 repeats u = 0.3 (period 2) */
    bv_texture_sample(t, 0.3f, 0.25f, m);
    expect_sample(t, 2.3f, 0.25f, m, 1e-4, "period 2");
    bv_texture_destroy(t);
}

/* An independent reference for random coordinates (Cycles' image.h, in double). */
static int ref_index(int i, int size, bv_extension ext)
{
    switch (ext) {
    case BV_EXTENSION_REPEAT: {
        const int m = i % size;
        return m < 0 ? m + size : m;
    }
    case BV_EXTENSION_EXTEND: return i < 0 ? 0 : (i >= size ? size - 1 : i);
    case BV_EXTENSION_CLIP: return i < 0 || i >= size ? -1 : i;
    case BV_EXTENSION_MIRROR: {
        const int m = abs(i + (i < 0)) % (2 * size);
        return m >= size ? 2 * size - m - 1 : m;
    }
    }
    return -1;
}

static void ref_premul(const float *px, int w, int h, bv_extension ext, int x, int y, double r[4])
{
    const int ix = ref_index(x, w, ext), iy = ref_index(y, h, ext);
    if (ix < 0 || iy < 0) {
        r[0] = r[1] = r[2] = r[3] = 0.0;
        return;
    }
    const float *p = px + 4 * (iy * w + ix);
    for (int k = 0; k < 3; k++) r[k] = (double)p[k] * p[3];
    r[3] = p[3];
}

static void ref_sample(const float *px, int w, int h, bv_extension ext, bv_interpolation interp,
                       double u, double v, double r[4])
{
    if (interp == BV_INTERPOLATION_CLOSEST) {
        ref_premul(px, w, h, ext, (int)floor(u * w), (int)floor(v * h), r);
    } else {
        const double x = u * w - 0.5, y = v * h - 0.5;
        const int ix = (int)floor(x), iy = (int)floor(y);
        const double fx = x - ix, fy = y - iy;
        double a[4], b[4], c[4], d[4];
        ref_premul(px, w, h, ext, ix, iy, a);
        ref_premul(px, w, h, ext, ix + 1, iy, b);
        ref_premul(px, w, h, ext, ix, iy + 1, c);
        ref_premul(px, w, h, ext, ix + 1, iy + 1, d);
        for (int k = 0; k < 4; k++)
            r[k] = (a[k] * (1 - fx) + b[k] * fx) * (1 - fy) + (c[k] * (1 - fx) + d[k] * fx) * fy;
    }
    if (r[3] > 0) {
        for (int k = 0; k < 3; k++) r[k] /= r[3];
    } else {
        r[0] = r[1] = r[2] = 0.0;
    }
}

static void test_every_mode_and_interpolation_matches_reference_at_random_uvs(void)
{
    enum { W = 5, H = 3 };
    float px[W * H * 4];
    rng r = {31337};
    for (int i = 0; i < W * H; i++) {
        for (int k = 0; k < 3; k++) px[4 * i + k] = (float)rng_unit(&r);
        px[4 * i + 3] = (float)rng_range(&r, 0.2, 1.0);
    }
    for (int m = 0; m < 4; m++)
        for (int interp = 0; interp < 2; interp++) {
            bv_texture *t = make_texture(px, W, H, (bv_extension)m, (bv_interpolation)interp, false);
            if (!t) return;
            int bad = 0;
            for (int i = 0; i < 4000 && bad < 5; i++) {
                /* avoid coordinates within 1e-4 texel of a texel boundary (closest) where float
                   rounding of u * w may pick either side */
                const float u = (float)rng_range(&r, -3.0, 4.0), v = (float)rng_range(&r, -3.0, 4.0);
                const double xu = (double)u * W, xv = (double)v * H;
                if (interp == BV_INTERPOLATION_CLOSEST &&
                    (fabs(xu - floor(xu + 0.5)) < 1e-4 || fabs(xv - floor(xv + 0.5)) < 1e-4))
                    continue;
                float got[4];
                double e[4];
                bv_texture_sample(t, u, v, got);
                ref_sample(px, W, H, (bv_extension)m, (bv_interpolation)interp, u, v, e);
                for (int k = 0; k < 4; k++)
                    if (!CHECK_MSG(fabs(got[k] - e[k]) <= 2e-4,
                                   "mode %d interp %d at (%g, %g) channel %d: %.6g vs %.6g", m,
                                   interp, (double)u, (double)v, k, (double)got[k], e[k]))
                        bad++;
            }
            bv_texture_destroy(t);
        }
}

/* Linear blends premultiplied texels: a transparent texel's RGB never bleeds into the result. */
static void test_transparent_texels_do_not_bleed_colour(void)
{
    /* 2 x 1: left texel transparent red, right opaque green */
    const float px[8] = {1, 0, 0, 0, 0, 1, 0, 1};
    bv_texture *t = make_texture(px, 2, 1, BV_EXTENSION_EXTEND, BV_INTERPOLATION_LINEAR, false);
    if (!t) return;
    const float half[4] = {0, 1, 0, 0.5f};
    expect_sample(t, 0.5f, 0.5f, half, 1e-6, "between transparent red and green");
    const float quarter[4] = {0, 1, 0, 0.25f};
    expect_sample(t, 0.375f, 0.5f, quarter, 1e-6, "a quarter of the way to green");
    const float clear[4] = {0, 0, 0, 0};
    expect_sample(t, 0.1f, 0.5f, clear, 0.0, "fully transparent: straight colour zero");
    bv_texture_destroy(t);
}

/* --- mipmaps --- */

static void test_mip_level_count_halves_down_to_one_texel(void)
{
    float *px = calloc(64 * 64 * 4, sizeof(float));
    const struct { int w, h, levels; } cases[] = {
        {1, 1, 1}, {2, 2, 2}, {8, 4, 4}, {5, 3, 3}, {64, 64, 7}, {64, 1, 7}, {3, 17, 5}, {7, 7, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bv_texture *t = make_texture(px, cases[i].w, cases[i].h, BV_EXTENSION_REPEAT,
                                     BV_INTERPOLATION_LINEAR, true);
        if (!t) continue;
        CHECK_MSG(bv_texture_level_count(t) == cases[i].levels, "%d x %d: %d levels, expected %d",
                  cases[i].w, cases[i].h, bv_texture_level_count(t), cases[i].levels);
        /* levels halve (floor), never below 1 */
        for (int l = 1; l < t->level_count; l++) {
            const int pw = t->levels[l - 1].width, ph = t->levels[l - 1].height;
            CHECK_EQ_INT(t->levels[l].width, pw > 1 ? pw / 2 : 1);
            CHECK_EQ_INT(t->levels[l].height, ph > 1 ? ph / 2 : 1);
        }
        bv_texture_destroy(t);
        t = make_texture(px, cases[i].w, cases[i].h, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, false);
        if (t) CHECK_EQ_INT(bv_texture_level_count(t), 1);
        bv_texture_destroy(t);
    }
    CHECK_EQ_INT(bv_texture_level_count(NULL), 0);
    free(px);
}

static void test_single_level_sample_lod_equals_sample(void)
{
    fill_texel_grid();
    rng r = {5};
    for (int m = 0; m < 4; m++)
        for (int interp = 0; interp < 2; interp++) {
            bv_texture *t = make_texture(texel_grid, TW, TH, (bv_extension)m, (bv_interpolation)interp, false);
            if (!t) return;
            for (int i = 0; i < 200; i++) {
                const float u = (float)rng_range(&r, -2, 3), v = (float)rng_range(&r, -2, 3);
                const float lod = (float)rng_range(&r, -2, 10);
                float a[4], b[4];
                bv_texture_sample(t, u, v, a);
                bv_texture_sample_lod(t, u, v, lod, b);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0, "mode %d interp %d lod %g differs", m,
                          interp, (double)lod);
            }
            bv_texture_destroy(t);
        }
}

static void test_constant_texture_stays_constant_at_every_lod(void)
{
    const int sizes[][2] = {{16, 16}, {5, 3}, {13, 7}, {1, 9}};
    const float c[4] = {0.2f, 0.5f, 0.9f, 0.6f};
    rng r = {99};
    for (int s = 0; s < 4; s++) {
        const int w = sizes[s][0], h = sizes[s][1];
        float *px = malloc((size_t)w * h * 4 * sizeof(float));
        for (int i = 0; i < w * h; i++) memcpy(px + 4 * i, c, sizeof c);
        for (int m = 0; m < 4; m++) {
            if (m == BV_EXTENSION_CLIP) continue; /* fades at the border by design */
            bv_texture *t = make_texture(px, w, h, (bv_extension)m, BV_INTERPOLATION_LINEAR, true);
            if (!t) continue;
            for (int i = 0; i < 300; i++) {
                const float u = (float)rng_range(&r, -1, 2), v = (float)rng_range(&r, -1, 2);
                const float lod = (float)rng_range(&r, 0, t->level_count + 1);
                float got[4];
                bv_texture_sample_lod(t, u, v, lod, got);
                for (int k = 0; k < 4; k++)
                    CHECK_MSG(fabs(got[k] - c[k]) <= 1e-5, "%dx%d mode %d lod %g ch %d: %.7g", w, h,
                              m, (double)lod, k, (double)got[k]);
            }
            bv_texture_destroy(t);
        }
        free(px);
    }
}

static void test_checkerboard_averages_at_the_coarsest_level(void)
{
    /* 8 x 8 one-texel checker of 0 and 1: every level from 1 on is 0.5 grey */
    float px[8 * 8 * 4];
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            const float v = (float)((x + y) & 1);
            float *p = px + 4 * (y * 8 + x);
            p[0] = p[1] = p[2] = v;
            p[3] = 1.0f;
        }
    bv_texture *t = make_texture(px, 8, 8, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, true);
    if (!t) return;
    CHECK_EQ_INT(bv_texture_level_count(t), 4);
    rng r = {8};
    for (int i = 0; i < 100; i++) {
        const float u = (float)rng_unit(&r), v = (float)rng_unit(&r);
        float got[4];
        bv_texture_sample_lod(t, u, v, 3.0f, got);
        for (int k = 0; k < 3; k++) CHECK_NEAR(got[k], 0.5, 1e-6);
        CHECK_NEAR(got[3], 1.0, 1e-6);
        bv_texture_sample_lod(t, u, v, 100.0f, got); /* clamped to the chain */
        CHECK_NEAR(got[0], 0.5, 1e-6);
        bv_texture_sample_lod(t, u, v, 1.0f, got);
        CHECK_NEAR(got[0], 0.5, 1e-6);
    }
    bv_texture_destroy(t);

    /* odd sizes: the 1x1 level is the mean of the whole texture (5 x 5 checker: 13 of 25 ones) */
    float odd[5 * 5 * 4];
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) {
            const float v = (float)(((x + y) & 1) == 0);
            float *p = odd + 4 * (y * 5 + x);
            p[0] = p[1] = p[2] = v;
            p[3] = 1.0f;
        }
    t = make_texture(odd, 5, 5, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, true);
    if (!t) return;
    CHECK_EQ_INT(bv_texture_level_count(t), 3);
    float got[4];
    bv_texture_sample_lod(t, 0.3f, 0.7f, 2.0f, got);
    CHECK_NEAR(got[0], 13.0 / 25.0, 1e-5);
    CHECK_NEAR(got[3], 1.0, 1e-5);
    bv_texture_destroy(t);
}

/* Mips average premultiplied texels: half transparent red, half opaque green -> green, alpha 0.5. */
static void test_mips_average_premultiplied_colour(void)
{
    float px[4 * 4 * 4];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
            float *p = px + 4 * (y * 4 + x);
            const bool green = x >= 2;
            p[0] = green ? 0.0f : 1.0f;
            p[1] = green ? 1.0f : 0.0f;
            p[2] = 0.0f;
            p[3] = green ? 1.0f : 0.0f;
        }
    bv_texture *t = make_texture(px, 4, 4, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, true);
    if (!t) return;
    const float expected[4] = {0, 1, 0, 0.5f};
    float got[4];
    bv_texture_sample_lod(t, 0.5f, 0.5f, 2.0f, got);
    for (int k = 0; k < 4; k++) CHECK_NEAR(got[k], expected[k], 1e-6);
    bv_texture_destroy(t);
}

/* Trilinear: a fractional lod blends the two levels around it linearly. */
static void test_fractional_lod_blends_adjacent_levels(void)
{
    float px[4 * 4 * 4];
    rng r = {1234};
    for (int i = 0; i < 16; i++) {
        for (int k = 0; k < 3; k++) px[4 * i + k] = (float)rng_unit(&r);
        px[4 * i + 3] = 1.0f;
    }
    bv_texture *t = make_texture(px, 4, 4, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, true);
    if (!t) return;
    for (int i = 0; i < 50; i++) {
        const float u = (float)rng_unit(&r), v = (float)rng_unit(&r);
        float l0[4], l1[4], mid[4];
        bv_texture_sample_lod(t, u, v, 0.0f, l0);
        bv_texture_sample_lod(t, u, v, 1.0f, l1);
        bv_texture_sample_lod(t, u, v, 0.25f, mid);
        float s[4];
        bv_texture_sample(t, u, v, s);
        for (int k = 0; k < 4; k++) {
            CHECK_NEAR(l0[k], s[k], 1e-6);
            CHECK_NEAR(mid[k], 0.75 * l0[k] + 0.25 * l1[k], 1e-5);
        }
    }
    bv_texture_destroy(t);
}

/* --- creation errors --- */

static void test_texture_create_rejects_bad_input(void)
{
    float px[2 * 2 * 4];
    for (int i = 0; i < 16; i++) px[i] = 0.5f;
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){px, 16};
    d.width = d.height = 2;
    bv_texture *t = (bv_texture *)(uintptr_t)1; /* must be reset to NULL on failure */

    CHECK_EQ_INT(bv_texture_create(NULL, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "desc");
    CHECK_EQ_INT(bv_texture_create(&d, NULL), BV_ERROR_INVALID_ARGUMENT);

    bv_texture_desc bad = d;
    bad.width = 0;
    t = (bv_texture *)(uintptr_t)1;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "size");
    bad = d;
    bad.height = -2;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    bad = d;
    bad.width = BV_MAX_TEXTURE_SIZE + 1;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");

    bad = d;
    bad.pixels.count = 15;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels");
    CHECK_CONTAINS(bv_error_message(), "15");
    bad = d;
    bad.pixels.ptr = NULL;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels");
    bad = d;
    bad.extension = (bv_extension)7;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "extension");
    bad = d;
    bad.interpolation = (bv_interpolation)5;
    CHECK_EQ_INT(bv_texture_create(&bad, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "interpolation");

    px[4 * 3 + 1] = NAN; /* texel (1, 1), channel 1 */
    CHECK_EQ_INT(bv_texture_create(&d, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "pixel (1, 1)");
    px[4 * 3 + 1] = INFINITY;
    CHECK_EQ_INT(bv_texture_create(&d, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "not finite");
    px[4 * 3 + 1] = 0.5f;
    CHECK_EQ_INT(bv_texture_create(&d, &t), BV_OK);
    bv_texture_destroy(t);
    bv_texture_destroy(NULL); /* fine */
}

int main(void)
{
    RUN(test_closest_takes_texel_floor_u_times_width);
    RUN(test_closest_repeat_tiles);
    RUN(test_closest_extend_clamps_to_edge_texels);
    RUN(test_closest_clip_is_transparent_black_outside);
    RUN(test_closest_mirror_reflects_every_other_copy);
    RUN(test_linear_is_exact_at_texel_centres);
    RUN(test_linear_blends_neighbours_at_frac_u_w_minus_half);
    RUN(test_linear_repeat_wraps_across_the_seam);
    RUN(test_linear_extend_holds_edge_texels);
    RUN(test_linear_clip_fades_to_transparent_black_outside);
    RUN(test_linear_mirror_reflects_at_edges);
    RUN(test_every_mode_and_interpolation_matches_reference_at_random_uvs);
    RUN(test_transparent_texels_do_not_bleed_colour);
    RUN(test_mip_level_count_halves_down_to_one_texel);
    RUN(test_single_level_sample_lod_equals_sample);
    RUN(test_constant_texture_stays_constant_at_every_lod);
    RUN(test_checkerboard_averages_at_the_coarsest_level);
    RUN(test_mips_average_premultiplied_colour);
    RUN(test_fractional_lod_blends_adjacent_levels);
    RUN(test_texture_create_rejects_bad_input);
    return check_summary();
}
