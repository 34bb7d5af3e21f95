/* bakeview: animated PNG (APNG) previews of a sheet's animations, and reading 8-bit PNG pages.
 *
 * An APNG is a PNG whose first frame any PNG reader shows, with the other frames and their
 * timing in chunks that browsers (Chromium, Firefox, Safari), image viewers and engines' importers
 * play: every frame here covers the whole canvas, replaces it (blend SOURCE, dispose NONE) and
 * lasts delay_num / delay_den seconds. Frames are 8-bit RGBA, straight alpha, rows top-down, as
 * the sheet's PNG holds them, so a preview shows exactly the sheet's pixels. */
#ifndef BAKEVIEW_APNG_H
#define BAKEVIEW_APNG_H

#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bv_apng_desc {
    const char *path; /* written atomically (temporary file, then rename) */
    int width, height; /* every frame's, 1 .. 65535 */
    const uint8_t *const *frames; /* frame_count pointers to width * height * 4 bytes each */
    int frame_count;              /* 1 .. 65535 */
    int delay_num, delay_den;     /* each frame's time in seconds as a fraction: 0..65535, 1..65535 */
    int plays;                    /* how many times it plays: 0 forever, at most 65535 */
} bv_apng_desc;

/* Writes the APNG; BV_ERROR_INVALID_ARGUMENT names what is wrong (nothing written),
 * BV_ERROR_OUT_OF_MEMORY, BV_ERROR_IO if the file cannot be written. */
bv_status bv_apng_write(const bv_apng_desc *desc);

/* Reads a PNG file as 8-bit RGBA, rows top-down (16-bit samples are reduced, grey and palette
 * images widened): *r_pixels (width * height * 4 bytes) is the caller's, freed with
 * bv_png_pixels_free. BV_ERROR_IO names the file and why it cannot be read. */
bv_status bv_png_read_rgba8(const char *path, uint8_t **r_pixels, int *r_width, int *r_height);
void bv_png_pixels_free(uint8_t *pixels);

#ifdef __cplusplus
}
#endif
#endif
