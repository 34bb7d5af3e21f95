/* One tile of a view: rasterise the tile's triangles into a deferred sample buffer (depth key +
 * primitive id), shade each sample once, reconstruct pixels with the filter, and read the data
 * passes at each pixel's centre sample. With BV_SAMPLES_AUTO some pixels are instead one
 * footprint lookup (tile_surface.c says which may be), and only the samples the others read are
 * shaded. A tile reads only its own bin and writes only its own pixels, so the image is the same
 * whichever worker renders it. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "render_internal.h"
#include "texture_internal.h"

/* What shading needs of a primitive, cached while consecutive samples hit the same one. */
typedef struct bv__prim_cache {
    uint32_t prim;
    const bv__mesh_state *ms;
    uint32_t local;
    double plane[3][3]; /* barycentric b_i ~ plane[i] . (x_ndc, y_ndc, 1) */
    bool backfacing;
    float uv[6];        /* corner UVs, if the mesh has them */
    double uv_plane[3][3]; /* (u, v, 1) ~ uv_plane[k] . (x_ndc, y_ndc, 1), divided by row 2 */
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

/* Neighbouring samples alternate between a few adjacent triangles: a small direct-mapped cache
 * of prepared primitives keeps each one's set-up to about once per tile. */
#define BV__PRIM_CACHE_SIZE 64

static void cache_prim(const bv__render *r, uint32_t prim, bv__prim_cache *c)
{
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
    if (c->ms->mesh->uvs.count) {
        corner_uvs(c, c->uv);
        /* perspective-correct UVs as the ratio of two screen-affine functions: no barycentrics
           needed per sample */
        for (int k = 0; k < 3; k++) {
            c->uv_plane[0][k] = c->uv[0] * c->plane[0][k] + c->uv[2] * c->plane[1][k] + c->uv[4] * c->plane[2][k];
            c->uv_plane[1][k] = c->uv[1] * c->plane[0][k] + c->uv[3] * c->plane[1][k] + c->uv[5] * c->plane[2][k];
            c->uv_plane[2][k] = c->plane[0][k] + c->plane[1][k] + c->plane[2][k];
        }
    }
}

static bv__prim_cache *lookup_prim(const bv__render *r, uint32_t prim, bv__prim_cache *caches)
{
    bv__prim_cache *c = &caches[prim % BV__PRIM_CACHE_SIZE];
    if (!c->ms || c->prim != prim) cache_prim(r, prim, c);
    return c;
}

/* The UV at an NDC position; false for a degenerate primitive. */
static inline bool sample_uv(const bv__prim_cache *c, double x, double y, float r_uv[2])
{
    const double d = c->uv_plane[2][0] * x + c->uv_plane[2][1] * y + c->uv_plane[2][2];
    if (d == 0.0) return false;
    const double inv = 1.0 / d;
    r_uv[0] = (float)((c->uv_plane[0][0] * x + c->uv_plane[0][1] * y + c->uv_plane[0][2]) * inv);
    r_uv[1] = (float)((c->uv_plane[1][0] * x + c->uv_plane[1][1] * y + c->uv_plane[1][2]) * inv);
    return true;
}

/* The UV Jacobian of the cached primitive at an NDC position, per pixel: du/dx, du/dy, dv/dx,
 * dv/dy, from the ratio of screen-affine functions that gives the perspective-correct UV. All in
 * double from the planes alone, so that no rounding of the UV (which a compiler may skip in one
 * CPU path and not the other) reaches it. */
static void uv_jacobian(const bv__render *r, const bv__prim_cache *c, double x, double y, float r_j[4])
{
    const double d = c->uv_plane[2][0] * x + c->uv_plane[2][1] * y + c->uv_plane[2][2];
    const double to_x = 2.0 / r->width, to_y = 2.0 / r->height; /* NDC per pixel */
    for (int k = 0; k < 2; k++) {
        const double value = (c->uv_plane[k][0] * x + c->uv_plane[k][1] * y + c->uv_plane[k][2]) / d;
        r_j[2 * k] = (float)((c->uv_plane[k][0] - value * c->uv_plane[2][0]) / d * to_x);
        r_j[2 * k + 1] = (float)((c->uv_plane[k][1] - value * c->uv_plane[2][1]) / d * to_y);
    }
}

float bv__prim_alpha(const bv__render *r, uint32_t prim, double x_ndc, double y_ndc)
{
    bv__prim_cache c;
    cache_prim(r, prim, &c);
    float uv[2], rgba[4];
    if (!sample_uv(&c, x_ndc, y_ndc, uv)) uv[0] = c.uv[0], uv[1] = c.uv[1];
    bv__texture_tap_base(c.ms->mesh->texture, uv[0], uv[1], rgba);
    return rgba[3];
}

/* Perspective-correct barycentrics at an NDC position; false for a degenerate primitive. */
static bool barycentrics(const bv__prim_cache *c, double x, double y, double r_b[3], double r_u[3])
{
    double sum = 0.0;
    for (int i = 0; i < 3; i++) {
        r_u[i] = c->plane[i][0] * x + c->plane[i][1] * y + c->plane[i][2];
        sum += r_u[i];
    }
    if (sum == 0.0) return false;
    const double inv = 1.0 / sum;
    for (int i = 0; i < 3; i++) r_b[i] = r_u[i] * inv;
    return true;
}

static double ndc_x(const bv__render *r, int64_t fixed)
{
    return (double)fixed / (BV__SUBPIXEL_ONE * 0.5 * r->width) - 1.0;
}

static double ndc_y(const bv__render *r, int64_t fixed)
{
    return (double)fixed / (BV__SUBPIXEL_ONE * 0.5 * r->height) - 1.0;
}

/* In double: far outside a huge triangle's corners the weights are large and cancel. */
static void interpolate_uv(const bv__prim_cache *c, const double b[3], float r_uv[2])
{
    const float *uv = c->uv;
    r_uv[0] = (float)(b[0] * uv[0] + b[1] * uv[2] + b[2] * uv[4]);
    r_uv[1] = (float)(b[0] * uv[1] + b[1] * uv[3] + b[2] * uv[5]);
}

/* Mip level for one sample: the texel footprint of one sample step, from the derivatives of the
 * homogeneous barycentrics. */
static float sample_lod(const bv__render *r, const bv__prim_cache *c, const double b[3],
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

/* BV_SAMPLES_AUTO: a sample whose cell (1 / n pixel) spans CELL_MINIFIED or more texels' standard
 * deviation along a screen axis taps the texture averaged over its cell, not at its point (the
 * grid's samples would skip texels): up to CELL_WIDE as the two points of Gauss-Legendre's rule
 * for the cell's width along that axis, beyond it as the midpoints of equal parts of that width,
 * at most CELL_PROBES, on the mip level whose texels are about the parts' spacing and the cell's
 * width across (each an ordinary bilinear tap). */
#define CELL_MINIFIED 0.29f /* a standard deviation of 0.29 texels: the cell is one texel wide */
#define CELL_WIDE 1.0f
#define CELL_PROBES 8

/* Whether the samples either side of sample (i, j) along its cell's long axis (extent > 0: x)
 * show its triangle: else the cell may reach past the surface (a silhouette, a fold, a curved
 * surface's next face) and it taps at its point, as the grid does. Measured against Cycles: with
 * the cell averaged there too, grazing planes' far edges gained 2 to 3 dB but spheres' limbs lost
 * up to 0.8 dB; taking the half of the cell towards the surface lost more. */
static bool cell_inside(const bv__scratch *s, const bv__window *w, int j, int i, float extent)
{
    const uint32_t *p = s->prim + (size_t)j * (size_t)w->sw + (size_t)i;
    if (extent > 0.0f) return i > 0 && i + 1 < w->sw && p[-1] == p[0] && p[1] == p[0];
    return j > 0 && j + 1 < w->sh && p[-(ptrdiff_t)w->sw] == p[0] && p[w->sw] == p[0];
}

/* The UV Jacobian per pixel of the cached primitive at an NDC position, into r_j; returns the
 * standard deviation, in level-0 texels, of the sample cell's footprint along the screen axis
 * where it is longest: negative along y, positive along x; 0 where it is not finite. */
static float cell_jacobian(const bv__render *r, const bv__prim_cache *c, double x, double y, float r_j[4])
{
    uv_jacobian(r, c, x, y, r_j);
    const bv__level *level = &c->ms->mesh->texture->levels[0];
    const float w = (float)level->width, h = (float)level->height;
    const float along_x = sqrtf(r_j[0] * w * r_j[0] * w + r_j[2] * h * r_j[2] * h);
    const float along_y = sqrtf(r_j[1] * w * r_j[1] * w + r_j[3] * h * r_j[3] * h);
    const float extent = along_x >= along_y ? r->cell_sigma * along_x : -r->cell_sigma * along_y;
    return isfinite(extent) ? extent : 0.0f; /* a degenerate triangle: a point tap */
}

/* BV_SAMPLES_AUTO: the tap of a sample whose cell footprint is `extent` (cell_jacobian's return,
 * at least CELL_MINIFIED) with Jacobian j, at (u, v): averaged over its cell along the long axis. */
static void cell_tap(const bv__render *r, const bv_texture *tex, float u, float v, float extent,
                     const float j[4], float r_rgba[4])
{
    const float size = fabsf(extent);
    /* the long axis per cell, in UV, and the cell across it in level-0 texels */
    const bv__level *base = &tex->levels[0];
    const float n = (float)r->grid.n;
    const float along_u = (extent > 0.0f ? j[0] : j[1]) / n, along_v = (extent > 0.0f ? j[2] : j[3]) / n;
    const float cu = (extent > 0.0f ? j[1] : j[0]) * (float)base->width;
    const float cv = (extent > 0.0f ? j[3] : j[2]) * (float)base->height;
    const float across = sqrtf(cu * cu + cv * cv) / n;
    const float length = size * sqrtf(12.0f); /* the cell's width along, in level-0 texels */
    int level = 0, probes = 2;
    if (size >= CELL_WIDE) /* midpoints of equal parts, on the level whose texels match them */
        for (;;) {
            const float texel = (float)base->width / (float)tex->levels[level].width;
            const float parts = ceilf(length / texel); /* compared as a float: it may be huge */
            probes = parts <= CELL_PROBES ? (int)parts : CELL_PROBES + 1;
            if ((probes <= CELL_PROBES && across <= texel) || level + 1 >= tex->level_count) break;
            level++;
        }
    probes = probes < 2 ? 2 : probes > CELL_PROBES ? CELL_PROBES : probes;
    /* t in cells from the sample: two probes at Gauss-Legendre's points -+1 / (2 sqrt 3) for the
       box, more at the midpoints of equal parts */
    float acc[4] = {0, 0, 0, 0};
    for (int p = 0; p < probes; p++) {
        const float t = probes == 2 ? (p ? 0.5f : -0.5f) / sqrtf(3.0f) : ((float)p + 0.5f) / (float)probes - 0.5f;
        float tap[4];
        bv__texture_tap_level(tex, level, u + t * along_u, v + t * along_v, tap);
        for (int k = 0; k < 4; k++) acc[k] += tap[k];
    }
    for (int k = 0; k < 4; k++) r_rgba[k] = acc[k] / (float)probes;
}

/* The UV (and level of detail) of every sample of a run showing one primitive; with
 * BV_SAMPLES_AUTO, uvl[2] is cell_jacobian's extent where the run may be minified (the Jacobian
 * per pixel in s->cell_jacobian), else 0. */
static void run_uvs(const bv__render *r, bv__scratch *s, const bv__prim_cache *c, double y,
                    int i0, int i1, float *r_uvl)
{
    /* the cell's extent from the run's middle: a run is part of one triangle, whose Jacobian
       hardly changes along it (this is a prefilter's width, and where it starts) */
    float extent = 0.0f, jacobian[4];
    if (r->footprint && (r->tris[c->prim].minified & BV__MINIFIED_CELL)) {
        extent = cell_jacobian(r, c, s->column_ndc[(i0 + i1) / 2], y, jacobian);
        if (fabsf(extent) < CELL_MINIFIED) extent = 0.0f;
    }
    const bool minified = extent != 0.0f;
    for (int i = i0; i < i1; i++) {
        float *uvl = r_uvl + 3 * i;
        if (r->footprint) {
            if (!sample_uv(c, s->column_ndc[i], y, uvl)) uvl[0] = c->uv[0], uvl[1] = c->uv[1];
            uvl[2] = extent;
            if (minified) memcpy(s->cell_jacobian + 4 * i, jacobian, sizeof jacobian);
        } else if (r->desc->mipmaps) {
            double b[3], u[3];
            if (!barycentrics(c, s->column_ndc[i], y, b, u)) b[0] = 1, b[1] = b[2] = 0;
            interpolate_uv(c, b, uvl);
            uvl[2] = sample_lod(r, c, b, u);
        } else if (!sample_uv(c, s->column_ndc[i], y, uvl)) {
            uvl[0] = c->uv[0], uvl[1] = c->uv[1];
        }
    }
}

/* --- lit views --- */

/* The lighting of the cached primitive at an NDC position; `clamp` moves a position outside the
 * triangle to the nearest barycentrics inside it (a pixel centre the triangle does not cover). */
static void lit_point(const bv__render *r, const bv__prim_cache *c, double x, double y, bool clamp,
                      float r_diffuse[3], float r_glossy[3])
{
    const bv_mesh *m = c->ms->mesh;
    double b[3], u[3];
    if (!barycentrics(c, x, y, b, u)) b[0] = 1, b[1] = b[2] = 0;
    if (clamp && (b[0] < 0.0 || b[1] < 0.0 || b[2] < 0.0)) {
        double sum = 0.0;
        for (int k = 0; k < 3; k++) sum += b[k] = b[k] > 0.0 ? b[k] : 0.0;
        for (int k = 0; k < 3; k++) b[k] = sum > 0.0 ? b[k] / sum : 1.0 / 3.0;
    }
    bv__surface_point p;
    memset(&p, 0, sizeof p);
    const uint32_t *tri = m->triangles.ptr + 3 * (size_t)c->local;
    const float *wp[3];
    for (int k = 0; k < 3; k++) wp[k] = r->world_positions + 3 * (c->ms->vertex_base + tri[k]);
    for (int k = 0; k < 3; k++)
        p.position[k] = (float)(b[0] * wp[0][k] + b[1] * wp[1][k] + b[2] * wp[2][k]);
    vec3 e1, e2, toward;
    glm_vec3_sub((float *)wp[1], (float *)wp[0], e1);
    glm_vec3_sub((float *)wp[2], (float *)wp[0], e2);
    glm_vec3_cross(e1, e2, p.geometric);
    glm_vec3_normalize(p.geometric);
    if (r->lit->perspective) glm_vec3_sub(r->lit->eye, p.position, toward);
    else glm_vec3_negate_to(r->lit->forward, toward);
    if (glm_vec3_dot(p.geometric, toward) < 0.0f) glm_vec3_negate(p.geometric);
    if (m->normals.count) {
        vec3 n;
        const float *n0 = m->normals.ptr + 3 * corner_index(c, 0);
        const float *n1 = m->normals.ptr + 3 * corner_index(c, 1);
        const float *n2 = m->normals.ptr + 3 * corner_index(c, 2);
        for (int k = 0; k < 3; k++) n[k] = (float)(b[0] * n0[k] + b[1] * n1[k] + b[2] * n2[k]);
        glm_mat3_mulv((vec3 *)c->ms->normal_world, n, p.normal);
        glm_vec3_normalize(p.normal);
        if (c->backfacing) glm_vec3_negate(p.normal); /* as Cycles: the normal faces the viewer */
    } else {
        glm_vec3_copy(p.geometric, p.normal);
    }
    if (m->tangents.count && m->material && m->material->normal) { /* only a normal map uses it */
        vec3 t;
        const float *t0 = m->tangents.ptr + 3 * corner_index(c, 0);
        const float *t1 = m->tangents.ptr + 3 * corner_index(c, 1);
        const float *t2 = m->tangents.ptr + 3 * corner_index(c, 2);
        for (int k = 0; k < 3; k++) t[k] = (float)(b[0] * t0[k] + b[1] * t1[k] + b[2] * t2[k]);
        glm_mat3_mulv((vec3 *)c->ms->linear_world, t, p.tangent);
        /* Gram-Schmidt against the shading normal, as MikkTSpace's frame is used */
        glm_vec3_muladds(p.normal, -glm_vec3_dot(p.normal, p.tangent), p.tangent);
        const float len = glm_vec3_norm(p.tangent);
        if (len > 1e-8f) {
            glm_vec3_divs(p.tangent, len, p.tangent);
            p.tangent[3] = m->bitangent_signs.ptr[corner_index(c, 0)] < 0.0f ? -1.0f : 1.0f;
        }
    }
    interpolate_uv(c, b, p.uv);
    bv__lit_shade(r->lit, m, &p, r_diffuse, r_glossy);
}

/* The primitive's unit face normal in world space (zero for a degenerate triangle). */
static void face_normal(const bv__render *r, const bv__prim_cache *c, float r_face[3])
{
    const uint32_t *tri = c->ms->mesh->triangles.ptr + 3 * (size_t)c->local;
    const float *p0 = r->world_positions + 3 * (c->ms->vertex_base + tri[0]);
    const float *p1 = r->world_positions + 3 * (c->ms->vertex_base + tri[1]);
    const float *p2 = r->world_positions + 3 * (c->ms->vertex_base + tri[2]);
    vec3 e1, e2;
    glm_vec3_sub((float *)p1, (float *)p0, e1);
    glm_vec3_sub((float *)p2, (float *)p0, e2);
    glm_vec3_cross(e1, e2, r_face);
    glm_vec3_normalize(r_face);
}

/* Entry e's key and triangle: primitive c (of face normal `face`) at pixel (px, py). */
static void set_key(const bv__prim_cache *c, const float face[3], int px, int py, bv__lit_entry *e)
{
    e->prim = c->prim, e->px = px, e->py = py;
    e->mesh = c->ms->mesh;
    memcpy(e->vertices, c->ms->mesh->triangles.ptr + 3 * (size_t)c->local, sizeof e->vertices);
    memcpy(e->face, face, sizeof e->face);
}

/* Lights entry e: primitive c at pixel (px, py), lit at the pixel's centre (clamped into it). */
static void light_entry(const bv__render *r, const bv__prim_cache *c, const float face[3], int px,
                        int py, double cy, bv__lit_entry *e)
{
    const double cx = ndc_x(r, (int64_t)px * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
    lit_point(r, c, cx, cy, true, e->diffuse, e->glossy);
    set_key(c, face, px, py, e);
}

/* Whether the triangle of entry e continues the surface of primitive c (face normal `face`): the
 * same mesh, a shared vertex and face normals within about 8 degrees (a crease, a fold or another
 * part of the mesh behind keeps its own lighting). */
#define CONTINUES_COS 0.99f
static bool continues(const bv__lit_entry *e, const bv__prim_cache *c, const float face[3])
{
    if (e->mesh != c->ms->mesh || glm_vec3_dot((float *)e->face, (float *)face) < CONTINUES_COS)
        return false;
    const uint32_t *tri = c->ms->mesh->triangles.ptr + 3 * (size_t)c->local;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            if (e->vertices[a] == tri[b]) return true;
    return false;
}

/* The lighting of the samples i0 .. i1 - 1 of a run, as spans from r_spans on: one per sample, or
 * one per pixel shared through the worker's cache. Returns the number of spans written. */
static int run_lighting(const bv__render *r, bv__scratch *s, const bv__window *w,
                        const bv__prim_cache *c, int row, double y, int i0, int i1,
                        bv__lit_span *r_spans)
{
    int count = 0;
    if (r->desc->lighting->shading_rate == BV_SHADING_SAMPLE) {
        for (int i = i0; i < i1; i++, count++) {
            lit_point(r, c, s->column_ndc[i], y, false, r_spans[count].diffuse, r_spans[count].glossy);
            r_spans[count].end = i + 1;
        }
        return count;
    }
    const int n = r->grid.n;
    const int py = bv__floor_div(w->sy0 + row, n), px0 = bv__floor_div(w->sx0, n);
    const double cy = ndc_y(r, (int64_t)py * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
    const int middle_row = py * n + n / 2 - w->sy0; /* the pixels' middle sample row, in the window */
    for (int i = i0; i < i1; count++) { /* a pixel's samples of the run at a time */
        const int px = bv__floor_div(w->sx0 + i, n);
        const int end = (px + 1) * n - w->sx0 < i1 ? (px + 1) * n - w->sx0 : i1;
        bv__lit_entry *column = &s->lit_cache[(size_t)(px - px0) * BV__LIT_SLOTS];
        bv__lit_entry *e = &column[c->prim & (BV__LIT_SLOTS - 1)];
        if (e->prim != c->prim || e->px != px || e->py != py) {
            float face[3];
            face_normal(r, c, face);
            /* the pixel's own primitive: the one its middle sample shows */
            const int middle = px * n + n / 2 - w->sx0;
            const uint32_t own = middle_row >= 0 && middle_row < w->sh && middle >= 0 && middle < w->sw
                                     ? s->prim[(size_t)middle_row * (size_t)w->sw + (size_t)middle]
                                     : BV__PRIM_NONE;
            bv__lit_entry spare, *o = NULL;
            if (own != BV__PRIM_NONE && own != c->prim) {
                bv__lit_entry *slot = &column[own & (BV__LIT_SLOTS - 1)];
                if (slot->prim == own && slot->px == px && slot->py == py) {
                    o = slot;
                } else {
                    bv__prim_cache oc; /* not the worker's caches: c points into them */
                    memset(&oc, 0, sizeof oc);
                    cache_prim(r, own, &oc);
                    if (oc.ms->mesh == c->ms->mesh) { /* the same mesh: textured, lit */
                        float own_face[3];
                        face_normal(r, &oc, own_face);
                        o = slot != e ? slot : &spare;
                        light_entry(r, &oc, own_face, px, py, cy, o);
                    }
                }
            }
            if (o && continues(o, c, face)) { /* one surface: the pixel's own lighting */
                if (o != e) {
                    memcpy(e->diffuse, o->diffuse, sizeof e->diffuse);
                    memcpy(e->glossy, o->glossy, sizeof e->glossy);
                }
                set_key(c, face, px, py, e);
            } else {
                light_entry(r, c, face, px, py, cy, e);
            }
        }
        memcpy(r_spans[count].diffuse, e->diffuse, sizeof e->diffuse);
        memcpy(r_spans[count].glossy, e->glossy, sizeof e->glossy);
        r_spans[count].end = i = end;
    }
    return count;
}

/* Colour and coverage of every sample, a row at a time in two passes: first the runs of samples
 * that show one primitive and their UVs, then the texture taps. Two short loops keep more taps
 * in flight than one loop that does everything per sample. */
static void shade_samples(const bv__render *r, bv__scratch *s, const bv__window *w, const uint8_t *mask)
{
    bv__prim_cache caches[BV__PRIM_CACHE_SIZE];
    memset(caches, 0, sizeof caches);
    bv__shade_run *runs = s->runs;
    for (int j = 0; j < w->sh; j++) {
        const double y = ndc_y(r, bv__sample_coord(&r->grid, w->sy0 + j));
        const size_t row = (size_t)j * (size_t)w->sw;
        const uint32_t *prims = s->prim + row;
        const uint8_t *needed = mask ? mask + row : NULL;
        float *out = s->color + 4 * row;
        int run_count = 0, span_count = 0;
        for (int i = 0; i < w->sw;) {
            if (needed && !needed[i]) { /* no edge pixel reads it: left as it is */
                i++;
                while (i + 8 <= w->sw && !bv__any_byte8(needed + i)) i += 8;
                continue;
            }
            const uint32_t prim = prims[i];
            int end = i + 1;
            while (end < w->sw && prims[end] == prim && (!needed || needed[end])) end++;
            const bv__prim_cache *c = NULL;
            if (prim != BV__PRIM_NONE && (r->want_color || r->any_coverage)) {
                c = lookup_prim(r, prim, caches);
                if (!bv__mesh_textured(r, c->ms->mesh)) c = NULL;
            }
            if (!c) {
                const float coverage = prim == BV__PRIM_NONE ? 0.0f : 1.0f;
                for (int k = i; k < end; k++) {
                    out[4 * k] = out[4 * k + 1] = out[4 * k + 2] = 0.0f;
                    out[4 * k + 3] = coverage;
                }
            } else {
                run_uvs(r, s, c, y, i, end, s->uvl);
                runs[run_count++] = (bv__shade_run){i, end, c->ms->mesh, span_count};
                if (r->lit) span_count += run_lighting(r, s, w, c, j, y, i, end, s->lit + span_count);
            }
            i = end;
        }
        for (int q = 0; q < run_count; q++) {
            const bv_texture *tex = runs[q].mesh->texture;
            const bool coverage = runs[q].mesh->alpha == BV_MESH_ALPHA_COVERAGE;
            const bool weigh = coverage && tex->alpha == BV_TEXTURE_ALPHA_CHANNEL_PACKED;
            const bv__lit_span *span = r->lit ? s->lit + runs[q].lit_span : NULL;
            for (int k = runs[q].first; k < runs[q].end; k++) {
                const float *uvl = s->uvl + 3 * k;
                float rgba[4];
                if (r->footprint && uvl[2] != 0.0f && cell_inside(s, w, j, k, uvl[2]))
                    cell_tap(r, tex, uvl[0], uvl[1], uvl[2], s->cell_jacobian + 4 * k, rgba);
                else if (r->desc->mipmaps) bv__texture_tap_lod(tex, uvl[0], uvl[1], uvl[2], rgba);
                else bv__texture_tap_base(tex, uvl[0], uvl[1], rgba);
                /* Alpha ignored: Cycles' Color output of an Image Texture node whose Alpha is
                   unlinked, the tap as it is (premultiplied), opaque. Alpha as coverage: a mix
                   by Alpha of a Transparent BSDF and the colour unpremultiplied. The Mix
                   Shader clamps its factor to [0, 1], so the colour is the tap divided by alpha
                   and weighted by the clamped alpha: the premultiplied tap itself for alpha in
                   (0, 1], less above 1, nothing at or below 0 (and for NaN). A channel-packed
                   colour is not unpremultiplied: it is weighted by the clamped alpha. */
                float weight = 1.0f, cover = 1.0f;
                if (coverage) {
                    const float a = rgba[3];
                    cover = a > 0.0f ? (a < 1.0f ? a : 1.0f) : 0.0f;
                    weight = weigh ? cover : a > 1.0f ? 1.0f / a : cover > 0.0f ? 1.0f : 0.0f;
                }
                if (span) { /* base colour x diffuse lighting, plus the rest, as opaque as it */
                    if (k >= span->end) span++;
                    for (int ch = 0; ch < 3; ch++)
                        out[4 * k + ch] = rgba[ch] * weight * span->diffuse[ch] + cover * span->glossy[ch];
                } else {
                    out[4 * k] = rgba[0] * weight;
                    out[4 * k + 1] = rgba[1] * weight;
                    out[4 * k + 2] = rgba[2] * weight;
                }
                out[4 * k + 3] = cover;
            }
        }
    }
}

/* Writes pixel p of the colour and alpha targets from its premultiplied RGBA over nothing. */
static void write_pixel(const bv__render *r, size_t p, const float acc[4])
{
    const bv_render_targets *tg = &r->targets;
    if (tg->alpha.ptr) tg->alpha.ptr[p] = acc[3];
    if (!tg->color.ptr) return;
    float c[4];
    for (int k = 0; k < 4; k++) c[k] = acc[k] + r->background[k] * (1.0f - acc[3]);
    if (!r->desc->premultiplied) {
        const float inv = c[3] >= FLT_MIN ? 1.0f / c[3] : 0.0f; /* 1 / denormal = inf */
        c[0] *= inv;
        c[1] *= inv;
        c[2] *= inv;
    }
    memcpy(tg->color.ptr + 4 * p, c, sizeof c);
}

/* The vertical pass for pixel row y, every sample column (r_columns: 4 per column): each column's
 * samples weighted down the filter, a running sum in the order filter_pixel keeps too. */
static void filter_columns(const bv__render *r, const bv__scratch *s, const bv__window *w, int y,
                           float *r_columns)
{
    const int n = r->grid.n, taps = r->kernel.count;
    const float *weight = r->kernel.weight;
    const size_t row_floats = 4 * (size_t)w->sw;
    const float *src = s->color + (size_t)(n * y) * row_floats;
    for (size_t j = 0; j < row_floats; j++) r_columns[j] = weight[0] * src[j];
    for (int t = 1; t < taps; t++) {
        const float wt = weight[t];
        src += row_floats;
        for (size_t j = 0; j < row_floats; j++) r_columns[j] += wt * src[j];
    }
}

/* Separable reconstruction, vertical then horizontal. Both passes are written as sums of scaled
 * rows (independent accumulators), which vectorise and do not wait on one running sum. */
static void filter_and_write(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, taps = r->kernel.count;
    const float *weight = r->kernel.weight;
    const size_t row_floats = 4 * (size_t)w->sw;
    float *pixel_row = s->color_row;
    for (int y = 0; y < w->th; y++) /* sample rows -> one row per output pixel row */
        filter_columns(r, s, w, y, s->rows + (size_t)y * row_floats);
    for (int y = 0; y < w->th; y++) {
        const float *src = s->rows + (size_t)y * row_floats;
        for (int x = 0; x < w->tw; x++) /* sample columns -> pixels */
            for (int k = 0; k < 4; k++) pixel_row[4 * x + k] = weight[0] * src[4 * (n * x) + k];
        for (int t = 1; t < taps; t++) {
            const float wt = weight[t];
            for (int x = 0; x < w->tw; x++)
                for (int k = 0; k < 4; k++) pixel_row[4 * x + k] += wt * src[4 * (n * x + t) + k];
        }
        const size_t pixel_base = (size_t)(w->py0 + y) * (size_t)r->width + (size_t)w->px0;
        for (int x = 0; x < w->tw; x++) write_pixel(r, pixel_base + (size_t)x, pixel_row + 4 * x);
    }
}


/* BV_SAMPLES_AUTO: the smooth candidates that filter their samples after all: where the texture
 * is not minified along both axes (the mapped filter's smaller standard deviation under
 * FOOTPRINT_MINIFIED texels, about 1.1 texels a pixel: there the grid's many points integrate the
 * interpolated texels better than a footprint whose kernel stands in for the filter and the
 * interpolation together; measured on tests/blender/footprint_scenes.py), and where the surface
 * bends: the UV Jacobian of a neighbouring pixel's triangle differs from the pixel's own
 * triangle's (both at the neighbour's centre) by more than FOOTPRINT_BEND, relative, as between
 * the faces of a curved mesh small on screen, whose UVs are far from affine over the filter's
 * support. The projective change within one triangle does not count: a footprint follows it at
 * the pixel's centre. The others' UV and Jacobian at the centre are kept in s->footprints; returns
 * their count. */
#define FOOTPRINT_MINIFIED 0.45f
#define FOOTPRINT_BEND 0.02
static int plan_footprints(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    int smooth = 0;
    const int n = r->grid.n, offset = r->kernel.center - r->kernel.first;
    const float sigma2 = r->footprint_filter.sigma2;
    bv__prim_cache caches[BV__PRIM_CACHE_SIZE];
    memset(caches, 0, sizeof caches);
    for (int y = 0; y < w->th; y++) {
        const int py = w->py0 + y;
        const double cy = ndc_y(r, (int64_t)py * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
        for (int x = 0; x < w->tw; x++) {
            uint8_t *kind = s->pixel_kind + (size_t)y * (size_t)w->tw + (size_t)x;
            if (*kind != BV__PIXEL_SMOOTH) continue;
            const uint32_t prim = s->prim[(size_t)(n * y + offset) * (size_t)w->sw + (size_t)(n * x + offset)];
            /* a candidate: its triangle is textured and may be minified (mark_candidates) */
            const bv__prim_cache own = *lookup_prim(r, prim, caches); /* a copy: lookups evict */
            const bv__level *level = &own.ms->mesh->texture->levels[0];
            float *fp = s->footprints + 6 * ((size_t)y * (size_t)w->tw + (size_t)x);
            const double cx = ndc_x(r, (int64_t)(w->px0 + x) * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
            if (!sample_uv(&own, cx, cy, fp)) {
                *kind = BV__PIXEL_EDGE; /* a degenerate triangle */
                continue;
            }
            uv_jacobian(r, &own, cx, cy, fp + 2);
            const float a = fp[2] * level->width, b = fp[3] * level->width;
            const float c = fp[4] * level->height, d = fp[5] * level->height;
            const float half_trace = 0.5f * (a * a + b * b + c * c + d * d), det = a * d - b * c;
            const float root = sqrtf(fmaxf(half_trace * half_trace - det * det, 0.0f));
            const float smallest = half_trace - root;
            if (sigma2 * smallest < FOOTPRINT_MINIFIED * FOOTPRINT_MINIFIED) {
                *kind = BV__PIXEL_EDGE;
                continue;
            }
            static const int steps[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
            for (int k = 0; k < 4; k++) {
                const int i = n * (x + steps[k][0]) + offset, j = n * (y + steps[k][1]) + offset;
                if (i < 0 || j < 0 || i >= w->sw || j >= w->sh) continue;
                const uint32_t other = s->prim[(size_t)j * (size_t)w->sw + (size_t)i];
                if (other == prim || other == BV__PRIM_NONE) continue;
                const bv__prim_cache *c2 = lookup_prim(r, other, caches);
                if (c2->ms != own.ms) continue; /* not this surface */
                const int64_t nx = (int64_t)(w->px0 + x + steps[k][0]) * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2;
                const int64_t ny = (int64_t)(py + steps[k][1]) * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2;
                float theirs[4], ours[4];
                uv_jacobian(r, c2, ndc_x(r, nx), ndc_y(r, ny), theirs);
                uv_jacobian(r, &own, ndc_x(r, nx), ndc_y(r, ny), ours);
                double change = 0.0, size = 0.0;
                for (int e = 0; e < 4; e++) {
                    change += ((double)theirs[e] - ours[e]) * ((double)theirs[e] - ours[e]);
                    size += (double)ours[e] * ours[e];
                }
                if (change > FOOTPRINT_BEND * FOOTPRINT_BEND * size) {
                    *kind = BV__PIXEL_EDGE;
                    break;
                }
            }
            smooth += *kind == BV__PIXEL_SMOOTH;
        }
    }
    return smooth;
}

/* BV_SAMPLES_AUTO: the smooth candidates: pixels whose centre sample shows a triangle whose
 * texture may be minified enough for a footprint lookup (BV__MINIFIED_PIXEL); the others are edge
 * pixels. Returns the candidates' count. */
static int mark_candidates(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, offset = r->kernel.center - r->kernel.first;
    int count = 0;
    const bool per_sample_light = r->lit && r->desc->lighting->shading_rate == BV_SHADING_SAMPLE;
    for (int y = 0; y < w->th; y++) {
        const uint32_t *centre_row = s->prim + (size_t)(n * y + offset) * (size_t)w->sw;
        uint8_t *kind = s->pixel_kind + (size_t)y * (size_t)w->tw;
        for (int x = 0; x < w->tw; x++) {
            const uint32_t prim = centre_row[n * x + offset];
            const bool candidate = !per_sample_light && prim != BV__PRIM_NONE &&
                                   (r->tris[prim].minified & BV__MINIFIED_PIXEL);
            kind[x] = candidate ? BV__PIXEL_SMOOTH : BV__PIXEL_EDGE;
            count += candidate;
        }
    }
    return count;
}

uint8_t bv__prim_minified(const bv__render *r, uint32_t prim)
{
    bv__prim_cache c;
    memset(&c, 0, sizeof c);
    cache_prim(r, prim, &c);
    const bv__level *level = &c.ms->mesh->texture->levels[0];
    const uint32_t *tri = c.ms->mesh->triangles.ptr + 3 * (size_t)c.local;
    const float sigma2 = r->footprint_filter.sigma2, margin2 = 0.8f * 0.8f;
    uint8_t bits = 0;
    for (int k = 0; k < 3; k++) {
        const float *clip = r->vertices[c.ms->vertex_base + tri[k]].clip;
        if (!(clip[3] > 0.0f)) return BV__MINIFIED_PIXEL | BV__MINIFIED_CELL;
        float j[4];
        const float extent = fabsf(cell_jacobian(r, &c, clip[0] / clip[3], clip[1] / clip[3], j));
        const float a = j[0] * level->width, b = j[1] * level->width;
        const float cc = j[2] * level->height, d = j[3] * level->height;
        const float half_trace = 0.5f * (a * a + b * b + cc * cc + d * d), det = a * d - b * cc;
        const float root = sqrtf(fmaxf(half_trace * half_trace - det * det, 0.0f));
        const float smallest = half_trace - root;
        if (!(sigma2 * smallest < margin2 * FOOTPRINT_MINIFIED * FOOTPRINT_MINIFIED))
            bits |= BV__MINIFIED_PIXEL;
        if (!(extent * extent < margin2 * CELL_MINIFIED * CELL_MINIFIED)) bits |= BV__MINIFIED_CELL;
    }
    return bits;
}

/* The texture (lit) of the cached primitive at the pixel of s->footprints entry fp, whose column
 * is px in the row at NDC cy, integrated over the filter's footprint: premultiplied RGBA over
 * nothing. */
static void footprint_pixel(const bv__render *r, const bv__prim_cache *c, const float fp[6], int px,
                            double cy, float r_rgba[4])
{
    r_rgba[0] = r_rgba[1] = r_rgba[2] = 0.0f;
    r_rgba[3] = 1.0f;
    if (!bv__mesh_textured(r, c->ms->mesh)) return;
    bv__footprint_tap(c->ms->mesh->texture, &r->footprint_filter, fp[0], fp[1], fp + 2, r_rgba);
    if (r->lit) {
        const double cx = ndc_x(r, (int64_t)px * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
        float diffuse[3], glossy[3];
        lit_point(r, c, cx, cy, true, diffuse, glossy);
        for (int k = 0; k < 3; k++) r_rgba[k] = r_rgba[k] * diffuse[k] + glossy[k];
    }
    r_rgba[3] = 1.0f; /* no cut-outs on a smooth pixel: the tap's alpha is not coverage */
}

/* The filter over an edge pixel's support, whose samples shade_samples coloured: down the sample
 * columns, then across, each a running sum in filter_and_write's order, so that an edge pixel is
 * bit for bit the pixel a grid of the same samples gives. */
static void filter_pixel(const bv__render *r, const bv__scratch *s, const bv__window *w, int x, int y,
                         const float *columns, float r_rgba[4])
{
    const int n = r->grid.n, taps = r->kernel.count;
    const float *weight = r->kernel.weight;
    const size_t stride = 4 * (size_t)w->sw;
    const float *first = s->color + (size_t)(n * y) * stride + 4 * (size_t)(n * x);
    float acc[4];
    for (int k = 0; k < taps; k++) {
        float column[4];
        if (columns) {
            memcpy(column, columns + 4 * (size_t)(n * x + k), sizeof column);
        } else {
            const float *src = first + 4 * (size_t)k;
            for (int ch = 0; ch < 4; ch++) column[ch] = weight[0] * src[ch];
            for (int t = 1; t < taps; t++)
                for (int ch = 0; ch < 4; ch++) column[ch] += weight[t] * src[(size_t)t * stride + (size_t)ch];
        }
        for (int ch = 0; ch < 4; ch++) acc[ch] = k == 0 ? weight[0] * column[ch] : acc[ch] + weight[k] * column[ch];
    }
    memcpy(r_rgba, acc, sizeof acc);
}


/* BV_SAMPLES_AUTO: each pixel by its kind (tile_surface.c): one footprint lookup on the primitive
 * its centre sample shows (lit there, as at pixel rate), the filter over its samples, or the
 * background. */
static void resolve_pixels(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, offset = r->kernel.center - r->kernel.first;
    bv__prim_cache caches[BV__PRIM_CACHE_SIZE];
    memset(caches, 0, sizeof caches);
    for (int y = 0; y < w->th; y++) {
        const int py = w->py0 + y;
        const double cy = ndc_y(r, (int64_t)py * BV__SUBPIXEL_ONE + BV__SUBPIXEL_ONE / 2);
        const uint8_t *kind = s->pixel_kind + (size_t)y * (size_t)w->tw;
        const uint32_t *centre_row = s->prim + (size_t)(n * y + offset) * (size_t)w->sw;
        const size_t pixel_base = (size_t)py * (size_t)r->width + (size_t)w->px0;
        int edges = 0;
        for (int x = 0; x < w->tw; x++) edges += kind[x] == BV__PIXEL_EDGE;
        const float *columns = NULL; /* many edge pixels: the row's column sums once */
        if (edges * 4 > w->tw) {
            filter_columns(r, s, w, y, s->rows);
            columns = s->rows;
        }
        for (int x = 0; x < w->tw; x++) {
            float rgba[4];
            if (kind[x] == BV__PIXEL_SMOOTH) {
                const bv__prim_cache *c = lookup_prim(r, centre_row[n * x + offset], caches);
                const float *fp = s->footprints + 6 * ((size_t)y * (size_t)w->tw + (size_t)x);
                footprint_pixel(r, c, fp, w->px0 + x, cy, rgba);
            } else {
                filter_pixel(r, s, w, x, y, columns, rgba);
            }
            write_pixel(r, pixel_base + (size_t)x, rgba);
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

/* The pass's normal at barycentrics b: interpolated (or the face's), through the mesh's normal
 * matrix into desc.normal_space, made unit, turned to face the camera. */
static void pass_normal(const bv__prim_cache *c, const double b[3], float r_n[3])
{
    const bv_mesh *m = c->ms->mesh;
    vec3 n;
    if (m->normals.count) {
        const float *n0 = m->normals.ptr + 3 * corner_index(c, 0);
        const float *n1 = m->normals.ptr + 3 * corner_index(c, 1);
        const float *n2 = m->normals.ptr + 3 * corner_index(c, 2);
        for (int k = 0; k < 3; k++) n[k] = (float)(b[0] * n0[k] + b[1] * n1[k] + b[2] * n2[k]);
    } else {
        const uint32_t *tri = m->triangles.ptr + 3 * (size_t)c->local;
        vec3 p0, e1, e2;
        glm_vec3_copy((float *)m->positions.ptr + 3 * (size_t)tri[0], p0);
        glm_vec3_sub((float *)m->positions.ptr + 3 * (size_t)tri[1], p0, e1);
        glm_vec3_sub((float *)m->positions.ptr + 3 * (size_t)tri[2], p0, e2);
        glm_vec3_cross(e1, e2, n);
    }
    vec3 out;
    glm_mat3_mulv((vec3 *)c->ms->normal_matrix, n, out);
    glm_vec3_normalize(out);
    if (c->backfacing) glm_vec3_negate(out); /* as Cycles: the normal faces the viewer */
    glm_vec3_copy(out, r_n);
}

static void write_data(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const bv_render_targets *tg = &r->targets;
    const int n = r->grid.n, offset = r->kernel.center - r->kernel.first;
    bv__prim_cache caches[BV__PRIM_CACHE_SIZE];
    memset(caches, 0, sizeof caches);
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
            if (r->depth_from_keys) {
                const float key = s->key[(size_t)j * (size_t)w->sw + (size_t)i];
                tg->depth.ptr[p] = (key + r->key_to_depth[1]) / r->key_to_depth[0];
                continue;
            }
            const bv__prim_cache *cache = lookup_prim(r, prim, caches);
            double b[3], u[3];
            if (!barycentrics(cache, s->column_ndc[i], ny, b, u)) b[0] = 1, b[1] = b[2] = 0;
            const uint32_t *tri = cache->ms->mesh->triangles.ptr + 3 * (size_t)cache->local;
            if (tg->depth.ptr) {
                const bv__vertex *v = r->vertices + cache->ms->vertex_base;
                tg->depth.ptr[p] =
                    (float)(b[0] * v[tri[0]].depth + b[1] * v[tri[1]].depth + b[2] * v[tri[2]].depth);
            }
            if (tg->object_id.ptr) tg->object_id.ptr[p] = (float)cache->ms->mesh->object_id;
            if (tg->uv.ptr) interpolate_uv(cache, b, tg->uv.ptr + 2 * p);
            if (tg->normal.ptr) pass_normal(cache, b, tg->normal.ptr + 3 * p);
        }
    }
}

BV__TILE_CLONES bv_status bv__render_tile(void *context, int index, int worker)
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
    for (int i = 0; i < w.sw; i++) {
        s->column_x[i] = bv__sample_coord(&r->grid, w.sx0 + i);
        s->column_ndc[i] = ndc_x(r, s->column_x[i]);
    }
    bv__raster_tile(r, s, &w, index);
    /* no triangle whose pixels may be footprint lookups: every pixel filters its samples, as a
       grid's (their taps still integrate a minified cell) */
    bool any_minified = false;
    if (r->want_filtered && r->footprint && r->want_color)
        for (size_t k = r->bin_start[index]; k < r->bin_start[index + 1] && !any_minified; k++)
            any_minified = r->tris[r->bin_prims[k]].minified & BV__MINIFIED_PIXEL;
    /* the candidates, those of them not magnified nor bent, those of them on one smooth
       surface: if any is left, the others filter only the samples they need */
    if (any_minified && mark_candidates(r, s, &w) && plan_footprints(r, s, &w) &&
        bv__classify_tile(r, s, &w)) {
        bv__tile_needed_samples(r, s, &w);
        shade_samples(r, s, &w, s->mask);
        resolve_pixels(r, s, &w);
    } else if (r->want_filtered) {
        shade_samples(r, s, &w, NULL);
        filter_and_write(r, s, &w);
    }
    if (r->want_data) write_data(r, s, &w);
    return BV_OK;
}
