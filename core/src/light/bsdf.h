/* Internal: the Principled BSDF as Cycles evaluates it for an opaque surface, reduced to what a
 * view needs: the diffuse and glossy response to a light from one direction, and to the world
 * through the split-sum approximation. The diffuse part is returned without the base colour,
 * which the caller multiplies in per sample. */
#ifndef BV_BSDF_H
#define BV_BSDF_H

#include <stdbool.h>

#include <bakeview/light.h>

#define BV__DFG_SIZE 32

/* The GGX directional albedo split into F0's scale and bias (Karis' split sum), by
 * cos(theta_v) (columns) and Blender's roughness (rows), for Schlick's Fresnel. */
typedef struct bv__dfg {
    float scale[BV__DFG_SIZE][BV__DFG_SIZE];
    float bias[BV__DFG_SIZE][BV__DFG_SIZE];
} bv__dfg;

/* The table, integrated once per process on first use (deterministic; thread-safe). */
const bv__dfg *bv__dfg_table(void);

/* A surface point, ready for lights. */
typedef struct bv__bsdf {
    float n[3], v[3];   /* unit shading normal and direction to the viewer */
    float n_dot_v;      /* clamped above 0 */
    float alpha;        /* GGX alpha: roughness^2, kept above a small floor */
    float roughness;
    float f0[3];        /* reflectance at normal incidence (dielectric and metal mixed) */
    float metal_f0[3];  /* the metal's F0: the base colour */
    float eta;          /* the dielectric's index of refraction (V2: the one its F0 stands for) */
    float metallic;
    float diffuse_weight[3]; /* what lights' diffuse response is scaled by, base colour aside:
                                (1 - metallic) x what the glossy layer lets through (V2) */
    float multiscatter[3];   /* V2: energy lost to single scattering, given back */
    float dfg_scale, dfg_bias; /* the split sum's table at this view and roughness */
    bv_bsdf model;
} bv__bsdf;

/* base: the base colour at the point (for metals' F0). */
void bv__bsdf_prepare(const bv__dfg *dfg, bv_bsdf model, const float n[3], const float v[3],
                      const float base[3], float metallic, float roughness, float specular,
                      float ior, bv__bsdf *r_bsdf);

/* Adds the response to light arriving from unit direction l with irradiance e (on a surface
 * facing it, RGB): r_diffuse += the diffuse radiance per unit base colour, r_glossy += the glossy
 * radiance. spread: the tangent of the light's angular radius as seen from the point (its radius
 * over its distance), which widens highlights as a sphere or disc light does. */
void bv__bsdf_light(const bv__bsdf *b, const float l[3], const float e[3], float spread,
                    float r_diffuse[3], float r_glossy[3]);

/* Adds the world's response: diffuse_radiance is what a white Lambertian surface reflects
 * (bv__environment_diffuse), glossy_radiance the prefiltered radiance along the reflection. */
void bv__bsdf_world(const bv__bsdf *b, const float diffuse_radiance[3],
                    const float glossy_radiance[3], float r_diffuse[3], float r_glossy[3]);

/* Reflection of the view direction about the normal. */
void bv__bsdf_reflect(const bv__bsdf *b, float r_dir[3]);

#endif
