/* Internal: watertight triangle rasterisation on a regular sample grid.
 *
 * Vertices are snapped to fixed point with 8 sub-pixel bits; edge functions are evaluated
 * exactly in 64-bit integers. A sample on an edge belongs to the triangle only if that edge is a
 * top or left edge, so triangles sharing an edge cover each sample on it exactly once. Screen
 * coordinates are in pixels with y up (row 0 at the bottom, as Blender's images). */
#ifndef BV_RASTER_H
#define BV_RASTER_H

#include <stdbool.h>
#include <stdint.h>

#include <bakeview/render.h>

#define BV__SUBPIXEL_BITS 8
#define BV__SUBPIXEL_ONE (1 << BV__SUBPIXEL_BITS)
/* Vertices further than this from the origin (pixels) are clipped away first (guard band), which
 * keeps every edge product well inside 64 bits. */
#define BV__GUARD_PIXELS 65536.0

/* The sample grid: `n` x `n` samples per pixel; sample column sx (any integer, negative past the
 * left edge) lies in pixel floor(sx / n) at sub-pixel offset offset[sx mod n]. */
typedef struct bv__grid {
    int n;
    int32_t offset[BV_MAX_SAMPLES]; /* fixed point, inside [0, BV__SUBPIXEL_ONE) */
    int32_t step;                   /* spacing of the samples when regular (n divides 256), else 0 */
    int step_shift;                 /* log2(step) when regular */
} bv__grid;

void bv__grid_init(bv__grid *grid, int n);

static inline int bv__floor_div(int64_t a, int64_t b) { return (int)(a >= 0 ? a / b : -((-a + b - 1) / b)); }

/* Fixed-point coordinate of sample column (or row) s. */
static inline int64_t bv__sample_coord(const bv__grid *grid, int s)
{
    const int pixel = bv__floor_div(s, grid->n);
    return (int64_t)pixel * BV__SUBPIXEL_ONE + grid->offset[s - pixel * grid->n];
}

/* A triangle ready to rasterise: counter-clockwise edge functions E_i(x, y) = a x + b y + c,
 * positive inside, each with the top-left bias folded into `c_biased`. */
typedef struct bv__triangle {
    int64_t a[3], b[3], c[3], c_biased[3];
    int64_t area2;         /* twice the area in fixed point squared, > 0 */
    bool flipped;          /* the input was clockwise on screen */
    int sx0, sy0, sx1, sy1; /* the samples in its closed bounding box (inclusive; empty, sx0 > sx1
                               or sy0 > sy1, when it lies between samples) */
} bv__triangle;

/* Sets up a triangle from fixed-point vertices; false if it has no area. */
bool bv__triangle_setup(const bv__grid *grid, const int64_t x[3], const int64_t y[3],
                        bv__triangle *r_triangle);

/* True if the sample at fixed point (x, y) is covered; r_e receives the three unbiased edge
 * values (the barycentric weights times area2). */
static inline bool bv__triangle_covers(const bv__triangle *t, int64_t x, int64_t y, int64_t r_e[3])
{
    bool inside = true;
    for (int i = 0; i < 3; i++) {
        const int64_t e = t->a[i] * x + t->b[i] * y + t->c_biased[i];
        inside = inside && e >= 0;
        r_e[i] = e + (t->c[i] - t->c_biased[i]);
    }
    return inside;
}

/* Pixel coordinate -> fixed point, rounded to nearest. */
int64_t bv__to_fixed(double pixels);

/* Adds 1 to counts[(sy - sy0) * width + (sx - sx0)] for every covered sample in the window of
 * width x height samples starting at (sx0, sy0). For tests of watertightness. */
void bv__raster_count(const bv__grid *grid, const bv__triangle *t, int sx0, int sy0, int width,
                      int height, uint16_t *counts);

#endif
