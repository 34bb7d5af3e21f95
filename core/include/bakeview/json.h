/* bakeview: sprite sheet metadata as TexturePacker's JSON, which PixiJS, Phaser and most engines load
 * as they are, plus bakeview's own per-frame view data. Two writers:
 *
 * bv_json_write: one page's JSON, "JSON Hash" or "JSON Array". Per frame: "frame" {x, y, w, h},
 * "rotated", "trimmed", "spriteSourceSize" {x, y, w, h}, "sourceSize" {w, h}, "pivot" {x, y}, the
 * same point again as "anchor" {x, y} (PixiJS's name for it: Spritesheet takes it as the texture's
 * default anchor; Phaser reads "anchor", else "pivot", as the frame's pivot), and, when
 * view.present, "bakeview" {"azimuth", "elevation", "animation_frame", "view": [16],
 * "projection": [16]}. "animations" {"name": ["frame", ...]} is always written ({} when there are
 * none). "meta": "app" "bakeview", "version" BV_VERSION_STRING, "image", "format" "RGBA8888",
 * "size" {w, h}, "scale" as a string ("1"), "premultiplyAlpha", and "related_multi_packs" [...]
 * only when related_count > 0 (as TexturePacker; PixiJS accepts it absent).
 *
 * bv_json_write_multipack: every page of a sheet in one file, TexturePacker's multi-pack form
 * ("Phaser 3" export) that Phaser's load.multiatlas reads: "textures" [{"image", "format"
 * "RGBA8888", "size" {w, h}, "scale" as a number (1), "frames" [the page's frames in JSON Array
 * form, fields as above]}, ...], then "animations" (frames from any page) and "meta" {"app",
 * "version", "premultiplyAlpha"}. Phaser loads each entry's "image" from the path given to
 * multiatlas (its third argument; else the loader's path, not the JSON's folder), and puts every
 * page's frames in one texture: so frame names are unique across pages, image names are unique,
 * and no frame may be named "__BASE" (Phaser's name for a whole page). PixiJS does not read this
 * form: give it a page's own JSON.
 *
 * Frames are written in the order given. Integers are written as integers; doubles with the
 * fewest digits (15 to 17) and floats with the fewest (6 to 9) that read back as the same value,
 * with a '.' whatever the locale. Strings keep their UTF-8; '"', '\\' and control characters are
 * escaped (the latter as \u00XX). */
#ifndef BAKEVIEW_JSON_H
#define BAKEVIEW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "sheet.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_json_form {
    BV_JSON_HASH = 0, /* "frames": {"name": {...}, ...} */
    BV_JSON_ARRAY,    /* "frames": [{"filename": "name", ...}, ...] */
} bv_json_form;

/* What bakeview knows of the view a frame shows; written under "bakeview" in the frame. */
typedef struct bv_json_view {
    bool present;
    double azimuth, elevation; /* degrees */
    int animation_frame;
    float view[16], projection[16]; /* row-major (m[row * 4 + col]), written in that order */
} bv_json_view;

typedef struct bv_json_frame {
    const char *name;     /* unique within the sheet; not empty, UTF-8 */
    /* Where it is in its page, y down. x, y: the top-left pixel of the area it occupies.
     * width x height: the frame's own, UNROTATED size, as TexturePacker writes it; a rotated frame
     * occupies height x width page pixels (stored turned 90 degrees clockwise, see bv_blit).
     * PixiJS reads it so and draws the frame turned back (Spritesheet swaps w and h when rotated,
     * Texture rotate = groupD8 2). Phaser (3.90 and 4.2.1) does NOT draw rotated frames right: its
     * parsers set Frame.rotated (documented "currently unsupported" in 3.90) and swap the UV
     * corners (Frame.updateUVsInverted), which its WebGL quads, axis-aligned u0 v0 to u1 v1, draw
     * as the h x w page area mirrored left to right and stretched into w x h, not turned back; its
     * Canvas renderer ignores "rotated" and cuts w x h at (x, y). Sheets for Phaser are packed
     * without rotation. */
    bv_rect frame;
    bool rotated;
    bool trimmed;
    bv_rect source;       /* spriteSourceSize: the kept part within the untrimmed frame (y down);
                             its width x height must be frame's; if not trimmed, the whole frame */
    int source_width, source_height; /* sourceSize: the untrimmed frame */
    double pivot_x, pivot_y;         /* fractions of sourceSize, y down (0.5, 0.5: the centre);
                                        finite, may lie outside [0, 1] */
    bv_json_view view;
} bv_json_frame;

typedef struct bv_json_animation {
    const char *name;
    const char *const *frames; /* frame names in order; each must be a frame of this page */
    size_t frame_count;
} bv_json_animation;

/* The page's companion data sheets (same layout, straight alpha: the colour sheet's), described
 * under meta "bakeview" when either is given:
 *   "normal": {"image", "space": "camera", "encoding": "n * 0.5 + 0.5", "y": "up" | "down"}
 *   "depth": {"image", "bits": 16, "encoding": "linear", "near", "far", "zero": "near",
 *             "units": "blender"}
 * Depth d (distance along the view axis, in Blender units) is stored as (d - near) / (far - near)
 * of the code range, 0 at near; nothing seen is stored as far. */
typedef struct bv_json_data_sheets {
    const char *normal_image; /* relative to the JSON's folder; NULL: no normal sheet */
    bool normal_y_down;       /* green down (DirectX) rather than up (OpenGL) */
    const char *depth_image;  /* NULL: no depth sheet */
    double depth_near, depth_far; /* finite, near < far */
    double frame_rate;        /* > 0: meta.bakeview.frame_rate, the frames per second an animation
                                 plays at; 0: not written */
} bv_json_data_sheets;

typedef struct bv_json_desc {
    const char *path;   /* written atomically (temporary file, then rename) */
    bv_json_form form;
    const bv_json_frame *frames; /* the frames of this page */
    size_t frame_count;
    const bv_json_animation *animations;
    size_t animation_count;
    const char *image;  /* meta.image: the page's PNG file name, relative to the JSON's folder */
    int width, height;  /* meta.size */
    double scale;       /* meta.scale, finite; 0: 1 */
    /* meta.related_multi_packs: the other pages' JSON file names, relative to this JSON's folder.
     * PixiJS loads them with the page it is given (each with ignoreMultiPack, so listing every
     * other page in every page is safe). Written only when related_count > 0. */
    const char *const *related_multi_packs;
    size_t related_count;
    bool premultiplied; /* meta.premultiplyAlpha */
    bv_json_data_sheets data_sheets; /* meta.bakeview; zeros: none */
} bv_json_desc;

/* One page of a multi-pack: its PNG and the frames on it. */
typedef struct bv_json_page {
    const char *image;           /* the page's PNG file name, relative to the JSON's folder; unique */
    const char *normal_map;      /* optional (NULL: none): the page's normal sheet, written as the
                                    texture's "normalMap", which Phaser's load.multiatlas loads
                                    with the page for its lights */
    int width, height;           /* the PNG's size */
    const bv_json_frame *frames; /* the frames on this page, in the order to write */
    size_t frame_count;
} bv_json_page;

typedef struct bv_json_multipack_desc {
    const char *path; /* written atomically (temporary file, then rename) */
    const bv_json_page *pages;
    size_t page_count; /* at least 1 */
    const bv_json_animation *animations; /* each naming frames of any page */
    size_t animation_count;
    double scale;       /* every texture's "scale", finite; 0: 1 */
    bool premultiplied; /* meta.premultiplyAlpha */
    double frame_rate;  /* > 0: meta.bakeview.frame_rate (as bv_json_data_sheets); 0: none */
} bv_json_multipack_desc;

/* Writes the page's JSON atomically: a temporary file beside `path`, then renamed over it; on
 * failure no file is left and an existing one is untouched. Fails (BV_ERROR_INVALID_ARGUMENT,
 * nothing written) on: a NULL, empty or non-UTF-8 name; two frames, or two animations, of the same
 * name (the message names it); an animation naming a frame not in `frames`; a frame whose area
 * is not inside the page, whose spriteSourceSize is not inside sourceSize or not of the frame's
 * size; a NaN or infinite number; a page size below 1 x 1; a negative scale; an empty or
 * non-UTF-8 data sheet name, a depth range that is not finite and increasing. BV_ERROR_IO if the
 * file cannot be written. */
bv_status bv_json_write(const bv_json_desc *desc);

/* Writes every page in one multi-pack JSON, atomically as bv_json_write. Fails
 * (BV_ERROR_INVALID_ARGUMENT, nothing written) on what bv_json_write refuses in any page (the
 * message begins "json: page N: "), and on: no pages; two pages of the same image; a frame name
 * used twice in the sheet, on one page or two (the message names both places); a frame named
 * "__BASE". BV_ERROR_IO if the file cannot be written. */
bv_status bv_json_write_multipack(const bv_json_multipack_desc *desc);

#ifdef __cplusplus
}
#endif
#endif
