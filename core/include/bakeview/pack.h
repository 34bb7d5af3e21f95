/* bakeview: packing rectangles into pages (MaxRects, or a grid).
 *
 * MaxRects keeps the list of maximal free rectangles of a page and puts each rectangle where a
 * heuristic scores best (Jukka Jylänki, "A Thousand Ways to Pack the Bin"). Rectangles are placed
 * largest first (by area, ties by the longer side, then by index), each on the first page it fits
 * (pages of the largest size allowed); the last page is then packed again as small as it can be.
 * BEST tries the heuristics in several orders (largest first by area, longer side, perimeter,
 * width, height), keeps the fewest pages, then the smallest total page area, and then tries many
 * more widths for the last page: sprite sets come out a few % tighter (trimmed frames of 64 to
 * 1000 sprites: 92 to 96 %, with 2 px paddings), for milliseconds to tens of milliseconds where
 * one heuristic takes a few (bench_pack prints both); with many rectangles it stops after the
 * most promising tries. The zero default stays BSSF.
 * The result never depends on anything but the input: the same rectangles give the same pages
 * (BEST measures its effort in steps of the packing, never in time). */
#ifndef BAKEVIEW_PACK_H
#define BAKEVIEW_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_pack_layout {
    BV_LAYOUT_MAXRECTS = 0,
    BV_LAYOUT_GRID, /* equal cells (largest width x largest height) in rows, in input order */
} bv_pack_layout;

typedef enum bv_pack_heuristic {
    BV_PACK_BEST_SHORT_SIDE_FIT = 0, /* BSSF: smallest leftover on the shorter side */
    BV_PACK_BEST_AREA_FIT,           /* BAF: smallest free rectangle that fits */
    BV_PACK_BOTTOM_LEFT,             /* BL: lowest y, then lowest x ("Tetris") */
    BV_PACK_CONTACT_POINT,           /* CP: longest perimeter touching edges and other rectangles */
    BV_PACK_BEST,                    /* BEST: the best of the others in several orders */
} bv_pack_heuristic;

typedef struct bv_pack_desc {
    bv_pack_layout layout;
    bv_pack_heuristic heuristic;
    int max_width, max_height; /* page size limit in pixels, up to 65536; 0: 4096. With
                                  power_of_two the limit is the largest power of two within it,
                                  with square the smaller of the two */
    int shape_padding;         /* empty pixels between two rectangles (at least) */
    int border_padding;        /* empty pixels between a rectangle and the page edge (at least) */
    bool power_of_two;         /* page sides rounded up to powers of two */
    bool square;               /* pages square */
    bool allow_rotation;       /* MaxRects may turn a rectangle 90 degrees clockwise (the grid
                                  never does) */
    int grid_columns;          /* grid layout: columns per page; 0: as many as fit max_width.
                                  Rows fill a page down to max_height, then a new page starts */
} bv_pack_desc;

/* One rectangle: the caller sets width and height; bv_pack sets the rest. */
typedef struct bv_pack_rect {
    int width, height;
    int page;     /* which page */
    int x, y;     /* top-left corner in the page, y down (as PNG rows and TexturePacker) */
    bool rotated; /* stored turned 90 degrees clockwise: it occupies height x width */
} bv_pack_rect;

typedef struct bv_pack_page {
    int width, height; /* the page's size: used extent plus border, then the constraints */
    size_t rect_count; /* rectangles on it (page 0 counts the zero-sized ones too) */
    double occupancy;  /* area of its rectangles / page area */
} bv_pack_page;

/* Packs rects[0..count) into pages. `pages` must hold `page_capacity` entries (count is always
 * enough); *r_page_count receives how many are used (0 for no rects). Only the page, x, y and
 * rotated fields of the rects are written. Zero-sized rectangles take no space (not even a grid
 * cell) and are put on page 0 at (0, 0); if all are zero-sized, page 0 is empty: its border only,
 * at least 1 x 1.
 *
 * Fails with BV_ERROR_INVALID_ARGUMENT, writing nothing, on a NULL desc, rects (count > 0),
 * pages (page_capacity > 0) or r_page_count; count above INT_MAX; an unknown layout or
 * heuristic; a size or padding out of range; a negative rectangle size; a rectangle that cannot
 * fit a page of the maximum size inside its border (the message names it); grid_columns that do
 * not fit max_width; or fewer page slots than pages needed. BV_ERROR_OUT_OF_MEMORY if memory runs
 * out. */
bv_status bv_pack(const bv_pack_desc *desc, bv_pack_rect *rects, size_t count, bv_pack_page *pages,
                  size_t page_capacity, size_t *r_page_count);

#ifdef __cplusplus
}
#endif
#endif
