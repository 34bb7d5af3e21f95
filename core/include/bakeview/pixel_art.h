/* bakeview: pixel-art frames. Rendered frames (float RGBA, straight alpha, row 0 at the bottom)
 * get hard edges (alpha 0 or 1), a 1-pixel outline and whole-pixel upscaling; the 8-bit colours a
 * PNG will hold (bv_png_codes) give a palette of N colours by median cut, which bv_png_desc's
 * palette then applies to every visible pixel as it is written. */
#ifndef BAKEVIEW_PIXEL_ART_H
#define BAKEVIEW_PIXEL_ART_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BV_MAX_PALETTE 256

/* Alpha >= 0.5 becomes 1, less becomes 0 with colour 0: no half-transparent pixel is left. */
bv_status bv_pixel_hard_alpha(bv_float_span rgba, int width, int height);

/* Every transparent pixel (alpha 0) with an opaque pixel (alpha > 0) left, right, above or below
 * it becomes `colour` (linear RGB), opaque. */
bv_status bv_pixel_outline(bv_float_span rgba, int width, int height, const float colour[3]);

/* Each pixel of `in` (width x height x channels) as a factor x factor block of `out`. */
bv_status bv_pixel_upscale(bv_floats in, int width, int height, int channels, int factor,
                           bv_float_span out);

/* Up to `colours` (1..256) RGB colours for the visible pixels (alpha code > 0) of `rgba`
 * (pixel_count RGBA8 pixels): median cut of their colours, each box's count-weighted mean.
 * r_palette holds 3 * colours bytes; *r_count is how many it made (fewer when fewer colours are
 * seen; 0 for no visible pixel). Deterministic. */
bv_status bv_palette_median_cut(const uint8_t *rgba, size_t pixel_count, int colours, uint8_t *r_palette,
                                int *r_count);

/* The index of the palette colour nearest (r, g, b): least squared distance of the codes, the
 * first on a tie. */
int bv_palette_nearest(const uint8_t *palette, int count, const uint8_t rgb[3]);

#ifdef __cplusplus
}
#endif
#endif
