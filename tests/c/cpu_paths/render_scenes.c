/* Renders a set of views and writes every pass's floats to the file named by argv[1]. Built twice
 * (tests/CMakeLists.txt): against the library and against its single-code-path twin; the test
 * compares the two files byte for byte, since a tile's AVX2 and plain x86-64 code must give the
 * same image (render_internal.h, BV__TILE_CLONES). Views: a textured torus from above and at a
 * grazing angle, by AUTO sampling, a 4 x 4 grid and trilinear mip-mapped taps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/render.h>

#include "procedural.h"

#define SIZE 160

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: render_scenes OUTPUT\n");
        return 2;
    }
    bvp_mesh torus;
    float *pixels = NULL;
    bv_texture *texture = NULL;
    if (bvp_torus(96, 48, 1.0f, 0.4f, &torus) != BV_OK || bvp_grid_texture(256, 256, 16, &pixels) != BV_OK)
        return 1;
    const bv_texture_desc td = {.pixels = {pixels, 256 * 256 * 4}, .width = 256, .height = 256, .mipmaps = true};
    if (bv_texture_create(&td, &texture) != BV_OK) return 1;
    const bv_mesh mesh = bvp_mesh_view(&torus, texture, 1);
    FILE *out = fopen(argv[1], "wb");
    if (!out) return 1;
    static float color[SIZE * SIZE * 4], alpha[SIZE * SIZE], depth[SIZE * SIZE], uv[SIZE * SIZE * 2];
    const float elevations[] = {35.0f, 4.0f};
    const struct { int samples; bool mipmaps; } modes[] = {{BV_SAMPLES_AUTO, false}, {4, false}, {3, true}};
    int status = 0;
    for (size_t e = 0; e < sizeof elevations / sizeof elevations[0]; e++)
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            bv_render_desc d;
            memset(&d, 0, sizeof d);
            const float target[3] = {0.0f, 0.0f, 0.0f};
            d.camera.width = d.camera.height = SIZE;
            bvp_orbit_camera(30.0f, elevations[e], 3.4f, target, d.camera.view);
            bvp_perspective(50.0f, 36.0f, SIZE, SIZE, 0.1f, 100.0f, d.camera.projection);
            d.meshes = &mesh;
            d.mesh_count = 1;
            d.samples = modes[m].samples;
            d.mipmaps = modes[m].mipmaps;
            d.threads = 2;
            bv_render_targets t;
            memset(&t, 0, sizeof t);
            t.color = (bv_float_span){color, SIZE * SIZE * 4};
            t.alpha = (bv_float_span){alpha, SIZE * SIZE};
            t.depth = (bv_float_span){depth, SIZE * SIZE};
            t.uv = (bv_float_span){uv, SIZE * SIZE * 2};
            if (bv_render(&d, &t) != BV_OK) {
                fprintf(stderr, "render_scenes: %s\n", bv_error_message());
                status = 1;
                continue;
            }
            fwrite(color, sizeof color, 1, out);
            fwrite(alpha, sizeof alpha, 1, out);
            fwrite(depth, sizeof depth, 1, out);
            fwrite(uv, sizeof uv, 1, out);
        }
    fclose(out);
    bv_texture_destroy(texture);
    free(pixels);
    bvp_mesh_free(&torus);
    return status;
}
