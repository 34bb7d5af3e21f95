/* The Principled BSDF of an opaque surface, as Cycles evaluates it (kernel/closure/bsdf_microfacet.h,
 * bsdf_principled_diffuse.h in 3.x; svm_closure.h's Principled node in both versions):
 * V1 (Blender 3.x): Burley diffuse x (1 - metallic) plus single-scattering GGX whose Fresnel
 *   blends F0 = mix(0.08 x specular, base, metallic) towards 1 as a dielectric of the node's IOR
 *   does (interpolate_fresnel_color);
 * V2 (Blender 4.0+): mix(dielectric, metal, metallic). The dielectric is a GGX layer with the
 *   dielectric Fresnel of eta (from IOR and Specular IOR Level) over a Lambertian base weighted
 *   by 1 - the layer's albedo (closure_layering_weight); the metal is GGX with Schlick's Fresnel
 *   from the base colour (F82 tint white). Both give back what multiple scattering would
 *   (Turquin's compensation), as Cycles' multiscatter GGX does. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include <cglm/cglm.h>

#include "bsdf.h"

#define BV__PI 3.14159265358979323846
#define BV__MIN_ALPHA 1e-4f /* roughness 0 keeps a finite lobe (Cycles clamps too) */

static float clamp01(float x)
{
    return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
}

static float pow5(float x)
{
    const float x2 = x * x;
    return x2 * x2 * x;
}

/* Fresnel reflectance of a dielectric of relative index eta at cos(theta) (Cycles'
 * fresnel_dielectric_cos). */
static float fresnel_dielectric(float cosi, float eta)
{
    const float c = fabsf(cosi);
    float g = eta * eta - 1.0f + c * c;
    if (g <= 0.0f) return 1.0f; /* total internal reflection */
    g = sqrtf(g);
    const float a = (g - c) / (g + c);
    const float b = (c * (g + c) - 1.0f) / (c * (g - c) + 1.0f);
    return 0.5f * a * a * (1.0f + b * b);
}

static float f0_from_ior(float ior)
{
    const float r = (ior - 1.0f) / (ior + 1.0f);
    return r * r;
}

static float ior_from_f0(float f0)
{
    const float s = sqrtf(f0 < 0.9999f ? f0 : 0.9999f);
    return (1.0f + s) / (1.0f - s);
}

/* GGX normal distribution for cos(theta_h) = nh. */
static float ggx_d(float alpha, float nh)
{
    const float a2 = alpha * alpha;
    const float t = nh * nh * (a2 - 1.0f) + 1.0f;
    return a2 / ((float)BV__PI * t * t);
}

/* Smith's Lambda for GGX at cos(theta) = mu. */
static float ggx_lambda(float alpha, float mu)
{
    const float mu2 = mu * mu;
    const float tan2 = (1.0f - mu2) / (mu2 > 1e-12f ? mu2 : 1e-12f);
    return 0.5f * (sqrtf(1.0f + alpha * alpha * tan2) - 1.0f);
}

/* Shadowing-masking: separable in 3.x (G1 x G1), height-correlated from 4.0 (bsdf_G). */
static float ggx_g(bv_bsdf model, float alpha, float nl, float nv)
{
    const float li = ggx_lambda(alpha, nl), lo = ggx_lambda(alpha, nv);
    if (model == BV_BSDF_PRINCIPLED_V1) return 1.0f / ((1.0f + li) * (1.0f + lo));
    return 1.0f / (1.0f + li + lo);
}

/* --- the split-sum table --- */

/* Hammersley point i of n (radical inverse in base 2). */
static void hammersley(uint32_t i, uint32_t n, float r_xi[2])
{
    uint32_t bits = i;
    bits = (bits << 16u) | (bits >> 16u);
    bits = ((bits & 0x55555555u) << 1u) | ((bits & 0xAAAAAAAAu) >> 1u);
    bits = ((bits & 0x33333333u) << 2u) | ((bits & 0xCCCCCCCCu) >> 2u);
    bits = ((bits & 0x0F0F0F0Fu) << 4u) | ((bits & 0xF0F0F0F0u) >> 4u);
    bits = ((bits & 0x00FF00FFu) << 8u) | ((bits & 0xFF00FF00u) >> 8u);
    r_xi[0] = ((float)i + 0.5f) / (float)n;
    r_xi[1] = (float)bits * 2.3283064365386963e-10f;
}

static bv__dfg dfg_storage;
static pthread_once_t dfg_once = PTHREAD_ONCE_INIT;

static void dfg_build(void)
{
    bv__dfg *dfg = &dfg_storage;
    enum { SAMPLES = 256 };
    for (int row = 0; row < BV__DFG_SIZE; row++) {
        const float roughness = (float)row / (BV__DFG_SIZE - 1);
        float alpha = roughness * roughness;
        if (alpha < BV__MIN_ALPHA) alpha = BV__MIN_ALPHA;
        for (int col = 0; col < BV__DFG_SIZE; col++) {
            const float nv = ((float)col + 0.5f) / BV__DFG_SIZE;
            const float v[3] = {sqrtf(1.0f - nv * nv), 0.0f, nv};
            double a = 0.0, b = 0.0;
            for (uint32_t i = 0; i < SAMPLES; i++) {
                float xi[2];
                hammersley(i, SAMPLES, xi);
                /* GGX-distributed half vectors: pdf(l) = D nh / (4 vh) */
                const float phi = 2.0f * (float)BV__PI * xi[1];
                const float cos_t = sqrtf((1.0f - xi[0]) / (1.0f + (alpha * alpha - 1.0f) * xi[0]));
                const float sin_t = sqrtf(1.0f - cos_t * cos_t);
                const float h[3] = {sin_t * cosf(phi), sin_t * sinf(phi), cos_t};
                const float vh = glm_vec3_dot((float *)v, (float *)h);
                const float nl = 2.0f * vh * h[2] - v[2];
                if (nl <= 0.0f || vh <= 0.0f) continue;
                const float g = ggx_g(BV_BSDF_PRINCIPLED_V2, alpha, nl, nv);
                const float weight = g * vh / (h[2] * nv); /* brdf x nl / pdf without F */
                const float fc = pow5(1.0f - vh);
                a += (1.0f - fc) * weight;
                b += fc * weight;
            }
            dfg->scale[row][col] = (float)(a / SAMPLES);
            dfg->bias[row][col] = (float)(b / SAMPLES);
        }
    }
}

const bv__dfg *bv__dfg_table(void)
{
    pthread_once(&dfg_once, dfg_build);
    return &dfg_storage;
}

/* Bilinear lookup of (scale, bias). */
static void dfg_lookup(const bv__dfg *dfg, float nv, float roughness, float *r_scale, float *r_bias)
{
    float x = nv * BV__DFG_SIZE - 0.5f, y = clamp01(roughness) * (BV__DFG_SIZE - 1);
    x = x < 0.0f ? 0.0f : (x > BV__DFG_SIZE - 1 ? (float)(BV__DFG_SIZE - 1) : x);
    const int x0 = (int)x < BV__DFG_SIZE - 1 ? (int)x : BV__DFG_SIZE - 2;
    const int y0 = (int)y < BV__DFG_SIZE - 1 ? (int)y : BV__DFG_SIZE - 2;
    const float fx = x - (float)x0, fy = y - (float)y0;
#define BV__LERP2(t)                                                                              \
    (((t)[y0][x0] * (1.0f - fx) + (t)[y0][x0 + 1] * fx) * (1.0f - fy) +                           \
     ((t)[y0 + 1][x0] * (1.0f - fx) + (t)[y0 + 1][x0 + 1] * fx) * fy)
    *r_scale = BV__LERP2(dfg->scale);
    *r_bias = BV__LERP2(dfg->bias);
#undef BV__LERP2
}

/* --- a surface point --- */

void bv__bsdf_prepare(const bv__dfg *dfg, bv_bsdf model, const float n[3], const float v[3],
                      const float base[3], float metallic, float roughness, float specular,
                      float ior, bv__bsdf *r)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    glm_vec3_copy((float *)n, r->n);
    glm_vec3_copy((float *)v, r->v);
    const float nv = glm_vec3_dot(r->n, r->v);
    r->n_dot_v = nv > 1e-4f ? nv : 1e-4f;
    r->metallic = metallic = clamp01(metallic);
    r->roughness = roughness = clamp01(roughness);
    r->alpha = roughness * roughness > BV__MIN_ALPHA ? roughness * roughness : BV__MIN_ALPHA;
    specular = specular > 0.0f ? specular : 0.0f;
    if (!(ior > 0.0f)) ior = model == BV_BSDF_PRINCIPLED_V1 ? 1.45f : 1.5f;
    float scale, bias;
    dfg_lookup(dfg, r->n_dot_v, roughness, &scale, &bias);
    r->dfg_scale = scale;
    r->dfg_bias = bias;
    const float single = scale + bias; /* albedo of GGX with F = 1 */
    if (model == BV_BSDF_PRINCIPLED_V1) {
        r->eta = ior < 1.0f ? 1.0f : ior;
        for (int k = 0; k < 3; k++) {
            r->f0[k] = 0.08f * specular * (1.0f - metallic) + clamp01(base[k]) * metallic;
            r->diffuse_weight[k] = 1.0f - metallic;
            r->multiscatter[k] = 1.0f;
        }
        return;
    }
    float f0 = f0_from_ior(ior);
    r->eta = ior;
    if (specular != 0.5f) {
        f0 *= 2.0f * specular;
        r->eta = ior_from_f0(f0);
        if (ior < 1.0f) r->eta = 1.0f / r->eta;
    }
    /* the dielectric layer's albedo towards the viewer, as the split sum gives it */
    const float lost = (1.0f - single) / single; /* what multiple scattering gives back */
    const float layer = f0 > 0.0f ? f0 * scale + bias : 0.0f;
    const float through = clamp01(1.0f - layer * (1.0f + f0 * lost));
    for (int k = 0; k < 3; k++) {
        r->metal_f0[k] = clamp01(base[k]);
        r->f0[k] = f0 * (1.0f - metallic) + r->metal_f0[k] * metallic;
        r->diffuse_weight[k] = (1.0f - metallic) * through;
        r->multiscatter[k] = 1.0f + r->f0[k] * lost;
    }
}

void bv__bsdf_reflect(const bv__bsdf *b, float r_dir[3])
{
    const float d = 2.0f * glm_vec3_dot((float *)b->n, (float *)b->v);
    for (int k = 0; k < 3; k++) r_dir[k] = d * b->n[k] - b->v[k];
}

void bv__bsdf_light(const bv__bsdf *b, const float l[3], const float e[3], float spread,
                    float r_diffuse[3], float r_glossy[3])
{
    const float nl = glm_vec3_dot((float *)b->n, (float *)l);
    if (nl <= 0.0f) return;
    const float nv = b->n_dot_v;
    float h[3];
    glm_vec3_add((float *)l, (float *)b->v, h);
    glm_vec3_normalize(h);
    const float nh = clamp01(glm_vec3_dot((float *)b->n, h));
    const float lh = clamp01(glm_vec3_dot((float *)l, h));
    /* diffuse, radiance per unit base colour: BRDF x E x cos */
    float diffuse = nl / (float)BV__PI;
    if (b->model == BV_BSDF_PRINCIPLED_V1) { /* Burley, with retro-reflection */
        const float fd90 = 0.5f + 2.0f * lh * lh * b->roughness;
        diffuse *= (1.0f + (fd90 - 1.0f) * pow5(1.0f - nl)) * (1.0f + (fd90 - 1.0f) * pow5(1.0f - nv));
    }
    /* a light of angular radius `spread` widens the lobe (Karis' sphere-light normalisation) */
    float alpha = b->alpha;
    float norm = 1.0f;
    if (spread > 0.0f) {
        const float wide = alpha + 0.5f * spread;
        const float widened = wide < 1.0f ? wide : 1.0f;
        norm = (alpha / widened) * (alpha / widened);
        alpha = widened;
    }
    const float spec = ggx_d(alpha, nh) * norm * ggx_g(b->model, b->alpha, nl, nv) / (4.0f * nv);
    const float schlick = pow5(1.0f - lh);
    if (b->model == BV_BSDF_PRINCIPLED_V1) { /* F0 blended towards 1 by the dielectric's shape */
        const float f0_eta = f0_from_ior(b->eta);
        const float fh = f0_eta < 1.0f ? (fresnel_dielectric(lh, b->eta) - f0_eta) / (1.0f - f0_eta) : 0.0f;
        for (int k = 0; k < 3; k++) {
            const float f = b->f0[k] * (1.0f - fh) + fh;
            r_diffuse[k] += diffuse * b->diffuse_weight[k] * e[k];
            r_glossy[k] += spec * f * e[k];
        }
        return;
    }
    const float dielectric = (1.0f - b->metallic) * fresnel_dielectric(lh, b->eta);
    for (int k = 0; k < 3; k++) {
        const float metal = b->metal_f0[k] + (1.0f - b->metal_f0[k]) * schlick;
        const float f = dielectric + b->metallic * metal;
        r_diffuse[k] += diffuse * b->diffuse_weight[k] * e[k];
        r_glossy[k] += spec * f * b->multiscatter[k] * e[k];
    }
}

void bv__bsdf_world(const bv__bsdf *b, const float diffuse_radiance[3],
                    const float glossy_radiance[3], float r_diffuse[3], float r_glossy[3])
{
    for (int k = 0; k < 3; k++) {
        r_diffuse[k] += b->diffuse_weight[k] * diffuse_radiance[k];
        r_glossy[k] += (b->f0[k] * b->dfg_scale + b->dfg_bias) * b->multiscatter[k] * glossy_radiance[k];
    }
}
