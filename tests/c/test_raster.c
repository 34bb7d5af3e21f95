/* Watertight rasterisation (core/src/raster.h): fixed-point vertices, integer edge functions and
 * the top-left rule. Triangles that tile a region must cover each sample inside it exactly once,
 * and never twice anywhere; samples strictly outside are never covered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "raster.h"
#include "scene.h"

static const int grid_sizes[] = {1, 2, 3, 4, 8};
#define GRID_SIZE_COUNT ((int)(sizeof grid_sizes / sizeof grid_sizes[0]))

/* Pixels the random geometry lives in: [0, REGION) on both axes. The sample window reaches one
 * pixel beyond on each side. */
#define REGION 6

typedef struct tri_fx {
    int64_t x[3], y[3];
} tri_fx;

typedef struct window {
    int sx0, sy0, w, h;
    uint16_t *counts;
} window;

static window window_make(const bv__grid *g)
{
    window win;
    win.sx0 = win.sy0 = -g->n;
    win.w = win.h = g->n * (REGION + 2);
    win.counts = calloc((size_t)win.w * (size_t)win.h, sizeof(uint16_t));
    return win;
}

/* Twice the signed area of (a, b, p): > 0 when p is left of a -> b. Exact for the small
 * fixed-point coordinates used here. */
static int64_t orient(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t px, int64_t py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

static int sign64(int64_t v) { return (v > 0) - (v < 0); }

/* +1 strictly inside, 0 on the boundary, -1 strictly outside. */
static int tri_side(const tri_fx *t, int64_t px, int64_t py)
{
    const int s = sign64(orient(t->x[0], t->y[0], t->x[1], t->y[1], t->x[2], t->y[2]));
    int min = 1;
    for (int i = 0; i < 3; i++) {
        const int j = (i + 1) % 3;
        const int e = sign64(orient(t->x[i], t->y[i], t->x[j], t->y[j], px, py)) * s;
        if (e < min) min = e;
    }
    return min;
}

static int64_t tri_orient(const tri_fx *t)
{
    return orient(t->x[0], t->y[0], t->x[1], t->y[1], t->x[2], t->y[2]);
}

/* p lies on the open segment a-b. */
static bool on_open_segment(int64_t ax, int64_t ay, int64_t bx, int64_t by, int64_t px, int64_t py)
{
    if (orient(ax, ay, bx, by, px, py) != 0) return false;
    const int64_t dot = (px - ax) * (bx - ax) + (py - ay) * (by - ay);
    const int64_t len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
    return dot > 0 && dot < len2;
}

/* Rasterises triangles into the window's counts, each with its vertices in a random rotation and
 * winding (the rule must not depend on either). False if a triangle had no area. */
static bool raster_all(const bv__grid *g, const tri_fx *tris, int count, window *win, rng *r)
{
    memset(win->counts, 0, (size_t)win->w * (size_t)win->h * sizeof(uint16_t));
    for (int i = 0; i < count; i++) {
        const int rot = rng_int(r, 0, 2);
        const bool flip = rng_int(r, 0, 1) != 0;
        int64_t x[3], y[3];
        for (int k = 0; k < 3; k++) {
            const int src = flip ? (rot + 3 - k) % 3 : (rot + k) % 3;
            x[k] = tris[i].x[src];
            y[k] = tris[i].y[src];
        }
        bv__triangle t;
        if (!bv__triangle_setup(g, x, y, &t)) return false;
        bv__raster_count(g, &t, win->sx0, win->sy0, win->w, win->h, win->counts);
    }
    return true;
}

/* A random fixed-point coordinate inside the region; on a sample position if `on_sample`. */
static int64_t random_coord(const bv__grid *g, rng *r, bool on_sample)
{
    if (on_sample) return bv__sample_coord(g, rng_int(r, 0, g->n * REGION - 1));
    return bv__to_fixed(rng_range(r, 0.25, REGION - 0.25));
}

/* Two triangles A B C and A B D with C and D on opposite sides of A B: every sample strictly
 * inside either triangle or on the open shared edge is covered once; none is covered twice; none
 * strictly outside both is covered. Returns the number of failures (also recorded). */
static int check_edge_pair(const bv__grid *g, const tri_fx pair[2], window *win, rng *r)
{
    if (!raster_all(g, pair, 2, win, r)) return 0;
    int failures = 0;
    const int64_t ax = pair[0].x[0], ay = pair[0].y[0], bx = pair[0].x[1], by = pair[0].y[1];
    for (int j = 0; j < win->h; j++) {
        const int64_t py = bv__sample_coord(g, win->sy0 + j);
        for (int i = 0; i < win->w; i++) {
            const int64_t px = bv__sample_coord(g, win->sx0 + i);
            const int c = win->counts[(size_t)j * (size_t)win->w + (size_t)i];
            const int s0 = tri_side(&pair[0], px, py), s1 = tri_side(&pair[1], px, py);
            const bool must = s0 > 0 || s1 > 0 || on_open_segment(ax, ay, bx, by, px, py);
            const bool never = s0 < 0 && s1 < 0;
            const int expected_lo = must ? 1 : 0, expected_hi = never ? 0 : 1;
            if (c < expected_lo || c > expected_hi) {
                failures++;
                CHECK_MSG(false,
                          "n=%d sample (%lld, %lld)/256 covered %d times (expected %d..%d); "
                          "A=(%lld,%lld) B=(%lld,%lld) C=(%lld,%lld) D=(%lld,%lld)",
                          g->n, (long long)px, (long long)py, c, expected_lo, expected_hi,
                          (long long)ax, (long long)ay, (long long)bx, (long long)by,
                          (long long)pair[0].x[2], (long long)pair[0].y[2], (long long)pair[1].x[2],
                          (long long)pair[1].y[2]);
            }
        }
    }
    return failures;
}

typedef enum edge_kind { EDGE_ANY, EDGE_HORIZONTAL, EDGE_VERTICAL } edge_kind;

/* Random pairs sharing an edge of the given kind, vertices anywhere or on sample positions. */
static void run_edge_pairs(edge_kind kind, bool on_sample, int trials_per_grid)
{
    rng r = {0x5eed0000u + (uint64_t)kind * 17u + (on_sample ? 1u : 0u)};
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window win = window_make(&g);
        int done = 0, failures = 0;
        for (int attempt = 0; done < trials_per_grid && attempt < 20 * trials_per_grid; attempt++) {
            int64_t ax = random_coord(&g, &r, on_sample), ay = random_coord(&g, &r, on_sample);
            int64_t bx = random_coord(&g, &r, on_sample), by = random_coord(&g, &r, on_sample);
            if (kind == EDGE_HORIZONTAL) by = ay;
            if (kind == EDGE_VERTICAL) bx = ax;
            const int64_t cx = random_coord(&g, &r, on_sample), cy = random_coord(&g, &r, on_sample);
            const int64_t dx = random_coord(&g, &r, on_sample), dy = random_coord(&g, &r, on_sample);
            const int64_t oc = orient(ax, ay, bx, by, cx, cy), od = orient(ax, ay, bx, by, dx, dy);
            if (oc == 0 || od == 0 || sign64(oc) == sign64(od)) continue; /* not opposite sides */
            const tri_fx pair[2] = {{{ax, bx, cx}, {ay, by, cy}}, {{ax, bx, dx}, {ay, by, dy}}};
            failures += check_edge_pair(&g, pair, &win, &r);
            done++;
            if (failures > 0) break; /* one reported configuration is enough */
        }
        CHECK_MSG(done == trials_per_grid || failures > 0, "n=%d: only %d of %d trials generated",
                  g.n, done, trials_per_grid);
        free(win.counts);
    }
}

static void test_shared_edge_covers_each_sample_once(void) { run_edge_pairs(EDGE_ANY, false, 600); }

static void test_shared_horizontal_edge_covers_each_sample_once(void)
{
    run_edge_pairs(EDGE_HORIZONTAL, false, 300);
}

static void test_shared_vertical_edge_covers_each_sample_once(void)
{
    run_edge_pairs(EDGE_VERTICAL, false, 300);
}

static void test_shared_edge_through_sample_positions_covers_each_sample_once(void)
{
    run_edge_pairs(EDGE_ANY, true, 400);
    run_edge_pairs(EDGE_HORIZONTAL, true, 300);
    run_edge_pairs(EDGE_VERTICAL, true, 300);
}

/* Random convex quads (a jittered square) split by either diagonal. */
static void test_random_quads_split_by_a_diagonal_cover_each_sample_once(void)
{
    rng r = {0xabcdef};
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window win = window_make(&g);
        int failures = 0;
        for (int trial = 0; trial < 400 && failures == 0; trial++) {
            const bool on_sample = trial % 4 == 3;
            const double cx = rng_range(&r, 2.0, REGION - 2.0), cy = rng_range(&r, 2.0, REGION - 2.0);
            const double half = rng_range(&r, 0.3, 1.8), jitter = 0.2 * half;
            const double sq[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
            int64_t qx[4], qy[4];
            for (int k = 0; k < 4; k++) {
                const double x = cx + half * sq[k][0] + rng_range(&r, -jitter, jitter);
                const double y = cy + half * sq[k][1] + rng_range(&r, -jitter, jitter);
                if (on_sample) { /* the sample nearest the point */
                    qx[k] = bv__sample_coord(&g, (int)floor(x * g.n));
                    qy[k] = bv__sample_coord(&g, (int)floor(y * g.n));
                } else {
                    qx[k] = bv__to_fixed(x);
                    qy[k] = bv__to_fixed(y);
                }
            }
            const int d = rng_int(&r, 0, 1); /* diagonal 0-2 or 1-3 */
            const int a = d, b = d + 2, c = (d + 1) % 4, e = (d + 3) % 4;
            const tri_fx pair[2] = {{{qx[a], qx[b], qx[c]}, {qy[a], qy[b], qy[c]}},
                                    {{qx[a], qx[b], qx[e]}, {qy[a], qy[b], qy[e]}}};
            const int64_t oc = orient(qx[a], qy[a], qx[b], qy[b], qx[c], qy[c]);
            const int64_t oe = orient(qx[a], qy[a], qx[b], qy[b], qx[e], qy[e]);
            if (oc == 0 || oe == 0 || sign64(oc) == sign64(oe)) continue; /* snapped flat */
            failures += check_edge_pair(&g, pair, &win, &r);
        }
        free(win.counts);
    }
}

/* A fan of triangles around a shared vertex V closes around it: every sample strictly inside the
 * fan's outline (inside a triangle, on a spoke, or at V) is covered exactly once. */
static void test_fan_around_shared_vertex_covers_each_sample_once(void)
{
    rng r = {0xfa4};
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window win = window_make(&g);
        int failures = 0, done = 0;
        for (int trial = 0; trial < 300 && failures == 0; trial++) {
            const bool on_sample = trial % 2 == 1;
            const int k = rng_int(&r, 3, 12);
            double angle[12];
            for (int i = 0; i < k; i++) angle[i] = rng_range(&r, 0.0, 2.0 * M_PI);
            for (int i = 1; i < k; i++) /* insertion sort */
                for (int j = i; j > 0 && angle[j] < angle[j - 1]; j--) {
                    const double s = angle[j];
                    angle[j] = angle[j - 1];
                    angle[j - 1] = s;
                }
            double max_gap = angle[0] + 2.0 * M_PI - angle[k - 1];
            for (int i = 1; i < k; i++) max_gap = fmax(max_gap, angle[i] - angle[i - 1]);
            if (max_gap > 0.9 * M_PI) continue; /* V would not be inside */
            int64_t vx, vy;
            if (on_sample) {
                vx = bv__sample_coord(&g, rng_int(&r, 2 * g.n, (REGION - 2) * g.n));
                vy = bv__sample_coord(&g, rng_int(&r, 2 * g.n, (REGION - 2) * g.n));
            } else {
                vx = bv__to_fixed(rng_range(&r, 2.5, REGION - 2.5));
                vy = bv__to_fixed(rng_range(&r, 2.5, REGION - 2.5));
            }
            int64_t px[12], py[12];
            for (int i = 0; i < k; i++) {
                const double rad = rng_range(&r, 0.4, 2.2);
                px[i] = vx + bv__to_fixed(rad * cos(angle[i]));
                py[i] = vy + bv__to_fixed(rad * sin(angle[i]));
                if (on_sample) { /* rim on sample positions too */
                    px[i] = bv__sample_coord(&g, bv__floor_div(px[i] * g.n, BV__SUBPIXEL_ONE));
                    py[i] = bv__sample_coord(&g, bv__floor_div(py[i] * g.n, BV__SUBPIXEL_ONE));
                }
            }
            tri_fx fan[12];
            bool valid = true;
            for (int i = 0; i < k; i++) {
                const int j = (i + 1) % k;
                fan[i] = (tri_fx){{vx, px[i], px[j]}, {vy, py[i], py[j]}};
                valid = valid && tri_orient(&fan[i]) > 0; /* still counter-clockwise once snapped */
            }
            if (!valid || !raster_all(&g, fan, k, &win, &r)) continue;
            done++;
            for (int j = 0; j < win.h; j++) {
                const int64_t sy = bv__sample_coord(&g, win.sy0 + j);
                for (int i = 0; i < win.w; i++) {
                    const int64_t sx = bv__sample_coord(&g, win.sx0 + i);
                    bool must = sx == vx && sy == vy, never = true;
                    for (int t = 0; t < k; t++) {
                        const int side = tri_side(&fan[t], sx, sy);
                        must = must || side > 0 || on_open_segment(vx, vy, px[t], py[t], sx, sy);
                        never = never && side < 0;
                    }
                    const int c = win.counts[(size_t)j * (size_t)win.w + (size_t)i];
                    if (c < (must ? 1 : 0) || c > (never ? 0 : 1)) {
                        failures++;
                        CHECK_MSG(false,
                                  "n=%d fan of %d around (%lld, %lld)/256: sample (%lld, %lld) "
                                  "covered %d times",
                                  g.n, k, (long long)vx, (long long)vy, (long long)sx,
                                  (long long)sy, c);
                    }
                }
            }
        }
        CHECK_MSG(done >= 100 || failures > 0, "n=%d: only %d fans generated", g.n, done);
        free(win.counts);
    }
}

/* A rectangle triangulated as a jittered grid (each convex cell split by a random diagonal): the
 * whole rectangle's interior is covered exactly once, including interior vertices where six or
 * more triangles meet. */
static void test_triangulated_rectangle_covers_interior_samples_once(void)
{
    rng r = {0x9e1d};
    enum { CELLS = 5 };
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window win = window_make(&g);
        int failures = 0, done = 0;
        for (int trial = 0; trial < 60 && failures == 0; trial++) {
            const bool on_sample = trial % 2 == 1;
            const double x0 = rng_range(&r, 0.2, 0.8), y0 = rng_range(&r, 0.2, 0.8);
            const double cell = (REGION - 1.0 - fmax(x0, y0)) / CELLS;
            int64_t vx[CELLS + 1][CELLS + 1], vy[CELLS + 1][CELLS + 1];
            for (int j = 0; j <= CELLS; j++)
                for (int i = 0; i <= CELLS; i++) {
                    const bool edge_x = i == 0 || i == CELLS, edge_y = j == 0 || j == CELLS;
                    double x = x0 + cell * i, y = y0 + cell * j;
                    if (!edge_x) x += rng_range(&r, -0.2, 0.2) * cell;
                    if (!edge_y) y += rng_range(&r, -0.2, 0.2) * cell;
                    if (on_sample) {
                        vx[j][i] = bv__sample_coord(&g, (int)floor(x * g.n));
                        vy[j][i] = bv__sample_coord(&g, (int)floor(y * g.n));
                    } else {
                        vx[j][i] = bv__to_fixed(x);
                        vy[j][i] = bv__to_fixed(y);
                    }
                }
            /* boundary vertices of one side share the side's coordinate exactly */
            for (int k = 0; k <= CELLS; k++) {
                vx[k][CELLS] = vx[0][CELLS];
                vx[k][0] = vx[0][0];
                vy[CELLS][k] = vy[CELLS][0];
                vy[0][k] = vy[0][0];
            }
            tri_fx tris[2 * CELLS * CELLS];
            int count = 0;
            bool valid = true;
            for (int j = 0; j < CELLS; j++)
                for (int i = 0; i < CELLS; i++) {
                    const int64_t qx[4] = {vx[j][i], vx[j][i + 1], vx[j + 1][i + 1], vx[j + 1][i]};
                    const int64_t qy[4] = {vy[j][i], vy[j][i + 1], vy[j + 1][i + 1], vy[j + 1][i]};
                    const int d = rng_int(&r, 0, 1);
                    tris[count++] = (tri_fx){{qx[d], qx[d + 1], qx[d + 2]}, {qy[d], qy[d + 1], qy[d + 2]}};
                    tris[count++] = (tri_fx){{qx[d], qx[d + 2], qx[(d + 3) % 4]},
                                             {qy[d], qy[d + 2], qy[(d + 3) % 4]}};
                    valid = valid && tri_orient(&tris[count - 1]) > 0 && tri_orient(&tris[count - 2]) > 0;
                }
            if (!valid || !raster_all(&g, tris, count, &win, &r)) continue;
            done++;
            const int64_t left = vx[0][0], right = vx[0][CELLS], bottom = vy[0][0], top = vy[CELLS][0];
            for (int j = 0; j < win.h; j++) {
                const int64_t sy = bv__sample_coord(&g, win.sy0 + j);
                for (int i = 0; i < win.w; i++) {
                    const int64_t sx = bv__sample_coord(&g, win.sx0 + i);
                    const bool inside = sx > left && sx < right && sy > bottom && sy < top;
                    const bool outside = sx < left || sx > right || sy < bottom || sy > top;
                    const int c = win.counts[(size_t)j * (size_t)win.w + (size_t)i];
                    if (c < (inside ? 1 : 0) || c > (outside ? 0 : 1)) {
                        failures++;
                        CHECK_MSG(false, "n=%d sample (%lld, %lld)/256 covered %d times (%s)", g.n,
                                  (long long)sx, (long long)sy, c,
                                  inside ? "inside" : (outside ? "outside" : "on the border"));
                    }
                }
            }
        }
        CHECK_MSG(done >= 20 || failures > 0, "n=%d: only %d meshes generated", g.n, done);
        free(win.counts);
    }
}

/* Pins the convention (y up): samples on a left or top edge belong to the triangle, samples on a
 * right or bottom edge do not. A 2x2-pixel square with corners on pixel centres, one sample per
 * pixel: of its 9 samples, the 4 on its left/top sides and inside are covered. */
static void test_top_left_rule_takes_left_and_top_edges(void)
{
    bv__grid g;
    bv__grid_init(&g, 1);
    const int64_t lo = bv__to_fixed(0.5), hi = bv__to_fixed(2.5);
    const tri_fx quad[2] = {{{lo, hi, hi}, {lo, lo, hi}}, {{lo, hi, lo}, {lo, hi, hi}}};
    uint16_t counts[3 * 3] = {0};
    for (int k = 0; k < 2; k++) {
        bv__triangle t;
        if (!CHECK(bv__triangle_setup(&g, quad[k].x, quad[k].y, &t))) return;
        bv__raster_count(&g, &t, 0, 0, 3, 3, counts);
    }
    /* counts[row * 3 + column]; row 0 is the bottom (y = 0.5) */
    const uint16_t expected[9] = {0, 0, 0, /* bottom edge: not covered */
                                  1, 1, 0, /* right edge x = 2.5: not covered */
                                  1, 1, 0}; /* top edge y = 2.5: covered, left edge x = 0.5 too */
    for (int i = 0; i < 9; i++)
        CHECK_MSG(counts[i] == expected[i], "sample column %d row %d covered %d times, expected %d",
                  i % 3, i / 3, counts[i], expected[i]);
}

/* Both windings of the same triangle cover the same samples; flipped is reported. */
static void test_winding_does_not_change_coverage(void)
{
    rng r = {77};
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window a = window_make(&g), b = window_make(&g);
        for (int trial = 0; trial < 200; trial++) {
            const bool on_sample = trial % 2 == 0;
            int64_t x[3], y[3];
            for (int k = 0; k < 3; k++) x[k] = random_coord(&g, &r, on_sample), y[k] = random_coord(&g, &r, on_sample);
            const int64_t xr[3] = {x[0], x[2], x[1]}, yr[3] = {y[0], y[2], y[1]};
            bv__triangle t1, t2;
            const bool ok1 = bv__triangle_setup(&g, x, y, &t1), ok2 = bv__triangle_setup(&g, xr, yr, &t2);
            CHECK(ok1 == ok2);
            if (!ok1 || !ok2) continue;
            CHECK(t1.flipped != t2.flipped);
            CHECK(t1.area2 == t2.area2 && t1.area2 > 0);
            CHECK_EQ_INT(t1.flipped, orient(x[0], y[0], x[1], y[1], x[2], y[2]) < 0);
            memset(a.counts, 0, (size_t)a.w * (size_t)a.h * sizeof(uint16_t));
            memset(b.counts, 0, (size_t)b.w * (size_t)b.h * sizeof(uint16_t));
            bv__raster_count(&g, &t1, a.sx0, a.sy0, a.w, a.h, a.counts);
            bv__raster_count(&g, &t2, b.sx0, b.sy0, b.w, b.h, b.counts);
            if (!CHECK(memcmp(a.counts, b.counts, (size_t)a.w * (size_t)a.h * sizeof(uint16_t)) == 0))
                break;
        }
        free(a.counts);
        free(b.counts);
    }
}

static void test_degenerate_triangles_are_rejected(void)
{
    bv__grid g;
    bv__grid_init(&g, 4);
    bv__triangle t;
    const int64_t x1[3] = {0, 256, 512}, y1[3] = {0, 256, 512}; /* collinear */
    CHECK(!bv__triangle_setup(&g, x1, y1, &t));
    const int64_t x2[3] = {100, 100, 300}, y2[3] = {50, 50, 70}; /* two equal vertices */
    CHECK(!bv__triangle_setup(&g, x2, y2, &t));
    const int64_t x3[3] = {0, 1, 0}, y3[3] = {0, 0, 1}; /* tiny but not empty */
    CHECK(bv__triangle_setup(&g, x3, y3, &t));
}

/* Huge triangles near the guard band (coordinates up to 65536 pixels) still share an edge
 * watertightly: the 64-bit edge functions do not overflow. */
static void test_huge_triangles_sharing_an_edge_cover_each_sample_once(void)
{
    rng r = {4242};
    for (int gi = 0; gi < GRID_SIZE_COUNT; gi++) {
        bv__grid g;
        bv__grid_init(&g, grid_sizes[gi]);
        window win = window_make(&g);
        int failures = 0;
        for (int trial = 0; trial < 40 && failures == 0; trial++) {
            const double big = 60000.0;
            /* a shared edge through the window, long far beyond it */
            const double ax = rng_range(&r, 1, REGION - 1), ay = rng_range(&r, 1, REGION - 1);
            const double angle = rng_range(&r, 0, M_PI);
            const double dx = cos(angle), dy = sin(angle);
            const int64_t Ax = bv__to_fixed(ax - big * dx), Ay = bv__to_fixed(ay - big * dy);
            const int64_t Bx = bv__to_fixed(ax + big * dx * 0.5), By = bv__to_fixed(ay + big * dy * 0.5);
            const int64_t Cx = bv__to_fixed(ax - big * dy), Cy = bv__to_fixed(ay + big * dx);
            const int64_t Dx = bv__to_fixed(ax + big * dy * 0.7), Dy = bv__to_fixed(ay - big * dx * 0.7);
            const tri_fx pair[2] = {{{Ax, Bx, Cx}, {Ay, By, Cy}}, {{Ax, Bx, Dx}, {Ay, By, Dy}}};
            if (!raster_all(&g, pair, 2, &win, &r)) continue;
            /* every sample of the window is inside the pair (far from the outer edges) */
            for (int i = 0; i < win.w * win.h; i++) {
                if (win.counts[i] != 1) {
                    failures++;
                    CHECK_MSG(false, "n=%d: huge pair covers window sample %d %d times", g.n, i,
                              win.counts[i]);
                }
            }
        }
        free(win.counts);
    }
}

/* The grid places sample i of n at (i + 0.5) / n of the pixel, snapped to 1/256. */
static void test_grid_offsets_are_centred_in_pixel(void)
{
    for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
        bv__grid g;
        bv__grid_init(&g, n);
        CHECK_EQ_INT(g.n, n);
        for (int i = 0; i < n; i++) {
            CHECK_NEAR(g.offset[i], (i + 0.5) * 256.0 / n, 0.5);
            CHECK(g.offset[i] >= 0 && g.offset[i] < BV__SUBPIXEL_ONE);
        }
        /* sample columns continue across pixels, negative ones too */
        CHECK_EQ_INT(bv__sample_coord(&g, -1), -BV__SUBPIXEL_ONE + g.offset[n - 1]);
        CHECK_EQ_INT(bv__sample_coord(&g, n), BV__SUBPIXEL_ONE + g.offset[0]);
        CHECK_EQ_INT(bv__sample_coord(&g, -n), -BV__SUBPIXEL_ONE + g.offset[0]);
    }
    CHECK_EQ_INT(bv__to_fixed(1.5), 384);
    CHECK_EQ_INT(bv__to_fixed(-1.5), -384);
    CHECK_EQ_INT(bv__to_fixed(0.3 / 256.0), 0);
    CHECK_EQ_INT(bv__to_fixed(0.7 / 256.0), 1);
}

/* A triangle's sample box is exactly the samples inside its closed bounding box, for every grid,
 * vertices anywhere or on sample positions, at negative coordinates too; empty for a triangle
 * between samples. */
static void test_sample_box_is_exactly_the_samples_in_the_bounding_box(void)
{
    rng r = {0xb0c5};
    for (int n = 1; n <= BV_MAX_SAMPLES; n++) {
        bv__grid g;
        bv__grid_init(&g, n);
        int failures = 0, empty = 0;
        for (int trial = 0; trial < 400 && failures < 5; trial++) {
            int64_t x[3], y[3];
            const double cx = rng_range(&r, -20.0, 20.0), cy = rng_range(&r, -20.0, 20.0);
            const double size = trial % 4 == 0 ? 0.3 / n : rng_range(&r, 0.05, 3.0);
            for (int k = 0; k < 3; k++) {
                x[k] = bv__to_fixed(cx + rng_range(&r, 0.0, size));
                y[k] = bv__to_fixed(cy + rng_range(&r, 0.0, size));
                if (trial % 3 == 1) { /* on sample positions */
                    x[k] = bv__sample_coord(&g, bv__floor_div(x[k] * n, BV__SUBPIXEL_ONE));
                    y[k] = bv__sample_coord(&g, bv__floor_div(y[k] * n, BV__SUBPIXEL_ONE));
                }
            }
            bv__triangle t;
            if (!bv__triangle_setup(&g, x, y, &t)) continue;
            const int64_t xs[3] = {x[0], x[1], x[2]}, ys[3] = {y[0], y[1], y[2]};
            int64_t lo[2] = {xs[0], ys[0]}, hi[2] = {xs[0], ys[0]};
            for (int k = 1; k < 3; k++) {
                lo[0] = xs[k] < lo[0] ? xs[k] : lo[0], hi[0] = xs[k] > hi[0] ? xs[k] : hi[0];
                lo[1] = ys[k] < lo[1] ? ys[k] : lo[1], hi[1] = ys[k] > hi[1] ? ys[k] : hi[1];
            }
            const int box[2][2] = {{t.sx0, t.sx1}, {t.sy0, t.sy1}};
            for (int axis = 0; axis < 2; axis++) {
                /* brute force over a generous range of sample indices */
                int first = INT32_MAX, last = INT32_MIN;
                const int from = bv__floor_div(lo[axis] * n, BV__SUBPIXEL_ONE) - 3;
                const int to = bv__floor_div(hi[axis] * n, BV__SUBPIXEL_ONE) + 3;
                for (int s = from; s <= to; s++) {
                    const int64_t c = bv__sample_coord(&g, s);
                    if (c >= lo[axis] && c <= hi[axis]) {
                        first = s < first ? s : first;
                        last = s > last ? s : last;
                    }
                }
                if (first > last) { /* no sample: the box must be empty along this axis */
                    empty++;
                    if (!CHECK_MSG(box[axis][0] > box[axis][1], "n=%d axis %d: box %d..%d, no sample inside",
                                   n, axis, box[axis][0], box[axis][1]))
                        failures++;
                } else if (!CHECK_MSG(box[axis][0] == first && box[axis][1] == last,
                                      "n=%d axis %d: box %d..%d, samples %d..%d", n, axis, box[axis][0],
                                      box[axis][1], first, last)) {
                    failures++;
                }
            }
        }
        CHECK_MSG(empty > 0, "n=%d: no triangle fell between samples", n);
    }
}

int main(void)
{
    RUN(test_grid_offsets_are_centred_in_pixel);
    RUN(test_degenerate_triangles_are_rejected);
    RUN(test_sample_box_is_exactly_the_samples_in_the_bounding_box);
    RUN(test_top_left_rule_takes_left_and_top_edges);
    RUN(test_winding_does_not_change_coverage);
    RUN(test_shared_edge_covers_each_sample_once);
    RUN(test_shared_horizontal_edge_covers_each_sample_once);
    RUN(test_shared_vertical_edge_covers_each_sample_once);
    RUN(test_shared_edge_through_sample_positions_covers_each_sample_once);
    RUN(test_random_quads_split_by_a_diagonal_cover_each_sample_once);
    RUN(test_fan_around_shared_vertex_covers_each_sample_once);
    RUN(test_triangulated_rectangle_covers_interior_samples_once);
    RUN(test_huge_triangles_sharing_an_edge_cover_each_sample_once);
    return check_summary();
}
