/* Shadow maps from the core's rasteriser and the visibility of lights through them
 * (core/src/light/shadow.c): shadows where occluders are, none elsewhere (no acne), contact
 * shadows that start at the contact (no peter-panning), penumbrae that widen with the light's
 * size and the occluder's distance, every cube face, the same bits for every thread count, the
 * memory budget, and an exact message for each bad input. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "scene.h"

#include "light/shadow.h"

/* --- a triangle soup: one mesh of quads and boxes --- */

#define SOUP_MAX_QUADS 64

typedef struct soup {
    float positions[SOUP_MAX_QUADS * 12];
    uint32_t triangles[SOUP_MAX_QUADS * 6];
    size_t quads;
} soup;

/* A quad through corners a, b, c, d (in order around it). */
static void soup_quad(soup *s, const float a[3], const float b[3], const float c[3], const float d[3])
{
    if (s->quads >= SOUP_MAX_QUADS) return;
    float *p = s->positions + 12 * s->quads;
    const float *corners[4] = {a, b, c, d};
    for (int k = 0; k < 4; k++) memcpy(p + 3 * k, corners[k], 3 * sizeof(float));
    const uint32_t base = (uint32_t)(4 * s->quads);
    const uint32_t t[6] = {base, base + 1, base + 2, base, base + 2, base + 3};
    memcpy(s->triangles + 6 * s->quads, t, sizeof t);
    s->quads++;
}

/* A horizontal square quad at height z. */
static void soup_floor(soup *s, float x0, float y0, float x1, float y1, float z)
{
    const float a[3] = {x0, y0, z}, b[3] = {x1, y0, z}, c[3] = {x1, y1, z}, d[3] = {x0, y1, z};
    soup_quad(s, a, b, c, d);
}

/* An axis-aligned box, all six faces. */
static void soup_box(soup *s, const float lo[3], const float hi[3])
{
    float v[8][3];
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 3; k++) v[i][k] = (i >> k & 1) ? hi[k] : lo[k];
    soup_quad(s, v[0], v[2], v[3], v[1]); /* z lo */
    soup_quad(s, v[4], v[5], v[7], v[6]); /* z hi */
    soup_quad(s, v[0], v[1], v[5], v[4]); /* y lo */
    soup_quad(s, v[2], v[6], v[7], v[3]); /* y hi */
    soup_quad(s, v[0], v[4], v[6], v[2]); /* x lo */
    soup_quad(s, v[1], v[3], v[7], v[5]); /* x hi */
}

static bv_mesh soup_mesh(const soup *s)
{
    bv_mesh m;
    memset(&m, 0, sizeof m);
    m.positions = (bv_floats){s->positions, s->quads * 12};
    m.triangles = (bv_uints){s->triangles, s->quads * 6};
    return m;
}

/* A view description whose only purpose is to carry the meshes, threads and lighting; its
 * 1024 x 1024 size makes automatic shadow maps 2048 texels a side. */
static bv_render_desc desc_lit(const bv_mesh *meshes, size_t count, const bv_lighting *lighting,
                               int threads)
{
    bv_render_desc d;
    memset(&d, 0, sizeof d);
    d.camera.width = d.camera.height = 1024;
    d.meshes = meshes;
    d.mesh_count = count;
    d.threads = threads;
    d.lighting = lighting;
    return d;
}

static bv_light sun(float dx, float dy, float dz, float angle)
{
    bv_light l;
    memset(&l, 0, sizeof l);
    l.type = BV_LIGHT_SUN;
    l.color[0] = l.color[1] = l.color[2] = 1.0f;
    l.direction[0] = dx;
    l.direction[1] = dy;
    l.direction[2] = dz;
    l.angle = angle;
    l.shadow = true;
    return l;
}

static bv_light lamp(bv_light_type type, float x, float y, float z, float radius)
{
    bv_light l;
    memset(&l, 0, sizeof l);
    l.type = type;
    l.color[0] = l.color[1] = l.color[2] = 1.0f;
    l.position[0] = x;
    l.position[1] = y;
    l.position[2] = z;
    l.direction[2] = -1.0f;
    l.radius = radius;
    l.spot_size = (float)(M_PI / 3.0);
    l.axis_x[0] = 1.0f;
    l.shadow = true;
    return l;
}

static bv_lighting lighting_of(const bv_light *lights, size_t count, int map_size)
{
    bv_lighting g;
    memset(&g, 0, sizeof g);
    g.lights = lights;
    g.light_count = count;
    g.shadow_map_size = map_size;
    return g;
}

static const float up[3] = {0.0f, 0.0f, 1.0f};

static float vis_at(const bv__shadows *s, size_t light, double x, double y, double z, const float n[3])
{
    const float p[3] = {(float)x, (float)y, (float)z};
    return bv__shadow_visibility(s, light, p, n);
}

/* The shadows of `mesh` under one light, or NULL (a failed check). */
static bv__shadows *shadows_of(const bv_mesh *meshes, size_t count, const bv_light *light,
                               int map_size, int threads)
{
    const bv_lighting g = lighting_of(light, 1, map_size);
    const bv_render_desc d = desc_lit(meshes, count, &g, threads);
    bv__shadows *s = NULL;
    const bv_status st = bv__shadows_create(&d, &s);
    CHECK_MSG(st == BV_OK, "bv__shadows_create: %s", bv_error_message());
    CHECK(s != NULL);
    return s;
}

/* --- tests --- */

static void test_sun_shadow_of_a_box_is_dark_below_and_lit_around(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.5f, -0.5f, 1.0f}, hi[3] = {0.5f, 0.5f, 1.5f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    const bv_light l = sun(0, 0, -1, 0.0f);
    bv__shadows *s = shadows_of(&m, 1, &l, 512, 2);
    int dark = 0, lit = 0;
    for (double x = -3.9; x <= 3.9; x += 0.05)
        for (double y = -3.9; y <= 3.9; y += 0.05) {
            const float v = vis_at(s, 0, x, y, 0.0, up);
            if (fabs(x) < 0.45 && fabs(y) < 0.45) {
                dark++;
                CHECK_MSG(v == 0.0f, "(%g, %g) in the box's shadow sees %g", x, y, (double)v);
            } else if (fabs(x) > 0.55 || fabs(y) > 0.55) {
                lit++;
                CHECK_MSG(v == 1.0f, "(%g, %g) outside the box's shadow sees %g", x, y, (double)v);
            }
        }
    CHECK(dark > 200 && lit > 10000);
    /* the box's own top is lit; a point outside the sun's map is unshadowed */
    CHECK(vis_at(s, 0, 0.1, 0.1, 1.5, up) == 1.0f);
    CHECK(vis_at(s, 0, 100.0, 0.0, 0.0, up) == 1.0f);
    CHECK(vis_at(s, 0, 0.0, 0.0, -50.0, up) == 0.0f); /* below everything, under the box */
    /* lights without shadows and lighting without shadows */
    CHECK(bv__shadow_visibility(s, 1, (const float[3]){0, 0, 0}, up) == 1.0f);
    CHECK(bv__shadow_visibility(NULL, 0, (const float[3]){0, 0, 0}, up) == 1.0f);
    bv__shadows_destroy(s);

    /* meshes without triangles: nothing is shadowed */
    const bv_mesh empty = {0};
    const bv_lighting one = lighting_of(&l, 1, 64);
    const bv_render_desc d_empty = desc_lit(&empty, 1, &one, 1);
    CHECK(bv__shadows_create(&d_empty, &s) == BV_OK);
    CHECK(vis_at(s, 0, 0.0, 0.0, 0.0, up) == 1.0f);
    bv__shadows_destroy(s);

    bv_light off = l;
    off.shadow = false;
    const bv_lighting g = lighting_of(&off, 1, 512);
    const bv_render_desc d = desc_lit(&m, 1, &g, 1);
    bv__shadows *none = (bv__shadows *)&g; /* must be overwritten with NULL */
    CHECK(bv__shadows_create(&d, &none) == BV_OK);
    CHECK(none == NULL);
}

/* Width (metres) of the penumbra along +x at y = 0 on the floor: where 0 < visibility < 1. */
static double penumbra_width(const bv__shadows *s, double from, double to)
{
    double first = NAN, last = NAN;
    for (double x = from; x <= to; x += 0.002) {
        const float v = vis_at(s, 0, x, 0.0, 0.0, up);
        if (v > 0.0f && v < 1.0f) {
            if (isnan(first)) first = x;
            last = x;
        }
    }
    return isnan(first) ? 0.0 : last - first;
}

static double slab_penumbra(double height, double angle)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-1.0f, -1.0f, (float)height}, hi[3] = {1.0f, 1.0f, (float)height + 0.02f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    const bv_light l = sun(0, 0, -1, (float)angle);
    bv__shadows *s = shadows_of(&m, 1, &l, 1024, 2);
    const double w = penumbra_width(s, 0.0, 3.0);
    bv__shadows_destroy(s);
    return w;
}

static void test_sun_penumbra_widens_with_angle_and_occluder_distance(void)
{
    const double texel = 8.2 / 1024; /* the map spans the 8 m floor and a 1% margin */
    const double sharp = slab_penumbra(1.0, 0.0);
    const double a = slab_penumbra(1.0, 0.05), b = slab_penumbra(1.0, 0.1),
                 c = slab_penumbra(2.0, 0.05);
    /* a sharp sun: only the 1-texel filter's width */
    CHECK_MSG(sharp <= 2.5 * texel, "sharp penumbra %g m, texel %g m", sharp, texel);
    /* PCSS: full width 2 h tan(angle / 2) */
    CHECK_MSG(fabs(a - 2.0 * 1.0 * tan(0.025)) < 0.3 * a + 2 * texel, "penumbra %g m", a);
    CHECK_MSG(fabs(b - 2.0 * 1.0 * tan(0.05)) < 0.3 * b + 2 * texel, "penumbra %g m", b);
    CHECK_MSG(fabs(c - 2.0 * 2.0 * tan(0.025)) < 0.3 * c + 2 * texel, "penumbra %g m", c);
    CHECK_MSG(b > 1.6 * a && c > 1.6 * a && a > 2.0 * sharp, "widths: sharp %g, angle 0.05 %g, "
              "angle 0.1 %g, twice as high %g", sharp, a, b, c);
}

/* A floor facing the sun at several incidences, sharp and soft: lit everywhere. */
static void test_unoccluded_floor_has_no_acne_at_any_incidence(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const bv_mesh m = soup_mesh(&sc);
    const double incidences[] = {0.0, 0.5, 1.0, 1.3, 1.45}; /* radians from the normal */
    const float angles[] = {0.0f, 0.05f};
    for (size_t i = 0; i < sizeof incidences / sizeof incidences[0]; i++)
        for (size_t a = 0; a < 2; a++) {
            const bv_light l = sun((float)sin(incidences[i]), 0.3f * (float)sin(incidences[i]),
                                   -(float)cos(incidences[i]), angles[a]);
            bv__shadows *s = shadows_of(&m, 1, &l, 256, 2);
            int bad = 0;
            for (double x = -3.95; x <= 3.95; x += 0.0131)
                for (double y = -3.95; y <= 3.95; y += 0.0517)
                    bad += vis_at(s, 0, x, y, 0.0, up) != 1.0f;
            CHECK_MSG(bad == 0, "incidence %g, sun angle %g: %d points in shadow", incidences[i],
                      (double)angles[a], bad);
            bv__shadows_destroy(s);
        }
}

/* A box standing on the floor under a sun 45 degrees from the zenith: its shadow starts at its
 * foot and ends where its top's shadow does. */
static void test_contact_shadow_starts_at_the_contact(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.5f, -0.5f, 0.0f}, hi[3] = {0.5f, 0.5f, 1.0f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    const bv_light l = sun(1, 0, -1, 0.0f);
    const int size = 1024;
    bv__shadows *s = shadows_of(&m, 1, &l, size, 2);
    /* the map is at most the floor's diagonal section wide; a texel along the floor is 1 / cos 45
       degrees longer */
    const double texel = 8.2 / size * sqrt(2.0);
    for (double x = 0.5 + 2 * texel; x <= 1.5 - 2 * texel; x += texel / 4)
        CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 0.0f, "x %g (foot 0.5): %g", x,
                  (double)vis_at(s, 0, x, 0.0, 0.0, up));
    for (double x = 1.5 + 2 * texel; x <= 3.9; x += texel / 4)
        CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 1.0f, "x %g: %g", x,
                  (double)vis_at(s, 0, x, 0.0, 0.0, up));
    for (double x = -3.9; x <= -0.5 - 2 * texel; x += texel / 4)
        CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 1.0f, "x %g: %g", x,
                  (double)vis_at(s, 0, x, 0.0, 0.0, up));
    /* the wall facing the sun is lit from 2 texels above its foot (the concave corner) to its
       top */
    const float west[3] = {-1, 0, 0};
    for (double z = 2 * 8.2 / size; z < 0.995; z += 0.005)
        CHECK_MSG(vis_at(s, 0, -0.5, 0.0, z, west) == 1.0f, "lit wall at z %g", z);
    bv__shadows_destroy(s);
}

/* The same box on the floor lit from (-2, 0, 3) by a sharp spot aimed past it and by a point
 * light (whose shadow crosses from the -Z cube face to the +X one at x = 1): the shadow runs from
 * the foot at x = 0.5 to x = 1.75, where the top edge's shadow falls, to within 2 texels. */
static void test_contact_shadow_of_spot_and_point_lights_starts_at_the_contact(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.5f, -0.5f, 0.0f}, hi[3] = {0.5f, 0.5f, 1.0f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    bv_light lights[2] = {lamp(BV_LIGHT_SPOT, -2, 0, 3, 0.0f), lamp(BV_LIGHT_POINT, -2, 0, 3, 0.0f)};
    lights[0].direction[0] = 1.0f; /* 45 degrees down towards +x, a 90-degree cone */
    lights[0].spot_size = (float)(M_PI / 2.0);
    const int size = 1024;
    /* a texel at the farthest (5 m) point of the floor strip, 1.5 times longer along it */
    const double texel = 2.0 * 5.0 / size * 1.5;
    for (int li = 0; li < 2; li++) {
        bv__shadows *s = shadows_of(&m, 1, &lights[li], size, 2);
        for (double x = 0.5 + 2 * texel; x <= 1.75 - 2 * texel; x += texel / 4)
            CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 0.0f, "light %d, x %g: %g", li, x,
                      (double)vis_at(s, 0, x, 0.0, 0.0, up));
        for (double x = 1.75 + 2 * texel; x <= 3.0; x += texel / 4)
            CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 1.0f, "light %d, x %g: %g", li, x,
                      (double)vis_at(s, 0, x, 0.0, 0.0, up));
        for (double x = -1.0; x <= -0.5 - 2 * texel; x += texel / 4)
            CHECK_MSG(vis_at(s, 0, x, 0.0, 0.0, up) == 1.0f, "light %d, x %g: %g", li, x,
                      (double)vis_at(s, 0, x, 0.0, 0.0, up));
        bv__shadows_destroy(s);
    }
}

/* A spot over a floor with a slab between: the slab's shadow is the slab scaled from the spot. */
static void test_spot_shadow_is_the_projected_occluder(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.3f, -0.3f, 1.0f}, hi[3] = {0.3f, 0.3f, 1.02f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    const bv_light l = lamp(BV_LIGHT_SPOT, 0, 0, 4, 0.0f); /* 60 degree cone, down */
    bv__shadows *s = shadows_of(&m, 1, &l, 512, 2);
    /* the slab's bottom at 1 m: shadow half-width 0.3 * 4 / 3 = 0.4 on the floor */
    for (double x = -2.2; x <= 2.2; x += 0.01)
        for (double y = -2.2; y <= 2.2; y += 0.05) {
            const float v = vis_at(s, 0, x, y, 0.0, up);
            if (fabs(x) < 0.37 && fabs(y) < 0.37)
                CHECK_MSG(v == 0.0f, "(%g, %g): %g", x, y, (double)v);
            if (fabs(x) > 0.43 || fabs(y) > 0.43)
                CHECK_MSG(v == 1.0f, "(%g, %g): %g", x, y, (double)v);
        }
    CHECK(vis_at(s, 0, 3.5, 0.0, 0.0, up) == 1.0f); /* outside the cone */
    CHECK(vis_at(s, 0, 0.0, 0.0, 5.0, up) == 1.0f); /* behind the spot */
    bv__shadows_destroy(s);

    /* a larger spot radius softens the same edge */
    const bv_light soft = lamp(BV_LIGHT_SPOT, 0, 0, 4, 0.1f);
    s = shadows_of(&m, 1, &soft, 512, 2);
    /* penumbra of a sphere of radius R through an edge at 3 m from the floor, 1 m from the
       light: R * 3 / 1 each side of the geometric edge */
    CHECK(vis_at(s, 0, 0.0, 0.0, 0.0, up) == 0.0f);
    const float mid = vis_at(s, 0, 0.4, 0.0, 0.0, up);
    CHECK_MSG(mid > 0.2f && mid < 0.8f, "soft spot edge: %g", (double)mid);
    CHECK(vis_at(s, 0, 0.4 + 0.4, 0.0, 0.0, up) == 1.0f);
    bv__shadows_destroy(s);
}

/* A point light in a room of six walls, a small square occluder half-way to each wall: each
 * cube face shows its occluder's shadow and nothing else. */
static void test_point_light_shadows_on_every_cube_face(void)
{
    soup sc = {0};
    const float r = 3.0f, o = 1.5f, h = 0.2f;
    for (int axis = 0; axis < 3; axis++)
        for (int sign = -1; sign <= 1; sign += 2) {
            const int u = (axis + 1) % 3, v = (axis + 2) % 3;
            float c[4][3], q[4][3];
            for (int k = 0; k < 4; k++) {
                const float su = (k == 1 || k == 2) ? 1.0f : -1.0f, sv = k >= 2 ? 1.0f : -1.0f;
                c[k][axis] = sign * r;
                c[k][u] = su * r;
                c[k][v] = sv * r;
                q[k][axis] = sign * o;
                q[k][u] = su * h;
                q[k][v] = sv * h;
            }
            soup_quad(&sc, c[0], c[1], c[2], c[3]);
            soup_quad(&sc, q[0], q[1], q[2], q[3]);
        }
    const bv_mesh m = soup_mesh(&sc);
    const bv_light l = lamp(BV_LIGHT_POINT, 0, 0, 0, 0.0f);
    bv__shadows *s = shadows_of(&m, 1, &l, 512, 2);
    for (int axis = 0; axis < 3; axis++)
        for (int sign = -1; sign <= 1; sign += 2) {
            const int u = (axis + 1) % 3, v = (axis + 2) % 3;
            float n[3] = {0, 0, 0};
            n[axis] = (float)-sign; /* facing the light */
            int dark = 0, lit = 0;
            for (double a = -2.95; a <= 2.95; a += 0.05)
                for (double b = -2.95; b <= 2.95; b += 0.05) {
                    float p[3];
                    p[axis] = sign * r;
                    p[u] = (float)a;
                    p[v] = (float)b;
                    const float vis = bv__shadow_visibility(s, 0, p, n);
                    /* the occluder (half-width 0.2 at 1.5 m) shadows half-width 0.4 at 3 m */
                    if (fabs(a) < 0.37 && fabs(b) < 0.37) {
                        dark++;
                        CHECK_MSG(vis == 0.0f, "face %d%c (%g, %g): %g", axis, sign > 0 ? '+' : '-',
                                  a, b, (double)vis);
                    } else if (fabs(a) > 0.43 || fabs(b) > 0.43) {
                        lit++;
                        CHECK_MSG(vis == 1.0f, "face %d%c (%g, %g): %g", axis, sign > 0 ? '+' : '-',
                                  a, b, (double)vis);
                    }
                }
            CHECK(dark > 150 && lit > 10000);
        }
    bv__shadows_destroy(s);
}

/* An area light facing down: a small one casts a sharp shadow, a large one a wide penumbra, and
 * nothing behind it is shadowed. */
static void test_area_light_shadow_softens_with_its_size(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.3f, -0.3f, 1.0f}, hi[3] = {0.3f, 0.3f, 1.02f};
    soup_box(&sc, lo, hi);
    soup_floor(&sc, -1, -1, 1, 1, 6); /* behind the emitter */
    const bv_mesh m = soup_mesh(&sc);
    bv_light l = lamp(BV_LIGHT_AREA, 0, 0, 4, 0.0f);
    l.size[0] = l.size[1] = 0.0f;
    bv__shadows *s = shadows_of(&m, 1, &l, 512, 2);
    CHECK(vis_at(s, 0, 0.0, 0.0, 0.0, up) == 0.0f);
    CHECK(vis_at(s, 0, 0.35, 0.0, 0.0, up) == 0.0f);
    CHECK(vis_at(s, 0, 0.45, 0.0, 0.0, up) == 1.0f);
    CHECK(vis_at(s, 0, 3.0, 3.0, 0.0, up) == 1.0f); /* a side face */
    const float down[3] = {0, 0, -1};
    CHECK(vis_at(s, 0, 0.0, 0.0, 6.0, down) == 1.0f); /* behind: not shadowed by the maps */
    bv__shadows_destroy(s);
    l.size[0] = l.size[1] = 0.2f; /* a disc of radius 0.1: penumbra 0.3 each side */
    s = shadows_of(&m, 1, &l, 512, 2);
    const float edge = vis_at(s, 0, 0.4, 0.0, 0.0, up);
    CHECK_MSG(edge > 0.2f && edge < 0.8f, "area edge: %g", (double)edge);
    CHECK(vis_at(s, 0, 0.0, 0.0, 0.0, up) == 0.0f);
    CHECK(vis_at(s, 0, 0.8, 0.0, 0.0, up) == 1.0f);
    bv__shadows_destroy(s);
}

/* Everything above in one lighting, with 1 and 2 threads: the same bits. */
static void test_visibility_is_identical_for_every_thread_count(void)
{
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-0.5f, -0.3f, 0.0f}, hi[3] = {0.5f, 0.6f, 1.3f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    bv_light lights[4] = {sun(0.3f, 0.2f, -1, 0.03f), lamp(BV_LIGHT_SPOT, 1, 0.5f, 4, 0.1f),
                          lamp(BV_LIGHT_POINT, -1, 1, 2, 0.05f), lamp(BV_LIGHT_AREA, 0, -1, 3, 0)};
    lights[3].size[0] = 0.5f;
    lights[3].size[1] = 0.3f;
    const bv_lighting g = lighting_of(lights, 4, 300);
    bv__shadows *s[2] = {NULL, NULL};
    for (int t = 0; t < 2; t++) {
        const bv_render_desc d = desc_lit(&m, 1, &g, t + 1);
        CHECK(bv__shadows_create(&d, &s[t]) == BV_OK);
    }
    int differ = 0, shadowed = 0, partial = 0;
    for (size_t li = 0; li < 4; li++)
        for (double x = -3.9; x <= 3.9; x += 0.023)
            for (double y = -3.9; y <= 3.9; y += 0.031) {
                const float a = vis_at(s[0], li, x, y, 0.0, up), b = vis_at(s[1], li, x, y, 0.0, up);
                differ += memcmp(&a, &b, sizeof a) != 0;
                shadowed += a == 0.0f;
                partial += a > 0.0f && a < 1.0f;
            }
    CHECK_EQ_INT(differ, 0);
    CHECK(shadowed > 1000 && partial > 100);
    bv__shadows_destroy(s[0]);
    bv__shadows_destroy(s[1]);
}

static size_t bytes_of(const bv_light *lights, size_t count, int size, size_t limit)
{
    bv_lighting g = lighting_of(lights, count, size);
    g.shadow_memory_limit = limit;
    size_t bytes = 12345;
    /* automatic: 1024 for suns alone, 2048 beside other lights */
    const bv_status st = bv_lighting_shadow_bytes(&g, 1024, 1024, &bytes);
    CHECK_MSG(st == BV_OK, "%s", bv_error_message());
    return bytes;
}

static void test_shadow_bytes_follow_the_budget(void)
{
    const size_t mib = 1u << 20;
    bv_light l[4] = {sun(0, 0, -1, 0), lamp(BV_LIGHT_POINT, 0, 0, 1, 0),
                     lamp(BV_LIGHT_SPOT, 0, 0, 1, 0), lamp(BV_LIGHT_AREA, 0, 0, 1, 0)};
    CHECK_EQ_INT(bytes_of(l, 0, 0, 0), 0);
    CHECK_EQ_INT(bytes_of(l, 1, 0, 0), 4 * mib);           /* 1024^2 floats: a texel a pixel */
    CHECK_EQ_INT(bytes_of(l + 1, 1, 0, 0), 6 * 16 * mib);  /* a cube */
    CHECK_EQ_INT(bytes_of(l + 2, 1, 0, 0), 16 * mib);      /* a 60-degree cone */
    CHECK_EQ_INT(bytes_of(l + 3, 1, 0, 0), 5 * 16 * mib);  /* five faces */
    CHECK_EQ_INT(bytes_of(l, 4, 0, 0), 13 * 16 * mib);     /* 13 maps, 208 MiB: fits */
    CHECK_EQ_INT(bytes_of(l, 4, 512, 0), 13 * mib);
    l[2].spot_size = 2.5f; /* wider than 120 degrees: a cube */
    CHECK_EQ_INT(bytes_of(l + 2, 1, 512, 0), 6 * mib);
    l[0].shadow = false;
    CHECK_EQ_INT(bytes_of(l, 1, 0, 0), 0);
    l[0].shadow = true;
    /* halving to fit */
    const bv_light points[3] = {l[1], l[1], l[1]}; /* 288 MiB at 2048 */
    CHECK_EQ_INT(bytes_of(points, 3, 0, 0), 18 * 4 * mib);
    CHECK_EQ_INT(bytes_of(l, 1, 100, 100 * 100 * 4 - 1), 50 * 50 * 4);
    CHECK_EQ_INT(bytes_of(l, 1, 2048, 16 * 16 * 4), 16 * 16 * 4);
    CHECK_EQ_INT(bytes_of(l, 1, 8, 8 * 8 * 4), 8 * 8 * 4);
    CHECK_EQ_INT(bytes_of(l, 1, 2048, 1000000), 256 * 256 * 4);

    /* create makes maps of that side: a 16-texel sun map still finds the box's shadow */
    soup sc = {0};
    soup_floor(&sc, -4, -4, 4, 4, 0);
    const float lo[3] = {-1.5f, -1.5f, 1.0f}, hi[3] = {1.5f, 1.5f, 1.5f};
    soup_box(&sc, lo, hi);
    const bv_mesh m = soup_mesh(&sc);
    bv_lighting g = lighting_of(l, 1, 2048);
    g.shadow_memory_limit = 16 * 16 * 4;
    const bv_render_desc d = desc_lit(&m, 1, &g, 2);
    bv__shadows *s = NULL;
    CHECK(bv__shadows_create(&d, &s) == BV_OK);
    CHECK(vis_at(s, 0, 0.0, 0.0, 0.0, up) == 0.0f);
    CHECK(vis_at(s, 0, 3.0, 3.0, 0.0, up) == 1.0f);
    bv__shadows_destroy(s);
}

static void expect_error(const bv_lighting *g, const char *message)
{
    size_t bytes = 777;
    CHECK(bv_lighting_shadow_bytes(g, 1024, 1024, &bytes) == BV_ERROR_INVALID_ARGUMENT);
    CHECK_MSG(strcmp(bv_error_message(), message) == 0, "got \"%s\", expected \"%s\"",
              bv_error_message(), message);
    CHECK(bytes == 777);
    /* bv__shadows_create refuses it with the same words */
    soup sc = {0};
    soup_floor(&sc, -1, -1, 1, 1, 0);
    const bv_mesh m = soup_mesh(&sc);
    const bv_render_desc d = desc_lit(&m, 1, g, 1);
    bv__shadows *s = (bv__shadows *)&sc;
    CHECK(bv__shadows_create(&d, &s) == BV_ERROR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_MSG(strcmp(bv_error_message(), message) == 0, "create: got \"%s\"", bv_error_message());
}

static void test_bad_lighting_is_refused_with_its_message(void)
{
    bv_light l[3] = {sun(0, 0, -1, 0), lamp(BV_LIGHT_POINT, 0, 0, 1, 0),
                     lamp(BV_LIGHT_SPOT, 0, 0, 1, 0)};
    bv_lighting g = lighting_of(l, 3, 0);
    size_t bytes;
    CHECK(bv_lighting_shadow_bytes(NULL, 1024, 1024, &bytes) == BV_ERROR_INVALID_ARGUMENT);
    CHECK(strcmp(bv_error_message(), "lighting: lighting is NULL") == 0);
    CHECK(bv_lighting_shadow_bytes(&g, 1024, 1024, NULL) == BV_ERROR_INVALID_ARGUMENT);
    CHECK(strcmp(bv_error_message(), "lighting: r_bytes is NULL") == 0);

    l[2].spot_size = 4.0f;
    expect_error(&g, "lighting: light 2: spot_size 4 is outside (0, pi]");
    l[2].spot_size = 0.0f;
    expect_error(&g, "lighting: light 2: spot_size 0 is outside (0, pi]");
    l[2].spot_size = 1.0f;
    l[2].spot_blend = 1.5f;
    expect_error(&g, "lighting: light 2: spot_blend 1.5 is outside 0..1");
    l[2].spot_blend = 0.0f;
    l[2].spot_falloff = (bv_spot_falloff)7;
    expect_error(&g, "lighting: light 2: unknown spot_falloff 7");
    l[2].spot_falloff = BV_SPOT_SMOOTHSTEP;
    l[0].direction[2] = 0.0f;
    expect_error(&g, "lighting: light 0: direction is zero");
    l[0].direction[2] = NAN;
    expect_error(&g, "lighting: light 0: direction has a NaN or infinite value");
    l[0].direction[2] = -1.0f;
    l[0].angle = -0.1f;
    expect_error(&g, "lighting: light 0: angle -0.1 is outside [0, pi]");
    l[0].angle = 0.0f;
    l[1].color[1] = INFINITY;
    expect_error(&g, "lighting: light 1: color has a NaN or infinite value");
    l[1].color[1] = 1.0f;
    l[1].radius = -1.0f;
    expect_error(&g, "lighting: light 1: radius -1 is negative");
    l[1].radius = 0.0f;
    l[1].type = (bv_light_type)9;
    expect_error(&g, "lighting: light 1: unknown type 9");
    l[1].type = BV_LIGHT_AREA;
    l[1].size[1] = -2.0f;
    expect_error(&g, "lighting: light 1: size (0, -2) has a negative side");
    l[1].size[1] = 1.0f;
    l[1].shape = (bv_area_shape)3;
    expect_error(&g, "lighting: light 1: unknown shape 3");
    l[1].shape = BV_AREA_RECTANGLE;
    g.shadow_map_size = 8193;
    expect_error(&g, "lighting: shadow_map_size 8193 is outside 1..8192 (0: automatic)");
    g.shadow_map_size = -1;
    expect_error(&g, "lighting: shadow_map_size -1 is outside 1..8192 (0: automatic)");
    g.shadow_map_size = 0;
    g.light_count = 65;
    expect_error(&g, "lighting: light_count 65 is more than 64");
    g.light_count = 3;
    g.lights = NULL;
    expect_error(&g, "lighting: lights is NULL but light_count is 3");
    g.lights = l;
    g.shadow_memory_limit = 1000; /* a sun, an area light's 5 faces, a cone: 7 maps */
    expect_error(&g, "lighting: 7 shadow maps of 16 x 16 texels take 7168 bytes, more than "
                     "shadow_memory_limit 1000");
    g.shadow_memory_limit = 0;
    CHECK(bv_lighting_shadow_bytes(&g, 1024, 1024, &bytes) == BV_OK);
}

int main(void)
{
    RUN(test_sun_shadow_of_a_box_is_dark_below_and_lit_around);
    RUN(test_sun_penumbra_widens_with_angle_and_occluder_distance);
    RUN(test_unoccluded_floor_has_no_acne_at_any_incidence);
    RUN(test_contact_shadow_starts_at_the_contact);
    RUN(test_contact_shadow_of_spot_and_point_lights_starts_at_the_contact);
    RUN(test_spot_shadow_is_the_projected_occluder);
    RUN(test_point_light_shadows_on_every_cube_face);
    RUN(test_area_light_shadow_softens_with_its_size);
    RUN(test_visibility_is_identical_for_every_thread_count);
    RUN(test_shadow_bytes_follow_the_budget);
    RUN(test_bad_lighting_is_refused_with_its_message);
    return check_summary();
}
