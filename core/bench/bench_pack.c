/* bench_pack: time bv_pack on sets of sprite-like rectangles and print the occupancy each
 * heuristic (and BEST, which tries them all) reaches. Figures, not pass/fail. */
#define _XOPEN_SOURCE 700 /* clock_gettime, getrusage */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <bakeview/bakeview.h>

static const size_t counts[] = {64, 256, 1024};
static const double target_seconds = 0.2; /* runs per case: enough to cover this, 3 to 50 */

typedef struct method {
    const char *name;
    bv_pack_layout layout;
    bv_pack_heuristic heuristic;
} method;

static const method methods[] = {
    {"BSSF", BV_LAYOUT_MAXRECTS, BV_PACK_BEST_SHORT_SIDE_FIT},
    {"BAF", BV_LAYOUT_MAXRECTS, BV_PACK_BEST_AREA_FIT},
    {"BL", BV_LAYOUT_MAXRECTS, BV_PACK_BOTTOM_LEFT},
    {"CP", BV_LAYOUT_MAXRECTS, BV_PACK_CONTACT_POINT},
    {"BEST", BV_LAYOUT_MAXRECTS, BV_PACK_BEST},
    {"grid", BV_LAYOUT_GRID, BV_PACK_BEST_SHORT_SIDE_FIT},
};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* splitmix64: the same rectangles on every platform */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int random_int(uint64_t *state, int lo, int hi)
{
    return lo + (int)(next_random(state) % (uint64_t)(hi - lo + 1));
}

/* Random sprites: sides uniform in [lo, hi], independently. */
static void make_rects(bv_pack_rect *rects, size_t count, int lo, int hi, uint64_t seed)
{
    for (size_t i = 0; i < count; i++) {
        rects[i] = (bv_pack_rect){0};
        rects[i].width = random_int(&seed, lo, hi);
        rects[i].height = random_int(&seed, lo, hi);
    }
}

/* Trimmed frames as a sprite sheet of walking figures has them: each 64 frames are one figure
 * (its width across, depth, stride and height drawn at random) from 8 directions x 8 frames of a
 * walk, rendered into 256 x 256 by a camera 30 degrees up and trimmed. Across a direction the
 * frame is as wide as the figure's width and depth project, the depth growing with the stride;
 * its height is the figure's (cos 30) plus half the depth along the view (sin 30); a few pixels
 * of noise on each. Sides come out about 40 to 160 px wide, 130 to 210 px tall. */
static void make_trimmed_frames(bv_pack_rect *rects, size_t count, uint64_t seed)
{
    static const int cosine[8] = {1000, 707, 0, 707, 1000, 707, 0, 707}; /* |cos| per 45 deg */
    static const int stride[8] = {0, 707, 1000, 707, 0, 707, 1000, 707}; /* |sin| of the walk */
    int across = 0, depth = 0, reach = 0, tall = 0;
    for (size_t i = 0; i < count; i++) {
        if (i % 64 == 0) {
            across = random_int(&seed, 70, 110);
            depth = random_int(&seed, 40, 70);
            reach = random_int(&seed, 40, 80);
            tall = random_int(&seed, 130, 160);
        }
        const int c = cosine[i / 8 % 8], s = cosine[(i / 8 + 2) % 8], frame = (int)(i % 8);
        const int d = depth + reach * stride[frame] / 1000;
        rects[i] = (bv_pack_rect){0};
        rects[i].width = (across * c + d * s) / 1000 + random_int(&seed, 0, 6);
        rects[i].height = tall * 866 / 1000 + (across * s + d * c) / 2000 + random_int(&seed, 0, 6);
    }
}

static int compare_doubles(const void *pa, const void *pb)
{
    const double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static int run_case(const bv_pack_desc *desc, const bv_pack_rect *input, size_t count,
                    bv_pack_rect *rects, bv_pack_page *pages)
{
    double times[50];
    int runs = 0;
    size_t page_count = 0;
    const double start = now_ms();
    while (runs < 50 && (runs < 3 || now_ms() - start < target_seconds * 1e3)) {
        memcpy(rects, input, count * sizeof *rects);
        const double t0 = now_ms();
        const bv_status s = bv_pack(desc, rects, count, pages, count, &page_count);
        times[runs++] = now_ms() - t0;
        if (s != BV_OK) {
            fprintf(stderr, "bench_pack: %s\n", bv_error_message());
            return 1;
        }
    }
    qsort(times, (size_t)runs, sizeof times[0], compare_doubles);
    double used = 0.0, area = 0.0;
    for (size_t i = 0; i < count; i++) used += (double)rects[i].width * rects[i].height;
    for (size_t p = 0; p < page_count; p++) area += (double)pages[p].width * pages[p].height;
    int rotated = 0;
    for (size_t i = 0; i < count; i++) rotated += rects[i].rotated;
    const bv_pack_page *last = &pages[page_count - 1];
    printf(" %9.3f %9.3f %6zu %6.1f %%   %4d x %-4d %6.1f %% %8d\n", times[runs / 2], times[0],
           page_count, 100.0 * used / area, last->width, last->height, 100.0 * last->occupancy,
           rotated);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("usage: bench_pack\n"
               "\n"
               "Packs 64, 256 and 1024 sprite-like rectangles (fixed seeds; 2 px shape padding,\n"
               "2 px border): trimmed frames of walking figures (8 directions x 8 frames each,\n"
               "from 256 x 256, about 40..160 x 130..210 px) and sides uniform in 80..200 px into\n"
               "pages of at most 4096 x 4096; sides in 100..256 px into 4096 x 4096, then\n"
               "2048 x 2048; small ones (16..64 px) into 4096 x 4096. Each with every MaxRects\n"
               "heuristic and BEST, with and without rotation, and in a grid. Prints the\n"
               "median and fastest milliseconds per bv_pack call, the pages, the occupancy over\n"
               "all pages (rect area / page area), the last page's size and occupancy, and how\n"
               "many rects were turned. Then the peak memory (ru_maxrss).\n");
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    const size_t max_count = counts[sizeof counts / sizeof counts[0] - 1];
    bv_pack_rect *input = malloc(max_count * sizeof *input);
    bv_pack_rect *rects = malloc(max_count * sizeof *rects);
    bv_pack_page *pages = malloc(max_count * sizeof *pages);
    if (!input || !rects || !pages) return 1;
    const struct {
        int limit, lo, hi; /* lo 0: trimmed frames */
    } sets[] = {{4096, 0, 0}, {4096, 80, 200}, {4096, 100, 256}, {2048, 100, 256}, {4096, 16, 64}};
    int failed = 0;
    for (size_t l = 0; l < sizeof sets / sizeof sets[0]; l++) {
        if (sets[l].lo == 0)
            printf("trimmed frames of walking figures (8 directions x 8 frames each)");
        else
            printf("sides %d..%d px", sets[l].lo, sets[l].hi);
        printf(", pages of at most %d x %d, shape padding 2, border 2\n", sets[l].limit,
               sets[l].limit);
        printf("%6s %-6s %4s %9s %9s %6s %8s   %-11s %8s %8s\n", "rects", "method", "rot",
               "median ms", "min ms", "pages", "occupancy", "last page", "last occ", "rotated");
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            if (sets[l].lo == 0) make_trimmed_frames(input, counts[c], 0x5eed + counts[c]);
            else make_rects(input, counts[c], sets[l].lo, sets[l].hi, 0x5eed + counts[c]);
            for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
                for (int rot = 0; rot < (methods[m].layout == BV_LAYOUT_GRID ? 1 : 2); rot++) {
                    const bv_pack_desc desc = {.layout = methods[m].layout,
                                               .heuristic = methods[m].heuristic,
                                               .max_width = sets[l].limit,
                                               .max_height = sets[l].limit,
                                               .shape_padding = 2,
                                               .border_padding = 2,
                                               .allow_rotation = rot};
                    printf("%6zu %-6s %4s", counts[c], methods[m].name, rot ? "yes" : "no");
                    failed |= run_case(&desc, input, counts[c], rects, pages);
                }
        }
        printf("\n");
    }
    free(input);
    free(rects);
    free(pages);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) /* Linux reports kilobytes */
        printf("peak memory (ru_maxrss): %.1f MiB\n", (double)usage.ru_maxrss / 1024.0);
    return failed;
}
