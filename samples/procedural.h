/* Procedural sample content made in code: meshes, textures and Blender-like cameras.
 * Shared by the sample program, the benchmarks and the tests; not part of the core library.
 *
 * Names start with bvp_. Nothing here does I/O or prints: failures are statuses only (the core's
 * message setter is internal, so bv_error_message() does not describe bvp_ failures). */
#ifndef BAKEVIEW_PROCEDURAL_H
#define BAKEVIEW_PROCEDURAL_H

#include <stddef.h>
#include <stdint.h>

#include <bakeview/bakeview.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A mesh in bv_mesh's layout that owns its arrays. */
typedef struct bvp_mesh {
    float *positions;    /* 3 per vertex */
    size_t vertex_count;
    uint32_t *triangles; /* 3 per triangle */
    float *uvs;          /* 6 per triangle */
    float *normals;      /* 9 per triangle (smooth corner normals) */
    size_t triangle_count;
} bvp_mesh;

/* Frees the arrays and zeroes the struct; NULL and zeroed meshes are fine. */
void bvp_mesh_free(bvp_mesh *mesh);

/* A borrowed bv_mesh over `mesh` (identity matrix_world). */
bv_mesh bvp_mesh_view(const bvp_mesh *mesh, const bv_texture *texture, uint32_t object_id);

/* A torus around the world Z axis, centred at the origin, as Blender's torus primitive lies.
 * `rings` quads go around the major circle (u = 0..1 counter-clockwise seen from +Z), `segments`
 * around the tube (v = 0..1, starting on the outer equator and going up first). The seam rows and
 * columns of vertices are duplicated (same positions, bit for bit) so UVs run continuously to 1.
 * 2 * rings * segments triangles, counter-clockwise seen from outside, smooth corner normals.
 * rings, segments >= 3; radii finite and > 0 (a minor radius above the major one self-intersects
 * but is allowed). On failure *r_mesh is zeroed. */
bv_status bvp_torus(int rings, int segments, float major_radius, float minor_radius,
                    bvp_mesh *r_mesh);

/* A UV sphere centred at the origin, poles on Z: `rings` bands of latitude from the south pole
 * (v = 0) to the north pole (v = 1), `segments` of longitude (u = 0..1 counter-clockwise seen
 * from +Z, starting on +X). Pole and seam vertices are duplicated per column; a pole corner takes
 * u at the middle of its column. 2 * segments * (rings - 1) triangles (one per pole quad),
 * counter-clockwise seen from outside, smooth corner normals. rings, segments >= 3; radius finite
 * and > 0. On failure *r_mesh is zeroed. */
bv_status bvp_uv_sphere(int rings, int segments, float radius, bvp_mesh *r_mesh);

/* A colour grid texture: cells x cells cells, each its own hue, brighter and darker cells in a
 * checker, separated by thin dark lines, with a white dot in the bottom-left cell (u, v near 0)
 * to show orientation. Float RGBA, linear, alpha 1, row 0 at the bottom (Blender's
 * Image.pixels). width, height >= 1, 1 <= cells <= min(width, height). The caller frees
 * *r_pixels with free(); on failure it is NULL. */
bv_status bvp_grid_texture(int width, int height, int cells, float **r_pixels);

/* Cameras as Blender computes them. Matrices are row-major float[16], m[row * 4 + col], for
 * column vectors (bv_camera's layout).
 *
 * World -> camera for a camera at `eye` whose -Z axis points at `target` and whose +Y axis leans
 * towards `up`: Blender's camera.matrix_world.inverted(). eye must differ from target; when up
 * is parallel to the view direction, world Y (or X) stands in for it. */
void bvp_look_at(const float eye[3], const float target[3], const float up[3], float r_view[16]);

/* camera.calc_matrix_camera(depsgraph, x=width, y=height) for a perspective camera with focal
 * length lens_mm, sensor width sensor_mm, sensor fit Auto (the sensor spans the larger of width
 * and height), no shift, pixel aspect 1. lens_mm, sensor_mm, width, height > 0 and
 * 0 < clip_start < clip_end. */
void bvp_perspective(float lens_mm, float sensor_mm, int width, int height, float clip_start,
                     float clip_end, float r_projection[16]);

/* The same for an orthographic camera: ortho_scale world units span the larger of width and
 * height. clip_start != clip_end (Blender allows a negative clip_start for ortho). */
void bvp_orthographic(float ortho_scale, int width, int height, float clip_start, float clip_end,
                      float r_projection[16]);

/* A view from a point on the sphere of radius `distance` around `target`, looking at it, with
 * world +Z up (Blender's convention). Azimuth 0 puts the camera on the -Y side (Blender's front
 * view), 90 on the +X side (right view); elevation 90 looks straight down (top view, +Y up on
 * screen), negative elevations look from below. distance > 0. */
void bvp_orbit_camera(float azimuth_deg, float elevation_deg, float distance,
                      const float target[3], float r_view[16]);

#ifdef __cplusplus
}
#endif
#endif
