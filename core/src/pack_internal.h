/* Internal: what the packer's files (pack*.c, layered as pack.c tells) share: the options of one
 * bv_pack call resolved, the rectangles to place, where a trial put them and how far a page's
 * packing reaches. */
#ifndef BV_PACK_INTERNAL_H
#define BV_PACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bakeview/pack.h>

/* The options of one bv_pack call, resolved: defaults filled in, limits rounded down as the
 * constraints ask. */
typedef struct bv__pack_config {
    bv_pack_layout layout;
    bv_pack_heuristic heuristic;
    int border, shape;
    int max_w, max_h; /* the largest page the constraints allow */
    int bin_w, bin_h; /* its packing space: max - 2 border + shape */
    bool pot, square, rotate;
    int grid_columns;
    uint64_t sweep_work; /* BEST: how much work the last page's width sweep may take (0: none) */
} bv__pack_config;

/* A rectangle of non-zero size to place. */
typedef struct bv__item {
    size_t index;   /* in the caller's array */
    int w, h;       /* inflated by the shape padding */
    int64_t key[2]; /* the sort keys of the real rectangle: larger first, then by index */
} bv__item;

/* Where a trial put an item (in the packing space). */
typedef struct bv__spot {
    int x, y;
    bool placed, rotated;
} bv__spot;

/* How far a page's packing reaches in the packing space (0 x 0: nothing placed). */
typedef struct bv__page_extent {
    int ext_w, ext_h;
} bv__page_extent;

static inline int bv__min_int(int a, int b) { return a < b ? a : b; }
static inline int bv__max_int(int a, int b) { return a > b ? a : b; }
static inline int64_t bv__min_int64(int64_t a, int64_t b) { return a < b ? a : b; }

#endif
