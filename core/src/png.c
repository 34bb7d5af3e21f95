/* PNG output: floats to 8-bit rows, encoded in memory (png_encoder.c), then written atomically. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <bakeview/pixel_art.h>
#include <bakeview/png.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"
#include "png16_encoder.h"
#include "png_encoder.h"

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
    return (uint8_t)((double)value * 255.0 + 0.5); /* positive: truncation is floor */
}

uint16_t bv_unit_to_16bit(float value)
{
    if (!(value > 0.0f)) return 0;
    if (value >= 1.0f) return 65535;
    return (uint16_t)((double)value * 65535.0 + 0.5);
}

/* bv_linear_to_srgb8 without a pow per value, the same bit for bit. threshold[k - 1] is the
 * smallest float whose code is k, found from the function itself (it is monotone); bucket[i] is
 * the code of i / BUCKETS, a lower bound for the codes of its bucket, which a value then raises
 * past the thresholds at or below it (at most a step or two: the curve is never steeper than
 * about one code per bucket). */
#define BV__SRGB_BUCKETS 4096

typedef struct srgb_table {
    float threshold[255];
    uint8_t bucket[BV__SRGB_BUCKETS];
} srgb_table;

static float float_of_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static void srgb_table_init(srgb_table *t)
{
    uint32_t lo = 0, one;
    const float unit = 1.0f;
    memcpy(&one, &unit, sizeof one);
    for (int code = 1; code <= 255; code++) { /* positive floats sort as their bit patterns */
        uint32_t hi = one;
        while (lo < hi) {
            const uint32_t mid = lo + (hi - lo) / 2;
            if (bv_linear_to_srgb8(float_of_bits(mid)) >= code) hi = mid;
            else lo = mid + 1;
        }
        t->threshold[code - 1] = float_of_bits(lo);
    }
    for (int i = 0; i < BV__SRGB_BUCKETS; i++) t->bucket[i] = bv_linear_to_srgb8((float)i / BV__SRGB_BUCKETS);
}

static inline uint8_t srgb_lookup(const srgb_table *t, float linear)
{
    if (!(linear > 0.0f)) return 0; /* also NaN */
    if (linear >= 1.0f) return 255;
    int code = t->bucket[(int)(linear * BV__SRGB_BUCKETS)]; /* exact: a power-of-two scale */
    while (code < 255 && linear >= t->threshold[code]) code++;
    return (uint8_t)code;
}

static bv_status check_desc(const bv_png_desc *d, bool need_path)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: desc is NULL");
    if (need_path && (!d->path || !d->path[0])) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: path is empty");
    if (d->palette_count < 0 || d->palette_count > BV_MAX_PALETTE || (d->palette_count && !d->palette))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: a palette of %d colours is outside 0..%d or NULL",
                        d->palette_count, BV_MAX_PALETTE);
    if (d->palette_count && (d->channels != 4 || d->bits == 16))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: a palette is for 8-bit RGBA colour");
    if (d->width <= 0 || d->height <= 0 || d->width > 65535 || d->height > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: size %d x %d is outside 1..65535", d->width,
                        d->height);
    if (d->channels < 1 || d->channels > 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: channels %d is outside 1..4", d->channels);
    if (d->bits != 0 && d->bits != 8 && d->bits != 16)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: bits %d is not 8 or 16", d->bits);
    if (d->bits == 16 && d->encoding != BV_ENCODING_LINEAR)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "png: 16-bit files are for data (encoding LINEAR); colour is written with 8 bits");
    if (d->bits == 16 && d->premultiply)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: 16-bit files are for data, which is never premultiplied");
    /* the encoder counts the filtered rows' bytes in an int */
    const size_t sample_bytes = d->bits == 16 ? 2 : 1;
    if (((size_t)d->width * (size_t)d->channels * sample_bytes + 1) * (size_t)d->height > INT_MAX)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "png: %d x %d x %d channels is too large for one file (2 GiB of rows at most)",
                        d->width, d->height, d->channels);
    if ((unsigned)d->encoding > BV_ENCODING_LUT)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: unknown encoding %d", (int)d->encoding);
    if (d->encoding == BV_ENCODING_LUT && !d->lut)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: the LUT encoding needs a lut");
    if (d->encoding == BV_ENCODING_LUT && d->channels < 3)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: a LUT encodes RGB, %d channels have none",
                        d->channels);
    if (d->premultiply && d->channels != 2 && d->channels != 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: premultiply needs an alpha channel, %d channels have none",
                        d->channels);
    const size_t expected = (size_t)d->width * (size_t)d->height * (size_t)d->channels;
    if (!d->pixels.ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: pixels is NULL");
    if (d->pixels.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: pixels holds %zu floats, %d x %d x %d needs %zu",
                        d->pixels.count, d->width, d->height, d->channels, expected);
    return BV_OK;
}

/* One pixel's colour channels (RGB, or grey) as codes, through the desc's encoding. */
static inline void encode_colour(const bv_png_desc *d, const srgb_table *srgb, const float *src,
                                 int colour_channels, uint8_t *dst)
{
    if (d->encoding == BV_ENCODING_SRGB) {
        for (int k = 0; k < colour_channels; k++) dst[k] = srgb_lookup(srgb, src[k]);
    } else if (d->encoding == BV_ENCODING_LUT) {
        float display[3];
        bv_color_lut_apply(d->lut, src, display);
        for (int k = 0; k < 3; k++) dst[k] = bv_unit_to_8bit(display[k]);
    } else {
        for (int k = 0; k < colour_channels; k++) dst[k] = bv_unit_to_8bit(src[k]);
    }
}

/* 8-bit rows, top-down. Colour channels take the encoding; alpha never does. */
static void encode(const bv_png_desc *d, uint8_t *out)
{
    srgb_table srgb;
    if (d->encoding == BV_ENCODING_SRGB) srgb_table_init(&srgb);
    const int c = d->channels;
    const bool has_alpha = c == 2 || c == 4;
    const int colour_channels = has_alpha ? c - 1 : c;
    for (int y = 0; y < d->height; y++) {
        const float *src = d->pixels.ptr + (size_t)(d->height - 1 - y) * (size_t)d->width * (size_t)c;
        uint8_t *dst = out + (size_t)y * (size_t)d->width * (size_t)c;
        for (int x = 0; x < d->width; x++, src += c, dst += c) {
            encode_colour(d, &srgb, src, colour_channels, dst);
            if (!has_alpha) continue;
            dst[c - 1] = bv_unit_to_8bit(src[c - 1]);
            if (d->palette_count && dst[c - 1])
                memcpy(dst, d->palette + 3 * bv_palette_nearest(d->palette, d->palette_count, dst), 3);
            if (d->premultiply) {
                const float a = src[c - 1] > 0.0f ? fminf(src[c - 1], 1.0f) : 0.0f; /* NaN: 0 */
                for (int k = 0; k < colour_channels; k++) dst[k] = (uint8_t)((float)dst[k] * a + 0.5f);
            }
        }
    }
}

/* 16-bit big-endian samples, rows top-down, no curve. */
static void encode16(const bv_png_desc *d, uint8_t *out)
{
    const size_t row_values = (size_t)d->width * (size_t)d->channels;
    for (int y = 0; y < d->height; y++) {
        const float *src = d->pixels.ptr + (size_t)(d->height - 1 - y) * row_values;
        uint8_t *dst = out + 2 * (size_t)y * row_values;
        for (size_t k = 0; k < row_values; k++) {
            const uint16_t code = bv_unit_to_16bit(src[k]);
            dst[2 * k] = (uint8_t)(code >> 8);
            dst[2 * k + 1] = (uint8_t)(code & 0xFF);
        }
    }
}

static bv_status write_png16(const bv_png_desc *d)
{
    uint8_t *bytes = bv__alloc_array((size_t)d->width * (size_t)d->height * 2, (size_t)d->channels);
    if (!bytes) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory for %d x %d", d->width, d->height);
    encode16(d, bytes);
    bv__bytes png = {0};
    char message[BV__PNG16_MESSAGE_SIZE];
    const bool ok = bv__png16_encode(bytes, d->width, d->height, d->channels, &png, message);
    BV_FREE(bytes);
    bv_status status = BV_OK;
    if (!ok) status = bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: encoding %s: %s", d->path, message);
    else status = bv__write_file_atomic("png", d->path, png.data, png.size);
    bv__bytes_free(&png);
    return status;
}

bv_status bv_png_codes(const bv_png_desc *d, uint8_t *out, size_t size)
{
    bv_status status = check_desc(d, false);
    if (status != BV_OK) return status;
    if (d->bits == 16) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: codes are 8-bit");
    if (!out || size != (size_t)d->width * (size_t)d->height * (size_t)d->channels)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "png: the codes take %zu bytes, not %zu",
                        (size_t)d->width * (size_t)d->height * (size_t)d->channels, size);
    encode(d, out);
    return BV_OK;
}

bv_status bv_png_write(const bv_png_desc *d)
{
    bv_status status = check_desc(d, true);
    if (status != BV_OK) return status;
    if (d->bits == 16) return write_png16(d);
    uint8_t *bytes = bv__alloc_array((size_t)d->width * (size_t)d->height, (size_t)d->channels);
    if (!bytes) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory for %d x %d", d->width, d->height);
    encode(d, bytes);

    bv__bytes png = {0};
    const bool ok = bv__png_encode(bytes, d->width, d->height, d->channels, &png);
    BV_FREE(bytes);
    if (!ok) {
        bv__bytes_free(&png);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory encoding %s", d->path);
    }
    status = bv__write_file_atomic("png", d->path, png.data, png.size);
    bv__bytes_free(&png);
    return status;
}
