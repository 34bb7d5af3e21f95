/* bakeview: pixel reconstruction filters, shaped as Cycles' film filter.
 *
 * Cycles importance-samples a separable filter; with a regular sample grid the same image comes
 * from weighting each sample by f(dx) * f(dy), dx, dy its offset from the pixel centre in pixels,
 * and dividing by the sum of the weights. Support (half width) for a filter width w:
 *   box             w / 2       f = 1
 *   Gaussian        1.5 w       f = exp(-2 (2 x / w)^2)
 *   Blackman-Harris w           f = 0.35875 + 0.48829 cos(pi x / w) + 0.14128 cos(2 pi x / w)
 *                                   + 0.01168 cos(3 pi x / w)
 */
#ifndef BAKEVIEW_FILTER_H
#define BAKEVIEW_FILTER_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_filter {
    BV_FILTER_BLACKMAN_HARRIS = 0, /* Cycles' default */
    BV_FILTER_GAUSSIAN,
    BV_FILTER_BOX,
} bv_filter;

#define BV_DEFAULT_FILTER_WIDTH 1.5f

/* Distance from the pixel centre, in pixels, beyond which the filter is zero. */
float bv_filter_radius(bv_filter filter, float width);

/* Unnormalised weight at offset x pixels from the pixel centre (0 outside the radius). */
float bv_filter_weight(bv_filter filter, float width, float x);

#ifdef __cplusplus
}
#endif
#endif
