/* bakeview: frames of a sprite sheet: trimming, identical frames, composing pages.
 *
 * Frames are float RGBA images in the renderer's layout (row 0 at the bottom). Rectangles here use
 * the sheet's convention: x right, y DOWN from the top-left pixel, as PNG rows and TexturePacker's
 * JSON do. */
#ifndef BAKEVIEW_SHEET_H
#define BAKEVIEW_SHEET_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bv_rect {
    int x, y, width, height; /* y down from the top row */
} bv_rect;

/* The smallest rectangle (y down) holding every pixel whose alpha (channel `channels - 1`) is
 * strictly above `threshold`; a NaN alpha counts as 0. An image with no such pixel gives
 * {0, 0, 0, 0}. With 1 or 3 channels there is no alpha and the whole image is kept. Fails on a
 * NaN threshold, channels outside 1..4, a size below 1 x 1, or a pixel count other than
 * width * height * channels (then *r_bounds is {0, 0, 0, 0}). */
bv_status bv_trim_bounds(bv_floats pixels, int width, int height, int channels, float threshold,
                         bv_rect *r_bounds);

/* A 64-bit hash (FNV-1a) of a rectangle's size, the channel count and its pixels' bit patterns,
 * rows top first, for finding identical frames: rectangles bv_rect_pixels_equal calls equal hash
 * equal, wherever they lie; compare with bv_rect_pixels_equal before trusting a match. The value
 * is the same on every platform. Fails if the rectangle is not inside the image. */
bv_status bv_rect_hash(bv_floats pixels, int width, int height, int channels, bv_rect rect,
                       uint64_t *r_hash);

/* True if the two rectangles have the same size and hold the same pixels, bit for bit (so -0 and
 * +0 differ, and a NaN equals the same NaN). False too if an argument is invalid: a rectangle
 * outside its image, a buffer of the wrong size, channels outside 1..4. */
bool bv_rect_pixels_equal(bv_floats a, int a_width, int a_height, bv_rect a_rect, bv_floats b,
                          int b_width, int b_height, bv_rect b_rect, int channels);

typedef struct bv_blit_desc {
    bv_floats source; /* width * height * channels, row 0 at the bottom */
    int source_width, source_height;
    bv_rect source_rect; /* the part to copy (y down) */
    bv_float_span page;  /* page_width * page_height * channels, row 0 at the bottom */
    int page_width, page_height;
    int x, y;            /* the top-left pixel of the area the copy occupies in the page (y down),
                            extrusion not included: the packer's x, y and the JSON's frame.x, y */
    int channels;        /* the same for source and page: 1 to 4 */
    bool rotated;        /* turn 90 degrees clockwise (the packer's rotated flag), see bv_blit */
    int extrude;         /* repeat the edge pixels this many times around the copy; 0: none */
} bv_blit_desc;

/* Copies one frame's rectangle into a page.
 *
 * Unrotated, the copy occupies source_rect.width x source_rect.height page pixels and pixel
 * (u, v) of the rectangle (y down, from its top-left) lands at (x + u, y + v).
 *
 * Rotated, the frame is stored turned 90 degrees clockwise, as TexturePacker's "rotated": the copy
 * occupies source_rect.height x source_rect.width page pixels and pixel (u, v) lands at
 * (x + source_rect.height - 1 - v, y + u). The rectangle's top-left pixel is the copy's top-right
 * one, its bottom-left pixel the copy's top-left one. A loader turns it back counter-clockwise:
 * PixiJS (Texture rotate = groupD8.S = 2) and Phaser (Frame.updateUVsInverted) read it so.
 *
 * Extrusion fills the `extrude` pixels around the copy with its nearest edge pixel: the edges are
 * repeated outwards and each corner block takes the corner pixel.
 *
 * Fails, writing nothing, if the copy and its extrusion do not lie inside the page, the rectangle
 * is not inside the source, a buffer's count is not width * height * channels, channels is outside
 * 1..4, extrude is negative, or source and page share memory. An empty rectangle (0 wide or high)
 * writes nothing and succeeds. */
bv_status bv_blit(const bv_blit_desc *desc);

#ifdef __cplusplus
}
#endif
#endif
