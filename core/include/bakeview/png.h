/* bakeview: PNG output.
 *
 * Float images (row 0 at the bottom) become 8-bit PNG files (rows top-down). Colour channels go
 * through the exact sRGB curve; alpha and non-colour data are written linearly. Values are
 * clamped to [0, 1] and rounded half up. The file is written to a temporary name beside the
 * target and renamed, so a reader never sees a partial file. */
#ifndef BAKEVIEW_PNG_H
#define BAKEVIEW_PNG_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_color_encoding {
    BV_ENCODING_SRGB = 0, /* colour: sRGB OETF on the first three channels */
    BV_ENCODING_LINEAR,   /* data (normal, depth, uv): values written as they are */
} bv_color_encoding;

typedef struct bv_png_desc {
    const char *path;
    bv_floats pixels; /* width * height * channels floats */
    int width, height;
    int channels; /* 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) */
    bv_color_encoding encoding;
} bv_png_desc;

/* Linear value -> 8-bit sRGB code (exact piecewise OETF, clamped, round half up). */
uint8_t bv_linear_to_srgb8(float linear);
/* [0, 1] value -> 8-bit code without a curve (clamped, round half up; NaN -> 0). */
uint8_t bv_unit_to_8bit(float value);

bv_status bv_png_write(const bv_png_desc *desc);

#ifdef __cplusplus
}
#endif
#endif
