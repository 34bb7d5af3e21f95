/* bakeview: display transforms as 3D lookup tables.
 *
 * A colour-managed file holds what a pipeline of view transform, look, exposure, gamma and
 * display makes of the scene-linear pixels (Blender's "save as render"). bakeview does not
 * re-implement such pipelines: it samples one at the points a bv_color_lut_shape names (through
 * Blender's own image saving, in the add-on) and interpolates between them here.
 *
 * The lattice has `size` points per axis, the same on R, G and B, spaced evenly in
 * log2(x + offset) from point 0 at 0, so that dark values are resolved as finely as the eye sees
 * them. Point `knee_index` is `knee`: put it where the display output saturates on grey, and the
 * kink of a clipping transform (Standard) lies on a lattice plane instead of inside a cell. The
 * spacing goes on above the knee to the last point, the limit; inputs are clamped to [0, limit]
 * (NaN to 0). Interpolation is tetrahedral: neutral inputs stay neutral when the table is, and
 * kinks along r = g, g = b or r = b (transforms of the largest or smallest channel) are edges of
 * its tetrahedra. */
#ifndef BAKEVIEW_COLOR_H
#define BAKEVIEW_COLOR_H

#include <stdbool.h>

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BV_MAX_LUT_SIZE 129 /* lattice points per axis */

typedef struct bv_color_lut_shape {
    int size;       /* lattice points per axis: 2..BV_MAX_LUT_SIZE */
    float offset;   /* > 0: the log spacing's offset (smaller: finer near black) */
    float knee;     /* > 0: the value of lattice point knee_index */
    int knee_index; /* 1..size - 1 */
} bv_color_lut_shape;

/* The value of lattice coordinate c (0..size - 1; fractions too); the limit is c = size - 1. */
double bv_color_lut_axis(const bv_color_lut_shape *shape, double c);

typedef struct bv_color_lut_desc {
    bv_color_lut_shape shape;
    /* size^3 RGB triples: the output for lattice point (r, g, b) (indices) starts at float
       3 * ((b * size + g) * size + r). Finite; copied by bv_color_lut_create. */
    bv_floats table;
} bv_color_lut_desc;

typedef struct bv_color_lut bv_color_lut;

/* The lattice's sample points, for a caller to run through the transform it wants to capture:
 * the size^3 lattice points in the table's order, then the (size - 1)^3 cell centres (the
 * midpoint of each cell in lattice coordinates, where interpolation errs most; b, g, r order as
 * the table), as RGBA with alpha 1. r_points holds exactly 4 * (size^3 + (size - 1)^3) floats. */
bv_status bv_color_lut_points(const bv_color_lut_shape *shape, bv_float_span r_points);

/* Makes a LUT from sampled outputs (the first size^3 points of bv_color_lut_points). */
bv_status bv_color_lut_create(const bv_color_lut_desc *desc, bv_color_lut **r_lut);
void bv_color_lut_destroy(bv_color_lut *lut);

/* One colour through the LUT: scene-linear RGB in, display RGB out. */
void bv_color_lut_apply(const bv_color_lut *lut, const float rgb[3], float r_display[3]);

/* The largest difference, over every channel of every pixel, between the LUT's output for
 * `inputs` and `expected` (both RGBA, the same count; alpha is ignored): how well the LUT stands
 * for the transform that produced `expected`. */
bv_status bv_color_lut_error(const bv_color_lut *lut, bv_floats inputs, bv_floats expected,
                             float *r_max_error);

/* Each distinct colour once, for a transform taken colour by colour where no LUT follows it
 * (Blender's own "save as render" of a view with 3D LUTs of its own): the distinct RGB triples of
 * the RGBA `pixels` (compared bit for bit, alpha ignored) in order of first appearance, into
 * r_unique as RGBA with alpha 1, and for each pixel the position of its colour there in r_index.
 * r_unique holds pixels.count floats, r_index pixels.count / 4 positions; *r_unique_count is set
 * to how many colours there are. Allocates a table of 2 to 4 positions per pixel meanwhile. */
bv_status bv_color_unique(bv_floats pixels, bv_float_span r_unique, bv_uint_span r_index,
                          size_t *r_unique_count);

/* The way back: pixel i is colors[index[i]]'s RGB with the alpha of pixel i of `alphas` (RGBA,
 * index.count pixels, as r_pixels). */
bv_status bv_color_expand(bv_floats colors, bv_uints index, bv_floats alphas,
                          bv_float_span r_pixels);

#ifdef __cplusplus
}
#endif
#endif
