/* Internal: one MaxRects bin, its free rectangles and the placement of rectangles in it
 * (pack_bin.c). Sizes and positions are in the packing space, where every rectangle is inflated by
 * the shape padding (see pack.c). */
#ifndef BV_PACK_BIN_H
#define BV_PACK_BIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bakeview/status.h>

#include "pack_internal.h"

/* A box in the packing space (sizes include the shape padding). */
typedef struct bv__box {
    int x, y, w, h;
} bv__box;

/* An edge of a placed box, for the contact point heuristic: over [lo, hi) along one axis; the
 * edges at one coordinate of the other axis form a list through `next` (-1 ends it). */
typedef struct bv__edge {
    int lo, hi, next;
} bv__edge;

enum { BV__EDGE_LEFT, BV__EDGE_RIGHT, BV__EDGE_TOP, BV__EDGE_BOTTOM, BV__EDGE_KINDS };

/* One MaxRects bin. The arrays are kept between trials and only grow. */
typedef struct bv__bin {
    int w, h;
    int ext_w, ext_h; /* used extent: the largest right and bottom edges placed */
    bv__box *free_boxes;
    size_t free_count, free_capacity;
    bv__box *fresh; /* pieces split off during one placement */
    size_t fresh_count, fresh_capacity;
    bv__box *near; /* free boxes touching the placed box without overlapping it */
    size_t near_count, near_capacity;
    /* only for the contact point heuristic: heads[kind][coord] starts the list of the placed
     * edges of that kind at that coordinate, in `edges` */
    int *heads[BV__EDGE_KINDS];
    size_t head_capacity[BV__EDGE_KINDS];
    bv__edge *edges;
    size_t edge_count, edge_capacity;
    bool track_edges;
    uint64_t work; /* free boxes looked at, over every packing */
} bv__bin;

/* Frees the bin's arrays (a zero-initialised bin has none). */
void bv__bin_free(bv__bin *b);

/* Packs items[0..n), in order, into an empty w x h bin with c's heuristic; spots[i] tells where
 * item i went. With all_or_nothing it stops at the first item that does not fit. *r_placed counts
 * those placed. */
bv_status bv__bin_run(bv__bin *b, const bv__pack_config *c, const bv__item *items, size_t n, int w,
                      int h, bool all_or_nothing, bv__spot *spots, size_t *r_placed);

#endif
