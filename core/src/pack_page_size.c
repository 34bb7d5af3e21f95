/* Page sizes: the final page for a used extent, and the smallest page for the last page's
 * rectangles.
 *
 * The last page (the one that takes all that remain) is packed again into smaller bins, looking
 * for the smallest final page: in a bin of the largest size the heuristics spread a few rectangles
 * along its edges, and the page would be mostly empty. Power-of-two pages try the sizes in order
 * of area. Otherwise each bin shape (square, twice as wide, twice as tall) is first tried at the
 * largest scale that could still beat the best page so far, then bisected down; a shape that fails
 * there is dropped.
 *
 * For BEST's winner, the last page is then packed again into bins of many more widths, each as
 * tall as could still beat it: which bin a set packs well into is erratic, and sampling widths
 * finds pages a few % smaller than bisecting a few shapes does. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_page_size.h"

/* A last page of up to this many rectangles gets the thorough search for its size (about 30
 * trial packings); a larger one about 8. Each trial costs O(n x free rectangles), and with many
 * small rectangles the extra trials gain under 1 % of occupancy (a few % with few large ones). */
#define BV__PACK_THOROUGH_COUNT 256
/* The width sweep of BEST's winner looks at up to this many bins, within c->sweep_work (see
 * BV__PACK_SWEEP_WORK in pack_search.c). */
#define BV__PACK_SWEEP_WIDTHS 256

/* --- page sizes --- */

static int round_up_pot(int v)
{
    int p = 1;
    while (p < v) p *= 2;
    return p;
}

void bv__pack_page_size(const bv__pack_config *c, int ext_w, int ext_h, int *r_w, int *r_h)
{
    int w = ext_w > 0 ? ext_w - c->shape + 2 * c->border : bv__min_int(2 * c->border, c->max_w);
    int h = ext_h > 0 ? ext_h - c->shape + 2 * c->border : bv__min_int(2 * c->border, c->max_h);
    w = bv__max_int(w, 1);
    h = bv__max_int(h, 1);
    if (c->pot) {
        w = round_up_pot(w);
        h = round_up_pot(h);
    }
    if (c->square) w = h = bv__max_int(w, h);
    *r_w = w;
    *r_h = h;
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
    bv__bin *b;
    const bv__pack_config *c;
    const bv__item *items;
    size_t n;
    int64_t inflated_area, real_area; /* of the items, with and without the shape padding */
    bv__spot *trial, *best_spots;
    candidate best;
} last_page;

/* Is the page for this extent smaller than the best so far (by area, then by longer side)? */
static bool beats_best(const last_page *lp, int ext_w, int ext_h)
{
    int pw, ph;
    bv__pack_page_size(lp->c, ext_w, ext_h, &pw, &ph);
    const int64_t area = (int64_t)pw * ph;
    return area < lp->best.area || (area == lp->best.area && bv__max_int(pw, ph) < lp->best.side);
}

/* Keeps the bin's packing (in lp->trial) if its page is smaller than the best so far. */
static void keep_if_smaller(last_page *lp)
{
    if (!beats_best(lp, lp->b->ext_w, lp->b->ext_h)) return;
    int pw, ph;
    bv__pack_page_size(lp->c, lp->b->ext_w, lp->b->ext_h, &pw, &ph);
    lp->best = (candidate){(int64_t)pw * ph, bv__max_int(pw, ph), lp->b->ext_w, lp->b->ext_h, true};
    memcpy(lp->best_spots, lp->trial, lp->n * sizeof(bv__spot));
}

/* Packs the last page's items into a bw x bh bin and keeps the result if its page is the smallest
 * yet. *r_fits tells whether all of them went in. */
static bv_status try_bin(last_page *lp, int bw, int bh, bool *r_fits)
{
    *r_fits = false;
    if (bw <= 0 || bh <= 0) return BV_OK;
    size_t placed = 0;
    const bv_status s =
        bv__bin_run(lp->b, lp->c, lp->items, lp->n, bw, bh, true, lp->trial, &placed);
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
    const int side_a = bv__max_int(a->w, a->h), side_b = bv__max_int(b->w, b->h);
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
static void scaled_bin(const bv__pack_config *c, int p, int q, int s, int *r_w, int *r_h)
{
    *r_w = (int)bv__min_int64((int64_t)p * s, c->bin_w);
    *r_h = (int)bv__min_int64((int64_t)q * s, c->bin_h);
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
        const int s_max = bv__max_int((lp->c->bin_w + p - 1) / p, (lp->c->bin_h + q - 1) / q);
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
        while (hi - lo > bv__max_int(1, hi / 256)) {
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
        while (hi - lo > bv__max_int(1, hi / 256)) {
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
        const bv__item *t = &lp->items[i];
        least_width = bv__max_int(least_width, lp->c->rotate ? bv__min_int(t->w, t->h) : t->w);
    }
    const int64_t side = (int64_t)ceil(sqrt((double)lp->inflated_area));
    const uint64_t until = lp->b->work + lp->c->sweep_work;
    for (unsigned i = 1; i <= BV__PACK_SWEEP_WIDTHS && lp->b->work < until; i++) {
        /* 181 / 256 = 1 / sqrt(2) */
        const int64_t width = side * (181 + 181 * van_der_corput(i) / 256) / 256;
        const int bw = (int)bv__min_int64(width, lp->c->bin_w);
        if (bw < least_width) continue;
        bool fits;
        const bv_status s = try_bin(lp, bw, largest_useful_height(lp, bw), &fits);
        if (s != BV_OK) return s;
    }
    return BV_OK;
}

bv_status bv__pack_last_page(bv__bin *b, const bv__pack_config *c, const bv__item *items, size_t n,
                             int64_t bound, bv__spot *trial, bv__spot *best_spots, int *r_ext_w,
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
