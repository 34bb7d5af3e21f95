/* Benchmark: preparing the world's light from a 2048 x 1024 environment image (one thread), and
 * the per-call cost of the diffuse and glossy lookups shading makes. Prints figures with units. */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "light/environment.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    const int w = 2048, h = 1024;
    float *pixels = malloc((size_t)w * (size_t)h * 4 * sizeof(float));
    if (!pixels) return 1;
    unsigned state = 1u;
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        for (int k = 0; k < 3; k++) {
            state = state * 1664525u + 1013904223u;
            pixels[4 * i + k] = (float)(state >> 8) / 16777216.0f;
        }
        pixels[4 * i + 3] = 1.0f;
    }
    bv_texture_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.pixels = (bv_floats){pixels, (size_t)w * (size_t)h * 4};
    desc.width = w;
    desc.height = h;
    bv_texture *texture = NULL;
    if (bv_texture_create(&desc, &texture) != BV_OK) {
        fprintf(stderr, "texture: %s\n", bv_error_message());
        return 1;
    }
    bv_world world = {{1.0f, 1.0f, 1.0f}, texture};
    const int runs = 5;
    double best = 1e30;
    bv__environment *env = NULL;
    for (int r = 0; r < runs; r++) {
        bv__environment_destroy(env);
        env = NULL;
        const double t0 = now_seconds();
        if (bv__environment_create(&world, &env) != BV_OK) {
            fprintf(stderr, "environment: %s\n", bv_error_message());
            return 1;
        }
        const double t = now_seconds() - t0;
        if (t < best) best = t;
    }
    printf("environment create, 2048 x 1024 image, one thread: %.1f ms (best of %d)\n", 1e3 * best, runs);

    enum { N = 1 << 20 };
    float *dirs = malloc(3 * sizeof(float) * N);
    if (!dirs) return 1;
    for (int i = 0; i < N; i++) { /* a Fibonacci spiral */
        const double z = 1.0 - (2.0 * i + 1.0) / N, s = sqrt(1.0 - z * z), phi = 2.39996323 * i;
        dirs[3 * i] = (float)(s * cos(phi));
        dirs[3 * i + 1] = (float)(s * sin(phi));
        dirs[3 * i + 2] = (float)z;
    }
    float sum[3] = {0, 0, 0}, rgb[3];
    double t0 = now_seconds();
    for (int i = 0; i < N; i++) {
        bv__environment_diffuse(env, dirs + 3 * i, rgb);
        sum[0] += rgb[0];
    }
    const double diffuse_ns = 1e9 * (now_seconds() - t0) / N;
    t0 = now_seconds();
    for (int i = 0; i < N; i++) {
        bv__environment_specular(env, dirs + 3 * i, (float)(i & 1023) / 1023.0f, rgb);
        sum[1] += rgb[0];
    }
    const double specular_ns = 1e9 * (now_seconds() - t0) / N;
    printf("diffuse lookup: %.1f ns per call\n", diffuse_ns);
    printf("specular lookup (roughness spread 0..1): %.1f ns per call\n", specular_ns);
    printf("(checksum %g %g)\n", (double)sum[0], (double)sum[1]);
    free(dirs);
    bv__environment_destroy(env);
    bv_texture_destroy(texture);
    free(pixels);
    return 0;
}
