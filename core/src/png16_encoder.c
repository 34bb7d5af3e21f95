/* 16-bit PNG through libpng, written to memory. stb_image_write (png_encoder.c) writes 8-bit
 * samples only; depth sheets need more than 256 levels.
 *
 * libpng reports errors by calling an error function that must not return: ours keeps the message
 * (libpng's default prints it to stderr, and the library never prints) and jumps back to the one
 * setjmp point in bv__png16_encode, which frees libpng's structures and returns false. Nothing
 * that changes after setjmp is read after the jump, so no local needs to be volatile. Warnings
 * are dropped: they describe nothing this writer's input can cause. */
#include <stdio.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "png16_encoder.h"

/* zlib's fastest level and Paeth on every row, as png_encoder.c chooses for 8-bit pages (there:
   2.4x faster than the default level for files 5% larger; Paeth as small as per-row trials) */
#define BV__PNG16_DEFLATE_LEVEL Z_BEST_SPEED

typedef struct bv__png16_context {
    bv__bytes *out;
    char *message;
} bv__png16_context;

static void on_error(png_structp png, png_const_charp message)
{
    bv__png16_context *context = png_get_error_ptr(png);
    snprintf(context->message, BV__PNG16_MESSAGE_SIZE, "%s", message ? message : "libpng failed");
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static void write_bytes(png_structp png, png_bytep data, size_t length)
{
    bv__png16_context *context = png_get_io_ptr(png);
    bv__bytes_append(context->out, data, length);
}

static void flush_nothing(png_structp png) { (void)png; }

bool bv__png16_encode(const uint8_t *rows, int width, int height, int channels, bv__bytes *r_png,
                      char r_message[BV__PNG16_MESSAGE_SIZE])
{
    static const int colour_types[4] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                        PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    bv__png16_context context = {r_png, r_message};
    snprintf(r_message, BV__PNG16_MESSAGE_SIZE, "out of memory");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) { /* on_error jumped here; the message is in r_message */
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &context, write_bytes, flush_nothing);
    png_set_compression_level(png, BV__PNG16_DEFLATE_LEVEL);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_PAETH);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 16, colour_types[channels - 1],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    const size_t stride = (size_t)width * (size_t)channels * 2;
    for (int y = 0; y < height; y++) png_write_row(png, rows + (size_t)y * stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (r_png->failed) return false; /* the message says: out of memory */
    r_message[0] = '\0';
    return true;
}
