/* Coverage through bv_render itself (its own tile rasteriser, not only raster.c's reference
 * counter): meshes that tile the frame leave no hole for any sample count, every pixel of every
 * image size is written, huge triangles survive the guard band, and empty meshes in the list do
 * not shift which mesh a triangle belongs to. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "raster.h"
#include "scene.h"

#define SENTINEL 4321.25f

/* A jittered-grid triangulation of the rectangle [x0, x1] x [y0, y1] at depth z: cells of about
 * `cell` units, interior vertices jittered by up to 0.2 cell (every cell stays convex), a random
 * diagonal per cell, random winding per triangle. With `snap` > 0, vertex coordinates are rounded
 * to multiples of 1/snap (e.g. the sample lattice in pixel units). */
typedef struct grid_mesh {
    float *positions;
    uint32_t *triangles;
    float *uvs;
    size_t vertex_count, triangle_count;
} grid_mesh;

static void grid_mesh_build(grid_mesh *g, double x0, double y0, double x1, double y1, double z,
                            double cell, double snap, rng *r)
{
    const int nx = (int)ceil((x1 - x0) / cell), ny = (int)ceil((y1 - y0) / cell);
    const double cx = (x1 - x0) / nx, cy = (y1 - y0) / ny;
    g->vertex_count = (size_t)(nx + 1) * (ny + 1);
    g->triangle_count = 2 * (size_t)nx * ny;
    g->positions = malloc(g->vertex_count * 3 * sizeof(float));
    g->triangles = malloc(g->triangle_count * 3 * sizeof(uint32_t));
    g->uvs = calloc(g->triangle_count * 6, sizeof(float));
    for (int j = 0; j <= ny; j++)
        for (int i = 0; i <= nx; i++) {
            double x = x0 + cx * i, y = y0 + cy * j;
            if (i > 0 && i < nx) x += rng_range(r, -0.2, 0.2) * cx;
            if (j > 0 && j < ny) y += rng_range(r, -0.2, 0.2) * cy;
            if (snap > 0) {
                x = floor(x * snap + 0.5) / snap;
                y = floor(y * snap + 0.5) / snap;
            }
            float *p = g->positions + 3 * ((size_t)j * (nx + 1) + i);
            p[0] = (float)x;
            p[1] = (float)y;
            p[2] = (float)z;
        }
    size_t t = 0;
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            const uint32_t q[4] = {(uint32_t)(j * (nx + 1) + i), (uint32_t)(j * (nx + 1) + i + 1),
                                   (uint32_t)((j + 1) * (nx + 1) + i + 1), (uint32_t)((j + 1) * (nx + 1) + i)};
            const int d = rng_int(r, 0, 1);
            const uint32_t tris[2][3] = {{q[d], q[d + 1], q[d + 2]}, {q[d], q[d + 2], q[(d + 3) % 4]}};
            for (int k = 0; k < 2; k++, t++) {
                const bool flip = rng_int(r, 0, 1) != 0;
                g->triangles[3 * t] = tris[k][0];
                g->triangles[3 * t + 1] = tris[k][flip ? 2 : 1];
                g->triangles[3 * t + 2] = tris[k][flip ? 1 : 2];
            }
        }
}

static void grid_mesh_free(grid_mesh *g)
{
    free(g->positions);
    free(g->triangles);
    free(g->uvs);
    memset(g, 0, sizeof *g);
}

static bv_mesh grid_mesh_view(const grid_mesh *g, uint32_t id)
{
    bv_mesh m;
    memset(&m, 0, sizeof m);
    m.positions = (bv_floats){g->positions, g->vertex_count * 3};
    m.triangles = (bv_uints){g->triangles, g->triangle_count * 3};
    m.uvs = (bv_floats){g->uvs, g->triangle_count * 6};
    m.object_id = id;
    return m;
}

/* Alpha and object id through the renderer: every pixel fully covered. */
static int count_holes(const bv_mesh *mesh, const float view[16], const float proj[16], int w, int h,
                       int samples, float *alpha, float *ids)
{
    bv_render_desc d = desc_for(view, proj, w, h, mesh, 1);
    d.samples = samples;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.alpha = (bv_float_span){alpha, (size_t)w * h};
    t.object_id = (bv_float_span){ids, (size_t)w * h};
    const bv_status s = bv_render(&d, &t);
    if (!CHECK_MSG(s == BV_OK, "%s", bv_error_message())) return -1;
    int holes = 0;
    for (int i = 0; i < w * h; i++) holes += !(alpha[i] >= 1.0f - 1e-5f) || ids[i] != (float)mesh->object_id;
    return holes;
}

static const int sample_counts[] = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16};
#define SAMPLE_COUNTS ((int)(sizeof sample_counts / sizeof sample_counts[0]))

/* Orthographic, one world unit per pixel; vertices anywhere or exactly on sample positions. */
static void test_triangulated_frame_has_no_holes_orthographic(void)
{
    enum { W = 64, H = 32 };
    float view[16], proj[16], alpha[W * H], ids[W * H];
    mat_identity(view);
    camera_orthographic((float)W, W, H, 0.1f, 100.0f, proj);
    rng r = {0xc0ffee};
    int lattice_meshes = 0;
    for (int s = 0; s < SAMPLE_COUNTS; s++) {
        const int n = sample_counts[s];
        for (int trial = 0; trial < 4; trial++) {
            /* snap to 1/256 pixel on even trials; for n = 1, 2, 4, 8, 16 that puts many vertices
               exactly on samples (the frame's pixel grid starts at -W/2) */
            const double snap = trial % 2 == 0 ? 256.0 : 0.0;
            const double cell = rng_range(&r, 0.7, 3.0);
            grid_mesh g;
            grid_mesh_build(&g, -W / 2.0 - 4, -H / 2.0 - 4, W / 2.0 + 4, H / 2.0 + 4, -5.0, cell, snap, &r);
            const bv_mesh mesh = grid_mesh_view(&g, 6);
            const int holes = count_holes(&mesh, view, proj, W, H, n, alpha, ids);
            CHECK_MSG(holes == 0, "samples %d, cell %.3g%s: %d pixels not fully covered", n, cell,
                      snap > 0 ? ", snapped" : "", holes);
            grid_mesh_free(&g);
        }
        /* vertices exactly on the sample lattice of this n (cell = 3 samples) */
        bv__grid grid;
        bv__grid_init(&grid, n);
        grid_mesh g;
        grid_mesh_build(&g, -W / 2.0 - 4, -H / 2.0 - 4, W / 2.0 + 4, H / 2.0 + 4, -5.0, 3.0 / n, 0.0, &r);
        for (size_t v = 0; v < g.vertex_count; v++)
            for (int k = 0; k < 2; k++) {
                const double half = k == 0 ? W / 2.0 : H / 2.0;
                const double pixels = g.positions[3 * v + k] + half;
                const int col = (int)floor(pixels * n);
                g.positions[3 * v + k] = (float)((double)bv__sample_coord(&grid, col) / BV__SUBPIXEL_ONE - half);
            }
        /* snapping may fold a cell: the mesh still tiles its rectangle only if the triangles'
           unsigned areas add up to the rectangle's (exact: coordinates are multiples of 1/256) */
        double area = 0.0, xmin = 1e9, xmax = -1e9, ymin = 1e9, ymax = -1e9;
        for (size_t t = 0; t < g.triangle_count; t++) {
            const float *a = g.positions + 3 * g.triangles[3 * t], *b = g.positions + 3 * g.triangles[3 * t + 1];
            const float *c = g.positions + 3 * g.triangles[3 * t + 2];
            area += 0.5 * fabs(((double)b[0] - a[0]) * ((double)c[1] - a[1]) - ((double)c[0] - a[0]) * ((double)b[1] - a[1]));
        }
        for (size_t v = 0; v < g.vertex_count; v++) {
            xmin = fmin(xmin, g.positions[3 * v]);
            xmax = fmax(xmax, g.positions[3 * v]);
            ymin = fmin(ymin, g.positions[3 * v + 1]);
            ymax = fmax(ymax, g.positions[3 * v + 1]);
        }
        const bool valid = fabs(area - (xmax - xmin) * (ymax - ymin)) < 1e-9;
        if (valid) {
            const bv_mesh mesh = grid_mesh_view(&g, 6);
            const int holes = count_holes(&mesh, view, proj, W, H, n, alpha, ids);
            CHECK_MSG(holes == 0, "samples %d, vertices on samples: %d pixels not fully covered", n, holes);
            lattice_meshes++;
        }
        grid_mesh_free(&g);
    }
    CHECK_MSG(lattice_meshes >= SAMPLE_COUNTS / 2, "only %d meshes on the sample lattice were valid", lattice_meshes);
}

/* The same under a perspective camera, the mesh tilted so depth varies across it. */
static void test_triangulated_frame_has_no_holes_perspective(void)
{
    enum { W = 72, H = 40 };
    float view[16], proj[16], alpha[W * H], ids[W * H];
    const double eye[3] = {0.3, -0.2, 6.0}, target[3] = {0.1, 0.3, 0.0}, up[3] = {0, 1, 0};
    camera_look_at(eye, target, up, view, NULL);
    camera_perspective(35.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    rng r = {0xbeef};
    for (int s = 0; s < SAMPLE_COUNTS; s++) {
        grid_mesh g;
        grid_mesh_build(&g, -8, -6, 8, 6, 0.0, rng_range(&r, 0.08, 0.4), 0.0, &r);
        for (size_t v = 0; v < g.vertex_count; v++) /* tilt: z = 0.3 x - 0.2 y */
            g.positions[3 * v + 2] = 0.3f * g.positions[3 * v] - 0.2f * g.positions[3 * v + 1];
        const bv_mesh mesh = grid_mesh_view(&g, 2);
        const int holes = count_holes(&mesh, view, proj, W, H, sample_counts[s], alpha, ids);
        CHECK_MSG(holes == 0, "samples %d: %d pixels not fully covered", sample_counts[s], holes);
        grid_mesh_free(&g);
    }
}

/* A fan of hundreds of slivers around one vertex covers the frame. */
static void test_fan_of_slivers_has_no_holes(void)
{
    enum { W = 48, H = 48, SPOKES = 400 };
    float view[16], proj[16], alpha[W * H], ids[W * H];
    mat_identity(view);
    camera_orthographic((float)W, W, H, 0.1f, 100.0f, proj);
    float positions[(SPOKES + 1) * 3];
    uint32_t triangles[SPOKES * 3];
    float uvs[SPOKES * 6];
    memset(uvs, 0, sizeof uvs);
    rng r = {0xfa};
    for (int s = 0; s < SAMPLE_COUNTS; s++) {
        positions[0] = (float)rng_range(&r, -10, 10);
        positions[1] = (float)rng_range(&r, -10, 10);
        positions[2] = -5.0f;
        for (int i = 0; i < SPOKES; i++) {
            const double a = 2.0 * M_PI * (i + rng_range(&r, -0.3, 0.3)) / SPOKES;
            const double radius = rng_range(&r, 80, 120);
            positions[3 * (i + 1)] = (float)(radius * cos(a));
            positions[3 * (i + 1) + 1] = (float)(radius * sin(a));
            positions[3 * (i + 1) + 2] = -5.0f;
            triangles[3 * i] = 0;
            triangles[3 * i + 1] = (uint32_t)(i + 1);
            triangles[3 * i + 2] = (uint32_t)((i + 1) % SPOKES + 1);
        }
        bv_mesh mesh;
        memset(&mesh, 0, sizeof mesh);
        mesh.positions = (bv_floats){positions, sizeof positions / sizeof positions[0]};
        mesh.triangles = (bv_uints){triangles, SPOKES * 3};
        mesh.uvs = (bv_floats){uvs, SPOKES * 6};
        mesh.object_id = 8;
        const int holes = count_holes(&mesh, view, proj, W, H, sample_counts[s], alpha, ids);
        CHECK_MSG(holes == 0, "samples %d: %d pixels not fully covered", sample_counts[s], holes);
    }
}

/* Every pixel of every image size is written (tiles at the right and top edges are partial), and
 * a constant texture on a full-frame quad gives exactly that colour and alpha 1 everywhere. */
static void test_every_pixel_of_odd_sized_images_is_written(void)
{
    const int sizes[][2] = {{1, 1}, {1, 70}, {130, 3}, {97, 65}, {200, 1}, {129, 130}};
    float texel[4] = {0.3f, 0.6f, 0.9f, 1.0f};
    bv_texture *tex = texture_solid(texel);
    const int samples[] = {1, 2, 3, 4, 16};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        const int w = sizes[k][0], h = sizes[k][1];
        float view[16], proj[16];
        mat_identity(view);
        camera_orthographic(2.0f, w, h, 0.1f, 100.0f, proj);
        quad_mesh q;
        quad_init(&q, -10, -10, 10, 10, -2.0f, 0, 0, 1, 1);
        const bv_mesh mesh = quad_view(&q, tex, 3);
        all_passes p;
        passes_alloc(&p, w, h);
        for (int s = 0; s < 5; s++) {
            const size_t n = (size_t)w * h;
            for (size_t i = 0; i < n; i++) {
                for (int c = 0; c < 4; c++) p.color[4 * i + c] = SENTINEL;
                for (int c = 0; c < 3; c++) p.normal[3 * i + c] = SENTINEL;
                p.uv[2 * i] = p.uv[2 * i + 1] = SENTINEL;
                p.alpha[i] = p.depth[i] = p.object_id[i] = SENTINEL;
            }
            bv_render_desc d = desc_for(view, proj, w, h, &mesh, 1);
            d.samples = samples[s];
            d.threads = 3;
            const bv_render_targets t = passes_targets(&p);
            if (!CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) continue;
            int bad = 0;
            for (size_t i = 0; i < n; i++) {
                bool ok = fabsf(p.alpha[i] - 1.0f) < 1e-5f && p.object_id[i] == 3.0f &&
                          fabsf(p.depth[i] - 2.0f) < 1e-5f && fabsf(p.normal[3 * i + 2] - 1.0f) < 1e-6f;
                for (int c = 0; c < 4; c++) ok = ok && fabsf(p.color[4 * i + c] - (c < 3 ? texel[c] : 1.0f)) < 1e-5f;
                ok = ok && p.uv[2 * i] != SENTINEL && p.uv[2 * i + 1] != SENTINEL;
                bad += !ok;
            }
            CHECK_MSG(bad == 0, "%d x %d, samples %d: %d pixels wrong or unwritten", w, h, samples[s], bad);
        }
        passes_free(&p);
    }
    bv_texture_destroy(tex);
}

/* Triangles reaching far past the guard band (here 1e5 units around a perspective camera) are
 * clipped, not lost: the frame is covered at the right depth. */
static void test_huge_triangles_beyond_the_guard_band_cover_the_frame(void)
{
    enum { W = 40, H = 30 };
    float view[16], proj[16];
    mat_identity(view);
    camera_perspective(50.0f, 36.0f, W, H, 0.1f, 1e6f, proj);
    const float positions[9] = {-1e5f, -1e5f, -5.0f, 1e5f, -1e5f, -5.0f, 0.0f, 1e5f, -5.0f};
    const uint32_t tri[3] = {0, 1, 2};
    const float uvs[6] = {0, 0, 1, 0, 0.5f, 1};
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){positions, 9};
    mesh.triangles = (bv_uints){tri, 3};
    mesh.uvs = (bv_floats){uvs, 6};
    mesh.object_id = 1;
    float depth[W * H], alpha[W * H], uv[W * H * 2];
    for (int n = 1; n <= 4; n++) {
        bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
        d.samples = n;
        bv_render_targets t;
        memset(&t, 0, sizeof t);
        t.depth = (bv_float_span){depth, W * H};
        t.alpha = (bv_float_span){alpha, W * H};
        t.uv = (bv_float_span){uv, W * H * 2};
        if (!CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) continue;
        int bad = 0;
        for (int i = 0; i < W * H; i++) {
            /* uv = (0.5 + x / 2e5 + ..., 0.5 + y / 2e5 ...) near the centre of the triangle */
            bad += !(fabsf(depth[i] - 5.0f) < 1e-3f && alpha[i] >= 1.0f - 1e-5f && fabsf(uv[2 * i] - 0.5f) < 1e-3f &&
                     fabsf(uv[2 * i + 1] - 0.5f) < 1e-3f);
        }
        CHECK_MSG(bad == 0, "samples %d: %d pixels wrong", n, bad);
    }
}

/* A floor plane 1e5 units wide, the camera 1 unit above it looking at the horizon: the depth pass
 * is the ray-floor distance along the view axis to 1e-4 relative, even though the triangle's
 * corners are 1e5 units away (attributes interpolated from the homogeneous barycentrics, which are
 * exact to double precision here). */
static void test_depth_on_a_huge_floor_is_accurate_near_the_camera(void)
{
    enum { W = 40, H = 30 };
    float view[16], proj[16], depth[W * H];
    mat_identity(view);
    camera_perspective(50.0f, 36.0f, W, H, 0.1f, 1e6f, proj);
    const float floor_pos[12] = {-1e5f, -1.0f, 1e5f, 1e5f, -1.0f, 1e5f, 1e5f, -1.0f, -1e5f, -1e5f, -1.0f, -1e5f};
    const uint32_t floor_tris[6] = {0, 1, 2, 0, 2, 3};
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){floor_pos, 12};
    mesh.triangles = (bv_uints){floor_tris, 6};
    mesh.object_id = 1;
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.samples = 3;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.depth = (bv_float_span){depth, W * H};
    if (!CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) return;
    double worst = 0.0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double dy = ndc_of_pixel(y, H) / proj[5];
            const float got = depth[y * W + x];
            if (dy < -0.02) { /* below the horizon: hits the floor at depth 1 / -dy */
                const double expected = -1.0 / dy;
                if (got == BV_DEPTH_EMPTY) CHECK_MSG(false, "(%d, %d): floor missing", x, y);
                else worst = fmax(worst, fabs(got - expected) / expected);
            } else if (dy > 0.0) {
                CHECK_MSG(got == BV_DEPTH_EMPTY, "(%d, %d): sky has depth %g", x, y, (double)got);
            }
        }
    CHECK_MSG(worst < 1e-4, "depth off by %.3g (relative)", worst);
}

/* Meshes without triangles (with or without vertices) between real ones do not shift object
 * ids, textures or positions of the meshes after them. */
static void test_empty_meshes_in_the_list_are_skipped(void)
{
    enum { W = 30, H = 6 };
    float view[16], proj[16];
    mat_identity(view);
    camera_orthographic(3.0f, W, H, 0.1f, 100.0f, proj); /* x in [-1.5, 1.5] */
    quad_mesh a, b, c;
    quad_init(&a, -1.5f, -2, -0.5f, 2, -3.0f, 0, 0, 1, 1);
    quad_init(&b, -0.5f, -2, 0.5f, 2, -3.0f, 0, 0, 1, 1);
    quad_init(&c, 0.5f, -2, 1.5f, 2, -3.0f, 0, 0, 1, 1);
    float red[4] = {1, 0, 0, 1}, green[4] = {0, 1, 0, 1}, blue[4] = {0, 0, 1, 1};
    bv_texture *tr = texture_solid(red), *tg = texture_solid(green), *tb = texture_solid(blue);
    const float lonely[15] = {9, 9, 9, 8, 8, 8, 7, 7, 7, 6, 6, 6, 5, 5, 5};
    bv_mesh meshes[6];
    memset(meshes, 0, sizeof meshes);
    meshes[1].positions = (bv_floats){lonely, 15}; /* vertices, no triangles */
    meshes[1].object_id = 100;
    meshes[0] = quad_view(&a, tr, 1);
    meshes[3] = quad_view(&b, tg, 3); /* meshes[2]: nothing at all */
    meshes[4].object_id = 200;        /* nothing, but an id */
    meshes[5] = quad_view(&c, tb, 5);
    all_passes p;
    passes_alloc(&p, W, H);
    bv_render_desc d = desc_for(view, proj, W, H, meshes, 6);
    d.samples = 3;
    d.filter = BV_FILTER_BOX;
    d.filter_width = 1.0f;
    const bv_render_targets t = passes_targets(&p);
    if (CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) {
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const int i = y * W + x, region = x / 10;
                const float expected_id = (float)(1 + 2 * region);
                CHECK_MSG(p.object_id[i] == expected_id, "(%d, %d): id %g, expected %g", x, y,
                          (double)p.object_id[i], (double)expected_id);
                for (int k = 0; k < 3; k++)
                    CHECK_NEAR(p.color[4 * i + k], k == region ? 1.0 : 0.0, 1e-5);
            }
    }
    passes_free(&p);
    bv_texture_destroy(tr);
    bv_texture_destroy(tg);
    bv_texture_destroy(tb);
}

/* Perspective-correct texturing in the colour pass: with one sample per pixel and a box filter of
 * width 1, each pixel is the bilinear tap at the analytic UV of the ray through its centre. */
static void test_perspective_colour_taps_texture_at_analytic_uv(void)
{
    enum { W = 48, H = 32, TW = 16 };
    float view[16], proj[16];
    mat_identity(view);
    camera_perspective(30.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    /* a floor-like plane receding upwards: z = -2 - 3 (y + 1), y in [-1, 3]; uv = ((x + 4) / 8, (y + 1) / 4) */
    quad_mesh q;
    const float pos[12] = {-4, -1, -2, 4, -1, -2, 4, 3, -14, -4, 3, -14};
    memcpy(q.positions, pos, sizeof pos);
    const uint32_t tris[6] = {0, 1, 2, 0, 2, 3};
    memcpy(q.triangles, tris, sizeof tris);
    for (int i = 0; i < 6; i++) {
        q.uvs[2 * i] = (pos[3 * tris[i]] + 4.0f) / 8.0f;
        q.uvs[2 * i + 1] = (pos[3 * tris[i] + 1] + 1.0f) / 4.0f;
    }
    float texels[TW * TW * 4];
    rng r = {777};
    for (int i = 0; i < TW * TW; i++) {
        for (int k = 0; k < 3; k++) texels[4 * i + k] = (float)rng_unit(&r);
        texels[4 * i + 3] = 1.0f;
    }
    bv_texture_desc td = {.pixels = {texels, TW * TW * 4}, .width = TW, .height = TW, .extension = BV_EXTENSION_EXTEND,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = false};
    bv_texture *tex = NULL;
    if (!CHECK(bv_texture_create(&td, &tex) == BV_OK)) return;
    const bv_mesh mesh = quad_view(&q, tex, 1);
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.samples = 1;
    d.filter = BV_FILTER_BOX;
    d.filter_width = 1.0f;
    float color[W * H * 4];
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.color = (bv_float_span){color, W * H * 4};
    if (CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) {
        double worst = 0.0;
        int checked = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const double dx = ndc_of_pixel(x, W) / proj[0], dy = ndc_of_pixel(y, H) / proj[5];
                /* ray (dx, dy, -1) lambda on z = -2 - 3 (y + 1): -lambda = -5 - 3 lambda dy */
                const double lambda = 5.0 / (1.0 - 3.0 * dy);
                const double wx = lambda * dx, wy = lambda * dy;
                if (lambda <= 0 || wx < -3.9 || wx > 3.9 || wy < -0.95 || wy > 2.95) continue;
                float e[4];
                bv_texture_sample(tex, (float)((wx + 4.0) / 8.0), (float)((wy + 1.0) / 4.0), e);
                for (int k = 0; k < 3; k++) worst = fmax(worst, fabs(color[4 * (y * W + x) + k] - e[k]));
                checked++;
            }
        CHECK_MSG(worst < 1e-3, "colour off by %.3g", worst);
        CHECK_MSG(checked > W * H / 3, "only %d pixels checked", checked);
    }
    bv_texture_destroy(tex);
}

int main(void)
{
    RUN(test_triangulated_frame_has_no_holes_orthographic);
    RUN(test_triangulated_frame_has_no_holes_perspective);
    RUN(test_fan_of_slivers_has_no_holes);
    RUN(test_every_pixel_of_odd_sized_images_is_written);
    RUN(test_huge_triangles_beyond_the_guard_band_cover_the_frame);
    RUN(test_depth_on_a_huge_floor_is_accurate_near_the_camera);
    RUN(test_empty_meshes_in_the_list_are_skipped);
    RUN(test_perspective_colour_taps_texture_at_analytic_uv);
    return check_summary();
}
