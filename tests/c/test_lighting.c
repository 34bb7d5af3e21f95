/* Lit views (bv_render_desc.lighting): each light type, the world and the BSDF against the
 * closed forms Cycles integrates, on a plane seen straight on; the material channels; shading
 * rates; threads; bad input. */
#include <stdlib.h>
#include <string.h>

#include <bakeview/bakeview.h>

#include "check.h"
#include "scene.h"

#define PI 3.14159265358979323846
#define SIZE 16

/* One lit plane z = 0 of half-size 4 seen from above by an orthographic camera over [-4, 4]. */
typedef struct lit_scene {
    quad_mesh quad;
    float base_px[4], channels_px[4], emit_px[4], normal_px[4];
    bv_texture *base, *channels, *emit, *normal;
    bv_material material;
    bv_mesh mesh;
    float tangents[18], signs[6];
    float view[16], projection[16];
    bv_lighting lighting;
    bv_light lights[4];
    float color[SIZE * SIZE * 4];
    int samples; /* 1 unless a test asks for more */
} lit_scene;

static void solid(float px[4], float r, float g, float b, bv_texture **t)
{
    px[0] = r, px[1] = g, px[2] = b, px[3] = 1.0f;
    *t = texture_solid(px);
}

/* The packed channels: metallic, roughness, specular, occlusion 1. */
static void set_channels(lit_scene *s, float metallic, float roughness, float specular)
{
    bv_texture_destroy(s->channels);
    s->channels_px[0] = metallic, s->channels_px[1] = roughness, s->channels_px[2] = specular;
    s->channels_px[3] = 1.0f;
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){s->channels_px, 4};
    d.width = d.height = 1;
    d.alpha = BV_TEXTURE_ALPHA_CHANNEL_PACKED;
    s->channels = NULL;
    bv_texture_create(&d, &s->channels);
    s->material.channels = s->channels;
}

static void scene_init(lit_scene *s, bv_bsdf bsdf, float roughness, float specular)
{
    memset(s, 0, sizeof *s);
    quad_init(&s->quad, -4, -4, 4, 4, 0, 0, 0, 1, 1);
    solid(s->base_px, 0.5f, 0.25f, 0.75f, &s->base);
    set_channels(s, 0.0f, roughness, specular);
    s->material.bsdf = bsdf;
    s->mesh = quad_view(&s->quad, s->base, 0);
    s->mesh.material = &s->material;
    const double eye[3] = {0, 0, 10}, target[3] = {0, 0, 0}, up[3] = {0, 1, 0};
    camera_look_at(eye, target, up, s->view, NULL);
    camera_orthographic(8.0f, SIZE, SIZE, 0.1f, 100.0f, s->projection);
    s->lighting.lights = s->lights;
    s->samples = 1;
}

static void scene_free(lit_scene *s)
{
    bv_texture *all[] = {s->base, s->channels, s->emit, s->normal};
    for (int i = 0; i < 4; i++) bv_texture_destroy(all[i]);
}

static bv_status render_lit(lit_scene *s, int threads, bv_shading_rate rate)
{
    bv_render_desc d = desc_for(s->view, s->projection, SIZE, SIZE, &s->mesh, 1);
    d.threads = threads;
    d.lighting = &s->lighting;
    d.samples = s->samples;
    if (s->samples == 1) { /* one sample at each pixel centre: the closed forms hold exactly */
        d.filter = BV_FILTER_BOX;
        d.filter_width = 1.0f;
    }
    s->lighting.shading_rate = rate;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.color = (bv_float_span){s->color, sizeof s->color / sizeof(float)};
    return bv_render(&d, &t);
}

/* Red of the pixel whose centre is nearest world (x, y) on the plane. */
static float red_at(const lit_scene *s, double x, double y)
{
    const int px = (int)((x + 4.0) / 8.0 * SIZE), py = (int)((y + 4.0) / 8.0 * SIZE);
    return s->color[4 * (py * SIZE + px)];
}

static void sun(bv_light *l, double tilt, float irradiance)
{
    memset(l, 0, sizeof *l);
    l->type = BV_LIGHT_SUN;
    l->color[0] = l->color[1] = l->color[2] = irradiance;
    l->direction[0] = (float)-sin(tilt); /* from +x, tilted down onto the plane */
    l->direction[2] = (float)-cos(tilt);
}

static void test_sun_on_lambertian_plane_is_albedo_times_irradiance_cosine_over_pi(void)
{
    for (int version = 0; version < 2; version++) {
        lit_scene s;
        /* specular 0: no glossy layer, so the V2 base is pure Lambert; V1 at roughness 0 is
           Burley with FD90 = 0.5 */
        scene_init(&s, version ? BV_BSDF_PRINCIPLED_V1 : BV_BSDF_PRINCIPLED_V2, version ? 0.0f : 1.0f, 0.0f);
        s.lighting.light_count = 1;
        sun(&s.lights[0], PI / 3, 3.0f);
        if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
        double expected = 0.5 * 3.0 * cos(PI / 3) / PI;
        if (version) { /* Burley: (1 + (FD90 - 1)(1 - nl)^5)(1 + (FD90 - 1)(1 - nv)^5), nv = 1 */
            expected *= 1.0 - 0.5 * pow(1.0 - cos(PI / 3), 5.0);
        }
        CHECK_NEAR(red_at(&s, 0, 0), expected, 1e-4 * expected);
        CHECK_NEAR(red_at(&s, 2.1, -1.3), expected, 1e-4 * expected); /* parallel light: even */
        scene_free(&s);
    }
}

static void test_point_light_falls_off_with_inverse_square_and_cosine(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    s.lighting.light_count = 1;
    bv_light *l = &s.lights[0];
    l->type = BV_LIGHT_POINT;
    l->color[0] = l->color[1] = l->color[2] = 20.0f; /* W/sr */
    l->position[2] = 2.0f;
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    /* pixel centres at (0.25, 0.25) and (2.25, 0.25) */
    for (int i = 0; i < 2; i++) {
        const double x = i ? 2.25 : 0.25, y = 0.25, d2 = x * x + y * y + 4.0;
        const double expected = 0.5 * 20.0 / d2 * (2.0 / sqrt(d2)) / PI;
        CHECK_NEAR(red_at(&s, x, y), expected, 2e-4 * expected);
    }
    scene_free(&s);
}

static void test_spot_cone_lights_inside_blends_at_its_edge_and_not_outside(void)
{
    for (int falloff = 0; falloff < 2; falloff++) {
        lit_scene s;
        scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
        s.lighting.light_count = 1;
        bv_light *l = &s.lights[0];
        l->type = BV_LIGHT_SPOT;
        l->color[0] = l->color[1] = l->color[2] = 20.0f;
        l->position[2] = 2.0f;
        l->direction[2] = -1.0f;
        l->spot_size = (float)(PI / 2); /* edge at 45 degrees: x = 2 on the plane */
        l->spot_blend = 0.5f;
        l->spot_falloff = falloff ? BV_SPOT_COSINE_SMOOTHSTEP : BV_SPOT_SMOOTHSTEP;
        if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
        const double cos_half = cos(PI / 4), smooth = (1 - cos_half) * 0.5;
        const double xs[3] = {0.25, 1.25, 3.25};
        for (int i = 0; i < 3; i++) {
            const double x = xs[i], y = 0.25, d2 = x * x + y * y + 4.0, c = 2.0 / sqrt(d2);
            double t = (c - cos_half) / smooth;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
            double cone = t * t * (3 - 2 * t);
            if (falloff) cone = c <= cos_half ? 0.0 : c * (c - cos_half < smooth ? cone : 1.0);
            const double expected = 0.5 * 20.0 * cone / d2 * c / PI;
            CHECK_MSG(fabs(red_at(&s, x, y) - expected) <= 2e-4 * expected + 1e-7,
                      "falloff %d at x %g: %g, expected %g", falloff, x, (double)red_at(&s, x, y),
                      expected);
        }
        CHECK(red_at(&s, 3.25, 0.25) == 0.0f); /* outside the cone */
        scene_free(&s);
    }
}

static void test_area_light_shines_with_the_cosine_to_its_axis_on_one_side(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    s.lighting.light_count = 1;
    bv_light *l = &s.lights[0];
    l->type = BV_LIGHT_AREA;
    l->color[0] = l->color[1] = l->color[2] = 20.0f;
    l->position[2] = 2.0f;
    l->direction[0] = 1.0f; /* tilted 45 degrees towards +x */
    l->direction[2] = -1.0f;
    l->axis_x[1] = 1.0f;
    l->size[0] = l->size[1] = 0.1f;
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    const double xs[2] = {0.25, 2.25};
    for (int i = 0; i < 2; i++) {
        const double x = xs[i], y = 0.25, d2 = x * x + y * y + 4.0, d = sqrt(d2);
        const double emit = (x / d + 2.0 / d) / sqrt(2.0); /* cos to the light's axis */
        const double expected = 0.5 * 20.0 * emit / d2 * (2.0 / d) / PI;
        CHECK_NEAR(red_at(&s, x, y), expected, 2e-4 * expected);
    }
    l->direction[0] = 0.0f, l->direction[2] = 1.0f; /* facing away: its back is dark */
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    CHECK(red_at(&s, 0.25, 0.25) == 0.0f);
    scene_free(&s);
}

static void test_uniform_world_on_lambertian_plane_is_albedo_times_radiance(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    s.lighting.world.color[0] = s.lighting.world.color[1] = s.lighting.world.color[2] = 0.3f;
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    CHECK_NEAR(red_at(&s, 0, 0), 0.5 * 0.3, 1e-3);
    CHECK_NEAR(s.color[4 * (8 * SIZE + 8) + 1], 0.25 * 0.3, 1e-3); /* green: its own albedo */
    scene_free(&s);
}

static void test_emission_adds_its_radiance(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    solid(s.emit_px, 2.0f, 0.5f, 0.0f, &s.emit);
    s.material.emission = s.emit;
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    CHECK_NEAR(s.color[4 * (8 * SIZE + 8)], 2.0, 1e-6);
    CHECK_NEAR(s.color[4 * (8 * SIZE + 8) + 1], 0.5, 1e-6);
    scene_free(&s);
}

/* A mirror-like metal shows the sun's highlight where the view is the sun's reflection, and
 * little elsewhere: the highlight follows the camera. */
static void test_glossy_highlight_follows_the_view(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 0.2f, 0.5f);
    set_channels(&s, 1.0f, 0.2f, 0.5f);
    s.lighting.light_count = 1;
    sun(&s.lights[0], PI / 4, 3.0f); /* from +x: its mirror view comes from -x */
    const double target[3] = {0, 0, 0}, up[3] = {0, 0, 1};
    const double mirror[3] = {-10, 0, 10}, sunward[3] = {10, 0, 10};
    camera_look_at(mirror, target, up, s.view, NULL);
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    const float at_mirror = s.color[4 * (8 * SIZE + 8)];
    camera_look_at(sunward, target, up, s.view, NULL);
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    const float away = s.color[4 * (8 * SIZE + 8)];
    CHECK_MSG(at_mirror > 20.0f * away, "highlight %g vs away %g", (double)at_mirror, (double)away);
    /* GGX at the mirror direction, F D G E cos / (4 nl nv) with F = the base (0.5), D = 1 /
       (pi a^2), G near 1, widened by nothing (a sharp sun): far above any diffuse value */
    const double a = 0.04;
    CHECK(at_mirror > 0.5 * 0.5 * 3.0 / (PI * a * a) / (4.0 * cos(PI / 4)));
    scene_free(&s);
}

/* A tangent-space normal tilted towards +x by the normal map turns the Lambert response as the
 * tilted normal does. */
static void test_normal_map_tilts_the_shading_normal_in_the_tangent_frame(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    const double tilt = 0.4;
    solid(s.normal_px, (float)(0.5 * sin(tilt) + 0.5), 0.5f, (float)(0.5 * cos(tilt) + 0.5), &s.normal);
    s.material.normal = s.normal;
    for (int i = 0; i < 6; i++) {
        s.tangents[3 * i] = 1.0f; /* +x: u grows with x */
        s.signs[i] = 1.0f;
    }
    s.mesh.tangents = (bv_floats){s.tangents, 18};
    s.mesh.bitangent_signs = (bv_floats){s.signs, 6};
    s.lighting.light_count = 1;
    sun(&s.lights[0], PI / 3, 3.0f);
    if (!CHECK(render_lit(&s, 2, BV_SHADING_PIXEL) == BV_OK)) return;
    const double expected = 0.5 * 3.0 * cos(PI / 3 - tilt) / PI;
    CHECK_NEAR(red_at(&s, 0, 0), expected, 1e-3 * expected);
    scene_free(&s);
}

/* A sphere-like fan of triangles so that pixels see edges and several normals. */
static void test_lit_views_are_the_same_for_any_thread_count_and_rate_close(void)
{
    enum { RINGS = 12, SEGMENTS = 24 };
    float positions[(RINGS + 1) * (SEGMENTS + 1) * 3], uvs[RINGS * SEGMENTS * 2 * 6];
    float normals[RINGS * SEGMENTS * 2 * 9];
    uint32_t triangles[RINGS * SEGMENTS * 2 * 3];
    for (int r = 0; r <= RINGS; r++)
        for (int g = 0; g <= SEGMENTS; g++) {
            const double th = PI * r / RINGS, ph = 2 * PI * g / SEGMENTS;
            float *p = positions + 3 * (r * (SEGMENTS + 1) + g);
            p[0] = (float)(2 * sin(th) * cos(ph)), p[1] = (float)(2 * sin(th) * sin(ph)), p[2] = (float)(2 * cos(th));
        }
    size_t t = 0;
    for (int r = 0; r < RINGS; r++)
        for (int g = 0; g < SEGMENTS; g++) {
            const uint32_t a = (uint32_t)(r * (SEGMENTS + 1) + g), b = a + 1, c = a + SEGMENTS + 1, d = c + 1;
            const uint32_t quad[6] = {a, c, d, a, d, b};
            for (int k = 0; k < 6; k++, t++) {
                triangles[t] = quad[k];
                const float *p = positions + 3 * quad[k];
                for (int e = 0; e < 3; e++) normals[3 * t + e] = p[e] / 2.0f;
                uvs[2 * t] = (float)(quad[k] % (SEGMENTS + 1)) / SEGMENTS;
                uvs[2 * t + 1] = (float)(quad[k] / (SEGMENTS + 1)) / RINGS;
            }
        }
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 0.3f, 0.5f);
    s.samples = 4;
    s.mesh.positions = (bv_floats){positions, sizeof positions / sizeof(float)};
    s.mesh.triangles = (bv_uints){triangles, t};
    s.mesh.uvs = (bv_floats){uvs, 2 * t};
    s.mesh.normals = (bv_floats){normals, 3 * t};
    s.lighting.light_count = 1;
    sun(&s.lights[0], 0.7, 3.0f);
    s.lighting.world.color[0] = s.lighting.world.color[1] = s.lighting.world.color[2] = 0.1f;
    static float one[SIZE * SIZE * 4], sample_rate[SIZE * SIZE * 4];
    for (int rate = 0; rate < 2; rate++) {
        if (!CHECK(render_lit(&s, 1, (bv_shading_rate)rate) == BV_OK)) return;
        memcpy(one, s.color, sizeof one);
        if (!CHECK(render_lit(&s, 2, (bv_shading_rate)rate) == BV_OK)) return;
        CHECK_MSG(memcmp(one, s.color, sizeof one) == 0, "rate %d: 1 and 2 threads differ", rate);
        if (rate) memcpy(sample_rate, s.color, sizeof sample_rate);
    }
    render_lit(&s, 2, BV_SHADING_PIXEL);
    double error = 0.0;
    for (int i = 0; i < SIZE * SIZE * 4; i++) error += (s.color[i] - sample_rate[i]) * (s.color[i] - sample_rate[i]);
    const double psnr = 10.0 * log10(1.0 / (error / (SIZE * SIZE * 4)));
    CHECK_MSG(psnr > 35.0, "per pixel vs per sample: %.1f dB", psnr);
    scene_free(&s);
}

static void test_lighting_without_a_colour_pass_changes_nothing(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    s.lighting.light_count = 1;
    sun(&s.lights[0], 0.3, 3.0f);
    float depth[SIZE * SIZE], unlit[SIZE * SIZE];
    bv_render_desc d = desc_for(s.view, s.projection, SIZE, SIZE, &s.mesh, 1);
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    t.depth = (bv_float_span){unlit, SIZE * SIZE};
    CHECK(bv_render(&d, &t) == BV_OK);
    d.lighting = &s.lighting;
    t.depth = (bv_float_span){depth, SIZE * SIZE};
    CHECK(bv_render(&d, &t) == BV_OK);
    CHECK(memcmp(depth, unlit, sizeof depth) == 0);
    scene_free(&s);
}

static void expect_error(lit_scene *s, const char *message)
{
    const bv_status status = render_lit(s, 1, s->lighting.shading_rate);
    CHECK_MSG(status == BV_ERROR_INVALID_ARGUMENT && strstr(bv_error_message(), message),
              "expected \"%s\", got %s \"%s\"", message, bv_status_name(status), bv_error_message());
}

static void test_bad_lighting_is_refused_with_its_reason(void)
{
    lit_scene s;
    scene_init(&s, BV_BSDF_PRINCIPLED_V2, 1.0f, 0.0f);
    s.lighting.light_count = 1;
    sun(&s.lights[0], 0.3, 3.0f);
    s.lights[0].color[1] = NAN;
    expect_error(&s, "lighting: light 0: color");
    sun(&s.lights[0], 0.3, 3.0f);
    s.lights[0].type = (bv_light_type)9;
    expect_error(&s, "lighting: light 0: unknown type 9");
    sun(&s.lights[0], 0.3, 3.0f);
    s.lighting.world.color[2] = -1.0f;
    expect_error(&s, "lighting: world.color");
    s.lighting.world.color[2] = 0.0f;
    s.lighting.shading_rate = (bv_shading_rate)5;
    expect_error(&s, "lighting: unknown shading_rate 5");
    s.lighting.shading_rate = BV_SHADING_PIXEL;
    s.lighting.lights = NULL;
    expect_error(&s, "lighting: lights is NULL but light_count is 1");
    s.lighting.lights = s.lights;
    solid(s.normal_px, 0.5f, 0.5f, 1.0f, &s.normal);
    s.material.normal = s.normal;
    expect_error(&s, "render: mesh 0: its material has a normal map, which needs tangents");
    s.mesh.tangents = (bv_floats){s.tangents, 18};
    s.mesh.bitangent_signs = (bv_floats){s.signs, 5};
    expect_error(&s, "render: mesh 0: 5 bitangent_signs for 6 tangents (one each)");
    s.mesh.bitangent_signs = (bv_floats){s.signs, 6};
    s.tangents[4] = INFINITY;
    expect_error(&s, "render: mesh 0: tangents or bitangent_signs has a NaN or infinite value");
    s.tangents[4] = 0.0f;
    s.material.ior = -1.0f;
    expect_error(&s, "render: mesh 0: material ior -1 is not a finite value >= 0 (0: 1.5)");
    s.material.ior = 0.0f;
    s.material.bsdf = (bv_bsdf)7;
    expect_error(&s, "render: mesh 0: unknown material bsdf 7");
    scene_free(&s);
}

int main(void)
{
    RUN(test_sun_on_lambertian_plane_is_albedo_times_irradiance_cosine_over_pi);
    RUN(test_point_light_falls_off_with_inverse_square_and_cosine);
    RUN(test_spot_cone_lights_inside_blends_at_its_edge_and_not_outside);
    RUN(test_area_light_shines_with_the_cosine_to_its_axis_on_one_side);
    RUN(test_uniform_world_on_lambertian_plane_is_albedo_times_radiance);
    RUN(test_emission_adds_its_radiance);
    RUN(test_glossy_highlight_follows_the_view);
    RUN(test_normal_map_tilts_the_shading_normal_in_the_tangent_frame);
    RUN(test_lit_views_are_the_same_for_any_thread_count_and_rate_close);
    RUN(test_lighting_without_a_colour_pass_changes_nothing);
    RUN(test_bad_lighting_is_refused_with_its_reason);
    return check_summary();
}
