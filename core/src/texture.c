/* Image textures: Cycles' Image Texture node lookups (closest / linear, four extension modes)
 * and an optional box-filtered mip chain for trilinear minification. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "texture_internal.h"

/* --- texel addressing (Cycles' wrap_periodic / wrap_clamp / wrap_mirror) --- */

static int wrap_periodic(int x, int size)
{
    x %= size;
    return x < 0 ? x + size : x;
}

static int wrap_mirror(int x, int size)
{
    const int m = abs(x + (x < 0)) % (2 * size);
    return m >= size ? 2 * size - m - 1 : m;
}

/* Floor of a texel coordinate as an int that cannot overflow: far-away coordinates are first
 * brought back near the texture, by whole periods where the mode repeats. */
static int texel_floor(float x, int size, bv_extension extension, float *r_fraction)
{
    if (!isfinite(x)) {
        x = 0.0f; /* NaN or infinite coordinates sample somewhere, never undefined */
    } else if (!(fabsf(x) < 1.0e8f)) {
        if (extension == BV_EXTENSION_REPEAT) x = fmodf(x, (float)size);
        else if (extension == BV_EXTENSION_MIRROR) x = fmodf(x, 2.0f * (float)size);
        else x = x < 0.0f ? -2.0f : (float)size + 2.0f;
    }
    const float f = floorf(x);
    *r_fraction = x - f;
    return (int)f;
}

int bv__texel_index(int i, int size, bv_extension extension)
{
    switch (extension) {
    case BV_EXTENSION_REPEAT: return wrap_periodic(i, size);
    case BV_EXTENSION_EXTEND: return i < 0 ? 0 : (i >= size ? size - 1 : i);
    case BV_EXTENSION_CLIP: return (i < 0 || i >= size) ? -1 : i;
    case BV_EXTENSION_MIRROR: return wrap_mirror(i, size);
    }
    return -1;
}

void bv__read_texel(const bv_texture *texture, int level_index, int ix, int iy, float r[4])
{
    if (ix < 0 || iy < 0) {
        r[0] = r[1] = r[2] = r[3] = 0.0f;
        return;
    }
    const bv__level *level = &texture->levels[level_index];
    const float *p = level->pixels + 4 * ((size_t)iy * (size_t)level->width + (size_t)ix);
    if (level_index == 0 && texture->premultiply) {
        r[0] = p[0] * p[3];
        r[1] = p[1] * p[3];
        r[2] = p[2] * p[3];
    } else {
        r[0] = p[0];
        r[1] = p[1];
        r[2] = p[2];
    }
    r[3] = level_index == 0 && texture->alpha == BV_TEXTURE_ALPHA_IGNORE ? 1.0f : p[3];
}

void bv__texture_tap(const bv_texture *texture, int level_index, float u, float v, float r_rgba[4])
{
    const bv__level *level = &texture->levels[level_index];
    const int w = level->width, h = level->height;
    const bv_extension ext = texture->extension;
    float fx, fy;
    if (texture->interpolation == BV_INTERPOLATION_CLOSEST) {
        const int ix = texel_floor(u * (float)w, w, ext, &fx);
        const int iy = texel_floor(v * (float)h, h, ext, &fy);
        bv__read_texel(texture, level_index, bv__texel_index(ix, w, ext), bv__texel_index(iy, h, ext), r_rgba);
        return;
    }
    const int ix = texel_floor(u * (float)w - 0.5f, w, ext, &fx);
    const int iy = texel_floor(v * (float)h - 0.5f, h, ext, &fy);
    const int x0 = bv__texel_index(ix, w, ext), x1 = bv__texel_index(ix + 1, w, ext);
    const int y0 = bv__texel_index(iy, h, ext), y1 = bv__texel_index(iy + 1, h, ext);
    float a[4], b[4], c[4], d[4];
    bv__read_texel(texture, level_index, x0, y0, a);
    bv__read_texel(texture, level_index, x1, y0, b);
    bv__read_texel(texture, level_index, x0, y1, c);
    bv__read_texel(texture, level_index, x1, y1, d);
    for (int k = 0; k < 4; k++) {
        const float bottom = a[k] + (b[k] - a[k]) * fx;
        const float top = c[k] + (d[k] - c[k]) * fx;
        r_rgba[k] = bottom + (top - bottom) * fy;
    }
}

void bv__texture_tap_lod(const bv_texture *texture, float u, float v, float lod, float r_rgba[4])
{
    const int last = texture->level_count - 1;
    if (!(lod > 0.0f) || last == 0) {
        bv__texture_tap(texture, 0, u, v, r_rgba);
        return;
    }
    if (lod >= (float)last) {
        bv__texture_tap(texture, last, u, v, r_rgba);
        return;
    }
    const int l0 = (int)lod;
    const float t = lod - (float)l0;
    float a[4], b[4];
    bv__texture_tap(texture, l0, u, v, a);
    bv__texture_tap(texture, l0 + 1, u, v, b);
    for (int k = 0; k < 4; k++) r_rgba[k] = a[k] + (b[k] - a[k]) * t;
}

/* Cycles' unassociation of a tap (svm_image_texture with NODE_IMAGE_ALPHA_UNASSOCIATE): colour
 * divided by alpha, except for channel-packed or ignored alpha. */
static void unpremultiply(const bv_texture *texture, float rgba[4])
{
    if (texture->alpha == BV_TEXTURE_ALPHA_CHANNEL_PACKED || texture->alpha == BV_TEXTURE_ALPHA_IGNORE)
        return;
    if (rgba[3] >= FLT_MIN) { /* below it 1 / alpha overflows: such a texel is transparent */
        const float inv = 1.0f / rgba[3];
        rgba[0] *= inv;
        rgba[1] *= inv;
        rgba[2] *= inv;
    } else if (texture->alpha == BV_TEXTURE_ALPHA_STRAIGHT) {
        rgba[0] = rgba[1] = rgba[2] = 0.0f;
    } /* premultiplied texels of zero alpha keep their colour, as in Cycles (emission over nothing) */
}

void bv_texture_sample(const bv_texture *texture, float u, float v, float r_rgba[4])
{
    bv__texture_tap(texture, 0, u, v, r_rgba);
    unpremultiply(texture, r_rgba);
}

void bv_texture_sample_lod(const bv_texture *texture, float u, float v, float lod, float r_rgba[4])
{
    bv__texture_tap_lod(texture, u, v, lod, r_rgba);
    unpremultiply(texture, r_rgba);
}

int bv_texture_level_count(const bv_texture *texture) { return texture ? texture->level_count : 0; }

/* --- mip chain --- */

/* Weight of parent texel p inside child texel i's footprint [i*s, (i+1)*s), s = parent/child. */
static float footprint_weight(int i, int p, int parent, int child)
{
    const double s = (double)parent / (double)child;
    const double lo = fmax(i * s, (double)p), hi = fmin((i + 1) * s, (double)(p + 1));
    return hi > lo ? (float)((hi - lo) / s) : 0.0f;
}

/* downsample for a level of exactly half the size: each texel the mean of a 2 x 2 block, summed
 * in the general loop's order with its weights (1/2 x 1/2), so the bits are the same. */
static void halve(const bv_texture *texture, int src_index, bv__level *dst, float *out)
{
    const bv__level *src = &texture->levels[src_index];
    const bool premultiply = src_index == 0 && texture->premultiply;
    const bool ignore = src_index == 0 && texture->alpha == BV_TEXTURE_ALPHA_IGNORE;
    const size_t sw = (size_t)src->width;
    for (int y = 0; y < dst->height; y++)
        for (int x = 0; x < dst->width; x++) {
            float sum[4] = {0, 0, 0, 0};
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    const float *p = src->pixels + 4 * ((size_t)(2 * y + dy) * sw + (size_t)(2 * x + dx));
                    const float a = ignore ? 1.0f : p[3], m = premultiply ? p[3] : 1.0f;
                    sum[0] += 0.25f * (p[0] * m);
                    sum[1] += 0.25f * (p[1] * m);
                    sum[2] += 0.25f * (p[2] * m);
                    sum[3] += 0.25f * a;
                }
            memcpy(out + 4 * ((size_t)y * (size_t)dst->width + (size_t)x), sum, sizeof sum);
        }
    dst->pixels = out;
}

/* Box-filters level `src` (premultiplied view given by bv__read_texel) into `dst`. */
static void downsample(const bv_texture *texture, int src_index, bv__level *dst, float *out)
{
    const bv__level *src = &texture->levels[src_index];
    const int sw = src->width, sh = src->height, dw = dst->width, dh = dst->height;
    if (sw == 2 * dw && sh == 2 * dh) {
        halve(texture, src_index, dst, out);
        return;
    }
    for (int y = 0; y < dh; y++) {
        const int py0 = (int)((double)y * sh / dh), py1 = (int)ceil((double)(y + 1) * sh / dh);
        for (int x = 0; x < dw; x++) {
            const int px0 = (int)((double)x * sw / dw), px1 = (int)ceil((double)(x + 1) * sw / dw);
            float sum[4] = {0, 0, 0, 0};
            for (int py = py0; py < py1 && py < sh; py++) {
                const float wy = footprint_weight(y, py, sh, dh);
                for (int px = px0; px < px1 && px < sw; px++) {
                    const float wgt = wy * footprint_weight(x, px, sw, dw);
                    float t[4];
                    bv__read_texel(texture, src_index, px, py, t);
                    for (int k = 0; k < 4; k++) sum[k] += wgt * t[k];
                }
            }
            memcpy(out + 4 * ((size_t)y * dw + x), sum, sizeof sum);
        }
    }
    dst->pixels = out;
}

static bv_status build_mip_chain(bv_texture *texture)
{
    size_t floats = 0;
    int count = 1, w = texture->levels[0].width, h = texture->levels[0].height;
    while ((w > 1 || h > 1) && count < BV__MAX_LEVELS) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        texture->levels[count].width = w;
        texture->levels[count].height = h;
        floats += 4 * (size_t)w * (size_t)h;
        count++;
    }
    if (count == 1) return BV_OK;
    texture->mip_storage = bv__alloc_array(floats, sizeof(float));
    if (!texture->mip_storage)
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "texture: out of memory for the mip chain (%zu floats)",
                        floats);
    float *out = texture->mip_storage;
    for (int l = 1; l < count; l++) {
        downsample(texture, l - 1, &texture->levels[l], out);
        out += 4 * (size_t)texture->levels[l].width * (size_t)texture->levels[l].height;
    }
    texture->level_count = count;
    return BV_OK;
}

bv_status bv_texture_create(const bv_texture_desc *desc, bv_texture **r_texture)
{
    if (!r_texture) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: r_texture is NULL");
    *r_texture = NULL;
    if (!desc) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: desc is NULL");
    if (desc->width <= 0 || desc->height <= 0 || desc->width > BV_MAX_TEXTURE_SIZE ||
        desc->height > BV_MAX_TEXTURE_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: size %d x %d is outside 1..%d",
                        desc->width, desc->height, BV_MAX_TEXTURE_SIZE);
    if ((unsigned)desc->extension > BV_EXTENSION_MIRROR)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: unknown extension %d", (int)desc->extension);
    if ((unsigned)desc->interpolation > BV_INTERPOLATION_CLOSEST)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: unknown interpolation %d",
                        (int)desc->interpolation);
    if ((unsigned)desc->alpha > BV_TEXTURE_ALPHA_IGNORE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: unknown alpha %d", (int)desc->alpha);
    const size_t expected = 4 * (size_t)desc->width * (size_t)desc->height;
    if (!desc->pixels.ptr) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "texture: pixels is NULL");
    if (desc->pixels.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "texture: pixels holds %zu floats, %d x %d RGBA needs %zu",
                        desc->pixels.count, desc->width, desc->height, expected);
    bool opaque = true;
    for (size_t i = 0; i < expected; i++) {
        if (i % 4 == 3) opaque = opaque && desc->pixels.ptr[i] == 1.0f;
        if (!isfinite(desc->pixels.ptr[i])) {
            const size_t texel = i / 4;
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "texture: pixel (%zu, %zu) channel %zu is not finite",
                            texel % (size_t)desc->width, texel / (size_t)desc->width, i % 4);
        }
    }
    bv_texture *texture = BV_MALLOC(sizeof *texture);
    if (!texture) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "texture: out of memory");
    memset(texture, 0, sizeof *texture);
    texture->extension = desc->extension;
    texture->interpolation = desc->interpolation;
    texture->alpha = desc->alpha;
    texture->level_count = 1;
    texture->opaque = opaque || desc->alpha == BV_TEXTURE_ALPHA_IGNORE;
    texture->premultiply = !texture->opaque && desc->alpha == BV_TEXTURE_ALPHA_STRAIGHT;
    texture->levels[0] = (bv__level){desc->width, desc->height, desc->pixels.ptr};
    if (desc->mipmaps) {
        const bv_status status = build_mip_chain(texture);
        if (status != BV_OK) {
            BV_FREE(texture);
            return status;
        }
    }
    *r_texture = texture;
    return BV_OK;
}

void bv_texture_destroy(bv_texture *texture)
{
    if (!texture) return;
    BV_FREE(texture->mip_storage);
    BV_FREE(texture);
}
