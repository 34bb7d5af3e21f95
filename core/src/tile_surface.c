/* BV_SAMPLES_AUTO: whether each candidate pixel's filter support holds one smooth surface, and
 * which samples edge pixels read.
 *
 * A candidate (a pixel whose centre shows a triangle whose texture may be minified, tile.c) stays
 * a footprint lookup when its whole support shows one smooth surface; the other pixels (edge
 * pixels) filter their samples. The surface breaks at a sample that shows nothing, and between
 * two neighbouring samples (right or above) unless they show the same triangle or triangles of
 * one mesh that share a vertex with the same UVs there and face normals within about 8 degrees:
 * a UV seam, a crease, another part of the mesh behind and another mesh all break it. Every
 * sample of a cut-out mesh, or of a textured mesh without UVs, breaks it too. A break is marked
 * on both samples of the pair, which may call a pixel whose support ends between them an edge:
 * never the reverse.
 *
 * Everything is a function of the tile's sample buffers and the meshes, so the kinds do not
 * depend on the worker. */
#include <string.h>

#include <cglm/cglm.h>

#include "render_internal.h"

#define SMOOTH_COS 0.99f     /* face normals within about 8 degrees */
#define PAIR_CACHE_SIZE 1024 /* a power of two */

typedef struct pair_entry {
    uint32_t a, b; /* a < b; a == b: empty */
    bool smooth;
} pair_entry;

static size_t corner(const bv_mesh *m, uint32_t local, int k)
{
    return m->loops.count ? m->loops.ptr[3 * (size_t)local + (size_t)k] : 3 * (size_t)local + (size_t)k;
}

/* Whether primitives a != b continue one smooth surface. */
static bool smooth_pair(const bv__render *r, uint32_t a, uint32_t b)
{
    const bv__mesh_state *ms = bv__mesh_of_prim(r, a);
    if (b < ms->triangle_base || b - ms->triangle_base >= ms->triangle_count) return false;
    if (glm_vec3_dot(r->face_normals + 3 * (size_t)a, r->face_normals + 3 * (size_t)b) < SMOOTH_COS)
        return false;
    const bv_mesh *m = ms->mesh;
    const uint32_t la = a - ms->triangle_base, lb = b - ms->triangle_base;
    const uint32_t *ta = m->triangles.ptr + 3 * (size_t)la, *tb = m->triangles.ptr + 3 * (size_t)lb;
    const bool uvs = r->want_color && m->uvs.count;
    bool shared = false;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            if (ta[i] != tb[j]) continue;
            shared = true;
            if (uvs) {
                const float *ua = m->uvs.ptr + 2 * corner(m, la, i), *ub = m->uvs.ptr + 2 * corner(m, lb, j);
                if (ua[0] != ub[0] || ua[1] != ub[1]) return false; /* a UV seam */
            }
        }
    return shared;
}

static bool smooth_cached(const bv__render *r, uint32_t a, uint32_t b, pair_entry *cache)
{
    if (a > b) {
        const uint32_t t = a;
        a = b, b = t;
    }
    pair_entry *e = &cache[(a * 2654435761u ^ b) & (PAIR_CACHE_SIZE - 1)];
    if (e->a != e->b && e->a == a && e->b == b) return e->smooth;
    e->a = a, e->b = b, e->smooth = smooth_pair(r, a, b);
    return e->smooth;
}

/* Whether every sample of mesh m breaks the surface. */
static bool breaks_alone(const bv__render *r, const bv_mesh *m)
{
    return bv__mesh_cutout(r, m) || (r->want_color && !m->uvs.count);
}

/* Marks brk (one byte per sample of the window) where the surface breaks, in sample columns
 * i0 .. i1 - 1 and rows j0 .. j1 - 1 (pairs reaching out of them are not looked at). */
static void mark_breaks(const bv__render *r, const bv__scratch *s, const bv__window *w, int i0, int i1,
                        int j0, int j1, uint8_t *restrict brk)
{
    const int sw = w->sw, cols = i1 - i0;
    const uint32_t *restrict prim = s->prim; /* restrict: byte stores alias nothing, so the loops
                                                 vectorise */
    for (int j = j0; j < j1; j++) {
        const uint32_t *restrict row = prim + (size_t)j * sw + i0;
        uint8_t *restrict b = brk + (size_t)j * sw + i0;
        for (int i = 0; i < cols; i++) b[i] = row[i] == BV__PRIM_NONE;
        if (r->any_unsmooth) {
            uint32_t last = BV__PRIM_NONE;
            bool alone = false;
            for (int i = 0; i < cols; i++) {
                const uint32_t p = row[i];
                if (p == BV__PRIM_NONE) continue;
                if (p != last) last = p, alone = breaks_alone(r, bv__mesh_of_prim(r, p)->mesh);
                b[i] |= alone;
            }
        }
    }
    pair_entry cache[PAIR_CACHE_SIZE];
    memset(cache, 0, sizeof cache);
    uint8_t *restrict right = s->line, *restrict up = s->line + sw + 8; /* per sample of a row:
        another surface (not nothing) on its right, above */
    memset(right + cols, 0, 8);
    /* the last pair seen on each side and its verdict: along an edge the same pair repeats */
    uint32_t memo_a[2] = {BV__PRIM_NONE, BV__PRIM_NONE}, memo_b[2] = {BV__PRIM_NONE, BV__PRIM_NONE};
    bool memo_smooth[2] = {false, false};
    for (int j = j0; j < j1; j++) {
        const uint32_t *restrict row = prim + (size_t)j * sw + i0;
        const uint32_t *restrict above = j + 1 < j1 ? row + sw : row;
        for (int i = 0; i + 1 < cols; i++)
            right[i] = (row[i] != row[i + 1]) & (row[i] != BV__PRIM_NONE) & (row[i + 1] != BV__PRIM_NONE);
        right[cols - 1] = 0;
        for (int i = 0; i < cols; i++)
            up[i] = (row[i] != above[i]) & (row[i] != BV__PRIM_NONE) & (above[i] != BV__PRIM_NONE);
        for (int i = 0; i < cols; i++) right[i] |= up[i] << 1;
        uint8_t *b = brk + (size_t)j * sw + i0;
        for (int k0 = 0; k0 < cols; k0 += 8) {
            if (!bv__any_byte8(right + k0)) continue; /* eight samples like their neighbours */
            for (int i = k0; i < k0 + 8 && i < cols; i++) {
                if (!right[i]) continue;
                const uint32_t p = row[i];
                for (int side = 0; side < 2; side++) {
                    if (!(right[i] >> side & 1)) continue;
                    const uint32_t q = side == 0 ? row[i + 1] : above[i];
                    if (p != memo_a[side] || q != memo_b[side]) {
                        memo_a[side] = p, memo_b[side] = q;
                        memo_smooth[side] = smooth_cached(r, p, q, cache);
                    }
                    if (!memo_smooth[side]) b[i] = b[side == 0 ? i + 1 : sw + i] = 1;
                }
            }
        }
    }
}

/* Whether any of bytes p[0 .. len - 1] is set; p has 8 readable bytes past len. */
static inline bool any_byte(const uint8_t *p, int len)
{
    uint64_t any = 0;
    for (int k = 0; k < len; k += 8) {
        uint64_t word;
        memcpy(&word, p + k, sizeof word);
        if (len - k < 8) word &= (~(uint64_t)0) >> (8 * (8 - (len - k))); /* little-endian */
        any |= word;
    }
    return any != 0;
}

BV__TILE_CLONES int bv__classify_tile(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, len = r->kernel.count, sw = w->sw, tw = w->tw, th = w->th;
    uint8_t *restrict brk = s->mask;
    /* the smooth candidates' bounding box, and the samples their supports hold */
    int x0 = tw, x1 = -1, y0 = th, y1 = -1, smooth = 0;
    for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++)
            if (s->pixel_kind[(size_t)y * (size_t)tw + x] == BV__PIXEL_SMOOTH) {
                x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
            }
    if (x1 < 0) return 0;
    const int i0 = n * x0, i1 = n * x1 + len, j0 = n * y0, j1 = n * y1 + len;
    mark_breaks(r, s, w, i0, i1, j0, j1, brk);
    /* each candidate's support: sample rows n y .. n y + len - 1 ORed down, then across */
    uint8_t *restrict broken = s->line;
    memset(broken + i1, 0, 8);
    for (int y = y0; y <= y1; y++) {
        uint8_t *restrict kind = s->pixel_kind + (size_t)y * (size_t)tw;
        memset(broken + i0, 0, (size_t)(i1 - i0));
        for (int t = 0; t < len; t++) {
            const uint8_t *restrict b = brk + (size_t)(n * y + t) * (size_t)sw;
            for (int i = i0; i < i1; i++) broken[i] |= b[i];
        }
        for (int x = x0; x <= x1; x++) {
            if (kind[x] != BV__PIXEL_SMOOTH) continue;
            if (any_byte(broken + n * x, len)) kind[x] = BV__PIXEL_EDGE;
            else smooth++;
        }
    }
    return smooth;
}

void bv__tile_needed_samples(const bv__render *r, bv__scratch *s, const bv__window *w)
{
    const int n = r->grid.n, len = r->kernel.count, sw = w->sw, sh = w->sh, tw = w->tw, th = w->th;
    /* sample row j belongs to pixel rows y with n y <= j < n y + len; there, the columns of each
       edge pixel's support */
    uint8_t *restrict edge_columns = s->line;
    const uint8_t *restrict kinds = s->pixel_kind;
    for (int j = 0; j < sh; j++) {
        const int y0 = j - len + 1 <= 0 ? 0 : (j - len + n) / n, y1 = j / n < th - 1 ? j / n : th - 1;
        memset(edge_columns, 0, (size_t)tw);
        for (int y = y0; y <= y1; y++)
            for (int x = 0; x < tw; x++)
                edge_columns[x] |= kinds[(size_t)y * (size_t)tw + x] == BV__PIXEL_EDGE;
        uint8_t *restrict needed = s->mask + (size_t)j * (size_t)sw;
        memset(needed, 0, (size_t)sw);
        for (int x = 0; x < tw; x++)
            if (edge_columns[x]) memset(needed + n * x, 1, (size_t)len);
    }
}
