/* Internal: the world's light as shading reads it. Diffuse: the irradiance from every direction
 * (spherical harmonics, order 2). Glossy: the radiance prefiltered by GGX lobes of a few
 * roughnesses (the split-sum approximation's first factor), interpolated between them. */
#ifndef BV_ENVIRONMENT_H
#define BV_ENVIRONMENT_H

#include <bakeview/light.h>

typedef struct bv__environment bv__environment;

/* Prepares the world (a constant colour, or colour x an equirectangular environment texture as
 * Blender's Environment Texture node maps directions to it). */
bv_status bv__environment_create(const bv_world *world, bv__environment **r_environment);
void bv__environment_destroy(bv__environment *environment);

/* (1 / pi) x the cosine-weighted integral of the world's radiance over the hemisphere around unit
 * normal n: what a white Lambertian surface facing n reflects, unoccluded. */
void bv__environment_diffuse(const bv__environment *environment, const float n[3], float r_rgb[3]);

/* The world's radiance around unit direction r, averaged over a GGX lobe of Blender's
 * `roughness` (alpha = roughness^2) centred on r (n = v = r): the split sum's prefiltered
 * radiance. roughness 0 gives the radiance seen along r. */
void bv__environment_specular(const bv__environment *environment, const float r[3],
                              float roughness, float r_rgb[3]);

#endif
