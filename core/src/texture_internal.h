/* Internal: the texture object and the premultiplied taps the renderer uses. */
#ifndef BV_TEXTURE_INTERNAL_H
#define BV_TEXTURE_INTERNAL_H

#include <bakeview/texture.h>

#define BV__MAX_LEVELS 32

typedef struct bv__level {
    int width, height;
    const float *pixels; /* RGBA; level 0 straight (the caller's), others premultiplied */
} bv__level;

struct bv_texture {
    bv_extension extension;
    bv_interpolation interpolation;
    int level_count;
    bv__level levels[BV__MAX_LEVELS];
    float *mip_storage; /* owns levels 1.. */
};

/* Alpha-premultiplied RGBA at (u, v) on one level, as Cycles' image lookup gives it. */
void bv__texture_tap(const bv_texture *texture, int level, float u, float v, float r_rgba[4]);

/* Premultiplied trilinear RGBA at (u, v) for a level of detail. */
void bv__texture_tap_lod(const bv_texture *texture, float u, float v, float lod, float r_rgba[4]);

#endif
