/* One tile of a view: rasterise the tile's triangles into a deferred sample buffer (depth key +
 * primitive id), shade each sample once, reconstruct pixels with the filter, and read the data
 * passes at each pixel's centre sample. A tile reads only its own bin and writes only its own
 * pixels, so the image is the same whichever worker renders it. */
#include <math.h>
#include <string.h>

#include "render_internal.h"
#include "texture_internal.h"

/* A tile's sample window: columns sx0 .. sx0 + sw - 1, rows sy0 .. sy0 + sh - 1. */
typedef struct bv__window {
    int px0, py0, tw, th; /* output pixels */
    int sx0, sy0, sw, sh; /* samples */
} bv__window;

/* What shading needs of a primitive, cached while consecutive samples hit the same one. */
typedef struct bv__prim_cache {
    uint32_t prim;
    const bv__mesh_state *ms;
    uint32_t local;
    double plane[3][3]; /* barycentric b_i ~ plane[i] . (x_ndc, y_ndc, 1) */
    bool backfacing;
    float uv[6];        /* corner UVs, if the mesh has them */
} bv__prim_cache;

/* Index of corner k of the cached primitive in per-corner arrays (uvs, normals). */
static size_t corner_index(const bv__prim_cache *c, int k)
{
    const bv_mesh *m = c->ms->mesh;
    return m->loops.count ? m->loops.ptr[3 * (size_t)c->local + (size_t)k] : 3 * (size_t)c->local + (size_t)k;
}

static void corner_uvs(const bv__prim_cache *c, float r_uv[6])
{
    for (int k = 0; k < 3; k++) {
        const float *uv = c->ms->mesh->uvs.ptr + 2 * corner_index(c, k);
        r_uv[2 * k] = uv[0];
        r_uv[2 * k + 1] = uv[1];
    }
}

static void cache_prim(const bv__render *r, uint32_t prim, bv__prim_cache *c)
{
    if (c->ms && c->prim == prim) return;
    c->prim = prim;
    c->ms = bv__mesh_of_prim(r, prim);
    c->local = prim - c->ms->triangle_base;
    const uint32_t *tri = c->ms->mesh->triangles.ptr + 3 * (size_t)c->local;
    double v[3][3];
    for (int k = 0; k < 3; k++) {
        const float *clip = r->vertices[c->ms->vertex_base + tri[k]].clip;
        v[k][0] = clip[0];
        v[k][1] = clip[1];
        v[k][2] = clip[3];
    }
    /* rows of the inverse of [v0 v1 v2] up to scale: homogeneous barycentrics (Olano & Greer),
       valid whatever the signs of w */
    for (int i = 0; i < 3; i++) {
        const double *a = v[(i + 1) % 3], *b = v[(i + 2) % 3];
        c->plane[i][0] = a[1] * b[2] - a[2] * b[1];
        c->plane[i][1] = a[2] * b[0] - a[0] * b[2];
        c->plane[i][2] = a[0] * b[1] - a[1] * b[0];
    }
    const double det = c->plane[0][0] * v[0][0] + c->plane[0][1] * v[0][1] + c->plane[0][2] * v[0][2];
    c->backfacing = (det < 0.0) != c->ms->negative_scale;
    if (c->ms->mesh->uvs.count) corner_uvs(c, c->uv);
}

/* Perspective-correct barycentrics at an NDC position; false for a degenerate primitive. */
static bool barycentrics(const bv__prim_cache *c, double x, double y, float r_b[3], double r_u[3])
{
    double sum = 0.0;
    for (int i = 0; i < 3; i++) {
        r_u[i] = c->plane[i][0] * x + c->plane[i][1] * y + c->plane[i][2];
        sum += r_u[i];
    }
    if (sum == 0.0) return false;
    const double inv = 1.0 / sum;
    for (int i = 0; i < 3; i++) r_b[i] = (float)(r_u[i] * inv);
    return true;
}

static void raster_triangle(const bv__render *r, bv__scratch *s, const bv__window *w, uint32_t prim,
                            const int64_t fx[3], const int64_t fy[3], const float key[3])
{
    bv__triangle t;
    if (!bv__triangle_setup(&r->grid, fx, fy, &t)) return;
    const int x0 = t.sx0 > w->sx0 ? t.sx0 : w->sx0;
    const int x1 = t.sx1 < w->sx0 + w->sw - 1 ? t.sx1 : w->sx0 + w->sw - 1;
    const int y0 = t.sy0 > w->sy0 ? t.sy0 : w->sy0;
    const int y1 = t.sy1 < w->sy0 + w->sh - 1 ? t.sy1 : w->sy0 + w->sh - 1;
    if (x0 > x1 || y0 > y1) return;
    const float inv_area = (float)(1.0 / (double)t.area2);
    const float dk1 = key[1] - key[0], dk2 = key[2] - key[0];
    const int64_t bias1 = t.c[1] - t.c_biased[1], bias2 = t.c[2] - t.c_biased[2];
    for (int sy = y0; sy <= y1; sy++) {
        const int64_t y = bv__sample_coord(&r->grid, sy);
        const int64_t row0 = t.b[0] * y + t.c_biased[0];
        const int64_t row1 = t.b[1] * y + t.c_biased[1];
        const int64_t row2 = t.b[2] * y + t.c_biased[2];
        const size_t base = (size_t)(sy - w->sy0) * (size_t)w->sw;
        float *keys = s->key + base;
        uint32_t *prims = s->prim + base;
        for (int i = x0 - w->sx0; i <= x1 - w->sx0; i++) {
            const int64_t x = s->column_x[i];
            const int64_t e0 = t.a[0] * x + row0, e1 = t.a[1] * x + row1, e2 = t.a[2] * x + row2;
            if ((e0 | e1 | e2) < 0) continue;
            const float l1 = (float)(e1 + bias1) * inv_area, l2 = (float)(e2 + bias2) * inv_area;
            const float q = key[0] + l1 * dk1 + l2 * dk2;
            if (q > keys[i]) {
                keys[i] = q;
                prims[i] = prim;
            }
        }
    }
}

static void raster_bin(const bv__render *r, bv__scratch *s, const bv__window *w, int tile)
{
    for (size_t i = r->bin_start[tile]; i < r->bin_start[tile + 1]; i++) {
        const uint32_t prim = r->bin_prims[i];
        int64_t fx[BV__CLIP_MAX_VERTICES], fy[BV__CLIP_MAX_VERTICES];
        float key[BV__CLIP_MAX_VERTICES];
        int count;
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
            raster_triangle(r, s, w, prim, tx, ty, tk);
        }
    }
}

static double ndc_x(const bv__render *r, int64_t fixed)
{
    return (double)fixed / (BV__SUBPIXEL_ONE * 0.5 * r->width) - 1.0;
}

static double ndc_y(const bv__render *r, int64_t fixed)
{
    return (double)fixed / (BV__SUBPIXEL_ONE * 0.5 * r->height) - 1.0;
}

static void interpolate_uv(const bv__prim_cache *c, const float b[3], float r_uv[2])
{
    const float *uv = c->uv;
    r_uv[0] = b[0] * uv[0] + b[1] * uv[2] + b[2] * uv[4];
    r_uv[1] = b[0] * uv[1] + b[1] * uv[3] + b[2] * uv[5];
}

/* Mip level for one sample: the texel footprint of one sample step, from the derivatives of the
 * homogeneous barycentrics. */
static float sample_lod(const bv__render *r, const bv__prim_cache *c, const float b[3],
                        const double u[3])
{
    const bv_texture *tex = c->ms->mesh->texture;
    const float *uv = c->uv;
    const double sum = u[0] + u[1] + u[2];
    const double step_x = 2.0 / ((double)r->width * r->grid.n);
    const double step_y = 2.0 / ((double)r->height * r->grid.n);
    double du[2] = {0, 0}, dv[2] = {0, 0};
    for (int axis = 0; axis < 2; axis++) {
        const double total = c->plane[0][axis] + c->plane[1][axis] + c->plane[2][axis];
        const double step = axis == 0 ? step_x : step_y;
        for (int i = 0; i < 3; i++) {
            const double db = (c->plane[i][axis] - b[i] * total) / sum * step;
            du[axis] += db * uv[2 * i];
            dv[axis] += db * uv[2 * i + 1];
        }
    }
    const double tw = tex->levels[0].width, th = tex->levels[0].height;
    const double lx = (du[0] * tw) * (du[0] * tw) + (dv[0] * th) * (dv[0] * th);
    const double ly = (du[1] * tw) * (du[1] * tw) + (dv[1] * th) * (dv[1] * th);
    const double l = lx > ly ? lx : ly;
    return l > 1.0 ? (float)(0.5 * log2(l)) : 0.0f;
}

static void shade_samples(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    bv__prim_cache cache = {0};
    for (int j = 0; j < w->sh; j++) {
        const double y = ndc_y(r, bv__sample_coord(&r->grid, w->sy0 + j));
        for (int i = 0; i < w->sw; i++) {
            const size_t at = (size_t)j * (size_t)w->sw + (size_t)i;
            float *out = s->color + 4 * at;
            const uint32_t prim = s->prim[at];
            if (prim == BV__PRIM_NONE) {
                out[0] = out[1] = out[2] = out[3] = 0.0f;
                continue;
            }
            out[3] = 1.0f; /* coverage */
            if (!r->want_color) {
                out[0] = out[1] = out[2] = 0.0f;
                continue;
            }
            cache_prim(r, prim, &cache);
            float b[3], uv[2], rgba[4];
            double u[3];
            if (!barycentrics(&cache, ndc_x(r, s->column_x[i]), y, b, u)) b[0] = 1, b[1] = b[2] = 0;
            interpolate_uv(&cache, b, uv);
            const bv_texture *tex = cache.ms->mesh->texture;
            if (r->desc->mipmaps) bv__texture_tap_lod(tex, uv[0], uv[1], sample_lod(r, &cache, b, u), rgba);
            else bv__texture_tap(tex, 0, uv[0], uv[1], rgba);
            /* Cycles' Color output of an Image Texture node whose Alpha is unused: premultiplied */
            out[0] = rgba[0];
            out[1] = rgba[1];
            out[2] = rgba[2];
        }
    }
}

/* Separable reconstruction: sample rows -> pixel columns, then sample rows -> pixel rows. */
static void filter_and_write(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, taps = r->kernel.count;
    const float *weight = r->kernel.weight;
    for (int j = 0; j < w->sh; j++) {
        const float *row = s->color + 4 * (size_t)j * (size_t)w->sw;
        float *out = s->rows + 4 * (size_t)j * (size_t)w->tw;
        for (int x = 0; x < w->tw; x++) {
            const float *src = row + 4 * (size_t)(n * x);
            float acc[4] = {0, 0, 0, 0};
            for (int t = 0; t < taps; t++)
                for (int k = 0; k < 4; k++) acc[k] += weight[t] * src[4 * t + k];
            memcpy(out + 4 * x, acc, sizeof acc);
        }
    }
    const bv_render_targets *tg = &r->targets;
    const float *bg = r->background;
    for (int y = 0; y < w->th; y++) {
        const size_t pixel_row = (size_t)(w->py0 + y) * (size_t)r->width + (size_t)w->px0;
        for (int x = 0; x < w->tw; x++) {
            const float *src = s->rows + 4 * ((size_t)(n * y) * (size_t)w->tw + (size_t)x);
            const size_t stride = 4 * (size_t)w->tw;
            float acc[4] = {0, 0, 0, 0};
            for (int t = 0; t < taps; t++)
                for (int k = 0; k < 4; k++) acc[k] += weight[t] * src[stride * (size_t)t + (size_t)k];
            const size_t p = pixel_row + (size_t)x;
            if (tg->alpha.ptr) tg->alpha.ptr[p] = acc[3];
            if (!tg->color.ptr) continue;
            float c[4];
            for (int k = 0; k < 4; k++) c[k] = acc[k] + bg[k] * (1.0f - acc[3]);
            if (!r->desc->premultiplied) {
                const float inv = c[3] > 0.0f ? 1.0f / c[3] : 0.0f;
                c[0] *= inv;
                c[1] *= inv;
                c[2] *= inv;
            }
            memcpy(tg->color.ptr + 4 * p, c, sizeof c);
        }
    }
}

static void write_empty_data(const bv_render_targets *tg, size_t p)
{
    if (tg->depth.ptr) tg->depth.ptr[p] = BV_DEPTH_EMPTY;
    if (tg->object_id.ptr) tg->object_id.ptr[p] = BV_OBJECT_ID_EMPTY;
    if (tg->normal.ptr) memset(tg->normal.ptr + 3 * p, 0, 3 * sizeof(float));
    if (tg->uv.ptr) memset(tg->uv.ptr + 2 * p, 0, 2 * sizeof(float));
}

static void world_normal(const bv__prim_cache *c, const float b[3], float r_n[3])
{
    const bv_mesh *m = c->ms->mesh;
    vec3 n;
    if (m->normals.count) {
        const float *n0 = m->normals.ptr + 3 * corner_index(c, 0);
        const float *n1 = m->normals.ptr + 3 * corner_index(c, 1);
        const float *n2 = m->normals.ptr + 3 * corner_index(c, 2);
        for (int k = 0; k < 3; k++) n[k] = b[0] * n0[k] + b[1] * n1[k] + b[2] * n2[k];
    } else {
        const uint32_t *tri = m->triangles.ptr + 3 * (size_t)c->local;
        vec3 p0, e1, e2;
        glm_vec3_copy((float *)m->positions.ptr + 3 * (size_t)tri[0], p0);
        glm_vec3_sub((float *)m->positions.ptr + 3 * (size_t)tri[1], p0, e1);
        glm_vec3_sub((float *)m->positions.ptr + 3 * (size_t)tri[2], p0, e2);
        glm_vec3_cross(e1, e2, n);
    }
    vec3 world;
    glm_mat3_mulv((vec3 *)c->ms->normal_matrix, n, world);
    glm_vec3_normalize(world);
    if (c->backfacing) glm_vec3_negate(world); /* as Cycles: the normal faces the viewer */
    glm_vec3_copy(world, r_n);
}

static void write_data(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const bv_render_targets *tg = &r->targets;
    const int n = r->grid.n, offset = r->kernel.center - r->kernel.first;
    bv__prim_cache cache = {0};
    for (int y = 0; y < w->th; y++) {
        const int j = n * y + offset;
        const double ny = ndc_y(r, bv__sample_coord(&r->grid, w->sy0 + j));
        for (int x = 0; x < w->tw; x++) {
            const int i = n * x + offset;
            const size_t p = (size_t)(w->py0 + y) * (size_t)r->width + (size_t)(w->px0 + x);
            const uint32_t prim = s->prim[(size_t)j * (size_t)w->sw + (size_t)i];
            if (prim == BV__PRIM_NONE) {
                write_empty_data(tg, p);
                continue;
            }
            cache_prim(r, prim, &cache);
            float b[3];
            double u[3];
            if (!barycentrics(&cache, ndc_x(r, s->column_x[i]), ny, b, u)) b[0] = 1, b[1] = b[2] = 0;
            const uint32_t *tri = cache.ms->mesh->triangles.ptr + 3 * (size_t)cache.local;
            if (tg->depth.ptr) {
                const bv__vertex *v = r->vertices + cache.ms->vertex_base;
                tg->depth.ptr[p] = b[0] * v[tri[0]].depth + b[1] * v[tri[1]].depth + b[2] * v[tri[2]].depth;
            }
            if (tg->object_id.ptr) tg->object_id.ptr[p] = (float)cache.ms->mesh->object_id;
            if (tg->uv.ptr) interpolate_uv(&cache, b, tg->uv.ptr + 2 * p);
            if (tg->normal.ptr) world_normal(&cache, b, tg->normal.ptr + 3 * p);
        }
    }
}

bv_status bv__render_tile(void *context, int index, int worker)
{
    const bv__render *r = context;
    bv__scratch *s = &r->scratch[worker];
    const int n = r->grid.n, ts = r->tile_size;
    bv__window w;
    w.px0 = (index % r->tiles_x) * ts;
    w.py0 = (index / r->tiles_x) * ts;
    w.tw = w.px0 + ts <= r->width ? ts : r->width - w.px0;
    w.th = w.py0 + ts <= r->height ? ts : r->height - w.py0;
    w.sx0 = n * w.px0 + r->kernel.first;
    w.sy0 = n * w.py0 + r->kernel.first;
    w.sw = n * (w.tw - 1) + r->kernel.count;
    w.sh = n * (w.th - 1) + r->kernel.count;
    const size_t samples = (size_t)w.sw * (size_t)w.sh;
    for (size_t i = 0; i < samples; i++) {
        s->key[i] = -INFINITY;
        s->prim[i] = BV__PRIM_NONE;
    }
    for (int i = 0; i < w.sw; i++) s->column_x[i] = bv__sample_coord(&r->grid, w.sx0 + i);
    raster_bin(r, s, &w, index);
    if (r->want_filtered) {
        shade_samples(r, s, &w);
        filter_and_write(r, s, &w);
    }
    if (r->want_data) write_data(r, s, &w);
    return BV_OK;
}
