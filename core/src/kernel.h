/* Internal: the pixel filter as discrete taps on the sample grid.
 *
 * Output pixel p gathers sample columns n*p + k for k in [first, first + count): the same taps
 * for every pixel, since the grid repeats each pixel. Weights are normalised to sum to one, so
 * the separable 2-D weights w[kx] * w[ky] sum to one as well. */
#ifndef BV_KERNEL_H
#define BV_KERNEL_H

#include <bakeview/filter.h>

#include "raster.h"

#define BV__MAX_TAPS (2 * (BV_MAX_SAMPLES * 8 + 1))

typedef struct bv__kernel {
    int first;               /* offset of the first tap, in samples, from n * p */
    int count;               /* taps with non-zero weight */
    int center;              /* the sample nearest the pixel centre, as an offset from n * p */
    float weight[BV__MAX_TAPS];
} bv__kernel;

/* False if the filter reaches no sample (cannot happen for widths the renderer accepts). */
bool bv__kernel_init(bv__kernel *kernel, const bv__grid *grid, bv_filter filter, float width);

#endif
