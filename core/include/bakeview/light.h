/* bakeview: lit views. Lights, a world and baked material channels, shaded by the core per view
 * and per frame as Cycles shades a Principled BSDF: what depends on the view or the pose
 * (highlights, the lighting of moving parts, shadows) is computed, not baked.
 *
 * Units are radiometric and Blender-version neutral: the add-on converts Blender's light
 * settings (power, strength, exposure, normalize...) into them as Cycles of the running version
 * does. Directions and positions are in world space, as the meshes' matrix_world gives it. */
#ifndef BAKEVIEW_LIGHT_H
#define BAKEVIEW_LIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "texture.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_light_type {
    BV_LIGHT_SUN = 0, /* parallel light from a disc of `angle` */
    BV_LIGHT_POINT,   /* a sphere of `radius` shining equally every way */
    BV_LIGHT_SPOT,    /* a point light limited to a cone */
    BV_LIGHT_AREA,    /* a one-sided Lambertian emitter of `shape` and `size`, shaded as a point
                         at its centre whose intensity falls with the cosine to its axis (exact
                         for small or distant lights); its size softens shadows */
} bv_light_type;

typedef enum bv_area_shape {
    BV_AREA_RECTANGLE = 0, /* size[0] x size[1]; a square has equal sizes */
    BV_AREA_ELLIPSE,       /* diameters size[0], size[1]; a disk has equal diameters */
} bv_area_shape;

/* How a spot's cone fades, by the Cycles that renders it. */
typedef enum bv_spot_falloff {
    BV_SPOT_SMOOTHSTEP = 0, /* Cycles 4.0+: smoothstep((cos t - cos(size / 2)) / ((1 - cos(size / 2))
                               * blend)) */
    BV_SPOT_COSINE_SMOOTHSTEP, /* Cycles 3.x: cos t times smoothstep(0, (1 - cos(size / 2)) *
                                  blend, cos t - cos(size / 2)) */
} bv_spot_falloff;

typedef struct bv_light {
    bv_light_type type;
    /* SUN: irradiance (W/m^2) on a surface facing it. POINT, SPOT, AREA: radiant intensity
       (W/sr) along the light's axis (every way for POINT). Per channel, linear. */
    float color[3];
    float position[3];  /* POINT, SPOT, AREA */
    float direction[3]; /* SUN, SPOT, AREA: the way the light travels (the lamp's -Z axis) */
    float axis_x[3];    /* AREA: the lamp's local X axis, along size[0] */
    float angle;        /* SUN: angular diameter, radians (0: sharp shadows) */
    float radius;       /* POINT, SPOT: the sphere's radius, metres (0: sharp shadows) */
    float spot_size;    /* SPOT: the cone's full angle, radians, in (0, pi] */
    float spot_blend;   /* SPOT: 0..1 */
    bv_spot_falloff spot_falloff;
    bv_area_shape shape;
    float size[2];      /* AREA: metres */
    bool shadow;        /* casts shadows (Blender's use_shadow / cast_shadow) */
} bv_light;

/* The world: radiance arriving from every direction, the colour times the environment texture's
 * RGB when there is one (an equirectangular image as Blender's Environment Texture node maps
 * it: default vector, no rotation). */
typedef struct bv_world {
    float color[3]; /* radiance (W/m^2/sr), linear: Background colour x strength, or the strength
                       alone with an environment */
    const bv_texture *environment; /* optional */
} bv_world;

/* Which Principled BSDF the running Blender's Cycles has. */
typedef enum bv_bsdf {
    BV_BSDF_PRINCIPLED_V2 = 0, /* Blender 4.0+: Lambertian diffuse under a dielectric GGX layer
                                  whose F0 is ((ior - 1) / (ior + 1))^2 x 2 x specular, energy
                                  conserving (multiple scattering); metals by their base colour */
    BV_BSDF_PRINCIPLED_V1,     /* Blender 3.x: Burley diffuse, GGX with F0 = 0.08 x specular,
                                  metals by their base colour */
} bv_bsdf;

/* A mesh's baked material channels. The base colour (and its alpha) is the mesh's own texture
 * (bv_mesh.texture), tapped per sample as unlit views do; these add what lighting needs. The
 * scalar channels come packed in one texture, as glTF packs occlusion, roughness and metallic,
 * so that a point takes one tap for all of them. A NULL texture is its defaults. */
typedef struct bv_material {
    const bv_texture *channels;  /* R metallic, G roughness, B specular (3.x Specular, 4.0+
                                    Specular IOR Level), A the world light's occlusion (1: none,
                                    e.g. an AO bake); give it BV_TEXTURE_ALPHA_CHANNEL_PACKED.
                                    NULL: (0, 0.5, 0.5, 1) */
    const bv_texture *emission;  /* RGB radiance: emission colour x strength; NULL: none */
    const bv_texture *normal;    /* tangent-space normal as Blender bakes it (n * 0.5 + 0.5);
                                    needs bv_mesh.tangents; NULL: the interpolated normal */
    float ior;                   /* the dielectric's index of refraction; 0: 1.5 (V2), 1.45 (V1,
                                    the Principled BSDF's defaults) */
    bv_bsdf bsdf;
} bv_material;

/* Where each pixel's lighting is computed. The base colour is tapped per sample either way. */
typedef enum bv_shading_rate {
    BV_SHADING_PIXEL = 0, /* once per pixel and triangle seen in it, at the pixel centre's
                             point of the triangle (clamped into it) */
    BV_SHADING_SAMPLE,    /* at every sample */
} bv_shading_rate;

#define BV_MAX_LIGHTS 64
#define BV_MAX_SHADOW_MAP_SIZE 8192

typedef struct bv_lighting {
    const bv_light *lights;
    size_t light_count;
    bv_world world;
    bv_shading_rate shading_rate;
    int shadow_map_size;       /* texels per side of a shadow map (a cube face for POINT); 0:
                                  automatic, the view's larger side rounded up to a power of two
                                  with suns alone (at least 512), twice that beside a point,
                                  spot or area light (at least 1024), up to 2048 (512 for a sun
                                  and a 512 x 512 view) */
    size_t shadow_memory_limit; /* bytes all shadow maps of a view may take; maps are made smaller
                                   (halving their side) to fit; 0: 256 MiB */
} bv_lighting;

/* The bytes the shadow maps of a view_width x view_height view lit by `lighting` take (every
 * shadowing light's maps, after fitting the memory limit), or 0 without shadows; what a
 * benchmark prints. Fails on bad lights or options as bv_render would. */
bv_status bv_lighting_shadow_bytes(const bv_lighting *lighting, int view_width, int view_height,
                                   size_t *r_bytes);

#ifdef __cplusplus
}
#endif
#endif
