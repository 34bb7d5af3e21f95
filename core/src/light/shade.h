/* Internal: lighting one surface point of a lit view. The context holds what every point reads
 * (the lights, their shadow maps, the world, the split-sum table, the camera's position); the
 * tile pass builds a bv__surface_point from the triangle it sees and asks for its lighting. */
#ifndef BV_SHADE_H
#define BV_SHADE_H

#include <stdbool.h>

#include <bakeview/render.h>

#include "bsdf.h"
#include "environment.h"
#include "shadow.h"

/* A light as shading reads it, its constants worked out once. */
typedef struct bv__light {
    bv_light_type type;
    float color[3];
    float position[3];
    float to_light[3]; /* SUN: unit, towards the sun */
    float axis[3];     /* SPOT, AREA: unit, the way the light travels */
    float size;        /* SUN: tan of its angular radius; POINT, SPOT, AREA: its radius (m) */
    float cos_half, smooth; /* SPOT: cos(size / 2) and the blend's width in cosine */
    bv_spot_falloff falloff;
    bool shadow;
} bv__light;

typedef struct bv__lit {
    const bv_lighting *lighting;
    bv__light *lights; /* lighting->light_count */
    bv__shadows *shadows;         /* NULL when no light casts shadows */
    bv__environment *environment; /* the world */
    const bv__dfg *dfg;
    float eye[3];     /* the camera's position (perspective) */
    float forward[3]; /* the way the camera looks (orthographic) */
    bool perspective;
} bv__lit;

/* A point of a triangle, in world space. */
typedef struct bv__surface_point {
    float position[3];
    float geometric[3]; /* the triangle's unit normal, turned to the viewer */
    float normal[3];    /* the interpolated unit shading normal, turned as `geometric` */
    float tangent[4];   /* the interpolated tangent and bitangent sign (w 0: none) */
    float uv[2];
} bv__surface_point;

/* desc->lighting's checks, as bv_render_check makes them (lights, world, shadow options) for a
 * view_width x view_height view. */
bv_status bv__lighting_check(const bv_lighting *lighting, int view_width, int view_height);

/* Shadow maps, world and tables for desc (whose lighting is set and checked). */
bv_status bv__lit_create(const bv_render_desc *desc, bv__lit **r_lit);
void bv__lit_destroy(bv__lit *lit);

/* The light leaving point p of `mesh` towards the camera, as diffuse radiance per unit base
 * colour (r_diffuse) and the rest (r_glossy: highlights, reflections, emission). The mesh's
 * texture is its base colour (metals' F0). A pure function of its arguments. */
void bv__lit_shade(const bv__lit *lit, const bv_mesh *mesh, const bv__surface_point *p,
                   float r_diffuse[3], float r_glossy[3]);

#endif
