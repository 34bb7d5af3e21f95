/* Pixel-art frames: hard alpha, outlines, whole-pixel upscaling; palettes by median cut. */
#include <stdlib.h>
#include <string.h>

#include <bakeview/pixel_art.h>

#include "alloc.h"
#include "error.h"

static bv_status check_rgba(const char *what, const float *ptr, size_t count, int width, int height)
{
    if (!ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: pixels is NULL", what);
    size_t expected;
    if (width < 1 || height < 1 || !bv__mul_size((size_t)width * 4, (size_t)height, &expected) ||
        count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "%s: %zu floats are not %d x %d RGBA", what, count, width,
                        height);
    return BV_OK;
}

bv_status bv_pixel_hard_alpha(bv_float_span rgba, int width, int height)
{
    const bv_status status = check_rgba("pixel_hard_alpha", rgba.ptr, rgba.count, width, height);
    if (status != BV_OK) return status;
    for (size_t i = 0; i < rgba.count; i += 4) {
        if (rgba.ptr[i + 3] >= 0.5f) {
            rgba.ptr[i + 3] = 1.0f;
        } else { /* also NaN */
            rgba.ptr[i] = rgba.ptr[i + 1] = rgba.ptr[i + 2] = rgba.ptr[i + 3] = 0.0f;
        }
    }
    return BV_OK;
}

bv_status bv_pixel_outline(bv_float_span rgba, int width, int height, const float colour[3])
{
    bv_status status = check_rgba("pixel_outline", rgba.ptr, rgba.count, width, height);
    if (status != BV_OK) return status;
    if (!colour) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pixel_outline: colour is NULL");
    uint8_t *seen = bv__alloc_array((size_t)width, (size_t)height); /* opaque before the outline */
    if (!seen) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "pixel_outline: out of memory for %d x %d", width, height);
    for (size_t p = 0; p < (size_t)width * (size_t)height; p++) seen[p] = rgba.ptr[4 * p + 3] > 0.0f;
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            const size_t p = (size_t)y * (size_t)width + (size_t)x;
            if (seen[p]) continue;
            const bool next = (x > 0 && seen[p - 1]) || (x + 1 < width && seen[p + 1]) ||
                              (y > 0 && seen[p - (size_t)width]) || (y + 1 < height && seen[p + (size_t)width]);
            if (!next) continue;
            memcpy(rgba.ptr + 4 * p, colour, 3 * sizeof(float));
            rgba.ptr[4 * p + 3] = 1.0f;
        }
    }
    BV_FREE(seen);
    return BV_OK;
}

bv_status bv_pixel_upscale(bv_floats in, int width, int height, int channels, int factor, bv_float_span out)
{
    if (channels < 1 || channels > 4 || factor < 1 || factor > 64)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pixel_upscale: channels %d or factor %d is out of range "
                        "(1..4, 1..64)", channels, factor);
    size_t count, big;
    if (!in.ptr || !out.ptr || width < 1 || height < 1 ||
        !bv__mul_size((size_t)width * (size_t)channels, (size_t)height, &count) || in.count != count ||
        !bv__mul_size(count, (size_t)factor * (size_t)factor, &big) || out.count != big)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pixel_upscale: buffers do not hold %d x %d x %d and %d times "
                        "that a side", width, height, channels, factor);
    const size_t row = (size_t)width * (size_t)factor * (size_t)channels;
    for (int y = 0; y < height; y++) {
        float *first = out.ptr + (size_t)y * (size_t)factor * row;
        const float *src = in.ptr + (size_t)y * (size_t)width * (size_t)channels;
        for (int x = 0; x < width; x++)
            for (int k = 0; k < factor; k++)
                memcpy(first + ((size_t)x * (size_t)factor + (size_t)k) * (size_t)channels,
                       src + (size_t)x * (size_t)channels, (size_t)channels * sizeof(float));
        for (int k = 1; k < factor; k++) memcpy(first + (size_t)k * row, first, row * sizeof(float));
    }
    return BV_OK;
}

/* A colour seen and how often; boxes are runs of them. */
typedef struct entry {
    uint8_t rgb[3];
    uint32_t count;
} entry;

static _Thread_local int sort_channel; /* qsort has no context: set before each sort */

static int by_channel(const void *a, const void *b)
{
    const entry *p = a, *q = b;
    for (int k = 0; k < 3; k++) { /* the chosen channel first, then the others: a total order */
        const int c = (sort_channel + k) % 3;
        if (p->rgb[c] != q->rgb[c]) return p->rgb[c] < q->rgb[c] ? -1 : 1;
    }
    return 0;
}

typedef struct box {
    size_t first, count; /* entries */
    int channel, range;  /* the widest channel and its range */
} box;

static void measure(box *b, const entry *entries)
{
    int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
    for (size_t i = b->first; i < b->first + b->count; i++)
        for (int c = 0; c < 3; c++) {
            if (entries[i].rgb[c] < lo[c]) lo[c] = entries[i].rgb[c];
            if (entries[i].rgb[c] > hi[c]) hi[c] = entries[i].rgb[c];
        }
    b->channel = 0;
    for (int c = 1; c < 3; c++)
        if (hi[c] - lo[c] > hi[b->channel] - lo[b->channel]) b->channel = c;
    b->range = hi[b->channel] - lo[b->channel];
}

bv_status bv_palette_median_cut(const uint8_t *rgba, size_t pixel_count, int colours, uint8_t *r_palette,
                                int *r_count)
{
    if (!rgba || !r_palette || !r_count || colours < 1 || colours > BV_MAX_PALETTE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "palette: %d colours is outside 1..%d, or a buffer is NULL",
                        colours, BV_MAX_PALETTE);
    *r_count = 0;
    uint32_t *histogram = calloc((size_t)1 << 24, sizeof *histogram);
    if (!histogram) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "palette: out of memory for the histogram");
    size_t distinct = 0;
    for (size_t i = 0; i < pixel_count; i++) {
        const uint8_t *p = rgba + 4 * i;
        if (!p[3]) continue;
        uint32_t *slot = &histogram[(uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]];
        distinct += *slot == 0;
        if (*slot < UINT32_MAX) (*slot)++;
    }
    entry *entries = bv__alloc_array(distinct ? distinct : 1, sizeof *entries);
    if (!entries) {
        free(histogram);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "palette: out of memory for %zu colours", distinct);
    }
    size_t n = 0;
    for (uint32_t key = 0; key < (uint32_t)1 << 24; key++)
        if (histogram[key]) entries[n++] = (entry){{(uint8_t)(key >> 16), (uint8_t)(key >> 8), (uint8_t)key},
                                                   histogram[key]};
    free(histogram);
    box boxes[BV_MAX_PALETTE];
    int count = 0;
    if (n) {
        boxes[count++] = (box){0, n, 0, 0};
        measure(&boxes[0], entries);
    }
    while (count < colours) {
        int widest = -1; /* split the box of the widest range that holds two colours or more */
        for (int b = 0; b < count; b++)
            if (boxes[b].count > 1 && (widest < 0 || boxes[b].range > boxes[widest].range)) widest = b;
        if (widest < 0) break;
        box *b = &boxes[widest];
        sort_channel = b->channel;
        qsort(entries + b->first, b->count, sizeof *entries, by_channel);
        uint64_t total = 0, half = 0;
        for (size_t i = b->first; i < b->first + b->count; i++) total += entries[i].count;
        size_t cut = b->first + 1; /* at the weighted median, leaving each side one colour at least */
        for (size_t i = b->first; i < b->first + b->count - 1; i++) {
            half += entries[i].count;
            cut = i + 1;
            if (2 * half >= total) break;
        }
        boxes[count] = (box){cut, b->first + b->count - cut, 0, 0};
        b->count = cut - b->first;
        measure(b, entries);
        measure(&boxes[count], entries);
        count++;
    }
    for (int b = 0; b < count; b++) {
        uint64_t sum[3] = {0, 0, 0}, weight = 0;
        for (size_t i = boxes[b].first; i < boxes[b].first + boxes[b].count; i++) {
            for (int c = 0; c < 3; c++) sum[c] += (uint64_t)entries[i].rgb[c] * entries[i].count;
            weight += entries[i].count;
        }
        for (int c = 0; c < 3; c++) r_palette[3 * b + c] = (uint8_t)((sum[c] + weight / 2) / weight);
    }
    BV_FREE(entries);
    *r_count = count;
    return BV_OK;
}

int bv_palette_nearest(const uint8_t *palette, int count, const uint8_t rgb[3])
{
    int best = 0;
    long best_distance = -1;
    for (int i = 0; i < count; i++) {
        long d = 0;
        for (int c = 0; c < 3; c++) {
            const long e = (long)palette[3 * i + c] - rgb[c];
            d += e * e;
        }
        if (best_distance < 0 || d < best_distance) best = i, best_distance = d;
    }
    return best;
}
