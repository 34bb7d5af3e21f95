/* Internal: 8-bit rows to PNG bytes in memory (stb_image_write, deflated by zlib). */
#ifndef BV_PNG_ENCODER_H
#define BV_PNG_ENCODER_H

#include <stdbool.h>
#include <stdint.h>

#include "atomic_file.h"

/* Top-down rows of width * channels bytes; false when memory runs out. */
bool bv__png_encode(const uint8_t *rows, int width, int height, int channels, bv__bytes *r_png);

#endif
