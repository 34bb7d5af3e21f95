/* Internal: 16-bit rows to PNG bytes in memory (libpng, deflated by zlib). */
#ifndef BV_PNG16_ENCODER_H
#define BV_PNG16_ENCODER_H

#include <stdbool.h>
#include <stdint.h>

#include "atomic_file.h"

#define BV__PNG16_MESSAGE_SIZE 160

/* Top-down rows of width * channels 16-bit samples, each big-endian (as PNG stores them: 2 bytes,
 * high byte first); channels 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). False on failure,
 * with libpng's reason (or "out of memory") in r_message; r_png may then hold a partial file. */
bool bv__png16_encode(const uint8_t *rows, int width, int height, int channels, bv__bytes *r_png,
                      char r_message[BV__PNG16_MESSAGE_SIZE]);

#endif
