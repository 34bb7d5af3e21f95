/* Fuzz target: bv_pack.
 *
 * The input gives a descriptor (layout, heuristic, page limits, paddings, flags; usually small,
 * sometimes any int) and up to 64 rectangles (usually up to 64 px a side, sometimes any int), and
 * page slots that are sometimes too few or NULL.
 *
 * Checked: a status comes back; on failure a message is left and neither rects nor pages nor the
 * page count changed. On success: the page count is within the slots; every page is at least
 * 1 x 1 and within the limits (powers of two, square when asked); each rectangle of non-zero size
 * lies on a used page inside the border padding, rotated only when allowed; two on the same page
 * keep shape_padding apart; zero-sized ones are on page 0 at (0, 0); rect counts add up and
 * occupancy is in [0, 1]; a second call gives the same result. */
#include <limits.h>

#include <bakeview/bakeview.h>

#include "fuzz_common.h"

#define MAX_RECTS 64

static int round_down_pot(int v)
{
    int p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}

static bool is_pot(int v) { return v > 0 && (v & (v - 1)) == 0; }

static void check_packing(const bv_pack_desc *d, const bv_pack_rect *rects, size_t count,
                          const bv_pack_page *pages, size_t page_count, size_t capacity)
{
    FZ_CHECK(page_count <= capacity, "%zu pages in %zu slots", page_count, capacity);
    FZ_CHECK(count == 0 || page_count >= 1, "no page for %zu rects", count);
    /* the limits as bv_pack documents them */
    int max_w = d->max_width ? d->max_width : 4096, max_h = d->max_height ? d->max_height : 4096;
    if (d->square) max_w = max_h = max_w < max_h ? max_w : max_h;
    if (d->power_of_two) max_w = round_down_pot(max_w), max_h = round_down_pot(max_h);
    const int border = d->border_padding, pad = d->shape_padding;
    size_t counted = 0;
    for (size_t p = 0; p < page_count; p++) {
        const bv_pack_page *g = &pages[p];
        FZ_CHECK(g->width >= 1 && g->height >= 1, "page %zu is %d x %d", p, g->width, g->height);
        FZ_CHECK(g->width <= max_w && g->height <= max_h, "page %zu is %d x %d, above %d x %d", p,
                     g->width, g->height, max_w, max_h);
        if (d->power_of_two)
            FZ_CHECK(is_pot(g->width) && is_pot(g->height), "page %zu is %d x %d, not powers of two", p,
                     g->width, g->height);
        if (d->square) FZ_CHECK(g->width == g->height, "page %zu is %d x %d, not square", p, g->width, g->height);
        FZ_CHECK(g->occupancy >= 0.0 && g->occupancy <= 1.0 + 1e-9, "page %zu occupancy %g", p, g->occupancy);
        counted += g->rect_count;
    }
    FZ_CHECK(counted == count, "pages count %zu rects of %zu", counted, count);
    for (size_t i = 0; i < count; i++) {
        const bv_pack_rect *r = &rects[i];
        if (r->width == 0 || r->height == 0) {
            FZ_CHECK(r->page == 0 && r->x == 0 && r->y == 0 && !r->rotated,
                     "empty rect %zu at page %d (%d, %d)", i, r->page, r->x, r->y);
            continue;
        }
        FZ_CHECK(r->page >= 0 && (size_t)r->page < page_count, "rect %zu on page %d of %zu", i, r->page,
                 page_count);
        FZ_CHECK(!r->rotated || (d->allow_rotation && d->layout == BV_LAYOUT_MAXRECTS),
                 "rect %zu rotated though not allowed", i);
        const bv_pack_page *g = &pages[r->page];
        const int64_t w = r->rotated ? r->height : r->width, h = r->rotated ? r->width : r->height;
        FZ_CHECK(r->x >= border && r->y >= border && r->x + w <= (int64_t)g->width - border &&
                     r->y + h <= (int64_t)g->height - border,
                 "rect %zu (%lld x %lld at %d, %d) is not inside page %d (%d x %d, border %d)", i,
                 (long long)w, (long long)h, r->x, r->y, r->page, g->width, g->height, border);
        for (size_t j = 0; j < i; j++) {
            const bv_pack_rect *q = &rects[j];
            if (q->width == 0 || q->height == 0 || q->page != r->page) continue;
            const int64_t qw = q->rotated ? q->height : q->width, qh = q->rotated ? q->width : q->height;
            const bool apart = r->x + w + pad <= q->x || q->x + qw + pad <= r->x ||
                               r->y + h + pad <= q->y || q->y + qh + pad <= r->y;
            FZ_CHECK(apart, "rects %zu (%lld x %lld at %d, %d) and %zu (%lld x %lld at %d, %d) on page %d "
                            "are closer than shape_padding %d",
                     j, (long long)qw, (long long)qh, q->x, q->y, i, (long long)w, (long long)h, r->x,
                     r->y, r->page, pad);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader in = {data, size, false};
    bv_pack_desc desc = {0};
    desc.layout = (bv_pack_layout)(fz_u8(&in) % 3);          /* 2: unknown */
    desc.heuristic = (bv_pack_heuristic)(fz_u8(&in) % 6);    /* 4: BEST, 5: unknown */
    desc.max_width = (fz_u8(&in) & 7) == 0 ? 0 : fz_int(&in, 1, 600);
    desc.max_height = (fz_u8(&in) & 7) == 0 ? 0 : fz_int(&in, 1, 600);
    desc.shape_padding = fz_int(&in, 0, 8);
    desc.border_padding = fz_int(&in, 0, 8);
    const uint8_t flags = fz_u8(&in);
    desc.power_of_two = flags & 1;
    desc.square = flags & 2;
    desc.allow_rotation = flags & 4;
    desc.grid_columns = (flags & 8) ? fz_int(&in, 0, 12) : 0;

    const size_t count = fz_u8(&in) % (MAX_RECTS + 1);
    bv_pack_rect *rects = fz_alloc(count * sizeof *rects);
    const int side = 1 + fz_u8(&in) % 64; /* a typical size, so rects often look alike */
    for (size_t i = 0; i < count; i++) {
        const uint8_t mode = fz_u8(&in) % 8;
        rects[i] = (bv_pack_rect){0};
        if (mode == 0) rects[i].width = side, rects[i].height = side;
        else if (mode == 7) rects[i].width = fz_int(&in, 0, 64), rects[i].height = fz_int(&in, 0, 1000);
        else rects[i].width = fz_range(&in, 0, 64), rects[i].height = fz_range(&in, 0, 64);
        rects[i].page = -7, rects[i].x = -7, rects[i].y = -7; /* outputs: must be set (or kept) */
    }
    const uint8_t slots = fz_u8(&in);
    size_t capacity = count;
    if (slots >= 240) capacity = slots % 4;
    bv_pack_page *pages = fz_alloc(capacity * sizeof *pages);
    memset(pages, 0xA5, capacity * sizeof *pages);
    size_t page_count = 12345;

    bv_pack_rect *before = fz_alloc(count * sizeof *before);
    memcpy(before, rects, count * sizeof *rects);
    bv_pack_page *pages_before = fz_alloc(capacity * sizeof *pages);
    memcpy(pages_before, pages, capacity * sizeof *pages);

    const uint8_t nulls = fz_u8(&in) % 32;
    const bv_status status = bv_pack(nulls == 31 ? NULL : &desc, nulls == 30 ? NULL : rects, count,
                                     nulls == 29 ? NULL : pages, capacity, nulls == 28 ? NULL : &page_count);
    fz_trace("bv_pack", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_OUT_OF_MEMORY,
             "bv_pack returned %d", (int)status);
    if (status != BV_OK) {
        FZ_CHECK(bv_error_message()[0] != '\0', "bv_pack failed without a message");
        FZ_CHECK(memcmp(before, rects, count * sizeof *rects) == 0, "failed bv_pack wrote rects");
        FZ_CHECK(memcmp(pages_before, pages, capacity * sizeof *pages) == 0, "failed bv_pack wrote pages");
        FZ_CHECK(page_count == 12345, "failed bv_pack wrote the page count");
    } else {
        FZ_CHECK(nulls < 28 || (nulls == 30 && count == 0) || (nulls == 29 && capacity == 0),
                 "bv_pack accepted a NULL argument (%d)", nulls);
        check_packing(&desc, rects, count, pages, page_count, capacity);
        /* the result depends on the input only */
        bv_pack_rect *again = fz_alloc(count * sizeof *again);
        memcpy(again, before, count * sizeof *again);
        bv_pack_page *pages_again = fz_alloc(capacity * sizeof *pages_again);
        size_t page_count_again = 0;
        FZ_CHECK(bv_pack(&desc, again, count, pages_again, capacity, &page_count_again) == BV_OK,
                 "bv_pack failed the second time");
        FZ_CHECK(page_count_again == page_count, "page count differs on a second call");
        for (size_t i = 0; i < count; i++)
            FZ_CHECK(again[i].page == rects[i].page && again[i].x == rects[i].x &&
                         again[i].y == rects[i].y && again[i].rotated == rects[i].rotated,
                     "rect %zu differs on a second call", i);
        for (size_t p = 0; p < page_count; p++)
            FZ_CHECK(pages_again[p].width == pages[p].width && pages_again[p].height == pages[p].height,
                     "page %zu differs on a second call", p);
        free(again);
        free(pages_again);
    }
    free(before);
    free(pages_before);
    free(rects);
    free(pages);
    return 0;
}
