/* The output never depends on the thread count: a mesh with many triangles spanning many tiles
 * (and binning chunks), plus coplanar duplicates (depth ties) and many small meshes, renders bit
 * for bit the same with 1, 2, 3 threads and with one per core. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"

#define W 320
#define H 200

typedef struct big_scene {
    float *positions;
    uint32_t *triangles;
    float *uvs, *normals;
    size_t vertex_count, triangle_count;
    float *tex_pixels;
    bv_texture *texture;
    quad_mesh small[40];
    bv_mesh meshes[43];
    size_t mesh_count;
    float view[16], proj[16];
} big_scene;

/* A wavy height field of gx x gy quads over [-3, 3] x [-2, 2], z = 0.3 sin(..) cos(..), with
 * smooth corner normals and UVs running over the texture twice (REPEAT). */
static void build_grid(big_scene *s, int gx, int gy)
{
    s->vertex_count = (size_t)(gx + 1) * (gy + 1);
    s->triangle_count = 2 * (size_t)gx * gy;
    s->positions = malloc(s->vertex_count * 3 * sizeof(float));
    s->triangles = malloc(s->triangle_count * 3 * sizeof(uint32_t));
    s->uvs = malloc(s->triangle_count * 6 * sizeof(float));
    s->normals = malloc(s->triangle_count * 9 * sizeof(float));
    for (int j = 0; j <= gy; j++)
        for (int i = 0; i <= gx; i++) {
            const double x = -3.0 + 6.0 * i / gx, y = -2.0 + 4.0 * j / gy;
            float *p = s->positions + 3 * ((size_t)j * (gx + 1) + i);
            p[0] = (float)x;
            p[1] = (float)y;
            p[2] = (float)(0.3 * sin(2.1 * x) * cos(1.7 * y));
        }
    size_t t = 0;
    for (int j = 0; j < gy; j++)
        for (int i = 0; i < gx; i++) {
            const uint32_t v00 = (uint32_t)(j * (gx + 1) + i), v10 = v00 + 1;
            const uint32_t v01 = v00 + (uint32_t)(gx + 1), v11 = v01 + 1;
            const uint32_t quad[2][3] = {{v00, v10, v11}, {v00, v11, v01}};
            for (int k = 0; k < 2; k++, t++)
                for (int c = 0; c < 3; c++) {
                    const uint32_t v = quad[k][c];
                    s->triangles[3 * t + c] = v;
                    const float *p = s->positions + 3 * v;
                    s->uvs[6 * t + 2 * c] = (p[0] + 3.0f) / 3.0f;
                    s->uvs[6 * t + 2 * c + 1] = (p[1] + 2.0f) / 2.0f;
                    /* analytic normal of the height field */
                    const double dzdx = 0.3 * 2.1 * cos(2.1 * p[0]) * cos(1.7 * p[1]);
                    const double dzdy = -0.3 * 1.7 * sin(2.1 * p[0]) * sin(1.7 * p[1]);
                    s->normals[9 * t + 3 * c] = (float)-dzdx;
                    s->normals[9 * t + 3 * c + 1] = (float)-dzdy;
                    s->normals[9 * t + 3 * c + 2] = 1.0f;
                }
        }
}

static void big_scene_init(big_scene *s)
{
    memset(s, 0, sizeof *s);
    build_grid(s, 120, 90); /* 21600 triangles: several binning chunks */
    const int tw = 64, th = 64;
    s->tex_pixels = malloc((size_t)tw * th * 4 * sizeof(float));
    rng r = {2024};
    for (int i = 0; i < tw * th; i++) {
        for (int k = 0; k < 3; k++) s->tex_pixels[4 * i + k] = (float)rng_unit(&r);
        s->tex_pixels[4 * i + 3] = (float)rng_range(&r, 0.5, 1.0);
    }
    bv_texture_desc td = {.pixels = {s->tex_pixels, (size_t)tw * th * 4},
                          .width = tw,
                          .height = th,
                          .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR,
                          .mipmaps = true};
    CHECK(bv_texture_create(&td, &s->texture) == BV_OK);

    bv_mesh grid;
    memset(&grid, 0, sizeof grid);
    grid.positions = (bv_floats){s->positions, s->vertex_count * 3};
    grid.triangles = (bv_uints){s->triangles, s->triangle_count * 3};
    grid.uvs = (bv_floats){s->uvs, s->triangle_count * 6};
    grid.normals = (bv_floats){s->normals, s->triangle_count * 9};
    grid.texture = s->texture;
    grid.object_id = 1;
    s->meshes[0] = grid;
    /* the same grid again, bit-identical positions: every sample is a depth tie */
    s->meshes[1] = grid;
    s->meshes[1].object_id = 2;
    /* an empty mesh in the middle of the list */
    memset(&s->meshes[2], 0, sizeof s->meshes[2]);
    /* small quads floating above the grid, each its own object, some rotated */
    for (int q = 0; q < 40; q++) {
        const float x = (float)rng_range(&r, -2.8, 2.4), y = (float)rng_range(&r, -1.8, 1.4);
        const float size = (float)rng_range(&r, 0.05, 0.4);
        quad_init(&s->small[q], x, y, x + size, y + size, 0.5f + 0.01f * q, 0, 0, 1, 1);
        s->meshes[3 + q] = quad_view(&s->small[q], s->texture, (uint32_t)(10 + q));
        if (q % 3 == 0) { /* a rotation about Z by 30 degrees, row-major */
            const float c = (float)cos(M_PI / 6), sn = (float)sin(M_PI / 6);
            const float m[16] = {c, -sn, 0, 0, sn, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
            memcpy(s->meshes[3 + q].matrix_world, m, sizeof m);
        }
    }
    s->mesh_count = 43;
    const double eye[3] = {0.4, -5.0, 3.5}, target[3] = {0, 0, 0}, up[3] = {0, 0, 1};
    camera_look_at(eye, target, up, s->view, NULL);
    camera_perspective(40.0f, 36.0f, W, H, 0.1f, 100.0f, s->proj);
}

static void big_scene_free(big_scene *s)
{
    free(s->positions);
    free(s->triangles);
    free(s->uvs);
    free(s->normals);
    free(s->tex_pixels);
    bv_texture_destroy(s->texture);
}

static bool render_in(const big_scene *s, int threads, int samples, bool mipmaps,
                      bv_normal_space normal_space, all_passes *p)
{
    bv_render_desc d = desc_for(s->view, s->proj, W, H, s->meshes, s->mesh_count);
    d.threads = threads;
    d.samples = samples;
    d.mipmaps = mipmaps;
    d.normal_space = normal_space;
    const float bg[4] = {0.1f, 0.2f, 0.3f, 0.5f};
    memcpy(d.background, bg, sizeof bg);
    const bv_render_targets t = passes_targets(p);
    const bv_status st = bv_render(&d, &t);
    return CHECK_MSG(st == BV_OK, "threads %d: %s", threads, bv_error_message());
}

static bool render_with(const big_scene *s, int threads, int samples, bool mipmaps, all_passes *p)
{
    return render_in(s, threads, samples, mipmaps, BV_NORMAL_WORLD, p);
}

static bool same_passes(const all_passes *a, const all_passes *b)
{
    const size_t n = (size_t)W * H;
    return memcmp(a->color, b->color, n * 4 * sizeof(float)) == 0 &&
           memcmp(a->alpha, b->alpha, n * sizeof(float)) == 0 &&
           memcmp(a->depth, b->depth, n * sizeof(float)) == 0 &&
           memcmp(a->normal, b->normal, n * 3 * sizeof(float)) == 0 &&
           memcmp(a->uv, b->uv, n * 2 * sizeof(float)) == 0 &&
           memcmp(a->object_id, b->object_id, n * sizeof(float)) == 0;
}

static void test_same_image_with_1_2_3_threads_bit_for_bit(void)
{
    big_scene s;
    big_scene_init(&s);
    const struct { int samples; bool mipmaps; bv_normal_space normals; } modes[] = {
        {BV_SAMPLES_AUTO, false, BV_NORMAL_WORLD}, {4, false, BV_NORMAL_WORLD},
        {1, false, BV_NORMAL_WORLD}, {5, true, BV_NORMAL_WORLD}, {3, false, BV_NORMAL_CAMERA}};
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        all_passes ref, other;
        passes_alloc(&ref, W, H);
        passes_alloc(&other, W, H);
        if (render_in(&s, 1, modes[m].samples, modes[m].mipmaps, modes[m].normals, &ref)) {
            /* the scene is really there: many pixels covered by the grid and the small quads */
            int grid = 0, small = 0;
            for (int i = 0; i < W * H; i++) {
                grid += ref.object_id[i] == 1.0f || ref.object_id[i] == 2.0f;
                small += ref.object_id[i] >= 10.0f;
            }
            CHECK_MSG(grid > W * H / 3 && small > 500, "scene coverage: %d grid, %d small", grid, small);
            const int thread_counts[] = {2, 3, 0, 1};
            for (int k = 0; k < 4; k++) {
                /* poison the buffers so stale values cannot pass */
                const size_t n = (size_t)W * H;
                memset(other.color, 0xff, n * 4 * sizeof(float));
                memset(other.alpha, 0xff, n * sizeof(float));
                memset(other.depth, 0xff, n * sizeof(float));
                memset(other.normal, 0xff, n * 3 * sizeof(float));
                memset(other.uv, 0xff, n * 2 * sizeof(float));
                memset(other.object_id, 0xff, n * sizeof(float));
                if (!render_in(&s, thread_counts[k], modes[m].samples, modes[m].mipmaps,
                               modes[m].normals, &other))
                    continue;
                CHECK_MSG(same_passes(&ref, &other),
                          "samples %d mipmaps %d normal space %d: %d threads differ from 1",
                          modes[m].samples, modes[m].mipmaps, (int)modes[m].normals, thread_counts[k]);
            }
        }
        passes_free(&ref);
        passes_free(&other);
    }
    big_scene_free(&s);
}

/* Depth ties go to the earlier triangle in mesh order, so the duplicated grid never shows its
 * second copy, whatever the thread count. */
static void test_depth_ties_go_to_the_first_mesh(void)
{
    big_scene s;
    big_scene_init(&s);
    all_passes p;
    passes_alloc(&p, W, H);
    for (int threads = 1; threads <= 3; threads++) {
        if (!render_with(&s, threads, 4, false, &p)) break;
        int second = 0;
        for (int i = 0; i < W * H; i++) second += p.object_id[i] == 2.0f;
        CHECK_MSG(second == 0, "threads %d: %d pixels show the second copy", threads, second);
    }
    passes_free(&p);
    big_scene_free(&s);
}

int main(void)
{
    RUN(test_same_image_with_1_2_3_threads_bit_for_bit);
    RUN(test_depth_ties_go_to_the_first_mesh);
    return check_summary();
}
