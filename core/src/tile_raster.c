/* A tile's rasterisation: every triangle of its bin into the deferred sample buffer (the depth
 * key and primitive of each sample), the nearest winning and, among equals, the first drawn.
 * Edge functions are exact integers (raster.h), so neighbouring triangles cover each sample
 * exactly once; the two paths below give the same coverage and the same keys. */
#include <math.h>
#include <string.h>

#include "render_internal.h"

/* A column estimate clamped to [lo, hi] before it becomes an int (out-of-range conversions are
 * undefined). */
static inline int clamp_column(double column, int lo, int hi)
{
    return column <= (double)lo ? lo : (column >= (double)hi ? hi : (int)column);
}

/* The depth key as a function of a sample's unbiased edge values E1 and E2 (its barycentrics
 * times area2): key0 + E1 * slope1 + E2 * slope2, in this order, in float. Both paths below
 * compute it so from exact integers, so a sample's key does not depend on the path. */
typedef struct bv__depth_plane {
    float key0, slope1, slope2;
    int64_t bias1, bias2; /* add to a biased edge value to unbias it */
} bv__depth_plane;

/* Any triangle, on any grid: a row at a time, each row's span estimated in floating point and
 * every sample in it decided by the exact 64-bit edge functions. Samples x0 .. x1, rows y0 .. y1
 * of the window. */
static void raster_rows(const bv__render *r, bv__scratch *s, const bv__window *w, uint32_t prim,
                        const bv__triangle *t, const bv__depth_plane *depth, int x0, int x1, int y0, int y1,
                        bool cutout)
{
    const int64_t step = r->grid.step;
    const double inv_a[3] = {t->a[0] ? 1.0 / (double)t->a[0] : 0.0, t->a[1] ? 1.0 / (double)t->a[1] : 0.0,
                             t->a[2] ? 1.0 / (double)t->a[2] : 0.0};
    const double columns_per_unit = (double)r->grid.n / BV__SUBPIXEL_ONE;
    const int64_t x_origin = s->column_x[0];
    for (int sy = y0; sy <= y1; sy++) {
        const int64_t y = bv__sample_coord(&r->grid, sy);
        const int64_t row[3] = {t->b[0] * y + t->c_biased[0], t->b[1] * y + t->c_biased[1],
                                t->b[2] * y + t->c_biased[2]};
        /* the row's span inside all three edges, estimated in floating point and widened by a
           column each side; the exact integer test below decides every sample */
        double lo = -1e300, hi = 1e300;
        bool empty = false;
        for (int k = 0; k < 3; k++) {
            const double bound = -(double)row[k] * inv_a[k]; /* fmin/fmax would be libm calls */
            if (t->a[k] > 0) lo = bound > lo ? bound : lo;
            else if (t->a[k] < 0) hi = bound < hi ? bound : hi;
            else empty = empty || row[k] < 0;
        }
        if (empty || lo > hi) continue;
        /* truncation toward zero plus the margin of a column stays conservative (floor/ceil
           would be libm calls without SSE4.1) */
        const double first = (lo - (double)x_origin) * columns_per_unit - 1.0;
        const double last = (hi - (double)x_origin) * columns_per_unit + 1.0;
        const int i0 = clamp_column(first, x0 - w->sx0, x1 - w->sx0 + 1);
        const int i1 = clamp_column(last, x0 - w->sx0 - 1, x1 - w->sx0);
        if (i0 > i1) continue;
        const size_t base = (size_t)(sy - w->sy0) * (size_t)w->sw;
        float *keys = s->key + base;
        uint32_t *prims = s->prim + base;
        const int64_t x_first = s->column_x[i0];
        int64_t e0 = t->a[0] * x_first + row[0], e1 = t->a[1] * x_first + row[1], e2 = t->a[2] * x_first + row[2];
        const int64_t d0 = t->a[0] * step, d1 = t->a[1] * step, d2 = t->a[2] * step;
        for (int i = i0; i <= i1; i++, e0 += d0, e1 += d1, e2 += d2) {
            if (!step) { /* irregular grid (n not a power of two): evaluate at the column */
                const int64_t x = s->column_x[i];
                e0 = t->a[0] * x + row[0], e1 = t->a[1] * x + row[1], e2 = t->a[2] * x + row[2];
            }
            if ((e0 | e1 | e2) < 0) continue;
            const float q = depth->key0 + (float)(e1 + depth->bias1) * depth->slope1 +
                            (float)(e2 + depth->bias2) * depth->slope2;
            /* a cut-out mesh's samples of zero alpha are holes: what is behind shows */
            if (q > keys[i] &&
                !(cutout && bv__prim_alpha(r, prim, s->column_ndc[i],
                                           (double)y / (BV__SUBPIXEL_ONE * 0.5 * r->height) - 1.0) <= 0.0f)) {
                keys[i] = q;
                prims[i] = prim;
            }
        }
    }
}

/* Eight samples at a time, as GCC / Clang vector extensions: the same operations whichever CPU
 * runs them (two SSE halves or one AVX register), so every build gives the same bits. */
typedef int32_t bv__v8i __attribute__((vector_size(32)));
typedef uint32_t bv__v8u __attribute__((vector_size(32)));
typedef float bv__v8f __attribute__((vector_size(32)));
#define BV__LANES 8
_Static_assert(BV__SCRATCH_SPARE >= BV__LANES - 1, "a vector may reach BV__LANES - 1 samples past the last");

/* The largest |E| of an edge function on a rectangle of fixed-point positions: at a corner. */
static int64_t edge_reach(int64_t a, int64_t b, int64_t c, int64_t x0, int64_t x1, int64_t y0, int64_t y1)
{
    int64_t reach = 0;
    const int64_t xs[2] = {x0, x1}, ys[2] = {y0, y1};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            const int64_t e = a * xs[i] + b * ys[j] + c;
            const int64_t magnitude = e < 0 ? -e : e;
            reach = magnitude > reach ? magnitude : reach;
        }
    return reach;
}

/* A triangle whose edge functions fit in 32 bits over its box (almost every triangle of a
 * detailed mesh): the whole box, eight samples at a time, with every edge function stepped
 * exactly in integers and the depth key computed per sample from them. A short row costs a
 * vector or two instead of a span estimate. False, with nothing done, if they do not fit.
 * Needs a regular grid (r->grid.step). Samples x0 .. x1, rows y0 .. y1 of the window. */
static bool raster_box(const bv__render *r, bv__scratch *s, const bv__window *w, uint32_t prim,
                       const bv__triangle *t, const bv__depth_plane *depth, int x0, int x1, int y0,
                       int y1)
{
    const int64_t step = r->grid.step;
    const int i0 = x0 - w->sx0, last = x1 - w->sx0;
    const int chunks = (last - i0) / BV__LANES + 1;
    /* every value the steps reach, one chunk and one row past the end included, must fit with
       room to spare for the top-left bias and the column and row steps themselves */
    const int64_t fx0 = s->column_x[i0], fx1 = fx0 + (int64_t)((chunks + 1) * BV__LANES) * step;
    const int64_t fy0 = bv__sample_coord(&r->grid, y0), fy1 = fy0 + (int64_t)(y1 - y0 + 1) * step;
    for (int k = 0; k < 3; k++)
        if (edge_reach(t->a[k], t->b[k], t->c[k], fx0, fx1, fy0, fy1) >= INT32_MAX / 2) return false;
    const int32_t bias1 = (int32_t)depth->bias1, bias2 = (int32_t)depth->bias2;
    int32_t first[3], dx[3], dy[3]; /* at the box's first sample; steps to the next column, row */
    for (int k = 0; k < 3; k++) {
        first[k] = (int32_t)(t->a[k] * fx0 + t->b[k] * fy0 + t->c_biased[k]);
        dx[k] = (int32_t)(t->a[k] * step);
        dy[k] = (int32_t)(t->b[k] * step);
    }
    const int32_t along[3] = {dx[0] * BV__LANES, dx[1] * BV__LANES, dx[2] * BV__LANES};
    const bv__v8i lane = {0, 1, 2, 3, 4, 5, 6, 7}, zero = {0};
    bv__v8i row0 = first[0] + lane * dx[0], row1 = first[1] + lane * dx[1], row2 = first[2] + lane * dx[2];
    const bv__v8i columns_left = zero + (last - i0);
    const bv__v8u id = (bv__v8u)zero + prim;
    for (int sy = y0; sy <= y1; sy++) {
        const size_t base = (size_t)(sy - w->sy0) * (size_t)w->sw + (size_t)i0;
        float *keys = s->key + base;
        uint32_t *prims = s->prim + base;
        bv__v8i e0 = row0, e1 = row1, e2 = row2;
        for (int c = 0; c < chunks; c++) {
            const int o = c * BV__LANES;
            /* lanes past the box read and write back what is there: at the end of the last row
               that is the buffers' spare samples (BV__SCRATCH_SPARE) */
            const bv__v8i inside = ((e0 | e1 | e2) >= 0) & (lane + o <= columns_left);
            const bv__v8f q = depth->key0 + __builtin_convertvector(e1 + bias1, bv__v8f) * depth->slope1 +
                              __builtin_convertvector(e2 + bias2, bv__v8f) * depth->slope2;
            bv__v8f old_key;
            bv__v8u old_prim;
            memcpy(&old_key, keys + o, sizeof old_key);
            memcpy(&old_prim, prims + o, sizeof old_prim);
            const bv__v8i nearer = inside & (q > old_key);
            const bv__v8i new_key = ((bv__v8i)q & nearer) | ((bv__v8i)old_key & ~nearer);
            const bv__v8u new_prim = (id & (bv__v8u)nearer) | (old_prim & ~(bv__v8u)nearer);
            memcpy(keys + o, &new_key, sizeof new_key);
            memcpy(prims + o, &new_prim, sizeof new_prim);
            e0 += along[0], e1 += along[1], e2 += along[2];
        }
        row0 += dy[0], row1 += dy[1], row2 += dy[2];
    }
    return true;
}

static void raster_triangle(const bv__render *r, bv__scratch *s, const bv__window *w, uint32_t prim,
                            const int64_t fx[3], const int64_t fy[3], const float key[3], bool cutout)
{
    bv__triangle t;
    if (!bv__triangle_setup(&r->grid, fx, fy, &t)) return;
    const int x0 = t.sx0 > w->sx0 ? t.sx0 : w->sx0;
    const int x1 = t.sx1 < w->sx0 + w->sw - 1 ? t.sx1 : w->sx0 + w->sw - 1;
    const int y0 = t.sy0 > w->sy0 ? t.sy0 : w->sy0;
    const int y1 = t.sy1 < w->sy0 + w->sh - 1 ? t.sy1 : w->sy0 + w->sh - 1;
    if (x0 > x1 || y0 > y1) return;
    const float inv_area = (float)(1.0 / (double)t.area2);
    const bv__depth_plane depth = {key[0], (key[1] - key[0]) * inv_area, (key[2] - key[0]) * inv_area,
                                   t.c[1] - t.c_biased[1], t.c[2] - t.c_biased[2]};
    if (!cutout && r->grid.step && raster_box(r, s, w, prim, &t, &depth, x0, x1, y0, y1)) return;
    raster_rows(r, s, w, prim, &t, &depth, x0, x1, y0, y1, cutout);
}

BV__TILE_CLONES void bv__raster_tile(const bv__render *r, bv__scratch *s, const bv__window *w, int tile)
{
    const size_t samples = (size_t)w->sw * (size_t)w->sh;
    for (size_t i = 0; i < samples; i++) {
        s->key[i] = -INFINITY;
        s->prim[i] = BV__PRIM_NONE;
    }
    for (size_t i = r->bin_start[tile]; i < r->bin_start[tile + 1]; i++) {
        const uint32_t prim = r->bin_prims[i];
        int64_t fx[BV__CLIP_MAX_VERTICES], fy[BV__CLIP_MAX_VERTICES];
        float key[BV__CLIP_MAX_VERTICES];
        int count;
        const bool cutout = r->any_coverage && bv__mesh_cutout(r, bv__mesh_of_prim(r, prim)->mesh);
        if (r->tris[prim].state == BV__TRI_DIRECT) {
            const bv__mesh_state *ms = bv__mesh_of_prim(r, prim);
            const uint32_t *tri = ms->mesh->triangles.ptr + 3 * (size_t)(prim - ms->triangle_base);
            for (int k = 0; k < 3; k++) {
                const bv__vertex *v = &r->vertices[ms->vertex_base + tri[k]];
                fx[k] = v->fx;
                fy[k] = v->fy;
                key[k] = v->key;
            }
            count = 3;
        } else {
            count = bv__clip_polygon(r, prim, fx, fy, key);
        }
        for (int k = 1; k + 1 < count; k++) { /* fan of the clipped polygon */
            const int64_t tx[3] = {fx[0], fx[k], fx[k + 1]}, ty[3] = {fy[0], fy[k], fy[k + 1]};
            const float tk[3] = {key[0], key[k], key[k + 1]};
            raster_triangle(r, s, w, prim, tx, ty, tk, cutout);
        }
    }
}

