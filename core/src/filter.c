/* Pixel filters with Cycles' shapes and supports (see bakeview/filter.h). */
#include <math.h>

#include <bakeview/filter.h>

#define BV__PI 3.14159265358979323846

float bv_filter_radius(bv_filter filter, float width)
{
    switch (filter) {
    case BV_FILTER_BOX: return 0.5f * width;
    case BV_FILTER_GAUSSIAN: return 1.5f * width;
    case BV_FILTER_BLACKMAN_HARRIS: return width;
    }
    return width;
}

float bv_filter_weight(bv_filter filter, float width, float x)
{
    const double ax = fabs((double)x);
    const double radius = bv_filter_radius(filter, width);
    if (!isfinite(width) || !(width > 0.0f) || !(ax <= radius)) return 0.0f; /* also NaN, inf */
    switch (filter) {
    case BV_FILTER_BOX: return 1.0f;
    case BV_FILTER_GAUSSIAN: {
        const double v = 2.0 * ax / width;
        return (float)exp(-2.0 * v * v);
    }
    case BV_FILTER_BLACKMAN_HARRIS: {
        const double t = BV__PI * ax / width;
        return (float)(0.35875 + 0.48829 * cos(t) + 0.14128 * cos(2.0 * t) + 0.01168 * cos(3.0 * t));
    }
    }
    return 0.0f;
}
