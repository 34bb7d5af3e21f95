/* Sutherland-Hodgman clipping in clip space. */
#include <string.h>

#include "clip.h"

#define BV__PLANE_COUNT 6

/* Signed distance to plane i, positive inside (OpenGL clip volume, guard band on x and y). */
static float plane_distance(const bv__clip_planes *planes, int plane, const float p[4])
{
    switch (plane) {
    case 0: return p[2] + p[3];                     /* near: z >= -w */
    case 1: return p[3] - p[2];                     /* far: z <= w */
    case 2: return planes->guard_x * p[3] + p[0];   /* x >= -g w */
    case 3: return planes->guard_x * p[3] - p[0];   /* x <= g w */
    case 4: return planes->guard_y * p[3] + p[1];
    default: return planes->guard_y * p[3] - p[1];
    }
}

unsigned bv__clip_outcode(const bv__clip_planes *planes, const float p[4])
{
    unsigned code = 0;
    for (int i = 0; i < BV__PLANE_COUNT; i++)
        if (!(plane_distance(planes, i, p) >= 0.0f)) code |= 1u << i;
    return code;
}

/* The crossing point, computed from the inside vertex towards the outside one so that both
 * triangles sharing an edge get bit-identical points. */
static void intersect(const float in[4], float d_in, const float out[4], float d_out, float r[4])
{
    float t = d_in / (d_in - d_out);
    if (!(t >= 0.0f)) t = 0.0f; /* NaN when distances overflow: stay on the inside vertex */
    if (t > 1.0f) t = 1.0f;
    for (int k = 0; k < 4; k++) r[k] = in[k] + t * (out[k] - in[k]);
}

int bv__clip_triangle(const bv__clip_planes *planes, const float in[3][4],
                      float out[BV__CLIP_MAX_VERTICES][4])
{
    float buffer[2][BV__CLIP_MAX_VERTICES + 1][4];
    int count = 3;
    memcpy(buffer[0], in, 3 * sizeof in[0]);
    int src = 0;
    for (int plane = 0; plane < BV__PLANE_COUNT && count > 0; plane++) {
        float(*poly)[4] = buffer[src];
        float(*next)[4] = buffer[1 - src];
        int next_count = 0;
        for (int i = 0; i < count; i++) {
            const float *a = poly[i], *b = poly[(i + 1) % count];
            const float da = plane_distance(planes, plane, a);
            const float db = plane_distance(planes, plane, b);
            const bool a_in = da >= 0.0f, b_in = db >= 0.0f;
            if (a_in) memcpy(next[next_count++], a, sizeof poly[0]);
            if (a_in != b_in && next_count < BV__CLIP_MAX_VERTICES) {
                if (a_in) intersect(a, da, b, db, next[next_count++]);
                else intersect(b, db, a, da, next[next_count++]);
            }
        }
        count = next_count;
        src = 1 - src;
    }
    memcpy(out, buffer[src], (size_t)count * sizeof out[0]);
    return count;
}
