/* Fuzz target: bv_render, bv_texture_create / sample, the filter functions.
 *
 * The input is read field by field (fuzz_common.h) into a camera of 1..64 px, preset or raw
 * matrices, sampling settings, up to 3 textures and 4 meshes of arbitrary sizes and values, and
 * the render targets (sometimes of the wrong size, NULL, or none). Every array is its own
 * allocation of exactly the size given to the library.
 *
 * Checked on every call: a status comes back; on failure a message is left and no target is
 * touched; on success the alpha pass (and the colour pass's alpha over an in-range background)
 * lies in [0, 1], an empty pixel is empty in every data pass, and the object id is one of the
 * meshes'. When every input value was moderate, every pass is finite and normals are unit or
 * zero; when the textures and background are in [0, 1] too, so is the colour. Some inputs render
 * twice with another thread count, which must give the same bits. */
#include <bakeview/bakeview.h>

#include "fuzz_common.h"

#define MAX_TEXTURES 3
#define MAX_MESHES 4
#define SENTINEL -12345.5f

/* --- camera presets (row-major, as Blender gives them) --- */

static void mat_identity(float m[16])
{
    memset(m, 0, 16 * sizeof(float));
    m[0] = m[5] = m[10] = m[15] = 1.0f;
}

/* world -> camera: turn by yaw about Y and pitch about X, then move the world `distance` away
 * along -Z (the camera looks down -Z). */
static void view_preset(fz_reader *in, float m[16])
{
    const float yaw = (float)fz_u8(in) * (6.2831853f / 256.0f);
    const float pitch = ((float)fz_u8(in) - 128.0f) * (1.5f / 128.0f);
    const float distance = 1.0f + (float)(fz_u8(in) % 16);
    const float cy = cosf(yaw), sy = sinf(yaw), cp = cosf(pitch), sp = sinf(pitch);
    /* R = Rx(pitch) * Ry(yaw) */
    const float r[9] = {cy, 0.0f, sy, sp * sy, cp, -sp * cy, -cp * sy, sp, cp * cy};
    mat_identity(m);
    for (int row = 0; row < 3; row++)
        for (int col = 0; col < 3; col++) m[row * 4 + col] = r[row * 3 + col];
    m[11] = -distance;
}

static void projection_preset(fz_reader *in, int width, int height, float m[16])
{
    const float aspect = (float)width / (float)height;
    memset(m, 0, 16 * sizeof(float));
    if (fz_bool(in)) { /* perspective, OpenGL convention, with a lens shift */
        const float fov = 0.2f + (float)fz_u8(in) * (2.8f / 255.0f);
        const float f = 1.0f / tanf(0.5f * fov);
        const float near = 0.05f * (float)(1 + fz_u8(in) % 20), far = near + 1.0f + (float)fz_u8(in);
        m[0] = f / aspect;
        m[5] = f;
        m[2] = (float)(int8_t)fz_u8(in) / 128.0f; /* shift x */
        m[6] = (float)(int8_t)fz_u8(in) / 128.0f; /* shift y */
        m[10] = (far + near) / (near - far);
        m[11] = 2.0f * far * near / (near - far);
        m[14] = -1.0f;
    } else { /* orthographic */
        const float scale = 0.25f + (float)fz_u8(in) / 16.0f;
        const float near = (float)(int8_t)fz_u8(in) / 8.0f, far = near + 1.0f + (float)fz_u8(in);
        m[0] = 2.0f / (scale * (aspect >= 1.0f ? 1.0f : aspect));
        m[5] = m[0] * aspect;
        m[10] = -2.0f / (far - near);
        m[11] = -(far + near) / (far - near);
        m[15] = 1.0f;
    }
}

/* A preset, raw values, or a preset with a few entries replaced. */
static void matrix(fz_reader *in, float m[16], int kind, int width, int height)
{
    const uint8_t mode = fz_u8(in) % 8;
    if (mode == 6) {
        for (int i = 0; i < 16; i++) m[i] = fz_float(in, 2.0f);
        return;
    }
    if (kind == 0) view_preset(in, m);
    else if (kind == 1) projection_preset(in, width, height, m);
    else if (fz_bool(in)) memset(m, 0, 16 * sizeof(float)); /* matrix_world: zeros mean identity */
    else {
        mat_identity(m);
        const float s = 0.25f + (float)(fz_u8(in) % 16) / 4.0f;
        m[0] = fz_bool(in) ? -s : s; /* sometimes mirrored */
        m[5] = m[10] = s;
        m[3] = fz_float(in, 1.0f), m[7] = fz_float(in, 1.0f), m[11] = fz_float(in, 1.0f);
    }
    if (mode == 7) {
        const int count = 1 + fz_u8(in) % 3;
        for (int i = 0; i < count; i++) {
            const int at = fz_u8(in) % 16;
            m[at] = fz_bool(in) ? fz_wild_float(in) : fz_float(in, 8.0f);
        }
    }
}

/* --- textures and meshes --- */

typedef struct texture_input {
    float *pixels;
    bv_texture *texture;
    bool in_range; /* every value in [0, 1] (and premultiplied ones valid) */
} texture_input;

static void make_texture(fz_reader *in, texture_input *t)
{
    bv_texture_desc desc = {0};
    desc.width = fz_int(in, 1, 8);
    desc.height = fz_int(in, 1, 8);
    const uint8_t extension = fz_u8(in);
    desc.extension = (bv_extension)(extension % 5);               /* 4: unknown */
    desc.alpha = (bv_texture_alpha)(extension / 5 % 5);           /* 4: unknown */
    desc.interpolation = (bv_interpolation)(fz_u8(in) % 3);       /* 2: unknown */
    desc.mipmaps = fz_bool(in);
    size_t count = 0;
    if (desc.width > 0 && desc.height > 0 && desc.width <= 8 && desc.height <= 8)
        count = 4 * (size_t)desc.width * (size_t)desc.height;
    const uint8_t mode = fz_u8(in);
    if ((mode & 31) == 31) count += (mode & 32) ? 1 : (count ? (size_t)-1 : 0); /* wrong count */
    if ((mode & 31) == 30) count = 4;
    const int values = (mode >> 6) % 3;
    t->pixels = fz_alloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++)
        t->pixels[i] = values == 0 ? fz_unit(in) : values == 1 ? fz_float(in, 8.0f)
                                                                : (i % 4 == 3 ? 1.0f : fz_unit(in));
    t->in_range = fz_all_in(t->pixels, count, 0.0f, 1.0f);
    if (desc.alpha == BV_TEXTURE_ALPHA_PREMULTIPLIED) /* and premultiplied: colour <= alpha */
        for (size_t i = 0; i + 3 < count && t->in_range; i += 4)
            t->in_range = t->pixels[i] <= t->pixels[i + 3] && t->pixels[i + 1] <= t->pixels[i + 3] &&
                          t->pixels[i + 2] <= t->pixels[i + 3];
    desc.pixels = (bv_floats){(mode & 31) == 29 ? NULL : t->pixels, count};
    bv_texture **out = (mode & 31) == 28 ? NULL : &t->texture;
    const bv_status status = bv_texture_create((mode & 31) == 27 ? NULL : &desc, out);
    fz_trace("bv_texture_create", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_OUT_OF_MEMORY,
             "texture_create returned %d", (int)status);
    if (status != BV_OK) {
        FZ_CHECK(bv_error_message()[0] != '\0', "texture_create failed without a message");
        FZ_CHECK(t->texture == NULL, "texture_create failed but set the texture");
        return;
    }
    FZ_CHECK(t->texture != NULL, "texture_create succeeded without a texture");
    const int levels = bv_texture_level_count(t->texture);
    FZ_CHECK(levels >= 1 && (desc.mipmaps || levels == 1), "level count %d", levels);
    /* a few lookups at arbitrary coordinates */
    const int lookups = fz_u8(in) % 4;
    for (int i = 0; i < lookups; i++) {
        const float u = fz_float(in, 1.0f), v = fz_float(in, 1.0f), lod = fz_float(in, 4.0f);
        float rgba[4];
        if (fz_bool(in)) bv_texture_sample(t->texture, u, v, rgba);
        else bv_texture_sample_lod(t->texture, u, v, lod, rgba);
        if (t->in_range)
            FZ_CHECK(fz_all_in(rgba, 4, 0.0f, 1.0f + 1e-4f),
                     "texture sample at (%g, %g) lod %g of an in-range texture gave (%g, %g, %g, %g)",
                     (double)u, (double)v, (double)lod, (double)rgba[0], (double)rgba[1],
                     (double)rgba[2], (double)rgba[3]);
        else if (fz_all_in(t->pixels, count, -1e6f, 1e6f))
            FZ_CHECK(fz_all_finite(rgba, 4), "texture sample at (%g, %g) lod %g is not finite",
                     (double)u, (double)v, (double)lod);
    }
}

typedef struct mesh_input {
    float *positions, *uvs, *normals;
    uint32_t *triangles, *loops;
} mesh_input;

/* A count that is usually `right`, sometimes off by one or arbitrary (small). */
static size_t fuzzy_count(fz_reader *in, size_t right)
{
    const uint8_t mode = fz_u8(in);
    if (mode < 240) return right;
    if (mode < 248) return right + 1;
    if (mode < 252) return right ? right - 1 : 0;
    return fz_u8(in);
}

static uint32_t *make_indices(fz_reader *in, size_t count, size_t bound)
{
    uint32_t *v = fz_alloc(count * sizeof(uint32_t));
    for (size_t i = 0; i < count; i++) {
        const uint8_t mode = fz_u8(in);
        if (mode < 250) v[i] = (uint32_t)(fz_u8(in) % (bound + 1)); /* sometimes == bound: out */
        else v[i] = fz_u32(in), in->wild = true;
    }
    return v;
}

static void make_mesh(fz_reader *in, bv_mesh *m, mesh_input *mi, const texture_input *textures)
{
    memset(m, 0, sizeof *m);
    const size_t vertices = fz_u8(in) % 17, triangles = fz_u8(in) % 17;
    const size_t position_count = fuzzy_count(in, 3 * vertices);
    const float scale = fz_bool(in) ? 2.0f : 0.25f + (float)(fz_u8(in) % 64);
    mi->positions = fz_floats(in, position_count, scale);
    const size_t index_count = fuzzy_count(in, 3 * triangles);
    mi->triangles = make_indices(in, index_count, vertices);
    m->positions = (bv_floats){mi->positions, position_count};
    m->triangles = (bv_uints){mi->triangles, index_count};

    const uint8_t layout = fz_u8(in);
    const bool by_loop = layout & 1;
    size_t uv_count = 0, normal_count = 0, loop_count = 0;
    if (by_loop) {
        const size_t loops = fz_u8(in) % 25;
        loop_count = fuzzy_count(in, 3 * triangles);
        mi->loops = make_indices(in, loop_count, loops);
        m->loops = (bv_uints){mi->loops, loop_count};
        if (layout & 2) uv_count = fuzzy_count(in, 2 * loops);
        if (layout & 4) normal_count = fuzzy_count(in, 3 * loops);
    } else {
        if (layout & 2) uv_count = fuzzy_count(in, 6 * triangles);
        if (layout & 4) normal_count = fuzzy_count(in, 9 * triangles);
    }
    mi->uvs = fz_floats(in, uv_count, 1.0f);
    mi->normals = fz_floats(in, normal_count, 1.0f);
    m->uvs = (bv_floats){(layout & 8) && uv_count ? NULL : mi->uvs, uv_count};
    m->normals = (bv_floats){(layout & 16) && normal_count ? NULL : mi->normals, normal_count};
    if ((layout & 32) && loop_count) m->loops.ptr = NULL;
    matrix(in, m->matrix_world, 2, 0, 0);
    const uint8_t texture_byte = fz_u8(in);
    const uint8_t texture = texture_byte % (MAX_TEXTURES + 1);
    m->texture = texture < MAX_TEXTURES ? textures[texture].texture : NULL;
    m->alpha = (bv_mesh_alpha)(texture_byte / (MAX_TEXTURES + 1) % 3); /* 2: unknown */
    m->object_id = (fz_u8(in) & 15) == 15 ? fz_u32(in) : fz_u8(in);
}

/* --- targets --- */

enum { PASS_COLOR, PASS_ALPHA, PASS_DEPTH, PASS_NORMAL, PASS_UV, PASS_OBJECT_ID, PASS_COUNT };
static const size_t pass_channels[PASS_COUNT] = {4, 1, 1, 3, 2, 1};

static bv_float_span *pass_span(bv_render_targets *t, int pass)
{
    switch (pass) {
    case PASS_COLOR: return &t->color;
    case PASS_ALPHA: return &t->alpha;
    case PASS_DEPTH: return &t->depth;
    case PASS_NORMAL: return &t->normal;
    case PASS_UV: return &t->uv;
    default: return &t->object_id;
    }
}

/* Buffers for the passes in the mask `passes`; bad_pass (-1: none) gets one float too many
 * (bad_mode 0), too few (1), or a NULL pointer with its count (2). owned[] receives what to free. */
static void alloc_targets(bv_render_targets *t, uint8_t passes, int bad_pass, uint8_t bad_mode,
                          size_t pixels, float *owned[PASS_COUNT])
{
    memset(t, 0, sizeof *t);
    for (int p = 0; p < PASS_COUNT; p++) {
        owned[p] = NULL;
        if (!(passes & (1u << p)) && p != bad_pass) continue;
        size_t count = pixels * pass_channels[p];
        if (p == bad_pass && bad_mode == 2) {
            *pass_span(t, p) = (bv_float_span){NULL, count};
            continue;
        }
        if (p == bad_pass) count = bad_mode == 0 ? count + 1 : count - 1;
        float *buffer = fz_alloc(count * sizeof(float));
        for (size_t i = 0; i < count; i++) buffer[i] = SENTINEL;
        *pass_span(t, p) = (bv_float_span){buffer, count};
        owned[p] = buffer;
    }
}

static void free_targets(float *owned[PASS_COUNT])
{
    for (int p = 0; p < PASS_COUNT; p++) free(owned[p]);
}

static void check_output(const bv_render_desc *d, const bv_render_targets *t, bool moderate,
                         bool textures_in_range)
{
    const size_t pixels = (size_t)d->camera.width * (size_t)d->camera.height;
    const bool background_in_range = fz_all_in(d->background, 4, 0.0f, 1.0f);
    size_t seen = 0; /* pixels with some coverage or a surface, for the trace */
    for (size_t i = 0; i < pixels; i++)
        seen += (t->alpha.ptr && t->alpha.ptr[i] > 0.0f) || (t->object_id.ptr && t->object_id.ptr[i] >= 0.0f) ||
                (t->color.ptr && t->color.ptr[4 * i + 3] > 0.0f);
    fz_trace("pixels seen", (int)seen);
    for (size_t i = 0; i < pixels; i++) {
        if (t->alpha.ptr)
            FZ_CHECK(t->alpha.ptr[i] >= 0.0f && t->alpha.ptr[i] <= 1.0f + 1e-5f,
                     "alpha[%zu] = %g", i, (double)t->alpha.ptr[i]);
        if (t->color.ptr) {
            const float *c = t->color.ptr + 4 * i;
            if (background_in_range)
                FZ_CHECK(c[3] >= 0.0f && c[3] <= 1.0f + 1e-5f, "color[%zu].a = %g", i, (double)c[3]);
            if (background_in_range && textures_in_range)
                FZ_CHECK(fz_all_in(c, 4, 0.0f, 1.0f + 1e-4f),
                         "color[%zu] = (%g, %g, %g, %g) from in-range textures and background", i,
                         (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
            if (moderate) FZ_CHECK(fz_all_finite(c, 4), "color[%zu] is not finite", i);
        }
        bool empty = false;
        if (t->object_id.ptr) {
            const float id = t->object_id.ptr[i];
            empty = id == BV_OBJECT_ID_EMPTY;
            bool known = empty;
            for (size_t m = 0; m < d->mesh_count && !known; m++)
                known = id == (float)d->meshes[m].object_id;
            FZ_CHECK(known, "object_id[%zu] = %g is no mesh's", i, (double)id);
        }
        if (t->depth.ptr) {
            const float depth = t->depth.ptr[i];
            if (empty) FZ_CHECK(depth == BV_DEPTH_EMPTY, "empty pixel %zu has depth %g", i, (double)depth);
            if (moderate) FZ_CHECK(isfinite(depth), "depth[%zu] = %g", i, (double)depth);
        }
        if (t->uv.ptr) {
            const float *uv = t->uv.ptr + 2 * i;
            if (empty) FZ_CHECK(uv[0] == 0.0f && uv[1] == 0.0f, "empty pixel %zu has a uv", i);
            if (moderate) FZ_CHECK(fz_all_finite(uv, 2), "uv[%zu] is not finite", i);
        }
        if (t->normal.ptr) {
            const float *n = t->normal.ptr + 3 * i;
            const float length = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            if (empty) FZ_CHECK(length == 0.0f, "empty pixel %zu has a normal", i);
            if (moderate)
                FZ_CHECK(length == 0.0f || fabsf(length - 1.0f) < 1e-3f,
                         "normal[%zu] = (%g, %g, %g) is neither unit nor zero", i, (double)n[0],
                         (double)n[1], (double)n[2]);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader in = {data, size, false};

    /* the filter functions: any filter, width and offset give a weight in [0, 1] */
    {
        const bv_filter filter = (bv_filter)(fz_u8(&in) % 4);
        const float width = fz_float(&in, 2.0f), x = fz_float(&in, 2.0f);
        const float w = bv_filter_weight(filter, width, x);
        FZ_CHECK(w >= 0.0f && w <= 1.0f + 1e-6f, "filter %d width %g at %g weighs %g", (int)filter,
                 (double)width, (double)x, (double)w);
        (void)bv_filter_radius(filter, width);
    }

    bv_render_desc desc = {0};
    desc.camera.width = fz_int(&in, 1, 64);
    desc.camera.height = fz_int(&in, 1, 64);
    const bool sane_size = desc.camera.width >= 1 && desc.camera.width <= 64 &&
                           desc.camera.height >= 1 && desc.camera.height <= 64;
    const int w = sane_size ? desc.camera.width : 1, h = sane_size ? desc.camera.height : 1;
    matrix(&in, desc.camera.view, 0, w, h);
    matrix(&in, desc.camera.projection, 1, w, h);
    desc.samples = fz_int(&in, 0, 17);           /* 17: too many */
    desc.filter = (bv_filter)(fz_u8(&in) % 4);   /* 3: unknown */
    desc.filter_width = (fz_u8(&in) & 3) == 0 ? 0.0f : fz_float(&in, 2.0f);
    if (fz_bool(&in))
        for (int k = 0; k < 4; k++) desc.background[k] = fz_unit(&in);
    desc.premultiplied = fz_bool(&in);
    desc.mipmaps = fz_bool(&in);
    desc.cull_backfaces = fz_bool(&in);
    desc.threads = fz_int(&in, 0, 3);

    texture_input textures[MAX_TEXTURES] = {{0}};
    const int texture_count = fz_u8(&in) % (MAX_TEXTURES + 1);
    for (int i = 0; i < texture_count; i++) make_texture(&in, &textures[i]);
    bool textures_in_range = true;
    for (int i = 0; i < texture_count; i++)
        if (textures[i].texture) textures_in_range = textures_in_range && textures[i].in_range;

    bv_mesh meshes[MAX_MESHES];
    mesh_input mesh_inputs[MAX_MESHES] = {{0}};
    const size_t mesh_count = fz_u8(&in) % (MAX_MESHES + 1);
    for (size_t i = 0; i < mesh_count; i++) make_mesh(&in, &meshes[i], &mesh_inputs[i], textures);
    desc.meshes = mesh_count && (fz_u8(&in) & 31) == 31 ? NULL : meshes;
    desc.mesh_count = mesh_count;

    const uint8_t passes = fz_u8(&in);
    const uint8_t bad = fz_u8(&in);
    const int bad_pass = bad >= 224 ? (int)(bad % PASS_COUNT) : -1;
    const uint8_t bad_mode = (bad >> 3) % 3;
    const size_t pixels = (size_t)w * (size_t)h;
    bv_render_targets targets;
    float *owned[PASS_COUNT];
    /* no pass at all now and then (passes 0, 64, 128, 192 ask for none, others for colour) */
    const uint8_t mask = (passes & 63) ? passes : (passes >> 6) ? 1 : 0;
    alloc_targets(&targets, mask, bad_pass, bad_mode, pixels, owned);
    const uint8_t extra = fz_u8(&in);
    const bool moderate = !in.wild;

    const uint8_t nulls = extra & 7;
    const bv_status status = bv_render(nulls == 7 ? NULL : &desc, nulls == 6 ? NULL : &targets);
    fz_trace("bv_render", (int)status);
    FZ_CHECK(status == BV_OK || status == BV_ERROR_INVALID_ARGUMENT || status == BV_ERROR_OUT_OF_MEMORY,
             "bv_render returned %d", (int)status);
    if (status != BV_OK) {
        const char *message = bv_error_message();
        FZ_CHECK(message[0] != '\0' && strlen(message) < 512, "bv_render failed without a message");
        for (int p = 0; p < PASS_COUNT; p++) {
            const bv_float_span *s = pass_span(&targets, p);
            for (size_t i = 0; s->ptr && i < s->count; i++)
                FZ_CHECK(s->ptr[i] == SENTINEL, "failed bv_render (%s) wrote pass %d", message, p);
        }
    } else {
        FZ_CHECK(sane_size && nulls < 6 && bad_pass < 0, "bv_render accepted a bad call");
        check_output(&desc, &targets, moderate, textures_in_range);
        if (extra & 8) { /* the same view with another thread count gives the same bits */
            bv_render_targets again;
            float *owned_again[PASS_COUNT];
            alloc_targets(&again, mask, -1, 0, pixels, owned_again);
            const int threads = desc.threads;
            desc.threads = threads == 1 ? 3 : 1;
            const bv_status status_again = bv_render(&desc, &again);
            desc.threads = threads;
            FZ_CHECK(status_again == BV_OK, "the render failed with %d threads: %s", desc.threads,
                     bv_error_message());
            for (int p = 0; p < PASS_COUNT; p++) {
                const bv_float_span *a = pass_span(&targets, p), *b = pass_span(&again, p);
                if (a->ptr)
                    FZ_CHECK(memcmp(a->ptr, b->ptr, a->count * sizeof(float)) == 0,
                             "pass %d differs between %d and %d threads", p, threads,
                             threads == 1 ? 3 : 1);
            }
            free_targets(owned_again);
        }
    }

    free_targets(owned);
    for (size_t i = 0; i < mesh_count; i++) {
        free(mesh_inputs[i].positions);
        free(mesh_inputs[i].triangles);
        free(mesh_inputs[i].uvs);
        free(mesh_inputs[i].normals);
        free(mesh_inputs[i].loops);
    }
    for (int i = 0; i < texture_count; i++) {
        bv_texture_destroy(textures[i].texture);
        free(textures[i].pixels);
    }
    return 0;
}
