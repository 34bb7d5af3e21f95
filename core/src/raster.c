/* Fixed-point triangle setup with the top-left rule. */
#include <math.h>

#include "raster.h"

void bv__grid_init(bv__grid *grid, int n)
{
    grid->n = n;
    for (int i = 0; i < n && i < BV_MAX_SAMPLES; i++)
        grid->offset[i] = (int32_t)floor((i + 0.5) * BV__SUBPIXEL_ONE / n + 0.5);
    /* with n a power of two every offset is exact and neighbours are one step apart */
    grid->step = (BV__SUBPIXEL_ONE % n == 0 && (BV__SUBPIXEL_ONE / n) % 2 == 0) ? BV__SUBPIXEL_ONE / n : 0;
    grid->step_shift = 0;
    while (grid->step && (1 << grid->step_shift) < grid->step) grid->step_shift++;
}

/* Fixed-point positions stay far below this (guard band), so adding it makes them positive and
 * a shift is a floor division; it is a multiple of every step. */
#define BV__SHIFT_BIAS (INT64_C(1) << 40)

/* The first sample column (or row) at or after fixed-point position v. */
static int sample_at_or_after(const bv__grid *grid, int64_t v)
{
    if (grid->step) /* sample s lies at s * step + step / 2 */
        return (int)(((v - grid->step / 2 + grid->step - 1 + BV__SHIFT_BIAS) >> grid->step_shift) -
                     (BV__SHIFT_BIAS >> grid->step_shift));
    int s = bv__floor_div(v * grid->n, BV__SUBPIXEL_ONE) - 1; /* at or before v */
    while (bv__sample_coord(grid, s) < v) s++;
    return s;
}

/* The last sample column (or row) at or before fixed-point position v. */
static int sample_at_or_before(const bv__grid *grid, int64_t v)
{
    if (grid->step)
        return (int)(((v - grid->step / 2 + BV__SHIFT_BIAS) >> grid->step_shift) -
                     (BV__SHIFT_BIAS >> grid->step_shift));
    int s = bv__floor_div(v * grid->n, BV__SUBPIXEL_ONE) + 1; /* at or after v */
    while (bv__sample_coord(grid, s) > v) s--;
    return s;
}

int64_t bv__to_fixed(double pixels) { return (int64_t)llround(pixels * BV__SUBPIXEL_ONE); }

bool bv__triangle_setup(const bv__grid *grid, const int64_t x_in[3], const int64_t y_in[3],
                        bv__triangle *t)
{
    int64_t x[3] = {x_in[0], x_in[1], x_in[2]}, y[3] = {y_in[0], y_in[1], y_in[2]};
    int64_t area2 = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
    if (area2 == 0) return false;
    t->flipped = area2 < 0;
    if (t->flipped) { /* make it counter-clockwise: swap vertices 1 and 2 */
        int64_t s = x[1]; x[1] = x[2]; x[2] = s;
        s = y[1]; y[1] = y[2]; y[2] = s;
        area2 = -area2;
    }
    t->area2 = area2;
    for (int i = 0; i < 3; i++) {
        /* edge i runs from vertex j to vertex k, opposite vertex i */
        const int j = (i + 1) % 3, k = (i + 2) % 3;
        const int64_t dx = x[k] - x[j], dy = y[k] - y[j];
        t->a[i] = -dy;
        t->b[i] = dx;
        t->c[i] = dy * x[j] - dx * y[j];
        /* y up, counter-clockwise: a top edge runs leftwards, a left edge runs downwards */
        const bool top_left = dy < 0 || (dy == 0 && dx < 0);
        t->c_biased[i] = top_left ? t->c[i] : t->c[i] - 1;
    }
    if (t->flipped) { /* report edge values in the caller's vertex order */
        int64_t s;
        s = t->a[1]; t->a[1] = t->a[2]; t->a[2] = s;
        s = t->b[1]; t->b[1] = t->b[2]; t->b[2] = s;
        s = t->c[1]; t->c[1] = t->c[2]; t->c[2] = s;
        s = t->c_biased[1]; t->c_biased[1] = t->c_biased[2]; t->c_biased[2] = s;
    }
    int64_t xmin = x[0], xmax = x[0], ymin = y[0], ymax = y[0];
    for (int i = 1; i < 3; i++) {
        xmin = x[i] < xmin ? x[i] : xmin;
        xmax = x[i] > xmax ? x[i] : xmax;
        ymin = y[i] < ymin ? y[i] : ymin;
        ymax = y[i] > ymax ? y[i] : ymax;
    }
    /* only samples in the closed box can be covered: a triangle between samples, as most are in
       a dense mesh seen small, costs nothing further */
    t->sx0 = sample_at_or_after(grid, xmin);
    t->sx1 = sample_at_or_before(grid, xmax);
    t->sy0 = sample_at_or_after(grid, ymin);
    t->sy1 = sample_at_or_before(grid, ymax);
    return true;
}

void bv__raster_count(const bv__grid *grid, const bv__triangle *t, int sx0, int sy0, int width,
                      int height, uint16_t *counts)
{
    const int x0 = t->sx0 > sx0 ? t->sx0 : sx0, x1 = t->sx1 < sx0 + width - 1 ? t->sx1 : sx0 + width - 1;
    const int y0 = t->sy0 > sy0 ? t->sy0 : sy0, y1 = t->sy1 < sy0 + height - 1 ? t->sy1 : sy0 + height - 1;
    for (int sy = y0; sy <= y1; sy++) {
        const int64_t fy = bv__sample_coord(grid, sy);
        for (int sx = x0; sx <= x1; sx++) {
            int64_t e[3];
            if (bv__triangle_covers(t, bv__sample_coord(grid, sx), fy, e))
                counts[(size_t)(sy - sy0) * (size_t)width + (size_t)(sx - sx0)]++;
        }
    }
}
