/* bakeview: PNG output.
 *
 * Float images (row 0 at the bottom) become 8-bit PNG files (rows top-down). Colour channels go
 * through the exact sRGB curve or a display transform's LUT (color.h); alpha and non-colour data
 * are written as they are. Values are clamped to [0, 1] and rounded half up (Blender's
 * unit_float_to_uchar_clamp). The file is written to a temporary name beside the target and
 * renamed, so a reader never sees a partial file.
 *
 * Data (encoding LINEAR) may also be written with 16 bits per sample (bits = 16, libpng): each
 * value v becomes floor(v * 65535 + 0.5), clamped, for depth and other data that 256 levels
 * quantise too coarsely. */
#ifndef BAKEVIEW_PNG_H
#define BAKEVIEW_PNG_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "color.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_color_encoding {
    BV_ENCODING_SRGB = 0, /* colour: sRGB OETF on the first three channels */
    BV_ENCODING_LINEAR,   /* data (normal, depth, uv), or colour already display-encoded: values
                             written as they are */
    BV_ENCODING_LUT,      /* colour: RGB through bv_png_desc.lut (3 or 4 channels) */
} bv_color_encoding;

typedef struct bv_png_desc {
    const char *path;
    bv_floats pixels; /* width * height * channels floats, straight alpha */
    int width, height;
    int channels; /* 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) */
    bv_color_encoding encoding;
    const bv_color_lut *lut; /* BV_ENCODING_LUT: the display transform; borrowed for the call */
    /* Store colour premultiplied as engines mean it (TexturePacker's premultiplyAlpha): the 8-bit
       encoded colour times alpha, round(code * a) half up, alpha itself unchanged. Needs an
       alpha channel (2 or 4 channels). */
    bool premultiply;
    int bits; /* per sample: 8 (0: 8) or 16 (encoding LINEAR only) */
    /* Optional (palette_count 0: none): RGB triplets (8-bit codes); every pixel with alpha above 0
       takes the colour nearest its encoded colour (bv_palette_nearest). RGBA, 8 bits only. */
    const uint8_t *palette;
    int palette_count; /* 0 .. 256 */
} bv_png_desc;

/* Linear value -> 8-bit sRGB code (exact piecewise OETF, clamped, round half up). */
uint8_t bv_linear_to_srgb8(float linear);
/* [0, 1] value -> 8-bit code without a curve (clamped, round half up; NaN -> 0). */
uint8_t bv_unit_to_8bit(float value);
/* [0, 1] value -> 16-bit code without a curve (clamped, round half up; NaN -> 0). */
uint16_t bv_unit_to_16bit(float value);

bv_status bv_png_write(const bv_png_desc *desc);

/* The 8-bit codes bv_png_write would write (rows top-down), into out (width * height * channels
 * bytes); desc->path is not used. 8-bit only. */
bv_status bv_png_codes(const bv_png_desc *desc, uint8_t *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
