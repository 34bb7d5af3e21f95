/* bakeview: image textures sampled as Blender's Image Texture node does in Cycles.
 *
 * Pixels are float RGBA, linear, straight alpha, row 0 at the bottom (Blender's Image.pixels).
 * Texel centres sit at (i + 0.5) / N in UV space. Linear interpolation blends alpha-premultiplied
 * texels and returns straight colour, so transparent texels never bleed their RGB. */
#ifndef BAKEVIEW_TEXTURE_H
#define BAKEVIEW_TEXTURE_H

#include <stdbool.h>

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_extension {
    BV_EXTENSION_REPEAT = 0, /* tile */
    BV_EXTENSION_EXTEND,     /* clamp to the edge texels */
    BV_EXTENSION_CLIP,       /* transparent black outside [0, 1] */
    BV_EXTENSION_MIRROR,     /* tile, every other copy mirrored */
} bv_extension;

typedef enum bv_interpolation {
    BV_INTERPOLATION_LINEAR = 0, /* bilinear */
    BV_INTERPOLATION_CLOSEST,    /* nearest texel */
} bv_interpolation;

typedef struct bv_texture_desc {
    bv_floats pixels; /* width * height * 4 floats; borrowed until bv_texture_destroy */
    int width, height;
    bv_extension extension;
    bv_interpolation interpolation;
    bool mipmaps; /* build a mip chain for the trilinear fast mode (bv_render_desc.mipmaps) */
} bv_texture_desc;

#define BV_MAX_TEXTURE_SIZE 65536 /* per side */

typedef struct bv_texture bv_texture;

/* Checks the pixels (finite, right count) and builds the mip chain if asked. The texture borrows
 * desc->pixels.ptr: keep it alive and unchanged until bv_texture_destroy. */
bv_status bv_texture_create(const bv_texture_desc *desc, bv_texture **r_texture);
void bv_texture_destroy(bv_texture *texture);

int bv_texture_level_count(const bv_texture *texture); /* 1 without mipmaps */

/* Straight RGBA at (u, v), with the texture's extension and interpolation. */
void bv_texture_sample(const bv_texture *texture, float u, float v, float r_rgba[4]);

/* Trilinear: blends the two mip levels around lod (0 = full size; clamped to the chain). */
void bv_texture_sample_lod(const bv_texture *texture, float u, float v, float lod,
                           float r_rgba[4]);

#ifdef __cplusplus
}
#endif
#endif
