/* Shadow maps rendered by the core's own rasteriser (bv_render's depth pass, one sample per
 * texel at its centre), and soft visibility from them (PCSS with a fixed tap pattern).
 *
 * Maps per shadowing light:
 *   SUN   one orthographic map looking along the light, fitted to the meshes' vertices as the
 *         light sees them (plus a 1% margin);
 *   SPOT  one perspective map over its cone (plus a texel) when spot_size <= 120 degrees; a
 *         wider spot takes six 90-degree cube faces as a point light;
 *   POINT six 90-degree cube faces along the world axes;
 *   AREA  five 90-degree cube faces around its axis (the face looking back is left out: the
 *         emitter is one-sided); its size softens as a disc of radius (size[0] + size[1]) / 4.
 * Each map stores the distance along its view axis (the depth pass), BV_DEPTH_EMPTY where no
 * surface is seen. Near and far planes are fitted to the meshes' bounds.
 *
 * Visibility: the point is moved along its normal by up to one texel (normal offset, times the
 * sine of the light's incidence), each tap compares the stored depth with the receiver's plane
 * (through the point, with its normal) at that texel, less a bias of half a texel plus half a
 * texel per unit of the incidence's tangent (slope-scaled). The plane's depth is linear in the
 * texel (exactly for ORTHO, to first order about the point for PERSPECTIVE), its gradient never
 * steeper than MAX_SLOPE: a tap costs a multiply-add and a compare. A blocker search over
 * the largest possible penumbra gives the mean blocker depth, hence the penumbra (sun angle,
 * light radius, area size), filtered by percentage-closer taps; at least a 1-texel radius for
 * sharp lights. Taps are a fixed golden-angle spiral: the result is a pure function. */
#include "light/shadow.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "render_internal.h"

#define PI 3.14159265358979323846
/* shadow_map_size 0: a power of two from a floor to AUTO_MAX_SIZE, a texel per pixel of the view
 * for suns alone (their maps are fitted to the objects in view) and two beside the 90-degree faces
 * of point, spot and area lights. Below the floor the soft-shadow filter and the depth bias grow
 * past a pixel of a small view: sun maps (96 px views of the box scene, in the shadow: 29.2 dB
 * with 256 texels, 33.6 with 512, 33.5 with 1024) need less than cube faces (the area scene: 34.9
 * and 33.6 dB with 512, 35.8 and 34.9 with 1024). Sun maps at a texel a pixel: a 384 px view of
 * the box, in the shadow, against Cycles: 36.6 dB with 512 texels, 37.0 with 1024; a 512 px view
 * of bench_lit's torus over a floor against a 4096-texel map: 52 dB with 512, 60 with 1024, while
 * the 1024 map made that lit view x2.02 the unlit time instead of x1.91. */
#define AUTO_MIN_SUN_SIZE 512
#define AUTO_MIN_SIZE 1024
#define AUTO_MAX_SIZE 2048
#define DEFAULT_MEMORY_LIMIT ((size_t)256 << 20)
#define MIN_FITTED_SIZE 16
#define WIDE_SPOT (2.0 * PI / 3.0) /* wider spots take a cube */
#define BLOCKER_TAPS 16
#define FILTER_TAPS 32
#define MIN_FILTER_TEXELS 1.0   /* sharp lights still get this much PCF (radius) */
#define MAX_FILTER_TEXELS 48.0  /* penumbrae and searches are capped at this radius */
#define NORMAL_OFFSET_TEXELS 1.0
#define CONSTANT_BIAS_TEXELS 0.5
#define SLOPE_BIAS_TEXELS 0.5
#define MAX_SLOPE 20.0 /* tangent of the incidence, about 87 degrees */

enum { MAP_ORTHO, MAP_PERSPECTIVE };

typedef struct shadow_map {
    float view[16];       /* world -> light camera, as rendered */
    float projection[16]; /* as rendered */
    int kind;
    double scale; /* ORTHO: half extent (metres); PERSPECTIVE: tan of the half angle */
    double far;
    float *depth; /* size x size, row 0 at the bottom */
} shadow_map;

typedef struct light_maps {
    size_t first, count; /* maps[first .. first + count) */
    bool cube;           /* faces indexed by the major axis of `basis` (face_map) */
    double basis[3][3];  /* cube: the faces' axes e0, e1, e2 in world space */
    int face_map[6];     /* +e0, -e0, +e1, -e1, +e2, -e2 -> map index from first, or -1 */
    double softness;     /* SUN: tan(angle / 2); others: the emitter's radius (metres) */
} light_maps;

struct bv__shadows {
    int size;
    bv_lighting lighting; /* lights copied into `lights` */
    bv_light lights[BV_MAX_LIGHTS];
    light_maps per_light[BV_MAX_LIGHTS];
    shadow_map *maps;
    size_t map_count;
    float blocker_x[BLOCKER_TAPS], blocker_y[BLOCKER_TAPS]; /* unit-disc spirals, by axis */
    float filter_x[FILTER_TAPS], filter_y[FILTER_TAPS];
};

/* --- validation and the memory budget --- */

static bool finite_n(const float *v, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i])) return false;
    return true;
}

static bv_status check_light(size_t i, const bv_light *l)
{
    if ((unsigned)l->type > BV_LIGHT_AREA)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: unknown type %d", i,
                        (int)l->type);
    const struct {
        const char *name;
        const float *v;
        int n;
    } fields[] = {{"color", l->color, 3},       {"position", l->position, 3},
                  {"direction", l->direction, 3}, {"axis_x", l->axis_x, 3},
                  {"angle", &l->angle, 1},       {"radius", &l->radius, 1},
                  {"spot_size", &l->spot_size, 1}, {"spot_blend", &l->spot_blend, 1},
                  {"size", l->size, 2}};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
        if (!finite_n(fields[f].v, fields[f].n))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: light %zu: %s has a NaN or infinite value", i, fields[f].name);
    if (l->type != BV_LIGHT_POINT && l->direction[0] == 0.0f && l->direction[1] == 0.0f &&
        l->direction[2] == 0.0f)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: direction is zero", i);
    if (l->type == BV_LIGHT_SUN && !(l->angle >= 0.0f && l->angle <= (float)PI))
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: angle %g is outside [0, pi]",
                        i, (double)l->angle);
    if ((l->type == BV_LIGHT_POINT || l->type == BV_LIGHT_SPOT) && l->radius < 0.0f)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: radius %g is negative", i,
                        (double)l->radius);
    if (l->type == BV_LIGHT_SPOT) {
        if (!(l->spot_size > 0.0f && l->spot_size <= (float)PI))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: light %zu: spot_size %g is outside (0, pi]", i,
                            (double)l->spot_size);
        if (!(l->spot_blend >= 0.0f && l->spot_blend <= 1.0f))
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: light %zu: spot_blend %g is outside 0..1", i,
                            (double)l->spot_blend);
        if ((unsigned)l->spot_falloff > BV_SPOT_COSINE_SMOOTHSTEP)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: unknown spot_falloff %d",
                            i, (int)l->spot_falloff);
    }
    if (l->type == BV_LIGHT_AREA) {
        if ((unsigned)l->shape > BV_AREA_ELLIPSE)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light %zu: unknown shape %d", i,
                            (int)l->shape);
        if (l->size[0] < 0.0f || l->size[1] < 0.0f)
            return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                            "lighting: light %zu: size (%g, %g) has a negative side", i,
                            (double)l->size[0], (double)l->size[1]);
    }
    return BV_OK;
}

static size_t maps_of_light(const bv_light *l)
{
    if (!l->shadow) return 0;
    switch (l->type) {
    case BV_LIGHT_SUN: return 1;
    case BV_LIGHT_SPOT: return l->spot_size <= WIDE_SPOT ? 1 : 6;
    case BV_LIGHT_POINT: return 6;
    case BV_LIGHT_AREA: return 5;
    }
    return 0;
}

/* Checks `lighting` and fits the maps' side to the budget: *r_maps maps of *r_size texels a side. */
static bv_status plan(const bv_lighting *lighting, int view_width, int view_height,
                      size_t *r_maps, int *r_size, size_t *r_bytes)
{
    if (!lighting) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: lighting is NULL");
    if (lighting->light_count > BV_MAX_LIGHTS)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: light_count %zu is more than %d",
                        lighting->light_count, BV_MAX_LIGHTS);
    if (lighting->light_count && !lighting->lights)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: lights is NULL but light_count is %zu",
                        lighting->light_count);
    if (lighting->shadow_map_size < 0 || lighting->shadow_map_size > BV_MAX_SHADOW_MAP_SIZE)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "lighting: shadow_map_size %d is outside 1..%d (0: automatic)",
                        lighting->shadow_map_size, BV_MAX_SHADOW_MAP_SIZE);
    size_t maps = 0;
    bool suns_only = true;
    for (size_t i = 0; i < lighting->light_count; i++) {
        const bv_status s = check_light(i, &lighting->lights[i]);
        if (s != BV_OK) return s;
        maps += maps_of_light(&lighting->lights[i]);
        if (maps_of_light(&lighting->lights[i]) && lighting->lights[i].type != BV_LIGHT_SUN)
            suns_only = false;
    }
    const size_t limit = lighting->shadow_memory_limit ? lighting->shadow_memory_limit
                                                       : DEFAULT_MEMORY_LIMIT;
    int size = lighting->shadow_map_size;
    if (size == 0) {
        const long side = view_width > view_height ? view_width : view_height;
        const long wanted = suns_only ? side : 2 * side;
        size = suns_only ? AUTO_MIN_SUN_SIZE : AUTO_MIN_SIZE;
        while (size < AUTO_MAX_SIZE && size < wanted) size *= 2;
    }
    /* maps <= 6 * 64 and size <= 8192: the product fits in 64 bits */
    size_t bytes = maps * (size_t)size * (size_t)size * sizeof(float);
    while (bytes > limit && size > MIN_FITTED_SIZE) {
        size = size / 2 < MIN_FITTED_SIZE ? MIN_FITTED_SIZE : size / 2;
        bytes = maps * (size_t)size * (size_t)size * sizeof(float);
    }
    if (bytes > limit)
        return bv__fail(BV_ERROR_INVALID_ARGUMENT,
                        "lighting: %zu shadow maps of %d x %d texels take %zu bytes, more than "
                        "shadow_memory_limit %zu",
                        maps, size, size, bytes, limit);
    *r_maps = maps;
    *r_size = size;
    *r_bytes = bytes;
    return BV_OK;
}

bv_status bv_lighting_shadow_bytes(const bv_lighting *lighting, int view_width, int view_height,
                                   size_t *r_bytes)
{
    if (!r_bytes) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "lighting: r_bytes is NULL");
    size_t maps, bytes;
    int size;
    const bv_status s = plan(lighting, view_width, view_height, &maps, &size, &bytes);
    if (s == BV_OK) *r_bytes = bytes;
    return s;
}

/* --- small vector helpers (double) --- */

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void cross3(const double a[3], const double b[3], double r[3])
{
    const double x = a[1] * b[2] - a[2] * b[1], y = a[2] * b[0] - a[0] * b[2],
                 z = a[0] * b[1] - a[1] * b[0];
    r[0] = x;
    r[1] = y;
    r[2] = z;
}

static void normalize3(double v[3])
{
    const double len = sqrt(dot3(v, v));
    if (len > 0.0)
        for (int k = 0; k < 3; k++) v[k] /= len;
}

static void to_double3(const float v[3], double r[3])
{
    for (int k = 0; k < 3; k++) r[k] = v[k];
}

/* An orthonormal basis whose third axis is `forward` (normalised). */
static void basis_along(const float forward[3], double r[3][3])
{
    double f[3];
    to_double3(forward, f);
    normalize3(f);
    /* the world axis least along f helps build the first axis */
    int least = 0;
    for (int k = 1; k < 3; k++)
        if (fabs(f[k]) < fabs(f[least])) least = k;
    double helper[3] = {0.0, 0.0, 0.0};
    helper[least] = 1.0;
    cross3(helper, f, r[0]);
    normalize3(r[0]);
    cross3(f, r[0], r[1]);
    for (int k = 0; k < 3; k++) r[2][k] = f[k];
}

/* --- map cameras --- */

/* view = world -> camera looking down -Z along `forward`, with axes x, y; eye in world space. */
static void set_view(shadow_map *m, const double x[3], const double y[3], const double forward[3],
                     const double eye[3])
{
    const double *rows[3] = {x, y, NULL};
    double z[3] = {-forward[0], -forward[1], -forward[2]};
    rows[2] = z;
    memset(m->view, 0, sizeof m->view);
    for (int r = 0; r < 3; r++) {
        double t = 0.0;
        for (int k = 0; k < 3; k++) {
            m->view[4 * r + k] = (float)rows[r][k];
            t -= rows[r][k] * eye[k];
        }
        m->view[4 * r + 3] = (float)t;
    }
    m->view[15] = 1.0f;
}

static void set_ortho(shadow_map *m, double half, double near, double far)
{
    memset(m->projection, 0, sizeof m->projection);
    m->kind = MAP_ORTHO;
    m->projection[0] = m->projection[5] = (float)(1.0 / half);
    m->projection[10] = (float)(-2.0 / (far - near));
    m->projection[11] = (float)(-(far + near) / (far - near));
    m->projection[15] = 1.0f;
    m->scale = 1.0 / (double)m->projection[0]; /* as rendered */
    m->far = far;
}

static void set_perspective(shadow_map *m, double tan_half, double near, double far)
{
    memset(m->projection, 0, sizeof m->projection);
    m->kind = MAP_PERSPECTIVE;
    m->projection[0] = m->projection[5] = (float)(1.0 / tan_half);
    m->projection[10] = (float)(-(far + near) / (far - near));
    m->projection[11] = (float)(-2.0 * far * near / (far - near));
    m->projection[14] = -1.0f;
    m->scale = 1.0 / (double)m->projection[0];
    m->far = far;
}

/* World position of vertex v of mesh m. */
static void world_vertex(const bv_mesh *m, size_t v, double r[3])
{
    const float *p = m->positions.ptr + 3 * v;
    bool identity = true;
    for (int i = 0; i < 16; i++) identity = identity && m->matrix_world[i] == 0.0f;
    if (identity) {
        to_double3(p, r);
        return;
    }
    const float *w = m->matrix_world;
    for (int row = 0; row < 3; row++)
        r[row] = (double)w[4 * row] * p[0] + (double)w[4 * row + 1] * p[1] +
                 (double)w[4 * row + 2] * p[2] + (double)w[4 * row + 3];
}

typedef struct bounds {
    double lo[3], hi[3]; /* along the given axes */
    bool any;
} bounds;

/* The meshes' vertices' extent along axes[0..2] (world AABB with the unit axes). */
static void measure(const bv_render_desc *desc, const double axes[3][3], bounds *b)
{
    b->any = false;
    for (size_t i = 0; i < desc->mesh_count; i++) {
        const bv_mesh *m = &desc->meshes[i];
        if (m->triangles.count == 0) continue;
        for (size_t v = 0; v < m->positions.count / 3; v++) {
            double w[3];
            world_vertex(m, v, w);
            for (int k = 0; k < 3; k++) {
                const double c = dot3(axes[k], w);
                if (!b->any || c < b->lo[k]) b->lo[k] = c;
                if (!b->any || c > b->hi[k]) b->hi[k] = c;
            }
            b->any = true;
        }
    }
}

static void sun_camera(shadow_map *m, const bv_light *l, const bv_render_desc *desc)
{
    double axes[3][3];
    basis_along(l->direction, axes); /* axes[2]: the way light travels */
    bounds b;
    measure(desc, axes, &b);
    if (!b.any)
        for (int k = 0; k < 3; k++) b.lo[k] = -1.0, b.hi[k] = 1.0;
    double extent = 0.0;
    for (int k = 0; k < 3; k++) {
        const double e = b.hi[k] - b.lo[k];
        if (e > extent) extent = e;
    }
    double scale = 0.0; /* how large coordinates are, for a floor on the margin */
    for (int k = 0; k < 3; k++) scale = fmax(scale, fmax(fabs(b.lo[k]), fabs(b.hi[k])));
    const double margin = 0.01 * extent + 1e-5 * scale + 1e-6;
    const double half = 0.5 * fmax(b.hi[0] - b.lo[0], b.hi[1] - b.lo[1]) + margin;
    const double cx = 0.5 * (b.lo[0] + b.hi[0]), cy = 0.5 * (b.lo[1] + b.hi[1]);
    const double top = b.lo[2] - margin; /* the light comes from low coordinates along axes[2] */
    double eye[3];
    for (int k = 0; k < 3; k++) eye[k] = axes[0][k] * cx + axes[1][k] * cy + axes[2][k] * top;
    set_view(m, axes[0], axes[1], axes[2], eye);
    set_ortho(m, half, margin * 0.5, (b.hi[2] - b.lo[2]) + 2.0 * margin);
}

/* Far plane for maps from `origin`: past the farthest vertex; near a small fraction of it. */
static void radial_planes(const bv_render_desc *desc, const double origin[3], double *r_near,
                          double *r_far)
{
    const double axes[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    bounds b;
    measure(desc, axes, &b);
    double far2 = 0.0;
    if (b.any)
        for (int corner = 0; corner < 8; corner++) {
            double d2 = 0.0;
            for (int k = 0; k < 3; k++) {
                const double c = (corner >> k & 1) ? b.hi[k] : b.lo[k];
                d2 += (c - origin[k]) * (c - origin[k]);
            }
            far2 = fmax(far2, d2);
        }
    const double far = fmax(sqrt(far2) * 1.01, 1e-3);
    *r_far = far;
    *r_near = far * 1e-4;
}

static void face_camera(shadow_map *m, const double forward[3], const double up[3],
                        const double eye[3], double tan_half, double near, double far)
{
    double z[3] = {-forward[0], -forward[1], -forward[2]}, x[3];
    cross3(up, z, x);
    set_view(m, x, up, forward, eye);
    set_perspective(m, tan_half, near, far);
}

/* The cameras of light l's maps (lm->count of them from maps + lm->first). */
static void light_cameras(const bv_light *l, light_maps *lm, shadow_map *maps, int size,
                          const bv_render_desc *desc)
{
    shadow_map *m = maps + lm->first;
    for (int f = 0; f < 6; f++) lm->face_map[f] = -1;
    if (l->type == BV_LIGHT_SUN) {
        lm->softness = tan(0.5 * l->angle);
        sun_camera(m, l, desc);
        return;
    }
    lm->softness = l->type == BV_LIGHT_AREA ? 0.25 * ((double)l->size[0] + l->size[1]) : l->radius;
    double eye[3], near, far;
    to_double3(l->position, eye);
    radial_planes(desc, eye, &near, &far);
    if (lm->count == 1) { /* a spot's cone */
        double axes[3][3];
        basis_along(l->direction, axes);
        const double half = 0.5 * l->spot_size;
        const double tan_half = tan(half) * (1.0 + 2.0 / size); /* a texel of margin */
        face_camera(m, axes[2], axes[1], eye, tan_half, near, far);
        return;
    }
    lm->cube = true;
    if (l->type == BV_LIGHT_AREA) {
        basis_along(l->direction, lm->basis);
    } else {
        memset(lm->basis, 0, sizeof lm->basis);
        lm->basis[0][0] = lm->basis[1][1] = lm->basis[2][2] = 1.0;
    }
    size_t next = 0;
    for (int f = 0; f < 6; f++) {
        const int axis = f / 2;
        const double sign = f % 2 ? -1.0 : 1.0;
        if (l->type == BV_LIGHT_AREA && f == 5) continue; /* behind the one-sided emitter */
        double forward[3], up[3];
        for (int k = 0; k < 3; k++) {
            forward[k] = sign * lm->basis[axis][k];
            up[k] = lm->basis[(axis + 1) % 3][k];
        }
        lm->face_map[f] = (int)next;
        face_camera(&m[next], forward, up, eye, 1.0, near, far);
        next++;
    }
}

/* --- creation --- */

void bv__shadows_destroy(bv__shadows *shadows)
{
    if (!shadows) return;
    for (size_t i = 0; i < shadows->map_count; i++) BV_FREE(shadows->maps[i].depth);
    BV_FREE(shadows->maps);
    BV_FREE(shadows);
}

static void spiral(float *x, float *y, int n)
{
    for (int k = 0; k < n; k++) {
        const double r = sqrt((k + 0.5) / n), a = k * 2.399963229728653; /* golden angle */
        x[k] = (float)(r * cos(a));
        y[k] = (float)(r * sin(a));
    }
}

bv_status bv__shadows_create(const bv_render_desc *desc, bv__shadows **r_shadows)
{
    if (!r_shadows) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "shadows: r_shadows is NULL");
    *r_shadows = NULL;
    if (!desc) return bv__fail(BV_ERROR_INVALID_ARGUMENT, "shadows: desc is NULL");
    if (!desc->lighting) return BV_OK;
    size_t map_count, bytes;
    int size;
    bv_status s = plan(desc->lighting, desc->camera.width, desc->camera.height, &map_count, &size,
                       &bytes);
    if (s != BV_OK || map_count == 0) return s;

    bv__shadows *sh = NULL;
    bv_mesh *meshes = NULL;
    bv_render_desc depth_desc;
    bv_render_targets targets;
    size_t first = 0;
    sh = bv__alloc_array(1, sizeof *sh);
    if (!sh) {
        s = bv__fail(BV_ERROR_OUT_OF_MEMORY, "shadows: out of memory");
        goto done;
    }
    memset(sh, 0, sizeof *sh);
    sh->size = size;
    sh->lighting = *desc->lighting;
    if (sh->lighting.light_count)
        memcpy(sh->lights, desc->lighting->lights, sh->lighting.light_count * sizeof(bv_light));
    sh->lighting.lights = sh->lights;
    spiral(sh->blocker_x, sh->blocker_y, BLOCKER_TAPS);
    spiral(sh->filter_x, sh->filter_y, FILTER_TAPS);
    sh->maps = bv__alloc_array(map_count, sizeof *sh->maps);
    if (!sh->maps) {
        s = bv__fail(BV_ERROR_OUT_OF_MEMORY, "shadows: out of memory for %zu maps", map_count);
        goto done;
    }
    memset(sh->maps, 0, map_count * sizeof *sh->maps);
    sh->map_count = map_count;
    for (size_t i = 0; i < map_count; i++) {
        sh->maps[i].depth = bv__alloc_array((size_t)size * (size_t)size, sizeof(float));
        if (!sh->maps[i].depth) {
            s = bv__fail(BV_ERROR_OUT_OF_MEMORY,
                         "shadows: out of memory for a %d x %d shadow map", size, size);
            goto done;
        }
    }

    /* The meshes without colour: only their depth is rendered. */
    if (desc->mesh_count) {
        if (!desc->meshes) {
            s = bv__fail(BV_ERROR_INVALID_ARGUMENT, "render: meshes is NULL but mesh_count is %zu",
                         desc->mesh_count);
            goto done;
        }
        meshes = bv__alloc_array(desc->mesh_count, sizeof *meshes);
        if (!meshes) {
            s = bv__fail(BV_ERROR_OUT_OF_MEMORY, "shadows: out of memory for %zu meshes",
                         desc->mesh_count);
            goto done;
        }
        for (size_t i = 0; i < desc->mesh_count; i++) {
            meshes[i] = desc->meshes[i];
            meshes[i].texture = NULL;
            meshes[i].material = NULL;
            meshes[i].alpha = BV_MESH_ALPHA_IGNORED;
        }
    }
    memset(&depth_desc, 0, sizeof depth_desc);
    depth_desc.meshes = meshes;
    depth_desc.mesh_count = desc->mesh_count;
    depth_desc.samples = 1;
    /* a one-texel box: no filter footprint around each tile to rasterise (depth is not filtered) */
    depth_desc.filter = BV_FILTER_BOX;
    depth_desc.filter_width = 1.0f;
    depth_desc.threads = desc->threads;
    depth_desc.camera.width = depth_desc.camera.height = size;
    memset(&targets, 0, sizeof targets);
    targets.depth.count = (size_t)size * (size_t)size;
    /* the meshes are checked (by the renderer's own rules) before their vertices are measured */
    for (int k = 0; k < 4; k++)
        depth_desc.camera.view[5 * k] = depth_desc.camera.projection[5 * k] = 1.0f;
    s = bv_render_check(&depth_desc, &targets);
    if (s != BV_OK) goto done;

    for (size_t i = 0; i < sh->lighting.light_count; i++) {
        light_maps *lm = &sh->per_light[i];
        lm->first = first;
        lm->count = maps_of_light(&sh->lights[i]);
        if (!lm->count) continue;
        light_cameras(&sh->lights[i], lm, sh->maps, size, desc);
        first += lm->count;
    }
    for (size_t i = 0; i < map_count; i++) {
        memcpy(depth_desc.camera.view, sh->maps[i].view, sizeof sh->maps[i].view);
        memcpy(depth_desc.camera.projection, sh->maps[i].projection, sizeof sh->maps[i].projection);
        targets.depth.ptr = sh->maps[i].depth;
        s = bv__render_depth_map(&depth_desc, &targets);
        if (s != BV_OK) goto done;
    }

done:
    BV_FREE(meshes);
    if (s != BV_OK) {
        bv__shadows_destroy(sh);
        return s;
    }
    *r_shadows = sh;
    return BV_OK;
}

/* --- visibility --- */

static void to_camera(const shadow_map *m, const double p[3], double translate, double c[3])
{
    const float *v = m->view;
    for (int r = 0; r < 3; r++)
        c[r] = v[4 * r] * p[0] + v[4 * r + 1] * p[1] + v[4 * r + 2] * p[2] + translate * v[4 * r + 3];
}

/* x within [lo, hi], NaN to lo: fmin and fmax are libm calls (their NaN rules) */
static inline double clamp(double x, double lo, double hi)
{
    x = x > lo ? x : lo;
    return x < hi ? x : hi;
}

/* World size of a texel at depth d. */
static double texel_at(const shadow_map *m, int size, double d)
{
    return m->kind == MAP_ORTHO ? 2.0 * m->scale / size : 2.0 * m->scale * d / size;
}

/* The receiver's plane as the map sees it: at texel (i, j) its depth is
 * d0 + du (i + 0.5 - u) + dv (j + 0.5 - v), where (u, v) is the point's texel position. */
typedef struct receiver {
    double u, v, d0, du, dv;
} receiver;

/* The plane through camera-space c0 (depth d0) of camera-space normal nc, whose texel at c0 spans
 * `texel` metres: its depth gradient per texel, clamped to MAX_SLOPE x texel. Where the light
 * grazes or misses the plane the gradient is the steepest, along the normal's lean. */
static void receiver_gradient(const shadow_map *m, int size, const double c0[3], double d0,
                              const double nc[3], double texel, receiver *r)
{
    const double lean = sqrt(nc[0] * nc[0] + nc[1] * nc[1]), steepest = MAX_SLOPE * texel;
    double du = 0.0, dv = 0.0;
    bool grazing;
    if (m->kind == MAP_ORTHO) {
        grazing = !(nc[2] > 0.0);
        if (!grazing) du = nc[0] / nc[2] * texel, dv = nc[1] / nc[2] * texel;
    } else {
        /* depth along the ray (x, y, -1) is num / den; its derivative in x is -num nc_x / den^2 */
        const double ray[3] = {c0[0] / d0, c0[1] / d0, -1.0};
        const double num = dot3(nc, c0), den = dot3(nc, ray), per_texel = 2.0 * m->scale / size;
        grazing = num < 0.0 && !(den < 0.0);
        if (num < 0.0 && den < 0.0) {
            du = -num * nc[0] / (den * den) * per_texel;
            dv = -num * nc[1] / (den * den) * per_texel;
        }
    }
    const double g = sqrt(du * du + dv * dv);
    if (grazing) {
        du = lean > 0.0 ? steepest * nc[0] / lean : 0.0;
        dv = lean > 0.0 ? steepest * nc[1] / lean : 0.0;
    } else if (g > steepest) {
        du *= steepest / g;
        dv *= steepest / g;
    }
    r->d0 = d0;
    r->du = du;
    r->dv = dv;
}

/* The taps of one search or filter, in float, as a loop the compiler turns into AVX2 gathers (in
 * the x86-64-v3 copy BV__TILE_CLONES makes): tap
 * k at (u, v) + radius (x[k], y[k]) reads the texel it falls in (clamped to the map) and is
 * blocked where the stored depth is nearer than the receiver's plane there, less the bias. The
 * planes's depth is relative to d0 (float keeps a micrometre at the maps' tens of metres).
 * r_blocked[k]: the stored depth where tap k is blocked, else NaN; returns how many are. */
typedef struct taps {
    const float *x, *y;
    int count;
} taps;

BV__TILE_CLONES static int blocked_taps(const float *restrict depth, int size,
                                        const receiver *rc, double radius, double bias, taps t,
                                        float *restrict r_blocked)
{
    const float u = (float)rc->u, v = (float)rc->v, du = (float)rc->du, dv = (float)rc->dv;
    const float d0 = (float)rc->d0, rad = (float)radius, level = (float)bias;
    const float top = (float)(size - 1);
    const float *restrict tx = t.x, *restrict ty = t.y;
    const int n = t.count;
    int count = 0;
    for (int k = 0; k < n; k++) {
        /* floor, then clamped into the map (NaN goes to 0); compares, not fminf and fmaxf,
           which are calls (their NaN rules) and keep the loop scalar */
        float fx = floorf(u + rad * tx[k]), fy = floorf(v + rad * ty[k]);
        fx = fx > 0.0f ? fx : 0.0f;
        fy = fy > 0.0f ? fy : 0.0f;
        fx = fx < top ? fx : top;
        fy = fy < top ? fy : top;
        const float z = depth[(int)fy * size + (int)fx];
        const float plane = du * (fx + 0.5f - u) + dv * (fy + 0.5f - v) - level;
        const bool blocked = z - d0 < plane;
        r_blocked[k] = blocked ? z : NAN;
        count += blocked;
    }
    return count;
}

float bv__shadow_visibility(const bv__shadows *shadows, size_t light, const float p[3],
                            const float n[3])
{
    if (!shadows || light >= shadows->lighting.light_count) return 1.0f;
    const light_maps *lm = &shadows->per_light[light];
    if (lm->count == 0) return 1.0f;
    const bv_light *l = &shadows->lights[light];
    const int size = shadows->size;
    double P[3], N[3], L[3];
    to_double3(p, P);
    to_double3(n, N);
    normalize3(N);
    if (l->type == BV_LIGHT_SUN) {
        for (int k = 0; k < 3; k++) L[k] = -(double)l->direction[k];
    } else {
        for (int k = 0; k < 3; k++) L[k] = l->position[k] - P[k];
    }
    normalize3(L);
    if (!isfinite(P[0] + P[1] + P[2] + N[0] + N[1] + N[2]) || dot3(L, L) == 0.0) return 1.0f;

    const shadow_map *m = &shadows->maps[lm->first];
    if (lm->cube) {
        double local[3];
        for (int k = 0; k < 3; k++)
            local[k] = lm->basis[k][0] * -L[0] + lm->basis[k][1] * -L[1] + lm->basis[k][2] * -L[2];
        int axis = 0;
        for (int k = 1; k < 3; k++)
            if (fabs(local[k]) > fabs(local[axis])) axis = k;
        const int face = lm->face_map[2 * axis + (local[axis] < 0.0)];
        if (face < 0) return 1.0f; /* behind a one-sided emitter */
        m = &shadows->maps[lm->first + (size_t)face];
    }

    /* incidence, normal offset */
    const double cos_i = clamp(dot3(N, L), 0.0, 1.0), sin_i = sqrt(1.0 - cos_i * cos_i);
    const double tan_i = clamp(sin_i / (cos_i > 1e-9 ? cos_i : 1e-9), 0.0, MAX_SLOPE);
    double depth = 0.0; /* the point's depth in a perspective map (orthographic texels are even) */
    if (m->kind == MAP_PERSPECTIVE) {
        double c[3];
        to_camera(m, P, 1.0, c);
        depth = -c[2];
        if (!(depth > 0.0)) return 1.0f;
    }
    const double offset = NORMAL_OFFSET_TEXELS * texel_at(m, size, depth) * sin_i;
    double Q[3], c0[3], nc[3];
    for (int k = 0; k < 3; k++) Q[k] = P[k] + N[k] * offset;
    to_camera(m, Q, 1.0, c0);
    to_camera(m, N, 0.0, nc);
    const double d0 = -c0[2];
    if (m->kind == MAP_PERSPECTIVE && !(d0 > 0.0)) return 1.0f;
    const double scale = m->kind == MAP_ORTHO ? m->scale : m->scale * d0;
    const double u = (c0[0] / scale + 1.0) * 0.5 * size, v = (c0[1] / scale + 1.0) * 0.5 * size;
    if (!lm->cube && !(u >= 0.0 && u < size && v >= 0.0 && v < size)) return 1.0f; /* outside */
    const double texel = texel_at(m, size, d0);
    const double bias = texel * (CONSTANT_BIAS_TEXELS + SLOPE_BIAS_TEXELS * tan_i);
    receiver rc = {.u = u, .v = v};
    receiver_gradient(m, size, c0, d0, nc, texel, &rc);
    const double soft = lm->softness;

    /* blocker search over the widest penumbra any blocker could cast */
    double radius = MIN_FILTER_TEXELS;
    if (soft > 0.0) {
        double search;
        if (m->kind == MAP_ORTHO) {
            search = d0 * soft / texel; /* blockers up to the map's top, depth 0 */
        } else {
            const double near = m->far * 1e-4;
            search = soft * (d0 - near) / (near * d0) * size / (2.0 * m->scale);
        }
        search = clamp(search, MIN_FILTER_TEXELS, MAX_FILTER_TEXELS);
        float blocked[BLOCKER_TAPS];
        const taps search_taps = {shadows->blocker_x, shadows->blocker_y, BLOCKER_TAPS};
        const int found = blocked_taps(m->depth, size, &rc, search, bias, search_taps, blocked);
        if (found == 0) return 1.0f;
        double sum = 0.0;
        for (int k = 0; k < BLOCKER_TAPS; k++)
            if (blocked[k] == blocked[k]) sum += blocked[k]; /* not NaN */
        const double blocker = sum / found;
        const double penumbra = m->kind == MAP_ORTHO
                                    ? (d0 - blocker) * soft / texel
                                    : soft * (d0 - blocker) / (blocker > 1e-30 ? blocker : 1e-30) / texel;
        radius = clamp(penumbra, MIN_FILTER_TEXELS, MAX_FILTER_TEXELS);
    }

    /* percentage-closer filtering over the penumbra */
    float blocked[FILTER_TAPS];
    const taps filter_taps = {shadows->filter_x, shadows->filter_y, FILTER_TAPS};
    const int dark = blocked_taps(m->depth, size, &rc, radius, bias, filter_taps, blocked);
    return (float)(FILTER_TAPS - dark) / (float)FILTER_TAPS;
}
