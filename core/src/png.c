/* PNG output through stb_image_write, written atomically: a temporary file beside the target,
 * flushed, then renamed over it. */
#define _DEFAULT_SOURCE /* open flags, fsync */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stb_image_write.h>

#include <bakeview/png.h>

#include "alloc.h"
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

typedef struct bv__sink {
    int fd;
    bool failed;
    int error;
} bv__sink;

static void write_to_fd(void *context, void *data, int size)
{
    bv__sink *sink = context;
    const char *bytes = data;
    while (!sink->failed && size > 0) {
        const ssize_t written = write(sink->fd, bytes, (size_t)size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            sink->failed = true;
            sink->error = written < 0 ? errno : ENOSPC;
            return;
        }
        bytes += written;
        size -= (int)written;
    }
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

    static atomic_uint counter;
    const size_t length = strlen(d->path) + 64;
    char *temp = BV_MALLOC(length);
    if (!temp) {
        BV_FREE(bytes);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "png: out of memory");
    }
    snprintf(temp, length, "%s.tmp-%ld-%u", d->path, (long)getpid(), atomic_fetch_add(&counter, 1));
    bv__sink sink = {open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666), false, 0};
    if (sink.fd < 0) {
        status = bv__fail(BV_ERROR_IO, "png: cannot write %s: %s", d->path, strerror(errno));
    } else {
        const int ok = stbi_write_png_to_func(write_to_fd, &sink, d->width, d->height, d->channels,
                                              bytes, d->width * d->channels);
        if (!ok && !sink.failed) sink.failed = true, sink.error = ENOMEM;
        if (!sink.failed && fsync(sink.fd) != 0) sink.failed = true, sink.error = errno;
        if (close(sink.fd) != 0 && !sink.failed) sink.failed = true, sink.error = errno;
        if (!sink.failed && rename(temp, d->path) != 0) sink.failed = true, sink.error = errno;
        if (sink.failed) {
            unlink(temp);
            status = bv__fail(BV_ERROR_IO, "png: cannot write %s: %s", d->path, strerror(sink.error));
        }
    }
    BV_FREE(temp);
    BV_FREE(bytes);
    return status;
}
