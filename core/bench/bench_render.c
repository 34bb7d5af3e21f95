/* bench_render: time bv_render on textured tori over triangle counts, image sizes, samples per
 * pixel and thread counts. Figures, not pass/fail: the target lines say how far off they are. */
#define _XOPEN_SOURCE 700 /* clock_gettime, getrusage */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <bakeview/bakeview.h>

#include "procedural.h"

enum {
    texture_size = 1024,
    max_runs = 15,
    min_runs = 3,
    default_triangles = 16384,
    default_size = 512,
    default_samples = 4,
    default_threads = 1,
};

/* Enough runs to cover this long, within [min_runs, max_runs]. */
static const double target_seconds = 0.3;
/* A warm-up slower than this counts as a run, and the case gets min_runs in all. */
static const double slow_seconds = 1.0;

/* Tori with rings = 2 * segments: 2 * rings * segments = 4 * segments^2 triangles. */
static const int triangle_counts[] = {16384, 262144, 1048576};
static const int sizes[] = {256, 512, 1024, 2048};
static const int sample_counts[] = {BV_SAMPLES_AUTO, 1, 2, 4}; /* AUTO, then grids */
static const int thread_counts[] = {1, 2};

typedef struct bench_case {
    int triangles; /* as asked; the torus has triangles_actual */
    size_t triangles_actual;
    int size, samples, threads;
    int runs;
    double ms;     /* median per view */
    double min_ms; /* fastest run: less noisy when other work shares the cores */
} bench_case;

typedef struct bench_results {
    bench_case *cases;
    size_t count, capacity;
} bench_results;

typedef struct scene {
    bvp_mesh torus;
    int triangles; /* as asked */
} scene;

static void print_usage(FILE *stream)
{
    fprintf(stream,
            "usage: bench_render [--help] [--quick]\n"
            "       bench_render [--triangles N] [--size S] [--samples N] [--threads N]\n"
            "\n"
            "Times bv_render (colour pass, %dx%d colour grid texture, Blackman-Harris 1.5 px,\n"
            "perspective camera framing a torus) and prints, per case, the median milliseconds\n"
            "per view over enough runs to cover ~%.1f s (%d to %d), the fastest run, and\n"
            "million samples per second (width * height * samples^2 / median time). Then the\n"
            "target checks and the peak memory (ru_maxrss).\n"
            "\n"
            "  (no option)     the full table: tori of ~16k, 250k and 1M triangles, at 256,\n"
            "                  512, 1024 and 2048 pixels square, AUTO, 1x1, 2x2 and 4x4 samples,\n"
            "                  1 and 2 threads (takes minutes)\n"
            "  --quick         only 16k triangles at 256 and 512 pixels (all samples, threads)\n"
            "  --triangles N   run a single case with about N triangles (default %d)\n"
            "  --size S        ... at S x S pixels (default %d)\n"
            "  --samples N     ... with N x N samples per pixel, 1 to %d, or 0 for AUTO (default %d)\n"
            "  --threads N     ... on N threads, 0 for one per core (default %d)\n"
            "  --help          show this help and exit\n",
            texture_size, texture_size, target_seconds, min_runs, max_runs, default_triangles,
            default_size, BV_MAX_SAMPLES, default_samples, default_threads);
}

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof(double), compare_doubles);
    return count % 2 ? values[count / 2] : 0.5 * (values[count / 2 - 1] + values[count / 2]);
}

static void fail(const char *what)
{
    fprintf(stderr, "bench_render: %s\n", what);
}

/* A torus of about `triangles` triangles, rings = 2 * segments. */
static bool build_scene(int triangles, scene *r_scene)
{
    int segments = (int)lround(sqrt((double)triangles / 4.0));
    segments = segments < 3 ? 3 : segments;
    r_scene->triangles = triangles;
    const bv_status status = bvp_torus(2 * segments, segments, 1.0f, 0.4f, &r_scene->torus);
    if (status != BV_OK) {
        fprintf(stderr, "bench_render: could not build a torus of %d triangles: %s\n", triangles,
                bv_status_name(status));
        return false;
    }
    return true;
}

/* Seen from above at an angle, the torus (2.8 units across) fills about 90% of the frame. */
static bv_camera make_camera(int size)
{
    const float target[3] = {0.0f, 0.0f, 0.0f};
    bv_camera camera;
    memset(&camera, 0, sizeof(camera));
    camera.width = camera.height = size;
    bvp_orbit_camera(30.0f, 35.0f, 4.4f, target, camera.view);
    bvp_perspective(50.0f, 36.0f, size, size, 0.1f, 100.0f, camera.projection);
    return camera;
}

/* Times one case into *c; renders into `color`, sized for the case. */
static bool time_case(const scene *s, const bv_texture *texture, float *color, bench_case *c)
{
    const size_t pixel_count = (size_t)c->size * (size_t)c->size;
    const bv_mesh mesh = bvp_mesh_view(&s->torus, texture, 1);
    bv_render_desc desc;
    memset(&desc, 0, sizeof(desc)); /* Blackman-Harris 1.5 px */
    desc.camera = make_camera(c->size);
    desc.meshes = &mesh;
    desc.mesh_count = 1;
    desc.samples = c->samples;
    desc.threads = c->threads;
    bv_render_targets targets;
    memset(&targets, 0, sizeof(targets));
    targets.color = (bv_float_span){color, pixel_count * 4};

    double times[max_runs];
    int runs = 0;
    /* The warm-up touches the output pages and tells how many runs fit the time budget. */
    double start = now_seconds();
    if (bv_render(&desc, &targets) != BV_OK) {
        fail(bv_error_message());
        return false;
    }
    const double warm_up = now_seconds() - start;
    int wanted;
    if (warm_up >= slow_seconds) {
        times[runs++] = warm_up;
        wanted = min_runs;
    }
    else {
        const double fit = ceil(target_seconds / (warm_up > 1e-6 ? warm_up : 1e-6));
        wanted = fit < min_runs ? min_runs : fit > max_runs ? max_runs : (int)fit;
    }
    while (runs < wanted) {
        start = now_seconds();
        if (bv_render(&desc, &targets) != BV_OK) {
            fail(bv_error_message());
            return false;
        }
        times[runs++] = now_seconds() - start;
    }
    c->triangles = s->triangles;
    c->triangles_actual = s->torus.triangle_count;
    c->runs = runs;
    c->ms = median(times, runs) * 1e3; /* sorts times */
    c->min_ms = times[0] * 1e3;
    return true;
}

/* AUTO's coverage grid is 4 x 4: its figure counts those samples. */
static double samples_per_second(const bench_case *c)
{
    const int n = c->samples == BV_SAMPLES_AUTO ? 4 : c->samples;
    const double samples = (double)c->size * c->size * n * n;
    return samples / (c->ms * 1e-3);
}

static void print_header(void)
{
    printf("%10s %11s %8s %7s %4s %10s %10s %10s\n", "triangles", "size", "samples", "threads",
           "runs", "ms/view", "min ms", "Msamples/s");
}

static void print_case(const bench_case *c)
{
    char size[32], samples[16];
    snprintf(size, sizeof(size), "%dx%d", c->size, c->size);
    if (c->samples == BV_SAMPLES_AUTO) snprintf(samples, sizeof(samples), "AUTO");
    else snprintf(samples, sizeof(samples), "%dx%d", c->samples, c->samples);
    printf("%10zu %11s %8s %7d %4d %10.2f %10.2f %10.1f\n", c->triangles_actual, size, samples,
           c->threads, c->runs, c->ms, c->min_ms, samples_per_second(c) * 1e-6);
    fflush(stdout);
}

static bool add_result(bench_results *results, const bench_case *c)
{
    if (results->count == results->capacity) {
        const size_t capacity = results->capacity ? results->capacity * 2 : 64;
        bench_case *grown = realloc(results->cases, capacity * sizeof(*grown));
        if (grown == NULL) {
            fail("out of memory");
            return false;
        }
        results->cases = grown;
        results->capacity = capacity;
    }
    results->cases[results->count++] = *c;
    return true;
}

static const bench_case *find_case(const bench_results *results, int triangles, int size,
                                   int samples, int threads)
{
    for (size_t i = 0; i < results->count; i++) {
        const bench_case *c = &results->cases[i];
        if (c->triangles == triangles && c->size == size && c->samples == samples &&
            c->threads == threads) {
            return c;
        }
    }
    return NULL;
}

/* Runs every combination of the lists, one torus at a time. */
static bool run_table(const int *triangle_list, size_t triangle_list_count, const int *size_list,
                      size_t size_list_count, const int *samples_list, size_t samples_list_count,
                      const int *threads_list, size_t threads_list_count,
                      const bv_texture *texture, bench_results *results)
{
    int max_size = 0;
    for (size_t i = 0; i < size_list_count; i++) {
        max_size = size_list[i] > max_size ? size_list[i] : max_size;
    }
    float *color = malloc((size_t)max_size * (size_t)max_size * 4 * sizeof(float));
    if (color == NULL) {
        fail("out of memory for the output image");
        return false;
    }
    bool ok = true;
    for (size_t t = 0; t < triangle_list_count && ok; t++) {
        scene s = {{0}, 0};
        if (!build_scene(triangle_list[t], &s)) {
            ok = false;
            break;
        }
        for (size_t z = 0; z < size_list_count && ok; z++) {
            for (size_t n = 0; n < samples_list_count && ok; n++) {
                for (size_t h = 0; h < threads_list_count && ok; h++) {
                    bench_case c = {.size = size_list[z],
                                    .samples = samples_list[n],
                                    .threads = threads_list[h]};
                    ok = time_case(&s, texture, color, &c) && add_result(results, &c);
                    if (ok) {
                        print_case(&c);
                    }
                }
            }
        }
        bvp_mesh_free(&s.torus);
    }
    free(color);
    return ok;
}

/* "time xT for work xW (efficiency W/T)": 1.0 is perfectly linear, above 1 sub-linear cost. */
static void print_linearity(const char *what, const char *where, const bench_case *from,
                            const bench_case *to, double work_ratio)
{
    if (from == NULL || to == NULL || from == to) {
        printf("linearity: %s: not measured (run the full table)\n", what);
        return;
    }
    const double time_ratio = to->ms / from->ms;
    printf("linearity: %s x%.0f -> time x%.2f (%s; work ratio / time ratio %.2f)\n", what,
           work_ratio, time_ratio, where, work_ratio / time_ratio);
}

/* Medians of AUTO and of a 4 x 4 grid at 512², 16k triangles, one thread, measured alternately
 * (AUTO, grid, AUTO, ...) so that the machine's drift touches both alike; and AUTO on two threads.
 * Prints the targets. */
static bool print_auto_targets(const bv_texture *texture)
{
    enum { pairs = 9 };
    scene s = {{0}, 0};
    float *color = malloc((size_t)512 * 512 * 4 * sizeof(float));
    if (color == NULL || !build_scene(16384, &s)) {
        free(color);
        return false;
    }
    double auto_ms[pairs], grid_ms[pairs];
    bool ok = true;
    for (int i = 0; i < pairs && ok; i++) {
        bench_case a = {.size = 512, .samples = BV_SAMPLES_AUTO, .threads = 1};
        bench_case g = {.size = 512, .samples = 4, .threads = 1};
        ok = time_case(&s, texture, color, &a) && time_case(&s, texture, color, &g);
        auto_ms[i] = a.ms, grid_ms[i] = g.ms;
    }
    bench_case two = {.size = 512, .samples = BV_SAMPLES_AUTO, .threads = 2};
    ok = ok && time_case(&s, texture, color, &two);
    if (ok) {
        const double a = median(auto_ms, pairs), g = median(grid_ms, pairs);
        printf("target: AUTO (the default) at 512² 16k tris 1 thread: %.2f ms, 4x4 %.2f ms "
               "alternately: x%.2f faster (target >= 2)%s\n", a, g, g / a, g / a >= 2.0 ? "" : "  MISSED");
        printf("target: AUTO 2 threads speed-up at 512² 16k: %.2f (target >= 1.8)%s\n", a / two.ms,
               a / two.ms >= 1.8 ? "" : "  MISSED");
    }
    bvp_mesh_free(&s.torus);
    free(color);
    return ok;
}

static void print_targets(const bench_results *results, const int *size_list,
                          size_t size_list_count, const int *triangle_list,
                          size_t triangle_list_count)
{
    const bench_case *one = find_case(results, 16384, 512, 4, 1);
    const bench_case *two = find_case(results, 16384, 512, 4, 2);
    printf("\n");
    if (one != NULL) {
        printf("target: 512² 16k tris 4x4 BH 1 thread: %.2f ms (target <= 40 ms)%s\n", one->ms,
               one->ms <= 40.0 ? "" : "  MISSED");
    }
    else {
        printf("target: 512² 16k tris 4x4 BH 1 thread: not measured\n");
    }
    if (one != NULL && two != NULL) {
        const double speed_up = one->ms / two->ms;
        printf("target: 2 threads speed-up at 512² 16k 4x4: %.2f (target >= 1.7)%s\n", speed_up,
               speed_up >= 1.7 ? "" : "  MISSED");
    }
    else {
        printf("target: 2 threads speed-up at 512² 16k 4x4: not measured\n");
    }

    /* Pixels: smallest to largest size at 16k, 4x4, 1 thread. */
    const int small = size_list[0], large = size_list[size_list_count - 1];
    char where[96];
    snprintf(where, sizeof(where), "16k tris, 4x4, 1 thread, %d² -> %d²", small, large);
    print_linearity("pixels", where, find_case(results, 16384, small, 4, 1),
                    find_case(results, 16384, large, 4, 1),
                    (double)large * large / ((double)small * small));
    /* Samples: 1x1 to 4x4 at 512², 16k, 1 thread. */
    print_linearity("samples", "16k tris, 512², 1 thread, 1x1 -> 4x4",
                    find_case(results, 16384, 512, 1, 1), find_case(results, 16384, 512, 4, 1),
                    16.0);
    /* Pixels and samples together: the cheapest to the dearest image at 16k, 1 thread. */
    snprintf(where, sizeof(where), "16k tris, 1 thread, %d² 1x1 -> %d² 4x4", small, large);
    print_linearity("pixels*samples", where, find_case(results, 16384, small, 1, 1),
                    find_case(results, 16384, large, 4, 1),
                    16.0 * large * large / ((double)small * small));
    /* Triangles: fewest to most at 512², 4x4, 1 thread. */
    const bench_case *few = find_case(results, triangle_list[0], 512, 4, 1);
    const bench_case *many = find_case(results, triangle_list[triangle_list_count - 1], 512, 4, 1);
    snprintf(where, sizeof(where), "512², 4x4, 1 thread, %zu -> %zu tris",
             few ? few->triangles_actual : 0, many ? many->triangles_actual : 0);
    print_linearity("triangles", where, few, many,
                    few && many ? (double)many->triangles_actual / (double)few->triangles_actual
                                : 0.0);
}

static void print_peak_memory(void)
{
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        /* Linux reports kilobytes. */
        printf("peak memory (ru_maxrss): %.1f MiB\n", (double)usage.ru_maxrss / 1024.0);
    }
}

/* A whole decimal int within [min, max], or false. */
static bool parse_int(const char *text, int min, int max, int *r_value)
{
    char *end;
    errno = 0;
    const long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        return false;
    }
    *r_value = (int)value;
    return true;
}

int main(int argc, char **argv)
{
    bool quick = false, single = false;
    int triangles = default_triangles, size = default_size, samples = default_samples,
        threads = default_threads;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int *value = NULL;
        int min = 0, max = INT_MAX;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(stdout);
            return 0;
        }
        else if (strcmp(arg, "--quick") == 0) {
            quick = true;
            continue;
        }
        else if (strcmp(arg, "--triangles") == 0) {
            value = &triangles;
            min = 36; /* the smallest torus */
            max = 1 << 28;
        }
        else if (strcmp(arg, "--size") == 0) {
            value = &size;
            min = 1;
            max = BV_MAX_IMAGE_SIZE;
        }
        else if (strcmp(arg, "--samples") == 0) {
            value = &samples;
            min = 0;
            max = BV_MAX_SAMPLES;
        }
        else if (strcmp(arg, "--threads") == 0) {
            value = &threads;
            max = 1024;
        }
        else {
            fprintf(stderr, "bench_render: unknown argument '%s'\n\n", arg);
            print_usage(stderr);
            return 2;
        }
        if (i + 1 >= argc || !parse_int(argv[i + 1], min, max, value)) {
            fprintf(stderr, "bench_render: %s needs a whole number from %d to %d\n", arg, min,
                    max);
            return 2;
        }
        i++;
        single = true;
    }
    if (quick && single) {
        fprintf(stderr, "bench_render: --quick runs a table; it does not mix with single-case "
                        "options\n");
        return 2;
    }

    float *texture_pixels = NULL;
    bv_texture *texture = NULL;
    bench_results results = {NULL, 0, 0};
    bv_texture_desc texture_desc;
    int exit_code = 1;
    const bv_status texture_status =
        bvp_grid_texture(texture_size, texture_size, 16, &texture_pixels);
    if (texture_status != BV_OK) {
        fprintf(stderr, "bench_render: could not make the texture: %s\n",
                bv_status_name(texture_status));
        goto cleanup;
    }
    texture_desc = (bv_texture_desc){
        .pixels = {texture_pixels, (size_t)texture_size * texture_size * 4},
        .width = texture_size,
        .height = texture_size,
        .mipmaps = true, /* AUTO minifies on the chain; grids do not read it */
    };
    if (bv_texture_create(&texture_desc, &texture) != BV_OK) {
        fail(bv_error_message());
        goto cleanup;
    }

    /* Two-thread figures mean little when other work shares few cores: say how many. */
    printf("bench_render: bakeview %s, colour pass, Blackman-Harris %.1f px, %dx%d texture, "
           "%ld CPUs online\n",
           BV_VERSION_STRING, BV_DEFAULT_FILTER_WIDTH, texture_size, texture_size,
           sysconf(_SC_NPROCESSORS_ONLN));
    print_header();
    bool ok;
    if (single) {
        ok = run_table(&triangles, 1, &size, 1, &samples, 1, &threads, 1, texture, &results);
    }
    else if (quick) {
        static const int quick_sizes[] = {256, 512};
        ok = run_table(triangle_counts, 1, quick_sizes, 2, sample_counts, 4, thread_counts, 2,
                       texture, &results);
        if (ok) {
            print_targets(&results, quick_sizes, 2, triangle_counts, 1);
            ok = print_auto_targets(texture);
        }
    }
    else {
        ok = run_table(triangle_counts, 3, sizes, 4, sample_counts, 4, thread_counts, 2, texture,
                       &results);
        if (ok) {
            print_targets(&results, sizes, 4, triangle_counts, 3);
            ok = print_auto_targets(texture);
        }
    }
    if (ok) {
        print_peak_memory();
        exit_code = 0;
    }

cleanup:
    free(results.cases);
    bv_texture_destroy(texture);
    free(texture_pixels);
    return exit_code;
}
