/* render_sample: renders a procedural textured torus (with a sphere in its hole) from several
 * Blender-like cameras and writes the passes as PNG files. The main job until the add-on exists.
 *
 * Usage: render_sample [OUTPUT_DIR]   (default out/sample) */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <bakeview/bakeview.h>

#include "procedural.h"

static const char *const default_output_dir = "out/sample";

enum { torus_object_id = 1, sphere_object_id = 2 };

typedef struct view_spec {
    const char *name;
    bool orthographic;
    float azimuth_deg, elevation_deg, distance;
    float lens_mm;     /* perspective */
    float ortho_scale; /* orthographic */
    int width, height;
    bool data_passes; /* also write depth, normal and object id */
} view_spec;

/* The torus spans 2.8 units; 50 mm on a 36 mm sensor sees 0.72 units per unit of distance. */
static const view_spec views[] = {
    {"persp_front", false, 30.0f, 30.0f, 5.0f, 50.0f, 0.0f, 512, 512, true},
    {"persp_side", false, 120.0f, 15.0f, 5.0f, 50.0f, 0.0f, 512, 512, false},
    {"persp_high", false, 220.0f, 65.0f, 5.0f, 50.0f, 0.0f, 512, 512, false},
    {"persp_below", false, 300.0f, -30.0f, 5.0f, 50.0f, 0.0f, 512, 512, false},
    {"ortho_iso", true, 45.0f, 35.264f, 10.0f, 0.0f, 3.4f, 512, 512, false},
    {"persp_wide", false, 60.0f, 20.0f, 5.0f, 50.0f, 0.0f, 640, 360, false},
};
enum { view_count = sizeof(views) / sizeof(views[0]) };

static void print_usage(FILE *stream)
{
    fprintf(stream,
            "usage: render_sample [--help] [OUTPUT_DIR]\n"
            "\n"
            "Renders a procedural colour-grid-textured torus, with a UV sphere in its hole, from\n"
            "%d Blender-like cameras (4 perspective orbit views, 1 orthographic, 1 at 640x360)\n"
            "with bakeview's default settings (4x4 samples per pixel, Blackman-Harris 1.5 px),\n"
            "and writes each colour pass as an sRGB PNG, plus the depth (normalised to [0, 1]),\n"
            "normal (n * 0.5 + 0.5) and object id passes of the first view.\n"
            "\n"
            "  OUTPUT_DIR  where the PNG files go, created if missing (default %s)\n"
            "  --help      show this help and exit\n",
            (int)view_count, default_output_dir);
}

/* mkdir -p: creates every missing component of `path`. */
static bool make_directories(const char *path)
{
    char *partial = malloc(strlen(path) + 1);
    if (partial == NULL) {
        errno = ENOMEM;
        return false;
    }
    strcpy(partial, path);
    bool ok = true;
    for (char *cursor = partial + 1; ok; cursor++) {
        const bool at_end = *cursor == '\0';
        if (at_end || *cursor == '/') {
            *cursor = '\0';
            struct stat info;
            if (mkdir(partial, 0777) != 0 &&
                !(errno == EEXIST && stat(partial, &info) == 0 && S_ISDIR(info.st_mode))) {
                if (errno == EEXIST) {
                    errno = ENOTDIR;
                }
                ok = false;
            }
            if (at_end) {
                break;
            }
            *cursor = '/';
        }
    }
    free(partial);
    return ok;
}

static bv_camera make_camera(const view_spec *view)
{
    const float target[3] = {0.0f, 0.0f, 0.0f};
    bv_camera camera;
    memset(&camera, 0, sizeof(camera));
    camera.width = view->width;
    camera.height = view->height;
    bvp_orbit_camera(view->azimuth_deg, view->elevation_deg, view->distance, target, camera.view);
    if (view->orthographic) {
        bvp_orthographic(view->ortho_scale, view->width, view->height, 0.1f, 100.0f,
                         camera.projection);
    }
    else {
        bvp_perspective(view->lens_mm, 36.0f, view->width, view->height, 0.1f, 100.0f,
                        camera.projection);
    }
    return camera;
}

static bv_status write_png(const char *path, const float *pixels, int width, int height,
                           int channels, bv_color_encoding encoding)
{
    const bv_png_desc desc = {
        .path = path,
        .pixels = {pixels, (size_t)width * (size_t)height * (size_t)channels},
        .width = width,
        .height = height,
        .channels = channels,
        .encoding = encoding,
    };
    bv_status status = bv_png_write(&desc);
    if (status == BV_OK) {
        printf("%s\n", path);
    }
    return status;
}

/* Depth for display: nearest surface 0, farthest 1, empty pixels 1. */
static void normalise_depth(float *depth, size_t count)
{
    float nearest = BV_DEPTH_EMPTY, farthest = 0.0f;
    for (size_t i = 0; i < count; i++) {
        if (depth[i] < BV_DEPTH_EMPTY) {
            nearest = depth[i] < nearest ? depth[i] : nearest;
            farthest = depth[i] > farthest ? depth[i] : farthest;
        }
    }
    const float range = farthest > nearest ? farthest - nearest : 1.0f;
    for (size_t i = 0; i < count; i++) {
        depth[i] = depth[i] < BV_DEPTH_EMPTY ? (depth[i] - nearest) / range : 1.0f;
    }
}

/* Normals to n * 0.5 + 0.5; empty pixels (id pass empty) stay black. */
static void encode_normals(float *normal, const float *object_id, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        for (int c = 0; c < 3; c++) {
            float *value = &normal[i * 3 + c];
            *value = object_id[i] == BV_OBJECT_ID_EMPTY ? 0.0f : *value * 0.5f + 0.5f;
        }
    }
}

/* Object ids to grey levels: empty 0, ids up to max_id spread over (0, 1]. */
static void encode_object_ids(float *object_id, size_t count, float max_id)
{
    for (size_t i = 0; i < count; i++) {
        object_id[i] = object_id[i] == BV_OBJECT_ID_EMPTY ? 0.0f : object_id[i] / max_id;
    }
}

/* A file name in the output directory; the caller frees it. */
static char *join_path(const char *dir, const char *name, const char *suffix)
{
    const size_t length = strlen(dir) + 1 + strlen(name) + strlen(suffix) + 1;
    char *path = malloc(length);
    if (path != NULL) {
        snprintf(path, length, "%s/%s%s", dir, name, suffix);
    }
    return path;
}

/* Renders one view and writes its files. Reports the failure itself. */
static bool render_view(const view_spec *view, const bv_mesh *meshes, size_t mesh_count,
                        const char *output_dir, int *file_count)
{
    const size_t pixel_count = (size_t)view->width * (size_t)view->height;
    float *color = malloc(pixel_count * 4 * sizeof(float));
    float *depth = NULL, *normal = NULL, *object_id = NULL;
    char *path = NULL;
    bool ok = false;
    if (color == NULL) {
        goto out_of_memory;
    }
    if (view->data_passes) {
        depth = malloc(pixel_count * sizeof(float));
        normal = malloc(pixel_count * 3 * sizeof(float));
        object_id = malloc(pixel_count * sizeof(float));
        if (depth == NULL || normal == NULL || object_id == NULL) {
            goto out_of_memory;
        }
    }

    bv_render_desc desc;
    memset(&desc, 0, sizeof(desc)); /* defaults: 4x4 samples, Blackman-Harris 1.5 px */
    desc.camera = make_camera(view);
    desc.meshes = meshes;
    desc.mesh_count = mesh_count;
    bv_render_targets targets;
    memset(&targets, 0, sizeof(targets));
    targets.color = (bv_float_span){color, pixel_count * 4};
    if (view->data_passes) {
        targets.depth = (bv_float_span){depth, pixel_count};
        targets.normal = (bv_float_span){normal, pixel_count * 3};
        targets.object_id = (bv_float_span){object_id, pixel_count};
    }
    if (bv_render(&desc, &targets) != BV_OK) {
        goto failed;
    }

    if ((path = join_path(output_dir, view->name, "_color.png")) == NULL) {
        goto out_of_memory;
    }
    if (write_png(path, color, view->width, view->height, 4, BV_ENCODING_SRGB) != BV_OK) {
        goto failed;
    }
    (*file_count)++;

    if (view->data_passes) {
        normalise_depth(depth, pixel_count);
        encode_normals(normal, object_id, pixel_count);
        encode_object_ids(object_id, pixel_count, (float)sphere_object_id);
        const struct {
            const char *suffix;
            const float *pixels;
            int channels;
        } passes[] = {
            {"_depth.png", depth, 1},
            {"_normal.png", normal, 3},
            {"_object_id.png", object_id, 1},
        };
        for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
            free(path);
            if ((path = join_path(output_dir, view->name, passes[i].suffix)) == NULL) {
                goto out_of_memory;
            }
            if (write_png(path, passes[i].pixels, view->width, view->height, passes[i].channels,
                          BV_ENCODING_LINEAR) != BV_OK) {
                goto failed;
            }
            (*file_count)++;
        }
    }
    ok = true;
    goto done;

out_of_memory:
    fprintf(stderr, "render_sample: out of memory for the view '%s'\n", view->name);
    goto done;
failed:
    fprintf(stderr, "render_sample: %s\n", bv_error_message());
done:
    free(path);
    free(object_id);
    free(normal);
    free(depth);
    free(color);
    return ok;
}

/* bvp_ functions return a status without a message: name the step instead. */
static bool check_procedural(bv_status status, const char *what)
{
    if (status != BV_OK) {
        fprintf(stderr, "render_sample: could not build the %s: %s\n", what,
                bv_status_name(status));
        return false;
    }
    return true;
}

static bool render_all_views(const bvp_mesh *torus, const bvp_mesh *sphere,
                             const bv_texture *texture, const char *output_dir)
{
    const bv_mesh meshes[2] = {
        bvp_mesh_view(torus, texture, torus_object_id),
        bvp_mesh_view(sphere, texture, sphere_object_id),
    };
    int file_count = 0;
    for (size_t i = 0; i < view_count; i++) {
        if (!render_view(&views[i], meshes, 2, output_dir, &file_count)) {
            return false;
        }
    }
    printf("render_sample: wrote %d PNG files to %s/\n", file_count, output_dir);
    return true;
}

int main(int argc, char **argv)
{
    const char *output_dir = default_output_dir;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_usage(stdout);
            return 0;
        }
    }
    const bool bad_dir = argc == 2 && (argv[1][0] == '\0' || (argv[1][0] == '-' && argv[1][1]));
    if (argc > 2 || bad_dir) {
        print_usage(stderr);
        return 2;
    }
    if (argc == 2) {
        output_dir = argv[1];
    }

    if (!make_directories(output_dir)) {
        fprintf(stderr, "render_sample: cannot create the directory '%s': %s\n", output_dir,
                strerror(errno));
        return 1;
    }

    int exit_code = 1;
    bvp_mesh torus = {0}, sphere = {0};
    float *texture_pixels = NULL;
    bv_texture *texture = NULL;
    enum { texture_size = 512 };
    bv_texture_desc texture_desc;
    if (!check_procedural(bvp_torus(96, 48, 1.0f, 0.4f, &torus), "torus") ||
        !check_procedural(bvp_uv_sphere(24, 48, 0.45f, &sphere), "sphere") ||
        !check_procedural(bvp_grid_texture(texture_size, texture_size, 8, &texture_pixels),
                          "texture")) {
        goto cleanup;
    }
    texture_desc = (bv_texture_desc){
        .pixels = {texture_pixels, (size_t)texture_size * texture_size * 4},
        .width = texture_size,
        .height = texture_size,
    };
    if (bv_texture_create(&texture_desc, &texture) != BV_OK) {
        fprintf(stderr, "render_sample: %s\n", bv_error_message());
        goto cleanup;
    }
    if (render_all_views(&torus, &sphere, texture, output_dir)) {
        exit_code = 0;
    }

cleanup:
    bv_texture_destroy(texture);
    free(texture_pixels);
    bvp_mesh_free(&sphere);
    bvp_mesh_free(&torus);
    return exit_code;
}
