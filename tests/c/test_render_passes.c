/* Each render pass: colour (straight or premultiplied, over the background), alpha (filtered
 * coverage), depth (distance along the view axis, BV_DEPTH_EMPTY where empty), normal
 * (world space or the camera's, facing the camera; per-corner normals; matrix_world incl.
 * mirroring), uv and object id (BV_OBJECT_ID_EMPTY where empty). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "raster.h"
#include "scene.h"

/* Orthographic camera at the origin looking down -Z; the frame spans x in [-1, 1] and
 * y in [-h/w, h/w]. */
static void ortho_camera(int w, int h, float view[16], float proj[16])
{
    mat_identity(view);
    camera_orthographic(2.0f, w, h, 0.1f, 100.0f, proj);
}

/* World position of the centre of pixel (x, y) for ortho_camera. */
static void ortho_pixel_world(int x, int y, int w, int h, double *r_x, double *r_y)
{
    *r_x = ndc_of_pixel(x, w);
    *r_y = ndc_of_pixel(y, h) * h / w;
}

static bool render(const bv_render_desc *d, const bv_render_targets *t)
{
    const bv_status s = bv_render(d, t);
    return CHECK_MSG(s == BV_OK, "bv_render: %s: %s", bv_status_name(s), bv_error_message());
}

/* --- colour and alpha --- */

/* Filtered coverage of a vertical edge at pixel column `edge` (covered left of it) for pixel
 * column px: the sum of the normalised 1-D filter weights of the samples left of the edge. */
static double edge_coverage(int px, int edge, int n, bv_filter filter, float width)
{
    bv__grid g;
    bv__grid_init(&g, n);
    double covered = 0.0, total = 0.0;
    for (int k = -10 * n; k <= 11 * n; k++) {
        const int s = n * px + k;
        const double x = (double)bv__sample_coord(&g, s) / BV__SUBPIXEL_ONE;
        const double wt = bv_filter_weight(filter, width, (float)(x - px - 0.5));
        total += wt;
        if (x < edge) covered += wt;
    }
    return covered / total;
}

/* A quad covering the left half of the frame (its edge on the pixel boundary x = 0), an opaque
 * solid colour; alpha is the filtered coverage, colour the texture over the background:
 * premultiplied c A + bg (1 - A), straight that divided by its alpha. */
static void test_color_is_straight_or_premultiplied_over_the_background(void)
{
    enum { W = 32, H = 12 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 0.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    float texel[4] = {0.8f, 0.4f, 0.2f, 1.0f};
    bv_texture *tex = texture_solid(texel);
    const bv_mesh mesh = quad_view(&q, tex, 1);
    const float backgrounds[][4] = {{0, 0, 0, 0}, {0, 0, 1, 0.5f}, {0.25f, 0.5f, 1.0f, 1.0f}};
    float color[W * H * 4], alpha[W * H];
    for (int b = 0; b < 3; b++)
        for (int pre = 0; pre < 2; pre++) {
            bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
            memcpy(d.background, backgrounds[b], sizeof d.background);
            d.premultiplied = pre != 0;
            bv_render_targets t;
            memset(&t, 0, sizeof t);
            t.color = (bv_float_span){color, W * H * 4};
            t.alpha = (bv_float_span){alpha, W * H};
            if (!render(&d, &t)) continue;
            const float *bg = backgrounds[b];
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    const int i = y * W + x;
                    const double A = edge_coverage(x, W / 2, 4, BV_FILTER_BLACKMAN_HARRIS, 1.5f);
                    CHECK_MSG(fabs(alpha[i] - A) < 1e-5, "column %d: alpha %.7g, expected %.7g", x,
                              (double)alpha[i], A);
                    double e[4];
                    for (int k = 0; k < 3; k++) e[k] = texel[k] * A + bg[k] * bg[3] * (1.0 - A);
                    e[3] = A + bg[3] * (1.0 - A);
                    if (!pre) {
                        for (int k = 0; k < 3; k++) e[k] = e[3] > 0 ? e[k] / e[3] : 0.0;
                    }
                    for (int k = 0; k < 4; k++)
                        CHECK_MSG(fabs(color[4 * i + k] - e[k]) < 1e-5,
                                  "bg %d %s column %d channel %d: %.7g, expected %.7g", b,
                                  pre ? "premultiplied" : "straight", x, k,
                                  (double)color[4 * i + k], e[k]);
                }
            /* the geometry puts pixels on both sides and on the edge */
            CHECK(alpha[0] > 0.9999f && alpha[W - 1] == 0.0f && alpha[W / 2] > 0.0f && alpha[W / 2] < 0.5f);
        }
    bv_texture_destroy(tex);
}

/* Texture alpha is not coverage: as Cycles' Image Texture Color output (Alpha unused) the colour
 * is the premultiplied texel, and the surface is opaque. */
static void test_texture_alpha_premultiplies_colour_but_coverage_is_alpha(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    float texel[4] = {1.0f, 0.5f, 0.0f, 0.5f};
    bv_texture *tex = texture_solid(texel);
    const bv_mesh mesh = quad_view(&q, tex, 1);
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    const float bg[4] = {0, 0, 1, 1};
    memcpy(d.background, bg, sizeof bg);
    float color[W * H * 4], alpha[W * H];
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.color = (bv_float_span){color, W * H * 4};
    t.alpha = (bv_float_span){alpha, W * H};
    if (!render(&d, &t)) return;
    for (int i = 0; i < W * H; i++) {
        CHECK_NEAR(alpha[i], 1.0, 1e-6);
        CHECK_NEAR(color[4 * i + 0], 0.5, 1e-6);
        CHECK_NEAR(color[4 * i + 1], 0.25, 1e-6);
        CHECK_NEAR(color[4 * i + 2], 0.0, 1e-6); /* the background does not show through */
        CHECK_NEAR(color[4 * i + 3], 1.0, 1e-6);
    }
    bv_texture_destroy(tex);
}

/* Nothing in view: alpha 0, colour the background (straight or premultiplied). */
static void test_empty_view_shows_the_background(void)
{
    enum { W = 8, H = 4 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    const float bg[4] = {0.5f, 0.25f, 1.0f, 0.5f};
    float color[W * H * 4], alpha[W * H];
    for (int pre = 0; pre < 2; pre++) {
        bv_render_desc d = desc_for(view, proj, W, H, NULL, 0);
        memcpy(d.background, bg, sizeof bg);
        d.premultiplied = pre != 0;
        bv_render_targets t;
        memset(&t, 0, sizeof t);
        t.color = (bv_float_span){color, W * H * 4};
        t.alpha = (bv_float_span){alpha, W * H};
        if (!render(&d, &t)) continue;
        for (int i = 0; i < W * H; i++) {
            CHECK(alpha[i] == 0.0f);
            for (int k = 0; k < 3; k++)
                CHECK_NEAR(color[4 * i + k], pre ? bg[k] * bg[3] : bg[k], 1e-6);
            CHECK_NEAR(color[4 * i + 3], bg[3], 1e-6);
        }
    }
}

/* --- data passes --- */

/* The quad over the left half again, data passes read at the pixel centre (odd samples): depth
 * is 3 and the object id 7 on the left, BV_DEPTH_EMPTY / BV_OBJECT_ID_EMPTY / zero normal and uv
 * on the right. UVs equal the analytic mapping at the pixel centre. */
static void test_data_passes_are_exact_where_covered_and_empty_elsewhere(void)
{
    enum { W = 32, H = 12 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    /* UV = ((x + 5) / 5, (y + 5) / 10) over x in [-5, 0], y in [-5, 5] */
    quad_init(&q, -5.0f, -5.0f, 0.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    const bv_mesh mesh = quad_view(&q, NULL, 7);
    all_passes p;
    passes_alloc(&p, W, H);
    for (int samples = 1; samples <= 5; samples += 2) {
        bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
        d.samples = samples;
        bv_render_targets t = passes_targets(&p);
        t.color = (bv_float_span){NULL, 0};
        if (!render(&d, &t)) continue;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const int i = y * W + x;
                double wx, wy;
                ortho_pixel_world(x, y, W, H, &wx, &wy);
                if (x < W / 2) {
                    CHECK_NEAR(p.depth[i], 3.0, 1e-5);
                    CHECK(p.object_id[i] == 7.0f);
                    CHECK_NEAR(p.uv[2 * i], (wx + 5.0) / 5.0, 1e-5);
                    CHECK_NEAR(p.uv[2 * i + 1], (wy + 5.0) / 10.0, 1e-5);
                    CHECK_NEAR(p.normal[3 * i + 0], 0.0, 1e-6);
                    CHECK_NEAR(p.normal[3 * i + 1], 0.0, 1e-6);
                    CHECK_NEAR(p.normal[3 * i + 2], 1.0, 1e-6);
                } else {
                    CHECK_MSG(p.depth[i] == BV_DEPTH_EMPTY, "pixel (%d, %d): depth %g", x, y, (double)p.depth[i]);
                    CHECK_MSG(p.object_id[i] == BV_OBJECT_ID_EMPTY, "pixel (%d, %d): id %g", x, y,
                              (double)p.object_id[i]);
                    CHECK(p.uv[2 * i] == 0.0f && p.uv[2 * i + 1] == 0.0f);
                    CHECK(p.normal[3 * i] == 0.0f && p.normal[3 * i + 1] == 0.0f && p.normal[3 * i + 2] == 0.0f);
                }
            }
    }
    passes_free(&p);
}

/* Object ids up to 2^24 - 1 come through exactly. */
static void test_object_ids_are_exact_up_to_two_to_the_24(void)
{
    enum { W = 4, H = 4 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    const uint32_t ids[] = {0, 1, 12345, (1u << 24) - 1};
    for (size_t k = 0; k < 4; k++) {
        const bv_mesh mesh = quad_view(&q, NULL, ids[k]);
        bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
        float out[W * H];
        bv_render_targets t;
        memset(&t, 0, sizeof t);
        t.object_id = (bv_float_span){out, W * H};
        if (!render(&d, &t)) continue;
        for (int i = 0; i < W * H; i++)
            CHECK_MSG(out[i] == (float)ids[k] && (uint32_t)out[i] == ids[k], "id %u came out as %.1f",
                      ids[k], (double)out[i]);
    }
}

/* Render one mesh and return the normal at every pixel (data at the centre); false on failure. */
static bool render_normals(const bv_mesh *mesh, const float view[16], const float proj[16], int w,
                           int h, bool cull, float *normal, float *depth)
{
    bv_render_desc d = desc_for(view, proj, w, h, mesh, 1);
    d.samples = 3;
    d.cull_backfaces = cull;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.normal = (bv_float_span){normal, (size_t)w * h * 3};
    t.depth = (bv_float_span){depth, (size_t)w * h};
    return render(&d, &t);
}

static void expect_uniform_normal(const float *normal, const float *depth, int count, const double e[3],
                                  double expected_depth, const char *what)
{
    const double len = sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
    int bad = 0;
    for (int i = 0; i < count && bad < 3; i++) {
        bool ok = depth[i] != BV_DEPTH_EMPTY && fabs(depth[i] - expected_depth) < 1e-4;
        for (int k = 0; k < 3; k++) ok = ok && fabs(normal[3 * i + k] - e[k] / len) < 1e-5;
        if (!CHECK_MSG(ok, "%s: pixel %d normal (%.6g, %.6g, %.6g) depth %g, expected (%.6g, %.6g, %.6g) at %g",
                       what, i, (double)normal[3 * i], (double)normal[3 * i + 1], (double)normal[3 * i + 2],
                       (double)depth[i], e[0] / len, e[1] / len, e[2] / len, expected_depth))
            bad++;
    }
}

/* A quad facing +Z seen from +Z gives (0, 0, 1) whatever its winding; seen from behind, the
 * normal turns to face the camera: (0, 0, -1). */
static void test_normal_is_world_space_and_faces_the_camera(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    bv_mesh mesh = quad_view(&q, NULL, 1);
    const double plus_z[3] = {0, 0, 1}, minus_z[3] = {0, 0, -1};
    if (render_normals(&mesh, view, proj, W, H, false, normal, depth))
        expect_uniform_normal(normal, depth, W * H, plus_z, 3.0, "front");
    /* reversed winding */
    quad_mesh r = q;
    const uint32_t reversed[6] = {0, 2, 1, 0, 3, 2};
    memcpy(r.triangles, reversed, sizeof reversed);
    mesh = quad_view(&r, NULL, 1);
    if (render_normals(&mesh, view, proj, W, H, false, normal, depth))
        expect_uniform_normal(normal, depth, W * H, plus_z, 3.0, "reversed winding");
    /* camera at the origin looking down +Z at the quad moved to z = +3: sees its back */
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, 3.0f, 0, 0, 1, 1);
    mesh = quad_view(&q, NULL, 1);
    const double eye[3] = {0, 0, 0}, target[3] = {0, 0, 1}, up[3] = {0, 1, 0};
    float back_view[16];
    camera_look_at(eye, target, up, back_view, NULL);
    if (render_normals(&mesh, back_view, proj, W, H, false, normal, depth))
        expect_uniform_normal(normal, depth, W * H, minus_z, 3.0, "seen from behind");
    /* and culling drops it */
    if (render_normals(&mesh, back_view, proj, W, H, true, normal, depth))
        for (int i = 0; i < W * H; i++) CHECK(depth[i] == BV_DEPTH_EMPTY);
}

/* Per-corner normals are interpolated (perspective-correct barycentrics, here affine under an
 * orthographic camera) and normalised. */
static void test_corner_normals_are_interpolated_and_normalised(void)
{
    enum { W = 24, H = 24 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    ortho_camera(W, H, view, proj);
    const float pos[9] = {-3, -3, -2, 3, -3, -2, 0, 3, -2};
    const uint32_t tri[3] = {0, 1, 2};
    const double n[3][3] = {{-0.5, -0.2, 1.0}, {0.6, -0.1, 1.0}, {0.0, 0.7, 2.0}}; /* not unit */
    float normals[9];
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++) normals[3 * c + k] = (float)n[c][k];
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){pos, 9};
    mesh.triangles = (bv_uints){tri, 3};
    mesh.normals = (bv_floats){normals, 9};
    if (!render_normals(&mesh, view, proj, W, H, false, normal, depth)) return;
    int checked = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double wx, wy;
            ortho_pixel_world(x, y, W, H, &wx, &wy);
            /* barycentrics in the xy plane */
            const double area = (pos[3] - pos[0]) * (pos[7] - pos[1]) - (pos[6] - pos[0]) * (pos[4] - pos[1]);
            const double b1 = ((wx - pos[0]) * (pos[7] - pos[1]) - (pos[6] - pos[0]) * (wy - pos[1])) / area;
            const double b2 = ((pos[3] - pos[0]) * (wy - pos[1]) - (wx - pos[0]) * (pos[4] - pos[1])) / area;
            const double b0 = 1.0 - b1 - b2;
            if (b0 < 0.02 || b1 < 0.02 || b2 < 0.02) continue;
            double e[3], len = 0;
            for (int k = 0; k < 3; k++) {
                e[k] = b0 * n[0][k] + b1 * n[1][k] + b2 * n[2][k];
                len += e[k] * e[k];
            }
            len = sqrt(len);
            const int i = y * W + x;
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabs(normal[3 * i + k] - e[k] / len) < 1e-5, "pixel (%d, %d) channel %d: %.6g vs %.6g",
                          x, y, k, (double)normal[3 * i + k], e[k] / len);
            checked++;
        }
    CHECK(checked > 100);
}

/* matrix_world is row-major with the translation in the last column; normals go through its
 * rotation. A quad in the object's XY plane, rotated +90 degrees about X and moved to y = 5,
 * faces -Y; a camera at the origin looking down +Y sees it at depth 5 with normal (0, -1, 0). */
static void test_matrix_world_is_row_major_and_rotates_normals(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    const double eye[3] = {0, 0, 0}, target[3] = {0, 1, 0}, up[3] = {0, 0, 1};
    camera_look_at(eye, target, up, view, NULL);
    camera_orthographic(2.0f, W, H, 0.1f, 100.0f, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, 0.0f, 0, 0, 1, 1);
    bv_mesh mesh = quad_view(&q, NULL, 1);
    /* R_x(90): y' = -z, z' = y; then translate by (0, 5, 0) */
    const float m[16] = {1, 0, 0, 0, 0, 0, -1, 5, 0, 1, 0, 0, 0, 0, 0, 1};
    memcpy(mesh.matrix_world, m, sizeof m);
    const double e[3] = {0, -1, 0};
    if (render_normals(&mesh, view, proj, W, H, true, normal, depth))
        expect_uniform_normal(normal, depth, W * H, e, 5.0, "rotated and moved");
}

/* Render one mesh's normals in the camera's space. */
static bool render_camera_normals(const bv_mesh *mesh, const float view[16], const float proj[16],
                                  int w, int h, float *normal, float *depth)
{
    bv_render_desc d = desc_for(view, proj, w, h, mesh, 1);
    d.samples = 3;
    d.normal_space = BV_NORMAL_CAMERA;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.normal = (bv_float_span){normal, (size_t)w * h * 3};
    t.depth = (bv_float_span){depth, (size_t)w * h};
    return render(&d, &t);
}

/* In the camera's space a surface facing the camera is (0, 0, 1) wherever the camera is: looking
 * down -Z at a quad facing +Z, down +Y at one facing -Y (matrix_world turns it), and at the back
 * of one (its normal turned to face the camera). */
static void test_camera_space_normal_of_a_facing_quad_is_plus_z(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    const double plus_z[3] = {0, 0, 1};
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    bv_mesh mesh = quad_view(&q, NULL, 1);
    if (render_camera_normals(&mesh, view, proj, W, H, normal, depth))
        expect_uniform_normal(normal, depth, W * H, plus_z, 3.0, "looking down -Z");
    /* looking down +Y at the quad rotated to face -Y (world normal (0, -1, 0)) */
    const double eye[3] = {0, 0, 0}, along_y[3] = {0, 1, 0}, up_z[3] = {0, 0, 1};
    float view_y[16];
    camera_look_at(eye, along_y, up_z, view_y, NULL);
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, 0.0f, 0, 0, 1, 1);
    mesh = quad_view(&q, NULL, 1);
    const float m[16] = {1, 0, 0, 0, 0, 0, -1, 5, 0, 1, 0, 0, 0, 0, 0, 1};
    memcpy(mesh.matrix_world, m, sizeof m);
    if (render_camera_normals(&mesh, view_y, proj, W, H, normal, depth))
        expect_uniform_normal(normal, depth, W * H, plus_z, 5.0, "looking down +Y");
    /* the back of a quad facing +Z, seen looking down +Z */
    const double along_z[3] = {0, 0, 1}, up_y[3] = {0, 1, 0};
    float view_z[16];
    camera_look_at(eye, along_z, up_y, view_z, NULL);
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, 3.0f, 0, 0, 1, 1);
    mesh = quad_view(&q, NULL, 1);
    if (render_camera_normals(&mesh, view_z, proj, W, H, normal, depth))
        expect_uniform_normal(normal, depth, W * H, plus_z, 3.0, "the back, looking down +Z");
}

/* A camera looking obliquely at a large quad in the world's XY plane whose corner normals all
 * lean one way, n: in the camera's space every pixel shows the camera axes' components of n
 * (x right, y up, z toward the viewer), and a camera object scaled unevenly (its view matrix
 * scaled by 1 / scale row by row) sees the same normals. */
static void test_camera_space_normals_follow_the_camera_and_ignore_its_scale(void)
{
    enum { W = 24, H = 16 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    const double eye[3] = {3.0, -4.0, 2.5}, target[3] = {0.3, 0.2, 0.0}, up[3] = {0, 0, 1};
    double axes[3][3];
    camera_look_at(eye, target, up, view, axes);
    camera_perspective(35.0f, 36.0f, W, H, 0.1f, 500.0f, proj);
    quad_mesh q;
    quad_init(&q, -60.0f, -60.0f, 60.0f, 60.0f, 0.0f, 0, 0, 1, 1);
    const double n[3] = {0.5, 0.1, 0.9}; /* leans toward the camera's right, up and toward it */
    const double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int c = 0; c < 6; c++)
        for (int k = 0; k < 3; k++) q.normals[3 * c + k] = (float)n[k];
    bv_mesh mesh = quad_view(&q, NULL, 1);
    mesh.normals = (bv_floats){q.normals, 18};
    double expected[3];
    for (int row = 0; row < 3; row++)
        expected[row] = (axes[row][0] * n[0] + axes[row][1] * n[1] + axes[row][2] * n[2]) / len;
    CHECK(expected[0] > 0.3 && expected[1] > 0.3 && expected[2] > 0.3); /* no axis is trivial */
    const double scales[2][3] = {{1.0, 1.0, 1.0}, {2.0, 0.5, 3.0}};
    for (int s = 0; s < 2; s++) {
        float scaled[16];
        memcpy(scaled, view, sizeof scaled);
        for (int row = 0; row < 3; row++)
            for (int col = 0; col < 4; col++) scaled[4 * row + col] = (float)(view[4 * row + col] / scales[s][row]);
        if (!render_camera_normals(&mesh, scaled, proj, W, H, normal, depth)) continue;
        int covered = 0;
        for (int i = 0; i < W * H; i++) {
            if (depth[i] == BV_DEPTH_EMPTY) continue;
            covered++;
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabs(normal[3 * i + k] - expected[k]) < 1e-5, "scale %d: pixel %d ch %d: %.7g vs %.7g",
                          s, i, k, (double)normal[3 * i + k], expected[k]);
        }
        CHECK_MSG(covered > W * H / 3, "scale %d: %d pixels covered", s, covered);
    }
}

/* Normals transform by the inverse transpose: a plane z = x scaled by 2 along x becomes z = x / 2
 * with normal (-1/2, 0, 1) (normalised), for flat and per-corner normals alike. */
static void test_non_uniform_scale_uses_the_inverse_transpose(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -2.0f, -5.0f, 2.0f, 5.0f, 0.0f, 0, 0, 1, 1);
    for (int c = 0; c < 4; c++) q.positions[3 * c + 2] = q.positions[3 * c] - 4.0f; /* z = x - 4 */
    for (int c = 0; c < 6; c++) {
        q.normals[3 * c] = -1.0f;
        q.normals[3 * c + 1] = 0.0f;
        q.normals[3 * c + 2] = 1.0f;
    }
    const float m[16] = {2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    const double e[3] = {-0.5, 0, 1};
    for (int corner = 0; corner < 2; corner++) {
        bv_mesh mesh = quad_view(&q, NULL, 1);
        memcpy(mesh.matrix_world, m, sizeof m);
        if (corner) mesh.normals = (bv_floats){q.normals, 18};
        if (!render_normals(&mesh, view, proj, W, H, false, normal, depth)) continue;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double wx, wy;
                ortho_pixel_world(x, y, W, H, &wx, &wy);
                const int i = y * W + x;
                const double len = sqrt(1.25);
                for (int k = 0; k < 3; k++)
                    CHECK_MSG(fabs(normal[3 * i + k] - e[k] / len) < 1e-5, "%s: pixel %d ch %d: %.6g",
                              corner ? "corner normals" : "flat", i, k, (double)normal[3 * i + k]);
                CHECK_NEAR(depth[i], 4.0 - wx / 2.0, 1e-4); /* world z = x / 2 - 4 */
            }
    }
}

/* A mirroring matrix_world (negative determinant) flips the winding seen from outside: a quad
 * that faces the camera in object space still faces it (and survives culling), and its normal is
 * the mirrored one. */
static void test_mirrored_matrix_world_keeps_front_faces_and_mirrors_normals(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16], normal[W * H * 3], depth[W * H];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, 0.0f, 0, 0, 1, 1);
    for (int c = 0; c < 4; c++) q.positions[3 * c + 2] = 0.5f * q.positions[3 * c] - 4.0f; /* z = x/2 - 4 */
    for (int c = 0; c < 6; c++) {
        q.normals[3 * c] = -0.5f;
        q.normals[3 * c + 1] = 0.0f;
        q.normals[3 * c + 2] = 1.0f;
    }
    const float mirror_x[16] = {-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    const double e[3] = {0.5, 0, 1}; /* world plane z = -x/2 - 4 */
    for (int corner = 0; corner < 2; corner++) {
        bv_mesh mesh = quad_view(&q, NULL, 1);
        memcpy(mesh.matrix_world, mirror_x, sizeof mirror_x);
        if (corner) mesh.normals = (bv_floats){q.normals, 18};
        if (!render_normals(&mesh, view, proj, W, H, true, normal, depth)) continue;
        const double len = sqrt(1.25);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double wx, wy;
                ortho_pixel_world(x, y, W, H, &wx, &wy);
                const int i = y * W + x;
                CHECK_MSG(depth[i] != BV_DEPTH_EMPTY, "%s: pixel %d culled as a back face",
                          corner ? "corner normals" : "flat", i);
                for (int k = 0; k < 3; k++)
                    CHECK_MSG(fabs(normal[3 * i + k] - e[k] / len) < 1e-5, "%s: pixel %d ch %d: %.6g, expected %.6g",
                              corner ? "corner normals" : "flat", i, k, (double)normal[3 * i + k], e[k] / len);
                CHECK_NEAR(depth[i], 4.0 + wx / 2.0, 1e-4);
            }
    }
    /* reversed winding under the mirror is a back face: culled */
    quad_mesh r = q;
    const uint32_t reversed[6] = {0, 2, 1, 0, 3, 2};
    memcpy(r.triangles, reversed, sizeof reversed);
    bv_mesh mesh = quad_view(&r, NULL, 1);
    memcpy(mesh.matrix_world, mirror_x, sizeof mirror_x);
    if (render_normals(&mesh, view, proj, W, H, true, normal, depth))
        for (int i = 0; i < W * H; i++) CHECK(depth[i] == BV_DEPTH_EMPTY);
    /* without culling it shows, its normal facing the camera */
    if (render_normals(&mesh, view, proj, W, H, false, normal, depth))
        expect_uniform_normal(normal, depth, 1, e, depth[0], "mirrored back face, unculled");
}

/* Data-only renders need neither texture nor UVs (alpha-only ones neither). */
static void test_data_and_alpha_passes_need_no_texture_or_uvs(void)
{
    enum { W = 8, H = 8 };
    float view[16], proj[16];
    ortho_camera(W, H, view, proj);
    quad_mesh q;
    quad_init(&q, -5.0f, -5.0f, 5.0f, 5.0f, -3.0f, 0, 0, 1, 1);
    bv_mesh mesh = quad_view(&q, NULL, 4);
    mesh.uvs = (bv_floats){NULL, 0};
    float depth[W * H], alpha[W * H], ids[W * H], normal[W * H * 3];
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.depth = (bv_float_span){depth, W * H};
    t.alpha = (bv_float_span){alpha, W * H};
    t.object_id = (bv_float_span){ids, W * H};
    t.normal = (bv_float_span){normal, W * H * 3};
    if (!render(&d, &t)) return;
    for (int i = 0; i < W * H; i++) {
        CHECK_NEAR(depth[i], 3.0, 1e-5);
        CHECK_NEAR(alpha[i], 1.0, 1e-6);
        CHECK(ids[i] == 4.0f);
    }
}

int main(void)
{
    RUN(test_color_is_straight_or_premultiplied_over_the_background);
    RUN(test_texture_alpha_premultiplies_colour_but_coverage_is_alpha);
    RUN(test_empty_view_shows_the_background);
    RUN(test_data_passes_are_exact_where_covered_and_empty_elsewhere);
    RUN(test_object_ids_are_exact_up_to_two_to_the_24);
    RUN(test_normal_is_world_space_and_faces_the_camera);
    RUN(test_corner_normals_are_interpolated_and_normalised);
    RUN(test_matrix_world_is_row_major_and_rotates_normals);
    RUN(test_camera_space_normal_of_a_facing_quad_is_plus_z);
    RUN(test_camera_space_normals_follow_the_camera_and_ignore_its_scale);
    RUN(test_non_uniform_scale_uses_the_inverse_transpose);
    RUN(test_mirrored_matrix_world_keeps_front_faces_and_mirrors_normals);
    RUN(test_data_and_alpha_passes_need_no_texture_or_uvs);
    return check_summary();
}
