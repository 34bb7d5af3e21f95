/* Shared helpers for the C tests: a deterministic random generator, Blender-style cameras built
 * by hand (row-major float[16], m[row * 4 + col], column vectors), small meshes, textures and
 * render target buffers. Everything is static inline so each test file takes what it uses. */
#ifndef BV_TEST_SCENE_H
#define BV_TEST_SCENE_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bakeview/bakeview.h>

#ifndef M_PI /* not in strict C11's math.h */
#define M_PI 3.14159265358979323846
#endif

/* --- random numbers (splitmix64: the same sequence on every platform) --- */

typedef struct rng {
    uint64_t state;
} rng;

static inline uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

static inline double rng_range(rng *r, double lo, double hi) { return lo + (hi - lo) * rng_unit(r); }

/* Uniform integer in [lo, hi]. */
static inline int rng_int(rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* --- matrices: row-major float[16], m[row * 4 + col] --- */

static inline void mat_identity(float m[16])
{
    memset(m, 0, 16 * sizeof(float));
    m[0] = m[5] = m[10] = m[15] = 1.0f;
}

/* Applies row-major m to the point (x, y, z, 1). */
static inline void mat_apply(const float m[16], const double p[3], double r[4])
{
    for (int i = 0; i < 4; i++)
        r[i] = m[4 * i] * p[0] + m[4 * i + 1] * p[1] + m[4 * i + 2] * p[2] + m[4 * i + 3];
}

/* Orthographic projection as Blender's calc_matrix_camera for sensor fit Auto: ortho_scale spans
 * the larger of width and height. */
static inline void camera_orthographic(float ortho_scale, int width, int height, float clip_start,
                                       float clip_end, float r[16])
{
    const double half_x = width >= height ? ortho_scale * 0.5 : ortho_scale * 0.5 * width / height;
    const double half_y = width >= height ? ortho_scale * 0.5 * height / width : ortho_scale * 0.5;
    memset(r, 0, 16 * sizeof(float));
    r[0] = (float)(1.0 / half_x);
    r[5] = (float)(1.0 / half_y);
    r[10] = (float)(-2.0 / ((double)clip_end - clip_start));
    r[11] = (float)(-((double)clip_end + clip_start) / ((double)clip_end - clip_start));
    r[15] = 1.0f;
}

/* Perspective projection as Blender's calc_matrix_camera for a lens of lens_mm on a sensor of
 * sensor_mm that spans the larger of width and height (sensor fit Auto, no shift). */
static inline void camera_perspective(float lens_mm, float sensor_mm, int width, int height,
                                      float clip_start, float clip_end, float r[16])
{
    const double focal = 2.0 * lens_mm / sensor_mm; /* x_ndc = focal * x / -z for the long side */
    const double sx = width >= height ? focal : focal * height / width;
    const double sy = width >= height ? focal * width / height : focal;
    const double n = clip_start, f = clip_end;
    memset(r, 0, 16 * sizeof(float));
    r[0] = (float)sx;
    r[5] = (float)sy;
    r[10] = (float)(-(f + n) / (f - n));
    r[11] = (float)(-2.0 * f * n / (f - n));
    r[14] = -1.0f;
}

/* World -> camera for a camera at `eye` looking at `target`, its +Y leaning towards `up`
 * (camera.matrix_world.inverted()). Also returns the camera axes in world space. */
static inline void camera_look_at(const double eye[3], const double target[3], const double up[3],
                                  float r_view[16], double r_axes[3][3])
{
    double z[3] = {eye[0] - target[0], eye[1] - target[1], eye[2] - target[2]}; /* camera +Z */
    double len = sqrt(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    for (int k = 0; k < 3; k++) z[k] /= len;
    double x[3] = {up[1] * z[2] - up[2] * z[1], up[2] * z[0] - up[0] * z[2], up[0] * z[1] - up[1] * z[0]};
    len = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    for (int k = 0; k < 3; k++) x[k] /= len;
    const double y[3] = {z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]};
    const double *axes[3] = {x, y, z};
    memset(r_view, 0, 16 * sizeof(float));
    for (int row = 0; row < 3; row++) {
        double t = 0.0;
        for (int k = 0; k < 3; k++) {
            r_view[4 * row + k] = (float)axes[row][k];
            t -= axes[row][k] * eye[k];
            if (r_axes) r_axes[row][k] = axes[row][k];
        }
        r_view[4 * row + 3] = (float)t;
    }
    r_view[15] = 1.0f;
}

/* --- meshes --- */

/* A quad (two triangles, counter-clockwise seen from +Z when x0 < x1, y0 < y1) in the plane
 * z = z, UVs from (u0, v0) at (x0, y0) to (u1, v1) at (x1, y1). Storage is owned by the struct. */
typedef struct quad_mesh {
    float positions[12];
    uint32_t triangles[6];
    float uvs[12];
    float normals[18];
} quad_mesh;

static inline void quad_init(quad_mesh *q, float x0, float y0, float x1, float y1, float z, float u0,
                             float v0, float u1, float v1)
{
    const float p[12] = {x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z};
    const uint32_t t[6] = {0, 1, 2, 0, 2, 3};
    const float uv[4][2] = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}};
    memcpy(q->positions, p, sizeof p);
    memcpy(q->triangles, t, sizeof t);
    for (int i = 0; i < 6; i++) {
        q->uvs[2 * i] = uv[t[i]][0];
        q->uvs[2 * i + 1] = uv[t[i]][1];
    }
    memset(q->normals, 0, sizeof q->normals);
}

/* A bv_mesh over a quad_mesh (flat normals, identity matrix_world). */
static inline bv_mesh quad_view(const quad_mesh *q, const bv_texture *texture, uint32_t object_id)
{
    bv_mesh m;
    memset(&m, 0, sizeof m);
    m.positions = (bv_floats){q->positions, 12};
    m.triangles = (bv_uints){q->triangles, 6};
    m.uvs = (bv_floats){q->uvs, 12};
    m.texture = texture;
    m.object_id = object_id;
    return m;
}

/* A 1x1 texture of one colour (the caller keeps `pixels` alive). */
static inline bv_texture *texture_solid(float pixels[4])
{
    bv_texture_desc d;
    memset(&d, 0, sizeof d);
    d.pixels = (bv_floats){pixels, 4};
    d.width = d.height = 1;
    bv_texture *t = NULL;
    if (bv_texture_create(&d, &t) != BV_OK) return NULL;
    return t;
}

/* --- render targets: all six passes, owned --- */

typedef struct all_passes {
    float *color, *alpha, *depth, *normal, *uv, *object_id;
    int width, height;
} all_passes;

static inline void passes_alloc(all_passes *p, int width, int height)
{
    const size_t n = (size_t)width * (size_t)height;
    p->width = width;
    p->height = height;
    p->color = malloc(n * 4 * sizeof(float));
    p->alpha = malloc(n * sizeof(float));
    p->depth = malloc(n * sizeof(float));
    p->normal = malloc(n * 3 * sizeof(float));
    p->uv = malloc(n * 2 * sizeof(float));
    p->object_id = malloc(n * sizeof(float));
}

static inline void passes_free(all_passes *p)
{
    free(p->color);
    free(p->alpha);
    free(p->depth);
    free(p->normal);
    free(p->uv);
    free(p->object_id);
    memset(p, 0, sizeof *p);
}

static inline bv_render_targets passes_targets(const all_passes *p)
{
    const size_t n = (size_t)p->width * (size_t)p->height;
    bv_render_targets t;
    t.color = (bv_float_span){p->color, n * 4};
    t.alpha = (bv_float_span){p->alpha, n};
    t.depth = (bv_float_span){p->depth, n};
    t.normal = (bv_float_span){p->normal, n * 3};
    t.uv = (bv_float_span){p->uv, n * 2};
    t.object_id = (bv_float_span){p->object_id, n};
    return t;
}

/* A render description with zeroed defaults over a camera. */
static inline bv_render_desc desc_for(const float view[16], const float projection[16], int width,
                                      int height, const bv_mesh *meshes, size_t mesh_count)
{
    bv_render_desc d;
    memset(&d, 0, sizeof d);
    memcpy(d.camera.view, view, sizeof d.camera.view);
    memcpy(d.camera.projection, projection, sizeof d.camera.projection);
    d.camera.width = width;
    d.camera.height = height;
    d.meshes = meshes;
    d.mesh_count = mesh_count;
    d.threads = 2;
    return d;
}

/* Screen position (pixels, y up) of the centre of pixel (x, y) in NDC. */
static inline double ndc_of_pixel(int i, int size) { return 2.0 * (i + 0.5) / size - 1.0; }

#endif
