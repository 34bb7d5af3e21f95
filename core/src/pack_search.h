/* Internal: MaxRects over pages (pack_search.c): one heuristic, or BEST's tries of every
 * heuristic in several sort orders. */
#ifndef BV_PACK_SEARCH_H
#define BV_PACK_SEARCH_H

#include <stddef.h>

#include <bakeview/pack.h>

#include "pack_internal.h"

/* MaxRects: with one heuristic, items[0..n) largest first by area; with BEST, the best of its
 * tries. out[0..count) are the caller's rectangles (items index them): their page, x, y and
 * rotated are written, the extent of each page to extents, the page count to *r_pages. */
bv_status bv__pack_maxrects(const bv__pack_config *c, const bv__item *items, size_t n, size_t count,
                            bv_pack_rect *out, bv__page_extent *extents, size_t *r_pages);

#endif
