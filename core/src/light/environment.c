/* The world's light for shading: spherical harmonics (order 2) for diffuse, GGX-prefiltered
 * equirectangular maps at a few roughnesses for glossy.
 *
 * Directions map to the environment image as Cycles' Environment Texture node maps them
 * (direction_to_equirectangular in src/kernel/camera/projection.h, the same in Cycles 3.4 and
 * 5.0): u = (atan2(y, x) - pi) / -2pi = 0.5 - atan2(y, x) / 2pi, v = (acos(z) - pi) / -pi =
 * 1 - acos(z) / pi. So +X is (0.5, 0.5), +Y (0.25, 0.5), -Y (0.75, 0.5), -X the seam u = 0 = 1,
 * +Z the top row (v = 1), -Z the bottom row (v = 0). The image is tapped as Cycles taps it (the
 * texture's interpolation and extension; Cycles uses REPEAT for this node) and its RGB is the
 * Color output, premultiplied, as bv__texture_tap gives it.
 *
 * Every map here uses that same (u, v) layout, row 0 at the bottom, texel centres at
 * (i + 0.5) / N. Steps:
 *  1. base: the radiance (colour x texture) averaged over each texel of a 512 x 256 map, from
 *     S x S taps per texel weighted by sin(colatitude) (exact box averages when the source is an
 *     integer multiple of 512 x 256, as 2048 x 1024 is);
 *  2. a mip chain of the base, each texel the solid-angle-weighted mean of its 2 x 2 children;
 *  3. SH: the base projected on the 9 real SH of order <= 2 with each texel's exact solid angle
 *     (2pi / W x (cos theta_top - cos theta_bottom)), convolved with the clamped cosine
 *     (Ramamoorthi and Hanrahan 2001: A0 = pi, A1 = 2pi/3, A2 = pi/4) and divided by pi;
 *  4. glossy levels: for each roughness level, every output texel r gets the normalised sum over
 *     the texels l of a mip (chosen so the lobe spans >= 3 of its texels) of
 *     D_GGX(h) x max(r.l, 0) x solid angle(l), h = normalize(r + l) (n = v = r: the split sum's
 *     first factor as Karis samples it, D(h)(n.h) / (4 v.h) = D(h) / 4 as the density of l,
 *     weighted by n.l), over l within the angle where tan(theta_h) <= 8 alpha (the GGX lobe
 *     beyond it holds 1 / (1 + 64) = 1.5% of its energy; the truncated kernel is renormalised,
 *     so no energy is lost or gained: it goes to the lobe's core).
 * Everything is a fixed loop over texels: deterministic, no random samples. */
#include "light/environment.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "texture_internal.h"

#define PI_D 3.14159265358979323846

#define BASE_WIDTH 512
#define BASE_HEIGHT 256
#define MIN_WIDTH 32   /* the smallest mip and glossy map */
#define MAX_OUTPUT_WIDTH 128
#define LOBE_TAN_LIMIT 8.0 /* the kernel's support: tan(theta_h) <= 8 alpha */
#define FWHM_TEXELS 3.0    /* a level's source mip has texels <= the lobe's width / 3 */

/* Roughness levels. alpha = roughness^2 sets the lobe's width, so levels are denser at low
 * roughness where width changes fastest: from 0.125 on, consecutive levels differ by at most
 * 2.25x in lobe width (0.125 -> 0.1875), 1.3 to 1.8x above. Shading blends the two levels around
 * a roughness; measured against prefiltering at that roughness directly (noise + a 500x sun),
 * the blend is off by 1 to 3% of the mean radiance midway between levels (2.8% at 0.156, 0.4% at
 * 0.94); between the mirror and 0.125 (lobes under 2.3 degrees wide, a few base texels) it is a
 * blend of sharp and slightly blurred. The levels above 0.5 cost about 1 ms each; 0.125 and
 * 0.1875 most (two thirds of the create time). */
static const float level_roughness[] = {0.0f,  0.125f, 0.1875f, 0.25f, 0.3125f, 0.375f,
                                        0.4375f, 0.5f, 0.625f, 0.75f, 0.875f, 1.0f};
#define LEVEL_COUNT ((int)(sizeof level_roughness / sizeof level_roughness[0]))
#define MAX_MIPS 8

typedef struct env_map {
    int width, height;
    float *rgb; /* width * height * 3 */
} env_map;

struct bv__environment {
    bool constant;
    float color[3];
    float sh[9][3]; /* irradiance / pi coefficients: diffuse(n) = sum sh[k] * Y_k(n) */
    env_map levels[LEVEL_COUNT];
    float *storage; /* owns every level's rgb */
};

/* Cycles' direction_to_equirectangular: (0, 0) for a zero direction, and for one with a NaN
 * (where Cycles' result is undefined). */
static void direction_to_uv(const float d[3], float *r_u, float *r_v)
{
    const float length = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (!(length > 0.0f) || !isfinite(length)) {
        *r_u = *r_v = 0.0f;
        return;
    }
    float z = d[2] / length;
    z = z > 1.0f ? 1.0f : (z < -1.0f ? -1.0f : z);
    *r_u = 0.5f - atan2f(d[1], d[0]) * (float)(0.5 / PI_D);
    *r_v = 1.0f - acosf(z) * (float)(1.0 / PI_D);
}

/* The unit direction at (u, v), the inverse of direction_to_uv. */
static void uv_to_direction(double u, double v, double r_d[3])
{
    const double phi = PI_D - 2.0 * PI_D * u, theta = PI_D * (1.0 - v);
    const double s = sin(theta);
    r_d[0] = s * cos(phi);
    r_d[1] = s * sin(phi);
    r_d[2] = cos(theta);
}

/* Solid angle of a texel of row j in a map of w x h. */
static double row_solid_angle(int j, int w, int h)
{
    return 2.0 * PI_D / (double)w * (cos(PI_D * (double)j / (double)h) - cos(PI_D * (double)(j + 1) / (double)h));
}

/* Real SH of order <= 2 at unit direction d (the usual ordering: 00, 1-1, 10, 11, 2-2, 2-1, 20,
 * 21, 22). */
static void sh_basis(const double d[3], double r_y[9])
{
    const double x = d[0], y = d[1], z = d[2];
    r_y[0] = 0.282094791773878;
    r_y[1] = 0.488602511902920 * y;
    r_y[2] = 0.488602511902920 * z;
    r_y[3] = 0.488602511902920 * x;
    r_y[4] = 1.092548430592079 * x * y;
    r_y[5] = 1.092548430592079 * y * z;
    r_y[6] = 0.315391565252520 * (3.0 * z * z - 1.0);
    r_y[7] = 1.092548430592079 * x * z;
    r_y[8] = 0.546274215296040 * (x * x - y * y);
}

/* Bilinear RGB of a map at (u, v): wrapping in longitude, clamped at the poles. */
static void map_sample(const env_map *map, float u, float v, float r_rgb[3])
{
    const int w = map->width, h = map->height;
    float x = u * (float)w - 0.5f, y = v * (float)h - 0.5f;
    float fx0 = floorf(x);
    const float fx = x - fx0;
    int ix = (int)fx0 % w;
    if (ix < 0) ix += w;
    const int ix1 = ix + 1 == w ? 0 : ix + 1;
    if (!(y > 0.0f)) y = 0.0f; /* also catches NaN */
    if (y > (float)(h - 1)) y = (float)(h - 1);
    int iy = (int)y;
    if (iy > h - 2) iy = h - 2;
    const float fy = y - (float)iy;
    const float *a = map->rgb + 3 * ((size_t)iy * (size_t)w + (size_t)ix);
    const float *b = map->rgb + 3 * ((size_t)iy * (size_t)w + (size_t)ix1);
    const float *c = a + 3 * (size_t)w, *d = b + 3 * (size_t)w;
    for (int k = 0; k < 3; k++) {
        const float bottom = a[k] + (b[k] - a[k]) * fx;
        const float top = c[k] + (d[k] - c[k]) * fx;
        r_rgb[k] = bottom + (top - bottom) * fy;
    }
}

/* 1. The base map: colour x the texture's radiance averaged over each texel. */
static void build_base(const bv_world *world, env_map *base)
{
    const bv_texture *texture = world->environment;
    const int w = base->width, h = base->height;
    const int tw = texture->levels[0].width, th = texture->levels[0].height;
    const int sx = tw > w ? (tw + w - 1) / w : 1, sy = th > h ? (th + h - 1) / h : 1;
    for (int j = 0; j < h; j++) {
        for (int i = 0; i < w; i++) {
            double sum[3] = {0.0, 0.0, 0.0}, weight = 0.0;
            for (int b = 0; b < sy; b++) {
                const double v = ((double)j + ((double)b + 0.5) / (double)sy) / (double)h;
                const double wv = sin(PI_D * (1.0 - v));
                for (int a = 0; a < sx; a++) {
                    const double u = ((double)i + ((double)a + 0.5) / (double)sx) / (double)w;
                    float rgba[4];
                    bv__texture_tap_base(texture, (float)u, (float)v, rgba);
                    for (int k = 0; k < 3; k++) sum[k] += wv * (double)rgba[k];
                    weight += wv;
                }
            }
            float *out = base->rgb + 3 * ((size_t)j * (size_t)w + (size_t)i);
            for (int k = 0; k < 3; k++) out[k] = (float)((double)world->color[k] * sum[k] / weight);
        }
    }
}

/* 2. A half-size map: each texel the solid-angle-weighted mean of its 2 x 2 children. */
static void downsample(const env_map *fine, env_map *coarse)
{
    const int w = coarse->width, h = coarse->height;
    for (int j = 0; j < h; j++) {
        const double w0 = row_solid_angle(2 * j, fine->width, fine->height);
        const double w1 = row_solid_angle(2 * j + 1, fine->width, fine->height);
        for (int i = 0; i < w; i++) {
            const float *a = fine->rgb + 3 * ((size_t)(2 * j) * (size_t)fine->width + (size_t)(2 * i));
            const float *c = a + 3 * (size_t)fine->width;
            float *out = coarse->rgb + 3 * ((size_t)j * (size_t)w + (size_t)i);
            for (int k = 0; k < 3; k++)
                out[k] = (float)((w0 * ((double)a[k] + a[3 + k]) + w1 * ((double)c[k] + c[3 + k])) /
                                 (2.0 * (w0 + w1)));
        }
    }
}

/* 3. SH projection of a map, convolved with the clamped cosine, divided by pi. */
static void project_sh(const env_map *map, float r_sh[9][3])
{
    static const double band_scale[9] = {1.0, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 0.25, 0.25, 0.25, 0.25, 0.25};
    double acc[9][3];
    memset(acc, 0, sizeof acc);
    const int w = map->width, h = map->height;
    for (int j = 0; j < h; j++) {
        const double omega = row_solid_angle(j, w, h);
        double row[9][3];
        memset(row, 0, sizeof row);
        for (int i = 0; i < w; i++) {
            double d[3], y[9];
            uv_to_direction(((double)i + 0.5) / (double)w, ((double)j + 0.5) / (double)h, d);
            sh_basis(d, y);
            const float *p = map->rgb + 3 * ((size_t)j * (size_t)w + (size_t)i);
            for (int m = 0; m < 9; m++)
                for (int k = 0; k < 3; k++) row[m][k] += y[m] * (double)p[k];
        }
        for (int m = 0; m < 9; m++)
            for (int k = 0; k < 3; k++) acc[m][k] += omega * row[m][k];
    }
    /* irradiance = sum A_l L_lm Y_lm; A_l / pi = 1, 2/3, 1/4 */
    for (int m = 0; m < 9; m++)
        for (int k = 0; k < 3; k++) r_sh[m][k] = (float)(band_scale[m] * acc[m][k]);
}

/* The kernel's sum over columns [i0, i1) of one source row: c = r.l = a cos(phi) + b sin(phi) + cz
 * for the row's texels, weight c / dd^2 where c >= cos_max, dd = (1 - c) / 2 + a2 (1 + c) / 2
 * (D_GGX(h) up to a constant: 1 / ((n.h)^2 (a2 - 1) + 1)^2 with (n.h)^2 = (1 + c) / 2). Branch
 * free, so that the compiler can vectorise it. */
static void row_sum(const float *rgb, const float *cos_phi, const float *sin_phi, int i0, int i1,
                    float a, float b, float cz, float cos_max, float a2, float r_sum[4])
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, sw = 0.0f;
    for (int i = i0; i < i1; i++) {
        const float c = a * cos_phi[i] + b * sin_phi[i] + cz;
        const float dd = 0.5f * (1.0f - c) + a2 * 0.5f * (1.0f + c);
        const float k = c >= cos_max ? c / (dd * dd) : 0.0f;
        s0 += k * rgb[3 * i];
        s1 += k * rgb[3 * i + 1];
        s2 += k * rgb[3 * i + 2];
        sw += k;
    }
    r_sum[0] += s0;
    r_sum[1] += s1;
    r_sum[2] += s2;
    r_sum[3] += sw;
}

/* 4. One glossy level: `source` prefiltered by the GGX lobe of alpha into `out`. `rows` holds
 * 4 * source->height doubles, `columns` 2 * source->width floats of scratch. */
static void prefilter(const env_map *source, double alpha, env_map *out, double *rows, float *columns)
{
    const int sw = source->width, sh = source->height;
    const float a2 = (float)(alpha * alpha);
    double theta_max = 2.0 * atan(LOBE_TAN_LIMIT * alpha);
    const double texel_angle = PI_D / (double)sh;
    if (theta_max < 1.5 * texel_angle) theta_max = 1.5 * texel_angle;
    if (theta_max > 0.5 * PI_D) theta_max = 0.5 * PI_D;
    const double cos_max = cos(theta_max);
    /* cos_max > 0 at most 1e-6 (n.l > 0 keeps the lobe in r's hemisphere) */
    const float cos_max_f = cos_max > 1e-6 ? (float)cos_max : 1e-6f;
    /* per source row: colatitude, cos, sin, solid angle; per column: cos and sin of longitude */
    for (int j = 0; j < sh; j++) {
        const double theta = PI_D * (1.0 - ((double)j + 0.5) / (double)sh);
        rows[4 * j + 0] = theta;
        rows[4 * j + 1] = cos(theta);
        rows[4 * j + 2] = sin(theta);
        rows[4 * j + 3] = row_solid_angle(j, sw, sh);
    }
    float *cos_phi = columns, *sin_phi = columns + sw;
    for (int i = 0; i < sw; i++) {
        const double phi = PI_D - 2.0 * PI_D * ((double)i + 0.5) / (double)sw;
        cos_phi[i] = (float)cos(phi);
        sin_phi[i] = (float)sin(phi);
    }
    const int ow = out->width, oh = out->height;
    for (int oj = 0; oj < oh; oj++) {
        const double v = ((double)oj + 0.5) / (double)oh, theta_r = PI_D * (1.0 - v);
        const double cos_r = cos(theta_r), sin_r = sin(theta_r);
        for (int oi = 0; oi < ow; oi++) {
            const double u = ((double)oi + 0.5) / (double)ow;
            double r[3];
            uv_to_direction(u, v, r);
            double sum[3] = {0.0, 0.0, 0.0}, weight = 0.0;
            for (int j = 0; j < sh; j++) {
                const double theta = rows[4 * j];
                if (fabs(theta - theta_r) > theta_max) continue;
                const double cos_t = rows[4 * j + 1], sin_t = rows[4 * j + 2], omega = rows[4 * j + 3];
                /* the longitudes of this row within theta_max of r, with a texel of margin each
                   side (the kernel's test on c decides) */
                int i0 = 0, count = sw;
                const double denom = sin_t * sin_r;
                if (denom > 1e-12) {
                    const double cos_dphi = (cos_max - cos_t * cos_r) / denom;
                    if (cos_dphi > 1.0) continue;
                    if (cos_dphi > -1.0) {
                        const double du = acos(cos_dphi) / (2.0 * PI_D);
                        const double lo = (u - du) * (double)sw - 0.5, hi = (u + du) * (double)sw - 0.5;
                        i0 = (int)floor(lo);
                        count = (int)floor(hi) - i0 + 2;
                        if (count > sw) {
                            i0 = 0;
                            count = sw;
                        }
                    }
                }
                i0 %= sw;
                if (i0 < 0) i0 += sw;
                const float *row = source->rgb + 3 * (size_t)j * (size_t)sw;
                const float a = (float)(sin_t * r[0]), b = (float)(sin_t * r[1]), cz = (float)(cos_t * r[2]);
                float rs[4] = {0.0f, 0.0f, 0.0f, 0.0f};
                const int first_end = i0 + count < sw ? i0 + count : sw;
                row_sum(row, cos_phi, sin_phi, i0, first_end, a, b, cz, cos_max_f, a2, rs);
                if (i0 + count > sw) row_sum(row, cos_phi, sin_phi, 0, i0 + count - sw, a, b, cz, cos_max_f, a2, rs);
                for (int k = 0; k < 3; k++) sum[k] += omega * (double)rs[k];
                weight += omega * (double)rs[3];
            }
            float *o = out->rgb + 3 * ((size_t)oj * (size_t)ow + (size_t)oi);
            for (int k = 0; k < 3; k++) o[k] = weight > 0.0 ? (float)(sum[k] / weight) : 0.0f;
        }
    }
}

static bool finite3(const float c[3])
{
    return isfinite(c[0]) && isfinite(c[1]) && isfinite(c[2]);
}

bv_status bv__environment_create(const bv_world *world, bv__environment **r_environment)
{
    if (!r_environment) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: no place for the environment");
    *r_environment = NULL;
    if (!world) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: no world");
    if (!finite3(world->color))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: world.color has a NaN or infinite value");
    if (world->color[0] < 0.0f || world->color[1] < 0.0f || world->color[2] < 0.0f)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: world.color is negative (%g, %g, %g)",
                        (double)world->color[0], (double)world->color[1], (double)world->color[2]);

    bv_status status = BV_OK;
    bv__environment *env = NULL;
    float *mip_storage = NULL;
    double *scratch = NULL;
    float *columns = NULL;

    env = bv__alloc_array(1, sizeof *env);
    if (!env) {
        status = bv__fail(BV_ERROR_OUT_OF_MEMORY, "lighting: out of memory for the environment");
        goto cleanup;
    }
    memset(env, 0, sizeof *env);
    memcpy(env->color, world->color, sizeof env->color);
    if (!world->environment) {
        /* A constant: L00 = c sqrt(4 pi), the other coefficients 0; diffuse = c exactly. */
        env->constant = true;
        *r_environment = env;
        env = NULL;
        goto cleanup;
    }

    /* Level sizes: level 0 is the base; each other level integrates over the first mip whose
       texels are <= the lobe's width / FWHM_TEXELS (the GGX lobe's half-maximum width in r is
       about 2.6 alpha radians) and is stored at that mip's size, at most MAX_OUTPUT_WIDTH. */
    int source_mip[LEVEL_COUNT];
    size_t level_floats = 0;
    for (int l = 0; l < LEVEL_COUNT; l++) {
        int w = BASE_WIDTH, mip = 0;
        if (l > 0) {
            const double alpha = (double)level_roughness[l] * (double)level_roughness[l];
            const double want = 2.6 * alpha / FWHM_TEXELS; /* texel angle wanted */
            while (w > MIN_WIDTH && 2.0 * PI_D / (double)(w / 2) <= want) {
                w /= 2;
                mip++;
            }
            if (w > MAX_OUTPUT_WIDTH) w = MAX_OUTPUT_WIDTH;
        }
        source_mip[l] = mip;
        env->levels[l].width = w;
        env->levels[l].height = w / 2;
        level_floats += (size_t)w * (size_t)(w / 2) * 3;
    }
    env->storage = bv__alloc_array(level_floats, sizeof(float));
    /* mips 1.. of the base: 256 x 128 down to MIN_WIDTH */
    env_map mips[MAX_MIPS];
    int mip_count = 1;
    size_t mip_floats = 0;
    for (int w = BASE_WIDTH / 2; w >= MIN_WIDTH; w /= 2) mip_floats += (size_t)w * (size_t)(w / 2) * 3;
    mip_storage = bv__alloc_array(mip_floats, sizeof(float));
    scratch = bv__alloc_array(4 * BASE_HEIGHT, sizeof(double));
    columns = bv__alloc_array(2 * BASE_WIDTH, sizeof(float));
    if (!env->storage || !mip_storage || !scratch || !columns) {
        status = bv__fail(BV_ERROR_OUT_OF_MEMORY, "lighting: out of memory for the environment's maps");
        goto cleanup;
    }
    float *p = env->storage;
    for (int l = 0; l < LEVEL_COUNT; l++) {
        env->levels[l].rgb = p;
        p += (size_t)env->levels[l].width * (size_t)env->levels[l].height * 3;
    }

    mips[0] = env->levels[0];
    build_base(world, &mips[0]);
    p = mip_storage;
    for (int w = BASE_WIDTH / 2; w >= MIN_WIDTH; w /= 2) {
        mips[mip_count] = (env_map){w, w / 2, p};
        p += (size_t)w * (size_t)(w / 2) * 3;
        downsample(&mips[mip_count - 1], &mips[mip_count]);
        mip_count++;
    }
    project_sh(&mips[0], env->sh);
    for (int l = 1; l < LEVEL_COUNT; l++) {
        const double alpha = (double)level_roughness[l] * (double)level_roughness[l];
        prefilter(&mips[source_mip[l]], alpha, &env->levels[l], scratch, columns);
    }
    *r_environment = env;
    env = NULL;

cleanup:
    BV_FREE(columns);
    BV_FREE(scratch);
    BV_FREE(mip_storage);
    bv__environment_destroy(env);
    return status;
}

void bv__environment_destroy(bv__environment *environment)
{
    if (!environment) return;
    BV_FREE(environment->storage);
    BV_FREE(environment);
}

void bv__environment_diffuse(const bv__environment *environment, const float n[3], float r_rgb[3])
{
    if (environment->constant) {
        memcpy(r_rgb, environment->color, 3 * sizeof(float));
        return;
    }
    const float x = n[0], y = n[1], z = n[2];
    const float basis[9] = {
        0.282094792f,        0.488602512f * y,     0.488602512f * z,
        0.488602512f * x,    1.092548431f * x * y, 1.092548431f * y * z,
        0.315391565f * (3.0f * z * z - 1.0f), 1.092548431f * x * z, 0.546274215f * (x * x - y * y),
    };
    for (int k = 0; k < 3; k++) {
        float e = 0.0f;
        for (int m = 0; m < 9; m++) e += environment->sh[m][k] * basis[m];
        r_rgb[k] = e > 0.0f ? e : 0.0f; /* order-2 ringing can dip below 0 opposite a small light */
    }
}

void bv__environment_specular(const bv__environment *environment, const float r[3], float roughness,
                              float r_rgb[3])
{
    if (environment->constant) {
        memcpy(r_rgb, environment->color, 3 * sizeof(float));
        return;
    }
    float u, v;
    direction_to_uv(r, &u, &v);
    if (!(roughness > 0.0f)) roughness = 0.0f;
    if (roughness > 1.0f) roughness = 1.0f;
    int l = 0;
    while (l + 2 < LEVEL_COUNT && roughness > level_roughness[l + 1]) l++;
    const float t = (roughness - level_roughness[l]) / (level_roughness[l + 1] - level_roughness[l]);
    float a[3];
    map_sample(&environment->levels[l], u, v, a);
    if (t <= 0.0f) {
        memcpy(r_rgb, a, sizeof a);
        return;
    }
    float b[3];
    map_sample(&environment->levels[l + 1], u, v, b);
    for (int k = 0; k < 3; k++) r_rgb[k] = a[k] + (b[k] - a[k]) * t;
}
