/* APNG: each frame is encoded as an ordinary PNG (png_encoder.c), whose IDAT data becomes the
 * frame's IDAT (the first frame) or fdAT chunks (the others) after an fcTL that says its size,
 * place and timing; acTL after IHDR counts them. See the APNG specification (Mozilla, 2008). */
#include <string.h>

#include <zlib.h>

#include <bakeview/apng.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"
#include "png_encoder.h"

static const uint8_t SIGNATURE[8] = {137, 'P', 'N', 'G', 13, 10, 26, 10};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A chunk: length, type, the data (a 4-byte sequence number first when `sequence` is not NULL,
 * which it then advances), CRC over type and data. */
static void put_chunk(bv__bytes *out, const char type[4], const uint8_t *data, size_t size, uint32_t *sequence)
{
    uint8_t head[12];
    const size_t length = size + (sequence ? 4 : 0);
    put32(head, (uint32_t)length);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    bv__bytes_append(out, head, 8);
    if (sequence) {
        put32(head + 8, (*sequence)++);
        crc = crc32(crc, head + 8, 4);
        bv__bytes_append(out, head + 8, 4);
    }
    if (size) {
        crc = crc32(crc, data, (uInt)size);
        bv__bytes_append(out, data, size);
    }
    put32(head, (uint32_t)crc);
    bv__bytes_append(out, head, 4);
}

/* Appends a frame's chunks, taking IHDR (the first frame) and the IDAT data from its PNG. */
static bool put_frame(bv__bytes *out, const bv__bytes *png, int index, const bv_apng_desc *d, uint32_t *sequence)
{
    size_t at = sizeof SIGNATURE;
    if (png->size < at || memcmp(png->data, SIGNATURE, sizeof SIGNATURE) != 0) return false;
    if (index == 0) bv__bytes_append(out, SIGNATURE, sizeof SIGNATURE);
    bool control_written = false;
    while (at + 12 <= png->size) {
        const uint32_t length = get32(png->data + at);
        const uint8_t *type = png->data + at + 4, *data = png->data + at + 8;
        if (length > png->size - at - 12) return false;
        if (memcmp(type, "IHDR", 4) == 0 && index == 0) {
            put_chunk(out, "IHDR", data, length, NULL);
            uint8_t actl[8];
            put32(actl, (uint32_t)d->frame_count);
            put32(actl + 4, (uint32_t)d->plays);
            put_chunk(out, "acTL", actl, sizeof actl, NULL);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (!control_written) {
                uint8_t fctl[22] = {0}; /* x, y offsets 0; dispose NONE, blend SOURCE */
                put32(fctl, (uint32_t)d->width);
                put32(fctl + 4, (uint32_t)d->height);
                fctl[16] = (uint8_t)(d->delay_num >> 8), fctl[17] = (uint8_t)d->delay_num;
                fctl[18] = (uint8_t)(d->delay_den >> 8), fctl[19] = (uint8_t)d->delay_den;
                uint8_t chunk[26];
                put32(chunk, (*sequence)++);
                memcpy(chunk + 4, fctl, sizeof fctl);
                put_chunk(out, "fcTL", chunk, sizeof chunk, NULL);
                control_written = true;
            }
            if (index == 0) put_chunk(out, "IDAT", data, length, NULL);
            else put_chunk(out, "fdAT", data, length, sequence);
        }
        at += 12 + (size_t)length;
    }
    return control_written;
}

static bv_status check_desc(const bv_apng_desc *d)
{
    if (!d) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: desc is NULL");
    if (!d->path || !d->path[0]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: path is empty");
    if (d->width < 1 || d->height < 1 || d->width > 65535 || d->height > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: size %d x %d is outside 1..65535", d->width, d->height);
    if ((size_t)d->width * 4 + 1 > (size_t)INT32_MAX / (size_t)d->height)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: %d x %d is too large for one frame", d->width, d->height);
    if (d->frame_count < 1 || d->frame_count > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: %d frames is outside 1..65535", d->frame_count);
    if (!d->frames) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: frames is NULL");
    for (int i = 0; i < d->frame_count; i++)
        if (!d->frames[i]) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: frame %d is NULL", i);
    if (d->delay_num < 0 || d->delay_num > 65535 || d->delay_den < 1 || d->delay_den > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: delay %d / %d is not a fraction of 16-bit terms",
                        d->delay_num, d->delay_den);
    if (d->plays < 0 || d->plays > 65535)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "apng: plays %d is outside 0..65535", d->plays);
    return BV_OK;
}

bv_status bv_apng_write(const bv_apng_desc *d)
{
    bv_status status = check_desc(d);
    if (status != BV_OK) return status;
    bv__bytes out = {0};
    uint32_t sequence = 0;
    for (int i = 0; i < d->frame_count && !out.failed; i++) {
        bv__bytes png = {0};
        const bool ok = bv__png_encode(d->frames[i], d->width, d->height, 4, &png) &&
                        put_frame(&out, &png, i, d, &sequence);
        bv__bytes_free(&png);
        if (!ok) {
            bv__bytes_free(&out);
            return bv__fail(BV_ERROR_OUT_OF_MEMORY, "apng: out of memory encoding frame %d of %s", i, d->path);
        }
    }
    put_chunk(&out, "IEND", NULL, 0, NULL);
    if (out.failed) status = bv__fail(BV_ERROR_OUT_OF_MEMORY, "apng: out of memory writing %s", d->path);
    else status = bv__write_file_atomic("apng", d->path, out.data, out.size);
    bv__bytes_free(&out);
    return status;
}
