/* bakeview: image textures sampled as Blender's Image Texture node does in Cycles.
 *
 * Pixels are float RGBA, linear, row 0 at the bottom (Blender's Image.pixels); by default with
 * straight alpha (bv_texture_alpha says otherwise). Texel centres sit at (i + 0.5) / N in UV
 * space. Linear interpolation blends alpha-premultiplied texels, as Cycles does, so transparent
 * texels never bleed their RGB. */
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

/* How the texels hold alpha. Cycles reads a Blender float image's pixels as they are and takes
 * them as premultiplied, whatever its alpha_mode (STRAIGHT and PREMUL only change how a file is
 * read into those pixels): give such pixels as BV_TEXTURE_ALPHA_PREMULTIPLIED. */
typedef enum bv_texture_alpha {
    BV_TEXTURE_ALPHA_STRAIGHT = 0,   /* colour not multiplied by alpha (the default) */
    BV_TEXTURE_ALPHA_PREMULTIPLIED,  /* colour already multiplied by alpha: a Blender float image
                                        with alpha_mode STRAIGHT or PREMUL, as Cycles reads it */
    BV_TEXTURE_ALPHA_CHANNEL_PACKED, /* alpha unrelated to colour, never multiplied in nor divided
                                        out: alpha_mode CHANNEL_PACKED, or Non-Color data */
    BV_TEXTURE_ALPHA_IGNORE,         /* alpha read as 1: alpha_mode NONE */
} bv_texture_alpha;

typedef struct bv_texture_desc {
    bv_floats pixels; /* width * height * 4 floats; borrowed until bv_texture_destroy */
    int width, height;
    bv_extension extension;
    bv_interpolation interpolation;
    bool mipmaps; /* build a mip chain for the trilinear fast mode (bv_render_desc.mipmaps) */
    bv_texture_alpha alpha; /* default straight */
} bv_texture_desc;

#define BV_MAX_TEXTURE_SIZE 65536 /* per side */

typedef struct bv_texture bv_texture;

/* Checks the pixels (finite, right count) and builds the mip chain if asked. The texture borrows
 * desc->pixels.ptr: keep it alive and unchanged until bv_texture_destroy. */
bv_status bv_texture_create(const bv_texture_desc *desc, bv_texture **r_texture);
void bv_texture_destroy(bv_texture *texture);

int bv_texture_level_count(const bv_texture *texture); /* 1 without mipmaps */

/* RGBA at (u, v), with the texture's extension and interpolation, as the Color and Alpha outputs
 * of an Image Texture node whose Alpha output is linked give it: straight colour (divided by the
 * interpolated alpha), except for channel-packed and ignored alpha, whose colour is as stored. */
void bv_texture_sample(const bv_texture *texture, float u, float v, float r_rgba[4]);

/* Trilinear: blends the two mip levels around lod (0 = full size; clamped to the chain). */
void bv_texture_sample_lod(const bv_texture *texture, float u, float v, float lod,
                           float r_rgba[4]);

#ifdef __cplusplus
}
#endif
#endif
