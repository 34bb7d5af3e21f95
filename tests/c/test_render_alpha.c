/* Texture alpha as Cycles renders it: how texels hold alpha (bv_texture_desc.alpha, Blender's
 * Image.alpha_mode) and what a mesh does with it (bv_mesh.alpha: ignored, as an Image Texture
 * node whose Alpha output is unlinked, or coverage, as a Mix Shader by Alpha with a Transparent
 * BSDF). The expected values are those Cycles 3.4 and 5.0 render for a float image holding the
 * texel (0.6, 0.4, 0.2, 0.5) (tests/blender/test_alpha.py checks them against Cycles itself). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"

#define W 16
#define H 4

static const float TEXEL[4] = {0.6f, 0.4f, 0.2f, 0.5f};

/* A quad filling a W x H orthographic view and reaching past it; UV (0..1, 0..1) spans the
 * frame's width. */
typedef struct alpha_scene {
    float view[16], projection[16];
    quad_mesh quad;
} alpha_scene;

static void alpha_scene_init(alpha_scene *s)
{
    mat_identity(s->view);
    camera_orthographic(2.0f, W, H, 0.1f, 100.0f, s->projection);
    quad_init(&s->quad, -1.0f, -1.0f, 1.0f, 1.0f, -5.0f, 0.0f, 0.0f, 1.0f, 1.0f);
}

static bv_texture *make_texture(const float *texels, int width, int height, bv_texture_alpha alpha,
                                bv_interpolation interpolation)
{
    bv_texture_desc d = {.pixels = {texels, 4 * (size_t)width * (size_t)height}, .width = width,
                         .height = height, .interpolation = interpolation, .alpha = alpha};
    bv_texture *t = NULL;
    CHECK_MSG(bv_texture_create(&d, &t) == BV_OK, "bv_texture_create: %s", bv_error_message());
    return t;
}

/* Colour (premultiplied or straight) and alpha passes of the scene; samples x samples, box
 * filter of width 1 with one sample: every pixel one tap at its centre. */
static bool render(const alpha_scene *s, const bv_texture *t, bv_mesh_alpha alpha, bool premultiplied,
                   int samples, int threads, float *color, float *coverage)
{
    bv_mesh mesh = quad_view(&s->quad, t, 0);
    mesh.alpha = alpha;
    bv_render_desc d = desc_for(s->view, s->projection, W, H, &mesh, 1);
    d.samples = samples;
    if (samples == 1) {
        d.filter = BV_FILTER_BOX;
        d.filter_width = 1.0f;
    }
    d.premultiplied = premultiplied;
    d.threads = threads;
    bv_render_targets targets;
    memset(&targets, 0, sizeof targets);
    if (color) targets.color = (bv_float_span){color, W * H * 4};
    if (coverage) targets.alpha = (bv_float_span){coverage, W * H};
    const bv_status st = bv_render(&d, &targets);
    return CHECK_MSG(st == BV_OK, "bv_render: %s", bv_error_message());
}

/* The pixel in the middle of the view, away from the frame edges. */
static const float *middle(const float *color) { return color + 4 * (2 * W + 8); }

static void check_rgba(const float *got, float r, float g, float b, float a, const char *what)
{
    const float want[4] = {r, g, b, a};
    for (int k = 0; k < 4; k++)
        CHECK_MSG(fabsf(got[k] - want[k]) < 1e-5f, "%s: channel %d is %g, Cycles gives %g", what, k,
                  (double)got[k], (double)want[k]);
}

static void test_blender_float_texel_with_alpha_ignored_shows_its_stored_colour(void)
{
    /* Cycles reads a float image's pixels as premultiplied and, with the Alpha output unlinked,
       its Color output is the stored colour, whatever the image's alpha_mode */
    alpha_scene s;
    alpha_scene_init(&s);
    float texels[16];
    for (int i = 0; i < 4; i++) memcpy(texels + 4 * i, TEXEL, sizeof TEXEL);
    const bv_texture_alpha modes[] = {BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_TEXTURE_ALPHA_CHANNEL_PACKED,
                                      BV_TEXTURE_ALPHA_IGNORE};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        bv_texture *t = make_texture(texels, 2, 2, modes[m], BV_INTERPOLATION_LINEAR);
        float color[W * H * 4], coverage[W * H];
        if (t && render(&s, t, BV_MESH_ALPHA_IGNORED, false, 4, 0, color, coverage)) {
            check_rgba(middle(color), 0.6f, 0.4f, 0.2f, 1.0f, "alpha ignored");
            CHECK_NEAR(coverage[2 * W + 8], 1.0, 1e-6);
        }
        bv_texture_destroy(t);
    }
    /* straight texels (the core's default): Cycles would premultiply them on loading */
    bv_texture *t = make_texture(texels, 2, 2, BV_TEXTURE_ALPHA_STRAIGHT, BV_INTERPOLATION_LINEAR);
    float color[W * H * 4];
    if (t && render(&s, t, BV_MESH_ALPHA_IGNORED, false, 4, 0, color, NULL))
        check_rgba(middle(color), 0.3f, 0.2f, 0.1f, 1.0f, "straight texel, alpha ignored");
    bv_texture_destroy(t);
}

static void test_alpha_as_coverage_renders_as_a_mix_with_transparent_by_alpha(void)
{
    /* Cycles, Mix Shader (Fac = Alpha) of Transparent BSDF and Emission (Color), film
       premultiplied: premultiplied (0.6, 0.4, 0.2) over alpha 0.5 for STRAIGHT and PREMUL images
       (the Color output is unpremultiplied, the mix multiplies it back); (0.3, 0.2, 0.1) for a
       channel-packed one (never unpremultiplied); opaque (0.6, 0.4, 0.2) for alpha NONE. */
    alpha_scene s;
    alpha_scene_init(&s);
    float texels[16];
    for (int i = 0; i < 4; i++) memcpy(texels + 4 * i, TEXEL, sizeof TEXEL);
    const struct {
        bv_texture_alpha mode;
        float premultiplied[4];
    } cases[] = {
        {BV_TEXTURE_ALPHA_PREMULTIPLIED, {0.6f, 0.4f, 0.2f, 0.5f}},
        {BV_TEXTURE_ALPHA_CHANNEL_PACKED, {0.3f, 0.2f, 0.1f, 0.5f}},
        {BV_TEXTURE_ALPHA_IGNORE, {0.6f, 0.4f, 0.2f, 1.0f}},
        {BV_TEXTURE_ALPHA_STRAIGHT, {0.3f, 0.2f, 0.1f, 0.5f}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        bv_texture *t = make_texture(texels, 2, 2, cases[c].mode, BV_INTERPOLATION_CLOSEST);
        float premul[W * H * 4], straight[W * H * 4], coverage[W * H];
        if (t && render(&s, t, BV_MESH_ALPHA_COVERAGE, true, 4, 0, premul, coverage) &&
            render(&s, t, BV_MESH_ALPHA_COVERAGE, false, 4, 0, straight, NULL)) {
            const float *p = cases[c].premultiplied;
            check_rgba(middle(premul), p[0], p[1], p[2], p[3], "coverage, premultiplied");
            check_rgba(middle(straight), p[0] / p[3], p[1] / p[3], p[2] / p[3], p[3], "coverage, straight");
            CHECK_NEAR(coverage[2 * W + 8], p[3], 1e-6);
        }
        bv_texture_destroy(t);
    }
}

static void test_linear_edge_between_opaque_and_half_transparent_texels_blends_stored_values(void)
{
    /* Cycles blends a float image's stored (premultiplied) texels: colour and alpha both linear
       across the edge; with alpha ignored the colour is that blend, with coverage the
       premultiplied colour is that blend over the blended alpha */
    alpha_scene s;
    alpha_scene_init(&s);
    const float texels[8] = {0.2f, 0.4f, 0.8f, 1.0f, 0.6f, 0.4f, 0.2f, 0.5f};
    bv_texture *t = make_texture(texels, 2, 1, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_LINEAR);
    float ignored[W * H * 4], covered[W * H * 4];
    if (t && render(&s, t, BV_MESH_ALPHA_IGNORED, true, 1, 0, ignored, NULL) &&
        render(&s, t, BV_MESH_ALPHA_COVERAGE, true, 1, 0, covered, NULL)) {
        for (int x = 0; x < W; x++) {
            const double tx = (x + 0.5) / W * 2.0 - 0.5; /* texel coordinate, REPEAT */
            const double f = tx - floor(tx);
            const int i0 = ((int)floor(tx) % 2 + 2) % 2, i1 = (i0 + 1) % 2;
            for (int k = 0; k < 4; k++) {
                const double want = texels[4 * i0 + k] * (1.0 - f) + texels[4 * i1 + k] * f;
                const float *gi = ignored + 4 * (2 * W + x), *gc = covered + 4 * (2 * W + x);
                CHECK_MSG(fabs(gc[k] - want) < 1e-5, "coverage: pixel %d channel %d is %g, want %g", x,
                          k, (double)gc[k], want);
                const double want_ignored = k == 3 ? 1.0 : want;
                CHECK_MSG(fabs(gi[k] - want_ignored) < 1e-5, "ignored: pixel %d channel %d is %g, want %g",
                          x, k, (double)gi[k], want_ignored);
            }
        }
    }
    bv_texture_destroy(t);
}

static void test_alpha_pass_alone_reads_coverage_from_the_texture(void)
{
    alpha_scene s;
    alpha_scene_init(&s);
    float texels[16];
    for (int i = 0; i < 4; i++) memcpy(texels + 4 * i, TEXEL, sizeof TEXEL);
    bv_texture *t = make_texture(texels, 2, 2, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_LINEAR);
    float coverage[W * H];
    if (t && render(&s, t, BV_MESH_ALPHA_COVERAGE, false, 4, 0, NULL, coverage))
        CHECK_NEAR(coverage[2 * W + 8], 0.5, 1e-6);
    if (t && render(&s, t, BV_MESH_ALPHA_IGNORED, false, 4, 0, NULL, coverage))
        CHECK_NEAR(coverage[2 * W + 8], 1.0, 1e-6);
    bv_texture_destroy(t);

    /* a coverage mesh without a texture cannot give its alpha */
    bv_mesh mesh = quad_view(&s.quad, NULL, 0);
    mesh.alpha = BV_MESH_ALPHA_COVERAGE;
    bv_render_desc d = desc_for(s.view, s.projection, W, H, &mesh, 1);
    bv_render_targets targets;
    memset(&targets, 0, sizeof targets);
    targets.alpha = (bv_float_span){coverage, W * H};
    CHECK_EQ_INT(bv_render(&d, &targets), BV_ERROR_INVALID_ARGUMENT);
    CHECK_MSG(strstr(bv_error_message(), "no texture, which the alpha pass needs (its alpha is coverage)") != NULL,
              "message: %s", bv_error_message());
}

static void test_coverage_render_is_the_same_for_every_thread_count(void)
{
    alpha_scene s;
    alpha_scene_init(&s);
    enum { TW = 13, TH = 7 };
    float texels[TW * TH * 4];
    rng r = {7};
    for (int i = 0; i < TW * TH; i++) {
        const float a = i % 5 == 0 ? 0.0f : (float)rng_unit(&r);
        for (int k = 0; k < 3; k++) texels[4 * i + k] = (float)rng_unit(&r) * a; /* premultiplied */
        texels[4 * i + 3] = a;
    }
    bv_texture *t = make_texture(texels, TW, TH, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_LINEAR);
    float one[W * H * 4], two[W * H * 4], a1[W * H], a2[W * H];
    if (t && render(&s, t, BV_MESH_ALPHA_COVERAGE, false, 4, 1, one, a1) &&
        render(&s, t, BV_MESH_ALPHA_COVERAGE, false, 4, 2, two, a2)) {
        CHECK(memcmp(one, two, sizeof one) == 0);
        CHECK(memcmp(a1, a2, sizeof a1) == 0);
    }
    bv_texture_destroy(t);
}

static void test_unknown_alpha_modes_are_rejected_by_name(void)
{
    float texel[4] = {1, 1, 1, 1};
    bv_texture_desc d = {.pixels = {texel, 4}, .width = 1, .height = 1, .alpha = (bv_texture_alpha)9};
    bv_texture *t = NULL;
    CHECK_EQ_INT(bv_texture_create(&d, &t), BV_ERROR_INVALID_ARGUMENT);
    CHECK(t == NULL);
    CHECK_MSG(strcmp(bv_error_message(), "texture: unknown alpha 9") == 0, "message: %s", bv_error_message());

    alpha_scene s;
    alpha_scene_init(&s);
    d.alpha = BV_TEXTURE_ALPHA_STRAIGHT;
    if (!CHECK_EQ_INT(bv_texture_create(&d, &t), BV_OK)) return;
    bv_mesh mesh = quad_view(&s.quad, t, 0);
    mesh.alpha = (bv_mesh_alpha)5;
    bv_render_desc desc = desc_for(s.view, s.projection, W, H, &mesh, 1);
    float color[W * H * 4];
    bv_render_targets targets;
    memset(&targets, 0, sizeof targets);
    targets.color = (bv_float_span){color, W * H * 4};
    CHECK_EQ_INT(bv_render(&desc, &targets), BV_ERROR_INVALID_ARGUMENT);
    CHECK_MSG(strcmp(bv_error_message(), "render: mesh 0: unknown alpha 5") == 0, "message: %s",
              bv_error_message());
    bv_texture_destroy(t);
}

static void test_sample_unpremultiplies_as_a_linked_alpha_output_does(void)
{
    /* bv_texture_sample is the Color and Alpha outputs of a node whose Alpha is linked */
    float texels[16];
    for (int i = 0; i < 4; i++) memcpy(texels + 4 * i, TEXEL, sizeof TEXEL);
    const struct {
        bv_texture_alpha mode;
        float rgba[4];
    } cases[] = {
        {BV_TEXTURE_ALPHA_STRAIGHT, {0.6f, 0.4f, 0.2f, 0.5f}},
        {BV_TEXTURE_ALPHA_PREMULTIPLIED, {1.2f, 0.8f, 0.4f, 0.5f}},
        {BV_TEXTURE_ALPHA_CHANNEL_PACKED, {0.6f, 0.4f, 0.2f, 0.5f}},
        {BV_TEXTURE_ALPHA_IGNORE, {0.6f, 0.4f, 0.2f, 1.0f}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        bv_texture *t = make_texture(texels, 2, 2, cases[c].mode, BV_INTERPOLATION_LINEAR);
        if (!t) continue;
        float rgba[4];
        bv_texture_sample(t, 0.3f, 0.6f, rgba);
        const float *w = cases[c].rgba;
        check_rgba(rgba, w[0], w[1], w[2], w[3], "sample");
        bv_texture_destroy(t);
    }
    /* premultiplied texels of zero alpha keep their colour (Cycles divides only alpha in (0, 1)) */
    float glow[4] = {0.5f, 0.25f, 0.125f, 0.0f};
    bv_texture *t = make_texture(glow, 1, 1, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_LINEAR);
    if (t) {
        float rgba[4];
        bv_texture_sample(t, 0.5f, 0.5f, rgba);
        check_rgba(rgba, 0.5f, 0.25f, 0.125f, 0.0f, "zero alpha");
    }
    bv_texture_destroy(t);
}

static void test_fully_transparent_samples_of_a_coverage_mesh_show_the_surface_behind(void)
{
    /* Cycles' rays pass through a Transparent BSDF to what is behind: a wire's holes show the
       far side, not the background */
    alpha_scene s;
    alpha_scene_init(&s);
    const float holes[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.2f, 0.4f, 0.6f, 1.0f}; /* left half a hole */
    float red[4] = {1.0f, 0.0f, 0.0f, 1.0f};
    bv_texture *front = make_texture(holes, 2, 1, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_CLOSEST);
    bv_texture *back = texture_solid(red);
    quad_mesh far;
    quad_init(&far, -1.0f, -1.0f, 1.0f, 1.0f, -8.0f, 0.0f, 0.0f, 1.0f, 1.0f);
    for (int mode = 0; mode < 2 && front && back; mode++) {
        bv_mesh meshes[2] = {quad_view(&s.quad, front, 0), quad_view(&far, back, 1)};
        meshes[0].alpha = mode ? BV_MESH_ALPHA_COVERAGE : BV_MESH_ALPHA_IGNORED;
        bv_render_desc d = desc_for(s.view, s.projection, W, H, meshes, 2);
        float color[W * H * 4], depth[W * H], ids[W * H];
        bv_render_targets targets;
        memset(&targets, 0, sizeof targets);
        targets.color = (bv_float_span){color, W * H * 4};
        targets.depth = (bv_float_span){depth, W * H};
        targets.object_id = (bv_float_span){ids, W * H};
        if (!CHECK_MSG(bv_render(&d, &targets) == BV_OK, "bv_render: %s", bv_error_message())) break;
        const float *left = color + 4 * (2 * W + 3), *right = color + 4 * (2 * W + 12);
        if (mode) {
            check_rgba(left, 1.0f, 0.0f, 0.0f, 1.0f, "hole shows the far quad");
            CHECK_NEAR(depth[2 * W + 3], 8.0, 1e-4);
            CHECK_NEAR(ids[2 * W + 3], 1.0, 0.0);
        } else {
            check_rgba(left, 0.0f, 0.0f, 0.0f, 1.0f, "alpha ignored: the hole is opaque black");
            CHECK_NEAR(ids[2 * W + 3], 0.0, 0.0);
        }
        check_rgba(right, 0.2f, 0.4f, 0.6f, 1.0f, "wire");
        CHECK_NEAR(depth[2 * W + 12], 5.0, 1e-4);
    }
    bv_texture_destroy(front);
    bv_texture_destroy(back);
}

/* A Mix Shader clamps its factor: texture alpha above 1 covers fully, its colour divided by alpha
 * (the unpremultiplied Color output, mixed at factor 1); alpha at or below 0 covers nothing. The
 * alpha pass stays in [0, 1] (the fuzzer found 2.8e22 from an unclamped texel). */
static void test_coverage_alpha_outside_zero_to_one_is_clamped_as_a_mix_factor(void)
{
    alpha_scene s;
    alpha_scene_init(&s);
    const float above[4] = {0.8f, 0.4f, 0.2f, 2.0f}, below[4] = {0.8f, 0.4f, 0.2f, -0.5f};
    const float *cases[2] = {above, below};
    for (int c = 0; c < 2; c++) {
        float texels[16];
        for (int i = 0; i < 4; i++) memcpy(texels + 4 * i, cases[c], 4 * sizeof(float));
        bv_texture *t = make_texture(texels, 2, 2, BV_TEXTURE_ALPHA_PREMULTIPLIED, BV_INTERPOLATION_LINEAR);
        float color[W * H * 4], coverage[W * H];
        if (t && render(&s, t, BV_MESH_ALPHA_COVERAGE, true, 1, 0, color, coverage)) {
            if (c == 0) check_rgba(middle(color), 0.4f, 0.2f, 0.1f, 1.0f, "alpha 2");
            else check_rgba(middle(color), 0.0f, 0.0f, 0.0f, 0.0f, "alpha -0.5");
            for (int i = 0; i < W * H; i++)
                CHECK_MSG(coverage[i] >= 0.0f && coverage[i] <= 1.0f, "alpha pass %g at %d", (double)coverage[i], i);
        }
        bv_texture_destroy(t);
    }
}

int main(void)
{
    RUN(test_blender_float_texel_with_alpha_ignored_shows_its_stored_colour);
    RUN(test_alpha_as_coverage_renders_as_a_mix_with_transparent_by_alpha);
    RUN(test_linear_edge_between_opaque_and_half_transparent_texels_blends_stored_values);
    RUN(test_alpha_pass_alone_reads_coverage_from_the_texture);
    RUN(test_coverage_render_is_the_same_for_every_thread_count);
    RUN(test_unknown_alpha_modes_are_rejected_by_name);
    RUN(test_sample_unpremultiplies_as_a_linked_alpha_output_does);
    RUN(test_fully_transparent_samples_of_a_coverage_mesh_show_the_surface_behind);
    RUN(test_coverage_alpha_outside_zero_to_one_is_clamped_as_a_mix_factor);
    return check_summary();
}
