/* The world's light (core/src/light/environment.h): a constant world lights diffuse and glossy
 * with its colour; an environment image maps to directions as Cycles' Environment Texture node
 * maps them; diffuse is the order-2 SH irradiance / pi; glossy is GGX-prefiltered radiance that
 * keeps the world's mean; bad world colours are refused with a message naming them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "light/environment.h"

#define PI 3.14159265358979323846

static bv_texture *make_texture(const float *pixels, int w, int h, bv_extension ext)
{
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){pixels, (size_t)w * (size_t)h * 4};
    d.width = w;
    d.height = h;
    d.extension = ext;
    d.interpolation = BV_INTERPOLATION_LINEAR;
    bv_texture *t = NULL;
    const bv_status s = bv_texture_create(&d, &t);
    CHECK_MSG(s == BV_OK && t, "bv_texture_create failed: %s", bv_error_message());
    return t;
}

static bv__environment *make_environment(const float color[3], const bv_texture *texture)
{
    bv_world world;
    memset(&world, 0, sizeof world);
    memcpy(world.color, color, sizeof world.color);
    world.environment = texture;
    bv__environment *env = NULL;
    const bv_status s = bv__environment_create(&world, &env);
    CHECK_MSG(s == BV_OK && env, "bv__environment_create failed: %s", bv_error_message());
    return env;
}

static float *alloc_pixels(int w, int h, float r, float g, float b)
{
    float *p = malloc((size_t)w * (size_t)h * 4 * sizeof(float));
    if (!p) return NULL;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        p[4 * i] = r;
        p[4 * i + 1] = g;
        p[4 * i + 2] = b;
        p[4 * i + 3] = 1.0f;
    }
    return p;
}

static void set_texel(float *p, int w, int i, int j, float r, float g, float b)
{
    float *t = p + 4 * ((size_t)j * (size_t)w + (size_t)i);
    t[0] = r;
    t[1] = g;
    t[2] = b;
}

static void normalize3(float d[3])
{
    const float l = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int k = 0; k < 3; k++) d[k] /= l;
}

/* The unit direction at the centre of texel (i + fi, j + fj) of a w x h equirectangular image,
 * inverting Cycles' direction_to_equirectangular (see test_directions_map_to_the_image_as_cycles). */
static void texel_direction(double u, double v, float d[3])
{
    const double phi = PI - 2.0 * PI * u, theta = PI * (1.0 - v);
    d[0] = (float)(sin(theta) * cos(phi));
    d[1] = (float)(sin(theta) * sin(phi));
    d[2] = (float)cos(theta);
}

static double row_solid_angle(int j, int w, int h)
{
    return 2.0 * PI / w * (cos(PI * j / h) - cos(PI * (j + 1) / h));
}

static const float sample_normals[][3] = {
    {1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1},
    {0.6f, 0.0f, 0.8f}, {0.0f, -0.8f, 0.6f}, {0.48f, 0.6f, -0.64f}, {-0.36f, -0.48f, 0.8f},
};
#define NORMAL_COUNT ((int)(sizeof sample_normals / sizeof sample_normals[0]))
static const float sample_roughness[] = {0.0f, 0.05f, 0.125f, 0.2f, 0.25f, 0.3f, 0.375f, 0.45f,
                                         0.5f, 0.6f, 0.75f, 0.9f, 1.0f};
#define ROUGHNESS_COUNT ((int)(sizeof sample_roughness / sizeof sample_roughness[0]))

static void test_constant_world_lights_diffuse_and_glossy_with_its_colour(void)
{
    const float color[3] = {0.25f, 1.5f, 3.0f};
    bv__environment *env = make_environment(color, NULL);
    if (!env) return;
    for (int n = 0; n < NORMAL_COUNT; n++) {
        float d[3];
        memcpy(d, sample_normals[n], sizeof d);
        normalize3(d);
        float rgb[3];
        bv__environment_diffuse(env, d, rgb);
        for (int k = 0; k < 3; k++) CHECK_MSG(rgb[k] == color[k], "diffuse %d/%d: %g", n, k, (double)rgb[k]);
        for (int r = 0; r < ROUGHNESS_COUNT; r++) {
            bv__environment_specular(env, d, sample_roughness[r], rgb);
            for (int k = 0; k < 3; k++)
                CHECK_MSG(rgb[k] == color[k], "specular %d roughness %g: %g", n,
                          (double)sample_roughness[r], (double)rgb[k]);
        }
    }
    bv__environment_destroy(env);
}

/* A uniform image times the colour: the same constant through the SH and the prefiltering. */
static void test_uniform_image_lights_with_colour_times_texel(void)
{
    const int w = 300, h = 150; /* not a power of two, not 2:1 with the maps */
    float *pixels = alloc_pixels(w, h, 0.5f, 0.25f, 2.0f);
    if (!CHECK(pixels)) return;
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_REPEAT);
    const float color[3] = {2.0f, 4.0f, 0.5f};
    bv__environment *env = tex ? make_environment(color, tex) : NULL;
    if (env) {
        for (int n = 0; n < NORMAL_COUNT; n++) {
            float d[3], rgb[3];
            memcpy(d, sample_normals[n], sizeof d);
            normalize3(d);
            bv__environment_diffuse(env, d, rgb);
            for (int k = 0; k < 3; k++) CHECK_NEAR(rgb[k], 1.0f, 1e-5);
            for (int r = 0; r < ROUGHNESS_COUNT; r++) {
                bv__environment_specular(env, d, sample_roughness[r], rgb);
                for (int k = 0; k < 3; k++) CHECK_NEAR(rgb[k], 1.0f, 1e-5);
            }
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* Cycles (src/kernel/camera/projection.h, v3.4.0 and v5.0.0 alike; svm_node_tex_environment
 * calls it with the normalised view direction):
 *   direction_to_equirectangular(dir) = direction_to_equirectangular_range(dir,
 *       (-2pi, pi, -pi, pi)):  u = (atan2(dir.y, dir.x) - pi) / -2pi,  v = (acos(dir.z) - pi) / -pi
 * so +X -> (0.5, 0.5), +Y -> (0.25, 0.5), -Y -> (0.75, 0.5), -X -> u = 0 (= 1, the seam),
 * +Z -> v = 1 (the top row: row 0 is the bottom), -Z -> v = 0. A 64 x 32 image holds a colour
 * patch around each of these points; roughness 0 must return the patch's colour. */
static void test_directions_map_to_the_image_as_cycles(void)
{
    const int w = 64, h = 32;
    float *pixels = alloc_pixels(w, h, 0.0f, 0.0f, 0.0f);
    if (!CHECK(pixels)) return;
    static const struct {
        float dir[3];
        int column; /* the patch's first column (8 wide, wrapping) */
        int row;    /* its first row (8 high), or -1 / -2 for the top / bottom 4 rows */
        float rgb[3];
    } points[] = {
        {{1, 0, 0}, 28, 12, {1, 0, 0}},   /* u = 0.5: columns 28..35 */
        {{-1, 0, 0}, 60, 12, {0, 1, 0}},  /* u = 0 = 1: columns 60..63, 0..3 */
        {{0, 1, 0}, 12, 12, {0, 0, 1}},   /* u = 0.25 */
        {{0, -1, 0}, 44, 12, {1, 1, 0}},  /* u = 0.75 */
        {{0, 0, 1}, 0, -1, {1, 0, 1}},    /* v = 1 */
        {{0, 0, -1}, 0, -2, {0, 1, 1}},   /* v = 0 */
    };
    for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
        if (points[p].row >= 0) {
            for (int j = points[p].row; j < points[p].row + 8; j++)
                for (int i = points[p].column; i < points[p].column + 8; i++)
                    set_texel(pixels, w, i % w, j, points[p].rgb[0], points[p].rgb[1], points[p].rgb[2]);
        } else {
            const int j0 = points[p].row == -1 ? h - 4 : 0;
            for (int j = j0; j < j0 + 4; j++)
                for (int i = 0; i < w; i++)
                    set_texel(pixels, w, i, j, points[p].rgb[0], points[p].rgb[1], points[p].rgb[2]);
        }
    }
    /* EXTEND: REPEAT (what Cycles uses for this node) blends the top and bottom rows within half
       a texel of the poles, as Cycles does; this test wants the pole rows unmixed. */
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_EXTEND);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
            float rgb[3];
            bv__environment_specular(env, points[p].dir, 0.0f, rgb);
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabsf(rgb[k] - points[p].rgb[k]) <= 1e-5f,
                          "direction (%g, %g, %g) channel %d: %g, expected %g", (double)points[p].dir[0],
                          (double)points[p].dir[1], (double)points[p].dir[2], k, (double)rgb[k],
                          (double)points[p].rgb[k]);
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* A linear ramp R = u, G = v (texel centres (i + 0.5) / N) read back through roughness 0 at
 * directions between the axes: bilinear taps reproduce a linear ramp, so (u, v) comes back. */
static void test_roughness_zero_reads_the_radiance_along_r(void)
{
    const int w = 64, h = 32;
    float *pixels = alloc_pixels(w, h, 0, 0, 0);
    if (!CHECK(pixels)) return;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) set_texel(pixels, w, i, j, (i + 0.5f) / w, (j + 0.5f) / h, 1.0f);
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_EXTEND);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        static const struct { float dir[3], u, v; } points[] = {
            {{1, 0, 1}, 0.5f, 0.75f},       /* atan2(0, 1) = 0; acos(1/sqrt2) = pi/4 */
            {{0, -1, -1}, 0.75f, 0.25f},    /* atan2(-1, 0) = -pi/2 */
            {{-1, 1, 0}, 0.125f, 0.5f},     /* atan2(1, -1) = 3pi/4 */
            {{1, -1, 0.5f}, 0.625f, 0.0f},  /* atan2(-1, 1) = -pi/4; v computed below */
        };
        for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
            float d[3];
            memcpy(d, points[p].dir, sizeof d);
            normalize3(d);
            const float v = p == 3 ? 1.0f - acosf(d[2]) / (float)PI : points[p].v;
            float rgb[3];
            bv__environment_specular(env, d, 0.0f, rgb);
            CHECK_MSG(fabsf(rgb[0] - points[p].u) <= 1e-4f && fabsf(rgb[1] - v) <= 1e-4f,
                      "point %zu: (u, v) read (%g, %g), expected (%g, %g)", p, (double)rgb[0],
                      (double)rgb[1], (double)points[p].u, (double)v);
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* White above the horizon, black below: the irradiance / pi at normal n is (1 + n.z) / 2, which
 * order-2 SH holds exactly (the hemisphere's l = 3, 5... terms meet the clamped cosine's zero
 * coefficients), so what remains is the integration's error. */
static void test_bright_upper_hemisphere_gives_half_plus_half_cosine(void)
{
    const int w = 128, h = 64;
    float *pixels = alloc_pixels(w, h, 0, 0, 0);
    if (!CHECK(pixels)) return;
    for (int j = h / 2; j < h; j++)
        for (int i = 0; i < w; i++) set_texel(pixels, w, i, j, 1, 1, 1);
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_EXTEND);
    const float color[3] = {1.0f, 2.0f, 0.5f};
    bv__environment *env = tex ? make_environment(color, tex) : NULL;
    if (env) {
        for (int n = 0; n < NORMAL_COUNT; n++) {
            float d[3], rgb[3];
            memcpy(d, sample_normals[n], sizeof d);
            normalize3(d);
            bv__environment_diffuse(env, d, rgb);
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabsf(rgb[k] - color[k] * 0.5f * (1.0f + d[2])) <= 2e-3f * color[k],
                          "normal %d channel %d: %g, expected %g", n, k, (double)rgb[k],
                          (double)(color[k] * 0.5f * (1.0f + d[2])));
            /* roughness 1 is the cosine lobe (D_GGX is constant at alpha 1): irradiance / pi too,
               from the 32 x 16 map (its discretisation is the tolerance) */
            bv__environment_specular(env, d, 1.0f, rgb);
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabsf(rgb[k] - color[k] * 0.5f * (1.0f + d[2])) <= 0.02f * color[k],
                          "roughness 1, normal %d channel %d: %g, expected %g", n, k, (double)rgb[k],
                          (double)(color[k] * 0.5f * (1.0f + d[2])));
        }
        /* glossy: looking straight up or down sees only white or only black (the lobe never
           passes the horizon; within 2e-3, as the maps' pole rows are centred 90 / 16 degrees off
           the pole at roughness 1); the horizon sees half of each by symmetry */
        const float up[3] = {0, 0, 1}, down[3] = {0, 0, -1}, side[3] = {0.6f, 0.8f, 0.0f};
        for (int r = 0; r < ROUGHNESS_COUNT; r++) {
            float rgb[3];
            bv__environment_specular(env, up, sample_roughness[r], rgb);
            CHECK_MSG(fabsf(rgb[0] - 1.0f) <= 2e-3f, "up, roughness %g: %g", (double)sample_roughness[r], (double)rgb[0]);
            bv__environment_specular(env, down, sample_roughness[r], rgb);
            CHECK_MSG(fabsf(rgb[0]) <= 2e-3f, "down, roughness %g: %g", (double)sample_roughness[r], (double)rgb[0]);
            if (sample_roughness[r] > 0.2f) { /* wider lobes than the sharp horizon's texels */
                bv__environment_specular(env, side, sample_roughness[r], rgb);
                CHECK_MSG(fabsf(rgb[0] - 0.5f) <= 0.02f, "horizon, roughness %g: %g",
                          (double)sample_roughness[r], (double)rgb[0]);
            }
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* A small bright patch (4 x 4 texels of a 256 x 128 image, radiance 1000): roughness 0 sees it
 * along its direction and nothing far from it; diffuse matches the order-2 SH irradiance of a
 * light of the patch's power, 1/4 + c/2 + 5/16 P2(c) (c the cosine to the light), which is itself
 * within 0.094 x the peak of the exact max(c, 0) (the bound this approximation has for a point
 * light: +6% facing it, +9.4% of the peak at grazing, 0.0625 behind). */
static void test_small_bright_patch_lights_diffuse_and_mirror(void)
{
    const int w = 256, h = 128, i0 = 76, j0 = 76, size = 4;
    const float radiance = 1000.0f;
    float *pixels = alloc_pixels(w, h, 0, 0, 0);
    if (!CHECK(pixels)) return;
    double omega = 0.0;
    for (int j = j0; j < j0 + size; j++) {
        omega += size * row_solid_angle(j, w, h);
        for (int i = i0; i < i0 + size; i++) set_texel(pixels, w, i, j, radiance, radiance, radiance);
    }
    float light[3];
    texel_direction((double)(i0 + size / 2) / w, (double)(j0 + size / 2) / h, light);
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_REPEAT);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        float rgb[3];
        bv__environment_specular(env, light, 0.0f, rgb);
        CHECK_NEAR(rgb[0], radiance, 1e-3 * radiance);
        const float away[3] = {-light[0], -light[1], -light[2]};
        bv__environment_specular(env, away, 0.0f, rgb);
        CHECK(rgb[0] == 0.0f);
        const float across[3] = {-light[1], light[0], 0.0f}; /* 90 degrees from it, and 0.4 rad */
        bv__environment_specular(env, across, 0.0f, rgb);
        CHECK(rgb[0] == 0.0f);
        bv__environment_specular(env, across, 0.125f, rgb);
        CHECK(rgb[0] == 0.0f);
        const double power = radiance * omega;
        double worst = 0.0;
        for (int n = 0; n < 200; n++) { /* normals spread over the sphere (a Fibonacci spiral) */
            const double z = 1.0 - (2.0 * n + 1.0) / 200.0, s = sqrt(1.0 - z * z), phi = 2.39996323 * n;
            const float d[3] = {(float)(s * cos(phi)), (float)(s * sin(phi)), (float)z};
            const double c = d[0] * light[0] + d[1] * light[1] + d[2] * light[2];
            double sh = power / PI * (0.25 + 0.5 * c + 5.0 / 16.0 * (1.5 * c * c - 0.5));
            if (sh < 0.0) sh = 0.0;
            const double exact = power / PI * (c > 0.0 ? c : 0.0);
            bv__environment_diffuse(env, d, rgb);
            CHECK_MSG(fabs(rgb[0] - sh) <= 0.01 * power / PI, "normal %d: %g, order-2 SH %g", n,
                      (double)rgb[0], sh);
            if (fabs(rgb[0] - exact) > worst) worst = fabs(rgb[0] - exact);
        }
        CHECK_MSG(worst <= 0.1 * power / PI, "worst error to the exact irradiance: %g of the peak",
                  worst / (power / PI));
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* Glossy is the GGX lobe of alpha = roughness^2 (Blender's), weighted by n.l with n = v = r:
 * compared with that kernel integrated over the whole sphere (no truncation) here, for the white
 * upper hemisphere, at directions a little above the horizon where the lobe's width decides how
 * much black it sees. At the levels' own roughnesses (no blending between levels). */
static void test_glossy_is_the_ggx_lobe_of_roughness_squared(void)
{
    const int w = 256, h = 128;
    float *pixels = alloc_pixels(w, h, 0, 0, 0);
    if (!CHECK(pixels)) return;
    for (int j = h / 2; j < h; j++)
        for (int i = 0; i < w; i++) set_texel(pixels, w, i, j, 1, 1, 1);
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_EXTEND);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        static const struct { float roughness, elevation_degrees; } cases[] = {
            {0.25f, 2.0f}, {0.25f, 5.0f}, {0.375f, 5.0f}, {0.5f, 10.0f}, {0.5f, 25.0f},
            {0.75f, 20.0f}, {0.75f, 45.0f},
        };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const double e = cases[c].elevation_degrees * PI / 180.0;
            const float r[3] = {(float)(cos(e) * 0.6), (float)(cos(e) * 0.8), (float)sin(e)};
            const double alpha = (double)cases[c].roughness * cases[c].roughness, a2 = alpha * alpha;
            double sum = 0.0, weight = 0.0;
            const int gw = 2048, gh = 1024;
            for (int j = 0; j < gh; j++) {
                const double om = row_solid_angle(j, gw, gh);
                const double radiance = j >= gh / 2 ? 1.0 : 0.0;
                for (int i = 0; i < gw; i++) {
                    float l[3];
                    texel_direction((i + 0.5) / gw, (j + 0.5) / gh, l);
                    const double cl = (double)r[0] * l[0] + (double)r[1] * l[1] + (double)r[2] * l[2];
                    if (cl <= 0.0) continue;
                    const double nh2 = 0.5 * (1.0 + cl); /* (n.h)^2, h halfway between r and l */
                    const double d = a2 / (PI * (nh2 * (a2 - 1.0) + 1.0) * (nh2 * (a2 - 1.0) + 1.0));
                    sum += om * d * cl * radiance;
                    weight += om * d * cl;
                }
            }
            const double expected = sum / weight;
            float rgb[3];
            bv__environment_specular(env, r, cases[c].roughness, rgb);
            CHECK_MSG(fabs(rgb[0] - expected) <= 0.015, "roughness %g, %g degrees up: %g, GGX %g",
                      (double)cases[c].roughness, (double)cases[c].elevation_degrees, (double)rgb[0],
                      expected);
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

/* The prefiltering moves light around, never makes or loses it: the sphere's mean of the glossy
 * lookup (as shading reads it) equals the image's mean at every roughness. The image: noise, a
 * sun-like patch and a bright horizon band, 512 x 256. */
static void test_glossy_keeps_the_mean_radiance(void)
{
    const int w = 512, h = 256;
    float *pixels = alloc_pixels(w, h, 0, 0, 0);
    if (!CHECK(pixels)) return;
    unsigned state = 12345u;
    double source_mean[3] = {0, 0, 0};
    for (int j = 0; j < h; j++) {
        for (int i = 0; i < w; i++) {
            float rgb[3];
            for (int k = 0; k < 3; k++) {
                state = state * 1664525u + 1013904223u;
                rgb[k] = (float)(state >> 8) / 16777216.0f;
            }
            if (j >= 120 && j < 136) rgb[0] = rgb[1] = rgb[2] = 5.0f;
            if (j >= 200 && j < 208 && i >= 300 && i < 308) rgb[0] = rgb[1] = rgb[2] = 500.0f;
            set_texel(pixels, w, i, j, rgb[0], rgb[1], rgb[2]);
            for (int k = 0; k < 3; k++) source_mean[k] += row_solid_angle(j, w, h) * rgb[k] / (4.0 * PI);
        }
    }
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_REPEAT);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        const int gw = 1024, gh = 512;
        for (int r = 0; r < ROUGHNESS_COUNT; r++) {
            double mean[3] = {0, 0, 0};
            for (int j = 0; j < gh; j++) {
                const double om = row_solid_angle(j, gw, gh) / (4.0 * PI);
                for (int i = 0; i < gw; i++) {
                    float d[3], rgb[3];
                    texel_direction((i + 0.5) / gw, (j + 0.5) / gh, d);
                    bv__environment_specular(env, d, sample_roughness[r], rgb);
                    for (int k = 0; k < 3; k++) mean[k] += om * rgb[k];
                }
            }
            for (int k = 0; k < 3; k++)
                CHECK_MSG(fabs(mean[k] / source_mean[k] - 1.0) <= 0.01,
                          "roughness %g channel %d: mean %g, the image's %g (%+.2f%%)",
                          (double)sample_roughness[r], k, mean[k], source_mean[k],
                          100.0 * (mean[k] / source_mean[k] - 1.0));
        }
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

static void test_bad_world_colour_is_refused_by_name(void)
{
    bv__environment *env = (bv__environment *)&env;
    bv_world world;
    memset(&world, 0, sizeof world);
    world.color[1] = NAN;
    CHECK_EQ_INT(bv__environment_create(&world, &env), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lighting: world.color has a NaN or infinite value");
    CHECK(env == NULL);
    world.color[1] = INFINITY;
    CHECK_EQ_INT(bv__environment_create(&world, &env), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lighting: world.color has a NaN or infinite value");
    world.color[1] = -0.5f;
    CHECK_EQ_INT(bv__environment_create(&world, &env), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "lighting: world.color is negative");
    CHECK_EQ_INT(bv__environment_create(NULL, &env), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "world");
}

/* A zero or NaN direction (a degenerate normal) reads the image at (0, 0) as Cycles does for a
 * zero vector, instead of turning a NaN into an index. */
static void test_degenerate_directions_read_a_texel_not_garbage(void)
{
    const int w = 16, h = 8;
    float *pixels = alloc_pixels(w, h, 0.25f, 0.5f, 0.75f);
    if (!CHECK(pixels)) return;
    bv_texture *tex = make_texture(pixels, w, h, BV_EXTENSION_REPEAT);
    const float white[3] = {1, 1, 1};
    bv__environment *env = tex ? make_environment(white, tex) : NULL;
    if (env) {
        const float zero[3] = {0, 0, 0}, nan_dir[3] = {NAN, 0, 1};
        float rgb[3];
        bv__environment_specular(env, zero, 0.3f, rgb);
        CHECK_NEAR(rgb[2], 0.75f, 1e-5);
        bv__environment_specular(env, nan_dir, NAN, rgb);
        CHECK_NEAR(rgb[2], 0.75f, 1e-5);
    }
    bv__environment_destroy(env);
    bv_texture_destroy(tex);
    free(pixels);
}

int main(void)
{
    RUN(test_constant_world_lights_diffuse_and_glossy_with_its_colour);
    RUN(test_uniform_image_lights_with_colour_times_texel);
    RUN(test_directions_map_to_the_image_as_cycles);
    RUN(test_roughness_zero_reads_the_radiance_along_r);
    RUN(test_bright_upper_hemisphere_gives_half_plus_half_cosine);
    RUN(test_small_bright_patch_lights_diffuse_and_mirror);
    RUN(test_glossy_is_the_ggx_lobe_of_roughness_squared);
    RUN(test_glossy_keeps_the_mean_radiance);
    RUN(test_bad_world_colour_is_refused_by_name);
    RUN(test_degenerate_directions_read_a_texel_not_garbage);
    return check_summary();
}
