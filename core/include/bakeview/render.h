/* bakeview: render baked meshes from a Blender camera.
 *
 * A view is rasterised on a regular grid of samples x samples points per pixel (watertight
 * fixed-point edge functions, 8 sub-pixel bits, top-left rule, near/far clipping), every sample
 * taps the mesh's texture at its perspective-correct UV, and the colour and coverage are
 * reconstructed with Cycles' pixel filter. By default (BV_SAMPLES_AUTO) a pixel inside one
 * surface is instead one lookup of the texture integrated over the filter's footprint. Samples are also taken past the frame edge, as Cycles'
 * camera rays are, so border pixels see the whole filter.
 *
 * Data passes (depth, normal, uv, object id) are not blended across edges: each pixel takes the
 * surface under its grid sample nearest the pixel centre (the centre itself for odd `samples`).
 *
 * Output images are float, row 0 at the bottom, laid out as Blender's Image.pixels. */
#ifndef BAKEVIEW_RENDER_H
#define BAKEVIEW_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "filter.h"
#include "light.h"
#include "status.h"
#include "texture.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Matrices are 16 floats in row-major order, m[row * 4 + col], as a Python mathutils.Matrix reads
 * row by row: [x for row in M for x in row]. Points are column vectors: p' = M p. */

/* What a mesh's texture alpha does, as in the material Cycles renders. */
typedef enum bv_mesh_alpha {
    BV_MESH_ALPHA_IGNORED = 0, /* opaque, coloured by the tap as an Image Texture node's Color
                                  output whose Alpha output is unlinked gives it (premultiplied;
                                  channel-packed: as stored) */
    BV_MESH_ALPHA_COVERAGE,    /* alpha is the surface's opacity, as a Mix Shader by the node's
                                  Alpha between a Transparent BSDF and the colour: a bake of a
                                  material with holes. The colour is weighted by it (a channel-
                                  packed texture's colour multiplied by it). */
} bv_mesh_alpha;

/* A triangle mesh in the shape of Blender's loop_triangles. */
typedef struct bv_mesh {
    bv_floats positions; /* 3 floats per vertex, object space */
    bv_uints triangles;  /* 3 vertex indices per triangle (loop_triangles[i].vertices) */
    bv_floats uvs;       /* (u, v) per corner: 6 floats per triangle, or 2 per loop with `loops` */
    bv_floats normals;   /* optional object-space corner normals (split normals): 9 floats per
                            triangle, or 3 per loop with `loops`; empty: flat face normals */
    bv_uints loops;      /* optional: 3 loop indices per triangle (loop_triangles[i].loops); then
                            uvs and normals are per loop, as Blender's UV layer and corner normals */
    float matrix_world[16]; /* object -> world; all zeros means identity */
    const bv_texture *texture; /* colour source; may be NULL when no colour pass is asked for */
    bv_mesh_alpha alpha;       /* default: alpha ignored */
    uint32_t object_id;        /* written to the object id pass; below 2^24 (exact in float) */
    const bv_material *material; /* lit views (bv_render_desc.lighting): the channels besides the
                                    base colour, which is `texture`; NULL: all defaults */
    bv_floats tangents;        /* optional object-space tangents (MikkTSpace, Blender's
                                  calc_tangents): 3 floats per triangle corner, or per loop with
                                  `loops`; a material's normal map needs them */
    bv_floats bitangent_signs; /* 1 float per tangent: the bitangent is sign x cross(n, t) */
} bv_mesh;

/* A camera as Blender gives it: view = camera.matrix_world.inverted(), projection =
 * camera.calc_matrix_camera(depsgraph, x=width, y=height, scale_x=..., scale_y=...). Perspective
 * and orthographic projections are both accepted; the near and far planes clip. */
typedef struct bv_camera {
    float view[16];       /* world -> camera (camera looks down -Z) */
    float projection[16]; /* camera -> clip (OpenGL convention) */
    int width, height;    /* output size in pixels */
} bv_camera;

#define BV_MAX_SAMPLES 16       /* per axis */
/* samples = BV_SAMPLES_AUTO: coverage on a 4 x 4 grid, and each pixel whose filter support one
 * smooth surface covers (one mesh; triangles that share a vertex with the same UVs there and
 * face normals within about 8 degrees; no texture cut-outs) is shaded by one footprint-filtered
 * lookup: its texture integrated over the pixel filter mapped through the UV map's Jacobian, on
 * the mip chain when the texture has one. Other pixels (silhouettes, occlusion edges, UV seams,
 * creases, cut-outs) filter their 4 x 4 samples, each a trilinear tap at its own footprint when
 * the texture has mip levels. Data passes read the grid's sample nearest the pixel centre. */
#define BV_SAMPLES_AUTO 0
#define BV_MAX_IMAGE_SIZE 32768 /* per side, pixels */
#define BV_DEPTH_EMPTY 1.0e10f  /* depth where no surface is seen (Cycles' Z pass background) */
#define BV_OBJECT_ID_EMPTY (-1.0f)

/* The space the normal pass is written in. */
typedef enum bv_normal_space {
    BV_NORMAL_WORLD = 0, /* world space (Blender's) */
    BV_NORMAL_CAMERA,    /* the camera's: x right, y up, z toward the viewer (Blender's camera
                            space): the rotation of camera.view, without its scale, so that a
                            scaled camera object gives the same normals */
} bv_normal_space;

typedef struct bv_render_desc {
    bv_camera camera;
    const bv_mesh *meshes;
    size_t mesh_count;
    int samples;        /* grid of samples x samples per pixel (1..16: every sample taps the
                           texture at its point), or BV_SAMPLES_AUTO (the default) */
    bv_filter filter;   /* zero: Blackman-Harris */
    float filter_width; /* pixels; 0: 1.5 (Cycles' default) */
    float background[4]; /* straight linear RGBA behind the meshes; zeros: transparent */
    bool premultiplied;  /* colour pass with associated alpha; default straight */
    bool mipmaps;        /* fast mode: trilinear mip-mapped taps (textures need mipmaps) */
    bool cull_backfaces; /* default off: both sides render, as in Cycles */
    bv_normal_space normal_space; /* of the normal pass; default world */
    int threads;         /* workers; 0: one per core. The output never depends on it. */
    const bv_lighting *lighting; /* NULL: the colour pass is the texture as it is (unlit, e.g. a
                                    baked COMBINED); else each mesh's texture is its base colour,
                                    lit by these lights and world through its material */
} bv_render_desc;

/* Where the passes go. Each span is either empty (ptr NULL, pass skipped) or exactly
 * width * height * channels floats. At least one pass must be asked for. */
typedef struct bv_render_targets {
    bv_float_span color;     /* 4 channels: RGBA over the background */
    bv_float_span alpha;     /* 1: filtered coverage */
    bv_float_span depth;     /* 1: distance along the view axis; BV_DEPTH_EMPTY where empty */
    bv_float_span normal;    /* 3: unit normal facing the camera, in desc.normal_space; 0 where
                                empty */
    bv_float_span uv;        /* 2: texture coordinates; 0 where empty */
    bv_float_span object_id; /* 1: bv_mesh.object_id; BV_OBJECT_ID_EMPTY where empty */
} bv_render_targets;

/* Renders the view. On failure nothing is written to the targets. */
bv_status bv_render(const bv_render_desc *desc, const bv_render_targets *targets);

/* bv_render's checks (camera, options, every mesh and texture, the targets' counts) without
 * rendering, so that a caller can refuse bad input before allocating the targets: the passes are
 * asked for by their counts, and the pointers may still be NULL. */
bv_status bv_render_check(const bv_render_desc *desc, const bv_render_targets *targets);

#ifdef __cplusplus
}
#endif
#endif
