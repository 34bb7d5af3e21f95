/* The MaxRects bin (Jukka Jylänki, "A Thousand Ways to Pack the Bin", 2010): its free rectangles,
 * how a placement splits and prunes them, and where each heuristic puts a rectangle.
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
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "pack_bin.h"

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

void bv__bin_free(bv__bin *b)
{
    BV_FREE(b->free_boxes);
    BV_FREE(b->fresh);
    BV_FREE(b->near);
    for (int k = 0; k < BV__EDGE_KINDS; k++) BV_FREE(b->heads[k]);
    BV_FREE(b->edges);
}

static bv_status bin_reset(bv__bin *b, int w, int h)
{
    b->w = w;
    b->h = h;
    b->ext_w = b->ext_h = 0;
    b->edge_count = 0;
    b->fresh_count = 0;
    bv__box *boxes = grow_array(b->free_boxes, &b->free_capacity, 0, 1, sizeof(bv__box));
    if (!boxes) return out_of_memory();
    b->free_boxes = boxes;
    b->free_boxes[0] = (bv__box){0, 0, w, h};
    b->free_count = 1;
    if (b->track_edges)
        for (int k = 0; k < BV__EDGE_KINDS; k++) {
            /* left and right edges lie at x in [0, w], top and bottom ones at y in [0, h] */
            const size_t size = (size_t)(k == BV__EDGE_LEFT || k == BV__EDGE_RIGHT ? w : h) + 1;
            int *heads = grow_array(b->heads[k], &b->head_capacity[k], 0, size, sizeof(int));
            if (!heads) return out_of_memory();
            b->heads[k] = heads;
            for (size_t i = 0; i < size; i++) b->heads[k][i] = -1;
        }
    return BV_OK;
}

static bool contains(const bv__box *outer, const bv__box *inner)
{
    return inner->x >= outer->x && inner->y >= outer->y &&
           inner->x + inner->w <= outer->x + outer->w && inner->y + inner->h <= outer->y + outer->h;
}

static bool add_fresh(bv__bin *b, bv__box piece)
{
    bv__box *fresh = grow_array(b->fresh, &b->fresh_capacity, b->fresh_count, b->fresh_count + 1,
                                sizeof(bv__box));
    if (!fresh) return false;
    b->fresh = fresh;
    b->fresh[b->fresh_count++] = piece;
    return true;
}

static bool add_near(bv__bin *b, bv__box f)
{
    bv__box *near = grow_array(b->near, &b->near_capacity, b->near_count, b->near_count + 1,
                               sizeof(bv__box));
    if (!near) return false;
    b->near = near;
    b->near[b->near_count++] = f;
    return true;
}

/* Splits free box f around `used` (which overlaps it) into the maximal pieces left over. */
static bool split(bv__bin *b, const bv__box *f, const bv__box *used)
{
    const int f_right = f->x + f->w, f_bottom = f->y + f->h;
    const int u_right = used->x + used->w, u_bottom = used->y + used->h;
    if (used->y > f->y && !add_fresh(b, (bv__box){f->x, f->y, f->w, used->y - f->y})) return false;
    if (u_bottom < f_bottom && !add_fresh(b, (bv__box){f->x, u_bottom, f->w, f_bottom - u_bottom}))
        return false;
    if (used->x > f->x && !add_fresh(b, (bv__box){f->x, f->y, used->x - f->x, f->h})) return false;
    if (u_right < f_right && !add_fresh(b, (bv__box){u_right, f->y, f_right - u_right, f->h}))
        return false;
    return true;
}

static bool add_edges(bv__bin *b, const bv__box *used)
{
    if (b->edge_count > (size_t)INT_MAX - BV__EDGE_KINDS) return false;
    bv__edge *edges = grow_array(b->edges, &b->edge_capacity, b->edge_count,
                                 b->edge_count + BV__EDGE_KINDS, sizeof(bv__edge));
    if (!edges) return false;
    b->edges = edges;
    const int coords[BV__EDGE_KINDS] = {used->x, used->x + used->w, used->y, used->y + used->h};
    for (int k = 0; k < BV__EDGE_KINDS; k++) {
        const bool vertical = k == BV__EDGE_LEFT || k == BV__EDGE_RIGHT;
        const int index = (int)b->edge_count++;
        b->edges[index] = vertical ? (bv__edge){used->y, used->y + used->h, b->heads[k][coords[k]]}
                                   : (bv__edge){used->x, used->x + used->w, b->heads[k][coords[k]]};
        b->heads[k][coords[k]] = index;
    }
    return true;
}

/* Total length of the placed edges of one kind at `coord` overlapping [lo, hi). */
static int64_t edge_contact(const bv__bin *b, int kind, int coord, int lo, int hi)
{
    int64_t sum = 0;
    for (int i = b->heads[kind][coord]; i >= 0; i = b->edges[i].next) {
        const bv__edge *e = &b->edges[i];
        if (e->lo < hi && e->hi > lo) sum += bv__min_int(e->hi, hi) - bv__max_int(e->lo, lo);
    }
    return sum;
}

/* The contact point score: how much of the box's perimeter touches the bin's sides or placed
 * boxes. */
static int64_t contact(const bv__bin *b, int x, int y, int w, int h)
{
    int64_t sum = 0;
    if (x == 0 || x + w == b->w) sum += h;
    if (y == 0 || y + h == b->h) sum += w;
    sum += edge_contact(b, BV__EDGE_RIGHT, x, y, y + h);
    sum += edge_contact(b, BV__EDGE_LEFT, x + w, y, y + h);
    sum += edge_contact(b, BV__EDGE_BOTTOM, y, x, x + w);
    sum += edge_contact(b, BV__EDGE_TOP, y + h, x, x + w);
    return sum;
}

/* Puts `used` into the bin: splits the free boxes it overlaps, prunes the pieces, records its
 * edges and the extent.
 *
 * Every piece touches `used` along a whole side of the piece's overlap with it, so an untouched
 * free box can hold a piece only if it touches `used` too: only those ("near") are checked. */
static bv_status bin_place(bv__bin *b, const bv__box *used)
{
    const int u_right = used->x + used->w, u_bottom = used->y + used->h;
    b->fresh_count = 0;
    b->near_count = 0;
    for (size_t i = 0; i < b->free_count;) {
        const bv__box f = b->free_boxes[i];
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
        const bv__box piece = b->fresh[i];
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
    bv__box *boxes = grow_array(b->free_boxes, &b->free_capacity, b->free_count,
                                b->free_count + kept, sizeof(bv__box));
    if (!boxes) return out_of_memory();
    b->free_boxes = boxes;
    for (size_t i = 0; i < kept; i++) {
        bool inside = false;
        for (size_t j = 0; j < b->near_count && !inside; j++)
            inside = contains(&b->near[j], &b->fresh[i]);
        if (!inside) b->free_boxes[b->free_count++] = b->fresh[i];
    }
    if (b->track_edges && !add_edges(b, used)) return out_of_memory();
    b->ext_w = bv__max_int(b->ext_w, used->x + used->w);
    b->ext_h = bv__max_int(b->ext_h, used->y + used->h);
    return BV_OK;
}

/* --- choosing a position --- */

typedef struct fit {
    bool found, rotated;
    int x, y, w, h;
    int64_t primary, secondary; /* lower is better; then lower y, then lower x */
} fit;

static void consider(const bv__bin *b, bv_pack_heuristic heuristic, const bv__box *f, int w, int h,
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
static fit find_position(const bv__bin *b, const bv__pack_config *c, int w, int h)
{
    fit best = {0};
    const bool turn = c->rotate && w != h;
    for (size_t i = 0; i < b->free_count; i++) {
        const bv__box *f = &b->free_boxes[i];
        if (w <= f->w && h <= f->h) consider(b, c->heuristic, f, w, h, false, &best);
        if (turn && h <= f->w && w <= f->h) consider(b, c->heuristic, f, h, w, true, &best);
    }
    return best;
}

bv_status bv__bin_run(bv__bin *b, const bv__pack_config *c, const bv__item *items, size_t n, int w,
                      int h, bool all_or_nothing, bv__spot *spots, size_t *r_placed)
{
    bv_status s = bin_reset(b, w, h);
    if (s != BV_OK) return s;
    size_t placed = 0;
    for (size_t i = 0; i < n; i++) {
        b->work += b->free_count;
        const fit f = find_position(b, c, items[i].w, items[i].h);
        spots[i] = (bv__spot){f.x, f.y, f.found, f.rotated};
        if (!f.found) {
            if (all_or_nothing) break;
            continue;
        }
        const bv__box used = {f.x, f.y, f.w, f.h};
        if ((s = bin_place(b, &used)) != BV_OK) return s;
        placed++;
    }
    *r_placed = placed;
    return BV_OK;
}
