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
 * Pages. The rectangles, sorted, go in turn into a page of the largest size; those that do not fit
 * wait for the next page. Each rectangle thus lands on the first open page it fits, as in the
 * multi-bin MaxRects. The last page (the one that takes all that remain) is then packed again into
 * smaller bins, looking for the smallest final page: in a bin of the largest size the heuristics
 * spread a few rectangles along its edges, and the page would be mostly empty. Each bin shape
 * (square, twice as wide, twice as tall) is first tried at the largest scale that could still beat
 * the best page so far, then bisected down; a shape that fails there is dropped.
 *
 * BEST. The heuristics and the sort orders make up to 20 tries (best_tries, the most promising
 * first). Each try looks only for a packing that beats the best so far: fewer pages, or as many
 * and a smaller last page, so that a losing try usually costs a few trial packings of the last
 * page. Then the winner's last page is packed again into bins of many more widths, each as tall as
 * could still beat it: which bin a set packs well into is erratic, and sampling widths finds
 * pages a few % smaller than bisecting a few shapes does. The effort is counted in free
 * rectangles looked at, not in time, so that the result stays the same on every machine.
 *
 * Free rectangles. Placing a rectangle splits each free rectangle it overlaps into up to four
 * maximal pieces. Only the new pieces need pruning: one can be inside another new one or inside an
 * untouched free rectangle, but no untouched free rectangle can be inside a new piece (that piece
 * lies inside a free rectangle the pruned list already held). Better still, an untouched free
 * rectangle can only hold a piece if it touches the placed one (see bin_place), and few do: pruning
 * costs O(free) per placement, like scoring, instead of Jylänki's O(free^2).
 *
 * Contact point scoring looks the placed edges up by coordinate (a list per x for vertical edges,
 * per y for horizontal ones), so a candidate costs the edges at its four sides only. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/pack.h>

#include "alloc.h"
#include "error.h"

#define BV__PACK_DEFAULT_SIZE 4096
#define BV__PACK_MAX_SIZE 65536
/* A last page of up to this many rectangles gets the thorough search for its size (about 30
 * trial packings); a larger one about 8. Each trial costs O(n x free rectangles), and with many
 * small rectangles the extra trials gain under 1 % of occupancy (a few % with few large ones). */
#define BV__PACK_THOROUGH_COUNT 256
/* BEST's effort, in free rectangles looked at while placing (each costs about 5 to 15 ns): no
 * new try starts past BV__PACK_TRY_WORK (256 sprites get all 20 tries, 1000 about 10 on two pages
 * and 6 on one), and the width sweep of the winner's last page adds up to BV__PACK_SWEEP_WORK, in
 * at most BV__PACK_SWEEP_WIDTHS bins. */
#define BV__PACK_TRY_WORK 4000000
#define BV__PACK_SWEEP_WORK 500000
#define BV__PACK_SWEEP_WIDTHS 256

/* A box in the packing space (sizes include the shape padding). */
typedef struct box {
    int x, y, w, h;
} box;

/* An edge of a placed box, for the contact point heuristic: over [lo, hi) along one axis; the
 * edges at one coordinate of the other axis form a list through `next` (-1 ends it). */
typedef struct edge {
    int lo, hi, next;
} edge;

enum { EDGE_LEFT, EDGE_RIGHT, EDGE_TOP, EDGE_BOTTOM, EDGE_KINDS };

/* A rectangle of non-zero size to place. */
typedef struct item {
    size_t index;   /* in the caller's array */
    int w, h;       /* inflated by the shape padding */
    int64_t key[2]; /* the sort keys of the real rectangle: larger first, then by index */
} item;

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

/* Where a trial put an item (in the packing space). */
typedef struct spot {
    int x, y;
    bool placed, rotated;
} spot;

typedef struct config {
    bv_pack_layout layout;
    bv_pack_heuristic heuristic;
    int border, shape;
    int max_w, max_h; /* the largest page the constraints allow */
    int bin_w, bin_h; /* its packing space: max - 2 border + shape */
    bool pot, square, rotate;
    int grid_columns;
    uint64_t sweep_work; /* BEST: how much work the last page's width sweep may take (0: none) */
} config;

/* One MaxRects bin. The arrays are kept between trials and only grow. */
typedef struct bin {
    int w, h;
    int ext_w, ext_h; /* used extent: the largest right and bottom edges placed */
    box *free_boxes;
    size_t free_count, free_capacity;
    box *fresh; /* pieces split off during one placement */
    size_t fresh_count, fresh_capacity;
    box *near; /* free boxes touching the placed box without overlapping it */
    size_t near_count, near_capacity;
    /* only for the contact point heuristic: heads[kind][coord] starts the list of the placed
     * edges of that kind at that coordinate, in `edges` */
    int *heads[EDGE_KINDS];
    size_t head_capacity[EDGE_KINDS];
    edge *edges;
    size_t edge_count, edge_capacity;
    bool track_edges;
    uint64_t work; /* free boxes looked at, over every packing */
} bin;

/* --- small helpers --- */

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }
static int64_t min_int64(int64_t a, int64_t b) { return a < b ? a : b; }

static int round_up_pot(int v)
{
    int p = 1;
    while (p < v) p *= 2;
    return p;
}

static int round_down_pot(int v)
{
    int p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}

/* An array of `size`-byte elements, holding `count` of them in room for *capacity, with room for
 * `need`: `array` itself, or a larger copy (and `array` freed). NULL if memory runs out (`array`
 * is then kept). */
static void *grow_array(void *array, size_t *capacity, size_t count, size_t need, size_t size)
{
    if (need <= *capacity) return array;
    size_t grown = *capacity < 16 ? 16 : *capacity;
    while (grown < need) {
        if (grown > SIZE_MAX / 2) return NULL;
        grown *= 2;
    }
    void *bigger = bv__alloc_array(grown, size);
    if (!bigger) return NULL;
    if (count) memcpy(bigger, array, count * size);
    BV_FREE(array);
    *capacity = grown;
    return bigger;
}


static bv_status out_of_memory(void)
{
    return bv__fail(BV_ERROR_OUT_OF_MEMORY, "pack: out of memory for the free rectangle lists");
}

/* --- the bin: free rectangles and placed edges --- */

static void bin_free(bin *b)
{
    BV_FREE(b->free_boxes);
    BV_FREE(b->fresh);
    BV_FREE(b->near);
    for (int k = 0; k < EDGE_KINDS; k++) BV_FREE(b->heads[k]);
    BV_FREE(b->edges);
}

static bv_status bin_reset(bin *b, int w, int h)
{
    b->w = w;
    b->h = h;
    b->ext_w = b->ext_h = 0;
    b->edge_count = 0;
    b->fresh_count = 0;
    box *boxes = grow_array(b->free_boxes, &b->free_capacity, 0, 1, sizeof(box));
    if (!boxes) return out_of_memory();
    b->free_boxes = boxes;
    b->free_boxes[0] = (box){0, 0, w, h};
    b->free_count = 1;
    if (b->track_edges)
        for (int k = 0; k < EDGE_KINDS; k++) {
            /* left and right edges lie at x in [0, w], top and bottom ones at y in [0, h] */
            const size_t size = (size_t)(k == EDGE_LEFT || k == EDGE_RIGHT ? w : h) + 1;
            int *heads = grow_array(b->heads[k], &b->head_capacity[k], 0, size, sizeof(int));
            if (!heads) return out_of_memory();
            b->heads[k] = heads;
            for (size_t i = 0; i < size; i++) b->heads[k][i] = -1;
        }
    return BV_OK;
}

static bool contains(const box *outer, const box *inner)
{
    return inner->x >= outer->x && inner->y >= outer->y &&
           inner->x + inner->w <= outer->x + outer->w && inner->y + inner->h <= outer->y + outer->h;
}

static bool add_fresh(bin *b, box piece)
{
    box *fresh = grow_array(b->fresh, &b->fresh_capacity, b->fresh_count, b->fresh_count + 1,
                            sizeof(box));
    if (!fresh) return false;
    b->fresh = fresh;
    b->fresh[b->fresh_count++] = piece;
    return true;
}

static bool add_near(bin *b, box f)
{
    box *near = grow_array(b->near, &b->near_capacity, b->near_count, b->near_count + 1,
                           sizeof(box));
    if (!near) return false;
    b->near = near;
    b->near[b->near_count++] = f;
    return true;
}

/* Splits free box f around `used` (which overlaps it) into the maximal pieces left over. */
static bool split(bin *b, const box *f, const box *used)
{
    const int f_right = f->x + f->w, f_bottom = f->y + f->h;
    const int u_right = used->x + used->w, u_bottom = used->y + used->h;
    if (used->y > f->y && !add_fresh(b, (box){f->x, f->y, f->w, used->y - f->y})) return false;
    if (u_bottom < f_bottom && !add_fresh(b, (box){f->x, u_bottom, f->w, f_bottom - u_bottom}))
        return false;
    if (used->x > f->x && !add_fresh(b, (box){f->x, f->y, used->x - f->x, f->h})) return false;
    if (u_right < f_right && !add_fresh(b, (box){u_right, f->y, f_right - u_right, f->h}))
        return false;
    return true;
}

static bool add_edges(bin *b, const box *used)
{
    if (b->edge_count > (size_t)INT_MAX - EDGE_KINDS) return false;
    edge *edges = grow_array(b->edges, &b->edge_capacity, b->edge_count,
                             b->edge_count + EDGE_KINDS, sizeof(edge));
    if (!edges) return false;
    b->edges = edges;
    const int coords[EDGE_KINDS] = {used->x, used->x + used->w, used->y, used->y + used->h};
    for (int k = 0; k < EDGE_KINDS; k++) {
        const bool vertical = k == EDGE_LEFT || k == EDGE_RIGHT;
        const int index = (int)b->edge_count++;
        b->edges[index] = vertical ? (edge){used->y, used->y + used->h, b->heads[k][coords[k]]}
                                   : (edge){used->x, used->x + used->w, b->heads[k][coords[k]]};
        b->heads[k][coords[k]] = index;
    }
    return true;
}

/* Total length of the placed edges of one kind at `coord` overlapping [lo, hi). */
static int64_t edge_contact(const bin *b, int kind, int coord, int lo, int hi)
{
    int64_t sum = 0;
    for (int i = b->heads[kind][coord]; i >= 0; i = b->edges[i].next) {
        const edge *e = &b->edges[i];
        if (e->lo < hi && e->hi > lo) sum += min_int(e->hi, hi) - max_int(e->lo, lo);
    }
    return sum;
}

/* The contact point score: how much of the box's perimeter touches the bin's sides or placed
 * boxes. */
static int64_t contact(const bin *b, int x, int y, int w, int h)
{
    int64_t sum = 0;
    if (x == 0 || x + w == b->w) sum += h;
    if (y == 0 || y + h == b->h) sum += w;
    sum += edge_contact(b, EDGE_RIGHT, x, y, y + h);
    sum += edge_contact(b, EDGE_LEFT, x + w, y, y + h);
    sum += edge_contact(b, EDGE_BOTTOM, y, x, x + w);
    sum += edge_contact(b, EDGE_TOP, y + h, x, x + w);
    return sum;
}

/* Puts `used` into the bin: splits the free boxes it overlaps, prunes the pieces, records its
 * edges and the extent.
 *
 * Every piece touches `used` along a whole side of the piece's overlap with it, so an untouched
 * free box can hold a piece only if it touches `used` too: only those ("near") are checked. */
static bv_status bin_place(bin *b, const box *used)
{
    const int u_right = used->x + used->w, u_bottom = used->y + used->h;
    b->fresh_count = 0;
    b->near_count = 0;
    for (size_t i = 0; i < b->free_count;) {
        const box f = b->free_boxes[i];
        const int f_right = f.x + f.w, f_bottom = f.y + f.h;
        if (used->x > f_right || u_right < f.x || used->y > f_bottom || u_bottom < f.y) {
            i++; /* apart */
            continue;
        }
        if (used->x == f_right || u_right == f.x || used->y == f_bottom || u_bottom == f.y) {
            if (!add_near(b, f)) return out_of_memory(); /* touching */
            i++;
            continue;
        }
        if (!split(b, &f, used)) return out_of_memory();
        b->free_boxes[i] = b->free_boxes[--b->free_count];
    }
    /* a piece inside another piece goes (of equal pieces, the first stays): fresh[0..kept) holds
     * the pieces kept so far, never beyond the piece being looked at */
    size_t kept = 0;
    for (size_t i = 0; i < b->fresh_count; i++) {
        const box piece = b->fresh[i];
        bool inside = false;
        for (size_t j = 0; j < kept && !inside; j++) inside = contains(&b->fresh[j], &piece);
        if (inside) continue;
        for (size_t j = 0; j < kept;) {
            if (contains(&piece, &b->fresh[j])) b->fresh[j] = b->fresh[--kept];
            else j++;
        }
        b->fresh[kept++] = piece;
    }
    /* a piece inside an untouched free box goes; the rest join the list */
    box *boxes = grow_array(b->free_boxes, &b->free_capacity, b->free_count,
                            b->free_count + kept, sizeof(box));
    if (!boxes) return out_of_memory();
    b->free_boxes = boxes;
    for (size_t i = 0; i < kept; i++) {
        bool inside = false;
        for (size_t j = 0; j < b->near_count && !inside; j++)
            inside = contains(&b->near[j], &b->fresh[i]);
        if (!inside) b->free_boxes[b->free_count++] = b->fresh[i];
    }
    if (b->track_edges && !add_edges(b, used)) return out_of_memory();
    b->ext_w = max_int(b->ext_w, used->x + used->w);
    b->ext_h = max_int(b->ext_h, used->y + used->h);
    return BV_OK;
}

/* --- choosing a position --- */

typedef struct fit {
    bool found, rotated;
    int x, y, w, h;
    int64_t primary, secondary; /* lower is better; then lower y, then lower x */
} fit;

static void consider(const bin *b, bv_pack_heuristic heuristic, const box *f, int w, int h,
                     bool rotated, fit *best)
{
    if (w > f->w || h > f->h) return;
    const int64_t left_h = f->w - w, left_v = f->h - h;
    const int64_t short_left = left_h < left_v ? left_h : left_v;
    const int64_t long_left = left_h < left_v ? left_v : left_h;
    int64_t primary = 0, secondary = 0;
    switch (heuristic) {
    case BV_PACK_BEST_SHORT_SIDE_FIT:
        primary = short_left;
        secondary = long_left;
        break;
    case BV_PACK_BEST_AREA_FIT:
        primary = (int64_t)f->w * f->h - (int64_t)w * h;
        secondary = short_left;
        break;
    case BV_PACK_BOTTOM_LEFT:
        primary = (int64_t)f->y + h;
        secondary = f->x;
        break;
    case BV_PACK_CONTACT_POINT:
        primary = -contact(b, f->x, f->y, w, h);
        break;
    case BV_PACK_BEST: /* never: BEST packs with each of the others */
        break;
    }
    if (best->found &&
        (primary > best->primary ||
         (primary == best->primary &&
          (secondary > best->secondary ||
           (secondary == best->secondary &&
            (f->y > best->y || (f->y == best->y && f->x >= best->x)))))))
        return;
    *best = (fit){true, rotated, f->x, f->y, w, h, primary, secondary};
}

/* The best free position for a w x h item (or h x w when rotation is allowed). */
static fit find_position(const bin *b, const config *c, int w, int h)
{
    fit best = {0};
    const bool turn = c->rotate && w != h;
    for (size_t i = 0; i < b->free_count; i++) {
        const box *f = &b->free_boxes[i];
        if (w <= f->w && h <= f->h) consider(b, c->heuristic, f, w, h, false, &best);
        if (turn && h <= f->w && w <= f->h) consider(b, c->heuristic, f, h, w, true, &best);
    }
    return best;
}

/* Packs items[0..n), in order, into an empty w x h bin; spots[i] tells where item i went. With
 * all_or_nothing it stops at the first item that does not fit. *r_placed counts those placed. */
static bv_status run_bin(bin *b, const config *c, const item *items, size_t n, int w, int h,
                         bool all_or_nothing, spot *spots, size_t *r_placed)
{
    bv_status s = bin_reset(b, w, h);
    if (s != BV_OK) return s;
    size_t placed = 0;
    for (size_t i = 0; i < n; i++) {
        b->work += b->free_count;
        const fit f = find_position(b, c, items[i].w, items[i].h);
        spots[i] = (spot){f.x, f.y, f.found, f.rotated};
        if (!f.found) {
            if (all_or_nothing) break;
            continue;
        }
        const box used = {f.x, f.y, f.w, f.h};
        if ((s = bin_place(b, &used)) != BV_OK) return s;
        placed++;
    }
    *r_placed = placed;
    return BV_OK;
}

/* --- page sizes --- */

/* The final page for a used extent in the packing space (0 x 0: nothing placed). */
static void page_size(const config *c, int ext_w, int ext_h, int *r_w, int *r_h)
{
    int w = ext_w > 0 ? ext_w - c->shape + 2 * c->border : min_int(2 * c->border, c->max_w);
    int h = ext_h > 0 ? ext_h - c->shape + 2 * c->border : min_int(2 * c->border, c->max_h);
    w = max_int(w, 1);
    h = max_int(h, 1);
    if (c->pot) {
        w = round_up_pot(w);
        h = round_up_pot(h);
    }
    if (c->square) w = h = max_int(w, h);
    *r_w = w;
    *r_h = h;
}

static int64_t page_area(const config *c, int ext_w, int ext_h)
{
    int w, h;
    page_size(c, ext_w, ext_h, &w, &h);
    return (int64_t)w * h;
}

/* --- the last page --- */

/* The smallest last page found so far, or until one is found, the page area to beat. */
typedef struct candidate {
    int64_t area; /* of the final page */
    int side;     /* its longer side, the tie-break */
    int ext_w, ext_h;
    bool found;
} candidate;

typedef struct last_page {
    bin *b;
    const config *c;
    const item *items;
    size_t n;
    int64_t inflated_area, real_area; /* of the items, with and without the shape padding */
    spot *trial, *best_spots;
    candidate best;
} last_page;

/* Is the page for this extent smaller than the best so far (by area, then by longer side)? */
static bool beats_best(const last_page *lp, int ext_w, int ext_h)
{
    int pw, ph;
    page_size(lp->c, ext_w, ext_h, &pw, &ph);
    const int64_t area = (int64_t)pw * ph;
    return area < lp->best.area || (area == lp->best.area && max_int(pw, ph) < lp->best.side);
}

/* Keeps the bin's packing (in lp->trial) if its page is smaller than the best so far. */
static void keep_if_smaller(last_page *lp)
{
    if (!beats_best(lp, lp->b->ext_w, lp->b->ext_h)) return;
    int pw, ph;
    page_size(lp->c, lp->b->ext_w, lp->b->ext_h, &pw, &ph);
    lp->best = (candidate){(int64_t)pw * ph, max_int(pw, ph), lp->b->ext_w, lp->b->ext_h, true};
    memcpy(lp->best_spots, lp->trial, lp->n * sizeof(spot));
}

/* Packs the last page's items into a bw x bh bin and keeps the result if its page is the smallest
 * yet. *r_fits tells whether all of them went in. */
static bv_status try_bin(last_page *lp, int bw, int bh, bool *r_fits)
{
    *r_fits = false;
    if (bw <= 0 || bh <= 0) return BV_OK;
    size_t placed = 0;
    const bv_status s = run_bin(lp->b, lp->c, lp->items, lp->n, bw, bh, true, lp->trial, &placed);
    if (s != BV_OK || placed != lp->n) return s;
    *r_fits = true;
    keep_if_smaller(lp);
    return BV_OK;
}

typedef struct pot_size {
    int w, h;
} pot_size;

static int compare_pot_sizes(const void *pa, const void *pb)
{
    const pot_size *a = pa, *b = pb;
    const int64_t area_a = (int64_t)a->w * a->h, area_b = (int64_t)b->w * b->h;
    if (area_a != area_b) return area_a < area_b ? -1 : 1;
    const int side_a = max_int(a->w, a->h), side_b = max_int(b->w, b->h);
    if (side_a != side_b) return side_a < side_b ? -1 : 1;
    return (a->w > b->w) - (a->w < b->w);
}

/* Power-of-two pages: try the sizes below the best in order of area, smallest first; the first
 * that holds every item is the answer. */
static bv_status search_pot(last_page *lp)
{
    pot_size sizes[18 * 18];
    size_t count = 0;
    for (int w = 1; w <= lp->c->max_w; w *= 2)
        for (int h = 1; h <= lp->c->max_h; h *= 2) {
            if (lp->c->square && w != h) continue;
            if ((int64_t)w * h < lp->real_area || (int64_t)w * h > lp->best.area) continue;
            sizes[count++] = (pot_size){w, h};
        }
    qsort(sizes, count, sizeof sizes[0], compare_pot_sizes);
    for (size_t i = 0; i < count; i++) {
        const int bw = sizes[i].w - 2 * lp->c->border + lp->c->shape;
        const int bh = sizes[i].h - 2 * lp->c->border + lp->c->shape;
        if (bw <= lp->c->shape || bh <= lp->c->shape) continue;
        bool fits;
        const bv_status s = try_bin(lp, bw, bh, &fits);
        if (s != BV_OK || fits) return s;
    }
    return BV_OK;
}

/* A bin of shape p:q at scale s: (p s, q s) within the largest bin. */
static void scaled_bin(const config *c, int p, int q, int s, int *r_w, int *r_h)
{
    *r_w = (int)min_int64((int64_t)p * s, c->bin_w);
    *r_h = (int)min_int64((int64_t)q * s, c->bin_h);
}

/* The largest scale at which a full bin of shape p:q would still make a page smaller than the
 * best so far; 0 if none. Scales run up to s_max (the whole bin). */
static int largest_useful_scale(const last_page *lp, int p, int q, int s_max)
{
    int lo = 0, hi = s_max + 1; /* lo is useful (or 0), hi is not */
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        int bw, bh;
        scaled_bin(lp->c, p, q, mid, &bw, &bh);
        if (beats_best(lp, bw, bh)) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Other pages: for a few shapes of bin (square, twice as wide, twice as tall; only square for
 * large sets, see BV__PACK_THOROUGH_COUNT), the smallest scale that holds every item. The largest
 * scale that could beat the best so far is tried first, then the scale is bisected down to within
 * 1/256. */
static bv_status search_scaled(last_page *lp)
{
    static const int shapes[3][2] = {{1, 1}, {2, 1}, {1, 2}};
    const int shape_count = lp->c->square || lp->n > BV__PACK_THOROUGH_COUNT ? 1 : 3;
    for (int k = 0; k < shape_count; k++) {
        const int p = shapes[k][0], q = shapes[k][1];
        const int s_max = max_int((lp->c->bin_w + p - 1) / p, (lp->c->bin_h + q - 1) / q);
        const int s_lo = (int)ceil(sqrt((double)lp->inflated_area / (p * q)));
        int hi = largest_useful_scale(lp, p, q, s_max); /* fits, once tried */
        if (hi < s_lo) continue;
        bool fits;
        int bw, bh;
        scaled_bin(lp->c, p, q, hi, &bw, &bh);
        bv_status s = try_bin(lp, bw, bh, &fits);
        if (s != BV_OK) return s;
        if (!fits) continue;
        int lo = s_lo - 1; /* does not fit */
        const int probes[3] = {s_lo + s_lo / 8, s_lo + s_lo / 4, s_lo + s_lo / 2};
        for (int i = 0; i < 3; i++) {
            if (probes[i] <= lo || probes[i] >= hi) continue;
            scaled_bin(lp->c, p, q, probes[i], &bw, &bh);
            if ((s = try_bin(lp, bw, bh, &fits)) != BV_OK) return s;
            if (fits) {
                hi = probes[i];
                break;
            }
            lo = probes[i];
        }
        while (hi - lo > max_int(1, hi / 256)) {
            const int mid = lo + (hi - lo) / 2;
            scaled_bin(lp->c, p, q, mid, &bw, &bh);
            if ((s = try_bin(lp, bw, bh, &fits)) != BV_OK) return s;
            if (fits) hi = mid;
            else lo = mid;
        }
    }
    return BV_OK;
}

/* Then one side at a time: the best bin's width with its height kept, then its height. */
static bv_status shrink_sides(last_page *lp)
{
    for (int axis = 0; axis < 2; axis++) {
        const int other = axis == 0 ? lp->best.ext_h : lp->best.ext_w;
        int hi = axis == 0 ? lp->best.ext_w : lp->best.ext_h; /* fits */
        int lo = (int)((lp->inflated_area + other - 1) / other) - 1; /* does not */
        while (hi - lo > max_int(1, hi / 256)) {
            const int mid = lo + (hi - lo) / 2;
            bool fits;
            const bv_status s = axis == 0 ? try_bin(lp, mid, other, &fits)
                                          : try_bin(lp, other, mid, &fits);
            if (s != BV_OK) return s;
            if (fits) hi = mid;
            else lo = mid;
        }
    }
    return BV_OK;
}

/* The largest height at which a full bw-wide bin would still make a page smaller than the best so
 * far; 0 if none. */
static int largest_useful_height(const last_page *lp, int bw)
{
    int lo = 0, hi = lp->c->bin_h + 1; /* lo is useful (or 0), hi is not */
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        if (beats_best(lp, bw, mid)) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* The i-th number of the van der Corput sequence in 256ths (i's 8 low bits reversed): 128, 64,
 * 192, 32, 160, ... covers [0, 256) coarsely first, then ever finer. */
static int van_der_corput(unsigned i)
{
    int u = 0;
    for (int bit = 0; bit < 8; bit++, i >>= 1) u = (u << 1) | (int)(i & 1);
    return u;
}

/* BEST's last look at the winner's last page: bins from 1/sqrt(2) to sqrt(2) times as wide as a
 * square holding the items (so pages stay within about 2:1 either way), in van der Corput order,
 * each as tall as could still beat the best page, until the work limit. */
static bv_status sweep_widths(last_page *lp)
{
    int least_width = 1; /* of a bin that can hold the widest item (turned, when it may be) */
    for (size_t i = 0; i < lp->n; i++) {
        const item *t = &lp->items[i];
        least_width = max_int(least_width, lp->c->rotate ? min_int(t->w, t->h) : t->w);
    }
    const int64_t side = (int64_t)ceil(sqrt((double)lp->inflated_area));
    const uint64_t until = lp->b->work + lp->c->sweep_work;
    for (unsigned i = 1; i <= BV__PACK_SWEEP_WIDTHS && lp->b->work < until; i++) {
        /* 181 / 256 = 1 / sqrt(2) */
        const int64_t width = side * (181 + 181 * van_der_corput(i) / 256) / 256;
        const int bw = (int)min_int64(width, lp->c->bin_w);
        if (bw < least_width) continue;
        bool fits;
        const bv_status s = try_bin(lp, bw, largest_useful_height(lp, bw), &fits);
        if (s != BV_OK) return s;
    }
    return BV_OK;
}

/* The last page: items[0..n) all fit the largest bin (`trial` holds that packing, the bin its
 * extent); look for the smallest page that holds them all, smaller than a page of `bound` area.
 * *r_found tells whether there is one; its spots are then in best_spots, its extent in *r_ext. */
static bv_status pack_last_page(bin *b, const config *c, const item *items, size_t n,
                                int64_t bound, spot *trial, spot *best_spots, int *r_ext_w,
                                int *r_ext_h, bool *r_found)
{
    last_page lp = {b, c, items, n, 0, 0, trial, best_spots, {bound, 0, 0, 0, false}};
    for (size_t i = 0; i < n; i++) {
        lp.inflated_area += (int64_t)items[i].w * items[i].h;
        lp.real_area += (int64_t)(items[i].w - c->shape) * (items[i].h - c->shape);
    }
    keep_if_smaller(&lp);
    bv_status s;
    if (c->pot) {
        s = search_pot(&lp);
    } else {
        s = search_scaled(&lp);
        if (s == BV_OK && lp.best.found && !c->square && n <= BV__PACK_THOROUGH_COUNT)
            s = shrink_sides(&lp);
        if (s == BV_OK && !c->square && c->sweep_work) s = sweep_widths(&lp);
    }
    if (s != BV_OK) return s;
    *r_found = lp.best.found;
    *r_ext_w = lp.best.ext_w;
    *r_ext_h = lp.best.ext_h;
    return BV_OK;
}

/* --- layouts --- */

static int compare_items(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    for (int k = 0; k < 2; k++)
        if (a->key[k] != b->key[k]) return a->key[k] > b->key[k] ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Sorts items[0..n) in the given order. */
static void sort_items(item *items, size_t n, sort_order order, int shape)
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
    qsort(items, n, sizeof(item), compare_items);
}

typedef struct page_extent {
    int ext_w, ext_h;
} page_extent;

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
    bin b;
    spot *trial, *best; /* n each */
} packer;

/* MaxRects over pages. items[0..n) are sorted; they are reordered as pages fill. The packing is
 * written to out and extents only as far as it can still beat `bound`: *r_score is no_score when
 * it cannot. */
static bv_status layout_maxrects(const config *c, packer *k, item *items, size_t n, score bound,
                                 bv_pack_rect *out, page_extent *extents, score *r_score)
{
    *r_score = no_score;
    k->b.track_edges = c->heuristic == BV_PACK_CONTACT_POINT;
    size_t page = 0, remaining = n;
    int64_t area = 0;
    while (remaining > 0) {
        if (page >= bound.pages) return BV_OK; /* it would take more pages than the bound */
        size_t placed = 0;
        bv_status s = run_bin(&k->b, c, items, remaining, c->bin_w, c->bin_h, false, k->trial,
                              &placed);
        if (s != BV_OK) return s;
        if (placed == 0) /* cannot happen: every item fits an empty page (checked) */
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "pack: rect %zu fits no page",
                            items[0].index);
        const spot *final = k->trial;
        int ext_w = k->b.ext_w, ext_h = k->b.ext_h;
        if (placed == remaining) {
            const int64_t last_bound = page + 1 == bound.pages ? bound.area - area : INT64_MAX;
            bool found;
            s = pack_last_page(&k->b, c, items, remaining, last_bound, k->trial, k->best, &ext_w,
                               &ext_h, &found);
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
        extents[page++] = (page_extent){ext_w, ext_h};
        area += page_area(c, ext_w, ext_h);
        remaining = waiting;
    }
    *r_score = (score){page, area};
    return BV_OK;
}

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
static void sort_all_orders(item *sorted, size_t n, int shape, int same[SORT_ORDERS])
{
    for (int o = 0; o < SORT_ORDERS; o++) {
        item *mine = sorted + (size_t)o * n;
        if (o > 0) memcpy(mine, sorted, n * sizeof(item));
        sort_items(mine, n, (sort_order)o, shape);
        same[o] = o;
        for (int e = 0; e < o && same[o] == o; e++) {
            const item *earlier = sorted + (size_t)e * n;
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
    item *sorted; /* n per order tried */
    item *trying; /* n: the items of a try, reordered as pages fill */
    bv_pack_rect *trial_out, *best_out; /* count each, as bv_pack's */
    page_extent *trial_ext, *best_ext;  /* n each */
    score best;
} search;

static bv_status search_start(search *x, const config *c, const item *items, size_t n,
                              size_t count, const bv_pack_rect *out)
{
    *x = (search){.n = n, .best = no_score};
    const size_t orders = c->heuristic == BV_PACK_BEST ? SORT_ORDERS : 1;
    x->k.trial = bv__alloc_array(n, sizeof(spot));
    x->k.best = bv__alloc_array(n, sizeof(spot));
    x->sorted = bv__alloc_array(n, orders * sizeof(item));
    x->trying = bv__alloc_array(n, sizeof(item));
    x->trial_out = bv__alloc_array(count, sizeof(bv_pack_rect));
    x->best_out = bv__alloc_array(count, sizeof(bv_pack_rect));
    x->trial_ext = bv__alloc_array(n, sizeof(page_extent));
    x->best_ext = bv__alloc_array(n, sizeof(page_extent));
    if (!x->k.trial || !x->k.best || !x->sorted || !x->trying || !x->trial_out || !x->best_out ||
        !x->trial_ext || !x->best_ext)
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "pack: out of memory for %zu rects", n);
    memcpy(x->trial_out, out, count * sizeof(bv_pack_rect));
    memcpy(x->best_out, out, count * sizeof(bv_pack_rect));
    memcpy(x->sorted, items, n * sizeof(item));
    return BV_OK;
}

static void search_end(search *x)
{
    bin_free(&x->k.b);
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
static bv_status search_try(search *x, const config *c, int order, bool *r_better)
{
    *r_better = false;
    memcpy(x->trying, x->sorted + (size_t)order * x->n, x->n * sizeof(item));
    score made;
    const bv_status s =
        layout_maxrects(c, &x->k, x->trying, x->n, x->best, x->trial_out, x->trial_ext, &made);
    if (s != BV_OK || !better(made, x->best)) return s;
    x->best = made;
    bv_pack_rect *o = x->best_out;
    x->best_out = x->trial_out;
    x->trial_out = o;
    page_extent *e = x->best_ext;
    x->best_ext = x->trial_ext;
    x->trial_ext = e;
    *r_better = true;
    return BV_OK;
}

/* BEST: the tries of best_tries while the work allows (the first always), then the width sweep
 * of the winner's last page. */
static bv_status search_best(search *x, const config *c)
{
    int same[SORT_ORDERS];
    sort_all_orders(x->sorted, x->n, c->shape, same);
    bool tried[SORT_ORDERS][BV_PACK_BEST] = {{false}};
    config winner = *c;
    int winner_order = 0;
    const size_t try_count = sizeof best_tries / sizeof best_tries[0];
    for (size_t t = 0; t < try_count && (t == 0 || x->k.b.work < BV__PACK_TRY_WORK); t++) {
        config trial = *c;
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

/* MaxRects: with one heuristic, the items largest first by area; with BEST, the search above. */
static bv_status layout_maxrects_search(const config *c, const item *items, size_t n, size_t count,
                                        bv_pack_rect *out, page_extent *extents, size_t *r_pages)
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
        memcpy(extents, x.best_ext, x.best.pages * sizeof(page_extent));
        *r_pages = x.best.pages;
    }
    search_end(&x);
    return s;
}

/* Grid: cells of the largest width x the largest height (plus padding), in input order. */
static bv_status layout_grid(const config *c, const item *items, size_t n, bv_pack_rect *out,
                             page_extent *extents, size_t *r_pages)
{
    int cell_w = 0, cell_h = 0;
    for (size_t i = 0; i < n; i++) {
        cell_w = max_int(cell_w, items[i].w);
        cell_h = max_int(cell_h, items[i].h);
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
        page_extent *e = &extents[page];
        if ((size_t)page == pages) {
            *e = (page_extent){0, 0};
            pages++;
        }
        e->ext_w = max_int(e->ext_w, (int)((column + 1) * cell_w));
        e->ext_h = max_int(e->ext_h, (int)((row + 1) * cell_h));
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

static config make_config(const bv_pack_desc *d)
{
    config c = {0};
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
    if (c.square) c.max_w = c.max_h = min_int(c.max_w, c.max_h);
    if (c.pot) {
        c.max_w = round_down_pot(c.max_w);
        c.max_h = round_down_pot(c.max_h);
    }
    c.bin_w = c.max_w - 2 * c.border + c.shape;
    c.bin_h = c.max_h - 2 * c.border + c.shape;
    return c;
}

/* Does a w x h rectangle fit the largest page? */
static bool fits_largest(const config *c, int w, int h)
{
    const int64_t room_w = (int64_t)c->max_w - 2 * (int64_t)c->border;
    const int64_t room_h = (int64_t)c->max_h - 2 * (int64_t)c->border;
    return (w <= room_w && h <= room_h) || (c->rotate && h <= room_w && w <= room_h);
}

static bv_status check_rects(const config *c, const bv_pack_rect *rects, size_t count)
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
                        i, w, h, max_int(c->max_w - 2 * c->border, 0),
                        max_int(c->max_h - 2 * c->border, 0), c->border,
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
    const config c = make_config(desc);
    if ((s = check_rects(&c, rects, count)) != BV_OK) return s;
    if (count == 0) {
        *r_page_count = 0;
        return BV_OK;
    }

    bv_pack_rect *out = bv__alloc_array(count, sizeof(bv_pack_rect));
    item *items = bv__alloc_array(count, sizeof(item));
    page_extent *extents = bv__alloc_array(count, sizeof(page_extent));
    if (!out || !items || !extents) {
        s = bv__fail(BV_ERROR_OUT_OF_MEMORY, "pack: out of memory for %zu rects", count);
        goto done;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        out[i] = (bv_pack_rect){rects[i].width, rects[i].height, 0, 0, 0, false};
        const int w = rects[i].width, h = rects[i].height;
        if (w == 0 || h == 0) continue;
        items[n++] = (item){i, w + c.shape, h + c.shape, {0, 0}};
    }
    size_t page_count = 0;
    if (n == 0) {
        extents[0] = (page_extent){0, 0}; /* only empty rectangles: one empty page */
        page_count = 1;
    } else if (c.layout == BV_LAYOUT_GRID) {
        s = layout_grid(&c, items, n, out, extents, &page_count);
    } else {
        s = layout_maxrects_search(&c, items, n, count, out, extents, &page_count);
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
        page_size(&c, extents[p].ext_w, extents[p].ext_h, &page->width, &page->height);
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
