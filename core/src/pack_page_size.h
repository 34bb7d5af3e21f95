/* Internal: page sizes (pack_page_size.c): the final page for a used extent, and the search for
 * the smallest page that holds the last page's rectangles. */
#ifndef BV_PACK_PAGE_SIZE_H
#define BV_PACK_PAGE_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bakeview/status.h>

#include "pack_bin.h"
#include "pack_internal.h"

/* The final page for a used extent in the packing space (0 x 0: nothing placed). */
void bv__pack_page_size(const bv__pack_config *c, int ext_w, int ext_h, int *r_w, int *r_h);

/* The last page: items[0..n) all fit the largest bin (`trial` holds that packing, the bin its
 * extent); look for the smallest page that holds them all, smaller than a page of `bound` area.
 * *r_found tells whether there is one; its spots are then in best_spots, its extent in *r_ext.
 * With c->sweep_work (BEST's winner) the search goes on through many more bin widths. */
bv_status bv__pack_last_page(bv__bin *b, const bv__pack_config *c, const bv__item *items, size_t n,
                             int64_t bound, bv__spot *trial, bv__spot *best_spots, int *r_ext_w,
                             int *r_ext_h, bool *r_found);

#endif
