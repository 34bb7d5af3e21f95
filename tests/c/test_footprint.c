/* Footprint filtering (footprint.h) against the integral it stands for: the texture, exactly as
 * Cycles interpolates it (bv__texture_tap on level 0), weighted by the pixel filter f(x) f(y)
 * over a dense grid of points mapped through the Jacobian. Every case prints its PSNR (peak 1,
 * premultiplied RGBA), so the table of how close each regime comes is in the test log.
 * Two regimes are measured, not exact: a box filter's hard edge sampled at texel centres (about
 * 31 dB at 3x minification), and Closest magnified, a step function under 4 x 4 quadrature
 * points (25 to 28 dB on a one-texel checker, as a 4 x 4 sample grid gives). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "footprint.h"
#include "texture_internal.h"

static uint32_t rng_state = 12345u;
static float random_unit(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)(rng_state >> 8) / 16777216.0f;
}

/* Texture kinds: smooth-ish noise (values per texel, bilinear between), a one-texel checker (the
 * hardest case for minification), and a straight-alpha texture with holes. */
enum { NOISE, CHECKER, HOLES };

static float *make_pixels(int kind, int w, int h)
{
    float *p = malloc(sizeof(float) * 4 * (size_t)w * (size_t)h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *t = p + 4 * ((size_t)y * w + x);
            if (kind == CHECKER) {
                const float c = (float)((x + y) & 1);
                t[0] = c, t[1] = 1.0f - c, t[2] = 0.25f + 0.5f * c, t[3] = 1.0f;
            } else {
                for (int k = 0; k < 3; k++) t[k] = random_unit();
                t[3] = kind == HOLES ? (random_unit() < 0.3f ? 0.0f : random_unit()) : 1.0f;
            }
        }
    return p;
}

static bv_texture *make_texture(const float *pixels, int w, int h, bv_extension ext,
                                bv_interpolation interp)
{
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){pixels, (size_t)w * (size_t)h * 4};
    d.width = w, d.height = h, d.extension = ext, d.interpolation = interp, d.mipmaps = true;
    bv_texture *t = NULL;
    CHECK_MSG(bv_texture_create(&d, &t) == BV_OK, "bv_texture_create: %s", bv_error_message());
    return t;
}

/* The integral by brute force: G x G points over the filter's support, G growing with the
 * footprint so that every texel it covers gets several points. */
static void reference(const bv_texture *t, bv_filter filter, float width, float u, float v,
                      const float j[4], float r[4])
{
    const double radius = bv_filter_radius(filter, width);
    const double texels = 2.0 * radius *
                          fmax(fabs(j[0] * t->levels[0].width) + fabs(j[1] * t->levels[0].width),
                               fabs(j[2] * t->levels[0].height) + fabs(j[3] * t->levels[0].height));
    int g = (int)(6.0 * texels) + 48;
    if (g > 512) g = 512;
    double acc[4] = {0, 0, 0, 0}, sum = 0.0;
    for (int iy = 0; iy < g; iy++) {
        const double dy = -radius + (iy + 0.5) * 2.0 * radius / g;
        const double wy = bv_filter_weight(filter, width, (float)dy);
        for (int ix = 0; ix < g; ix++) {
            const double dx = -radius + (ix + 0.5) * 2.0 * radius / g;
            const double wgt = wy * bv_filter_weight(filter, width, (float)dx);
            if (wgt <= 0.0) continue;
            float tap[4];
            bv__texture_tap(t, 0, (float)(u + j[0] * dx + j[1] * dy), (float)(v + j[2] * dx + j[3] * dy), tap);
            for (int k = 0; k < 4; k++) acc[k] += wgt * tap[k];
            sum += wgt;
        }
    }
    for (int k = 0; k < 4; k++) r[k] = (float)(acc[k] / sum);
}

/* PSNR of footprint taps against the reference at `count` random centres in [u0, u1] x [v0, v1],
 * for a Jacobian given in level-0 texels per pixel (scale, anisotropy, rotation). */
typedef struct footprint_case {
    const char *name;
    int kind, w, h;
    bv_extension ext;
    bv_interpolation interp;
    bv_filter filter;
    float width;
    float major, minor, angle; /* texels per pixel along the footprint's axes; degrees */
    float lo, hi;              /* range of the centres' UV */
    double min_db;
} footprint_case;

static double run_case(const footprint_case *c)
{
    float *pixels = make_pixels(c->kind, c->w, c->h);
    bv_texture *t = make_texture(pixels, c->w, c->h, c->ext, c->interp);
    bv__footprint_filter f;
    CHECK(bv__footprint_filter_init(&f, c->filter, c->width));
    const double th = c->angle * 3.14159265358979 / 180.0;
    /* J = R(angle) diag(major, minor), in texels, then to UV */
    const float j[4] = {(float)(cos(th) * c->major / c->w), (float)(-sin(th) * c->minor / c->w),
                        (float)(sin(th) * c->major / c->h), (float)(cos(th) * c->minor / c->h)};
    double se = 0.0;
    int n = 0;
    for (int i = 0; i < 32; i++) {
        const float u = c->lo + (c->hi - c->lo) * random_unit(), v = c->lo + (c->hi - c->lo) * random_unit();
        float got[4], want[4];
        bv__footprint_tap(t, &f, u, v, j, got);
        reference(t, c->filter, c->width, u, v, j, want);
        for (int k = 0; k < 4; k++, n++) se += (got[k] - want[k]) * (double)(got[k] - want[k]);
    }
    const double mse = se / n, db = mse > 0.0 ? -10.0 * log10(mse) : 99.0;
    printf("  %-40s %6.1f dB (at least %.0f)\n", c->name, db, c->min_db);
    bv_texture_destroy(t);
    free(pixels);
    return db;
}

static const footprint_case cases[] = {
    /* name                                 kind     w    h   extension              interp                   filter                   width major minor angle lo  hi  min */
    {"magnified 8x, noise",                  NOISE,   64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 0.125f, 0.125f, 0, 0, 1, 45},
    {"magnified 2x, rotated 30, checker",    CHECKER, 64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 0.5f, 0.5f, 30, 0, 1, 45},
    {"1:1, checker",                         CHECKER, 64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 1, 1, 0, 0, 1, 45},
    {"1:1, rotated 45, noise",               NOISE,   64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 1, 1, 45, 0, 1, 45},
    {"minified 2x, noise",                   NOISE,   128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 2, 2, 10, 0, 1, 45},
    {"minified 4x, checker",                 CHECKER, 128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 4, 4, 0, 0, 1, 45},
    {"minified 8x, noise",                   NOISE,   256, 256, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 8, 8, 20, 0, 1, 45},
    {"grazing 1 x 8, noise",                 NOISE,   256, 256, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 8, 1, 90, 0, 1, 45},
    {"grazing 1 x 16, rotated 30, checker",  CHECKER, 256, 256, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 16, 1, 30, 0, 1, 45},
    {"grazing 0.5 x 24, noise",              NOISE,   256, 256, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 24, 0.5f, 80, 0, 1, 40},
    {"Blackman-Harris 3, minified 2.5x",      NOISE,   100, 60, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 3.0f, 2.5f, 2.5f, 0, 0, 1, 45},
    {"Blackman-Harris 3, minified 5x",        NOISE,   200, 120, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 3.0f, 5, 5, 0, 0, 1, 45},
    {"Gaussian 1.5, 1:1, noise",             NOISE,   64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_GAUSSIAN, 1.5f, 1, 1, 0, 0, 1, 45},
    {"Gaussian 1.5, minified 3x, noise",     NOISE,   128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_GAUSSIAN, 1.5f, 3, 3, 0, 0, 1, 45},
    {"box 1, minified 3x, noise",            NOISE,   128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BOX, 1.0f, 3, 3, 25, 0, 1, 30},
    {"box 1, 1:1, noise",                    NOISE,   64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BOX, 1.0f, 1, 1, 0, 0, 1, 40},
    {"closest, magnified 4x, checker",       CHECKER, 64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_CLOSEST, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 0.25f, 0.25f, 0, 0, 1, 24},
    {"closest, minified 3x, noise",          NOISE,   128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_CLOSEST, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 3, 3, 15, 0, 1, 45},
    {"straight alpha with holes, 2x",        HOLES,   128, 128, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 2, 2, 0, 0, 1, 45},
    {"REPEAT across the edge, 4x",           NOISE,   64,  64, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 4, 4, 0, -0.05f, 0.05f, 45},
    {"CLIP across the edge, 4x",             NOISE,   64,  64, BV_EXTENSION_CLIP, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 4, 4, 0, -0.05f, 0.05f, 45},
    {"EXTEND across the edge, 4x",           NOISE,   64,  64, BV_EXTENSION_EXTEND, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 4, 4, 0, -0.05f, 0.05f, 45},
    {"EXTEND across the edge, 12x",          NOISE,   256, 256, BV_EXTENSION_EXTEND, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 12, 12, 0, -0.03f, 0.03f, 45},
    {"REPEAT across the edge, 12x",          NOISE,   256, 256, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 12, 12, 0, -0.03f, 0.03f, 45},
    {"MIRROR across the edge, 4x",           NOISE,   64,  64, BV_EXTENSION_MIRROR, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 4, 4, 0, -0.05f, 0.05f, 45},
    {"CLIP across the edge, magnified 2x",   NOISE,   64,  64, BV_EXTENSION_CLIP, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 0.5f, 0.5f, 0, -0.02f, 0.02f, 45},
    {"non-power-of-two 75 x 41, 5x",         NOISE,   75,  41, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 5, 5, 0, 0, 1, 45},
    {"non-power-of-two 75 x 41, 1 x 12",     NOISE,   75,  41, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 12, 1, 60, 0, 1, 45},
    {"1 x 300 strip, 3x",                    NOISE,   300, 1,  BV_EXTENSION_EXTEND, BV_INTERPOLATION_LINEAR, BV_FILTER_BLACKMAN_HARRIS, 1.5f, 3, 3, 0, 0, 1, 45},
};

static void test_footprint_matches_the_integral_in_every_regime(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double db = run_case(&cases[i]);
        CHECK_MSG(db >= cases[i].min_db, "%s: %.1f dB, below %.0f", cases[i].name, db, cases[i].min_db);
    }
}

/* A footprint much larger than the texture (far away, or a tiny texture) averages it, and bad
 * input (NaN UVs or Jacobian) still gives a finite tap. */
static void test_huge_footprints_and_bad_input_stay_finite(void)
{
    float *pixels = make_pixels(NOISE, 16, 16);
    bv_texture *t = make_texture(pixels, 16, 16, BV_EXTENSION_REPEAT, BV_INTERPOLATION_LINEAR);
    bv__footprint_filter f;
    bv__footprint_filter_init(&f, BV_FILTER_BLACKMAN_HARRIS, 1.5f);
    double mean[3] = {0, 0, 0};
    for (int i = 0; i < 16 * 16; i++)
        for (int k = 0; k < 3; k++) mean[k] += pixels[4 * i + k] / 256.0;
    const float huge[4] = {1000.0f, 0.0f, 0.0f, 1000.0f};
    float rgba[4];
    bv__footprint_tap(t, &f, 0.3f, 0.7f, huge, rgba);
    for (int k = 0; k < 3; k++) CHECK_NEAR(rgba[k], mean[k], 1e-3);
    const float nan_j[4] = {NAN, 0.0f, 0.0f, 1.0f};
    bv__footprint_tap(t, &f, 0.3f, 0.7f, nan_j, rgba);
    for (int k = 0; k < 4; k++) CHECK(isfinite(rgba[k]));
    const float unit[4] = {0.1f, 0.0f, 0.0f, 0.1f};
    bv__footprint_tap(t, &f, NAN, INFINITY, unit, rgba);
    for (int k = 0; k < 4; k++) CHECK(isfinite(rgba[k]));
    const float degenerate[4] = {0.5f, 0.5f, 0.5f, 0.5f}; /* rank one: a line on the texture */
    bv__footprint_tap(t, &f, 0.3f, 0.7f, degenerate, rgba);
    for (int k = 0; k < 4; k++) CHECK(isfinite(rgba[k]));
    bv_texture_destroy(t);
    free(pixels);
}

int main(void)
{
    RUN(test_footprint_matches_the_integral_in_every_regime);
    RUN(test_huge_footprints_and_bad_input_stay_finite);
    return check_summary();
}
