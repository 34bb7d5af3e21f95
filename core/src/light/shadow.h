/* Internal: shadow maps, one per shadowing light (six cube faces for a point light), rendered by
 * the core's own rasteriser (bv_render's depth pass) from every mesh of the view, and the
 * fraction of a light that reaches a point, softened by the light's size or angle. */
#ifndef BV_SHADOW_H
#define BV_SHADOW_H

#include <stddef.h>

#include <bakeview/light.h>
#include <bakeview/render.h>

typedef struct bv__shadows bv__shadows;

/* Renders the shadow maps of desc->lighting's lights that cast shadows, from all of desc's
 * meshes (SUN: orthographic, fitted to the meshes' bounds; SPOT: perspective over its cone;
 * POINT: a cube; AREA: perspective over its hemisphere), with desc->threads workers. The maps
 * never depend on the thread count. Sizes follow lighting->shadow_map_size and
 * shadow_memory_limit. *r_shadows is NULL when no light casts shadows. */
bv_status bv__shadows_create(const bv_render_desc *desc, bv__shadows **r_shadows);
void bv__shadows_destroy(bv__shadows *shadows);

/* The fraction, 0..1, of light `light` (its index in lighting->lights) that reaches world point
 * p on a surface of unit geometric normal n (facing the light's side); 1 when shadows is NULL or
 * the light casts none. A pure function of its arguments: the same bits whichever thread asks. */
float bv__shadow_visibility(const bv__shadows *shadows, size_t light, const float p[3],
                            const float n[3]);

#endif
