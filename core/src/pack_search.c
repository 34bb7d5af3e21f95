/* MaxRects over pages, with one heuristic or BEST's tries.
 *
 * Pages. The rectangles, sorted, go in turn into a page of the largest size; those that do not fit
 * wait for the next page. Each rectangle thus lands on the first open page it fits, as in the
 * multi-bin MaxRects. The last page (the one that takes all that remain) is then packed again into
 * smaller bins, looking for the smallest final page (pack_page_size.c).
 *
 * BEST. The heuristics and the sort orders make up to 20 tries (best_tries, the most promising
 * first). Each try looks only for a packing that beats the best so far: fewer pages, or as many
 * and a smaller last page, so that a losing try usually costs a few trial packings of the last
 * page. Then the winner's last page is packed again into bins of many more widths, each as tall as
 * could still beat it: which bin a set packs well into is erratic, and sampling widths finds
 * pages a few % smaller than bisecting a few shapes does. The effort is counted in free
 * rectangles looked at, not in time, so that the result stays the same on every machine. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "pack_bin.h"
#include "pack_page_size.h"
#include "pack_search.h"

/* BEST's effort, in free rectangles looked at while placing (each costs about 5 to 15 ns): no
 * new try starts past BV__PACK_TRY_WORK (256 sprites get all 20 tries, 1000 about 10 on two pages
 * and 6 on one), and the width sweep of the winner's last page adds up to BV__PACK_SWEEP_WORK, in
 * at most BV__PACK_SWEEP_WIDTHS bins (pack_page_size.c). */
#define BV__PACK_TRY_WORK 4000000
#define BV__PACK_SWEEP_WORK 500000

/* --- sort orders --- */

/* The orders rectangles may be placed in: largest first by one measure, ties by a second one,
 * then by index. BEST tries each of them. */
typedef enum sort_order {
    SORT_AREA,      /* then the longer side */
    SORT_LONG_SIDE, /* then the area */
    SORT_PERIMETER, /* then the longer side */
    SORT_WIDTH,     /* then the height */
    SORT_HEIGHT,    /* then the width */
    SORT_ORDERS
} sort_order;

static int compare_items(const void *pa, const void *pb)
{
    const bv__item *a = pa, *b = pb;
    for (int k = 0; k < 2; k++)
        if (a->key[k] != b->key[k]) return a->key[k] > b->key[k] ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Sorts items[0..n) in the given order. */
static void sort_items(bv__item *items, size_t n, sort_order order, int shape)
{
    for (size_t i = 0; i < n; i++) {
        const int64_t w = items[i].w - shape, h = items[i].h - shape;
        const int64_t area = w * h, long_side = w > h ? w : h;
        int64_t *key = items[i].key;
        switch (order) {
        case SORT_AREA: key[0] = area, key[1] = long_side; break;
        case SORT_LONG_SIDE: key[0] = long_side, key[1] = area; break;
        case SORT_PERIMETER: key[0] = w + h, key[1] = long_side; break;
        case SORT_WIDTH: key[0] = w, key[1] = h; break;
        default: key[0] = h, key[1] = w; break; /* SORT_HEIGHT */
        }
    }
    qsort(items, n, sizeof(bv__item), compare_items);
}

/* --- pages --- */

/* The area of the final page for a used extent. */
static int64_t page_area(const bv__pack_config *c, int ext_w, int ext_h)
{
    int w, h;
    bv__pack_page_size(c, ext_w, ext_h, &w, &h);
    return (int64_t)w * h;
}

/* How good a packing is: fewer pages, then less total page area. */
typedef struct score {
    size_t pages;
    int64_t area;
} score;

static const score no_score = {SIZE_MAX, INT64_MAX};

static bool better(score a, score b)
{
    return a.pages < b.pages || (a.pages == b.pages && a.area < b.area);
}

/* What MaxRects packings of n items need; kept from one try to the next. */
typedef struct packer {
    bv__bin b;
    bv__spot *trial, *best; /* n each */
} packer;

/* MaxRects over pages. items[0..n) are sorted; they are reordered as pages fill. The packing is
 * written to out and extents only as far as it can still beat `bound`: *r_score is no_score when
 * it cannot. */
static bv_status layout_maxrects(const bv__pack_config *c, packer *k, bv__item *items, size_t n,
                                 score bound, bv_pack_rect *out, bv__page_extent *extents,
                                 score *r_score)
{
    *r_score = no_score;
    k->b.track_edges = c->heuristic == BV_PACK_CONTACT_POINT;
    size_t page = 0, remaining = n;
    int64_t area = 0;
    while (remaining > 0) {
        if (page >= bound.pages) return BV_OK; /* it would take more pages than the bound */
        size_t placed = 0;
        bv_status s = bv__bin_run(&k->b, c, items, remaining, c->bin_w, c->bin_h, false, k->trial,
                                  &placed);
        if (s != BV_OK) return s;
        if (placed == 0) /* cannot happen: every item fits an empty page (checked) */
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: rect %zu fits no page",
                            items[0].index);
        const bv__spot *final = k->trial;
        int ext_w = k->b.ext_w, ext_h = k->b.ext_h;
        if (placed == remaining) {
            const int64_t last_bound = page + 1 == bound.pages ? bound.area - area : INT64_MAX;
            bool found;
            s = bv__pack_last_page(&k->b, c, items, remaining, last_bound, k->trial, k->best,
                                   &ext_w, &ext_h, &found);
            if (s != BV_OK || !found) return s;
            final = k->best;
        }
        size_t waiting = 0;
        for (size_t i = 0; i < remaining; i++) {
            if (!final[i].placed) {
                items[waiting++] = items[i]; /* stable: the order stays sorted */
                continue;
            }
            bv_pack_rect *r = &out[items[i].index];
            r->page = (int)page;
            r->x = c->border + final[i].x;
            r->y = c->border + final[i].y;
            r->rotated = final[i].rotated;
        }
        extents[page++] = (bv__page_extent){ext_w, ext_h};
        area += page_area(c, ext_w, ext_h);
        remaining = waiting;
    }
    *r_score = (score){page, area};
    return BV_OK;
}

/* --- BEST --- */

/* The tries of BEST, most promising first (contact point and bottom-left in side orders win most
 * often on sprite sets). A try whose order sorts the items as an earlier order did is skipped. */
typedef struct combination {
    sort_order order;
    bv_pack_heuristic heuristic;
} combination;

static const combination best_tries[] = {
    {SORT_HEIGHT, BV_PACK_CONTACT_POINT},          {SORT_HEIGHT, BV_PACK_BOTTOM_LEFT},
    {SORT_WIDTH, BV_PACK_CONTACT_POINT},           {SORT_WIDTH, BV_PACK_BOTTOM_LEFT},
    {SORT_LONG_SIDE, BV_PACK_CONTACT_POINT},       {SORT_PERIMETER, BV_PACK_CONTACT_POINT},
    {SORT_AREA, BV_PACK_CONTACT_POINT},            {SORT_LONG_SIDE, BV_PACK_BOTTOM_LEFT},
    {SORT_PERIMETER, BV_PACK_BEST_SHORT_SIDE_FIT}, {SORT_AREA, BV_PACK_BEST_SHORT_SIDE_FIT},
    {SORT_HEIGHT, BV_PACK_BEST_SHORT_SIDE_FIT},    {SORT_WIDTH, BV_PACK_BEST_SHORT_SIDE_FIT},
    {SORT_LONG_SIDE, BV_PACK_BEST_SHORT_SIDE_FIT}, {SORT_PERIMETER, BV_PACK_BOTTOM_LEFT},
    {SORT_AREA, BV_PACK_BOTTOM_LEFT},              {SORT_AREA, BV_PACK_BEST_AREA_FIT},
    {SORT_PERIMETER, BV_PACK_BEST_AREA_FIT},       {SORT_HEIGHT, BV_PACK_BEST_AREA_FIT},
    {SORT_WIDTH, BV_PACK_BEST_AREA_FIT},           {SORT_LONG_SIDE, BV_PACK_BEST_AREA_FIT},
};

/* sorted[0..n) holds the items: puts them in each order, order o at sorted[o * n ...]. same[o]
 * is the first order that sorts them alike. */
static void sort_all_orders(bv__item *sorted, size_t n, int shape, int same[SORT_ORDERS])
{
    for (int o = 0; o < SORT_ORDERS; o++) {
        bv__item *mine = sorted + (size_t)o * n;
        if (o > 0) memcpy(mine, sorted, n * sizeof(bv__item));
        sort_items(mine, n, (sort_order)o, shape);
        same[o] = o;
        for (int e = 0; e < o && same[o] == o; e++) {
            const bv__item *earlier = sorted + (size_t)e * n;
            size_t i = 0;
            while (i < n && earlier[i].index == mine[i].index) i++;
            if (i == n) same[o] = e;
        }
    }
}

/* A MaxRects layout in the making: the items sorted, and the best packing so far. */
typedef struct search {
    size_t n;
    packer k;
    bv__item *sorted; /* n per order tried */
    bv__item *trying; /* n: the items of a try, reordered as pages fill */
    bv_pack_rect *trial_out, *best_out;    /* count each, as bv_pack's */
    bv__page_extent *trial_ext, *best_ext; /* n each */
    score best;
} search;

static bv_status search_start(search *x, const bv__pack_config *c, const bv__item *items, size_t n,
                              size_t count, const bv_pack_rect *out)
{
    *x = (search){.n = n, .best = no_score};
    const size_t orders = c->heuristic == BV_PACK_BEST ? SORT_ORDERS : 1;
    x->k.trial = bv__alloc_array(n, sizeof(bv__spot));
    x->k.best = bv__alloc_array(n, sizeof(bv__spot));
    x->sorted = bv__alloc_array(n, orders * sizeof(bv__item));
    x->trying = bv__alloc_array(n, sizeof(bv__item));
    x->trial_out = bv__alloc_array(count, sizeof(bv_pack_rect));
    x->best_out = bv__alloc_array(count, sizeof(bv_pack_rect));
    x->trial_ext = bv__alloc_array(n, sizeof(bv__page_extent));
    x->best_ext = bv__alloc_array(n, sizeof(bv__page_extent));
    if (!x->k.trial || !x->k.best || !x->sorted || !x->trying || !x->trial_out || !x->best_out ||
        !x->trial_ext || !x->best_ext)
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "pack: out of memory for %zu rects", n);
    memcpy(x->trial_out, out, count * sizeof(bv_pack_rect));
    memcpy(x->best_out, out, count * sizeof(bv_pack_rect));
    memcpy(x->sorted, items, n * sizeof(bv__item));
    return BV_OK;
}

static void search_end(search *x)
{
    bv__bin_free(&x->k.b);
    BV_FREE(x->k.trial);
    BV_FREE(x->k.best);
    BV_FREE(x->sorted);
    BV_FREE(x->trying);
    BV_FREE(x->trial_out);
    BV_FREE(x->best_out);
    BV_FREE(x->trial_ext);
    BV_FREE(x->best_ext);
}

/* Packs the items in the given order (an index into x->sorted) with c's heuristic; keeps the
 * packing if it beats the best so far, and tells so in *r_better. */
static bv_status search_try(search *x, const bv__pack_config *c, int order, bool *r_better)
{
    *r_better = false;
    memcpy(x->trying, x->sorted + (size_t)order * x->n, x->n * sizeof(bv__item));
    score made;
    const bv_status s =
        layout_maxrects(c, &x->k, x->trying, x->n, x->best, x->trial_out, x->trial_ext, &made);
    if (s != BV_OK || !better(made, x->best)) return s;
    x->best = made;
    bv_pack_rect *o = x->best_out;
    x->best_out = x->trial_out;
    x->trial_out = o;
    bv__page_extent *e = x->best_ext;
    x->best_ext = x->trial_ext;
    x->trial_ext = e;
    *r_better = true;
    return BV_OK;
}

/* BEST: the tries of best_tries while the work allows (the first always), then the width sweep
 * of the winner's last page. */
static bv_status search_best(search *x, const bv__pack_config *c)
{
    int same[SORT_ORDERS];
    sort_all_orders(x->sorted, x->n, c->shape, same);
    bool tried[SORT_ORDERS][BV_PACK_BEST] = {{false}};
    bv__pack_config winner = *c;
    int winner_order = 0;
    const size_t try_count = sizeof best_tries / sizeof best_tries[0];
    for (size_t t = 0; t < try_count && (t == 0 || x->k.b.work < BV__PACK_TRY_WORK); t++) {
        bv__pack_config trial = *c;
        trial.heuristic = best_tries[t].heuristic;
        const int order = same[best_tries[t].order];
        if (tried[order][trial.heuristic]) continue;
        tried[order][trial.heuristic] = true;
        bool improved;
        const bv_status s = search_try(x, &trial, order, &improved);
        if (s != BV_OK) return s;
        if (improved) winner = trial, winner_order = order;
    }
    if (c->pot || c->square) return BV_OK; /* their page sizes are searched as far as they go */
    winner.sweep_work = BV__PACK_SWEEP_WORK;
    bool improved;
    return search_try(x, &winner, winner_order, &improved);
}

bv_status bv__pack_maxrects(const bv__pack_config *c, const bv__item *items, size_t n, size_t count,
                            bv_pack_rect *out, bv__page_extent *extents, size_t *r_pages)
{
    search x;
    bv_status s = search_start(&x, c, items, n, count, out);
    if (s == BV_OK) {
        if (c->heuristic == BV_PACK_BEST) {
            s = search_best(&x, c);
        } else {
            bool improved;
            sort_items(x.sorted, n, SORT_AREA, c->shape);
            s = search_try(&x, c, 0, &improved);
        }
    }
    if (s == BV_OK) {
        memcpy(out, x.best_out, count * sizeof(bv_pack_rect));
        memcpy(extents, x.best_ext, x.best.pages * sizeof(bv__page_extent));
        *r_pages = x.best.pages;
    }
    search_end(&x);
    return s;
}
