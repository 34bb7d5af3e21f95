/* Normal and depth sheets (bakeview/data_sheet.h): camera-space normals encoded n * 0.5 + 0.5 with
 * green up or down and the colour's alpha, the neutral normal where nothing is seen; a facing
 * surface is (128, 128, 255) once written 8-bit; the 8-bit codes decode to the normals within
 * 1/127; depth mapped linearly to [0, 1] between near and far (nothing seen: far) and back within
 * a 16-bit step; every refusal leaves the output untouched. The normals come from bv_render in
 * camera space, as a sheet's do. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"

/* A perspective camera looking at a sphere-like fan of per-corner normals: a grid of quads whose
 * corner normals point away from a centre, so that the view holds normals in every direction
 * that faces the camera. Returns the render's camera-space normals, depth and alpha. */
enum { W = 48, H = 40, GRID = 12 };

typedef struct bumpy {
    float positions[(GRID + 1) * (GRID + 1) * 3];
    uint32_t triangles[GRID * GRID * 6];
    float normals[GRID * GRID * 6 * 3];
} bumpy;

static void bumpy_init(bumpy *b)
{
    for (int j = 0; j <= GRID; j++)
        for (int i = 0; i <= GRID; i++) {
            float *p = b->positions + 3 * (j * (GRID + 1) + i);
            p[0] = (float)i / GRID * 2.0f - 1.0f;
            p[1] = (float)j / GRID * 2.0f - 1.0f;
            p[2] = 0.3f * (p[0] * p[0] + p[1] * p[1]); /* a bowl: depth varies */
        }
    for (int j = 0; j < GRID; j++)
        for (int i = 0; i < GRID; i++) {
            const uint32_t v0 = (uint32_t)(j * (GRID + 1) + i), v1 = v0 + 1, v2 = v0 + GRID + 2, v3 = v0 + GRID + 1;
            const uint32_t corners[6] = {v0, v1, v2, v0, v2, v3};
            const int t = 6 * (j * GRID + i);
            for (int k = 0; k < 6; k++) {
                b->triangles[t + k] = corners[k];
                const float *p = b->positions + 3 * corners[k];
                double n[3] = {1.4 * p[0], 1.4 * p[1], 1.0}; /* a dome's normals over the plane */
                const double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
                for (int c = 0; c < 3; c++) b->normals[3 * (t + k) + c] = (float)(n[c] / len);
            }
        }
}

static bool render_bumpy(const bumpy *b, float *normal, float *depth, float *color)
{
    const double eye[3] = {0.6, -2.2, 2.8}, target[3] = {0, 0, 0.2}, up[3] = {0, 0, 1};
    float view[16], proj[16];
    camera_look_at(eye, target, up, view, NULL);
    camera_perspective(50.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){b->positions, sizeof b->positions / sizeof(float)};
    mesh.triangles = (bv_uints){b->triangles, sizeof b->triangles / sizeof(uint32_t)};
    mesh.normals = (bv_floats){b->normals, sizeof b->normals / sizeof(float)};
    float texel[4] = {1, 1, 1, 1};
    bv_texture *tex = texture_solid(texel);
    mesh.texture = tex;
    float uvs[GRID * GRID * 12];
    for (size_t i = 0; i < sizeof uvs / sizeof uvs[0]; i++) uvs[i] = 0.5f;
    mesh.uvs = (bv_floats){uvs, sizeof uvs / sizeof uvs[0]};
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.normal_space = BV_NORMAL_CAMERA;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.normal = (bv_float_span){normal, (size_t)W * H * 3};
    t.depth = (bv_float_span){depth, (size_t)W * H};
    t.color = (bv_float_span){color, (size_t)W * H * 4};
    const bv_status s = bv_render(&d, &t);
    bv_texture_destroy(tex);
    return CHECK_MSG(s == BV_OK, "%s", bv_error_message());
}

static float normal_in[W * H * 3], depth_in[W * H], color_in[W * H * 4], out[W * H * 4];

/* The 8-bit codes of a camera-facing normal and of the background are (128, 128, 255). */
static void test_a_facing_surface_encodes_to_128_128_255(void)
{
    const float normals[6] = {0, 0, 1, 0, 0, 0}; /* a facing surface, then nothing */
    const float color[8] = {0.2f, 0.4f, 0.6f, 1.0f, 0, 0, 0, 0};
    float encoded[8];
    for (int y = 0; y < 2; y++) {
        const bv_normal_sheet_desc d = {{normals, 6}, {color, 8}, 2, 1, (bv_normal_y)y};
        if (!CHECK_MSG(bv_normal_sheet_encode(&d, (bv_float_span){encoded, 8}) == BV_OK, "%s", bv_error_message()))
            continue;
        const int expected[8] = {128, 128, 255, 255, 128, 128, 255, 0};
        for (int k = 0; k < 8; k++)
            CHECK_MSG(bv_unit_to_8bit(encoded[k]) == expected[k], "y %d, value %d: %g -> %d, expected %d", y, k,
                      (double)encoded[k], bv_unit_to_8bit(encoded[k]), expected[k]);
    }
}

/* Every covered pixel of a render decodes (code / 255 * 2 - 1, green negated when down) to the
 * render's camera-space normal within 1/127 per component; alpha is the colour's, exactly; the
 * view really holds normals leaning every way (so a swapped or unflipped channel would show). */
static void test_normal_sheet_decodes_to_the_rendered_normals(void)
{
    bumpy b;
    bumpy_init(&b);
    if (!render_bumpy(&b, normal_in, depth_in, color_in)) return;
    for (int y = 0; y < 2; y++) {
        const bv_normal_sheet_desc d = {{normal_in, W * H * 3}, {color_in, W * H * 4}, W, H, (bv_normal_y)y};
        if (!CHECK_MSG(bv_normal_sheet_encode(&d, (bv_float_span){out, W * H * 4}) == BV_OK, "%s",
                       bv_error_message()))
            continue;
        int covered = 0, empty = 0, signs = 0;
        double worst = 0.0;
        for (int p = 0; p < W * H; p++) {
            const float *n = normal_in + 3 * p;
            const float *o = out + 4 * p;
            CHECK(o[3] == color_in[4 * p + 3]);
            if (depth_in[p] == BV_DEPTH_EMPTY) {
                CHECK(bv_unit_to_8bit(o[0]) == 128 && bv_unit_to_8bit(o[1]) == 128 && bv_unit_to_8bit(o[2]) == 255);
                empty++;
                continue;
            }
            covered++;
            signs |= (n[0] > 0.2f) | (n[0] < -0.2f) << 1 | (n[1] > 0.2f) << 2 | (n[1] < -0.2f) << 3;
            for (int k = 0; k < 3; k++) {
                double decoded = bv_unit_to_8bit(o[k]) / 255.0 * 2.0 - 1.0;
                if (k == 1 && y == BV_NORMAL_Y_DOWN) decoded = -decoded;
                const double error = fabs(decoded - n[k]);
                worst = error > worst ? error : worst;
                CHECK_MSG(error <= 1.0 / 127.0, "y %d pixel %d channel %d: %g decodes to %g", y, p, k, (double)n[k],
                          decoded);
            }
        }
        CHECK_MSG(covered > W * H / 4 && empty > 0 && signs == 15, "covered %d, empty %d, signs %x", covered,
                  empty, signs);
        CHECK(worst <= 1.0 / 255.0 + 1e-6); /* half a code step of 2 / 255 */
    }
}

/* Depth maps linearly: near -> 0, far -> 1, clamped outside; nothing seen -> 1; decoded from the
 * 16-bit code it is within half a step of (far - near) / 65535; alpha is the colour's. */
static void test_depth_sheet_maps_near_to_0_and_far_to_1(void)
{
    bumpy b;
    bumpy_init(&b);
    if (!render_bumpy(&b, normal_in, depth_in, color_in)) return;
    double lo = INFINITY, hi = -INFINITY;
    for (int p = 0; p < W * H; p++)
        if (depth_in[p] != BV_DEPTH_EMPTY) lo = fmin(lo, depth_in[p]), hi = fmax(hi, depth_in[p]);
    if (!CHECK(hi > lo)) return;
    const double near_depth = lo - 0.25, far_depth = hi + 0.5;
    const bv_depth_sheet_desc d = {{depth_in, W * H}, {color_in, W * H * 4}, W, H, near_depth, far_depth};
    if (!CHECK_MSG(bv_depth_sheet_encode(&d, (bv_float_span){out, W * H * 2}) == BV_OK, "%s", bv_error_message()))
        return;
    const double step = (far_depth - near_depth) / 65535.0;
    for (int p = 0; p < W * H; p++) {
        CHECK(out[2 * p + 1] == color_in[4 * p + 3]);
        if (depth_in[p] == BV_DEPTH_EMPTY) {
            CHECK(out[2 * p] == 1.0f);
            continue;
        }
        const double decoded = near_depth + bv_unit_to_16bit(out[2 * p]) / 65535.0 * (far_depth - near_depth);
        CHECK_MSG(fabs(decoded - depth_in[p]) <= 0.5 * step + 1e-6 * far_depth, "pixel %d: %g decodes to %g", p,
                  (double)depth_in[p], decoded);
    }
    /* clamped outside the range, and the ends exact */
    const float depths[5] = {1.0f, 3.0f, 0.5f, 9.0f, BV_DEPTH_EMPTY};
    const float color[20] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0.5f, 0, 0, 0, 1, 0, 0, 0, 0};
    float encoded[10];
    const bv_depth_sheet_desc e = {{depths, 5}, {color, 20}, 5, 1, 1.0, 3.0};
    if (CHECK(bv_depth_sheet_encode(&e, (bv_float_span){encoded, 10}) == BV_OK)) {
        const float expected[10] = {0.0f, 1.0f, 1.0f, 1.0f, 0.0f, 0.5f, 1.0f, 1.0f, 1.0f, 0.0f};
        for (int k = 0; k < 10; k++) CHECK_MSG(encoded[k] == expected[k], "value %d: %g", k, (double)encoded[k]);
    }
}

/* Each bad description is refused with a reason and the output keeps its contents. */
static void test_bad_input_is_refused_and_nothing_written(void)
{
    float normals[6] = {0, 0, 1, 0, 0, 1}, color[8] = {0, 0, 0, 1, 0, 0, 0, 1}, depth[2] = {1, 2};
    float o[8];
    for (int k = 0; k < 8; k++) o[k] = -7.0f;
    const bv_float_span o8 = {o, 8}, o4 = {o, 4};
    bv_normal_sheet_desc n = {{normals, 6}, {color, 8}, 2, 1, BV_NORMAL_Y_UP};
    bv_normal_sheet_desc bad = n;
    CHECK_EQ_INT(bv_normal_sheet_encode(NULL, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "desc is NULL");
    bad.width = 0;
    CHECK_EQ_INT(bv_normal_sheet_encode(&bad, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size 0 x 1 is not positive");
    bad = n;
    bad.normals.count = 5;
    CHECK_EQ_INT(bv_normal_sheet_encode(&bad, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "normals holds 5 floats, 2 x 1 needs 6");
    bad = n;
    bad.color.ptr = NULL;
    CHECK_EQ_INT(bv_normal_sheet_encode(&bad, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "color is NULL");
    CHECK_EQ_INT(bv_normal_sheet_encode(&n, o4), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "out holds 4 floats, 2 x 1 needs 8");
    bad = n;
    bad.y = (bv_normal_y)2;
    CHECK_EQ_INT(bv_normal_sheet_encode(&bad, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "unknown y 2");
    normals[4] = NAN;
    CHECK_EQ_INT(bv_normal_sheet_encode(&n, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "the normal of pixel 1 is NaN or infinite");
    normals[4] = 0.0f;
    color[3] = INFINITY;
    CHECK_EQ_INT(bv_normal_sheet_encode(&n, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "the alpha of pixel 0 is NaN or infinite");
    color[3] = 1.0f;

    bv_depth_sheet_desc d = {{depth, 2}, {color, 8}, 2, 1, 0.5, 4.0};
    bv_depth_sheet_desc dbad = d;
    CHECK_EQ_INT(bv_depth_sheet_encode(NULL, o4), BV_ERROR_INVALID_ARGUMENT);
    dbad.depth.count = 3;
    CHECK_EQ_INT(bv_depth_sheet_encode(&dbad, o4), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "depth holds 3 floats, 2 x 1 needs 2");
    CHECK_EQ_INT(bv_depth_sheet_encode(&d, o8), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "out holds 8 floats, 2 x 1 needs 4");
    const double ranges[][2] = {{2, 2}, {3, 1}, {NAN, 1}, {0, INFINITY}};
    for (int i = 0; i < 4; i++) {
        dbad = d;
        dbad.near_depth = ranges[i][0];
        dbad.far_depth = ranges[i][1];
        CHECK_EQ_INT(bv_depth_sheet_encode(&dbad, o4), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), "is not a finite, increasing range");
    }
    depth[1] = NAN;
    CHECK_EQ_INT(bv_depth_sheet_encode(&d, o4), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "the depth of pixel 1 is NaN");
    for (int k = 0; k < 8; k++) CHECK(o[k] == -7.0f);
}

int main(void)
{
    RUN(test_a_facing_surface_encodes_to_128_128_255);
    RUN(test_normal_sheet_decodes_to_the_rendered_normals);
    RUN(test_depth_sheet_maps_near_to_0_and_far_to_1);
    RUN(test_bad_input_is_refused_and_nothing_written);
    return check_summary();
}
