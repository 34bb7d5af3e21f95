/* Procedural sample content: meshes, a colour grid texture and Blender-like camera matrices. */
#include "procedural.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cglm/cglm.h>

/* M_PI is POSIX, not C11. */
static const double bvp__pi = 3.14159265358979323846;

/* ---------------------------------------------------------------------------------------------
 * Allocation */

/* malloc for count items, NULL when the byte count would overflow. */
static void *bvp__alloc_array(size_t count, size_t item_size)
{
    if (item_size != 0 && count > SIZE_MAX / item_size) {
        return NULL;
    }
    const size_t bytes = count * item_size;
    return malloc(bytes > 0 ? bytes : 1);
}

void bvp_mesh_free(bvp_mesh *mesh)
{
    if (mesh == NULL) {
        return;
    }
    free(mesh->positions);
    free(mesh->triangles);
    free(mesh->uvs);
    free(mesh->normals);
    memset(mesh, 0, sizeof(*mesh));
}

bv_mesh bvp_mesh_view(const bvp_mesh *mesh, const bv_texture *texture, uint32_t object_id)
{
    bv_mesh view;
    memset(&view, 0, sizeof(view));
    view.positions = (bv_floats){mesh->positions, mesh->vertex_count * 3};
    view.triangles = (bv_uints){mesh->triangles, mesh->triangle_count * 3};
    view.uvs = (bv_floats){mesh->uvs, mesh->triangle_count * 6};
    if (mesh->normals != NULL) {
        view.normals = (bv_floats){mesh->normals, mesh->triangle_count * 9};
    }
    for (int i = 0; i < 4; i++) {
        view.matrix_world[i * 4 + i] = 1.0f;
    }
    view.texture = texture;
    view.object_id = object_id;
    return view;
}

/* ---------------------------------------------------------------------------------------------
 * Grid meshes: a (columns + 1) x (rows + 1) lattice of vertices over the unit UV square, vertex
 * (i, j) at u = i / columns, v = j / rows. Both the torus and the sphere are such a lattice
 * wrapped onto a surface. */

typedef struct bvp__lattice {
    size_t columns, rows;
    float *vertex_normals; /* 3 per vertex, copied to the corners, then freed */
} bvp__lattice;

static uint32_t bvp__lattice_index(const bvp__lattice *lattice, size_t i, size_t j)
{
    return (uint32_t)(j * (lattice->columns + 1) + i);
}

/* Allocates the mesh arrays and the scratch normals. Counts are checked against 32-bit indices
 * (argument too large) and against size_t byte counts (out of memory). */
static bv_status bvp__lattice_alloc(bvp__lattice *lattice, size_t triangle_count, bvp_mesh *mesh)
{
    const size_t columns1 = lattice->columns + 1, rows1 = lattice->rows + 1;
    if (rows1 > SIZE_MAX / columns1) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    const size_t vertex_count = columns1 * rows1;
    if ((uint64_t)vertex_count > UINT32_MAX) {
        return BV_ERROR_INVALID_ARGUMENT; /* indices would not fit uint32_t */
    }
    if (vertex_count > SIZE_MAX / 3 || triangle_count > SIZE_MAX / 9) {
        return BV_ERROR_OUT_OF_MEMORY;
    }
    mesh->vertex_count = vertex_count;
    mesh->triangle_count = triangle_count;
    mesh->positions = bvp__alloc_array(vertex_count * 3, sizeof(float));
    mesh->triangles = bvp__alloc_array(triangle_count * 3, sizeof(uint32_t));
    mesh->uvs = bvp__alloc_array(triangle_count * 6, sizeof(float));
    mesh->normals = bvp__alloc_array(triangle_count * 9, sizeof(float));
    lattice->vertex_normals = bvp__alloc_array(vertex_count * 3, sizeof(float));
    if (!mesh->positions || !mesh->triangles || !mesh->uvs || !mesh->normals ||
        !lattice->vertex_normals) {
        free(lattice->vertex_normals);
        lattice->vertex_normals = NULL;
        bvp_mesh_free(mesh);
        return BV_ERROR_OUT_OF_MEMORY;
    }
    return BV_OK;
}

static void bvp__set_vertex(bvp_mesh *mesh, const bvp__lattice *lattice, size_t i, size_t j,
                            const double position[3], const double normal[3])
{
    const size_t v = bvp__lattice_index(lattice, i, j);
    for (int k = 0; k < 3; k++) {
        mesh->positions[v * 3 + k] = (float)position[k];
        lattice->vertex_normals[v * 3 + k] = (float)normal[k];
    }
}

/* Writes triangle t: its lattice corners (i, j), their UVs, and the corners' vertex normals. */
static void bvp__emit_triangle(bvp_mesh *mesh, const bvp__lattice *lattice, size_t t,
                               const size_t corners[3][2], const float uvs[6])
{
    for (int c = 0; c < 3; c++) {
        const size_t i = corners[c][0], j = corners[c][1];
        const uint32_t v = bvp__lattice_index(lattice, i, j);
        mesh->triangles[t * 3 + c] = v;
        mesh->uvs[t * 6 + c * 2 + 0] = uvs[c * 2 + 0];
        mesh->uvs[t * 6 + c * 2 + 1] = uvs[c * 2 + 1];
        memcpy(&mesh->normals[t * 9 + c * 3], &lattice->vertex_normals[(size_t)v * 3],
               3 * sizeof(float));
    }
}

static float bvp__lattice_u(const bvp__lattice *lattice, size_t i)
{
    return (float)((double)i / (double)lattice->columns);
}

static float bvp__lattice_v(const bvp__lattice *lattice, size_t j)
{
    return (float)((double)j / (double)lattice->rows);
}

/* The quad (i, j)..(i + 1, j + 1) as two triangles, counter-clockwise when du x dv points
 * outwards. keep_lower / keep_upper drop the half that collapses at a pole. Returns the next
 * triangle index. */
static size_t bvp__emit_quad(bvp_mesh *mesh, const bvp__lattice *lattice, size_t t, size_t i,
                             size_t j, int keep_lower, int keep_upper, float pole_u)
{
    const float u0 = bvp__lattice_u(lattice, i), u1 = bvp__lattice_u(lattice, i + 1);
    const float v0 = bvp__lattice_v(lattice, j), v1 = bvp__lattice_v(lattice, j + 1);
    if (keep_lower) {
        /* (i, j) (i + 1, j) (i + 1, j + 1); at the north pole the top corner is the pole. */
        const size_t corners[3][2] = {{i, j}, {i + 1, j}, {i + 1, j + 1}};
        const float uvs[6] = {u0, v0, u1, v0, keep_upper ? u1 : pole_u, v1};
        bvp__emit_triangle(mesh, lattice, t++, corners, uvs);
    }
    if (keep_upper) {
        /* (i, j) (i + 1, j + 1) (i, j + 1); at the south pole the bottom corner is the pole. */
        const size_t corners[3][2] = {{i, j}, {i + 1, j + 1}, {i, j + 1}};
        const float uvs[6] = {keep_lower ? u0 : pole_u, v0, u1, v1, u0, v1};
        bvp__emit_triangle(mesh, lattice, t++, corners, uvs);
    }
    return t;
}

static void bvp__zero_mesh(bvp_mesh *mesh)
{
    memset(mesh, 0, sizeof(*mesh));
}

/* Whether a * b * factor fits size_t (always on 64-bit for int sizes; not on 32-bit). */
static int bvp__product_fits(size_t a, size_t b, size_t factor)
{
    return b == 0 || a <= SIZE_MAX / b / factor;
}

bv_status bvp_torus(int rings, int segments, float major_radius, float minor_radius,
                    bvp_mesh *r_mesh)
{
    if (r_mesh == NULL) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bvp__zero_mesh(r_mesh);
    if (rings < 3 || segments < 3 || !isfinite(major_radius) || !isfinite(minor_radius) ||
        !(major_radius > 0.0f) || !(minor_radius > 0.0f)) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bvp__lattice lattice = {(size_t)rings, (size_t)segments, NULL};
    if (!bvp__product_fits(lattice.columns, lattice.rows, 2)) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bv_status status = bvp__lattice_alloc(&lattice, 2 * lattice.columns * lattice.rows, r_mesh);
    if (status != BV_OK) {
        return status;
    }

    for (size_t j = 0; j <= lattice.rows; j++) {
        /* The seam takes the angle of index 0 so its duplicate is bit-identical: watertight. */
        const double theta = 2.0 * bvp__pi * (double)(j % lattice.rows) / (double)lattice.rows;
        for (size_t i = 0; i <= lattice.columns; i++) {
            const double phi =
                2.0 * bvp__pi * (double)(i % lattice.columns) / (double)lattice.columns;
            const double ring = major_radius + minor_radius * cos(theta);
            const double position[3] = {ring * cos(phi), ring * sin(phi),
                                        minor_radius * sin(theta)};
            const double normal[3] = {cos(theta) * cos(phi), cos(theta) * sin(phi), sin(theta)};
            bvp__set_vertex(r_mesh, &lattice, i, j, position, normal);
        }
    }
    size_t t = 0;
    for (size_t j = 0; j < lattice.rows; j++) {
        for (size_t i = 0; i < lattice.columns; i++) {
            t = bvp__emit_quad(r_mesh, &lattice, t, i, j, 1, 1, 0.0f);
        }
    }
    free(lattice.vertex_normals);
    return BV_OK;
}

bv_status bvp_uv_sphere(int rings, int segments, float radius, bvp_mesh *r_mesh)
{
    if (r_mesh == NULL) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bvp__zero_mesh(r_mesh);
    if (rings < 3 || segments < 3 || !isfinite(radius) || !(radius > 0.0f)) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bvp__lattice lattice = {(size_t)segments, (size_t)rings, NULL};
    if (!bvp__product_fits(lattice.columns, lattice.rows, 2)) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    bv_status status =
        bvp__lattice_alloc(&lattice, 2 * lattice.columns * (lattice.rows - 1), r_mesh);
    if (status != BV_OK) {
        return status;
    }

    for (size_t j = 0; j <= lattice.rows; j++) {
        double cos_lat, sin_lat;
        if (j == 0 || j == lattice.rows) {
            /* Exact poles: every duplicate lands on the same point. */
            cos_lat = 0.0;
            sin_lat = j == 0 ? -1.0 : 1.0;
        }
        else {
            const double latitude = bvp__pi * ((double)j / (double)lattice.rows - 0.5);
            cos_lat = cos(latitude);
            sin_lat = sin(latitude);
        }
        for (size_t i = 0; i <= lattice.columns; i++) {
            const double longitude =
                2.0 * bvp__pi * (double)(i % lattice.columns) / (double)lattice.columns;
            const double normal[3] = {cos_lat * cos(longitude), cos_lat * sin(longitude),
                                      sin_lat};
            const double position[3] = {radius * normal[0], radius * normal[1],
                                        radius * normal[2]};
            bvp__set_vertex(r_mesh, &lattice, i, j, position, normal);
        }
    }
    size_t t = 0;
    for (size_t j = 0; j < lattice.rows; j++) {
        for (size_t i = 0; i < lattice.columns; i++) {
            const float pole_u = (float)(((double)i + 0.5) / (double)lattice.columns);
            t = bvp__emit_quad(r_mesh, &lattice, t, i, j, j != 0, j + 1 != lattice.rows,
                               pole_u);
        }
    }
    free(lattice.vertex_normals);
    return BV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Texture */

static float bvp__srgb_to_linear(float c)
{
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

/* HSV (all in [0, 1]) to display RGB. */
static void bvp__hsv_to_rgb(float h, float s, float v, float r_rgb[3])
{
    const float h6 = (h - floorf(h)) * 6.0f;
    const int sector = (int)h6 % 6;
    const float f = h6 - floorf(h6);
    const float p = v * (1.0f - s), q = v * (1.0f - s * f), t = v * (1.0f - s * (1.0f - f));
    const float table[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    memcpy(r_rgb, table[sector], 3 * sizeof(float));
}

/* Distance in pixels from the centre of pixel x to the nearest cell border along one axis, and
 * the cell it lies in. */
static float bvp__border_distance(int x, int size, int cells, int *r_cell)
{
    const double cell_size = (double)size / cells;
    const double centre = x + 0.5;
    int cell = (int)(centre / cell_size);
    if (cell >= cells) {
        cell = cells - 1;
    }
    *r_cell = cell;
    const double from_start = centre - cell * cell_size;
    const double to_end = (cell + 1) * cell_size - centre;
    return (float)(from_start < to_end ? from_start : to_end);
}

bv_status bvp_grid_texture(int width, int height, int cells, float **r_pixels)
{
    if (r_pixels == NULL) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    *r_pixels = NULL;
    if (width < 1 || height < 1 || cells < 1 || cells > width || cells > height) {
        return BV_ERROR_INVALID_ARGUMENT;
    }
    if ((size_t)height > SIZE_MAX / 4 / (size_t)width) {
        return BV_ERROR_OUT_OF_MEMORY;
    }
    float *pixels = bvp__alloc_array((size_t)width * (size_t)height * 4, sizeof(float));
    if (pixels == NULL) {
        return BV_ERROR_OUT_OF_MEMORY;
    }

    /* Lines about 1/32 of a cell wide, at least one texel on each side of a border. */
    const float cell_size = (float)(width < height ? width : height) / (float)cells;
    const float line_half_width = fmaxf(cell_size / 64.0f, 0.75f);
    const float dot_radius = 0.12f * cell_size;
    const float line_rgb = bvp__srgb_to_linear(0.08f);

    for (int y = 0; y < height; y++) {
        int cell_y;
        const float border_y = bvp__border_distance(y, height, cells, &cell_y);
        for (int x = 0; x < width; x++) {
            int cell_x;
            const float border_x = bvp__border_distance(x, width, cells, &cell_x);
            float *pixel = &pixels[((size_t)y * (size_t)width + (size_t)x) * 4];
            float rgb[3];
            if (border_x < line_half_width || border_y < line_half_width) {
                rgb[0] = rgb[1] = rgb[2] = line_rgb;
            }
            else {
                /* Golden-ratio steps spread the hues so neighbours never look alike. */
                const int index = cell_y * cells + cell_x;
                const float hue = (float)fmod(0.05 + index * 0.6180339887498949, 1.0);
                const int bright = (cell_x + cell_y) % 2 == 0;
                bvp__hsv_to_rgb(hue, bright ? 0.55f : 0.8f, bright ? 0.95f : 0.7f, rgb);
                /* Orientation mark: a white dot in the cell at u, v = 0. */
                const float dx = (x + 0.5f) - 0.5f * (float)width / cells;
                const float dy = (y + 0.5f) - 0.5f * (float)height / cells;
                if (cell_x == 0 && cell_y == 0 && dx * dx + dy * dy < dot_radius * dot_radius) {
                    rgb[0] = rgb[1] = rgb[2] = 1.0f;
                }
                for (int c = 0; c < 3; c++) {
                    rgb[c] = bvp__srgb_to_linear(rgb[c]);
                }
            }
            pixel[0] = rgb[0];
            pixel[1] = rgb[1];
            pixel[2] = rgb[2];
            pixel[3] = 1.0f;
        }
    }
    *r_pixels = pixels;
    return BV_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Cameras. cglm's mat4 is column-major (m[col][row]); our outputs are row-major. */

static void bvp__mat4_to_row_major(mat4 m, float r_matrix[16])
{
    for (int row = 0; row < 4; row++) {
        for (int col = 0; col < 4; col++) {
            r_matrix[row * 4 + col] = m[col][row];
        }
    }
}

void bvp_look_at(const float eye[3], const float target[3], const float up[3], float r_view[16])
{
    vec3 eye_v = {eye[0], eye[1], eye[2]};
    vec3 target_v = {target[0], target[1], target[2]};
    vec3 up_v = {up[0], up[1], up[2]};
    vec3 forward, side;
    glm_vec3_sub(target_v, eye_v, forward);
    glm_vec3_normalize(forward);
    glm_vec3_cross(forward, up_v, side);
    if (glm_vec3_norm(side) <= 1e-6f * glm_vec3_norm(up_v)) {
        /* up is zero or along the view: borrow world Y, or X when looking along Y. */
        const bool along_y = fabsf(forward[1]) > 0.9f;
        up_v[0] = along_y ? 1.0f : 0.0f;
        up_v[1] = along_y ? 0.0f : 1.0f;
        up_v[2] = 0.0f;
    }
    mat4 view;
    glm_lookat_rh_no(eye_v, target_v, up_v, view);
    bvp__mat4_to_row_major(view, r_view);
}

/* Blender's BKE_camera_params_compute_viewplane for sensor fit Auto, no shift, no pixel aspect:
 * `size_at_fit` world units (at distance 1 for perspective) span the larger side. */
static void bvp__viewplane(float size_at_fit, int width, int height, float r_plane[4])
{
    const float fit = (float)(width >= height ? width : height);
    const float pixel_size = size_at_fit / fit;
    r_plane[0] = -0.5f * (float)width * pixel_size;  /* left */
    r_plane[1] = 0.5f * (float)width * pixel_size;   /* right */
    r_plane[2] = -0.5f * (float)height * pixel_size; /* bottom */
    r_plane[3] = 0.5f * (float)height * pixel_size;  /* top */
}

void bvp_perspective(float lens_mm, float sensor_mm, int width, int height, float clip_start,
                     float clip_end, float r_projection[16])
{
    /* The viewplane lies on the near plane, as Blender's perspective_m4 expects. */
    float plane[4];
    bvp__viewplane(sensor_mm * clip_start / lens_mm, width, height, plane);
    mat4 projection;
    glm_frustum_rh_no(plane[0], plane[1], plane[2], plane[3], clip_start, clip_end, projection);
    bvp__mat4_to_row_major(projection, r_projection);
}

void bvp_orthographic(float ortho_scale, int width, int height, float clip_start, float clip_end,
                      float r_projection[16])
{
    float plane[4];
    bvp__viewplane(ortho_scale, width, height, plane);
    mat4 projection;
    glm_ortho_rh_no(plane[0], plane[1], plane[2], plane[3], clip_start, clip_end, projection);
    bvp__mat4_to_row_major(projection, r_projection);
}

void bvp_orbit_camera(float azimuth_deg, float elevation_deg, float distance,
                      const float target[3], float r_view[16])
{
    const double azimuth = azimuth_deg * bvp__pi / 180.0;
    const double elevation = elevation_deg * bvp__pi / 180.0;
    const double ca = cos(azimuth), sa = sin(azimuth), ce = cos(elevation), se = sin(elevation);
    /* Azimuth 0 is Blender's front view (camera on -Y), increasing towards +X. */
    const float eye[3] = {target[0] + (float)(distance * ce * sa),
                          target[1] - (float)(distance * ce * ca),
                          target[2] + (float)(distance * se)};
    /* The sphere's tangent towards +elevation: exactly perpendicular to the view, so it never
     * degenerates, even looking straight down. */
    const float up[3] = {(float)(-se * sa), (float)(se * ca), (float)ce};
    bvp_look_at(eye, target, up, r_view);
}
