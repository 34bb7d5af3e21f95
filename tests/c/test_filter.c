/* Pixel filters (bakeview/filter.h) and their discrete taps on the sample grid (core/src/kernel.h).
 * Shapes and supports are Cycles' (intern/cycles/scene/film.cpp): box over +-w/2, Gaussian
 * exp(-2 (2x/w)^2) over +-1.5 w, Blackman-Harris over +-w. */
#include <math.h>

#include "check.h"
#include "kernel.h"
#include "scene.h"

static const bv_filter filters[] = {BV_FILTER_BLACKMAN_HARRIS, BV_FILTER_GAUSSIAN, BV_FILTER_BOX};
static const char *const filter_names[] = {"blackman-harris", "gaussian", "box"};
static const float widths[] = {0.5f, 1.0f, 1.25f, 1.5f, 2.0f, 3.0f, 5.0f};
#define WIDTH_COUNT ((int)(sizeof widths / sizeof widths[0]))

static void test_filter_radius_matches_cycles_support(void)
{
    for (int i = 0; i < WIDTH_COUNT; i++) {
        const float w = widths[i];
        CHECK_NEAR(bv_filter_radius(BV_FILTER_BOX, w), 0.5 * w, 1e-6);
        CHECK_NEAR(bv_filter_radius(BV_FILTER_GAUSSIAN, w), 1.5 * w, 1e-6);
        CHECK_NEAR(bv_filter_radius(BV_FILTER_BLACKMAN_HARRIS, w), w, 1e-6);
    }
    CHECK_NEAR(BV_DEFAULT_FILTER_WIDTH, 1.5, 0.0);
}

static void test_filter_weight_is_zero_beyond_radius(void)
{
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < WIDTH_COUNT; i++) {
            const float w = widths[i], radius = bv_filter_radius(filters[f], w);
            const float beyond[] = {radius * 1.0001f, radius + 0.01f, radius * 2.0f, 1e6f, INFINITY};
            for (int k = 0; k < 5; k++) {
                CHECK_MSG(bv_filter_weight(filters[f], w, beyond[k]) == 0.0f, "%s w=%g at %g: %g",
                          filter_names[f], (double)w, (double)beyond[k],
                          (double)bv_filter_weight(filters[f], w, beyond[k]));
                CHECK_MSG(bv_filter_weight(filters[f], w, -beyond[k]) == 0.0f, "%s w=%g at -%g",
                          filter_names[f], (double)w, (double)beyond[k]);
            }
            CHECK(bv_filter_weight(filters[f], w, NAN) == 0.0f);
            /* inside the support the weight is positive */
            for (int k = 0; k < 20; k++) {
                const float x = radius * (float)k / 20.0f;
                CHECK_MSG(bv_filter_weight(filters[f], w, x) > 0.0f, "%s w=%g at %g not positive",
                          filter_names[f], (double)w, (double)x);
            }
        }
    /* a zero or negative width reaches nothing */
    for (int f = 0; f < 3; f++) {
        CHECK(bv_filter_weight(filters[f], 0.0f, 0.0f) == 0.0f);
        CHECK(bv_filter_weight(filters[f], -1.0f, 0.0f) == 0.0f);
    }
}

static void test_filter_weight_is_symmetric(void)
{
    rng r = {17};
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < 200; i++) {
            const float w = (float)rng_range(&r, 0.3, 4.0), x = (float)rng_range(&r, 0.0, 7.0);
            CHECK(bv_filter_weight(filters[f], w, x) == bv_filter_weight(filters[f], w, -x));
        }
}

static void test_blackman_harris_peaks_at_one_and_has_cycles_shape(void)
{
    for (int i = 0; i < WIDTH_COUNT; i++) {
        const float w = widths[i];
        CHECK_NEAR(bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, w, 0.0f), 1.0, 1e-6);
        /* at half the support: 0.35875 - 0.14128 */
        CHECK_NEAR(bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, w, 0.5f * w), 0.21747, 1e-5);
        /* at the support edge the window is (almost) zero: 0.35875 - 0.48829 + 0.14128 - 0.01168 */
        CHECK_NEAR(bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, w, w), 6e-5, 1e-6);
        /* Cycles' form: x' = 2 pi (x / (2 w) + 0.5), f = 0.35875 - 0.48829 cos x' + ... */
        for (int k = 0; k <= 10; k++) {
            const double x = w * k / 10.0, t = 2.0 * M_PI * (x / (2.0 * w) + 0.5);
            const double e = 0.35875 - 0.48829 * cos(t) + 0.14128 * cos(2 * t) - 0.01168 * cos(3 * t);
            CHECK_NEAR(bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, w, (float)x), e, 1e-5);
        }
        /* monotone decreasing from the centre */
        float previous = 2.0f;
        for (int k = 0; k <= 50; k++) {
            const float v = bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, w, w * (float)k / 50.0f);
            CHECK(v <= previous);
            previous = v;
        }
    }
}

static void test_gaussian_has_cycles_shape(void)
{
    for (int i = 0; i < WIDTH_COUNT; i++) {
        const float w = widths[i];
        CHECK_NEAR(bv_filter_weight(BV_FILTER_GAUSSIAN, w, 0.0f), 1.0, 1e-6);
        CHECK_NEAR(bv_filter_weight(BV_FILTER_GAUSSIAN, w, 0.5f * w), exp(-2.0), 1e-6);
        /* Cycles: table width 3 w, v *= 6 / (3 w), exp(-2 v^2) */
        for (int k = 0; k <= 10; k++) {
            const double x = 1.5 * w * k / 10.0, v = x * 6.0 / (3.0 * w);
            CHECK_NEAR(bv_filter_weight(BV_FILTER_GAUSSIAN, w, (float)x), exp(-2.0 * v * v), 1e-6);
        }
    }
}

static void test_box_is_flat_over_half_width(void)
{
    for (int i = 0; i < WIDTH_COUNT; i++) {
        const float w = widths[i];
        for (int k = 0; k <= 10; k++)
            CHECK_NEAR(bv_filter_weight(BV_FILTER_BOX, w, 0.5f * w * (float)k / 10.0f), 1.0, 0.0);
    }
}

/* --- discrete taps --- */

static void test_kernel_weights_sum_to_one(void)
{
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < WIDTH_COUNT; i++)
            for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
                bv__grid g;
                bv__grid_init(&g, n);
                bv__kernel k;
                if (!CHECK_MSG(bv__kernel_init(&k, &g, filters[f], widths[i]),
                               "%s w=%g n=%d: kernel_init failed", filter_names[f],
                               (double)widths[i], n))
                    continue;
                double sum = 0.0;
                bool positive = true;
                for (int t = 0; t < k.count; t++) {
                    sum += k.weight[t];
                    positive = positive && k.weight[t] > 0.0f;
                }
                CHECK_MSG(fabs(sum - 1.0) <= 1e-5, "%s w=%g n=%d: weights sum to %.9g",
                          filter_names[f], (double)widths[i], n, sum);
                CHECK_MSG(positive, "%s w=%g n=%d: a zero or negative tap", filter_names[f],
                          (double)widths[i], n);
                CHECK(k.count >= 1 && k.count <= BV__MAX_TAPS);
            }
}

/* Taps are exactly the samples inside the support, weighted by the filter at their offsets. */
static void test_kernel_taps_are_the_samples_inside_the_support(void)
{
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < WIDTH_COUNT; i++)
            for (int n = 1; n <= 8; n++) {
                bv__grid g;
                bv__grid_init(&g, n);
                bv__kernel k;
                if (!bv__kernel_init(&k, &g, filters[f], widths[i])) continue;
                const float w = widths[i], radius = bv_filter_radius(filters[f], w);
                double total = 0.0;
                int inside = 0, first = 1 << 30;
                for (int s = -n * 10; s <= n * 11; s++) {
                    const double d = (double)bv__sample_coord(&g, s) / BV__SUBPIXEL_ONE - 0.5;
                    const float wt = bv_filter_weight(filters[f], w, (float)d);
                    if (wt > 0.0f) {
                        inside++;
                        total += wt;
                        if (s < first) first = s;
                    }
                }
                CHECK_MSG(k.count == inside, "%s w=%g n=%d: %d taps, %d samples inside radius %g",
                          filter_names[f], (double)w, n, k.count, inside, (double)radius);
                CHECK_EQ_INT(k.first, first);
                for (int t = 0; t < k.count && t < inside; t++) {
                    const double d = (double)bv__sample_coord(&g, k.first + t) / BV__SUBPIXEL_ONE - 0.5;
                    const double e = bv_filter_weight(filters[f], w, (float)d) / total;
                    CHECK_NEAR(k.weight[t], e, 1e-6);
                }
            }
}

/* The grid is symmetric about the pixel centre, so the taps are too: weights mirror and their
 * centroid is the pixel centre. */
static void test_kernel_is_symmetric_about_the_pixel_centre(void)
{
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < WIDTH_COUNT; i++)
            for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
                bv__grid g;
                bv__grid_init(&g, n);
                bv__kernel k;
                if (!bv__kernel_init(&k, &g, filters[f], widths[i])) continue;
                double centroid = 0.0;
                for (int t = 0; t < k.count; t++) {
                    const double d = (double)bv__sample_coord(&g, k.first + t) / BV__SUBPIXEL_ONE - 0.5;
                    centroid += k.weight[t] * d;
                    CHECK_NEAR(k.weight[t], k.weight[k.count - 1 - t], 1e-6);
                }
                CHECK_MSG(fabs(centroid) < 1e-6, "%s w=%g n=%d: centroid %g", filter_names[f],
                          (double)widths[i], n, centroid);
            }
}

/* The data-pass sample is the grid sample nearest the pixel centre (the centre for odd n). */
static void test_kernel_center_is_the_sample_nearest_the_pixel_centre(void)
{
    for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
        bv__grid g;
        bv__grid_init(&g, n);
        bv__kernel k;
        if (!CHECK(bv__kernel_init(&k, &g, BV_FILTER_BLACKMAN_HARRIS, 1.5f))) continue;
        CHECK(k.center >= 0 && k.center < n);
        double best = 1e9;
        for (int s = 0; s < n; s++) best = fmin(best, fabs(g.offset[s] - 128.0));
        CHECK_NEAR(fabs(g.offset[k.center] - 128.0), best, 0.0);
        if (n % 2 == 1) CHECK_EQ_INT(g.offset[k.center], 128);
        /* the centre sample lies among the taps */
        CHECK(k.center >= k.first && k.center < k.first + k.count);
    }
}

static void test_box_width_one_takes_the_samples_of_its_own_pixel(void)
{
    for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
        bv__grid g;
        bv__grid_init(&g, n);
        bv__kernel k;
        if (!CHECK(bv__kernel_init(&k, &g, BV_FILTER_BOX, 1.0f))) continue;
        CHECK_EQ_INT(k.first, 0);
        CHECK_EQ_INT(k.count, n);
        for (int t = 0; t < k.count; t++) CHECK_NEAR(k.weight[t], 1.0 / n, 1e-7);
    }
}

static void test_default_kernel_reaches_past_the_pixel(void)
{
    /* Blackman-Harris width 1.5 on a 4x4 grid: samples within 1.5 px of the centre, 12 taps */
    bv__grid g;
    bv__grid_init(&g, 4);
    bv__kernel k;
    CHECK(bv__kernel_init(&k, &g, BV_FILTER_BLACKMAN_HARRIS, 1.5f));
    CHECK_EQ_INT(k.count, 12);
    CHECK_EQ_INT(k.first, -4);
    CHECK_EQ_INT(k.center, 2);
}

int main(void)
{
    RUN(test_filter_radius_matches_cycles_support);
    RUN(test_filter_weight_is_zero_beyond_radius);
    RUN(test_filter_weight_is_symmetric);
    RUN(test_blackman_harris_peaks_at_one_and_has_cycles_shape);
    RUN(test_gaussian_has_cycles_shape);
    RUN(test_box_is_flat_over_half_width);
    RUN(test_kernel_weights_sum_to_one);
    RUN(test_kernel_taps_are_the_samples_inside_the_support);
    RUN(test_kernel_is_symmetric_about_the_pixel_centre);
    RUN(test_kernel_center_is_the_sample_nearest_the_pixel_centre);
    RUN(test_box_width_one_takes_the_samples_of_its_own_pixel);
    RUN(test_default_kernel_reaches_past_the_pixel);
    return check_summary();
}
