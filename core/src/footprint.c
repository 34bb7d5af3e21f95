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
#define FOOTPRINT_MIN_SIGMA 1.5        /* texels of the chosen level, on the minor axis */
#define FOOTPRINT_MAX_ANISOTROPY 16.0  /* ratio of the axes' standard deviations */
#define FOOTPRINT_MAX_EXTENT 48.0      /* texels either side of the centre */

bool bv__footprint_filter_init(bv__footprint_filter *f, bv_filter filter, float width)
{
    memset(f, 0, sizeof *f);
    const float radius = bv_filter_radius(filter, width);
    if (!(radius > 0.0f) || !isfinite(radius)) return false;
    f->radius = radius;
    f->bell = filter != BV_FILTER_BOX;
    for (int k = 0; k <= BV__GAUSS_TABLE; k++)
        f->gauss[k] = (float)exp(-0.5 * BV__GAUSS_CUT * BV__GAUSS_CUT * k / BV__GAUSS_TABLE);
    f->gauss[BV__GAUSS_TABLE + 1] = f->gauss[BV__GAUSS_TABLE + 2] = 0.0f; /* past the cut */
    for (int k = 0; k <= BV__FOOTPRINT_LUT; k++)
        f->lut[k] = bv_filter_weight(filter, width, radius * (float)k / BV__FOOTPRINT_LUT);
    f->lut[BV__FOOTPRINT_LUT + 1] = f->lut[BV__FOOTPRINT_LUT + 2] = 0.0f; /* past the support */
    /* moments and the equal-mass quadrature rules, by the midpoint rule on a fine grid of the
       filter sampled once (the renderer sets this up on every AUTO view) */
    enum { STEPS = 1 << 12 };
    const double h = 2.0 * radius / STEPS;
    double weight[STEPS], mass = 0.0, second = 0.0;
    for (int i = 0; i < STEPS; i++) {
        const double x = -radius + (i + 0.5) * h;
        weight[i] = bv_filter_weight(filter, width, (float)x);
        mass += weight[i];
        second += weight[i] * x * x;
    }
    if (!(mass > 0.0)) return false;
    f->sigma2 = (float)(second / mass);
    for (int n = 1; n <= BV__FOOTPRINT_MAX_NODES; n++) {
        double cell_mass = 0.0, cell_first = 0.0;
        int cell = 0;
        for (int i = 0; i < STEPS && cell < n; i++) {
            cell_mass += weight[i];
            cell_first += weight[i] * (-radius + (i + 0.5) * h);
            if (cell_mass >= mass / n * (1.0 - 1e-12) || i == STEPS - 1) {
                f->node[n - 1][cell++] = (float)(cell_first / cell_mass);
                cell_mass = cell_first = 0.0;
            }
        }
    }
    return true;
}

static void eigenvalues(double a, double b, double c, double *r_min, double *r_max)
{
    const double mean = 0.5 * (a + c), half = sqrt(0.25 * (a - c) * (a - c) + b * b);
    *r_min = mean - half;
    *r_max = mean + half;
}

/* Whether both eigenvalues of the symmetric [[a, b], [b, c]] are at least `bound`: A - bound I
 * is positive semi-definite (no square root). */
static inline bool at_least(double a, double b, double c, double bound)
{
    const double da = a - bound, dc = c - bound;
    return da >= 0.0 && dc >= 0.0 && da * dc >= b * b;
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
            bv__texture_tap_base(t, (float)(u + j[0] * dx + j[1] * dy), (float)(v + j[2] * dx + j[3] * dy), tap);
            for (int k = 0; k < 4; k++) acc[k] += tap[k];
        }
    const float inv = 1.0f / (float)(n * n);
    for (int k = 0; k < 4; k++) r_rgba[k] = acc[k] * inv;
}

typedef float bv__v4 __attribute__((vector_size(16))); /* RGBA, kept in one register */

#define SWEEP_MAX_SPAN 128 /* texels per axis of a sweep (FOOTPRINT_MAX_EXTENT keeps it below) */

/* The filter at d table steps from its centre (either side; zero past the support). */
static inline float lut_weight(const float *lut, float d)
{
    float pos = d < 0.0f ? -d : d;
    pos = pos < (float)(BV__FOOTPRINT_LUT + 1) ? pos : (float)(BV__FOOTPRINT_LUT + 1);
    const int i = (int)pos;
    return lut[i] + (lut[i + 1] - lut[i]) * (pos - (float)i);
}

/* Narrows [*k0, *k1] to the steps k where |d + k step| <= BV__FOOTPRINT_LUT (the filter's support,
 * in table steps), with a step's margin either side; false if none is left. */
static inline bool row_span(float d, float step, int span, int *k0, int *k1)
{
    const float reach = (float)BV__FOOTPRINT_LUT;
    if (step == 0.0f) return fabsf(d) <= reach;
    float a = (-reach - d) / step, b = (reach - d) / step;
    if (a > b) {
        const float t = a;
        a = b, b = t;
    }
    if (!(a < (float)span + 1.0f && b > -1.0f)) return false; /* also NaN; a and b may be huge */
    const int lo = a > 0.0f ? (int)a - 1 : 0, hi = b < (float)span ? (int)b + 1 : span - 1;
    if (lo > *k0) *k0 = lo;
    if (hi < *k1) *k1 = hi;
    return *k0 <= *k1;
}

/* Texel offsets (4 floats a texel) of a sweep's columns ix0 .. ix1 on a level of width w, -1 for
 * CLIP's transparent outside. */
static void sweep_columns(const bv_texture *t, int w, int ix0, int ix1, int32_t *r_columns)
{
    for (int ix = ix0; ix <= ix1; ix++) {
        const int c = ix >= 0 && ix < w ? ix : bv__texel_index(ix, w, t->extension);
        r_columns[ix - ix0] = c < 0 ? -1 : 4 * c;
    }
}

/* floor and ceil of values well within int range, without a libm call */
static inline int floor_int(double x)
{
    const int i = (int)x;
    return i - (x < (double)i);
}

static inline int ceil_int(double x)
{
    const int i = (int)x;
    return i + (x > (double)i);
}

/* Premultiplied texel as taps read it: level 0 of a straight texture multiplies by alpha, alpha
 * ignored reads 1. */
static inline bv__v4 texel_as_tapped(const float *p, bool premultiply, bool ignore_alpha)
{
    bv__v4 c;
    memcpy(&c, p, sizeof c);
    if (premultiply) c = c * (bv__v4){p[3], p[3], p[3], 1.0f};
    if (ignore_alpha) c[3] = 1.0f;
    return c;
}

/* A sweep over the texels of one level within x0 .. x1 x y0 .. y1 (texel-centre units): the
 * columns' offsets once, then rows of weights added in (sweep_row), then the normalised sum. */
typedef struct sweep {
    const bv_texture *texture;
    const bv__level *level;
    int ix0, iy0, iy1, span;
    bool fast; /* every column inside the level and the texels read as they are */
    bool premultiply, ignore_alpha;
    int32_t columns[SWEEP_MAX_SPAN];
    bv__v4 acc0, acc1; /* two running sums (even and odd texels) halve the adds' chain */
    float weight0, weight1;
} sweep;

static bool sweep_begin(sweep *s, const bv_texture *t, int li, double x, double y, double ex, double ey)
{
    memset(s, 0, sizeof *s);
    s->texture = t;
    s->level = &t->levels[li];
    if (!(fabs(x) < 1e8 && fabs(y) < 1e8 && ex < SWEEP_MAX_SPAN / 2 - 1 && ey < SWEEP_MAX_SPAN / 2 - 1))
        return false;
    const int ix1 = floor_int(x + ex);
    s->ix0 = ceil_int(x - ex), s->iy0 = ceil_int(y - ey), s->iy1 = floor_int(y + ey);
    s->span = ix1 - s->ix0 + 1;
    if (s->span <= 0 || s->iy1 < s->iy0) return false;
    sweep_columns(t, s->level->width, s->ix0, ix1, s->columns);
    s->premultiply = li == 0 && t->premultiply;
    s->ignore_alpha = li == 0 && t->alpha == BV_TEXTURE_ALPHA_IGNORE;
    s->fast = s->ix0 >= 0 && ix1 < s->level->width && !s->premultiply && !s->ignore_alpha;
    return true;
}

/* Adds row iy's texels k0 .. k1 (columns from ix0) weighted by weight[k]; CLIP's transparent
 * texels add their weight only. */
static inline void sweep_row(sweep *s, int iy, int k0, int k1, const float *weight)
{
    const bv__level *level = s->level;
    const int h = level->height;
    const int row = iy >= 0 && iy < h ? iy : bv__texel_index(iy, h, s->texture->extension);
    const float *texels = row >= 0 ? level->pixels + 4 * (size_t)row * (size_t)level->width : NULL;
    if (texels && s->fast) { /* the common case */
        const float *p = texels + s->columns[k0];
        int k = k0;
        for (; k + 1 <= k1; k += 2, p += 8) {
            bv__v4 ta, tb;
            memcpy(&ta, p, sizeof ta);
            memcpy(&tb, p + 4, sizeof tb);
            s->acc0 += weight[k] * ta;
            s->acc1 += weight[k + 1] * tb;
            s->weight0 += weight[k];
            s->weight1 += weight[k + 1];
        }
        if (k <= k1) {
            bv__v4 ta;
            memcpy(&ta, p, sizeof ta);
            s->acc0 += weight[k] * ta;
            s->weight0 += weight[k];
        }
        return;
    }
    for (int k = k0; k <= k1; k++) {
        s->weight0 += weight[k];
        if (!texels || s->columns[k] < 0) continue; /* CLIP: transparent black */
        s->acc0 += weight[k] * texel_as_tapped(texels + s->columns[k], s->premultiply, s->ignore_alpha);
    }
}

static bool sweep_end(const sweep *s, float r_rgba[4])
{
    const bv__v4 acc = s->acc0 + s->acc1;
    const float weight_sum = s->weight0 + s->weight1;
    if (!(weight_sum > 0.0f)) return false;
    const float inv = 1.0f / weight_sum;
    for (int k = 0; k < 4; k++) r_rgba[k] = acc[k] * inv;
    return true;
}

/* The texel-weight sum on level `li` with the pixel filter's own shape: texel offsets (in its
 * texels) map back to pixels through the inverse of a (2 x 2, row-major), and each texel weighs
 * f(dx) f(dy) there (the filter's table, zero past its support). */
static bool shaped_sum(const bv_texture *t, const bv__footprint_filter *f, int li, float u, float v,
                       const double a[4], float r_rgba[4])
{
    const double det = a[0] * a[3] - a[1] * a[2];
    if (!(fabs(det) > 0.0)) return false;
    const double scale = BV__FOOTPRINT_LUT / (double)f->radius; /* pixels to table steps */
    const float b00 = (float)(a[3] / det * scale), b01 = (float)(-a[1] / det * scale);
    const float b10 = (float)(-a[2] / det * scale), b11 = (float)(a[0] / det * scale);
    const double x = (double)u * t->levels[li].width - 0.5, y = (double)v * t->levels[li].height - 0.5;
    sweep s;
    if (!sweep_begin(&s, t, li, x, y, f->radius * (fabs(a[0]) + fabs(a[1])),
                     f->radius * (fabs(a[2]) + fabs(a[3]))))
        return false;
    const float tx = (float)(s.ix0 - x);
    float weight[SWEEP_MAX_SPAN];
    for (int iy = s.iy0; iy <= s.iy1; iy++) {
        const float ty = (float)(iy - y);
        float dx = b00 * tx + b01 * ty, dy = b10 * tx + b11 * ty; /* in table steps */
        /* the row's texels inside the filter's square (a thin footprint's box holds many more) */
        int k0 = 0, k1 = s.span - 1;
        if (!row_span(dx, b00, s.span, &k0, &k1) || !row_span(dy, b10, s.span, &k0, &k1)) continue;
        dx += (float)k0 * b00, dy += (float)k0 * b10;
        for (int k = k0; k <= k1; k++, dx += b00, dy += b10)
            weight[k] = lut_weight(f->lut, dx) * lut_weight(f->lut, dy);
        sweep_row(&s, iy, k0, k1, weight);
    }
    return sweep_end(&s, r_rgba);
}

/* exp(-q' / 2) from the table, q' = q scaled to table steps (q >= 0: a positive definite form) */
static inline float table_weight(const float *table, float q)
{
    /* q >= 0 in exact arithmetic; forward differences may leave it a rounding below zero */
    const float pos = q > 0.0f ? (q < (float)(BV__GAUSS_TABLE + 1) ? q : (float)(BV__GAUSS_TABLE + 1)) : 0.0f;
    const int i = (int)pos;
    return table[i] + (table[i + 1] - table[i]) * (pos - (float)i);
}

/* For the bell-shaped filters (Blackman-Harris, Gaussian): the texel-weight sum with a Gaussian of
 * covariance c (level-li texels^2), cut at BV__GAUSS_CUT standard deviations. Each row is swept
 * within the cut ellipse; along it the quadratic form Q steps by forward differences (two adds,
 * as in Heckbert's EWA) and the weight exp(-Q / 2) comes from the filter's table. */
static bool gaussian_sum(const bv_texture *t, const bv__footprint_filter *f, int li, float u, float v,
                         double c00, double c01, double c11, float r_rgba[4])
{
    const double det = c00 * c11 - c01 * c01;
    if (!(det > 0.0)) return false;
    const double inv_det = 1.0 / det;
    const double qa = c11 * inv_det, qb = -c01 * inv_det, qc = c00 * inv_det; /* inverse covariance */
    const double x = (double)u * t->levels[li].width - 0.5, y = (double)v * t->levels[li].height - 0.5;
    sweep s;
    if (!sweep_begin(&s, t, li, x, y, BV__GAUSS_CUT * sqrt(c00), BV__GAUSS_CUT * sqrt(c11)))
        return false;
    const float scale = (float)(BV__GAUSS_TABLE / (BV__GAUSS_CUT * BV__GAUSS_CUT));
    const double cut2 = BV__GAUSS_CUT * BV__GAUSS_CUT, slope = -qb / qa, inv_qa = 1.0 / qa;
    float weight[SWEEP_MAX_SPAN];
    for (int iy = s.iy0; iy <= s.iy1; iy++) {
        const double dy = iy - y;
        /* the row's texels inside the cut ellipse: qa (x - centre)^2 <= cut^2 - dy^2 / c11 */
        const double room = cut2 - dy * dy / c11;
        if (!(room > 0.0)) continue;
        const double centre = x + slope * dy, half = sqrt(room * inv_qa);
        int k0 = ceil_int(centre - half) - s.ix0, k1 = floor_int(centre + half) - s.ix0;
        k0 = k0 > 0 ? k0 : 0;
        k1 = k1 < s.span - 1 ? k1 : s.span - 1;
        if (k1 < k0) continue;
        const double dx = s.ix0 + k0 - x;
        float q = (float)((qa * dx * dx + 2.0 * qb * dx * dy + qc * dy * dy) * scale);
        float dq = (float)((qa * (2.0 * dx + 1.0) + 2.0 * qb * dy) * scale);
        const float ddq = (float)(2.0 * qa * scale);
        for (int k = k0; k <= k1; k++, q += dq, dq += ddq) weight[k] = table_weight(f->gauss, q);
        sweep_row(&s, iy, k0, k1, weight);
    }
    return sweep_end(&s, r_rgba);
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
    const bool closest = t->interpolation == BV_INTERPOLATION_CLOSEST;
    if (!at_least(m00, m01, m11, FOOTPRINT_MAGNIFIED * FOOTPRINT_MAGNIFIED)) {
        double lmin, lmax;
        eigenvalues(m00, m01, m11, &lmin, &lmax);
        if (lmax < FOOTPRINT_MAGNIFIED * FOOTPRINT_MAGNIFIED) {
            const int n = closest || lmax >= 0.0625 ? 4 : 3;
            quadrature(t, f, n, u, v, j, r_rgba);
            return;
        }
    }
    /* f_J * K: the reconstruction kernel's variance (a tent: 1/6; a box: 1/12) added */
    const double kernel = closest ? 1.0 / 12.0 : 1.0 / 6.0;
    m00 += kernel;
    m11 += kernel;
    double lmin, lmax;
    eigenvalues(m00, m01, m11, &lmin, &lmax);
    if (lmin * (FOOTPRINT_MAX_ANISOTROPY * FOOTPRINT_MAX_ANISOTROPY) < lmax) { /* too thin */
        const double widen = lmax / (FOOTPRINT_MAX_ANISOTROPY * FOOTPRINT_MAX_ANISOTROPY) - lmin;
        m00 += widen;
        m11 += widen;
    }
    /* the coarsest level whose texels still resolve the weights; its own box blur (s^2 / 12 per
       axis, s its texel in level-0 texels) comes off the covariance */
    int li = 0;
    double c00 = m00, c01 = m01, c11 = m11, sx = 1.0, sy = 1.0;
    int levels = t->level_count;
    if (t->extension == BV_EXTENSION_EXTEND) {
        /* EXTEND repeats the edge texels of level 0, which a coarser level's edge does not hold */
        const double reach = f->radius / sqrt(s2);
        const double cx = (double)u * w0, cy = (double)v * h0;
        const double ex0 = reach * sqrt(m00), ey0 = reach * sqrt(m11);
        if (cx - ex0 < 0.0 || cx + ex0 > w0 || cy - ey0 < 0.0 || cy + ey0 > h0) levels = 1;
    }
    for (int l = 1; l < levels; l++) {
        const double lx = (double)w0 / t->levels[l].width, ly = (double)h0 / t->levels[l].height;
        const double n00 = (m00 - lx * lx / 12.0) / (lx * lx), n01 = m01 / (lx * ly);
        const double n11 = (m11 - ly * ly / 12.0) / (ly * ly);
        if (!at_least(n00, n01, n11, FOOTPRINT_MIN_SIGMA * FOOTPRINT_MIN_SIGMA)) break;
        li = l, c00 = n00, c01 = n01, c11 = n11, sx = lx, sy = ly;
    }
    
    /* on coarser levels the mip chain's blur dominates the kernel's shape: a Gaussian of the same
       covariance serves, for less work a texel */
    if (li > 0 && f->bell && gaussian_sum(t, f, li, u, v, c00, c01, c11, r_rgba)) return;
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
    if (!shaped_sum(t, f, li, u, v, a, r_rgba)) bv__texture_tap(t, 0, u, v, r_rgba);
}
