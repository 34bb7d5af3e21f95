/* stb_image_write's PNG writer, compiled privately (static: no symbol clashes with another copy
 * of stb in the same process, e.g. inside Blender) and deflating with zlib through its
 * STBIW_ZLIB_COMPRESS hook: stb's own deflate was most of the time of writing a sheet. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include <zlib.h>

#include "png_encoder.h"

/* zlib's fastest level: on a sheet page of textured frames 2.4x faster than the default level
   (101 ms against 238 ms for 1170^2) for files 5% larger, which any PNG optimiser takes back */
#define BV__DEFLATE_LEVEL Z_BEST_SPEED

/* stb's compressor contract: a malloc'd zlib stream (freed by stb with STBIW_FREE = free), or
   NULL */
static unsigned char *zlib_compress(unsigned char *data, int size, int *r_size, int quality)
{
    (void)quality;
    uLongf bound = compressBound((uLong)size);
    if (bound > INT_MAX) return NULL;
    unsigned char *out = malloc(bound);
    if (!out) return NULL;
    if (compress2(out, &bound, data, (uLong)size, BV__DEFLATE_LEVEL) != Z_OK) {
        free(out);
        return NULL;
    }
    *r_size = (int)bound;
    return out;
}

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#define STBIW_ZLIB_COMPRESS zlib_compress
/* for the whole file (unused-function is reported at its end): the other formats' writers are
   compiled but unused, and stb is not written for -Wextra */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb_image_write.h>

static void append(void *context, void *data, int size)
{
    bv__bytes_append(context, data, (size_t)size);
}

/* Paeth on every row instead of stb's per-row trial of five filters: on sheet pages the files
   are as small (2.27 MB either way for a 1170^2 page) and the writing 20% faster. stb reads the
   choice from a variable of its own (static here): set once, before any encoding reads it. */
static pthread_once_t filter_once = PTHREAD_ONCE_INIT;

static void choose_filter(void)
{
    stbi_write_force_png_filter = 4; /* Paeth */
}

bool bv__png_encode(const uint8_t *rows, int width, int height, int channels, bv__bytes *r_png)
{
    pthread_once(&filter_once, choose_filter);
    return stbi_write_png_to_func(append, r_png, width, height, channels, rows, width * channels) &&
           !r_png->failed;
}
