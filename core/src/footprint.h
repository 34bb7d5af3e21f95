/* Internal: one pixel's texture value as Cycles integrates it.
 *
 * Cycles' pixel is the mean of the texture over its camera rays, which the pixel filter f(x) f(y)
 * spreads around the pixel centre. Where one smooth surface covers the filter's whole support,
 * the UV map is close to affine there, uv = uv0 + J d (d in pixels), and the pixel is
 *     P = sum over texels t of T[t] * (f_J * K)(t - uv0)
 * with f_J the pixel filter mapped into texture space through J and K the interpolation's
 * reconstruction kernel (a tent of one texel for Linear, a box for Closest). bv__footprint_tap
 * evaluates that sum:
 *   - magnified (the mapped filter's standard deviation under FOOTPRINT_MAGNIFIED texels): a
 *     product quadrature of N x N points of equal filter mass, each an ordinary tap, so the
 *     integrand is exactly the texture as Cycles interpolates it;
 *   - otherwise: a weighted sum of the texels of one mip level. The level is the coarsest whose
 *     weights still span FOOTPRINT_MIN_SIGMA of its texels on the minor axis (anisotropy beyond
 *     FOOTPRINT_MAX_ANISOTROPY widens the minor axis instead); the weights' covariance plus the
 *     level's own box blur equals that of f_J * K. On level 0 each texel weighs the pixel filter
 *     itself at the texel's position mapped back into pixels, through the mapping widened to that
 *     covariance; on coarser levels, where the mip chain's blur shapes the kernel as much, a
 *     Gaussian of that covariance (Blackman-Harris and Gaussian filters; a box keeps its shape).
 *     Each row of texels is swept only where the kernel reaches.
 * Accuracy against the brute-force integral is in tests/c/test_footprint.c's table: 45 to 80 dB
 * on white noise in every regime, except a box filter's hard edge (31 dB at 3x minification) and
 * Closest interpolation magnified (25 to 28 dB on a one-texel checker: a step function). */
#ifndef BV_FOOTPRINT_H
#define BV_FOOTPRINT_H

#include <stdbool.h>

#include <bakeview/filter.h>
#include <bakeview/texture.h>

#define BV__FOOTPRINT_LUT 256      /* filter samples over [0, radius] */
#define BV__FOOTPRINT_MAX_NODES 4  /* quadrature points per axis */
#define BV__GAUSS_TABLE 1024       /* exp(-Q / 2) samples over Q in [0, BV__GAUSS_CUT^2] */
#define BV__GAUSS_CUT 3.0          /* standard deviations: the Gaussian's 1% contour */

typedef struct bv__footprint_filter {
    float radius;  /* support half-width, pixels */
    float sigma2;  /* variance of the 1-D filter, pixels^2 */
    bool bell;     /* Blackman-Harris or Gaussian: weights by the Gaussian of the same variance */
    float gauss[BV__GAUSS_TABLE + 3]; /* exp(-Q / 2), Q = k * cut^2 / BV__GAUSS_TABLE; 0 past it */
    float lut[BV__FOOTPRINT_LUT + 3]; /* f at |d| = k * radius / BV__FOOTPRINT_LUT, 0 past it */
    /* node[n - 1][i]: point i of the n-point rule, pixels from the centre; the n intervals they
       stand for hold equal filter mass, each point at its interval's filter-weighted centre */
    float node[BV__FOOTPRINT_MAX_NODES][BV__FOOTPRINT_MAX_NODES];
} bv__footprint_filter;

/* False for a filter of no support (the renderer refuses such widths first). */
bool bv__footprint_filter_init(bv__footprint_filter *f, bv_filter filter, float width);

/* The pixel value at UV (u, v) with Jacobian `jacobian` (du/dx, du/dy, dv/dx, dv/dy: UV per
 * pixel): premultiplied RGBA as the renderer's taps give it (bv__texture_tap). Levels above 0 are
 * used when the texture has a mip chain. A pure function of its arguments. */
void bv__footprint_tap(const bv_texture *texture, const bv__footprint_filter *f, float u, float v,
                       const float jacobian[4], float r_rgba[4]);

#endif
