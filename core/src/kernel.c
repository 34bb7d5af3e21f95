/* Discrete filter taps for a sample grid. */
#include <math.h>

#include "kernel.h"

bool bv__kernel_init(bv__kernel *kernel, const bv__grid *grid, bv_filter filter, float width)
{
    const int n = grid->n;
    const float radius = bv_filter_radius(filter, width);
    const int reach = (int)ceilf(radius * (float)n) + n + 1; /* samples either side, generous */
    int first = 0, count = 0;
    double sum = 0.0;
    float weights[BV__MAX_TAPS * 2];
    for (int k = -reach; k <= reach + n && count < BV__MAX_TAPS; k++) {
        /* offset of sample n*p + k from the centre of pixel p, in pixels */
        const double d = (double)bv__sample_coord(grid, k) / BV__SUBPIXEL_ONE - 0.5;
        const float w = bv_filter_weight(filter, width, (float)d);
        if (w <= 0.0f) {
            if (count > 0) break; /* past the support */
            continue;
        }
        if (count == 0) first = k;
        weights[count++] = w;
        sum += w;
    }
    if (count == 0 || sum <= 0.0) return false;
    kernel->first = first;
    kernel->count = count;
    kernel->center = n / 2;
    for (int i = 0; i < count; i++) kernel->weight[i] = (float)(weights[i] / sum);
    return true;
}
