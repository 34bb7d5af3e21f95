/* A pixel's texture value integrated over the pixel filter's footprint (see footprint.h). */
#include <math.h>
#include <string.h>

#include "footprint.h"
#include "texture_internal.h"

/* Below this standard deviation of the mapped filter (level-0 texels) the texture is magnified:
 * the interpolation's kernel, not the filter, shapes the weights, and quadrature is exact where a
 * texel-weight sum would not be. Set by measurement against the brute-force integral
 * (tests/c/test_footprint.c). */
#define FOOTPRINT_MAGNIFIED 0.3
#define FOOTPRINT_MIN_SIGMA 1.0
#define FOOTPRINT_MAX_ANISOTROPY 16.0  /* ratio of the axes' standard deviations */
#define FOOTPRINT_MAX_EXTENT 48.0      /* texels either side of the centre */

bool bv__footprint_filter_init(bv__footprint_filter *f, bv_filter filter, float width)
{
    memset(f, 0, sizeof *f);
    const float radius = bv_filter_radius(filter, width);
    if (!(radius > 0.0f) || !isfinite(radius)) return false;
    f->radius = radius;
    for (int k = 0; k <= BV__FOOTPRINT_LUT; k++)
        f->lut[k] = bv_filter_weight(filter, width, radius * (float)k / BV__FOOTPRINT_LUT);
    f->lut[BV__FOOTPRINT_LUT + 1] = 0.0f;
    /* moments and the equal-mass quadrature rules, by the midpoint rule on a fine grid */
    enum { STEPS = 1 << 14 };
    const double h = 2.0 * radius / STEPS;
    double mass = 0.0, second = 0.0;
    for (int i = 0; i < STEPS; i++) {
        const double x = -radius + (i + 0.5) * h;
        const double w = bv_filter_weight(filter, width, (float)x);
        mass += w;
        second += w * x * x;
    }
    if (!(mass > 0.0)) return false;
    f->sigma2 = (float)(second / mass);
    for (int n = 1; n <= BV__FOOTPRINT_MAX_NODES; n++) {
        double cell_mass = 0.0, cell_first = 0.0;
        int cell = 0;
        for (int i = 0; i < STEPS && cell < n; i++) {
            const double x = -radius + (i + 0.5) * h;
            const double w = bv_filter_weight(filter, width, (float)x);
            cell_mass += w;
            cell_first += w * x;
            if (cell_mass >= mass / n * (1.0 - 1e-12) || i == STEPS - 1) {
                f->node[n - 1][cell++] = (float)(cell_first / cell_mass);
                cell_mass = cell_first = 0.0;
            }
        }
    }
    return true;
}

/* The filter's weight at |d| pixels (d within the support). */
static inline float filter_at(const bv__footprint_filter *f, float scale, float d)
{
    const float pos = d * scale;
    const int k = (int)pos;
    const float t = pos - (float)k;
    return f->lut[k] + (f->lut[k + 1] - f->lut[k]) * t;
}

static void eigenvalues(double a, double b, double c, double *r_min, double *r_max)
{
    const double mean = 0.5 * (a + c), half = sqrt(0.25 * (a - c) * (a - c) + b * b);
    *r_min = mean - half;
    *r_max = mean + half;
}

/* The n x n rule: each point an ordinary tap of level 0, so the integrand is the texture exactly
 * as Cycles interpolates it. */
static void quadrature(const bv_texture *t, const bv__footprint_filter *f, int n, float u, float v,
                       const double j[4], float r_rgba[4])
{
    const float *node = f->node[n - 1];
    float acc[4] = {0, 0, 0, 0};
    for (int iy = 0; iy < n; iy++)
        for (int ix = 0; ix < n; ix++) {
            const double dx = node[ix], dy = node[iy];
            float tap[4];
            bv__texture_tap(t, 0, (float)(u + j[0] * dx + j[1] * dy), (float)(v + j[2] * dx + j[3] * dy), tap);
            for (int k = 0; k < 4; k++) acc[k] += tap[k];
        }
    const float inv = 1.0f / (float)(n * n);
    for (int k = 0; k < 4; k++) r_rgba[k] = acc[k] * inv;
}

/* The texel-weight sum on level `li`: texel offsets (in its texels) map back to pixels through
 * the inverse of a (2 x 2, row-major), and each texel weighs the pixel filter there. */
static bool texel_sum(const bv_texture *t, const bv__footprint_filter *f, int li, float u, float v,
                      const double a[4], float r_rgba[4])
{
    const bv__level *level = &t->levels[li];
    const int w = level->width, h = level->height;
    const double det = a[0] * a[3] - a[1] * a[2];
    if (!(fabs(det) > 0.0)) return false;
    const float b00 = (float)(a[3] / det), b01 = (float)(-a[1] / det);
    const float b10 = (float)(-a[2] / det), b11 = (float)(a[0] / det);
    const double radius = f->radius;
    const double ex = radius * (fabs(a[0]) + fabs(a[1])), ey = radius * (fabs(a[2]) + fabs(a[3]));
    const double x = (double)u * w, y = (double)v * h;
    if (!(ex < 1e6 && ey < 1e6 && fabs(x) < 1e8 && fabs(y) < 1e8)) return false;
    const int ix0 = (int)ceil(x - ex - 0.5), ix1 = (int)floor(x + ex - 0.5);
    const int iy0 = (int)ceil(y - ey - 0.5), iy1 = (int)floor(y + ey - 0.5);
    const bv_extension ext = t->extension;
    const bool premultiply = li == 0 && t->premultiply;
    const bool ignore_alpha = li == 0 && t->alpha == BV_TEXTURE_ALPHA_IGNORE;
    const float scale = (float)(BV__FOOTPRINT_LUT / radius), r = (float)radius;
    float acc[4] = {0, 0, 0, 0}, weight_sum = 0.0f;
    for (int iy = iy0; iy <= iy1; iy++) {
        const float ty = (float)(iy + 0.5 - y), tx = (float)(ix0 + 0.5 - x);
        float dx = b00 * tx + b01 * ty, dy = b10 * tx + b11 * ty;
        const int row = bv__texel_index(iy, h, ext);
        const float *texels = row >= 0 ? level->pixels + 4 * (size_t)row * (size_t)w : NULL;
        for (int ix = ix0; ix <= ix1; ix++, dx += b00, dy += b10) {
            const float ax = fabsf(dx), ay = fabsf(dy);
            if (!(ax <= r && ay <= r)) continue;
            const float weight = filter_at(f, scale, ax) * filter_at(f, scale, ay);
            weight_sum += weight;
            const int column = ix >= 0 && ix < w ? ix : bv__texel_index(ix, w, ext);
            if (!texels || column < 0) continue; /* CLIP: transparent black */
            const float *p = texels + 4 * (size_t)column;
            const float alpha = ignore_alpha ? 1.0f : p[3];
            const float m = premultiply ? weight * p[3] : weight;
            acc[0] += m * p[0];
            acc[1] += m * p[1];
            acc[2] += m * p[2];
            acc[3] += weight * alpha;
        }
    }
    if (!(weight_sum > 0.0f)) return false;
    const float inv = 1.0f / weight_sum;
    for (int k = 0; k < 4; k++) r_rgba[k] = acc[k] * inv;
    return true;
}

void bv__footprint_tap(const bv_texture *t, const bv__footprint_filter *f, float u, float v,
                       const float jacobian[4], float r_rgba[4])
{
    const int w0 = t->levels[0].width, h0 = t->levels[0].height;
    const double j[4] = {jacobian[0], jacobian[1], jacobian[2], jacobian[3]};
    /* the Jacobian in level-0 texels per pixel, and the mapped filter's covariance */
    const double p = j[0] * w0, q = j[1] * w0, rr = j[2] * h0, s = j[3] * h0;
    const double s2 = f->sigma2;
    double m00 = s2 * (p * p + q * q), m01 = s2 * (p * rr + q * s), m11 = s2 * (rr * rr + s * s);
    if (!(isfinite(u) && isfinite(v) && isfinite(m00) && isfinite(m01) && isfinite(m11))) {
        bv__texture_tap(t, 0, u, v, r_rgba);
        return;
    }
    double lmin, lmax;
    eigenvalues(m00, m01, m11, &lmin, &lmax);
    const bool closest = t->interpolation == BV_INTERPOLATION_CLOSEST;
    if (lmax < FOOTPRINT_MAGNIFIED * FOOTPRINT_MAGNIFIED) {
        const int n = closest || lmax >= 0.0625 ? 4 : 3;
        quadrature(t, f, n, u, v, j, r_rgba);
        return;
    }
    /* f_J * K: the reconstruction kernel's variance (a tent: 1/6; a box: 1/12) added */
    const double kernel = closest ? 1.0 / 12.0 : 1.0 / 6.0;
    m00 += kernel;
    m11 += kernel;
    eigenvalues(m00, m01, m11, &lmin, &lmax);
    const double floor_min = lmax / (FOOTPRINT_MAX_ANISOTROPY * FOOTPRINT_MAX_ANISOTROPY);
    if (lmin < floor_min) { /* too thin: widen the minor axis */
        m00 += floor_min - lmin;
        m11 += floor_min - lmin;
    }
    /* the coarsest level whose texels still resolve the weights; its own box blur (s^2 / 12 per
       axis, s its texel in level-0 texels) comes off the covariance */
    int li = 0;
    double c00 = m00, c01 = m01, c11 = m11, sx = 1.0, sy = 1.0;
    /* EXTEND repeats the edge texels of level 0, which a coarser level's edge does not hold */
    const double reach = f->radius / sqrt(s2);
    const double cx = (double)u * w0, cy = (double)v * h0;
    const double ex0 = reach * sqrt(m00), ey0 = reach * sqrt(m11);
    const bool past_edge = cx - ex0 < 0.0 || cx + ex0 > w0 || cy - ey0 < 0.0 || cy + ey0 > h0;
    const int levels = t->extension == BV_EXTENSION_EXTEND && past_edge ? 1 : t->level_count;
    for (int l = 1; l < levels; l++) {
        const double lx = (double)w0 / t->levels[l].width, ly = (double)h0 / t->levels[l].height;
        const double n00 = (m00 - lx * lx / 12.0) / (lx * lx), n01 = m01 / (lx * ly);
        const double n11 = (m11 - ly * ly / 12.0) / (ly * ly);
        double nmin, nmax;
        eigenvalues(n00, n01, n11, &nmin, &nmax);
        if (!(nmin >= FOOTPRINT_MIN_SIGMA * FOOTPRINT_MIN_SIGMA)) break;
        li = l, c00 = n00, c01 = n01, c11 = n11, sx = lx, sy = ly;
    }
    /* a = sqrt(C / sigma2) U, with U the rotation (or reflection) of the level's Jacobian, so the
       filter keeps its orientation on the surface (it matters for a box) */
    const double root_det = sqrt(fmax(c00 * c11 - c01 * c01, 0.0));
    const double norm = sqrt(c00 + c11 + 2.0 * root_det) * sqrt(s2);
    const double r00 = (c00 + root_det) / norm, r01 = c01 / norm, r11 = (c11 + root_det) / norm;
    const double jp = p / sx, jq = q / sx, jr = rr / sy, js = s / sy;
    double u00 = 1.0, u01 = 0.0, u10 = 0.0, u11 = 1.0;
    if (jp * js - jq * jr >= 0.0) {
        const double c = jp + js, d = jq - jr, l = sqrt(c * c + d * d);
        if (l > 0.0) u00 = c / l, u01 = d / l, u10 = -d / l, u11 = c / l;
    } else {
        const double c = jp - js, d = jq + jr, l = sqrt(c * c + d * d);
        if (l > 0.0) u00 = c / l, u01 = d / l, u10 = d / l, u11 = -c / l;
    }
    double a[4] = {r00 * u00 + r01 * u10, r00 * u01 + r01 * u11, r01 * u00 + r11 * u10,
                   r01 * u01 + r11 * u11};
    const double ex = f->radius * (fabs(a[0]) + fabs(a[1])), ey = f->radius * (fabs(a[2]) + fabs(a[3]));
    const double largest = ex > ey ? ex : ey;
    if (largest > FOOTPRINT_MAX_EXTENT) /* a footprint over the coarsest level many times over */
        for (int k = 0; k < 4; k++) a[k] *= FOOTPRINT_MAX_EXTENT / largest;
    if (!texel_sum(t, f, li, u, v, a, r_rgba)) bv__texture_tap(t, 0, u, v, r_rgba);
}
