/* bv_render: validation, the camera transform, triangle bounds, binning into tiles, and the
 * parallel tile pass (tile.c). Each stage either fails before any target is touched or cannot
 * fail. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "matrix.h"
#include "render_internal.h"
#include "texture_internal.h"
#include "threads.h"

#define BV__MAX_FILTER_RADIUS 8.0f /* pixels */
#define BV__BIN_CHUNK 8192         /* triangles per binning task; fixed, so bins never depend on
                                      the thread count */

/* --- validation --- */

/* A target: empty (count 0, not asked for) or count floats; with `allocated`, at ptr. */
static bv_status check_span(const char *name, bv_float_span span, size_t expected, bool allocated)
{
    if (!span.ptr && span.count == 0) return BV_OK;
    if (allocated && !span.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: targets.%s.ptr is NULL but count is %zu",
                        name, span.count);
    if (span.count != expected)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: targets.%s holds %zu floats, the view needs %zu", name, span.count,
                        expected);
    return BV_OK;
}

/* A pass is asked for by a non-empty target (after check_targets: count and ptr agree). */
static bool wanted(bv_float_span span)
{
    return span.count != 0;
}

static bv_status check_targets(const bv_render_targets *t, int width, int height, bool allocated)
{
    const size_t pixels = (size_t)width * (size_t)height;
    bv_status s;
    if ((s = check_span("color", t->color, pixels * 4, allocated)) != BV_OK) return s;
    if ((s = check_span("alpha", t->alpha, pixels, allocated)) != BV_OK) return s;
    if ((s = check_span("depth", t->depth, pixels, allocated)) != BV_OK) return s;
    if ((s = check_span("normal", t->normal, pixels * 3, allocated)) != BV_OK) return s;
    if ((s = check_span("uv", t->uv, pixels * 2, allocated)) != BV_OK) return s;
    if ((s = check_span("object_id", t->object_id, pixels, allocated)) != BV_OK) return s;
    if (!wanted(t->color) && !wanted(t->alpha) && !wanted(t->depth) && !wanted(t->normal) &&
        !wanted(t->uv) && !wanted(t->object_id))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: no pass asked for (all targets empty)");
    return BV_OK;
}

static bv_status check_camera(const bv_camera *camera)
{
    if (camera->width <= 0 || camera->height <= 0 || camera->width > BV_MAX_IMAGE_SIZE ||
        camera->height > BV_MAX_IMAGE_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: camera size %d x %d is outside 1..%d",
                        camera->width, camera->height, BV_MAX_IMAGE_SIZE);
    if (!bv__floats_finite(camera->view, 16))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: camera.view has a NaN or infinite value");
    if (!bv__floats_finite(camera->projection, 16))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: camera.projection has a NaN or infinite value");
    mat4 m;
    bv__mat4_from_rows(camera->view, false, m);
    if (glm_mat4_det(m) == 0.0f)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: camera.view is singular");
    bv__mat4_from_rows(camera->projection, false, m);
    if (glm_mat4_det(m) == 0.0f)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: camera.projection is singular");
    return BV_OK;
}

static bv_status check_mesh(const bv__render *r, size_t index, const bv_mesh *m)
{
    if (m->positions.count % 3 != 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: positions holds %zu floats, not a multiple of 3", index,
                        m->positions.count);
    if (m->triangles.count % 3 != 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: triangles holds %zu indices, not a multiple of 3", index,
                        m->triangles.count);
    if (m->positions.count && !m->positions.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: positions.ptr is NULL", index);
    if (m->triangles.count && !m->triangles.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: triangles.ptr is NULL", index);
    const size_t tris = m->triangles.count / 3, verts = m->positions.count / 3;
    if (m->loops.count != 0 && m->loops.count != tris * 3)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: loops holds %zu indices, %zu triangles need %zu", index,
                        m->loops.count, tris, tris * 3);
    if (m->loops.count && !m->loops.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: loops.ptr is NULL", index);
    /* corners: triangle corners, or loops when loop indices are given */
    const bool by_loop = m->loops.count != 0;
    if (m->uvs.count != 0 && (by_loop ? m->uvs.count % 2 != 0 : m->uvs.count != tris * 6))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        by_loop ? "render: mesh %zu: uvs holds %zu floats, not 2 per loop"
                                : "render: mesh %zu: uvs holds %zu floats, %zu triangles need 6 each",
                        index, m->uvs.count, tris);
    if (m->uvs.count && !m->uvs.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: uvs.ptr is NULL", index);
    if (m->normals.count != 0 && (by_loop ? m->normals.count % 3 != 0 : m->normals.count != tris * 9))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        by_loop ? "render: mesh %zu: normals holds %zu floats, not 3 per loop"
                                : "render: mesh %zu: normals holds %zu floats, %zu triangles need 9 each",
                        index, m->normals.count, tris);
    if (by_loop) {
        const size_t uv_loops = m->uvs.count / 2, normal_loops = m->normals.count / 3;
        for (size_t i = 0; i < m->loops.count; i++) {
            const uint32_t loop = m->loops.ptr[i];
            if ((m->uvs.count && loop >= uv_loops) || (m->normals.count && loop >= normal_loops))
                return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                                "render: mesh %zu: triangle %zu uses loop %u, beyond the %s", index,
                                i / 3, loop, m->uvs.count && loop >= uv_loops ? "uvs" : "normals");
        }
    }
    if (m->normals.count && !m->normals.ptr)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: normals.ptr is NULL", index);
    if (m->tangents.count != 0 &&
        (by_loop ? m->tangents.count % 3 != 0 : m->tangents.count != tris * 9))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        by_loop ? "render: mesh %zu: tangents holds %zu floats, not 3 per loop"
                                : "render: mesh %zu: tangents holds %zu floats, %zu triangles need 9 each",
                        index, m->tangents.count, tris);
    if (m->bitangent_signs.count * 3 != m->tangents.count)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: %zu bitangent_signs for %zu tangents (one each)", index,
                        m->bitangent_signs.count, m->tangents.count / 3);
    if ((m->tangents.count && !m->tangents.ptr) || (m->bitangent_signs.count && !m->bitangent_signs.ptr))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: %s.ptr is NULL", index,
                        m->tangents.ptr ? "bitangent_signs" : "tangents");
    if (by_loop && m->tangents.count)
        for (size_t i = 0; i < m->loops.count; i++)
            if (m->loops.ptr[i] >= m->tangents.count / 3)
                return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                                "render: mesh %zu: triangle %zu uses loop %u, beyond the tangents",
                                index, i / 3, m->loops.ptr[i]);
    if (!bv__floats_finite(m->tangents.ptr, m->tangents.count) ||
        !bv__floats_finite(m->bitangent_signs.ptr, m->bitangent_signs.count))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: tangents or bitangent_signs has a NaN or infinite value",
                        index);
    if (r->lit_wanted && m->material && m->material->normal && tris && m->tangents.count == 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: its material has a normal map, which needs tangents",
                        index);
    if (r->lit_wanted && m->material && (unsigned)m->material->bsdf > BV_BSDF_PRINCIPLED_V1)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: unknown material bsdf %d",
                        index, (int)m->material->bsdf);
    if (r->lit_wanted && m->material && (!isfinite(m->material->ior) || m->material->ior < 0.0f))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: material ior %g is not a finite value >= 0 (0: 1.5)",
                        index, (double)m->material->ior);
    if ((unsigned)m->alpha > BV_MESH_ALPHA_COVERAGE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: unknown alpha %d", index,
                        (int)m->alpha);
    const bool textured = bv__mesh_textured(r, m);
    const char *pass = r->want_color ? "color" : "alpha";
    if (tris && m->uvs.count == 0 && (textured || wanted(r->targets.uv)))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu has no UVs, which the %s pass needs", index,
                        textured ? pass : "uv");
    if (tris && textured && !m->texture)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu has no texture, which the %s pass needs%s", index, pass,
                        r->want_color ? "" : " (its alpha is coverage)");
    if (tris && textured && r->desc->mipmaps && m->texture->level_count == 1 &&
        (m->texture->levels[0].width > 1 || m->texture->levels[0].height > 1))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mipmaps asked for, but mesh %zu's texture was created without them",
                        index);
    if (m->object_id >= (1u << 24))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: object_id %u is not below 2^24 (exact in float)", index,
                        m->object_id);
    if (!bv__floats_finite(m->matrix_world, 16))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: matrix_world has a NaN or infinite value", index);
    bool all_zero = true;
    for (int i = 0; i < 16; i++) all_zero = all_zero && m->matrix_world[i] == 0.0f;
    const float *bottom = m->matrix_world + 12; /* an object's matrix is affine: w stays 1 */
    if (!all_zero && (bottom[0] != 0.0f || bottom[1] != 0.0f || bottom[2] != 0.0f || bottom[3] != 1.0f))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: matrix_world's bottom row is (%g, %g, %g, %g), not "
                        "(0, 0, 0, 1)", index, (double)bottom[0], (double)bottom[1],
                        (double)bottom[2], (double)bottom[3]);
    mat4 world;
    mat3 linear;
    bv__mat4_from_rows(m->matrix_world, true, world);
    glm_mat4_pick3(world, linear);
    if (glm_mat3_det(linear) == 0.0f) /* normals need its inverse */
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: matrix_world is singular", index);
    for (size_t i = 0; i < m->positions.count; i++)
        if (!isfinite(m->positions.ptr[i]))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "render: mesh %zu: vertex %zu has a NaN or infinite coordinate", index,
                            i / 3);
    for (size_t i = 0; i < m->triangles.count; i++)
        if (m->triangles.ptr[i] >= verts)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "render: mesh %zu: triangle %zu uses vertex %u, but there are %zu", index,
                            i / 3, m->triangles.ptr[i], verts);
    if (!bv__floats_finite(m->uvs.ptr, m->uvs.count))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: mesh %zu: uvs has a NaN or infinite value",
                        index);
    if (!bv__floats_finite(m->normals.ptr, m->normals.count))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: mesh %zu: normals has a NaN or infinite value", index);
    return BV_OK;
}

static bv_status check_desc(const bv_render_desc *d)
{
    bv_status s = check_camera(&d->camera);
    if (s != BV_OK) return s;
    if (d->samples < 0 || d->samples > BV_MAX_SAMPLES)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: samples %d is outside 1..%d (0: AUTO)",
                        d->samples, BV_MAX_SAMPLES);
    if ((unsigned)d->filter > BV_FILTER_BOX)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: unknown filter %d", (int)d->filter);
    if (!(d->filter_width >= 0.0f) || !isfinite(d->filter_width))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: filter_width %g is not a width in pixels",
                        (double)d->filter_width);
    if (!bv__floats_finite(d->background, 4))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: background has a NaN or infinite value");
    if (d->threads < 0)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: threads %d is negative (0: all cores)",
                        d->threads);
    if ((unsigned)d->normal_space > BV_NORMAL_CAMERA)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: unknown normal_space %d",
                        (int)d->normal_space);
    if (d->lighting) {
        const bv_status ls = bv__lighting_check(d->lighting, d->camera.width, d->camera.height);
        if (ls != BV_OK) return ls;
    }
    if (d->mesh_count && !d->meshes)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: meshes is NULL but mesh_count is %zu",
                        d->mesh_count);
    return BV_OK;
}

/* --- set-up stages --- */

const bv__mesh_state *bv__mesh_of_prim(const bv__render *r, uint32_t prim)
{
    size_t lo = 0, hi = r->mesh_count; /* last mesh whose base <= prim */
    while (hi - lo > 1) {
        const size_t mid = (lo + hi) / 2;
        if (r->meshes[mid].triangle_base <= prim) lo = mid;
        else hi = mid;
    }
    return &r->meshes[lo];
}

/* A screen coordinate kept where fixed-point edge products cannot overflow. Points inside the
 * guard band are far within it; only clipped points at w ~ 0 (degenerate projections) or NaN from
 * overflowing inputs get here, and they are drawn wrong rather than undefined. */
static double bounded_pixels(double pixels)
{
    const double limit = 4.0 * BV__GUARD_PIXELS;
    if (!(pixels == pixels)) return 0.0;
    return pixels < -limit ? -limit : (pixels > limit ? limit : pixels);
}

void bv__project(const bv__render *r, const float p[4], int64_t *r_fx, int64_t *r_fy, float *r_key)
{
    const double inv_w = 1.0 / p[3];
    *r_fx = bv__to_fixed(bounded_pixels((p[0] * inv_w * 0.5 + 0.5) * r->width));
    *r_fy = bv__to_fixed(bounded_pixels((p[1] * inv_w * 0.5 + 0.5) * r->height));
    const double key = r->perspective ? inv_w : -p[2] * inv_w;
    *r_key = isfinite(key) ? (float)key : 0.0f;
}

/* World -> camera for directions, without the camera's scale: the rows of camera.view's 3 x 3
 * part, each made unit. camera.view = (T R S)^-1 = S^-1 R^T T^-1 for a camera object with scale S
 * in its own axes, whose rows are R^T's scaled by 1 / s_i. Rows are unit (and not zero: the view
 * is not singular, check_camera). */
static void camera_rotation(const float view[16], mat3 r_rotation)
{
    for (int row = 0; row < 3; row++) {
        double length = 0.0;
        for (int col = 0; col < 3; col++) length += (double)view[4 * row + col] * view[4 * row + col];
        const double inv = 1.0 / sqrt(length);
        for (int col = 0; col < 3; col++) r_rotation[col][row] = (float)(view[4 * row + col] * inv);
    }
}

static bv_status prepare_meshes(bv__render *r)
{
    const bv_render_desc *d = r->desc;
    const bool camera_normals = d->normal_space == BV_NORMAL_CAMERA;
    mat3 to_camera;
    if (camera_normals) camera_rotation(d->camera.view, to_camera);
    mat4 view, projection, view_projection;
    bv__mat4_from_rows(d->camera.view, false, view);
    bv__mat4_from_rows(d->camera.projection, false, projection);
    glm_mat4_mul(projection, view, view_projection);
    /* orthographic projections keep w = 1; anything else divides by depth */
    r->perspective = !(projection[0][3] == 0.0f && projection[1][3] == 0.0f &&
                       projection[2][3] == 0.0f && projection[3][3] != 0.0f);

    r->meshes = bv__alloc_array(d->mesh_count ? d->mesh_count : 1, sizeof *r->meshes);
    if (!r->meshes) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for meshes");
    uint64_t triangles = 0;
    size_t vertices = 0;
    for (size_t i = 0; i < d->mesh_count; i++) {
        const bv_mesh *m = &d->meshes[i];
        bv__mesh_state *ms = &r->meshes[i];
        memset(ms, 0, sizeof *ms);
        ms->mesh = m;
        ms->vertex_base = vertices;
        ms->triangle_base = (uint32_t)triangles;
        ms->triangle_count = (uint32_t)(m->triangles.count / 3);
        vertices += m->positions.count / 3;
        triangles += m->triangles.count / 3; /* below BV__PRIM_NONE: check_and_configure */
        mat4 world, model_view, model_view_projection;
        bv__mat4_from_rows(m->matrix_world, true, world);
        glm_mat4_mul(view, world, model_view);
        glm_mat4_mul(view_projection, world, model_view_projection);
        memcpy(ms->model, world, sizeof ms->model);
        memcpy(ms->model_view, model_view, sizeof ms->model_view);
        memcpy(ms->model_view_projection, model_view_projection, sizeof ms->model_view_projection);
        mat3 linear;
        glm_mat4_pick3(world, linear);
        ms->negative_scale = glm_mat3_det(linear) < 0.0f; /* not 0: check_mesh */
        mat3 normal_world;
        glm_mat3_inv(linear, normal_world);
        glm_mat3_transpose(normal_world);
        glm_mat3_copy(normal_world, ms->normal_world);
        glm_mat3_copy(linear, ms->linear_world);
        if (camera_normals) glm_mat3_mul(to_camera, normal_world, ms->normal_matrix);
        else glm_mat3_copy(normal_world, ms->normal_matrix);
    }
    r->vertex_count = vertices;
    r->triangle_count = (uint32_t)triangles;
    r->vertices = bv__alloc_array(vertices ? vertices : 1, sizeof *r->vertices);
    r->tris = bv__alloc_array(triangles ? triangles : 1, sizeof *r->tris);
    if (!r->vertices || !r->tris)
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for %zu vertices", vertices);
    if (r->footprint && r->want_color) { /* AUTO's footprints: only a colour pass has them */
        r->face_normals = bv__alloc_array(triangles ? triangles : 1, 3 * sizeof(float));
        if (!r->face_normals)
            return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for %" PRIu64 " triangles",
                            triangles);
    }
    if (r->lit_wanted) {
        r->world_positions = bv__alloc_array(vertices ? vertices : 1, 3 * sizeof(float));
        if (!r->world_positions)
            return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for %zu vertices",
                            vertices);
    }
    return BV_OK;
}

/* Transforms a range of vertices. */
static bv_status transform_task(void *context, int index, int worker)
{
    (void)worker;
    bv__render *r = context;
    const size_t first = (size_t)index * BV__BIN_CHUNK;
    const size_t last = first + BV__BIN_CHUNK < r->vertex_count ? first + BV__BIN_CHUNK : r->vertex_count;
    size_t m = 0; /* the mesh holding vertex `first` */
    while (m + 1 < r->mesh_count && r->meshes[m + 1].vertex_base <= first) m++;
    mat4 model, model_view, model_view_projection; /* aligned copies of the mesh's matrices */
    size_t loaded = SIZE_MAX;
    for (size_t g = first; g < last; g++) {
        while (m + 1 < r->mesh_count && r->meshes[m + 1].vertex_base <= g) m++;
        const bv__mesh_state *ms = &r->meshes[m];
        if (loaded != m) {
            memcpy(model, ms->model, sizeof model);
            memcpy(model_view, ms->model_view, sizeof model_view);
            memcpy(model_view_projection, ms->model_view_projection, sizeof model_view_projection);
            loaded = m;
        }
        const size_t i = g - ms->vertex_base;
        const float *pos = ms->mesh->positions.ptr;
        bv__vertex *v = &r->vertices[g];
        vec4 p = {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2], 1.0f}, clip, eye;
        glm_mat4_mulv(model_view_projection, p, clip);
        glm_mat4_mulv(model_view, p, eye);
        if (!bv__floats_finite(clip, 4) || !isfinite(eye[2]))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "render: mesh %zu: vertex %zu overflows to infinity in the camera's view",
                            m, i);
        memcpy(v->clip, clip, sizeof v->clip);
        if (r->world_positions) {
            vec4 world;
            glm_mat4_mulv(model, p, world);
            memcpy(r->world_positions + 3 * g, world, 3 * sizeof(float));
        }
        v->depth = -eye[2];
        v->outcode = bv__clip_outcode(&r->planes, clip);
        if (!(clip[3] > 0.0f)) v->outcode |= 1u; /* behind the eye counts as beyond the near plane */
        if (v->outcode == 0) bv__project(r, clip, &v->fx, &v->fy, &v->key);
    }
    return BV_OK;
}

static const bv__vertex *corner(const bv__render *r, const bv__mesh_state *ms, uint32_t local, int k)
{
    return &r->vertices[ms->vertex_base + ms->mesh->triangles.ptr[3 * (size_t)local + k]];
}

int bv__clip_polygon(const bv__render *r, uint32_t prim, int64_t fx[BV__CLIP_MAX_VERTICES],
                     int64_t fy[BV__CLIP_MAX_VERTICES], float key[BV__CLIP_MAX_VERTICES])
{
    const bv__mesh_state *ms = bv__mesh_of_prim(r, prim);
    const uint32_t local = prim - ms->triangle_base;
    float in[3][4], out[BV__CLIP_MAX_VERTICES][4];
    for (int k = 0; k < 3; k++) memcpy(in[k], corner(r, ms, local, k)->clip, sizeof in[k]);
    const int count = bv__clip_triangle(&r->planes, in, out);
    for (int i = 0; i < count; i++) bv__project(r, out[i], &fx[i], &fy[i], &key[i]);
    return count;
}

/* Sample bounds and visibility of a range of triangles. */
static bv_status bounds_task(void *context, int index, int worker)
{
    (void)worker;
    bv__render *r = context;
    const uint32_t first = (uint32_t)index * BV__BIN_CHUNK;
    const uint32_t last = first + BV__BIN_CHUNK < r->triangle_count ? first + BV__BIN_CHUNK
                                                                     : r->triangle_count;
    /* the samples any output pixel reads */
    const int n = r->grid.n;
    const int fx0 = r->kernel.first, fx1 = n * (r->width - 1) + r->kernel.first + r->kernel.count - 1;
    const int fy0 = r->kernel.first, fy1 = n * (r->height - 1) + r->kernel.first + r->kernel.count - 1;
    const bv__mesh_state *ms = bv__mesh_of_prim(r, first);
    for (uint32_t prim = first; prim < last; prim++) {
        while (prim >= ms->triangle_base + ms->triangle_count) ms++;
        const uint32_t local = prim - ms->triangle_base;
        bv__tri_bounds *b = &r->tris[prim];
        b->state = BV__TRI_HIDDEN;
        const bv__vertex *v[3] = {corner(r, ms, local, 0), corner(r, ms, local, 1), corner(r, ms, local, 2)};
        if (v[0]->outcode & v[1]->outcode & v[2]->outcode) continue; /* all outside one plane */
        int64_t fx[BV__CLIP_MAX_VERTICES], fy[BV__CLIP_MAX_VERTICES];
        float key[BV__CLIP_MAX_VERTICES];
        int count = 3;
        if (v[0]->outcode | v[1]->outcode | v[2]->outcode) {
            count = bv__clip_polygon(r, prim, fx, fy, key);
            if (count < 3) continue;
        } else {
            for (int k = 0; k < 3; k++) fx[k] = v[k]->fx, fy[k] = v[k]->fy;
        }
        /* facing: the first fan triangle with area tells the polygon's winding */
        bv__triangle t;
        bool any = false;
        int32_t sx0 = INT32_MAX, sy0 = INT32_MAX, sx1 = INT32_MIN, sy1 = INT32_MIN;
        bool backfacing = false;
        for (int i = 1; i + 1 < count; i++) {
            const int64_t tx[3] = {fx[0], fx[i], fx[i + 1]}, ty[3] = {fy[0], fy[i], fy[i + 1]};
            if (!bv__triangle_setup(&r->grid, tx, ty, &t)) continue;
            if (!any) backfacing = t.flipped != ms->negative_scale;
            any = true;
            sx0 = t.sx0 < sx0 ? t.sx0 : sx0;
            sy0 = t.sy0 < sy0 ? t.sy0 : sy0;
            sx1 = t.sx1 > sx1 ? t.sx1 : sx1;
            sy1 = t.sy1 > sy1 ? t.sy1 : sy1;
        }
        if (!any || (backfacing && r->desc->cull_backfaces)) continue;
        if (sx0 > sx1 || sy0 > sy1) continue; /* between samples */
        if (sx1 < fx0 || sx0 > fx1 || sy1 < fy0 || sy0 > fy1) continue;
        *b = (bv__tri_bounds){sx0, sy0, sx1, sy1, count == 3 && !(v[0]->outcode | v[1]->outcode | v[2]->outcode)
                                                      ? BV__TRI_DIRECT
                                                      : BV__TRI_CLIPPED, 0};
        if (r->face_normals) { /* object space: smoothness is judged within one mesh */
            const float *pos = ms->mesh->positions.ptr;
            const uint32_t *corners = ms->mesh->triangles.ptr + 3 * (size_t)local;
            vec3 e1, e2;
            glm_vec3_sub((float *)pos + 3 * (size_t)corners[1], (float *)pos + 3 * (size_t)corners[0], e1);
            glm_vec3_sub((float *)pos + 3 * (size_t)corners[2], (float *)pos + 3 * (size_t)corners[0], e2);
            glm_vec3_cross(e1, e2, r->face_normals + 3 * (size_t)prim);
            glm_vec3_normalize(r->face_normals + 3 * (size_t)prim);
            if (ms->mesh->texture && ms->mesh->uvs.count) b->minified = bv__prim_minified(r, prim);
        }
    }
    return BV_OK;
}

/* Tiles (inclusive ranges) whose output pixels read samples of triangle bounds b. */
static void tile_range(const bv__render *r, const bv__tri_bounds *b, int *tx0, int *tx1, int *ty0, int *ty1)
{
    const int n = r->grid.n, first = r->kernel.first, last = first + r->kernel.count - 1;
    int px0 = -bv__floor_div(-(int64_t)(b->sx0 - last), n); /* ceil */
    int px1 = bv__floor_div(b->sx1 - first, n);
    int py0 = -bv__floor_div(-(int64_t)(b->sy0 - last), n);
    int py1 = bv__floor_div(b->sy1 - first, n);
    px0 = px0 < 0 ? 0 : px0;
    py0 = py0 < 0 ? 0 : py0;
    px1 = px1 >= r->width ? r->width - 1 : px1;
    py1 = py1 >= r->height ? r->height - 1 : py1;
    *tx0 = px0 / r->tile_size;
    *tx1 = px1 < px0 ? *tx0 - 1 : px1 / r->tile_size;
    *ty0 = py0 / r->tile_size;
    *ty1 = py1 < py0 ? *ty0 - 1 : py1 / r->tile_size;
}

/* Binning: count per (chunk, tile), then fill in triangle order. Deterministic by construction. */
typedef struct bv__binning {
    bv__render *render;
    size_t *counts; /* chunks x tiles: how many of the chunk's triangles each tile gets; then where
                       the chunk's first one goes */
    int tiles;
    bool fill;
} bv__binning;

static bv_status bin_task(void *context, int index, int worker)
{
    (void)worker;
    bv__binning *bin = context;
    bv__render *r = bin->render;
    size_t *row = bin->counts + (size_t)index * (size_t)bin->tiles;
    const uint32_t first = (uint32_t)index * BV__BIN_CHUNK;
    const uint32_t last = first + BV__BIN_CHUNK < r->triangle_count ? first + BV__BIN_CHUNK
                                                                     : r->triangle_count;
    for (uint32_t prim = first; prim < last; prim++) {
        const bv__tri_bounds *b = &r->tris[prim];
        if (b->state == BV__TRI_HIDDEN) continue;
        int tx0, tx1, ty0, ty1;
        tile_range(r, b, &tx0, &tx1, &ty0, &ty1);
        for (int ty = ty0; ty <= ty1; ty++)
            for (int tx = tx0; tx <= tx1; tx++) {
                const int tile = ty * r->tiles_x + tx;
                if (bin->fill) r->bin_prims[row[tile]++] = prim;
                else row[tile]++;
            }
    }
    return BV_OK;
}

static bv_status bin_triangles(bv__render *r)
{
    const int tiles = r->tiles_x * r->tiles_y;
    const int chunks = (int)((r->triangle_count + BV__BIN_CHUNK - 1) / BV__BIN_CHUNK);
    r->bin_start = bv__alloc_array((size_t)tiles + 1, sizeof *r->bin_start);
    if (!r->bin_start) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for tiles");
    memset(r->bin_start, 0, ((size_t)tiles + 1) * sizeof *r->bin_start);
    if (chunks == 0) return BV_OK;
    bv__binning bin = {r, bv__alloc_array((size_t)chunks * (size_t)tiles, sizeof(size_t)), tiles, false};
    if (!bin.counts) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for binning");
    memset(bin.counts, 0, (size_t)chunks * (size_t)tiles * sizeof(size_t));
    bv__parallel_for(r->workers, chunks, bin_task, &bin);
    /* prefix sums: tile-major, chunk-minor, so each tile lists its triangles in ascending order */
    size_t total = 0;
    for (int tile = 0; tile < tiles; tile++) {
        r->bin_start[tile] = total;
        for (int c = 0; c < chunks; c++) {
            size_t *cell = &bin.counts[(size_t)c * (size_t)tiles + (size_t)tile];
            const size_t count = *cell;
            *cell = total;
            total += count;
        }
    }
    r->bin_start[tiles] = total;
    r->bin_prims = bv__alloc_array(total ? total : 1, sizeof *r->bin_prims);
    if (!r->bin_prims) {
        BV_FREE(bin.counts);
        return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for %zu binned triangles", total);
    }
    bin.fill = true;
    bv__parallel_for(r->workers, chunks, bin_task, &bin);
    BV_FREE(bin.counts);
    return BV_OK;
}

static bv_status alloc_scratch(bv__render *r)
{
    const int n = r->grid.n;
    const size_t span = (size_t)n * (size_t)(r->tile_size - 1) + (size_t)r->kernel.count;
    r->scratch_samples = span * span;
    const int tiles = r->tiles_x * r->tiles_y;
    r->tile_workers = r->workers < tiles ? r->workers : tiles;
    r->scratch = bv__alloc_array((size_t)r->tile_workers, sizeof *r->scratch);
    if (!r->scratch) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for workers");
    memset(r->scratch, 0, (size_t)r->tile_workers * sizeof *r->scratch);
    for (int w = 0; w < r->tile_workers; w++) {
        bv__scratch *s = &r->scratch[w];
        s->key = bv__alloc_array(r->scratch_samples + BV__SCRATCH_SPARE, sizeof(float));
        s->prim = bv__alloc_array(r->scratch_samples + BV__SCRATCH_SPARE, sizeof(uint32_t));
        s->color = bv__alloc_array(r->scratch_samples * 4, sizeof(float));
        s->rows = bv__alloc_array(span * (size_t)r->tile_size * 4, sizeof(float));
        s->column_x = bv__alloc_array(span, sizeof(int64_t));
        s->column_ndc = bv__alloc_array(span, sizeof(double));
        s->color_row = bv__alloc_array((size_t)r->tile_size * 4, sizeof(float));
        s->uvl = bv__alloc_array(span * 3, sizeof(float));
        s->runs = bv__alloc_array(span, sizeof(bv__shade_run));
        if (!s->key || !s->prim || !s->color || !s->rows || !s->column_x || !s->column_ndc ||
            !s->color_row || !s->uvl || !s->runs)
            return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for tile buffers");
        if (r->footprint) {
            s->mask = bv__alloc_array(r->scratch_samples, 1);
            s->pixel_kind = bv__alloc_array((size_t)r->tile_size * (size_t)r->tile_size, 1);
            s->line = bv__alloc_array(2 * span + 16, 1);
            s->footprints = bv__alloc_array((size_t)r->tile_size * (size_t)r->tile_size * 6, sizeof(float));
            s->cell_jacobian = bv__alloc_array(span * 4, sizeof(float));
            if (!s->mask || !s->pixel_kind || !s->line || !s->footprints || !s->cell_jacobian)
                return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for tile buffers");
        }
        if (r->lit) {
            s->lit = bv__alloc_array(span, sizeof *s->lit);
            s->lit_cache = bv__alloc_array((span + 2) * BV__LIT_SLOTS, sizeof *s->lit_cache);
            if (!s->lit || !s->lit_cache)
                return bv__fail(BV_ERROR_OUT_OF_MEMORY, "render: out of memory for tile buffers");
            for (size_t e = 0; e < (span + 2) * BV__LIT_SLOTS; e++)
                s->lit_cache[e].prim = BV__PRIM_NONE;
        }
    }
    return BV_OK;
}

static void release(bv__render *r)
{
    if (r->scratch)
        for (int w = 0; w < r->tile_workers; w++) {
            BV_FREE(r->scratch[w].key);
            BV_FREE(r->scratch[w].prim);
            BV_FREE(r->scratch[w].color);
            BV_FREE(r->scratch[w].rows);
            BV_FREE(r->scratch[w].column_x);
            BV_FREE(r->scratch[w].column_ndc);
            BV_FREE(r->scratch[w].color_row);
            BV_FREE(r->scratch[w].uvl);
            BV_FREE(r->scratch[w].runs);
            BV_FREE(r->scratch[w].lit);
            BV_FREE(r->scratch[w].lit_cache);
            BV_FREE(r->scratch[w].mask);
            BV_FREE(r->scratch[w].pixel_kind);
            BV_FREE(r->scratch[w].line);
            BV_FREE(r->scratch[w].footprints);
            BV_FREE(r->scratch[w].cell_jacobian);
        }
    BV_FREE(r->scratch);
    BV_FREE(r->bin_prims);
    BV_FREE(r->bin_start);
    BV_FREE(r->tris);
    BV_FREE(r->vertices);
    BV_FREE(r->meshes);
    BV_FREE(r->world_positions);
    BV_FREE(r->face_normals);
    bv__lit_destroy(r->lit);
}

static bv_status configure(bv__render *r, const bv_render_desc *d, const bv_render_targets *targets)
{
    r->desc = d;
    r->targets = *targets;
    r->width = d->camera.width;
    r->height = d->camera.height;
    r->want_color = wanted(targets->color);
    r->want_filtered = r->want_color || wanted(targets->alpha);
    r->want_data = wanted(targets->depth) || wanted(targets->normal) || wanted(targets->uv) ||
                   wanted(targets->object_id);
    r->filter = d->filter;
    r->filter_width = d->filter_width > 0.0f ? d->filter_width : BV_DEFAULT_FILTER_WIDTH;
    if (bv_filter_radius(r->filter, r->filter_width) > BV__MAX_FILTER_RADIUS)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: filter_width %g reaches further than %g pixels",
                        (double)r->filter_width, (double)BV__MAX_FILTER_RADIUS);
    r->footprint = d->samples == BV_SAMPLES_AUTO;
    const int n = r->footprint ? BV__AUTO_GRID : d->samples;
    if (r->footprint) {
        /* a sample's cell, 1 / n pixel wide, has a standard deviation of 1 / (n sqrt 12) pixel */
        r->cell_sigma = (float)(1.0 / (n * sqrt(12.0)));
        if (!bv__footprint_filter_init(&r->footprint_filter, r->filter, r->filter_width))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: filter_width %g has no support",
                            (double)r->filter_width);
    }
    bv__grid_init(&r->grid, n);
    if (!bv__kernel_init(&r->kernel, &r->grid, r->filter, r->filter_width))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "render: filter_width %g is too narrow to reach a sample of a %d x %d grid",
                        (double)r->filter_width, n, n);
    for (int k = 0; k < 3; k++) r->background[k] = d->background[k] * d->background[3];
    r->background[3] = d->background[3];
    /* guard band: screen coordinates stay within +-BV__GUARD_PIXELS */
    r->planes.guard_x = (float)(2.0 * BV__GUARD_PIXELS / r->width - 1.0);
    r->planes.guard_y = (float)(2.0 * BV__GUARD_PIXELS / r->height - 1.0);
    r->tile_size = n <= 1 ? 128 : (n <= 2 ? 96 : (n <= 4 ? 64 : (n <= 8 ? 32 : 16)));
    r->tiles_x = (r->width + r->tile_size - 1) / r->tile_size;
    r->tiles_y = (r->height + r->tile_size - 1) / r->tile_size;
    r->workers = bv__resolve_threads(d->threads); /* each stage uses at most one per task */
    r->mesh_count = d->mesh_count;
    r->lit_wanted = d->lighting != NULL && r->want_color;
    return BV_OK;
}

/* Every check, in bv_render's order; `allocated`: the targets' buffers are there too. */
static bv_status check_and_configure(bv__render *r, const bv_render_desc *desc,
                                     const bv_render_targets *targets, bool allocated)
{
    if (!desc) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: desc is NULL");
    if (!targets) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: targets is NULL");
    bv_status s = check_desc(desc);
    if (s == BV_OK) s = check_targets(targets, desc->camera.width, desc->camera.height, allocated);
    if (s == BV_OK) s = configure(r, desc, targets);
    uint64_t triangles = 0; /* primitive ids are 32-bit, one value kept for "none" */
    for (size_t i = 0; s == BV_OK && i < desc->mesh_count; i++) {
        s = check_mesh(r, i, &desc->meshes[i]);
        triangles += desc->meshes[i].triangles.count / 3;
        r->any_coverage = r->any_coverage || desc->meshes[i].alpha == BV_MESH_ALPHA_COVERAGE;
        r->any_unsmooth = r->any_unsmooth || bv__mesh_cutout(r, &desc->meshes[i]) ||
                          (r->want_color && !desc->meshes[i].uvs.count);
    }
    if (s == BV_OK && triangles >= BV__PRIM_NONE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: more than %u triangles in one view",
                        BV__PRIM_NONE - 1);
    return s;
}

bv_status bv_render_check(const bv_render_desc *desc, const bv_render_targets *targets)
{
    bv__render r;
    memset(&r, 0, sizeof r);
    return check_and_configure(&r, desc, targets, false);
}

static bv_status render(const bv_render_desc *desc, const bv_render_targets *targets, bool depth_map)
{
    bv__render r;
    memset(&r, 0, sizeof r);
    bv_status s = check_and_configure(&r, desc, targets, true);
    if (s == BV_OK) s = prepare_meshes(&r);
    if (s == BV_OK && depth_map && !r.perspective && r.grid.n == 1 && desc->camera.projection[10] != 0.0f) {
        /* key = -z_clip = -(P[10] z + P[11]) and depth = -z (row-major P, orthographic) */
        r.depth_from_keys = true;
        r.key_to_depth[0] = desc->camera.projection[10];
        r.key_to_depth[1] = desc->camera.projection[11];
    }
    if (s == BV_OK && r.vertex_count) {
        const int chunks = (int)((r.vertex_count + BV__BIN_CHUNK - 1) / BV__BIN_CHUNK);
        s = bv__parallel_for(r.workers, chunks, transform_task, &r);
    }
    if (s == BV_OK && r.triangle_count) {
        const int chunks = (int)((r.triangle_count + BV__BIN_CHUNK - 1) / BV__BIN_CHUNK);
        s = bv__parallel_for(r.workers, chunks, bounds_task, &r);
    }
    if (s == BV_OK) s = bin_triangles(&r);
    if (s == BV_OK && r.lit_wanted) s = bv__lit_create(desc, &r.lit);
    if (s == BV_OK) s = alloc_scratch(&r);
    /* from here on nothing fails: targets are written only now */
    if (s == BV_OK) s = bv__parallel_for(r.tile_workers, r.tiles_x * r.tiles_y, bv__render_tile, &r);
    release(&r);
    return s;
}

bv_status bv_render(const bv_render_desc *desc, const bv_render_targets *targets)
{
    return render(desc, targets, false);
}

bv_status bv__render_depth_map(const bv_render_desc *desc, const bv_render_targets *targets)
{
    if (targets && (targets->color.ptr || targets->alpha.ptr || targets->normal.ptr ||
                    targets->uv.ptr || targets->object_id.ptr))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "shadows: a depth map takes the depth target only");
    return render(desc, targets, true);
}
