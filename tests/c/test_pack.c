/* bv_pack (bakeview/pack.h): MaxRects with four heuristics or BEST, and the grid layout. Every
 * layout is checked against the contract: rectangles inside their page with the border padding,
 * never closer than the shape padding to each other, page sizes within the limits and the
 * constraints, rect counts and occupancy consistent. Bad inputs fail with a message and write
 * nothing. BEST packs trimmed sprite frames above 90 %, and never worse than BSSF on them. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scene.h"

#define SENTINEL (-7777)

/* the four heuristics, then BEST (which tries them all): every contract test runs each */
static const bv_pack_heuristic heuristics[] = {BV_PACK_BEST_SHORT_SIDE_FIT, BV_PACK_BEST_AREA_FIT,
                                               BV_PACK_BOTTOM_LEFT, BV_PACK_CONTACT_POINT,
                                               BV_PACK_BEST};
static const char *const heuristic_names[] = {"BSSF", "BAF", "BL", "CP", "BEST"};
#define HEURISTIC_COUNT 5

/* --- helpers --- */

static bv_pack_rect *rects_new(size_t count)
{
    bv_pack_rect *r = calloc(count ? count : 1, sizeof *r);
    return r;
}

/* Sizes like trimmed sprites: each side uniform in [lo, hi]. */
static bv_pack_rect *random_rects(uint64_t seed, size_t count, int lo, int hi)
{
    rng g = {seed};
    bv_pack_rect *r = rects_new(count);
    for (size_t i = 0; i < count; i++) {
        r[i].width = rng_int(&g, lo, hi);
        r[i].height = rng_int(&g, lo, hi);
    }
    return r;
}

static void fill_sentinel(bv_pack_rect *rects, size_t count, bv_pack_page *pages, size_t page_count)
{
    for (size_t i = 0; i < count; i++) {
        rects[i].page = rects[i].x = rects[i].y = SENTINEL;
        rects[i].rotated = true;
    }
    for (size_t p = 0; p < page_count; p++)
        pages[p] = (bv_pack_page){SENTINEL, SENTINEL, (size_t)SENTINEL, -1.0};
}

static bool is_pot(int v) { return v > 0 && (v & (v - 1)) == 0; }

/* The space a placed rectangle occupies in its page. */
static void occupied(const bv_pack_rect *r, int *w, int *h)
{
    *w = r->rotated ? r->height : r->width;
    *h = r->rotated ? r->width : r->height;
}

/* Checks a packing against everything pack.h and the desc promise; returns false on a failure. */
static bool check_packing(const bv_pack_desc *d, const bv_pack_rect *rects, size_t count,
                          const bv_pack_page *pages, size_t page_count, const char *what)
{
    const int max_w = d->max_width ? d->max_width : 4096;
    const int max_h = d->max_height ? d->max_height : 4096;
    const int border = d->border_padding, shape = d->shape_padding;
    int failed = 0;
    if (count > 0) failed += !CHECK_MSG(page_count >= 1, "%s: no page", what);
    size_t *counts = calloc(page_count + 1, sizeof *counts);
    double *areas = calloc(page_count + 1, sizeof *areas);
    int *right = calloc(page_count + 1, sizeof *right), *bottom = calloc(page_count + 1, sizeof *bottom);
    for (size_t p = 0; p < page_count; p++) {
        const bv_pack_page *pg = &pages[p];
        failed += !CHECK_MSG(pg->width >= 1 && pg->height >= 1 && pg->width <= max_w &&
                                 pg->height <= max_h,
                             "%s: page %zu is %d x %d, the limit %d x %d", what, p, pg->width,
                             pg->height, max_w, max_h);
        if (d->power_of_two)
            failed += !CHECK_MSG(is_pot(pg->width) && is_pot(pg->height),
                                 "%s: page %zu is %d x %d, not powers of two", what, p, pg->width,
                                 pg->height);
        if (d->square)
            failed += !CHECK_MSG(pg->width == pg->height, "%s: page %zu is %d x %d, not square",
                                 what, p, pg->width, pg->height);
    }
    for (size_t i = 0; i < count; i++) {
        const bv_pack_rect *r = &rects[i];
        if (r->width == 0 || r->height == 0) {
            failed += !CHECK_MSG(r->page == 0 && r->x == 0 && r->y == 0 && !r->rotated,
                                 "%s: empty rect %zu at page %d (%d, %d)", what, i, r->page, r->x,
                                 r->y);
            if (page_count) counts[0]++;
            continue;
        }
        if (!CHECK_MSG(r->page >= 0 && (size_t)r->page < page_count, "%s: rect %zu on page %d of %zu",
                       what, i, r->page, page_count)) {
            failed++;
            continue;
        }
        if (!d->allow_rotation || d->layout == BV_LAYOUT_GRID)
            failed += !CHECK_MSG(!r->rotated, "%s: rect %zu rotated without rotation allowed", what, i);
        int w, h;
        occupied(r, &w, &h);
        const bv_pack_page *pg = &pages[r->page];
        failed += !CHECK_MSG(r->x >= border && r->y >= border && r->x + w <= pg->width - border &&
                                 r->y + h <= pg->height - border,
                             "%s: rect %zu (%d x %d%s) at (%d, %d) leaves page %d (%d x %d) or its "
                             "border %d",
                             what, i, r->width, r->height, r->rotated ? " rotated" : "", r->x, r->y,
                             r->page, pg->width, pg->height, border);
        counts[r->page]++;
        areas[r->page] += (double)r->width * r->height;
        if (r->x + w > right[r->page]) right[r->page] = r->x + w;
        if (r->y + h > bottom[r->page]) bottom[r->page] = r->y + h;
    }
    /* each page is its used extent plus the border, rounded up as asked (a grid's extent is its
     * cells', tested apart) */
    for (size_t p = 0; p < page_count && d->layout == BV_LAYOUT_MAXRECTS; p++) {
        int w = right[p] ? right[p] + border : (2 * border < max_w ? 2 * border : max_w);
        int h = bottom[p] ? bottom[p] + border : (2 * border < max_h ? 2 * border : max_h);
        w = w < 1 ? 1 : w;
        h = h < 1 ? 1 : h;
        if (d->power_of_two) {
            int pw = 1, ph = 1;
            while (pw < w) pw *= 2;
            while (ph < h) ph *= 2;
            w = pw;
            h = ph;
        }
        if (d->square) w = h = w > h ? w : h;
        failed += !CHECK_MSG(pages[p].width == w && pages[p].height == h,
                             "%s: page %zu is %d x %d, its extent and border make %d x %d", what, p,
                             pages[p].width, pages[p].height, w, h);
    }
    /* no two rectangles of a page closer than the shape padding (a sweep would be faster; the
     * counts here are small) */
    for (size_t i = 0; i < count; i++) {
        const bv_pack_rect *a = &rects[i];
        if (a->width == 0 || a->height == 0) continue;
        int aw, ah;
        occupied(a, &aw, &ah);
        for (size_t j = i + 1; j < count; j++) {
            const bv_pack_rect *b = &rects[j];
            if (b->width == 0 || b->height == 0 || b->page != a->page) continue;
            int bw, bh;
            occupied(b, &bw, &bh);
            const bool apart = a->x + aw + shape <= b->x || b->x + bw + shape <= a->x ||
                               a->y + ah + shape <= b->y || b->y + bh + shape <= a->y;
            if (!CHECK_MSG(apart,
                           "%s: rects %zu (%d,%d %dx%d) and %zu (%d,%d %dx%d) on page %d are "
                           "closer than %d px",
                           what, i, a->x, a->y, aw, ah, j, b->x, b->y, bw, bh, a->page, shape)) {
                failed++;
                goto out;
            }
        }
    }
    for (size_t p = 0; p < page_count; p++) {
        failed += !CHECK_MSG(pages[p].rect_count == counts[p], "%s: page %zu counts %zu rects, holds %zu",
                             what, p, pages[p].rect_count, counts[p]);
        const double expected = areas[p] / ((double)pages[p].width * pages[p].height);
        failed += !CHECK_MSG(fabs(pages[p].occupancy - expected) < 1e-12,
                             "%s: page %zu occupancy %g, expected %g", what, p, pages[p].occupancy,
                             expected);
        if (p > 0 || count == 0) failed += !CHECK_MSG(counts[p] > 0, "%s: page %zu is empty", what, p);
    }
out:
    free(counts);
    free(areas);
    free(right);
    free(bottom);
    return failed == 0;
}

/* Packs and checks; returns the page count (0 on failure). */
static size_t pack_checked(const bv_pack_desc *d, bv_pack_rect *rects, size_t count,
                           bv_pack_page *pages, size_t capacity, const char *what)
{
    size_t page_count = 0;
    const bv_status s = bv_pack(d, rects, count, pages, capacity, &page_count);
    if (!CHECK_MSG(s == BV_OK, "%s: bv_pack gave %s: %s", what, bv_status_name(s), bv_error_message()))
        return 0;
    check_packing(d, rects, count, pages, page_count, what);
    return page_count;
}

static double total_occupancy(const bv_pack_page *pages, size_t page_count)
{
    double area = 0.0, used = 0.0;
    for (size_t p = 0; p < page_count; p++) {
        area += (double)pages[p].width * pages[p].height;
        used += pages[p].occupancy * pages[p].width * pages[p].height;
    }
    return area > 0.0 ? used / area : 0.0;
}

/* --- layouts stay inside their pages and apart --- */

static void test_packed_rects_never_overlap_and_keep_padding(void)
{
    const int paddings[][2] = {{0, 0}, {1, 0}, {0, 2}, {3, 1}, {2, 5}}; /* shape, border */
    for (int h = 0; h < HEURISTIC_COUNT; h++)
        for (int p = 0; p < 5; p++)
            for (int rot = 0; rot < 2; rot++) {
                const size_t count = 150;
                bv_pack_rect *rects = random_rects(1000 + (uint64_t)p, count, 1, 120);
                bv_pack_page pages[150];
                bv_pack_desc d = {.heuristic = heuristics[h], .max_width = 300, .max_height = 260,
                                  .shape_padding = paddings[p][0], .border_padding = paddings[p][1],
                                  .allow_rotation = rot};
                char what[96];
                snprintf(what, sizeof what, "%s shape %d border %d rotation %d", heuristic_names[h],
                         paddings[p][0], paddings[p][1], rot);
                const size_t page_count = pack_checked(&d, rects, count, pages, count, what);
                CHECK_MSG(page_count > 1, "%s: %zu pages (the set needs several)", what, page_count);
                free(rects);
            }
}

static void test_shape_padding_lets_the_last_rect_reach_the_border(void)
{
    /* room inside the border: 18 x 8. Two 8 x 8 rects with 2 px between them fill it exactly; the
     * padding of the second is not needed past it. */
    bv_pack_desc d = {.max_width = 20, .max_height = 10, .shape_padding = 2, .border_padding = 1};
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        d.heuristic = heuristics[h];
        bv_pack_rect rects[2] = {{.width = 8, .height = 8}, {.width = 8, .height = 8}};
        bv_pack_page pages[2];
        CHECK_EQ_INT(pack_checked(&d, rects, 2, pages, 2, heuristic_names[h]), 1);
        CHECK_EQ_INT(pages[0].width, 20);
        CHECK_EQ_INT(pages[0].height, 10);
        const int xs[2] = {rects[0].x, rects[1].x};
        CHECK_EQ_INT(xs[0] < xs[1] ? xs[0] : xs[1], 1);
        CHECK_EQ_INT(xs[0] < xs[1] ? xs[1] : xs[0], 11);
        CHECK_EQ_INT(rects[0].y, 1);
        CHECK_EQ_INT(rects[1].y, 1);
        /* one pixel wider each and they no longer share the page */
        bv_pack_rect wider[2] = {{.width = 9, .height = 8}, {.width = 9, .height = 8}};
        CHECK_EQ_INT(pack_checked(&d, wider, 2, pages, 2, heuristic_names[h]), 2);
    }
}

static void test_page_is_used_extent_plus_border(void)
{
    bv_pack_desc d = {.shape_padding = 4, .border_padding = 3};
    bv_pack_rect rects[1] = {{.width = 30, .height = 20}};
    bv_pack_page pages[1];
    CHECK_EQ_INT(pack_checked(&d, rects, 1, pages, 1, "one rect"), 1);
    CHECK_EQ_INT(rects[0].x, 3);
    CHECK_EQ_INT(rects[0].y, 3);
    CHECK_EQ_INT(pages[0].width, 36);
    CHECK_EQ_INT(pages[0].height, 26);
    CHECK_EQ_INT(pages[0].rect_count, 1);
    CHECK_NEAR(pages[0].occupancy, 600.0 / (36.0 * 26.0), 1e-12);
}

static void test_every_heuristic_packs_sprites_densely(void)
{
    const size_t count = 200;
    bv_pack_rect *rects = random_rects(42, count, 20, 160);
    bv_pack_page pages[200];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        bv_pack_desc d = {.heuristic = heuristics[h], .shape_padding = 2, .border_padding = 2};
        const size_t page_count = pack_checked(&d, rects, count, pages, count, heuristic_names[h]);
        CHECK_EQ_INT(page_count, 1);
        printf("  %s: 200 rects 20-160 px, padding 2: page %d x %d, occupancy %.1f %%\n",
               heuristic_names[h], pages[0].width, pages[0].height, 100.0 * pages[0].occupancy);
        CHECK_MSG(pages[0].occupancy >= 0.75, "%s occupancy %.3f", heuristic_names[h],
                  pages[0].occupancy);
    }
    free(rects);
}

static void test_bottom_left_fills_rows_from_the_top_left(void)
{
    /* four 10 x 10 squares in a 20-wide page: BL puts them in two rows, left to right */
    bv_pack_desc d = {.heuristic = BV_PACK_BOTTOM_LEFT, .max_width = 20, .max_height = 100};
    bv_pack_rect rects[4] = {{.width = 10, .height = 10}, {.width = 10, .height = 10},
                             {.width = 10, .height = 10}, {.width = 10, .height = 10}};
    bv_pack_page pages[4];
    CHECK_EQ_INT(pack_checked(&d, rects, 4, pages, 4, "BL"), 1);
    const int expected[4][2] = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_INT(rects[i].x, expected[i][0]);
        CHECK_EQ_INT(rects[i].y, expected[i][1]);
    }
    CHECK_EQ_INT(pages[0].width, 20);
    CHECK_EQ_INT(pages[0].height, 20);
}

static void test_contact_point_fills_a_page_exactly(void)
{
    /* 60 x 100, 40 x 60 and 40 x 40 tile a 100 x 100 page: each goes against the others and the
     * page edges, leaving no hole */
    bv_pack_desc d = {.heuristic = BV_PACK_CONTACT_POINT, .max_width = 100, .max_height = 100};
    bv_pack_rect rects[3] = {{.width = 60, .height = 100}, {.width = 40, .height = 40},
                             {.width = 40, .height = 60}};
    bv_pack_page pages[3];
    CHECK_EQ_INT(pack_checked(&d, rects, 3, pages, 3, "CP"), 1);
    CHECK_EQ_INT(pages[0].width, 100);
    CHECK_EQ_INT(pages[0].height, 100);
    CHECK_NEAR(pages[0].occupancy, 1.0, 1e-12);
}

/* --- grid --- */

static void test_grid_places_equal_cells_in_input_order(void)
{
    /* cells: largest width 30 and largest height 20, plus 2 px padding; 3 columns; the page holds
     * 2 rows inside its 1 px border (1 + 22 + 20 + 1 = 44 <= 50 < 66), so rows wrap to new pages */
    bv_pack_desc d = {.layout = BV_LAYOUT_GRID, .max_width = 200, .max_height = 50,
                      .shape_padding = 2, .border_padding = 1, .grid_columns = 3};
    bv_pack_rect rects[8] = {{.width = 10, .height = 20}, {.width = 30, .height = 5},
                             {.width = 7, .height = 7},   {.width = 1, .height = 1},
                             {.width = 30, .height = 20}, {.width = 12, .height = 3},
                             {.width = 5, .height = 9},   {.width = 4, .height = 4}};
    bv_pack_page pages[8];
    CHECK_EQ_INT(pack_checked(&d, rects, 8, pages, 8, "grid"), 2);
    for (int i = 0; i < 8; i++) {
        const int page = i / 6, cell = i % 6;
        CHECK_EQ_INT(rects[i].page, page);
        CHECK_EQ_INT(rects[i].x, 1 + (cell % 3) * 32);
        CHECK_EQ_INT(rects[i].y, 1 + (cell / 3) * 22);
        CHECK(!rects[i].rotated);
    }
    /* page 0: 3 columns, 2 rows; page 1: 2 cells of one row */
    CHECK_EQ_INT(pages[0].width, 1 + 3 * 32 - 2 + 1);
    CHECK_EQ_INT(pages[0].height, 1 + 2 * 22 - 2 + 1);
    CHECK_EQ_INT(pages[0].rect_count, 6);
    CHECK_EQ_INT(pages[1].width, 1 + 2 * 32 - 2 + 1);
    CHECK_EQ_INT(pages[1].height, 1 + 22 - 2 + 1);
    CHECK_EQ_INT(pages[1].rect_count, 2);
}

static void test_grid_fits_as_many_columns_as_the_width_allows(void)
{
    /* 16 px cells (15 + 1 padding) in 100 px: 6 columns (6 * 16 - 1 = 95 <= 100) */
    bv_pack_desc d = {.layout = BV_LAYOUT_GRID, .max_width = 100, .shape_padding = 1};
    bv_pack_rect rects[13];
    for (int i = 0; i < 13; i++) rects[i] = (bv_pack_rect){.width = 15, .height = 15};
    bv_pack_page pages[13];
    CHECK_EQ_INT(pack_checked(&d, rects, 13, pages, 13, "grid"), 1);
    for (int i = 0; i < 13; i++) {
        CHECK_EQ_INT(rects[i].x, (i % 6) * 16);
        CHECK_EQ_INT(rects[i].y, (i / 6) * 16);
    }
    CHECK_EQ_INT(pages[0].width, 95);
    CHECK_EQ_INT(pages[0].height, 47);
}

static void test_grid_skips_empty_rects(void)
{
    bv_pack_desc d = {.layout = BV_LAYOUT_GRID, .grid_columns = 2};
    bv_pack_rect rects[4] = {{.width = 8, .height = 8}, {.width = 0, .height = 5},
                             {.width = 8, .height = 8}, {.width = 8, .height = 8}};
    bv_pack_page pages[4];
    CHECK_EQ_INT(pack_checked(&d, rects, 4, pages, 4, "grid"), 1);
    CHECK_EQ_INT(rects[2].x, 8);
    CHECK_EQ_INT(rects[2].y, 0);
    CHECK_EQ_INT(rects[3].x, 0);
    CHECK_EQ_INT(rects[3].y, 8);
    CHECK_EQ_INT(pages[0].rect_count, 4);
}

/* --- page constraints --- */

static void test_power_of_two_and_square_round_the_page_up(void)
{
    bv_pack_rect rect = {.width = 33, .height = 17};
    bv_pack_page page;
    const struct {
        bool pot, square;
        int w, h;
    } cases[] = {{false, false, 33, 17}, {true, false, 64, 32}, {false, true, 33, 33}, {true, true, 64, 64}};
    for (int i = 0; i < 4; i++) {
        bv_pack_desc d = {.power_of_two = cases[i].pot, .square = cases[i].square};
        CHECK_EQ_INT(pack_checked(&d, &rect, 1, &page, 1, "constraints"), 1);
        CHECK_EQ_INT(page.width, cases[i].w);
        CHECK_EQ_INT(page.height, cases[i].h);
    }
}

static void test_power_of_two_and_square_pages_stay_within_the_limit(void)
{
    /* 1000 x 700 allows 512 x 512 power-of-two pages, 700 x 700 square ones */
    const size_t count = 120;
    bv_pack_rect *rects = random_rects(7, count, 30, 200);
    bv_pack_page pages[120];
    for (int h = 0; h < HEURISTIC_COUNT; h++)
        for (int mode = 1; mode < 4; mode++) {
            bv_pack_desc d = {.heuristic = heuristics[h], .max_width = 1000, .max_height = 700,
                              .shape_padding = 1, .border_padding = 1, .power_of_two = mode & 1,
                              .square = (mode & 2) != 0, .allow_rotation = true};
            char what[64];
            snprintf(what, sizeof what, "%s pot %d square %d", heuristic_names[h], mode & 1,
                     (mode & 2) != 0);
            const size_t page_count = pack_checked(&d, rects, count, pages, count, what);
            for (size_t p = 0; p < page_count; p++) {
                const int limit = (mode & 1) ? 512 : 700;
                CHECK_MSG(pages[p].width <= limit && pages[p].height <= limit, "%s: page %zu %d x %d",
                          what, p, pages[p].width, pages[p].height);
            }
        }
    free(rects);
}

/* --- several pages --- */

static void test_rects_beyond_one_page_go_to_next_pages(void)
{
    /* four 60 x 60 rects fit a 128 x 128 page */
    bv_pack_desc d = {.max_width = 128, .max_height = 128, .shape_padding = 2};
    bv_pack_rect rects[10];
    for (int i = 0; i < 10; i++) rects[i] = (bv_pack_rect){.width = 60, .height = 60};
    bv_pack_page pages[10];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        d.heuristic = heuristics[h];
        CHECK_EQ_INT(pack_checked(&d, rects, 10, pages, 10, heuristic_names[h]), 3);
        CHECK_EQ_INT(pages[0].rect_count, 4);
        CHECK_EQ_INT(pages[1].rect_count, 4);
        CHECK_EQ_INT(pages[2].rect_count, 2);
        CHECK_EQ_INT(pages[0].width, 122);
        CHECK_EQ_INT(pages[0].height, 122);
        /* equal sizes keep input order: the first four on page 0 */
        for (int i = 0; i < 10; i++) CHECK_EQ_INT(rects[i].page, i < 4 ? 0 : i < 8 ? 1 : 2);
    }
}

static void test_smaller_rect_fills_an_earlier_page_first(void)
{
    /* 100 x 60 twice cannot share a 100 x 100 page, but the 100 x 40 joins the first */
    bv_pack_desc d = {.max_width = 100, .max_height = 100};
    bv_pack_rect rects[3] = {{.width = 100, .height = 60}, {.width = 100, .height = 60},
                             {.width = 100, .height = 40}};
    bv_pack_page pages[3];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        d.heuristic = heuristics[h];
        CHECK_EQ_INT(pack_checked(&d, rects, 3, pages, 3, heuristic_names[h]), 2);
        CHECK_EQ_INT(rects[0].page, 0);
        CHECK_EQ_INT(rects[1].page, 1);
        CHECK_EQ_INT(rects[2].page, 0);
        CHECK_EQ_INT(pages[0].height, 100);
        CHECK_NEAR(pages[0].occupancy, 1.0, 1e-12);
    }
}

static void test_last_page_shrinks_to_fit_its_rects(void)
{
    /* four 10 x 10 squares under the default 4096 x 4096 limit make a 20 x 20 page, not a strip */
    bv_pack_rect rects[4];
    for (int i = 0; i < 4; i++) rects[i] = (bv_pack_rect){.width = 10, .height = 10};
    bv_pack_page pages[4];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        bv_pack_desc d = {.heuristic = heuristics[h]};
        CHECK_EQ_INT(pack_checked(&d, rects, 4, pages, 4, heuristic_names[h]), 1);
        CHECK_EQ_INT(pages[0].width, 20);
        CHECK_EQ_INT(pages[0].height, 20);
        d.power_of_two = true;
        CHECK_EQ_INT(pack_checked(&d, rects, 4, pages, 4, heuristic_names[h]), 1);
        CHECK_EQ_INT(pages[0].width, 32);
        CHECK_EQ_INT(pages[0].height, 32);
    }
}

static void test_large_sets_fill_full_pages_then_a_compact_last_page(void)
{
    const size_t count = 1000;
    bv_pack_rect *rects = random_rects(99, count, 16, 128);
    bv_pack_page *pages = malloc(count * sizeof *pages);
    bv_pack_desc d = {.max_width = 1024, .max_height = 1024, .shape_padding = 1, .border_padding = 1};
    const size_t page_count = pack_checked(&d, rects, count, pages, count, "1000 rects");
    CHECK(page_count >= 3);
    for (size_t p = 0; p + 1 < page_count; p++)
        CHECK_MSG(pages[p].occupancy >= 0.85, "full page %zu occupancy %.3f", p, pages[p].occupancy);
    printf("  1000 rects 16-128 px in 1024 x 1024 pages: %zu pages, total occupancy %.1f %%, last "
           "page %d x %d at %.1f %%\n",
           page_count, 100.0 * total_occupancy(pages, page_count), pages[page_count - 1].width,
           pages[page_count - 1].height, 100.0 * pages[page_count - 1].occupancy);
    free(rects);
    free(pages);
}

/* --- rotation --- */

static void test_rotation_is_used_when_it_helps_and_reported(void)
{
    bv_pack_rect rects[2] = {{.width = 100, .height = 50}, {.width = 50, .height = 100}};
    bv_pack_page pages[2];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        bv_pack_desc d = {.heuristic = heuristics[h], .max_width = 100, .max_height = 100};
        CHECK_EQ_INT(pack_checked(&d, rects, 2, pages, 2, heuristic_names[h]), 2);
        d.allow_rotation = true;
        CHECK_EQ_INT(pack_checked(&d, rects, 2, pages, 2, heuristic_names[h]), 1);
        CHECK(rects[0].rotated != rects[1].rotated);
        CHECK_NEAR(pages[0].occupancy, 1.0, 1e-12);
    }
    /* a rect that only fits turned: 30 x 90 in a 100 x 40 page occupies 90 x 30 */
    bv_pack_desc d = {.max_width = 100, .max_height = 40, .allow_rotation = true};
    bv_pack_rect tall = {.width = 30, .height = 90};
    CHECK_EQ_INT(pack_checked(&d, &tall, 1, pages, 1, "tall"), 1);
    CHECK(tall.rotated);
    CHECK_EQ_INT(pages[0].width, 90);
    CHECK_EQ_INT(pages[0].height, 30);
    size_t page_count = 0;
    d.allow_rotation = false;
    CHECK_EQ_INT(bv_pack(&d, &tall, 1, pages, 1, &page_count), BV_ERROR_INVALID_ARGUMENT);
}

static void test_rotation_is_not_used_when_it_does_not_help(void)
{
    /* squares and a set that packs perfectly upright stay upright */
    bv_pack_desc d = {.max_width = 64, .max_height = 64, .allow_rotation = true};
    bv_pack_rect rects[4] = {{.width = 32, .height = 32}, {.width = 32, .height = 32},
                             {.width = 64, .height = 16}, {.width = 64, .height = 16}};
    bv_pack_page pages[4];
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        d.heuristic = heuristics[h];
        CHECK_EQ_INT(pack_checked(&d, rects, 4, pages, 4, heuristic_names[h]), 1);
        CHECK(!rects[0].rotated && !rects[1].rotated);
    }
}

static void test_random_descs_always_give_valid_packings(void)
{
    rng g = {314159};
    bv_pack_rect rects[80];
    bv_pack_page pages[80];
    int packed = 0;
    for (int round = 0; round < 400; round++) {
        bv_pack_desc d = {.layout = rng_int(&g, 0, 4) == 0 ? BV_LAYOUT_GRID : BV_LAYOUT_MAXRECTS,
                          .heuristic = heuristics[rng_int(&g, 0, HEURISTIC_COUNT - 1)],
                          .max_width = rng_int(&g, 0, 3) == 0 ? 0 : rng_int(&g, 40, 700),
                          .max_height = rng_int(&g, 40, 700),
                          .shape_padding = rng_int(&g, 0, 3) == 0 ? 0 : rng_int(&g, 0, 6),
                          .border_padding = rng_int(&g, 0, 2) == 0 ? 0 : rng_int(&g, 0, 5),
                          .power_of_two = rng_int(&g, 0, 2) == 0,
                          .square = rng_int(&g, 0, 3) == 0,
                          .allow_rotation = rng_int(&g, 0, 1),
                          .grid_columns = rng_int(&g, 0, 3) == 0 ? rng_int(&g, 1, 3) : 0};
        const size_t count = (size_t)rng_int(&g, 1, 80);
        const int largest = rng_int(&g, 1, 40);
        for (size_t i = 0; i < count; i++) {
            rects[i] = (bv_pack_rect){.width = rng_int(&g, 1, largest), .height = rng_int(&g, 1, largest)};
            if (rng_int(&g, 0, 15) == 0) rects[i].width = 0;
        }
        size_t page_count = 0;
        const bv_status s = bv_pack(&d, rects, count, pages, count, &page_count);
        char what[160];
        snprintf(what, sizeof what,
                 "round %d: layout %d heuristic %d max %d x %d shape %d border %d pot %d square %d "
                 "rotation %d columns %d, %zu rects",
                 round, (int)d.layout, (int)d.heuristic, d.max_width, d.max_height, d.shape_padding,
                 d.border_padding, d.power_of_two, d.square, d.allow_rotation, d.grid_columns, count);
        if (s != BV_OK) {
            /* only a rect too large for the page (pot and square shrink it), or too many grid
             * columns for its width, may fail */
            CHECK_MSG(check__contains(bv_error_message(), "larger than the largest page") ||
                          (d.grid_columns > 0 && check__contains(bv_error_message(), "grid_columns")),
                      "%s: %s", what, bv_error_message());
            continue;
        }
        check_packing(&d, rects, count, pages, page_count, what);
        packed++;
    }
    printf("  %d of 400 random cases packed\n", packed);
    CHECK_MSG(packed >= 300, "only %d of 400 random cases packed", packed);
}

/* --- determinism --- */

/* Field by field: the structs' padding bytes are not part of the result. */
static bool same_rects(const bv_pack_rect *a, const bv_pack_rect *b, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (a[i].width != b[i].width || a[i].height != b[i].height || a[i].page != b[i].page ||
            a[i].x != b[i].x || a[i].y != b[i].y || a[i].rotated != b[i].rotated)
            return false;
    return true;
}

static bool same_pages(const bv_pack_page *a, const bv_pack_page *b, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (a[i].width != b[i].width || a[i].height != b[i].height ||
            a[i].rect_count != b[i].rect_count || a[i].occupancy != b[i].occupancy)
            return false;
    return true;
}

static void test_same_input_gives_same_output(void)
{
    const size_t count = 300;
    for (int h = 0; h < HEURISTIC_COUNT; h++) {
        bv_pack_desc d = {.heuristic = heuristics[h], .max_width = 700, .max_height = 500,
                          .shape_padding = 1, .border_padding = 1, .allow_rotation = true};
        bv_pack_rect *a = random_rects(5, count, 4, 150);
        /* the same sizes at another address, after a run on different data */
        bv_pack_rect *other = random_rects(6, count, 4, 150);
        bv_pack_rect *b = malloc((count + 3) * sizeof *b);
        bv_pack_page pa[300], pb[300], po[300];
        size_t na = 0, nb = 0, no = 0;
        CHECK_EQ_INT(bv_pack(&d, a, count, pa, count, &na), BV_OK);
        CHECK_EQ_INT(bv_pack(&d, other, count, po, count, &no), BV_OK);
        for (size_t i = 0; i < count; i++)
            b[3 + i] = (bv_pack_rect){.width = a[i].width, .height = a[i].height, .page = 9,
                                      .x = 9, .y = 9, .rotated = true};
        CHECK_EQ_INT(bv_pack(&d, b + 3, count, pb, count, &nb), BV_OK);
        CHECK_EQ_INT(na, nb);
        CHECK(same_rects(a, b + 3, count));
        CHECK(same_pages(pa, pb, na));
        /* and again on the same array: it reads only the sizes */
        bv_pack_rect *c = malloc(count * sizeof *c);
        memcpy(c, a, count * sizeof *c);
        CHECK_EQ_INT(bv_pack(&d, c, count, pb, count, &nb), BV_OK);
        CHECK(same_rects(a, c, count));
        CHECK(same_pages(pa, pb, na));
        free(a);
        free(b);
        free(c);
        free(other);
    }
}

static void test_equal_rects_are_placed_in_input_order(void)
{
    /* ties by area and longer side keep the input order, so 10 x 20 and 20 x 10 pack by index */
    bv_pack_desc d = {.heuristic = BV_PACK_BOTTOM_LEFT, .max_width = 1000, .max_height = 10};
    bv_pack_rect rects[5];
    for (int i = 0; i < 5; i++) rects[i] = (bv_pack_rect){.width = 10, .height = 10};
    bv_pack_page pages[5];
    CHECK_EQ_INT(pack_checked(&d, rects, 5, pages, 5, "ties"), 1);
    for (int i = 0; i < 5; i++) CHECK_EQ_INT(rects[i].x, 10 * i);
}

/* --- empty rectangles and empty input --- */

static void test_zero_size_rects_take_no_space(void)
{
    const size_t count = 60;
    bv_pack_rect *mixed = random_rects(11, count, 5, 80);
    bv_pack_rect *solid = rects_new(count);
    size_t solid_count = 0;
    for (size_t i = 0; i < count; i++) {
        if (i % 4 == 1) mixed[i].width = 0;
        if (i % 4 == 2 && i % 8 == 2) mixed[i].height = 0;
        if (mixed[i].width && mixed[i].height) solid[solid_count++] = mixed[i];
    }
    bv_pack_page pm[60], ps[60];
    bv_pack_desc d = {.max_width = 256, .max_height = 256, .shape_padding = 2, .border_padding = 2};
    const size_t nm = pack_checked(&d, mixed, count, pm, count, "mixed");
    const size_t ns = pack_checked(&d, solid, solid_count, ps, solid_count, "solid");
    CHECK_EQ_INT(nm, ns);
    for (size_t i = 0, k = 0; i < count; i++) {
        if (mixed[i].width == 0 || mixed[i].height == 0) {
            CHECK(mixed[i].page == 0 && mixed[i].x == 0 && mixed[i].y == 0 && !mixed[i].rotated);
            continue;
        }
        CHECK(mixed[i].page == solid[k].page && mixed[i].x == solid[k].x && mixed[i].y == solid[k].y);
        k++;
    }
    for (size_t p = 0; p < nm && p < ns; p++) {
        CHECK_EQ_INT(pm[p].width, ps[p].width);
        CHECK_EQ_INT(pm[p].height, ps[p].height);
        CHECK_NEAR(pm[p].occupancy, ps[p].occupancy, 1e-12);
        CHECK_EQ_INT(pm[p].rect_count, ps[p].rect_count + (p == 0 ? count - solid_count : 0));
    }
    free(mixed);
    free(solid);

    /* only empty rects: one empty page, its border only */
    bv_pack_rect empty[3] = {{.width = 0, .height = 0}, {.width = 5, .height = 0}, {.width = 0, .height = 9}};
    bv_pack_page page;
    bv_pack_desc bordered = {.border_padding = 3};
    CHECK_EQ_INT(pack_checked(&bordered, empty, 3, &page, 1, "empty"), 1);
    CHECK_EQ_INT(page.width, 6);
    CHECK_EQ_INT(page.height, 6);
    CHECK_EQ_INT(page.rect_count, 3);
    CHECK_NEAR(page.occupancy, 0.0, 0.0);
    bv_pack_desc plain = {0};
    CHECK_EQ_INT(pack_checked(&plain, empty, 3, &page, 1, "empty"), 1);
    CHECK_EQ_INT(page.width, 1);
    CHECK_EQ_INT(page.height, 1);
}

static void test_no_rects_give_no_pages(void)
{
    bv_pack_desc d = {0};
    size_t page_count = 99;
    CHECK_EQ_INT(bv_pack(&d, NULL, 0, NULL, 0, &page_count), BV_OK);
    CHECK_EQ_INT(page_count, 0);
}

/* --- occupancy --- */

static void test_trimmed_sprites_pack_densely_with_bssf(void)
{
    /* 64 sprites of 100-256 px a side */
    const size_t count = 64;
    bv_pack_rect *rects = random_rects(2024, count, 100, 256);
    bv_pack_page pages[64];
    const int limits[] = {4096, 2048};
    for (int i = 0; i < 2; i++) {
        bv_pack_desc d = {.heuristic = BV_PACK_BEST_SHORT_SIDE_FIT, .max_width = limits[i],
                          .max_height = limits[i]};
        const size_t page_count = pack_checked(&d, rects, count, pages, count, "BSSF");
        if (!CHECK_EQ_INT(page_count, 1)) continue;
        printf("  BSSF, 64 sprites 100-256 px, max %d: page %d x %d, occupancy %.1f %%\n",
               limits[i], pages[0].width, pages[0].height, 100.0 * pages[0].occupancy);
        CHECK_MSG(pages[0].occupancy >= 0.85, "occupancy %.3f", pages[0].occupancy);
    }
    free(rects);
}

/* Trimmed frames of walking figures, as a sprite sheet of 8 directions x 8 walk frames rendered
 * into 256 x 256 and trimmed has them (the generator of bench_pack): each 64 frames are one
 * figure. Across a direction a frame is as wide as the figure's width and depth (growing with the
 * stride) project; as tall as the figure seen 30 degrees from above, plus half its depth along
 * the view; a few pixels of noise on each. About 40..160 px wide, 130..210 px tall. */
static bv_pack_rect *trimmed_frames(uint64_t seed, size_t count)
{
    static const int cosine[8] = {1000, 707, 0, 707, 1000, 707, 0, 707}; /* |cos| per 45 deg */
    static const int stride[8] = {0, 707, 1000, 707, 0, 707, 1000, 707}; /* |sin| of the walk */
    rng g = {seed};
    bv_pack_rect *r = rects_new(count);
    int across = 0, depth = 0, reach = 0, tall = 0;
    for (size_t i = 0; i < count; i++) {
        if (i % 64 == 0) {
            across = rng_int(&g, 70, 110);
            depth = rng_int(&g, 40, 70);
            reach = rng_int(&g, 40, 80);
            tall = rng_int(&g, 130, 160);
        }
        const int c = cosine[i / 8 % 8], s = cosine[(i / 8 + 2) % 8], frame = (int)(i % 8);
        const int d = depth + reach * stride[frame] / 1000;
        r[i].width = (across * c + d * s) / 1000 + rng_int(&g, 0, 6);
        r[i].height = tall * 866 / 1000 + (across * s + d * c) / 2000 + rng_int(&g, 0, 6);
    }
    return r;
}

/* Packs with BEST and with BSSF (the default) and checks both; prints and returns the total
 * occupancy of each. */
static void pack_best_and_bssf(bv_pack_desc d, const bv_pack_rect *input, size_t count,
                               const char *what, double *r_best, double *r_bssf, size_t *r_pages)
{
    bv_pack_rect *rects = rects_new(count);
    bv_pack_page *pages = malloc(count * sizeof *pages);
    double occupancy[2] = {0.0, 0.0};
    size_t page_counts[2] = {0, 0};
    const bv_pack_heuristic modes[2] = {BV_PACK_BEST, BV_PACK_BEST_SHORT_SIDE_FIT};
    for (int m = 0; m < 2; m++) {
        memcpy(rects, input, count * sizeof *rects);
        d.heuristic = modes[m];
        page_counts[m] = pack_checked(&d, rects, count, pages, count, what);
        occupancy[m] = total_occupancy(pages, page_counts[m]);
    }
    printf("  %s: BEST %zu page(s) at %.1f %%, BSSF %zu at %.1f %%\n", what, page_counts[0],
           100.0 * occupancy[0], page_counts[1], 100.0 * occupancy[1]);
    CHECK_MSG(page_counts[0] <= page_counts[1], "%s: BEST takes %zu pages, BSSF %zu", what,
              page_counts[0], page_counts[1]);
    *r_best = occupancy[0];
    *r_bssf = occupancy[1];
    *r_pages = page_counts[0];
    free(rects);
    free(pages);
}

static void test_best_packs_trimmed_frames_above_90_percent(void)
{
    /* one figure: 64 frames on one page, with TexturePacker's default 2 px paddings */
    bv_pack_rect *frames = trimmed_frames(1, 64);
    const bv_pack_desc d = {.shape_padding = 2, .border_padding = 2};
    double best, bssf;
    size_t pages;
    pack_best_and_bssf(d, frames, 64, "64 trimmed frames", &best, &bssf, &pages);
    CHECK_EQ_INT(pages, 1);
    CHECK_MSG(best >= 0.90, "BEST occupancy %.3f", best);
    CHECK_MSG(best >= bssf, "BEST %.3f below BSSF %.3f", best, bssf);
    free(frames);
}

static void test_best_fills_full_pages_and_a_compact_last_one(void)
{
    /* 16 figures (1024 frames): two 4096 pages, or several 2048 ones; the occupancy counts every
     * page, the last one shrunk to what it holds */
    bv_pack_rect *frames = trimmed_frames(2, 1024);
    const int limits[] = {4096, 2048};
    for (int i = 0; i < 2; i++) {
        const bv_pack_desc d = {.max_width = limits[i], .max_height = limits[i],
                                .shape_padding = 2, .border_padding = 2};
        char what[64];
        snprintf(what, sizeof what, "1024 trimmed frames, pages of %d", limits[i]);
        double best, bssf;
        size_t pages;
        pack_best_and_bssf(d, frames, 1024, what, &best, &bssf, &pages);
        CHECK(pages >= 2);
        CHECK_MSG(best >= 0.90, "%s: BEST occupancy %.3f", what, best);
        CHECK_MSG(best >= bssf, "%s: BEST %.3f below BSSF %.3f", what, best, bssf);
    }
    free(frames);
}

static void test_best_packs_random_sprites_at_least_as_densely_as_bssf(void)
{
    const size_t counts[] = {64, 256};
    for (int i = 0; i < 2; i++) {
        bv_pack_rect *sprites = random_rects(77 + (uint64_t)i, counts[i], 80, 200);
        const bv_pack_desc d = {.shape_padding = 2, .border_padding = 2};
        char what[64];
        snprintf(what, sizeof what, "%zu random sprites 80-200 px", counts[i]);
        double best, bssf;
        size_t pages;
        pack_best_and_bssf(d, sprites, counts[i], what, &best, &bssf, &pages);
        CHECK_MSG(best >= 0.89, "%s: BEST occupancy %.3f", what, best);
        CHECK_MSG(best >= bssf, "%s: BEST %.3f below BSSF %.3f", what, best, bssf);
        free(sprites);
    }
}

/* --- bad input --- */

typedef struct bad_case {
    const char *what;
    bv_status status;
    const char *message; /* a part of the message */
} bad_case;

/* Calls bv_pack and checks the status, the message, and that nothing was written. */
static void expect_failure(const bad_case *c, const bv_pack_desc *d, bv_pack_rect *rects,
                           size_t count, size_t rect_slots, bv_pack_page *pages, size_t capacity,
                           size_t page_slots, size_t *r_page_count)
{
    bv_pack_rect *rect_copy = malloc((rect_slots ? rect_slots : 1) * sizeof *rect_copy);
    bv_pack_page *page_copy = malloc((page_slots ? page_slots : 1) * sizeof *page_copy);
    if (rects) memcpy(rect_copy, rects, rect_slots * sizeof *rects);
    if (pages) memcpy(page_copy, pages, page_slots * sizeof *pages);
    const size_t page_count_before = r_page_count ? *r_page_count : 0;
    const bv_status s = bv_pack(d, rects, count, pages, capacity, r_page_count);
    CHECK_MSG(s == c->status, "%s: got %s, expected %s (%s)", c->what, bv_status_name(s),
              bv_status_name(c->status), bv_error_message());
    CHECK_MSG(check__contains(bv_error_message(), c->message), "%s: message \"%s\" lacks \"%s\"",
              c->what, bv_error_message(), c->message);
    if (rects)
        CHECK_MSG(memcmp(rect_copy, rects, rect_slots * sizeof *rects) == 0, "%s: rects written",
                  c->what);
    if (pages)
        CHECK_MSG(memcmp(page_copy, pages, page_slots * sizeof *pages) == 0, "%s: pages written",
                  c->what);
    if (r_page_count)
        CHECK_MSG(*r_page_count == page_count_before, "%s: page count written", c->what);
    free(rect_copy);
    free(page_copy);
}

static void test_bad_input_fails_with_a_message_and_writes_nothing(void)
{
    enum { N = 4 };
    bv_pack_rect rects[N];
    bv_pack_page pages[N];
    size_t page_count = 12345;
    const bv_pack_desc good = {.max_width = 256, .max_height = 256};
#define RESET()                                                                                    \
    do {                                                                                           \
        for (int i = 0; i < N; i++) rects[i] = (bv_pack_rect){.width = 10 + i, .height = 20};      \
        fill_sentinel(rects, N, pages, N);                                                         \
    } while (0)
#define BAD(desc_ptr, count, cap, status_, text)                                                   \
    do {                                                                                           \
        const bad_case c = {#desc_ptr " / " text, status_, text};                                  \
        expect_failure(&c, desc_ptr, rects, count, N, pages, cap, N, &page_count);                 \
    } while (0)

    RESET();
    {
        const bad_case c = {"desc NULL", BV_ERROR_INVALID_ARGUMENT, "desc is NULL"};
        expect_failure(&c, NULL, rects, N, N, pages, N, N, &page_count);
        const bad_case c2 = {"rects NULL", BV_ERROR_INVALID_ARGUMENT, "rects is NULL"};
        expect_failure(&c2, &good, NULL, N, 0, pages, N, N, &page_count);
        const bad_case c3 = {"pages NULL", BV_ERROR_INVALID_ARGUMENT, "pages is NULL"};
        expect_failure(&c3, &good, rects, N, N, NULL, N, 0, &page_count);
        const bad_case c4 = {"r_page_count NULL", BV_ERROR_INVALID_ARGUMENT, "r_page_count"};
        expect_failure(&c4, &good, rects, N, N, pages, N, N, NULL);
    }

    rects[2].width = -1;
    BAD(&good, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 2 has a negative size (-1 x 20)");
    RESET();
    rects[3].height = -5;
    BAD(&good, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 3 has a negative size (13 x -5)");
    RESET();
    rects[1].width = 5000;
    rects[1].height = 10;
    BAD(&good, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 1 (5000 x 10) is larger than the largest page");
    RESET();
    {
        /* it fits the page, not the page inside its border */
        bv_pack_desc d = good;
        d.border_padding = 120;
        BAD(&d, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 0 (10 x 20) is larger than the largest page");
        /* a rect that would fit only turned, without rotation */
        d = good;
        d.max_height = 15;
        BAD(&d, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 0 (10 x 20)");
        /* power of two: 300 allows 256 only */
        d = good;
        d.max_width = 300;
        d.power_of_two = true;
        rects[2].width = 280;
        BAD(&d, N, N, BV_ERROR_INVALID_ARGUMENT, "rect 2 (280 x 20)");
        RESET();
    }
    /* four 200 x 200 rects need four pages */
    for (int i = 0; i < N; i++) rects[i] = (bv_pack_rect){.width = 200, .height = 200};
    fill_sentinel(rects, N, pages, N);
    BAD(&good, N, 3, BV_ERROR_INVALID_ARGUMENT, "need 4 pages but page_capacity is 3");
    BAD(&good, N, 0, BV_ERROR_INVALID_ARGUMENT, "need 4 pages but page_capacity is 0");
    RESET();

    const struct {
        bv_pack_desc desc;
        const char *message;
    } descs[] = {
        {{.max_width = -1}, "max_width -1 is outside 1..65536"},
        {{.max_width = 65537}, "max_width 65537 is outside 1..65536"},
        {{.max_height = -3}, "max_height -3 is outside 1..65536"},
        {{.max_height = 100000}, "max_height 100000 is outside"},
        {{.shape_padding = -1}, "shape_padding -1"},
        {{.border_padding = -2}, "border_padding -2"},
        {{.shape_padding = INT_MAX}, "shape_padding 2147483647"},
        {{.grid_columns = -1}, "grid_columns -1 is negative"},
        {{.layout = (bv_pack_layout)7}, "unknown layout 7"},
        {{.layout = (bv_pack_layout)-1}, "unknown layout -1"},
        {{.heuristic = (bv_pack_heuristic)9}, "unknown heuristic 9"},
        {{.layout = BV_LAYOUT_GRID, .grid_columns = 20, .max_width = 200}, "grid_columns 20"},
    };
    for (size_t i = 0; i < sizeof descs / sizeof descs[0]; i++) {
        const bad_case c = {descs[i].message, BV_ERROR_INVALID_ARGUMENT, descs[i].message};
        expect_failure(&c, &descs[i].desc, rects, N, N, pages, N, N, &page_count);
    }

    /* counts beyond what page numbers can hold fail before the rects are read */
    {
        const bad_case c = {"count", BV_ERROR_INVALID_ARGUMENT, "count"};
        expect_failure(&c, &good, rects, (size_t)INT_MAX + 1, N, pages, N, N, &page_count);
        expect_failure(&c, &good, rects, SIZE_MAX, N, pages, N, N, &page_count);
    }
#undef BAD
#undef RESET
}

int main(void)
{
    RUN(test_packed_rects_never_overlap_and_keep_padding);
    RUN(test_shape_padding_lets_the_last_rect_reach_the_border);
    RUN(test_page_is_used_extent_plus_border);
    RUN(test_every_heuristic_packs_sprites_densely);
    RUN(test_bottom_left_fills_rows_from_the_top_left);
    RUN(test_contact_point_fills_a_page_exactly);
    RUN(test_grid_places_equal_cells_in_input_order);
    RUN(test_grid_fits_as_many_columns_as_the_width_allows);
    RUN(test_grid_skips_empty_rects);
    RUN(test_power_of_two_and_square_round_the_page_up);
    RUN(test_power_of_two_and_square_pages_stay_within_the_limit);
    RUN(test_rects_beyond_one_page_go_to_next_pages);
    RUN(test_smaller_rect_fills_an_earlier_page_first);
    RUN(test_last_page_shrinks_to_fit_its_rects);
    RUN(test_large_sets_fill_full_pages_then_a_compact_last_page);
    RUN(test_rotation_is_used_when_it_helps_and_reported);
    RUN(test_rotation_is_not_used_when_it_does_not_help);
    RUN(test_random_descs_always_give_valid_packings);
    RUN(test_same_input_gives_same_output);
    RUN(test_equal_rects_are_placed_in_input_order);
    RUN(test_zero_size_rects_take_no_space);
    RUN(test_no_rects_give_no_pages);
    RUN(test_trimmed_sprites_pack_densely_with_bssf);
    RUN(test_best_packs_trimmed_frames_above_90_percent);
    RUN(test_best_fills_full_pages_and_a_compact_last_one);
    RUN(test_best_packs_random_sprites_at_least_as_densely_as_bssf);
    RUN(test_bad_input_fails_with_a_message_and_writes_nothing);
    return check_summary();
}
