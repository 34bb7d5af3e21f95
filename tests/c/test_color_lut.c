/* Display transforms as 3D LUTs (bakeview/color.h): the lattice's points, exact values at lattice
 * points, the accuracy of tetrahedral interpolation on a known transform, neutral colours staying
 * neutral, clamping, and every refusal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/bakeview.h>

#include "check.h"

/* A known, non-separable display transform: a tone curve compressing highlights, with some
 * cross-talk between channels (as a desaturating view transform has), then the sRGB curve. */
static void reference_transform(const float in[3], float out[3])
{
    const double mean = (in[0] + in[1] + in[2]) / 3.0;
    for (int k = 0; k < 3; k++) {
        double v = 0.9 * in[k] + 0.1 * mean;
        v = v <= 0.0 ? 0.0 : v / (0.25 + v);
        out[k] = (float)(v < 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1.0 / 2.4) - 0.055);
    }
}

/* the add-on's lattice: 65 points, 14 stops of log spacing below the knee, 8 cells above it */
static const bv_color_lut_shape shape65 = {.size = 65, .offset = 1.0f / 16384.0f, .knee = 1.0f, .knee_index = 56};

static size_t point_count(int size)
{
    const size_t n = (size_t)size, m = n - 1;
    return 4 * (n * n * n + m * m * m);
}

/* The points and a LUT sampled from reference_transform at them; NULL on failure. */
static bv_color_lut *sampled_lut(const bv_color_lut_shape *shape, float **r_points)
{
    const size_t count = point_count(shape->size), lattice = (size_t)shape->size * shape->size * shape->size;
    float *points = malloc(count * sizeof(float));
    float *table = malloc(3 * lattice * sizeof(float));
    bv_color_lut *lut = NULL;
    if (points && table && bv_color_lut_points(shape, (bv_float_span){points, count}) == BV_OK) {
        for (size_t i = 0; i < lattice; i++) reference_transform(points + 4 * i, table + 3 * i);
        const bv_color_lut_desc desc = {.shape = *shape, .table = {table, 3 * lattice}};
        if (bv_color_lut_create(&desc, &lut) != BV_OK) lut = NULL;
    }
    free(table);
    if (r_points) *r_points = points;
    else free(points);
    return lut;
}

static void test_lut_points_span_zero_knee_and_limit_then_cell_centres(void)
{
    const bv_color_lut_shape s = {.size = 5, .offset = 0.001f, .knee = 2.0f, .knee_index = 3};
    float points[4 * (125 + 64)];
    if (!CHECK_MSG(bv_color_lut_points(&s, (bv_float_span){points, 4 * (125 + 64)}) == BV_OK, "%s",
                   bv_error_message()))
        return;
    /* the first row of the lattice: r runs over the axis with g = b = 0 */
    CHECK_EQ_INT(points[0], 0);
    CHECK_NEAR(points[4 * 3], 2.0, 2e-6); /* point knee_index: the knee */
    /* evenly spaced in log2(x + offset), on past the knee to the limit */
    double previous = log2(0.001);
    for (int i = 1; i < 5; i++) {
        const double l = log2(points[4 * i] + 0.001);
        CHECK_NEAR(l - previous, log2(2.001 / 0.001) / 3.0, 1e-5);
        previous = l;
    }
    CHECK_NEAR(points[4 * 4], bv_color_lut_axis(&s, 4.0), 1e-4);
    CHECK_NEAR(bv_color_lut_axis(&s, 3.0), 2.0, 1e-9);
    for (int i = 0; i < 125; i++) {
        CHECK_EQ_INT(points[4 * i + 3], 1);
        CHECK(points[4 * i + 1] == points[4 * ((i / 5) % 5)]);
        CHECK(points[4 * i + 2] == points[4 * (i / 25)]);
    }
    /* cell centres lie strictly between their corners, in the same b, g, r order */
    const float *centres = points + 4 * 125;
    for (int i = 0; i < 4; i++) {
        CHECK(centres[4 * i] > points[4 * i] && centres[4 * i] < points[4 * (i + 1)]);
        CHECK(centres[4 * i + 1] == centres[0] && centres[4 * i + 2] == centres[0]);
    }
    CHECK(centres[4 * 63 + 2] > points[4 * 3] && centres[4 * 63 + 2] < points[4 * 4]);
}

static void test_lut_gives_the_table_at_lattice_points(void)
{
    float *points = NULL;
    bv_color_lut *lut = sampled_lut(&shape65, &points);
    if (!CHECK_MSG(lut && points, "%s", bv_error_message())) {
        free(points);
        return;
    }
    const size_t lattice = 65 * 65 * 65;
    for (size_t i = 0; i < lattice; i += 997) {
        float want[3], got[3];
        reference_transform(points + 4 * i, want);
        bv_color_lut_apply(lut, points + 4 * i, got);
        for (int k = 0; k < 3; k++)
            CHECK_MSG(fabsf(got[k] - want[k]) <= 1e-6f, "point %zu channel %d: %g vs %g", i, k,
                      (double)got[k], (double)want[k]);
    }
    bv_color_lut_destroy(lut);
    free(points);
}

/* The claim bakeview's colour management rests on: a 65^3 lattice with a log spacing up to the
 * grey knee stands for a smooth display transform within a fraction of an 8-bit code. */
static void test_lut_interpolates_a_display_transform_within_half_a_code(void)
{
    bv_color_lut *lut = sampled_lut(&shape65, NULL);
    if (!CHECK_MSG(lut != NULL, "%s", bv_error_message())) return;
    unsigned state = 12345;
    double worst = 0.0;
    for (int i = 0; i < 200000; i++) {
        float in[3], want[3], got[3];
        for (int k = 0; k < 3; k++) {
            state = state * 1103515245u + 12345u;
            const double u = (double)(state >> 8) / (double)(1u << 24);
            in[k] = (float)(i % 2 ? u : pow(u, 4.0) * 3.0); /* plain and dark/bright-heavy */
        }
        reference_transform(in, want);
        bv_color_lut_apply(lut, in, got);
        for (int k = 0; k < 3; k++) worst = fmax(worst, fabs((double)got[k] - want[k]) * 255.0);
    }
    CHECK_MSG(worst < 0.5, "largest error %.3f codes", worst);
    /* and the error measure the add-on validates a sampled LUT with agrees */
    float in[8] = {0.25f, 0.5f, 0.75f, 1.0f, 0.01f, 0.02f, 0.03f, 1.0f}, expected[8];
    reference_transform(in, expected);
    reference_transform(in + 4, expected + 4);
    expected[3] = expected[7] = 1.0f;
    float error = -1.0f;
    CHECK(bv_color_lut_error(lut, (bv_floats){in, 8}, (bv_floats){expected, 8}, &error) == BV_OK);
    CHECK(error >= 0.0f && error < 0.5f / 255.0f);
    expected[5] += 0.25f;
    CHECK(bv_color_lut_error(lut, (bv_floats){in, 8}, (bv_floats){expected, 8}, &error) == BV_OK);
    CHECK_NEAR(error, 0.25, 0.5 / 255.0);
    expected[5] = NAN;
    CHECK(bv_color_lut_error(lut, (bv_floats){in, 8}, (bv_floats){expected, 8}, &error) == BV_OK);
    CHECK(isinf(error));
    bv_color_lut_destroy(lut);
}

static void test_lut_keeps_neutral_colours_neutral_and_clamps_its_inputs(void)
{
    bv_color_lut *lut = sampled_lut(&shape65, NULL);
    if (!CHECK_MSG(lut != NULL, "%s", bv_error_message())) return;
    float previous = -1.0f;
    for (int i = 0; i <= 4000; i++) {
        const float x = (float)i / 1000.0f, in[3] = {x, x, x};
        float out[3];
        bv_color_lut_apply(lut, in, out);
        CHECK_MSG(out[0] == out[1] && out[1] == out[2], "grey %g gives (%g, %g, %g)", (double)x,
                  (double)out[0], (double)out[1], (double)out[2]);
        CHECK_MSG(out[0] >= previous, "not monotone at %g", (double)x);
        previous = out[0];
    }
    const float limit = (float)bv_color_lut_axis(&shape65, 64.0);
    const float below[3] = {-1.0f, NAN, -INFINITY}, above[3] = {INFINITY, 1e30f, limit * 1.5f};
    const float zero[3] = {0.0f, 0.0f, 0.0f}, top[3] = {limit, limit, limit};
    float a[3], b[3];
    bv_color_lut_apply(lut, below, a);
    bv_color_lut_apply(lut, zero, b);
    for (int k = 0; k < 3; k++) CHECK(a[k] == b[k]);
    bv_color_lut_apply(lut, above, a);
    bv_color_lut_apply(lut, top, b);
    for (int k = 0; k < 3; k++) CHECK(a[k] == b[k]);
    bv_color_lut_destroy(lut);
}

static void test_lut_refuses_bad_shapes_and_tables(void)
{
    float table[3 * 27] = {0};
    bv_color_lut *lut = (bv_color_lut *)&table; /* must be reset to NULL on failure */
    const bv_color_lut_desc good = {.shape = {.size = 3, .offset = 0.01f, .knee = 1.0f, .knee_index = 1},
                                    .table = {table, 81}};
    CHECK_EQ_INT(bv_color_lut_create(&good, &lut), BV_OK);
    bv_color_lut_destroy(lut);
    bv_color_lut_desc d = good;
    d.shape.size = 1;
    lut = (bv_color_lut *)&table;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: size 1 is outside 2..129");
    CHECK(lut == NULL);
    d = good;
    d.shape.size = BV_MAX_LUT_SIZE + 1;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size 130 is outside");
    d = good;
    d.shape.offset = 0.0f;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "offset 0 is not a finite value above 0");
    d = good;
    d.shape.knee = NAN;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "knee nan is not a finite value above 0");
    d = good;
    d.shape.knee_index = 3;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: knee_index 3 is outside 1..2");
    d = good;
    d.shape.knee_index = 0;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "knee_index 0 is outside");
    d = good;
    d.shape.knee = 1e30f;
    d.shape.offset = 1e-30f;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "put the limit outside floats");
    d = good;
    d.table.count = 80;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: table holds 80 floats, size 3 needs 81");
    d = good;
    d.table.ptr = NULL;
    CHECK_EQ_INT(bv_color_lut_create(&d, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: table is NULL");
    table[40] = INFINITY;
    CHECK_EQ_INT(bv_color_lut_create(&good, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: table[40] is not finite");
    table[40] = 0.0f;
    CHECK_EQ_INT(bv_color_lut_create(NULL, &lut), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: desc is NULL");
    CHECK_EQ_INT(bv_color_lut_create(&good, NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut: r_lut is NULL");

    float points[4 * (27 + 8)];
    CHECK_EQ_INT(bv_color_lut_points(&good.shape, (bv_float_span){points, 4 * (27 + 8) - 1}),
                 BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut points: r_points holds 139 floats, size 3 needs 140");
    CHECK_EQ_INT(bv_color_lut_points(NULL, (bv_float_span){points, 140}), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lut points: shape is NULL");
    bv_color_lut_destroy(NULL); /* a no-op */
}

static void test_unique_colours_come_once_in_order_and_expand_back_with_each_alpha(void)
{
    enum { n = 5000 };
    static float pixels[4 * n], colours[4 * n], back[4 * n];
    static uint32_t index[n];
    for (int i = 0; i < n; i++) { /* 7 colours in runs of two; -0.0 and 0.0 differ bit for bit */
        const int c = (i / 2 * 5) % 7;
        pixels[4 * i] = c == 6 ? -0.0f : 0.1f * (float)c;
        pixels[4 * i + 1] = 0.5f;
        pixels[4 * i + 2] = c == 3 ? 2.0f : 0.25f;
        pixels[4 * i + 3] = (float)(i % 3) / 2.0f;
    }
    size_t unique = 0;
    CHECK(bv_color_unique((bv_floats){pixels, 4 * n}, (bv_float_span){colours, 4 * n},
                          (bv_uint_span){index, n}, &unique) == BV_OK);
    CHECK_EQ_INT(unique, 7);
    for (size_t u = 0; u < unique; u++) CHECK(colours[4 * u + 3] == 1.0f); /* opaque */
    CHECK(index[0] == 0 && index[1] == 0 && index[2] == 1); /* first appearances in order */
    for (int i = 0; i < n; i++)
        CHECK(memcmp(colours + 4 * index[i], pixels + 4 * i, 3 * sizeof(float)) == 0);
    CHECK(bv_color_expand((bv_floats){colours, 4 * unique}, (bv_uints){index, n},
                          (bv_floats){pixels, 4 * n}, (bv_float_span){back, 4 * n}) == BV_OK);
    CHECK(memcmp(back, pixels, sizeof back) == 0);
    const size_t found = unique; /* a refusal sets the count to 0 */
    /* refusals */
    CHECK(bv_color_unique((bv_floats){pixels, 4 * n - 1}, (bv_float_span){colours, 4 * n},
                          (bv_uint_span){index, n}, &unique) == BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "are not whole RGBA pixels");
    CHECK(bv_color_unique((bv_floats){pixels, 4 * n}, (bv_float_span){colours, 4 * n - 4},
                          (bv_uint_span){index, n}, &unique) == BV_ERROR_INVALID_ARGUMENT);
    index[7] = 7;
    CHECK(bv_color_expand((bv_floats){colours, 4 * found}, (bv_uints){index, n},
                          (bv_floats){pixels, 4 * n}, (bv_float_span){back, 4 * n}) ==
          BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "position 7 is 7, past the 7 colours");
    CHECK(bv_color_unique((bv_floats){NULL, 0}, (bv_float_span){NULL, 0}, (bv_uint_span){NULL, 0},
                          &unique) == BV_OK);
    CHECK_EQ_INT(unique, 0);
}

int main(void)
{
    RUN(test_lut_points_span_zero_knee_and_limit_then_cell_centres);
    RUN(test_lut_gives_the_table_at_lattice_points);
    RUN(test_lut_interpolates_a_display_transform_within_half_a_code);
    RUN(test_lut_keeps_neutral_colours_neutral_and_clamps_its_inputs);
    RUN(test_lut_refuses_bad_shapes_and_tables);
    RUN(test_unique_colours_come_once_in_order_and_expand_back_with_each_alpha);
    return check_summary();
}
