/* Each distinct colour once (bakeview/color.h): an open-addressing table of positions into the
 * list of colours, keyed by the RGB bit patterns, then the way back from positions to pixels. */
#include <string.h>

#include <bakeview/color.h>

#include "alloc.h"
#include "error.h"

#define EMPTY UINT32_MAX

static uint32_t hash_rgb(const uint32_t key[3])
{
    uint64_t h = (uint64_t)key[0] * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)key[1] * 0xC2B2AE3D27D4EB4Full + (h >> 29);
    h ^= (uint64_t)key[2] * 0x165667B19E3779F9ull + (h >> 32);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    return (uint32_t)(h ^ (h >> 32));
}

bv_status bv_color_unique(bv_floats pixels, bv_float_span r_unique, bv_uint_span r_index,
                          size_t *r_unique_count)
{
    if (!r_unique_count) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "color_unique: r_unique_count is NULL");
    *r_unique_count = 0;
    if (pixels.count % 4)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "color_unique: %zu floats are not whole RGBA pixels", pixels.count);
    const size_t count = pixels.count / 4;
    if (count >= EMPTY)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "color_unique: %zu pixels are too many (at most %u)",
                        count, (unsigned)EMPTY - 1);
    if ((count && !pixels.ptr) || r_unique.count < pixels.count || r_index.count < count ||
        (count && (!r_unique.ptr || !r_index.ptr)))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "color_unique: %zu pixels need %zu floats for the colours and %zu positions",
                        count, pixels.count, count);
    size_t slots = 16;
    while (slots < 2 * count) slots *= 2;
    uint32_t *table = bv__alloc_array(slots, sizeof *table);
    if (!table)
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "color_unique: out of memory for %zu pixels", count);
    memset(table, 0xFF, slots * sizeof *table);
    const size_t mask = slots - 1;
    size_t unique = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t key[3];
        memcpy(key, pixels.ptr + 4 * i, sizeof key);
        if (i && memcmp(pixels.ptr + 4 * (i - 1), key, sizeof key) == 0) { /* a run: empty rows */
            r_index.ptr[i] = r_index.ptr[i - 1];
            continue;
        }
        size_t at = hash_rgb(key) & mask;
        for (;; at = (at + 1) & mask) {
            const uint32_t found = table[at];
            if (found == EMPTY) { /* a colour not seen before */
                table[at] = (uint32_t)unique;
                memcpy(r_unique.ptr + 4 * unique, key, sizeof key);
                r_unique.ptr[4 * unique + 3] = 1.0f;
                r_index.ptr[i] = (uint32_t)unique++;
                break;
            }
            if (memcmp(r_unique.ptr + 4 * (size_t)found, key, sizeof key) == 0) {
                r_index.ptr[i] = found;
                break;
            }
        }
    }
    BV_FREE(table);
    *r_unique_count = unique;
    return BV_OK;
}

bv_status bv_color_expand(bv_floats colors, bv_uints index, bv_floats alphas, bv_float_span r_pixels)
{
    const size_t count = index.count, known = colors.count / 4;
    if (colors.count % 4 || alphas.count != 4 * count || r_pixels.count < 4 * count ||
        (count && (!index.ptr || !alphas.ptr || !r_pixels.ptr || !colors.ptr)))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "color_expand: %zu positions need %zu floats of alphas and of pixels, and "
                        "whole RGBA colours (got %zu, %zu and %zu floats)",
                        count, 4 * count, alphas.count, r_pixels.count, colors.count);
    for (size_t i = 0; i < count; i++)
        if (index.ptr[i] >= known)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "color_expand: position %zu is %u, past the %zu colours", i,
                            (unsigned)index.ptr[i], known);
    for (size_t i = 0; i < count; i++) {
        const float *c = colors.ptr + 4 * (size_t)index.ptr[i];
        float *out = r_pixels.ptr + 4 * i;
        out[0] = c[0], out[1] = c[1], out[2] = c[2];
        out[3] = alphas.ptr[4 * i + 3];
    }
    return BV_OK;
}
