/* PNG output: encoded in memory by stb_image_write, then written atomically. */
#include <math.h>

#include <stb_image_write.h>

#include <bakeview/png.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"

uint8_t bv_linear_to_srgb8(float linear)
{
    if (!(linear > 0.0f)) return 0; /* also NaN */
    if (linear >= 1.0f) return 255;
    const double v = linear < 0.0031308f ? 12.92 * linear : 1.055 * pow(linear, 1.0 / 2.4) - 0.055;
    return (uint8_t)floor(v * 255.0 + 0.5);
}

uint8_t bv_unit_to_8bit(float value)
{
    if (!(value > 0.0f)) return 0;
    if (value >= 1.0f) return 255;
    return (uint8_t)floor((double)value * 255.0 + 0.5);
}

static void append_to_bytes(void *context, void *data, int size)
{
    bv__bytes_append(context, data, (size_t)size);
}

static bv_status check_desc(const bv_png_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: desc is NULL");
    if (!d->path || !d->path[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: path is empty");
    if (d->width <= 0 || d->height <= 0 || d->width > 65535 || d->height > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: size %d x %d is outside 1..65535", d->width,
                        d->height);
    if (d->channels < 1 || d->channels > 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: channels %d is outside 1..4", d->channels);
    if ((unsigned)d->encoding > BV_ENCODING_LINEAR)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: unknown encoding %d", (int)d->encoding);
    const size_t expected = (size_t)d->width * (size_t)d->height * (size_t)d->channels;
    if (!d->pixels.ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: pixels is NULL");
    if (d->pixels.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: pixels holds %zu floats, %d x %d x %d needs %zu",
                        d->pixels.count, d->width, d->height, d->channels, expected);
    return BV_OK;
}

/* 8-bit rows, top-down. Colour channels (RGB, or grey) take the sRGB curve; alpha never does. */
static void encode(const bv_png_desc *d, uint8_t *out)
{
    const int c = d->channels;
    const int colour_channels = (c == 2 || c == 4) ? c - 1 : c;
    for (int y = 0; y < d->height; y++) {
        const float *src = d->pixels.ptr + (size_t)(d->height - 1 - y) * (size_t)d->width * (size_t)c;
        uint8_t *dst = out + (size_t)y * (size_t)d->width * (size_t)c;
        for (size_t i = 0; i < (size_t)d->width * (size_t)c; i++) {
            const bool colour = d->encoding == BV_ENCODING_SRGB && (int)(i % (size_t)c) < colour_channels;
            dst[i] = colour ? bv_linear_to_srgb8(src[i]) : bv_unit_to_8bit(src[i]);
        }
    }
}

bv_status bv_png_write(const bv_png_desc *d)
{
    bv_status status = check_desc(d);
    if (status != BV_OK) return status;
    uint8_t *bytes = bv__alloc_array((size_t)d->width * (size_t)d->height, (size_t)d->channels);
    if (!bytes) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory for %d x %d", d->width, d->height);
    encode(d, bytes);

    bv__bytes png = {0};
    const int ok = stbi_write_png_to_func(append_to_bytes, &png, d->width, d->height, d->channels,
                                          bytes, d->width * d->channels);
    BV_FREE(bytes);
    if (!ok || png.failed) {
        bv__bytes_free(&png);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory encoding %s", d->path);
    }
    status = bv__write_file_atomic("png", d->path, png.data, png.size);
    bv__bytes_free(&png);
    return status;
}
