/* Lighting a surface point: the material's channels tapped at its UV, the normal map applied in
 * the MikkTSpace frame, then every light (with its falloff and shadow) and the world through the
 * Principled BSDF (bsdf.c), and emission added. */
#include <math.h>
#include <string.h>

#include <cglm/cglm.h>

#include "../alloc.h"
#include "../error.h"
#include "../matrix.h"
#include "../texture_internal.h"
#include "shade.h"

#define BV__PI 3.14159265358979323846

static bv_status check_light(size_t i, const bv_light *l)
{
    if ((unsigned)l->type > BV_LIGHT_AREA)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: unknown type %d", i,
                        (int)l->type);
    for (int k = 0; k < 3; k++)
        if (!isfinite(l->color[k]) || l->color[k] < 0.0f)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: light %zu: color (%g, %g, %g) is not finite and >= 0", i,
                            (double)l->color[0], (double)l->color[1], (double)l->color[2]);
    return BV_OK;
}

bv_status bv__lighting_check(const bv_lighting *lighting, int view_width, int view_height)
{
    if (lighting->light_count && !lighting->lights)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "lighting: lights is NULL but light_count is %zu", lighting->light_count);
    for (size_t i = 0; i < lighting->light_count && i < BV_MAX_LIGHTS; i++) {
        const bv_status s = check_light(i, &lighting->lights[i]);
        if (s != BV_OK) return s;
    }
    for (int k = 0; k < 3; k++)
        if (!isfinite(lighting->world.color[k]) || lighting->world.color[k] < 0.0f)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: world.color (%g, %g, %g) is not finite and >= 0",
                            (double)lighting->world.color[0], (double)lighting->world.color[1],
                            (double)lighting->world.color[2]);
    if ((unsigned)lighting->shading_rate > BV_SHADING_SAMPLE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: unknown shading_rate %d",
                        (int)lighting->shading_rate);
    size_t bytes; /* the lights' geometry and the shadow-map options */
    return bv_lighting_shadow_bytes(lighting, view_width, view_height, &bytes);
}


static void prepare_light(const bv_light *in, bv__light *out)
{
    memset(out, 0, sizeof *out);
    out->type = in->type;
    glm_vec3_copy((float *)in->color, out->color);
    glm_vec3_copy((float *)in->position, out->position);
    glm_vec3_normalize_to((float *)in->direction, out->axis);
    glm_vec3_negate_to(out->axis, out->to_light);
    out->shadow = in->shadow;
    out->falloff = in->spot_falloff;
    switch (in->type) {
    case BV_LIGHT_SUN: out->size = tanf(0.5f * (in->angle < 3.0f ? in->angle : 3.0f)); break;
    case BV_LIGHT_AREA: out->size = 0.5f * sqrtf(in->size[0] * in->size[1]); break;
    default: out->size = in->radius; break;
    }
    out->cos_half = cosf(0.5f * in->spot_size);
    out->smooth = (1.0f - out->cos_half) * in->spot_blend;
}

bv_status bv__lit_create(const bv_render_desc *desc, bv__lit **r_lit)
{
    *r_lit = NULL;
    bv__lit *lit = bv__alloc_array(1, sizeof *lit);
    if (!lit) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for lighting");
    memset(lit, 0, sizeof *lit);
    lit->lighting = desc->lighting;
    lit->dfg = bv__dfg_table();
    const size_t count = desc->lighting->light_count;
    lit->lights = bv__alloc_array(count ? count : 1, sizeof *lit->lights);
    if (!lit->lights) {
        BV_FREE(lit);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for lighting");
    }
    for (size_t i = 0; i < count; i++) prepare_light(&desc->lighting->lights[i], &lit->lights[i]);
    /* the camera: its position and axis from the inverse of the view */
    mat4 view, inverse;
    bv__mat4_from_rows(desc->camera.view, false, view);
    glm_mat4_inv(view, inverse);
    for (int k = 0; k < 3; k++) {
        lit->eye[k] = inverse[3][k];
        lit->forward[k] = -inverse[2][k];
    }
    glm_vec3_normalize(lit->forward);
    mat4 projection;
    bv__mat4_from_rows(desc->camera.projection, false, projection);
    lit->perspective = !(projection[0][3] == 0.0f && projection[1][3] == 0.0f &&
                         projection[2][3] == 0.0f && projection[3][3] != 0.0f);
    bv_status s = bv__environment_create(&desc->lighting->world, &lit->environment);
    if (s == BV_OK) s = bv__shadows_create(desc, &lit->shadows);
    if (s != BV_OK) {
        bv__lit_destroy(lit);
        return s;
    }
    *r_lit = lit;
    return BV_OK;
}

void bv__lit_destroy(bv__lit *lit)
{
    if (!lit) return;
    bv__shadows_destroy(lit->shadows);
    bv__environment_destroy(lit->environment);
    BV_FREE(lit->lights);
    BV_FREE(lit);
}

static float smoothstep01(float x)
{
    x = x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
    return x * x * (3.0f - 2.0f * x);
}

/* A spot's cone at cos(angle to its axis) = c. */
static float spot_falloff(const bv__light *l, float c)
{
    if (l->falloff == BV_SPOT_COSINE_SMOOTHSTEP) {
        if (c <= l->cos_half) return 0.0f;
        const float t = c - l->cos_half;
        return l->smooth > 0.0f && t < l->smooth ? c * smoothstep01(t / l->smooth) : c;
    }
    if (l->smooth <= 0.0f) return c > l->cos_half ? 1.0f : 0.0f;
    return smoothstep01((c - l->cos_half) / l->smooth);
}

/* Direction to light l from p, its irradiance on a surface facing it, and the tangent of its
 * angular radius; false where it does not shine. */
static bool light_at(const bv__light *l, const float p[3], float r_dir[3], float r_e[3],
                     float *r_spread)
{
    if (l->type == BV_LIGHT_SUN) {
        glm_vec3_copy((float *)l->to_light, r_dir);
        glm_vec3_copy((float *)l->color, r_e);
        *r_spread = l->size;
        return true;
    }
    float to[3];
    glm_vec3_sub((float *)l->position, (float *)p, to);
    const float d2 = glm_vec3_dot(to, to);
    if (!(d2 > 1e-12f)) return false;
    const float d = sqrtf(d2);
    glm_vec3_divs(to, d, r_dir);
    const float c = -glm_vec3_dot(r_dir, (float *)l->axis); /* cos of the angle off its axis */
    float falloff = 1.0f;
    if (l->type == BV_LIGHT_SPOT) falloff = spot_falloff(l, c);
    else if (l->type == BV_LIGHT_AREA) falloff = c > 0.0f ? c : 0.0f;
    if (falloff <= 0.0f) return false;
    const float scale = falloff / d2;
    for (int k = 0; k < 3; k++) r_e[k] = l->color[k] * scale;
    *r_spread = l->size / d;
    return true;
}

/* The normal-mapped shading normal: tangent space (Blender's bake: n * 0.5 + 0.5) to world. */
static void mapped_normal(const bv_material *mat, const bv__surface_point *p, float r_n[3])
{
    glm_vec3_copy((float *)p->normal, r_n);
    if (!mat || !mat->normal || p->tangent[3] == 0.0f) return;
    float rgba[4];
    bv__texture_tap_base(mat->normal, p->uv[0], p->uv[1], rgba);
    const float x = 2.0f * rgba[0] - 1.0f, y = 2.0f * rgba[1] - 1.0f, z = 2.0f * rgba[2] - 1.0f;
    float t[3], b[3], n[3];
    glm_vec3_copy((float *)p->tangent, t);
    glm_vec3_cross((float *)p->normal, t, b);
    glm_vec3_scale(b, p->tangent[3], b);
    for (int k = 0; k < 3; k++) n[k] = x * t[k] + y * b[k] + z * p->normal[k];
    const float len = glm_vec3_norm(n);
    if (len > 1e-8f) glm_vec3_divs(n, len, r_n);
}


/* The base colour of a texture tap, straight (the surface's own colour). */
static void straight_base(const bv_texture *tex, const float rgba[4], float r_base[3])
{
    const bool divide = tex->alpha != BV_TEXTURE_ALPHA_CHANNEL_PACKED &&
                        tex->alpha != BV_TEXTURE_ALPHA_IGNORE && rgba[3] > 0.0f;
    for (int k = 0; k < 3; k++) r_base[k] = divide ? rgba[k] / rgba[3] : rgba[k];
}

void bv__lit_shade(const bv__lit *lit, const bv_mesh *mesh, const bv__surface_point *p,
                   float r_diffuse[3], float r_glossy[3])
{
    const bv_material *mat = mesh->material;
    float v[3];
    if (lit->perspective) {
        glm_vec3_sub((float *)lit->eye, (float *)p->position, v);
        glm_vec3_normalize(v);
    } else {
        glm_vec3_negate_to((float *)lit->forward, v);
    }
    float n[3];
    mapped_normal(mat, p, n);
    /* a normal map may turn the normal away from the viewer: keep it just in front */
    const float nv = glm_vec3_dot(n, v);
    if (nv < 1e-3f) {
        for (int k = 0; k < 3; k++) n[k] += (1e-3f - nv) * v[k];
        glm_vec3_normalize(n);
    }
    float channels[4] = {0.0f, 0.5f, 0.5f, 1.0f}; /* metallic, roughness, specular, occlusion */
    if (mat && mat->channels) bv__texture_tap_base(mat->channels, p->uv[0], p->uv[1], channels);
    const float occlusion = channels[3];
    float base[3] = {0.0f, 0.0f, 0.0f}; /* metals reflect their base colour: tapped for them only */
    if (channels[0] > 0.0f && mesh->texture) {
        float rgba[4];
        bv__texture_tap_base(mesh->texture, p->uv[0], p->uv[1], rgba);
        straight_base(mesh->texture, rgba, base);
    }
    bv__bsdf b;
    bv__bsdf_prepare(lit->dfg, mat ? mat->bsdf : BV_BSDF_PRINCIPLED_V2, n, v, base, channels[0],
                     channels[1], channels[2], mat ? mat->ior : 0.0f, &b);
    memset(r_diffuse, 0, 3 * sizeof(float));
    memset(r_glossy, 0, 3 * sizeof(float));
    const bv_lighting *lighting = lit->lighting;
    for (size_t i = 0; i < lighting->light_count; i++) {
        const bv__light *l = &lit->lights[i];
        float dir[3], e[3], spread;
        if (!light_at(l, p->position, dir, e, &spread)) continue;
        if (glm_vec3_dot(n, dir) <= 0.0f) continue;
        if (l->shadow) {
            const float visible = bv__shadow_visibility(lit->shadows, i, p->position, p->geometric);
            if (visible <= 0.0f) continue;
            glm_vec3_scale(e, visible, e);
        }
        bv__bsdf_light(&b, dir, e, spread, r_diffuse, r_glossy);
    }
    float world_diffuse[3], world_glossy[3], r[3];
    bv__environment_diffuse(lit->environment, n, world_diffuse);
    bv__bsdf_reflect(&b, r);
    bv__environment_specular(lit->environment, r, b.roughness, world_glossy);
    glm_vec3_scale(world_diffuse, occlusion, world_diffuse);
    glm_vec3_scale(world_glossy, occlusion, world_glossy);
    bv__bsdf_world(&b, world_diffuse, world_glossy, r_diffuse, r_glossy);
    if (mat && mat->emission) {
        float rgba[4];
        bv__texture_tap_base(mat->emission, p->uv[0], p->uv[1], rgba);
        for (int k = 0; k < 3; k++) r_glossy[k] += rgba[k];
    }
}
