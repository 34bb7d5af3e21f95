/* Normal and depth sheets: the core's data passes encoded as engines read them (see
 * bakeview/data_sheet.h). Everything is checked before anything is written. */
#include <math.h>

#include <bakeview/data_sheet.h>
#include <bakeview/render.h>

#include "alloc.h"
#include "error.h"

/* A buffer of `per_pixel` floats per pixel of a width x height image. */
static bv_status check_buffer(const char *what, const char *name, const float *ptr, size_t count,
                              int width, int height, size_t per_pixel)
{
    size_t pixels, expected;
    if (!bv__mul_size((size_t)width, (size_t)height, &pixels) || !bv__mul_size(pixels, per_pixel, &expected))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %d x %d is too large", what, width, height);
    if (!ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s is NULL", what, name);
    if (count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %s holds %zu floats, %d x %d needs %zu", what, name,
                        count, width, height, expected);
    return BV_OK;
}

static bv_status check_size(const char *what, int width, int height)
{
    if (width < 1 || height < 1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: size %d x %d is not positive", what, width, height);
    return BV_OK;
}

/* The first pixel whose `channel` (of `per_pixel`) is NaN or infinite, or -1. */
static long long first_not_finite(const float *ptr, size_t pixels, size_t per_pixel, size_t first,
                                  size_t last, bool allow_infinite)
{
    for (size_t p = 0; p < pixels; p++)
        for (size_t k = first; k <= last; k++) {
            const float v = ptr[p * per_pixel + k];
            if (isnan(v) || (!allow_infinite && isinf(v))) return (long long)p;
        }
    return -1;
}

bv_status bv_normal_sheet_encode(const bv_normal_sheet_desc *d, bv_float_span out)
{
    static const char what[] = "normal sheet";
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: desc is NULL", what);
    bv_status s = check_size(what, d->width, d->height);
    if (s == BV_OK) s = check_buffer(what, "normals", d->normals.ptr, d->normals.count, d->width, d->height, 3);
    if (s == BV_OK) s = check_buffer(what, "color", d->color.ptr, d->color.count, d->width, d->height, 4);
    if (s == BV_OK) s = check_buffer(what, "out", out.ptr, out.count, d->width, d->height, 4);
    if (s != BV_OK) return s;
    if ((unsigned)d->y > BV_NORMAL_Y_DOWN)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: unknown y %d", what, (int)d->y);
    const size_t pixels = (size_t)d->width * (size_t)d->height;
    long long bad = first_not_finite(d->normals.ptr, pixels, 3, 0, 2, false);
    if (bad >= 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: the normal of pixel %lld is NaN or infinite", what, bad);
    bad = first_not_finite(d->color.ptr, pixels, 4, 3, 3, false);
    if (bad >= 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: the alpha of pixel %lld is NaN or infinite", what, bad);
    const float green = d->y == BV_NORMAL_Y_DOWN ? -0.5f : 0.5f;
    for (size_t p = 0; p < pixels; p++) {
        const float *n = d->normals.ptr + 3 * p;
        float *o = out.ptr + 4 * p;
        if (n[0] == 0.0f && n[1] == 0.0f && n[2] == 0.0f) { /* nothing seen: the neutral normal */
            o[0] = o[1] = 0.5f;
            o[2] = 1.0f;
        } else {
            o[0] = n[0] * 0.5f + 0.5f;
            o[1] = n[1] * green + 0.5f;
            o[2] = n[2] * 0.5f + 0.5f;
        }
        o[3] = d->color.ptr[4 * p + 3];
    }
    return BV_OK;
}

bv_status bv_depth_sheet_encode(const bv_depth_sheet_desc *d, bv_float_span out)
{
    static const char what[] = "depth sheet";
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: desc is NULL", what);
    bv_status s = check_size(what, d->width, d->height);
    if (s == BV_OK) s = check_buffer(what, "depth", d->depth.ptr, d->depth.count, d->width, d->height, 1);
    if (s == BV_OK) s = check_buffer(what, "color", d->color.ptr, d->color.count, d->width, d->height, 4);
    if (s == BV_OK) s = check_buffer(what, "out", out.ptr, out.count, d->width, d->height, 2);
    if (s != BV_OK) return s;
    if (!isfinite(d->near_depth) || !isfinite(d->far_depth) || !(d->near_depth < d->far_depth))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: range %g .. %g is not a finite, increasing range", what,
                        d->near_depth, d->far_depth);
    const size_t pixels = (size_t)d->width * (size_t)d->height;
    long long bad = first_not_finite(d->depth.ptr, pixels, 1, 0, 0, true);
    if (bad >= 0) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: the depth of pixel %lld is NaN", what, bad);
    bad = first_not_finite(d->color.ptr, pixels, 4, 3, 3, false);
    if (bad >= 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: the alpha of pixel %lld is NaN or infinite", what, bad);
    const double scale = 1.0 / (d->far_depth - d->near_depth);
    for (size_t p = 0; p < pixels; p++) {
        const float depth = d->depth.ptr[p];
        double v = depth >= BV_DEPTH_EMPTY ? 1.0 : ((double)depth - d->near_depth) * scale;
        v = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
        out.ptr[2 * p] = (float)v;
        out.ptr[2 * p + 1] = d->color.ptr[4 * p + 3];
    }
    return BV_OK;
}
