/* Internal: the texture object and the premultiplied taps the renderer uses. */
#ifndef BV_TEXTURE_INTERNAL_H
#define BV_TEXTURE_INTERNAL_H

#include <stddef.h>

#include <bakeview/texture.h>

#define BV__MAX_LEVELS 32

typedef struct bv__level {
    int width, height;
    const float *pixels; /* RGBA; level 0 the caller's, others premultiplied (as tapped) */
} bv__level;

struct bv_texture {
    bv_extension extension;
    bv_interpolation interpolation;
    bv_texture_alpha alpha;
    int level_count;
    bool opaque;      /* every alpha reads as 1: premultiplying changes nothing */
    bool premultiply; /* level 0 texels are straight and not opaque: taps multiply by alpha */
    bv__level levels[BV__MAX_LEVELS];
    float *mip_storage; /* owns levels 1.. */
};

/* Index of texel i along an axis of `size` texels, or -1 for "transparent black" (CLIP outside
 * the image). */
int bv__texel_index(int i, int size, bv_extension extension);

/* Texel (ix, iy) of a level as taps blend it (premultiplied, unless channel-packed; alpha 1 where
 * it is ignored); -1 indices read as zero. */
void bv__read_texel(const bv_texture *texture, int level, int ix, int iy, float r[4]);

/* RGBA at (u, v) on one level as Cycles' image lookup gives it: premultiplied, except for
 * channel-packed alpha (as stored) and ignored alpha (alpha 1). */
void bv__texture_tap(const bv_texture *texture, int level, float u, float v, float r_rgba[4]);

/* bv__texture_tap on one level, with the common case inline: a bilinear tap whose four texels lie
 * inside the level needs no wrapping, whatever the extension mode. */
static inline void bv__texture_tap_level(const bv_texture *texture, int level_index, float u, float v,
                                         float r_rgba[4])
{
    const bv__level *level = &texture->levels[level_index];
    const int w = level->width, h = level->height;
    const float x = u * (float)w - 0.5f, y = v * (float)h - 0.5f;
    if (texture->interpolation != BV_INTERPOLATION_LINEAR || !(x >= 0.0f && y >= 0.0f) ||
        !(x < (float)(w - 1) && y < (float)(h - 1))) {
        bv__texture_tap(texture, level_index, u, v, r_rgba);
        return;
    }
    const int ix = (int)x, iy = (int)y;
    const float fx = x - (float)ix, fy = y - (float)iy;
    const float *a = level->pixels + 4 * ((size_t)iy * (size_t)w + (size_t)ix), *c = a + 4 * (size_t)w;
    const float wa = (1.0f - fx) * (1.0f - fy), wb = fx * (1.0f - fy), wc = (1.0f - fx) * fy, wd = fx * fy;
    if (texture->opaque || level_index > 0) { /* coarser levels hold premultiplied texels */
        for (int k = 0; k < 4; k++) r_rgba[k] = wa * a[k] + wb * a[4 + k] + wc * c[k] + wd * c[4 + k];
        if (texture->opaque) r_rgba[3] = 1.0f;
        return;
    }
    if (!texture->premultiply) {
        for (int k = 0; k < 4; k++) r_rgba[k] = wa * a[k] + wb * a[4 + k] + wc * c[k] + wd * c[4 + k];
        return;
    }
    const float pa = wa * a[3], pb = wb * a[7], pc = wc * c[3], pd = wd * c[7];
    for (int k = 0; k < 3; k++) r_rgba[k] = pa * a[k] + pb * a[4 + k] + pc * c[k] + pd * c[4 + k];
    r_rgba[3] = pa + pb + pc + pd;
}

/* bv__texture_tap on level 0, inline in the common case. */
static inline void bv__texture_tap_base(const bv_texture *texture, float u, float v, float r_rgba[4])
{
    bv__texture_tap_level(texture, 0, u, v, r_rgba);
}

/* Premultiplied trilinear RGBA at (u, v) for a level of detail. */
void bv__texture_tap_lod(const bv_texture *texture, float u, float v, float lod, float r_rgba[4]);

#endif
