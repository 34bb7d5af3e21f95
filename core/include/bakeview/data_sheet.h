/* bakeview: normal and depth sheets as game engines read them, from the core's data passes.
 *
 * A normal sheet holds camera-space unit normals (x right, y up, z toward the viewer; the render's
 * BV_NORMAL_CAMERA pass) encoded as n * 0.5 + 0.5 in R, G, B, with green up (OpenGL, Unity, Godot
 * 4, Blender) or down (DirectX, Unreal, Godot 3's sprites), and the colour sheet's alpha in A.
 * Where nothing is seen (a zero normal) it holds the neutral normal (0, 0, 1): (0.5, 0.5, 1).
 *
 * A depth sheet holds depth (distance along the view axis, the render's depth pass) mapped
 * linearly from [near, far] to [0, 1] (clamped; nothing seen: 1, as far as can be), with the
 * colour sheet's alpha: grey + alpha, written as a 16-bit PNG (bakeview/png.h) so that the
 * range keeps 65536 levels.
 *
 * Both take and give float images, row 0 at the bottom, the same size as the colour sheet; the
 * output is then written with encoding BV_ENCODING_LINEAR. On failure nothing is written. */
#ifndef BAKEVIEW_DATA_SHEET_H
#define BAKEVIEW_DATA_SHEET_H

#include "buffer.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_normal_y {
    BV_NORMAL_Y_UP = 0, /* green = n.y * 0.5 + 0.5: up in the image is bright green */
    BV_NORMAL_Y_DOWN,   /* green = -n.y * 0.5 + 0.5 */
} bv_normal_y;

typedef struct bv_normal_sheet_desc {
    bv_floats normals; /* 3 per pixel: camera-space normals; (0, 0, 0) where nothing is seen */
    bv_floats color;   /* 4 per pixel: the colour sheet (its alpha is taken) */
    int width, height;
    bv_normal_y y;
} bv_normal_sheet_desc;

/* RGBA, 4 floats per pixel, into `out`. Fails (BV_ERROR_INVALID_ARGUMENT) on a size below 1 x 1,
 * buffers of the wrong length, a NaN or infinite normal or alpha, an unknown y. */
bv_status bv_normal_sheet_encode(const bv_normal_sheet_desc *desc, bv_float_span out);

typedef struct bv_depth_sheet_desc {
    bv_floats depth; /* 1 per pixel: distance along the view axis; BV_DEPTH_EMPTY where empty */
    bv_floats color; /* 4 per pixel: the colour sheet (its alpha is taken) */
    int width, height;
    double near_depth, far_depth; /* mapped to 0 and 1; finite, near_depth < far_depth */
} bv_depth_sheet_desc;

/* Grey + alpha, 2 floats per pixel, into `out`: (depth - near) / (far - near) clamped to [0, 1],
 * 1 where depth is BV_DEPTH_EMPTY or more. Fails (BV_ERROR_INVALID_ARGUMENT) on a size below
 * 1 x 1, buffers of the wrong length, a NaN depth or alpha, a range that is not finite or not
 * increasing. */
bv_status bv_depth_sheet_encode(const bv_depth_sheet_desc *desc, bv_float_span out);

#ifdef __cplusplus
}
#endif
#endif
