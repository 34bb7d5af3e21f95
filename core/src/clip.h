/* Internal: clipping triangles in homogeneous clip space (before the perspective divide) against
 * the near and far planes and a guard band around the frame. */
#ifndef BV_CLIP_H
#define BV_CLIP_H

#include <stdbool.h>

#define BV__CLIP_MAX_VERTICES 9 /* a triangle clipped by six planes */

typedef struct bv__clip_planes {
    float guard_x, guard_y; /* |x| <= guard_x * w, |y| <= guard_y * w */
} bv__clip_planes;

/* Bit i set: the point is outside plane i (near, far, -x, +x, -y, +y). */
unsigned bv__clip_outcode(const bv__clip_planes *planes, const float p[4]);

/* Clips triangle `in` to the planes; writes the polygon (in order) to `out` and returns its
 * vertex count (0 if nothing is left). */
int bv__clip_triangle(const bv__clip_planes *planes, const float in[3][4],
                      float out[BV__CLIP_MAX_VERTICES][4]);

#endif
