/* bench_lit: the cost of lighting a view in the core. The case of the target: a 512 x 512
 * view of a 16k-triangle torus with a 1024 x 1024 base-colour texture and material channels, a
 * sun with shadows and a uniform world, 4 x 4 samples, one thread, against the same view unlit
 * (bench_render's case). Variants are timed in turns within one process (the machine's noise
 * hits each alike) and medians reported; then the shadow-map memory and its limit. */
#define _XOPEN_SOURCE 700 /* clock_gettime */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bakeview/bakeview.h>

#include "procedural.h"

enum { size = 512, texture_size = 1024, rounds = 9, samples = 4 };

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

typedef struct variant {
    const char *name;
    const bv_lighting *lighting;
    double times[rounds];
} variant;

int main(void)
{
    int exit_code = 1;
    float *grid = NULL, *color = malloc((size_t)size * size * 4 * sizeof(float));
    bvp_mesh torus = {0};
    bv_texture *base = NULL, *channel = NULL;
    if (!color || bvp_grid_texture(texture_size, texture_size, 16, &grid) != BV_OK ||
        bvp_torus(128, 64, 1.0f, 0.4f, &torus) != BV_OK) {
        fprintf(stderr, "bench_lit: could not build the scene\n");
        goto cleanup;
    }
    const bv_texture_desc texture_desc = {
        .pixels = {grid, (size_t)texture_size * texture_size * 4},
        .width = texture_size,
        .height = texture_size,
    };
    /* the packed channels (metallic, roughness, specular, occlusion) read the grid's RGBA: 1024^2,
       as a MATERIAL bake packs them */
    bv_texture_desc channels_desc = texture_desc;
    channels_desc.alpha = BV_TEXTURE_ALPHA_CHANNEL_PACKED;
    if (bv_texture_create(&texture_desc, &base) != BV_OK ||
        bv_texture_create(&channels_desc, &channel) != BV_OK) {
        fprintf(stderr, "bench_lit: %s\n", bv_error_message());
        goto cleanup;
    }
    const bv_material material = {.channels = channel};
    bv_mesh mesh = bvp_mesh_view(&torus, base, 1);
    mesh.material = &material;
    const bv_light sun = {.type = BV_LIGHT_SUN,
                          .color = {3.0f, 3.0f, 3.0f},
                          .direction = {-0.4f, 0.3f, -0.866f},
                          .angle = 0.05f,
                          .shadow = true};
    bv_light sun_unshadowed = sun;
    sun_unshadowed.shadow = false;
    const bv_lighting lit = {.lights = &sun, .light_count = 1, .world = {.color = {0.1f, 0.1f, 0.1f}}};
    bv_lighting lit_samples = lit;
    lit_samples.shading_rate = BV_SHADING_SAMPLE;
    bv_lighting no_shadow = lit;
    no_shadow.lights = &sun_unshadowed;
    bv_lighting large_map = lit; /* two texels a pixel: the earlier automatic size */
    large_map.shadow_map_size = 2 * size;

    bv_render_desc desc;
    memset(&desc, 0, sizeof desc); /* Blackman-Harris 1.5 px */
    desc.camera.width = desc.camera.height = size;
    const float target[3] = {0.0f, 0.0f, 0.0f};
    bvp_orbit_camera(30.0f, 35.0f, 4.4f, target, desc.camera.view);
    bvp_perspective(50.0f, 36.0f, size, size, 0.1f, 100.0f, desc.camera.projection);
    desc.meshes = &mesh;
    desc.mesh_count = 1;
    desc.samples = samples;
    desc.threads = 1;
    bv_render_targets targets;
    memset(&targets, 0, sizeof targets);
    targets.color = (bv_float_span){color, (size_t)size * size * 4};

    variant variants[] = {
        {"unlit (bench_render's case)", NULL, {0}},
        {"lit: sun + shadows + world, per pixel", &lit, {0}},
        {"lit: sun + world, no shadows, per pixel", &no_shadow, {0}},
        {"lit: sun + shadows + world, per sample", &lit_samples, {0}},
        {"lit: as the target, 1024 x 1024 shadow map", &large_map, {0}},
    };
    const int count = (int)(sizeof variants / sizeof *variants);
    printf("bench_lit: bakeview %s, %dx%d, %zu triangles, %dx%d samples, 1 thread, %d rounds\n",
           BV_VERSION_STRING, size, size, torus.triangle_count, samples, samples, rounds);
    for (int round = -1; round < rounds; round++) /* round -1 warms up */
        for (int v = 0; v < count; v++) {
            desc.lighting = variants[v].lighting;
            const double start = now_seconds();
            if (bv_render(&desc, &targets) != BV_OK) {
                fprintf(stderr, "bench_lit: %s\n", bv_error_message());
                goto cleanup;
            }
            if (round >= 0) variants[v].times[round] = now_seconds() - start;
        }
    double ms[8];
    for (int v = 0; v < count; v++) {
        ms[v] = median(variants[v].times, rounds) * 1e3;
        printf("%-42s %8.2f ms  (x%.2f unlit)\n", variants[v].name, ms[v], ms[v] / ms[0]);
    }
    printf("target: lit 512² 16k tris sun + world with shadows, 4x4, 1 thread: x%.2f the unlit "
           "time (target <= 2)%s\n", ms[1] / ms[0], ms[1] / ms[0] <= 2.0 ? "" : "  MISSED");

    size_t bytes = 0;
    if (bv_lighting_shadow_bytes(&lit, size, size, &bytes) != BV_OK) {
        fprintf(stderr, "bench_lit: %s\n", bv_error_message());
        goto cleanup;
    }
    printf("shadow maps: %.1f MiB for one sun at the default (automatic) size and limit\n",
           (double)bytes / (1024.0 * 1024.0));
    bv_lighting limited = lit;
    limited.shadow_memory_limit = 1u << 20;
    if (bv_lighting_shadow_bytes(&limited, size, size, &bytes) != BV_OK) {
        fprintf(stderr, "bench_lit: %s\n", bv_error_message());
        goto cleanup;
    }
    printf("shadow maps: %.2f MiB with shadow_memory_limit = 1 MiB\n", (double)bytes / (1024.0 * 1024.0));
    exit_code = 0;
cleanup:
    bv_texture_destroy(base);
    bv_texture_destroy(channel);
    bvp_mesh_free(&torus);
    free(grid);
    free(color);
    return exit_code;
}
