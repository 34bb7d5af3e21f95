/* Display transforms as 3D LUTs: the lattice's geometry, its sample points, tetrahedral lookups. */
#include <float.h>
#include <math.h>
#include <string.h>

#include <bakeview/color.h>

#include "alloc.h"
#include "error.h"

struct bv_color_lut {
    bv_color_lut_shape shape;
    double step;  /* the spacing of the lattice, in log2(x + offset) */
    float limit;  /* the value of the last point */
    float *table; /* size^3 RGB, owned */
};

static bv_status check_shape(const char *what, const bv_color_lut_shape *s)
{
    if (!s) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: shape is NULL", what);
    if (s->size < 2 || s->size > BV_MAX_LUT_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: size %d is outside 2..%d", what, s->size,
                        BV_MAX_LUT_SIZE);
    if (!(isfinite(s->offset) && s->offset > 0.0f))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: offset %g is not a finite value above 0", what,
                        (double)s->offset);
    if (!(isfinite(s->knee) && s->knee > 0.0f))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: knee %g is not a finite value above 0", what,
                        (double)s->knee);
    if (s->knee_index < 1 || s->knee_index > s->size - 1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: knee_index %d is outside 1..%d", what,
                        s->knee_index, s->size - 1);
    /* the spacing divides, and the limit is a float */
    const double step = log2(1.0 + (double)s->knee / s->offset) / s->knee_index;
    const double limit = (double)s->offset * (exp2(step * (s->size - 1)) - 1.0);
    if (!(step > 0.0) || !(limit <= FLT_MAX))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "%s: knee %g, offset %g and knee_index %d put the limit outside floats", what,
                        (double)s->knee, (double)s->offset, s->knee_index);
    return BV_OK;
}

static double step_of(const bv_color_lut_shape *s)
{
    return log2(1.0 + (double)s->knee / s->offset) / s->knee_index;
}

double bv_color_lut_axis(const bv_color_lut_shape *s, double c)
{
    return s->offset * (exp2(c * step_of(s)) - 1.0); /* exactly 0 at c = 0 */
}

/* The inverse: the lattice coordinate of a scene-linear value, clamped to the lattice. */
static float lattice_coordinate(const bv_color_lut *lut, float x)
{
    if (!(x > 0.0f)) return 0.0f; /* also NaN */
    const float last = (float)(lut->shape.size - 1);
    if (x >= lut->limit) return last;
    const float c = (float)(log2(1.0 + (double)x / lut->shape.offset) / lut->step);
    return c < last ? c : last;
}

bv_status bv_color_lut_points(const bv_color_lut_shape *shape, bv_float_span r_points)
{
    bv_status status = check_shape("lut points", shape);
    if (status != BV_OK) return status;
    const size_t n = (size_t)shape->size, m = n - 1;
    const size_t expected = 4 * (n * n * n + m * m * m);
    if (!r_points.ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut points: r_points is NULL");
    if (r_points.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut points: r_points holds %zu floats, size %d needs %zu",
                        r_points.count, shape->size, expected);
    float axis[BV_MAX_LUT_SIZE], centre[BV_MAX_LUT_SIZE];
    for (size_t i = 0; i < n; i++) axis[i] = (float)bv_color_lut_axis(shape, (double)i);
    for (size_t i = 0; i < m; i++) centre[i] = (float)bv_color_lut_axis(shape, i + 0.5);
    float *out = r_points.ptr;
    for (int pass = 0; pass < 2; pass++) {
        const float *v = pass == 0 ? axis : centre;
        const size_t count = pass == 0 ? n : m;
        for (size_t b = 0; b < count; b++)
            for (size_t g = 0; g < count; g++)
                for (size_t r = 0; r < count; r++, out += 4) {
                    out[0] = v[r];
                    out[1] = v[g];
                    out[2] = v[b];
                    out[3] = 1.0f;
                }
    }
    return BV_OK;
}

bv_status bv_color_lut_create(const bv_color_lut_desc *desc, bv_color_lut **r_lut)
{
    if (!r_lut) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut: r_lut is NULL");
    *r_lut = NULL;
    if (!desc) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut: desc is NULL");
    bv_status status = check_shape("lut", &desc->shape);
    if (status != BV_OK) return status;
    const size_t n = (size_t)desc->shape.size, expected = 3 * n * n * n;
    if (!desc->table.ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut: table is NULL");
    if (desc->table.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut: table holds %zu floats, size %d needs %zu",
                        desc->table.count, desc->shape.size, expected);
    for (size_t i = 0; i < expected; i++)
        if (!isfinite(desc->table.ptr[i]))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut: table[%zu] is not finite", i);
    bv_color_lut *lut = BV_MALLOC(sizeof *lut);
    float *table = bv__alloc_array(expected, sizeof(float));
    if (!lut || !table) {
        BV_FREE(lut);
        BV_FREE(table);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "lut: out of memory for a %d^3 table", desc->shape.size);
    }
    memcpy(table, desc->table.ptr, expected * sizeof(float));
    lut->shape = desc->shape;
    lut->table = table;
    lut->step = step_of(&desc->shape);
    lut->limit = (float)bv_color_lut_axis(&desc->shape, desc->shape.size - 1);
    *r_lut = lut;
    return BV_OK;
}

void bv_color_lut_destroy(bv_color_lut *lut)
{
    if (!lut) return;
    BV_FREE(lut->table);
    BV_FREE(lut);
}

void bv_color_lut_apply(const bv_color_lut *lut, const float rgb[3], float r_display[3])
{
    const int n = lut->shape.size;
    float f[3];
    size_t base = 0, stride[3] = {3, 3 * (size_t)n, 3 * (size_t)n * (size_t)n};
    for (int k = 0; k < 3; k++) {
        const float c = lattice_coordinate(lut, rgb[k]);
        int i = (int)c;
        if (i > n - 2) i = n - 2; /* the limit: the last cell's far corner */
        f[k] = c - (float)i;
        base += (size_t)i * stride[k];
    }
    /* Tetrahedral: the cell splits into six tetrahedra along its diagonal, chosen by the order of
       the fractions; the walk from corner 000 to 111 steps the largest fraction's axis first. */
    int order[3] = {0, 1, 2};
    if (f[order[0]] < f[order[1]]) { int t = order[0]; order[0] = order[1]; order[1] = t; }
    if (f[order[1]] < f[order[2]]) { int t = order[1]; order[1] = order[2]; order[2] = t; }
    if (f[order[0]] < f[order[1]]) { int t = order[0]; order[0] = order[1]; order[1] = t; }
    const float *c0 = lut->table + base;
    const float *c1 = c0 + stride[order[0]];
    const float *c2 = c1 + stride[order[1]];
    const float *c3 = c2 + stride[order[2]];
    const float w0 = 1.0f - f[order[0]], w1 = f[order[0]] - f[order[1]], w2 = f[order[1]] - f[order[2]],
                w3 = f[order[2]];
    for (int k = 0; k < 3; k++) r_display[k] = w0 * c0[k] + w1 * c1[k] + w2 * c2[k] + w3 * c3[k];
}

bv_status bv_color_lut_error(const bv_color_lut *lut, bv_floats inputs, bv_floats expected,
                             float *r_max_error)
{
    if (!lut || !r_max_error) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut error: lut or r_max_error is NULL");
    if (!inputs.ptr || !expected.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lut error: inputs or expected is NULL");
    if (inputs.count != expected.count || inputs.count % 4 != 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "lut error: inputs (%zu floats) and expected (%zu) must be the same count of RGBA",
                        inputs.count, expected.count);
    float worst = 0.0f;
    for (size_t p = 0; p < inputs.count; p += 4) {
        float display[3];
        bv_color_lut_apply(lut, inputs.ptr + p, display);
        for (int k = 0; k < 3; k++) {
            const float d = fabsf(display[k] - expected.ptr[p + (size_t)k]);
            if (isnan(d)) { /* a NaN expected: no LUT stands for that */
                *r_max_error = INFINITY;
                return BV_OK;
            }
            if (d > worst) worst = d;
        }
    }
    *r_max_error = worst;
    return BV_OK;
}
