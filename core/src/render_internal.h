/* Internal: the state of one bv_render call, shared by the set-up stages (render.c) and the
 * per-tile work (tile.c). Everything here lives for one call. */
#ifndef BV_RENDER_INTERNAL_H
#define BV_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cglm/cglm.h>

#include <bakeview/render.h>

#include "clip.h"
#include "footprint.h"
#include "kernel.h"
#include "raster.h"
#include "light/shade.h"

#define BV__PRIM_NONE UINT32_MAX
/* Spare samples at the end of the key and prim buffers: the rasteriser's vectors of eight may
 * read (and write back unchanged) up to seven samples past a window's last. */
#define BV__SCRATCH_SPARE 7
#define BV__AUTO_GRID 4 /* BV_SAMPLES_AUTO's coverage grid, per axis */
/* BV_SAMPLES_AUTO's pixels */
enum { BV__PIXEL_EDGE = 0, /* the support's samples are shaded and filtered */
       BV__PIXEL_SMOOTH }; /* one smooth surface, minified: one footprint lookup */

enum { BV__TRI_HIDDEN = 0, BV__TRI_DIRECT, BV__TRI_CLIPPED };
/* BV_SAMPLES_AUTO: how minified a triangle's texture may be somewhere in view */
enum { BV__MINIFIED_PIXEL = 1, /* its pixels may be footprint lookups */
       BV__MINIFIED_CELL = 2 };  /* its samples may tap their cell's footprint */

/* A vertex after the camera transform. */
typedef struct bv__vertex {
    float clip[4];     /* clip-space position */
    float depth;       /* distance along the view axis (Blender's Z pass) */
    float key;         /* depth-test key, larger is nearer, linear on screen (valid if !outcode) */
    int64_t fx, fy;    /* snapped screen position (valid if !outcode) */
    unsigned outcode;  /* clip planes the vertex is outside of */
} bv__vertex;

/* A mesh as the renderer uses it. */
typedef struct bv__mesh_state {
    const bv_mesh *mesh;
    size_t vertex_base;     /* index of its first vertex in the render's vertex array */
    uint32_t triangle_base; /* its first primitive id */
    uint32_t triangle_count;
    mat3 normal_matrix;     /* object -> the normal pass's space (desc.normal_space) for
                               normals: the inverse transpose, then world -> camera's rotation */
    bool negative_scale;    /* mirrored: the winding seen from outside flips */
    mat3 normal_world;      /* object -> world for normals (lit views) */
    mat3 linear_world;      /* object -> world for directions: tangents (lit views) */
    /* column-major like mat4, but plain floats: heap memory is not aligned as cglm's SIMD paths
       need (32 bytes with AVX), so tasks copy these into aligned locals */
    float model[16];
    float model_view[16];
    float model_view_projection[16];
} bv__mesh_state;

typedef struct bv__tri_bounds {
    int32_t sx0, sy0, sx1, sy1; /* samples that may be covered */
    uint8_t state;              /* BV__TRI_* */
    uint8_t minified;           /* BV_SAMPLES_AUTO: BV__MINIFIED_* bits (bv__prim_minified) */
} bv__tri_bounds;

/* Samples first .. end - 1 of a row show one primitive of mesh `mesh`. */
typedef struct bv__shade_run {
    int first, end;
    const bv_mesh *mesh;
    int lit_span; /* lit views: its first span in bv__scratch.lit */
} bv__shade_run;

/* Per-worker scratch, sized for the largest tile. */
typedef struct bv__scratch {
    float *key;     /* depth-test key of each sample, larger is nearer */
    uint32_t *prim; /* primitive each sample shows, BV__PRIM_NONE where empty */
    float *color;  /* 4 per sample */
    float *rows;      /* 4 per (sample column x tile pixel row): the vertical filter pass */
    float *color_row; /* 4 per tile pixel column: the horizontal filter pass */
    int64_t *column_x;
    double *column_ndc; /* x of each sample column in NDC */
    float *uvl;            /* 3 per sample column: u, v and level of detail, of one row */
    bv__shade_run *runs;   /* a row's runs, at most one per sample column */
    struct bv__lit_span *lit; /* lit views: a row's lighting, one span per pixel of a run (or
                                 per sample), at most one per sample column */
    struct bv__lit_entry *lit_cache; /* lit views, pixel rate: lighting by (pixel, primitive),
                                        BV__LIT_SLOTS per sample column (more than enough) */
    /* BV_SAMPLES_AUTO: */
    uint8_t *mask;       /* per sample: first where the surface breaks, then whether an edge
                            pixel reads it */
    float *footprints;   /* per tile pixel of one smooth surface: u, v and the UV Jacobian */
    float *cell_jacobian; /* per sample column of a row: the UV Jacobian per pixel there */
    uint8_t *pixel_kind; /* per tile pixel: BV__PIXEL_* */
    uint8_t *line;       /* two sample rows' worth of scratch */
} bv__scratch;

/* Samples up to `end` (exclusive) of a row share this lighting. */
typedef struct bv__lit_span {
    int end;
    float diffuse[3], glossy[3];
} bv__lit_span;

/* Lighting of one primitive at one pixel (BV_SHADING_PIXEL), kept while the pixel's samples are
 * shaded: BV__LIT_SLOTS entries per pixel column of the tile's window, the slot chosen by the
 * primitive's low bits (the few primitives of a pixel are usually neighbours). A primitive that
 * continues the surface of the pixel's own (the one its middle sample shows: same mesh, a shared
 * vertex, face normals within about 8 degrees, as a smooth surface's triangles meeting in the
 * pixel) takes that one's lighting. Entries are a pure function of their key, so what the cache
 * holds never changes the image. */
#define BV__LIT_SLOTS 4 /* a power of two */
typedef struct bv__lit_entry {
    int32_t px, py;
    uint32_t prim; /* BV__PRIM_NONE: empty */
    const void *mesh;
    uint32_t vertices[3];
    float face[3]; /* the unit face normal, world space */
    float diffuse[3], glossy[3];
} bv__lit_entry;

typedef struct bv__render {
    const bv_render_desc *desc;
    bv_render_targets targets;
    int width, height;
    bool perspective;
    bool want_color, want_filtered, want_data;
    /* a shadow map (bv__render_depth_map) seen orthographically at one sample a pixel: the depth
       is the sample's depth key, affine in it: depth = (key + key_to_depth[1]) / key_to_depth[0] */
    bool depth_from_keys;
    float key_to_depth[2];
    bool any_coverage; /* a mesh's texture alpha is coverage (BV_MESH_ALPHA_COVERAGE) */
    bool lit_wanted;   /* desc.lighting is set and the colour pass asked for */
    bv__lit *lit;      /* lit views (desc.lighting and a colour pass), else NULL */
    float *world_positions; /* lit views: 3 per vertex, world space */
    float *face_normals;    /* BV_SAMPLES_AUTO with a colour pass: unit face normal per visible
                               triangle, object space */
    bv_filter filter;
    float filter_width;
    bool footprint;  /* BV_SAMPLES_AUTO: pixels inside one surface are footprint lookups */
    bool any_unsmooth; /* a mesh whose every sample breaks the surface (tile_surface.c) */
    bv__footprint_filter footprint_filter;
    float cell_sigma; /* BV_SAMPLES_AUTO: a sample cell's standard deviation, pixels */
    float background[4]; /* premultiplied */
    bv__grid grid;
    bv__kernel kernel;
    bv__clip_planes planes;

    bv__mesh_state *meshes;
    size_t mesh_count;
    size_t vertex_count;
    uint32_t triangle_count;
    bv__vertex *vertices;
    bv__tri_bounds *tris;

    int tile_size; /* pixels */
    int tiles_x, tiles_y;
    size_t *bin_start;   /* tiles + 1 offsets into bin_prims */
    uint32_t *bin_prims; /* primitive ids, ascending within each tile */

    int workers;      /* for the set-up stages */
    int tile_workers; /* for tiles: no more than there are tiles */
    bv__scratch *scratch;
    size_t scratch_samples; /* capacity of one scratch, in samples */
} bv__render;

/* A tile's sample window: columns sx0 .. sx0 + sw - 1, rows sy0 .. sy0 + sh - 1. */
typedef struct bv__window {
    int px0, py0, tw, th; /* output pixels */
    int sx0, sy0, sw, sh; /* samples */
} bv__window;

/* Per-tile work is compiled twice, for plain x86-64 and for AVX2 (x86-64-v3), and the loader
 * picks the one the CPU runs (GCC's function multi-versioning); flatten puts every step into
 * each copy. Without FMA contraction (-ffp-contract=off, CMakeLists.txt) or reassociation both
 * give the same bits, so the image does not depend on the CPU (checked by hand: 1x1..8x8, with
 * and without mipmaps, every pass). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(BV_NO_TILE_CLONES)
#define BV__TILE_CLONES __attribute__((target_clones("arch=x86-64-v3", "default"), flatten))
#else
#define BV__TILE_CLONES
#endif

/* Whether any of the eight bytes at p is non-zero. */
static inline bool bv__any_byte8(const uint8_t *p)
{
    uint64_t word;
    memcpy(&word, p, sizeof word);
    return word != 0;
}

/* Whether the render taps mesh m's texture: for the colour pass, and for the alpha pass when the
 * texture's alpha is coverage. */
static inline bool bv__mesh_textured(const bv__render *r, const bv_mesh *m)
{
    return r->want_color || (r->want_filtered && m->alpha == BV_MESH_ALPHA_COVERAGE);
}

/* Whether mesh m's samples of zero texture alpha are holes that the surfaces behind show through
 * (its alpha is coverage and the render taps its texture). */
static inline bool bv__mesh_cutout(const bv__render *r, const bv_mesh *m)
{
    return m->alpha == BV_MESH_ALPHA_COVERAGE && r->want_filtered && m->texture != NULL;
}

/* The texture alpha of primitive `prim` at an NDC position, as shading taps it (tile.c). */
float bv__prim_alpha(const bv__render *render, uint32_t prim, double x_ndc, double y_ndc);

/* BV_SAMPLES_AUTO: BV__MINIFIED_* bits for primitive `prim` (of a textured mesh with UVs): whether
 * its texture may be minified enough somewhere that a pixel of it is a footprint lookup, or a
 * sample of it taps its cell's footprint. Judged at its corners, where a projective map's
 * Jacobian is largest and smallest, with a margin; a corner behind the eye counts as both. */
uint8_t bv__prim_minified(const bv__render *render, uint32_t prim);

/* Renders tile `index` into the targets; cannot fail. */
bv_status bv__render_tile(void *render, int index, int worker);

/* BV_SAMPLES_AUTO: turns the smooth candidates of s->pixel_kind whose support does not show one
 * smooth surface into edge pixels (s->mask is scratch); returns how many stay smooth
 * (tile_surface.c). */
int bv__classify_tile(const bv__render *render, bv__scratch *s, const bv__window *w);

/* BV_SAMPLES_AUTO: s->mask = the samples that the tile's edge pixels read (tile_surface.c). */
void bv__tile_needed_samples(const bv__render *render, bv__scratch *s, const bv__window *w);

/* Rasterises the bin of the tile in window `w` into the worker's sample buffers (key, prim),
 * which it clears first; s->column_x must hold the window's column positions (tile_raster.c). */
void bv__raster_tile(const bv__render *render, bv__scratch *s, const bv__window *w, int tile);

/* The mesh that owns primitive id `prim`. */
const bv__mesh_state *bv__mesh_of_prim(const bv__render *render, uint32_t prim);

/* Rasterises one clipped polygon of primitive `prim` (used by set-up for bounds and by tiles). */
int bv__clip_polygon(const bv__render *render, uint32_t prim, int64_t r_fx[BV__CLIP_MAX_VERTICES],
                     int64_t r_fy[BV__CLIP_MAX_VERTICES], float r_key[BV__CLIP_MAX_VERTICES]);

/* Screen position (pixels) of clip-space point p, and its depth key. */
void bv__project(const bv__render *render, const float p[4], int64_t *r_fx, int64_t *r_fy, float *r_key);

/* bv_render for a shadow map: the depth target alone; under an orthographic projection at one
 * sample a pixel the depth comes from the rasteriser's key, not from barycentrics (the same to
 * a micrometre at a map's tens of metres, at a fraction of the cost). */
bv_status bv__render_depth_map(const bv_render_desc *desc, const bv_render_targets *targets);

#endif
