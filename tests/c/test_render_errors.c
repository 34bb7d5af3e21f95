/* Every bad input to bv_render returns BV_ERROR_INVALID_ARGUMENT with a message naming the
 * offending thing, and writes nothing to the targets (they are pre-filled with a sentinel and
 * must come back unchanged, including any slack past the declared counts). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"

#define W 16
#define H 8
#define SLACK 8 /* floats past each declared count, also checked */
#define SENTINEL 1234.5f

/* A valid scene: an orthographic camera, two textured quads with UVs and corner normals, all six
 * passes. Each test copies it and breaks one thing. */
typedef struct scene {
    float view[16], proj[16];
    quad_mesh quads[2];
    float texel[4];
    bv_texture *texture;
    bv_mesh meshes[2];
    bv_render_desc desc;
    float *buffers[6];
    size_t counts[6]; /* the right count of each pass */
    bv_render_targets targets;
} scene;

static const int pass_channels[6] = {4, 1, 1, 3, 2, 1};
static const char *const pass_names[6] = {"color", "alpha", "depth", "normal", "uv", "object_id"};

static bv_float_span *target_span(bv_render_targets *t, int pass)
{
    bv_float_span *spans[6] = {&t->color, &t->alpha, &t->depth, &t->normal, &t->uv, &t->object_id};
    return spans[pass];
}

static void scene_init(scene *s)
{
    memset(s, 0, sizeof *s);
    mat_identity(s->view);
    camera_orthographic(2.0f, W, H, 0.1f, 100.0f, s->proj);
    quad_init(&s->quads[0], -0.8f, -0.4f, 0.2f, 0.4f, -3.0f, 0, 0, 1, 1);
    quad_init(&s->quads[1], -0.2f, -0.3f, 0.9f, 0.3f, -4.0f, 0, 0, 1, 1);
    for (int q = 0; q < 2; q++)
        for (int c = 0; c < 6; c++) s->quads[q].normals[3 * c + 2] = 1.0f;
    const float texel[4] = {0.2f, 0.4f, 0.6f, 1.0f};
    memcpy(s->texel, texel, sizeof texel);
    s->texture = texture_solid(s->texel);
    for (int q = 0; q < 2; q++) {
        s->meshes[q] = quad_view(&s->quads[q], s->texture, (uint32_t)(q + 1));
        s->meshes[q].normals = (bv_floats){s->quads[q].normals, 18};
    }
    s->desc = desc_for(s->view, s->proj, W, H, s->meshes, 2);
    for (int p = 0; p < 6; p++) {
        s->counts[p] = (size_t)W * H * (size_t)pass_channels[p];
        s->buffers[p] = malloc((s->counts[p] + SLACK) * sizeof(float));
        *target_span(&s->targets, p) = (bv_float_span){s->buffers[p], s->counts[p]};
    }
}

static void scene_free(scene *s)
{
    for (int p = 0; p < 6; p++) free(s->buffers[p]);
    bv_texture_destroy(s->texture);
}

static void fill_sentinel(scene *s)
{
    for (int p = 0; p < 6; p++)
        for (size_t i = 0; i < s->counts[p] + SLACK; i++) s->buffers[p][i] = SENTINEL;
}

/* Renders desc/targets (either may be NULL) into sentinel-filled buffers and expects the error. */
static void expect_rejected_at(int line, scene *s, const bv_render_desc *desc,
                               const bv_render_targets *targets, const char *needle, const char *needle2,
                               bool checked_first)
{
    fill_sentinel(s);
    /* bv_render_check finds what bv_render refuses before rendering, with the same message,
       except what only rendering can find or what needs the buffers themselves */
    const bv_status checked = bv_render_check(desc, targets);
    char check_message[512];
    snprintf(check_message, sizeof check_message, "%s", bv_error_message());
    const bv_status status = bv_render(desc, targets);
    const char *message = bv_error_message();
    if (checked_first)
        check__record(checked == status && strcmp(check_message, message) == 0, __FILE__, line,
                      "bv_render_check: %s \"%s\", bv_render: %s \"%s\"", bv_status_name(checked),
                      check_message, bv_status_name(status), message);
    else
        check__record(checked == BV_OK, __FILE__, line, "bv_render_check: %s \"%s\", expected BV_OK",
                      bv_status_name(checked), check_message);
    check__record(status == BV_ERROR_INVALID_ARGUMENT, __FILE__, line,
                  "status %s, expected BV_ERROR_INVALID_ARGUMENT (message \"%s\")", bv_status_name(status),
                  message);
    check__record(check__contains(message, needle), __FILE__, line,
                  "message \"%s\" does not mention \"%s\"", message, needle);
    if (needle2)
        check__record(check__contains(message, needle2), __FILE__, line,
                      "message \"%s\" does not mention \"%s\"", message, needle2);
    for (int p = 0; p < 6; p++) {
        size_t changed = 0;
        for (size_t i = 0; i < s->counts[p] + SLACK; i++) changed += s->buffers[p][i] != SENTINEL;
        check__record(changed == 0, __FILE__, line, "%zu floats of the %s target were written",
                      changed, pass_names[p]);
    }
}
#define EXPECT_REJECTED(s, desc, targets, needle) \
    expect_rejected_at(__LINE__, s, desc, targets, needle, NULL, true)
#define EXPECT_REJECTED2(s, desc, targets, needle, needle2) \
    expect_rejected_at(__LINE__, s, desc, targets, needle, needle2, true)
/* refused by bv_render only: found while rendering, or about the buffers bv_render_check skips */
#define EXPECT_REJECTED_WHEN_RENDERING(s, desc, targets, needle, needle2) \
    expect_rejected_at(__LINE__, s, desc, targets, needle, needle2, false)

/* The baseline renders: the failures below are caused by what each one breaks. */
static void test_baseline_scene_renders(void)
{
    scene s;
    scene_init(&s);
    fill_sentinel(&s);
    const bv_status status = bv_render(&s.desc, &s.targets);
    CHECK_MSG(status == BV_OK, "%s", bv_error_message());
    size_t untouched = 0;
    for (int p = 0; p < 6; p++)
        for (size_t i = 0; i < s.counts[p]; i++) untouched += s.buffers[p][i] == SENTINEL;
    CHECK_EQ_INT(untouched, 0);
    for (int p = 0; p < 6; p++) /* nothing past the counts */
        for (size_t i = s.counts[p]; i < s.counts[p] + SLACK; i++) CHECK(s.buffers[p][i] == SENTINEL);
    scene_free(&s);
}

static void test_render_check_takes_targets_not_yet_allocated(void)
{
    scene s;
    scene_init(&s);
    bv_render_targets counts_only = s.targets;
    for (int p = 0; p < 6; p++) target_span(&counts_only, p)->ptr = NULL;
    CHECK_EQ_INT(bv_render_check(&s.desc, &counts_only), BV_OK);
    s.desc.camera.view[0] = NAN; /* and still refuses what bv_render would */
    CHECK_EQ_INT(bv_render_check(&s.desc, &counts_only), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "view");
    scene_free(&s);
}

static void test_null_desc_or_targets_is_rejected(void)
{
    scene s;
    scene_init(&s);
    EXPECT_REJECTED(&s, NULL, &s.targets, "desc");
    EXPECT_REJECTED(&s, &s.desc, NULL, "targets");
    scene_free(&s);
}

static void test_non_finite_positions_are_rejected(void)
{
    const float bad[] = {NAN, INFINITY, -INFINITY};
    for (int b = 0; b < 3; b++)
        for (int m = 0; m < 2; m++) {
            scene s;
            scene_init(&s);
            s.quads[m].positions[3 * 2 + 1] = bad[b]; /* vertex 2, y */
            char mesh_name[16];
            snprintf(mesh_name, sizeof mesh_name, "mesh %d", m);
            EXPECT_REJECTED2(&s, &s.desc, &s.targets, "vertex 2", mesh_name);
            scene_free(&s);
        }
}

static void test_non_finite_matrices_are_rejected(void)
{
    const float bad[] = {NAN, INFINITY};
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 16; k += 5) {
            scene s;
            scene_init(&s);
            s.desc.camera.view[k] = bad[b];
            EXPECT_REJECTED(&s, &s.desc, &s.targets, "view");
            scene_free(&s);

            scene_init(&s);
            s.desc.camera.projection[k] = bad[b];
            EXPECT_REJECTED(&s, &s.desc, &s.targets, "projection");
            scene_free(&s);

            scene_init(&s);
            mat_identity(s.meshes[1].matrix_world);
            s.meshes[1].matrix_world[k] = bad[b];
            EXPECT_REJECTED2(&s, &s.desc, &s.targets, "matrix_world", "mesh 1");
            scene_free(&s);
        }
}

static void test_singular_matrices_are_rejected(void)
{
    scene s;
    scene_init(&s);
    memset(s.desc.camera.view, 0, sizeof s.desc.camera.view);
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "view");
    scene_free(&s);

    scene_init(&s);
    memset(s.desc.camera.projection, 0, sizeof s.desc.camera.projection);
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "projection");
    scene_free(&s);

    scene_init(&s); /* flattening z: singular (all zeros would mean identity) */
    mat_identity(s.meshes[0].matrix_world);
    s.meshes[0].matrix_world[10] = 0.0f;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "matrix_world", "mesh 0");
    scene_free(&s);
}

static void test_indices_out_of_range_are_rejected(void)
{
    const uint32_t bad[] = {4, 5, 1000, UINT32_MAX};
    for (int b = 0; b < 4; b++) {
        scene s;
        scene_init(&s);
        s.quads[1].triangles[4] = bad[b]; /* triangle 1 of mesh 1 */
        char vertex[32];
        snprintf(vertex, sizeof vertex, "vertex %u", bad[b]);
        EXPECT_REJECTED2(&s, &s.desc, &s.targets, "triangle 1", vertex);
        scene_free(&s);
    }
}

static void test_bad_sizes_are_rejected(void)
{
    const int sizes[][2] = {{0, H}, {W, 0}, {-1, H}, {W, -8}, {BV_MAX_IMAGE_SIZE + 1, 1},
                            {1, BV_MAX_IMAGE_SIZE + 1}, {INT32_MIN, INT32_MIN}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        scene s;
        scene_init(&s);
        s.desc.camera.width = sizes[k][0];
        s.desc.camera.height = sizes[k][1];
        EXPECT_REJECTED(&s, &s.desc, &s.targets, "size");
        scene_free(&s);
    }
}

static void test_wrong_target_counts_are_rejected(void)
{
    for (int p = 0; p < 6; p++)
        for (int delta = -1; delta <= 1; delta += 2) {
            scene s;
            scene_init(&s);
            target_span(&s.targets, p)->count = s.counts[p] + (size_t)(ptrdiff_t)delta;
            EXPECT_REJECTED(&s, &s.desc, &s.targets, pass_names[p]);
            scene_free(&s);
        }
    /* a count for a different size (per-pixel count of another pass) */
    scene s;
    scene_init(&s);
    s.targets.normal.count = (size_t)W * H * 4;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "normal");
    scene_free(&s);
}

static void test_null_buffers_with_counts_are_rejected(void)
{
    for (int p = 0; p < 6; p++) {
        scene s;
        scene_init(&s);
        target_span(&s.targets, p)->ptr = NULL; /* not yet allocated, to bv_render_check */
        EXPECT_REJECTED_WHEN_RENDERING(&s, &s.desc, &s.targets, pass_names[p], "NULL");
        scene_free(&s);
    }
    scene s;
    scene_init(&s);
    s.meshes[1].positions.ptr = NULL;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "positions", "mesh 1");
    scene_free(&s);
    scene_init(&s);
    s.meshes[0].triangles.ptr = NULL;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "triangles", "mesh 0");
    scene_free(&s);
    scene_init(&s);
    s.meshes[0].uvs.ptr = NULL;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "uvs");
    scene_free(&s);
    scene_init(&s);
    s.meshes[1].normals.ptr = NULL;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "normals");
    scene_free(&s);
    scene_init(&s);
    s.desc.meshes = NULL;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "meshes");
    scene_free(&s);
}

static void test_wrong_mesh_array_lengths_are_rejected(void)
{
    scene s;
    scene_init(&s);
    s.meshes[0].positions.count = 11;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "positions");
    scene_free(&s);
    scene_init(&s);
    s.meshes[0].triangles.count = 5;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "triangles");
    scene_free(&s);
    scene_init(&s);
    s.meshes[1].uvs.count = 10;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "uvs", "mesh 1");
    scene_free(&s);
    scene_init(&s);
    s.meshes[1].normals.count = 9;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "normals", "mesh 1");
    scene_free(&s);
}

static void test_non_finite_uvs_normals_background_are_rejected(void)
{
    scene s;
    scene_init(&s);
    s.quads[0].uvs[7] = NAN;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "uvs");
    scene_free(&s);
    scene_init(&s);
    s.quads[1].normals[4] = INFINITY;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "normals");
    scene_free(&s);
    scene_init(&s);
    s.desc.background[3] = NAN;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "background");
    scene_free(&s);
}

static void test_no_pass_is_rejected(void)
{
    scene s;
    scene_init(&s);
    bv_render_targets none;
    memset(&none, 0, sizeof none);
    EXPECT_REJECTED(&s, &s.desc, &none, "pass");
    scene_free(&s);
}

static void test_color_without_texture_is_rejected(void)
{
    scene s;
    scene_init(&s);
    s.meshes[1].texture = NULL;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "texture", "mesh 1");
    scene_free(&s);
}

static void test_missing_uvs_are_rejected_for_color_and_uv_passes(void)
{
    scene s;
    scene_init(&s);
    s.meshes[0].uvs = (bv_floats){NULL, 0};
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "UV", "color");
    scene_free(&s);
    /* without the colour pass the uv pass still needs them */
    scene_init(&s);
    s.meshes[0].uvs = (bv_floats){NULL, 0};
    bv_render_targets t = s.targets;
    t.color = (bv_float_span){NULL, 0};
    EXPECT_REJECTED2(&s, &s.desc, &t, "UV", "uv");
    scene_free(&s);
}

static void test_samples_out_of_range_are_rejected(void)
{
    const int bad[] = {-1, BV_MAX_SAMPLES + 1, 1000, INT32_MIN};
    for (int b = 0; b < 4; b++) {
        scene s;
        scene_init(&s);
        s.desc.samples = bad[b];
        EXPECT_REJECTED(&s, &s.desc, &s.targets, "samples");
        scene_free(&s);
    }
}

static void test_unknown_filter_is_rejected(void)
{
    const int bad[] = {3, 99, -1};
    for (int b = 0; b < 3; b++) {
        scene s;
        scene_init(&s);
        s.desc.filter = (bv_filter)bad[b];
        EXPECT_REJECTED(&s, &s.desc, &s.targets, "filter");
        scene_free(&s);
    }
}

static void test_bad_filter_widths_are_rejected(void)
{
    const float bad[] = {NAN, -1.0f, INFINITY, 100.0f};
    for (int b = 0; b < 4; b++) {
        scene s;
        scene_init(&s);
        s.desc.filter_width = bad[b];
        EXPECT_REJECTED(&s, &s.desc, &s.targets, "filter_width");
        scene_free(&s);
    }
}

/* A filter that reaches no sample of the grid, or further than the renderer supports. */
static void test_filters_reaching_no_sample_or_too_far_are_rejected(void)
{
    scene s;
    scene_init(&s);
    s.desc.filter = BV_FILTER_BOX;
    s.desc.filter_width = 0.1f; /* +-0.05 px: no sample of a 2x2 grid (+-0.25) */
    s.desc.samples = 2;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "filter_width");
    scene_free(&s);
    scene_init(&s);
    s.desc.filter = BV_FILTER_GAUSSIAN;
    s.desc.filter_width = 6.0f; /* radius 9 px */
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "filter_width");
    scene_free(&s);
    /* the widest accepted filter on the densest grid still renders */
    scene_init(&s);
    s.desc.filter = BV_FILTER_BLACKMAN_HARRIS;
    s.desc.filter_width = 8.0f;
    s.desc.samples = BV_MAX_SAMPLES;
    CHECK_MSG(bv_render(&s.desc, &s.targets) == BV_OK, "%s", bv_error_message());
    scene_free(&s);
}

static void test_negative_threads_are_rejected(void)
{
    scene s;
    scene_init(&s);
    s.desc.threads = -1;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "threads");
    scene_free(&s);
}

static void test_unknown_normal_space_is_rejected(void)
{
    scene s;
    scene_init(&s);
    s.desc.normal_space = (bv_normal_space)2;
    EXPECT_REJECTED(&s, &s.desc, &s.targets, "normal_space");
    scene_free(&s);
}

static void test_object_id_of_two_to_the_24_is_rejected(void)
{
    const uint32_t bad[] = {1u << 24, UINT32_MAX};
    for (int b = 0; b < 2; b++) {
        scene s;
        scene_init(&s);
        s.meshes[1].object_id = bad[b];
        EXPECT_REJECTED2(&s, &s.desc, &s.targets, "object_id", "mesh 1");
        scene_free(&s);
    }
}

static void test_mipmaps_without_a_mip_chain_are_rejected(void)
{
    scene s;
    scene_init(&s);
    float px[2 * 2 * 4];
    for (int i = 0; i < 16; i++) px[i] = 0.5f;
    bv_texture_desc td = {.pixels = {px, 16}, .width = 2, .height = 2, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = false};
    bv_texture *t = NULL;
    CHECK(bv_texture_create(&td, &t) == BV_OK);
    s.meshes[1].texture = t;
    s.desc.mipmaps = true;
    EXPECT_REJECTED2(&s, &s.desc, &s.targets, "mipmaps", "mesh 1");
    bv_texture_destroy(t);
    scene_free(&s);
}

/* Finite inputs whose transform overflows to infinity are caught before anything is written. */
static void test_positions_overflowing_in_the_camera_are_rejected(void)
{
    scene s;
    scene_init(&s);
    mat_identity(s.meshes[1].matrix_world);
    s.meshes[1].matrix_world[0] = 1e30f;
    s.quads[1].positions[0] = 3e30f;
    EXPECT_REJECTED_WHEN_RENDERING(&s, &s.desc, &s.targets, "mesh 1", "vertex 0");
    scene_free(&s);
}

/* The same failure found by a worker thread: the vertices span many transform chunks and the
 * image many tiles (so several workers run); the bad vertex moves through every chunk, so some
 * are found by a worker, not the calling thread. The caller still gets the status and the
 * message naming the vertex (not a stale one: a known message is set before each call). */
static void test_errors_found_on_worker_threads_reach_the_caller(void)
{
    enum { VERTICES = 200000, CHUNK = 8192, SIZE = 256 };
    float *positions = calloc((size_t)VERTICES * 3, sizeof(float));
    float *depth = malloc((size_t)SIZE * SIZE * sizeof(float));
    if (!CHECK(positions != NULL && depth != NULL)) return;
    const uint32_t tri[3] = {0, 1, 2};
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){positions, (size_t)VERTICES * 3};
    mesh.triangles = (bv_uints){tri, 3};
    mat_identity(mesh.matrix_world);
    mesh.matrix_world[0] = 1e30f;
    float view[16], proj[16];
    mat_identity(view);
    camera_orthographic(2.0f, SIZE, SIZE, 0.1f, 100.0f, proj);
    int wrong = 0;
    for (int bad = 5; bad < VERTICES; bad += CHUNK) {
        memset(positions, 0, (size_t)VERTICES * 3 * sizeof(float));
        positions[3 * bad] = 3e30f;
        for (int i = 0; i < SIZE * SIZE; i++) depth[i] = SENTINEL;
        bv_render_desc d = desc_for(view, proj, SIZE, SIZE, &mesh, 1);
        d.threads = 8;
        bv_render_targets t;
        memset(&t, 0, sizeof t);
        t.depth = (bv_float_span){depth, (size_t)SIZE * SIZE};
        (void)bv_render(NULL, &t); /* message: "desc is NULL" */
        const bv_status status = bv_render(&d, &t);
        char vertex[32];
        snprintf(vertex, sizeof vertex, "vertex %d ", bad);
        const bool ok = status == BV_ERROR_INVALID_ARGUMENT && check__contains(bv_error_message(), vertex);
        int written = 0;
        for (int i = 0; i < SIZE * SIZE; i++) written += depth[i] != SENTINEL;
        if (!ok || written) {
            wrong++;
            CHECK_MSG(false, "bad vertex %d: status %s, message \"%s\", %d depths written", bad,
                      bv_status_name(status), bv_error_message(), written);
        }
    }
    CHECK_EQ_INT(wrong, 0);
    free(positions);
    free(depth);
}

/* Textures: NaN pixel, wrong count, zero size; *r_texture is NULL after a failure. */
static void test_bad_textures_are_rejected(void)
{
    float px[3 * 2 * 4];
    for (int i = 0; i < 24; i++) px[i] = 0.25f;
    bv_texture_desc td = {.pixels = {px, 24}, .width = 3, .height = 2, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = true};
    bv_texture *t = NULL;

    px[4 * 4 + 3] = NAN; /* texel (1, 1) alpha */
    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "pixel (1, 1)");
    px[4 * 4 + 3] = 0.25f;

    td.pixels.count = 23;
    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "23");
    td.pixels.count = 24 * 2;
    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels");
    td.pixels.count = 24;

    td.width = 0;
    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_CONTAINS(bv_error_message(), "size");
    td.width = 3;
    td.height = 0;
    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    td.height = 2;

    CHECK_EQ_INT(bv_texture_create(&td, &t), BV_OK);
    CHECK(t != NULL);
    bv_texture_destroy(t);
}

static void test_status_names_are_stable(void)
{
    CHECK(strcmp(bv_status_name(BV_OK), "BV_OK") == 0);
    CHECK(strcmp(bv_status_name(BV_ERROR_INVALID_ARGUMENT), "BV_ERROR_INVALID_ARGUMENT") == 0);
    CHECK(strcmp(bv_status_name(BV_ERROR_OUT_OF_MEMORY), "BV_ERROR_OUT_OF_MEMORY") == 0);
    CHECK(strcmp(bv_status_name(BV_ERROR_IO), "BV_ERROR_IO") == 0);
    CHECK(bv_status_name((bv_status)42) != NULL);
}

int main(void)
{
    RUN(test_baseline_scene_renders);
    RUN(test_render_check_takes_targets_not_yet_allocated);
    RUN(test_null_desc_or_targets_is_rejected);
    RUN(test_non_finite_positions_are_rejected);
    RUN(test_non_finite_matrices_are_rejected);
    RUN(test_singular_matrices_are_rejected);
    RUN(test_indices_out_of_range_are_rejected);
    RUN(test_bad_sizes_are_rejected);
    RUN(test_wrong_target_counts_are_rejected);
    RUN(test_null_buffers_with_counts_are_rejected);
    RUN(test_wrong_mesh_array_lengths_are_rejected);
    RUN(test_non_finite_uvs_normals_background_are_rejected);
    RUN(test_no_pass_is_rejected);
    RUN(test_color_without_texture_is_rejected);
    RUN(test_missing_uvs_are_rejected_for_color_and_uv_passes);
    RUN(test_samples_out_of_range_are_rejected);
    RUN(test_unknown_filter_is_rejected);
    RUN(test_bad_filter_widths_are_rejected);
    RUN(test_filters_reaching_no_sample_or_too_far_are_rejected);
    RUN(test_negative_threads_are_rejected);
    RUN(test_unknown_normal_space_is_rejected);
    RUN(test_object_id_of_two_to_the_24_is_rejected);
    RUN(test_mipmaps_without_a_mip_chain_are_rejected);
    RUN(test_positions_overflowing_in_the_camera_are_rejected);
    RUN(test_errors_found_on_worker_threads_reach_the_caller);
    RUN(test_bad_textures_are_rejected);
    RUN(test_status_names_are_stable);
    return check_summary();
}
