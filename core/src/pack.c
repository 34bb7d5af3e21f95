/* bv_pack: rectangles into pages, by MaxRects (Jukka Jylänki, "A Thousand Ways to Pack the Bin",
 * 2010) or in a grid.
 *
 * Padding. Packing happens in an inflated space: a rectangle takes (width + shape_padding) x
 * (height + shape_padding), and the bin is the page inside its border padding, widened by
 * shape_padding on the right and at the bottom, so that the padding of the last rectangle of a row
 * or column may hang over the border. A rectangle at bin position (bx, by) goes to page position
 * (border + bx, border + by). Two inflated rectangles that do not overlap leave at least
 * shape_padding pixels between the real ones, and bx + width + shape_padding <= bin width keeps
 * every rectangle border_padding pixels from the right edge of the largest page. A page is its
 * used extent without the last padding, plus the border on each side, then rounded up.
 *
 * The work is in layers, each using the ones below: this file checks the call, lays out the grid
 * and records the pages; pack_search.c packs MaxRects pages and runs BEST's tries;
 * pack_page_size.c sizes the pages; pack_bin.c holds one MaxRects bin. The types they share are
 * in pack_internal.h. */
#include <limits.h>
#include <stdint.h>

#include <bakeview/pack.h>

#include "alloc.h"
#include "error.h"
#include "pack_internal.h"
#include "pack_page_size.h"
#include "pack_search.h"

#define BV__PACK_DEFAULT_SIZE 4096
#define BV__PACK_MAX_SIZE 65536

static int round_down_pot(int v)
{
    int p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}

/* --- the grid layout --- */

/* Grid: cells of the largest width x the largest height (plus padding), in input order. */
static bv_status layout_grid(const bv__pack_config *c, const bv__item *items, size_t n,
                             bv_pack_rect *out, bv__page_extent *extents, size_t *r_pages)
{
    int cell_w = 0, cell_h = 0;
    for (size_t i = 0; i < n; i++) {
        cell_w = bv__max_int(cell_w, items[i].w);
        cell_h = bv__max_int(cell_h, items[i].h);
    }
    const int64_t columns = c->grid_columns > 0 ? c->grid_columns : c->bin_w / cell_w;
    const int64_t rows = c->bin_h / cell_h;
    if ((int64_t)columns * cell_w > c->bin_w)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "pack: grid_columns %d of %d px cells need a page %lld px wide, above "
                        "the largest page width %d",
                        c->grid_columns, cell_w - c->shape,
                        (long long)(columns * cell_w - c->shape + 2 * c->border), c->max_w);
    const int64_t per_page = columns * rows;
    size_t pages = 0;
    for (size_t k = 0; k < n; k++) {
        const int64_t page = (int64_t)k / per_page, cell = (int64_t)k % per_page;
        const int64_t row = cell / columns, column = cell % columns;
        bv_pack_rect *r = &out[items[k].index];
        r->page = (int)page;
        r->x = c->border + (int)(column * cell_w);
        r->y = c->border + (int)(row * cell_h);
        r->rotated = false;
        bv__page_extent *e = &extents[page];
        if ((size_t)page == pages) {
            *e = (bv__page_extent){0, 0};
            pages++;
        }
        e->ext_w = bv__max_int(e->ext_w, (int)((column + 1) * cell_w));
        e->ext_h = bv__max_int(e->ext_h, (int)((row + 1) * cell_h));
    }
    *r_pages = pages;
    return BV_OK;
}

/* --- validation and the entry point --- */

static bv_status check_desc(const bv_pack_desc *d)
{
    if ((unsigned)d->layout > BV_LAYOUT_GRID)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: unknown layout %d", (int)d->layout);
    if ((unsigned)d->heuristic > BV_PACK_BEST)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: unknown heuristic %d", (int)d->heuristic);
    if (d->max_width < 0 || d->max_width > BV__PACK_MAX_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: max_width %d is outside 1..%d (0: %d)",
                        d->max_width, BV__PACK_MAX_SIZE, BV__PACK_DEFAULT_SIZE);
    if (d->max_height < 0 || d->max_height > BV__PACK_MAX_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: max_height %d is outside 1..%d (0: %d)",
                        d->max_height, BV__PACK_MAX_SIZE, BV__PACK_DEFAULT_SIZE);
    if (d->shape_padding < 0 || d->shape_padding > BV__PACK_MAX_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: shape_padding %d is outside 0..%d",
                        d->shape_padding, BV__PACK_MAX_SIZE);
    if (d->border_padding < 0 || d->border_padding > BV__PACK_MAX_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: border_padding %d is outside 0..%d",
                        d->border_padding, BV__PACK_MAX_SIZE);
    if (d->grid_columns < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "pack: grid_columns %d is negative (0: as many as fit)", d->grid_columns);
    return BV_OK;
}

static bv__pack_config make_config(const bv_pack_desc *d)
{
    bv__pack_config c = {0};
    c.layout = d->layout;
    c.heuristic = d->heuristic;
    c.border = d->border_padding;
    c.shape = d->shape_padding;
    c.max_w = d->max_width ? d->max_width : BV__PACK_DEFAULT_SIZE;
    c.max_h = d->max_height ? d->max_height : BV__PACK_DEFAULT_SIZE;
    c.pot = d->power_of_two;
    c.square = d->square;
    c.rotate = d->allow_rotation && d->layout == BV_LAYOUT_MAXRECTS;
    c.grid_columns = d->grid_columns;
    if (c.square) c.max_w = c.max_h = bv__min_int(c.max_w, c.max_h);
    if (c.pot) {
        c.max_w = round_down_pot(c.max_w);
        c.max_h = round_down_pot(c.max_h);
    }
    c.bin_w = c.max_w - 2 * c.border + c.shape;
    c.bin_h = c.max_h - 2 * c.border + c.shape;
    return c;
}

/* Does a w x h rectangle fit the largest page? */
static bool fits_largest(const bv__pack_config *c, int w, int h)
{
    const int64_t room_w = (int64_t)c->max_w - 2 * (int64_t)c->border;
    const int64_t room_h = (int64_t)c->max_h - 2 * (int64_t)c->border;
    return (w <= room_w && h <= room_h) || (c->rotate && h <= room_w && w <= room_h);
}

static bv_status check_rects(const bv__pack_config *c, const bv_pack_rect *rects, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const int w = rects[i].width, h = rects[i].height;
        if (w < 0 || h < 0)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "pack: rect %zu has a negative size (%d x %d)", i, w, h);
        if (w == 0 || h == 0 || fits_largest(c, w, h)) continue;
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "pack: rect %zu (%d x %d) is larger than the largest page allows: %d x %d "
                        "inside border_padding %d%s%s%s",
                        i, w, h, bv__max_int(c->max_w - 2 * c->border, 0),
                        bv__max_int(c->max_h - 2 * c->border, 0), c->border,
                        c->rotate ? ", rotation allowed" : "", c->pot ? ", power of two" : "",
                        c->square ? ", square" : "");
    }
    return BV_OK;
}

bv_status bv_pack(const bv_pack_desc *desc, bv_pack_rect *rects, size_t count, bv_pack_page *pages,
                  size_t page_capacity, size_t *r_page_count)
{
    if (!desc) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: desc is NULL");
    if (!r_page_count) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: r_page_count is NULL");
    if (!rects && count)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: rects is NULL but count is %zu", count);
    if (!pages && page_capacity)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: pages is NULL but page_capacity is %zu",
                        page_capacity);
    if (count > (size_t)INT_MAX)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "pack: count %zu is above %d (page numbers are ints)", count, INT_MAX);
    bv_status s = check_desc(desc);
    if (s != BV_OK) return s;
    const bv__pack_config c = make_config(desc);
    if ((s = check_rects(&c, rects, count)) != BV_OK) return s;
    if (count == 0) {
        *r_page_count = 0;
        return BV_OK;
    }

    bv_pack_rect *out = bv__alloc_array(count, sizeof(bv_pack_rect));
    bv__item *items = bv__alloc_array(count, sizeof(bv__item));
    bv__page_extent *extents = bv__alloc_array(count, sizeof(bv__page_extent));
    if (!out || !items || !extents) {
        s = bv__fail(BV_ERROR_OUT_OF_MEMORY, "pack: out of memory for %zu rects", count);
        goto done;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        out[i] = (bv_pack_rect){rects[i].width, rects[i].height, 0, 0, 0, false};
        const int w = rects[i].width, h = rects[i].height;
        if (w == 0 || h == 0) continue;
        items[n++] = (bv__item){i, w + c.shape, h + c.shape, {0, 0}};
    }
    size_t page_count = 0;
    if (n == 0) {
        extents[0] = (bv__page_extent){0, 0}; /* only empty rectangles: one empty page */
        page_count = 1;
    } else if (c.layout == BV_LAYOUT_GRID) {
        s = layout_grid(&c, items, n, out, extents, &page_count);
    } else {
        s = bv__pack_maxrects(&c, items, n, count, out, extents, &page_count);
    }
    if (s != BV_OK) goto done;
    if (page_count > page_capacity) {
        s = bv__fail(BV_ERROR_INVALID_ARGUMENT,
                     "pack: the rects need %zu page%s but page_capacity is %zu", page_count,
                     page_count == 1 ? "" : "s", page_capacity);
        goto done;
    }

    for (size_t p = 0; p < page_count; p++) {
        bv_pack_page *page = &pages[p];
        bv__pack_page_size(&c, extents[p].ext_w, extents[p].ext_h, &page->width, &page->height);
        page->rect_count = 0;
        page->occupancy = 0.0;
    }
    for (size_t i = 0; i < count; i++) {
        bv_pack_page *page = &pages[out[i].page];
        page->rect_count++;
        page->occupancy += (double)out[i].width * out[i].height;
    }
    for (size_t p = 0; p < page_count; p++)
        pages[p].occupancy /= (double)pages[p].width * pages[p].height;
    for (size_t i = 0; i < count; i++) { /* the output fields only */
        rects[i].page = out[i].page;
        rects[i].x = out[i].x;
        rects[i].y = out[i].y;
        rects[i].rotated = out[i].rotated;
    }
    *r_page_count = page_count;
done:
    BV_FREE(out);
    BV_FREE(items);
    BV_FREE(extents);
    return s;
}
