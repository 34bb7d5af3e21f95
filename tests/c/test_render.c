/* bv_render geometry and sampling: a textured quad reproduces its texture, UVs and depth are
 * perspective-correct, the near plane clips, geometry behind the camera vanishes, and the nearer
 * surface wins the depth test whatever the mesh order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "raster.h"
#include "scene.h"

/* --- references --- */

/* Bilinear tap (Cycles: texel centres at (i + 0.5) / N), REPEAT, in double: premultiplied RGB,
 * the colour the renderer shades with (Cycles' Color output with Alpha unused). */
static void bilinear_repeat(const float *px, int w, int h, double u, double v, double r[3])
{
    const double x = u * w - 0.5, y = v * h - 0.5;
    const int ix = (int)floor(x), iy = (int)floor(y);
    const double fx = x - ix, fy = y - iy;
    for (int k = 0; k < 3; k++) r[k] = 0.0;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            const int tx = ((ix + dx) % w + w) % w, ty = ((iy + dy) % h + h) % h;
            const double wt = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
            const float *p = px + 4 * (ty * w + tx);
            for (int k = 0; k < 3; k++) r[k] += wt * p[k] * p[3];
        }
}

static double psnr(const float *a, const double *b, size_t count, int stride_a, int channels)
{
    double se = 0.0;
    for (size_t i = 0; i < count; i++)
        for (int k = 0; k < channels; k++) {
            const double d = a[i * (size_t)stride_a + (size_t)k] - b[i * (size_t)channels + (size_t)k];
            se += d * d;
        }
    const double mse = se / ((double)count * channels);
    return mse > 0 ? 10.0 * log10(1.0 / mse) : 999.0;
}

/* Random RGB; alpha 1, or random in [0, 1] (some texels fully transparent) if `translucent`. */
static float *random_texture_alpha(int w, int h, uint64_t seed, bool translucent)
{
    float *px = malloc((size_t)w * h * 4 * sizeof(float));
    rng r = {seed};
    for (int i = 0; i < w * h; i++) {
        for (int k = 0; k < 3; k++) px[4 * i + k] = (float)rng_unit(&r);
        px[4 * i + 3] = translucent ? (i % 7 == 0 ? 0.0f : (float)rng_unit(&r)) : 1.0f;
    }
    return px;
}

static float *random_texture(int w, int h, uint64_t seed) { return random_texture_alpha(w, h, seed, false); }

/* An orthographic camera looking down -Z from the origin whose frame spans exactly x in [-1, 1]
 * (width >= height) at any depth; a quad at z = -5 reaching `margin` pixels past the frame on
 * every side, with UVs mapping the frame to [0, 1]^2 (and beyond it past the frame). */
typedef struct ortho_scene {
    float view[16], projection[16];
    quad_mesh quad;
    int width, height;
} ortho_scene;

static void ortho_scene_init(ortho_scene *s, int width, int height, double margin)
{
    s->width = width;
    s->height = height;
    mat_identity(s->view);
    camera_orthographic(2.0f, width, height, 0.1f, 100.0f, s->projection);
    const double half_y = (double)height / width;
    const double mx = margin / width, my = margin / height; /* in UV units */
    quad_init(&s->quad, (float)(-1.0 - 2.0 * mx), (float)(-half_y - 2.0 * half_y * my),
              (float)(1.0 + 2.0 * mx), (float)(half_y + 2.0 * half_y * my), -5.0f, (float)-mx,
              (float)-my, (float)(1.0 + mx), (float)(1.0 + my));
}

/* The image the renderer should produce for the ortho scene of w x h pixels showing a tw x th
 * texture: each pixel the normalised filter applied to bilinear taps at the grid samples (8
 * sub-pixel bits) around it (close to the integral for a large n). Weights come from the public
 * bv_filter_weight, positions from the documented grid. */
static double *filtered_reference_scaled(const float *tex, int tw, int th, int w, int h, int n,
                                         bv_filter filter, float width)
{
    bv__grid g;
    bv__grid_init(&g, n);
    double *out = malloc((size_t)w * h * 3 * sizeof(double));
    int first = 0, count = 0;
    double weight[2 * 16 * 10], sum = 0.0;
    for (int k = -n * 10; k <= n * 11; k++) {
        const double wt = bv_filter_weight(filter, width, (float)((double)bv__sample_coord(&g, k) / BV__SUBPIXEL_ONE - 0.5));
        if (wt <= 0.0) continue;
        if (count == 0) first = k;
        weight[count++] = wt;
        sum += wt;
    }
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            double acc[3] = {0, 0, 0};
            for (int ty = 0; ty < count; ty++) {
                const double y = (double)bv__sample_coord(&g, n * py + first + ty) / BV__SUBPIXEL_ONE;
                for (int tx = 0; tx < count; tx++) {
                    const double x = (double)bv__sample_coord(&g, n * px + first + tx) / BV__SUBPIXEL_ONE;
                    double c[3];
                    bilinear_repeat(tex, tw, th, x / w, y / h, c);
                    for (int k = 0; k < 3; k++) acc[k] += weight[tx] * weight[ty] / (sum * sum) * c[k];
                }
            }
            memcpy(out + 3 * ((size_t)py * w + px), acc, sizeof acc);
        }
    return out;
}

/* filtered_reference_scaled for a texture of the view's size. */
static double *filtered_reference(const float *tex, int w, int h, int n, bv_filter filter, float width)
{
    return filtered_reference_scaled(tex, w, h, w, h, n, filter, width);
}

static bool render_color(const ortho_scene *s, const bv_texture *tex, int samples, bv_filter filter,
                         float filter_width, bool mipmaps, float *color, float *alpha)
{
    const bv_mesh mesh = quad_view(&s->quad, tex, 1);
    bv_render_desc d = desc_for(s->view, s->projection, s->width, s->height, &mesh, 1);
    d.samples = samples;
    d.filter = filter;
    d.filter_width = filter_width;
    d.mipmaps = mipmaps;
    bv_render_targets t;
    memset(&t, 0, sizeof t);
    const size_t n = (size_t)s->width * (size_t)s->height;
    t.color = (bv_float_span){color, n * 4};
    if (alpha) t.alpha = (bv_float_span){alpha, n};
    const bv_status st = bv_render(&d, &t);
    return CHECK_MSG(st == BV_OK, "bv_render: %s: %s", bv_status_name(st), bv_error_message());
}

/* One sample per pixel at its centre, box filter of width 1: each pixel is one bilinear tap at a
 * texel centre, which is the texel itself. */
static void test_textured_quad_reproduces_texture_with_one_sample_box_filter(void)
{
    const int w = 48, h = 32;
    float *tex = random_texture(w, h, 11);
    bv_texture_desc td = {.pixels = {tex, (size_t)w * h * 4}, .width = w, .height = h, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = false};
    bv_texture *t = NULL;
    if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) return;
    ortho_scene s;
    ortho_scene_init(&s, w, h, 4.0);
    float *color = malloc((size_t)w * h * 4 * sizeof(float));
    float *alpha = malloc((size_t)w * h * sizeof(float));
    double *expected = malloc((size_t)w * h * 3 * sizeof(double));
    for (int i = 0; i < w * h; i++)
        for (int k = 0; k < 3; k++) expected[3 * i + k] = tex[4 * i + k];
    if (render_color(&s, t, 1, BV_FILTER_BOX, 1.0f, false, color, alpha)) {
        const double p = psnr(color, expected, (size_t)w * h, 4, 3);
        CHECK_MSG(p > 50.0, "PSNR %.2f dB against the texture", p);
        double worst = 0.0, worst_alpha = 0.0;
        for (int i = 0; i < w * h; i++) {
            for (int k = 0; k < 3; k++) worst = fmax(worst, fabs(color[4 * i + k] - expected[3 * i + k]));
            worst_alpha = fmax(worst_alpha, fabs(color[4 * i + 3] - 1.0));
            worst_alpha = fmax(worst_alpha, fabs(alpha[i] - 1.0));
        }
        CHECK_MSG(worst < 1e-4, "largest error %.3g", worst);
        CHECK_MSG(worst_alpha < 1e-6, "alpha off by %.3g", worst_alpha);
    }
    free(color);
    free(alpha);
    free(expected);
    bv_texture_destroy(t);
    free(tex);
}

/* A grid (here Blackman-Harris 1.5 px at 4x4, and others) equals the same filter applied to
 * exact bilinear taps at the same sample positions, for opaque and translucent textures (whose
 * colour is the premultiplied texel, alpha being coverage). */

/* The default (BV_SAMPLES_AUTO) integrates a minified texture over the filter: a white-noise
 * texture 2.5 times minified (100 x 60 texels, mip levels of odd sizes, onto 40 x 24 pixels)
 * against the same filter over a 16 x 16 grid of exact bilinear taps (close to the integral):
 * AUTO is nearer than a 4 x 4 grid and within 50 dB, for each filter. Seen 1:1, where a 4 x 4
 * grid integrates the interpolated texels well, AUTO is that grid, bit for bit. */
static void test_auto_sampling_integrates_a_minified_texture_over_the_filter(void)
{
    const int w = 40, h = 24, tw = 100, th = 60;
    float *tex = random_texture(tw, th, 12);
    bv_texture_desc td = {.pixels = {tex, (size_t)tw * th * 4}, .width = tw, .height = th,
                          .extension = BV_EXTENSION_REPEAT, .interpolation = BV_INTERPOLATION_LINEAR,
                          .mipmaps = true};
    bv_texture *t = NULL;
    if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) {
        free(tex);
        return;
    }
    ortho_scene s;
    ortho_scene_init(&s, w, h, 6.0);
    float *color = malloc((size_t)w * h * 4 * sizeof(float));
    const struct { bv_filter filter; float width; } filters[] = {
        {BV_FILTER_BLACKMAN_HARRIS, 1.5f}, {BV_FILTER_GAUSSIAN, 1.5f}, {BV_FILTER_BLACKMAN_HARRIS, 3.0f}};
    for (size_t m = 0; m < sizeof filters / sizeof filters[0]; m++) {
        double *integral = filtered_reference_scaled(tex, tw, th, w, h, 16, filters[m].filter, filters[m].width);
        double auto_db = 0.0, grid_db = 0.0;
        if (render_color(&s, t, BV_SAMPLES_AUTO, filters[m].filter, filters[m].width, false, color, NULL))
            auto_db = psnr(color, integral, (size_t)w * h, 4, 3);
        if (render_color(&s, t, 4, filters[m].filter, filters[m].width, false, color, NULL))
            grid_db = psnr(color, integral, (size_t)w * h, 4, 3);
        printf("  filter %d width %g, 2.5x minified: AUTO %.1f dB, 4x4 %.1f dB against 16x16\n",
               (int)filters[m].filter, (double)filters[m].width, auto_db, grid_db);
        CHECK_MSG(auto_db > 50.0 && auto_db > grid_db, "filter %d width %g: AUTO %.2f dB, 4x4 %.2f dB",
                  (int)filters[m].filter, (double)filters[m].width, auto_db, grid_db);
        free(integral);
    }
    bv_texture_destroy(t);
    free(tex);
    /* 1:1: the grid itself */
    tex = random_texture(w, h, 13);
    td.pixels = (bv_floats){tex, (size_t)w * h * 4};
    td.width = w, td.height = h;
    if (CHECK(bv_texture_create(&td, &t) == BV_OK)) {
        float *grid = malloc((size_t)w * h * 4 * sizeof(float));
        if (render_color(&s, t, BV_SAMPLES_AUTO, BV_FILTER_BLACKMAN_HARRIS, 1.5f, false, color, NULL) &&
            render_color(&s, t, 4, BV_FILTER_BLACKMAN_HARRIS, 1.5f, false, grid, NULL))
            CHECK_MSG(memcmp(color, grid, (size_t)w * h * 4 * sizeof(float)) == 0,
                      "AUTO at 1:1 is not the 4 x 4 grid");
        free(grid);
        bv_texture_destroy(t);
    }
    free(tex);
    free(color);
}

static void test_filtered_render_matches_discrete_filter_of_bilinear_reference(void)
{
    for (int translucent = 0; translucent < 2; translucent++) {
        const int w = 40, h = 24;
        float *tex = random_texture_alpha(w, h, 12, translucent != 0);
        bv_texture_desc td = {.pixels = {tex, (size_t)w * h * 4}, .width = w, .height = h, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = false};
        bv_texture *t = NULL;
        if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) {
            free(tex);
            return;
        }
        ortho_scene s;
        ortho_scene_init(&s, w, h, 6.0);
        float *color = malloc((size_t)w * h * 4 * sizeof(float));
        const struct { int samples; bv_filter filter; float width; } modes[] = {
            {4, BV_FILTER_BLACKMAN_HARRIS, 0.0f}, /* the filter's default: BH, 1.5 */
            {3, BV_FILTER_BLACKMAN_HARRIS, 2.0f},
            {5, BV_FILTER_GAUSSIAN, 1.5f},
            {2, BV_FILTER_BOX, 1.0f},
            {4, BV_FILTER_BOX, 1.5f},
        };
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            const int n = modes[m].samples;
            const float fw = modes[m].width > 0 ? modes[m].width : 1.5f;
            double *expected = filtered_reference(tex, w, h, n, modes[m].filter, fw);
            if (render_color(&s, t, modes[m].samples, modes[m].filter, modes[m].width, false, color, NULL)) {
                const double p = psnr(color, expected, (size_t)w * h, 4, 3);
                CHECK_MSG(p > 50.0, "samples %d filter %d width %g%s: PSNR %.2f dB", n,
                          (int)modes[m].filter, (double)fw, translucent ? ", translucent" : "", p);
                double worst = 0.0;
                for (int i = 0; i < w * h; i++)
                    for (int k = 0; k < 3; k++) worst = fmax(worst, fabs(color[4 * i + k] - expected[3 * i + k]));
                CHECK_MSG(worst < 1e-3, "samples %d filter %d: largest error %.3g", n,
                          (int)modes[m].filter, worst);
            }
            free(expected);
        }
        free(color);
        bv_texture_destroy(t);
        free(tex);
    }
}

/* Against the continuous filter (what Cycles converges to with many samples): Blackman-Harris
 * 1.5 px integrated finely over the bilinear reconstruction of a smooth texture. The 4x4 grid
 * is a quadrature of that integral, accurate for smooth content. */
static void test_default_mode_matches_continuous_filter_on_smooth_texture(void)
{
    const int w = 32, h = 24, fine = 24; /* sub-samples per pixel per axis for the integral */
    float *tex = malloc((size_t)w * h * 4 * sizeof(float));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float *p = tex + 4 * (y * w + x);
            p[0] = (float)(0.5 + 0.3 * sin(2 * M_PI * (x + 0.5) / 9.0) * cos(2 * M_PI * (y + 0.5) / 13.0));
            p[1] = (float)(0.5 + 0.4 * cos(2 * M_PI * (x + y + 1.0) / 17.0));
            p[2] = (float)(0.3 + 0.2 * sin(2 * M_PI * (y + 0.5) / 7.0));
            p[3] = 1.0f;
        }
    bv_texture_desc td = {.pixels = {tex, (size_t)w * h * 4}, .width = w, .height = h, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = false};
    bv_texture *t = NULL;
    if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) return;
    ortho_scene s;
    ortho_scene_init(&s, w, h, 6.0);
    float *color = malloc((size_t)w * h * 4 * sizeof(float));
    double *expected = malloc((size_t)w * h * 3 * sizeof(double));
    const double radius = 1.5;
    const int reach = (int)ceil(radius * fine);
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            double acc[3] = {0, 0, 0}, total = 0.0;
            for (int j = -reach; j < reach; j++) {
                const double dy = (j + 0.5) / fine;
                const double wy = bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, 1.5f, (float)dy);
                if (wy <= 0) continue;
                for (int i = -reach; i < reach; i++) {
                    const double dx = (i + 0.5) / fine;
                    const double wt = wy * bv_filter_weight(BV_FILTER_BLACKMAN_HARRIS, 1.5f, (float)dx);
                    if (wt <= 0) continue;
                    double c[3];
                    bilinear_repeat(tex, w, h, (px + 0.5 + dx) / w, (py + 0.5 + dy) / h, c);
                    for (int k = 0; k < 3; k++) acc[k] += wt * c[k];
                    total += wt;
                }
            }
            for (int k = 0; k < 3; k++) expected[3 * ((size_t)py * w + px) + k] = acc[k] / total;
        }
    if (render_color(&s, t, 0, BV_FILTER_BLACKMAN_HARRIS, 0.0f, false, color, NULL)) {
        const double p = psnr(color, expected, (size_t)w * h, 4, 3);
        CHECK_MSG(p > 50.0, "PSNR %.2f dB against the continuous filter", p);
    }
    free(expected);
    free(color);
    bv_texture_destroy(t);
    free(tex);
}

/* Without minification the mip-mapped mode takes the same level-0 taps (up to float rounding:
 * the two paths may evaluate the bilinear blend in a different order). */
static void test_mipmaps_at_magnification_match_plain_taps(void)
{
    const int w = 32, h = 32;
    float *tex = random_texture(w, h, 13);
    bv_texture_desc td = {.pixels = {tex, (size_t)w * h * 4}, .width = w, .height = h, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = true};
    bv_texture *t = NULL;
    if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) return;
    ortho_scene s;
    ortho_scene_init(&s, w, h, 4.0);
    float *a = malloc((size_t)w * h * 4 * sizeof(float)), *b = malloc((size_t)w * h * 4 * sizeof(float));
    if (render_color(&s, t, 4, BV_FILTER_BLACKMAN_HARRIS, 1.5f, false, a, NULL) &&
        render_color(&s, t, 4, BV_FILTER_BLACKMAN_HARRIS, 1.5f, true, b, NULL)) {
        double worst = 0.0;
        for (int i = 0; i < w * h * 4; i++) worst = fmax(worst, fabs(a[i] - b[i]));
        CHECK_MSG(worst < 1e-5, "mip-mapped and plain renders differ by %.3g", worst);
    }
    free(a);
    free(b);
    bv_texture_destroy(t);
    free(tex);
}

/* Strong minification of a one-texel checker: the mip-mapped mode averages it to grey. */
static void test_mipmaps_average_a_minified_checker(void)
{
    const int tw = 128, out = 8;
    float *tex = malloc((size_t)tw * tw * 4 * sizeof(float));
    for (int y = 0; y < tw; y++)
        for (int x = 0; x < tw; x++) {
            float *p = tex + 4 * (y * tw + x);
            p[0] = p[1] = p[2] = (float)((x + y) & 1);
            p[3] = 1.0f;
        }
    bv_texture_desc td = {.pixels = {tex, (size_t)tw * tw * 4}, .width = tw, .height = tw, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = true};
    bv_texture *t = NULL;
    if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) return;
    ortho_scene s;
    ortho_scene_init(&s, out, out, 4.0);
    float color[8 * 8 * 4];
    if (render_color(&s, t, 2, BV_FILTER_BLACKMAN_HARRIS, 1.5f, true, color, NULL))
        for (int i = 0; i < out * out; i++)
            CHECK_MSG(fabs(color[4 * i] - 0.5) < 0.02, "pixel %d: %g, expected grey", i, (double)color[4 * i]);
    bv_texture_destroy(t);
    free(tex);
}

/* The mip-mapped mode picks lod = log2(texels per sample step) along the more minified axis:
 * each pixel (box filter of width 1) is the mean of bv_texture_sample_lod at its samples. */
static void test_mipmapped_render_uses_the_texel_footprint_of_a_sample_step(void)
{
    const struct { int tw, th, out, samples; float lod; } cases[] = {
        {64, 64, 16, 2, 1.0f}, /* 2 texels per sample step */
        {64, 64, 16, 1, 2.0f}, /* 4 */
        {64, 16, 16, 1, 2.0f}, /* 4 across, 1 up: the larger wins */
        {32, 32, 16, 4, 0.0f}, /* 0.5: magnified, level 0 */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const int tw = cases[c].tw, th = cases[c].th, out = cases[c].out, n = cases[c].samples;
        float *tex = random_texture(tw, th, 40 + c);
        bv_texture_desc td = {.pixels = {tex, (size_t)tw * th * 4}, .width = tw, .height = th, .extension = BV_EXTENSION_REPEAT,
                          .interpolation = BV_INTERPOLATION_LINEAR, .mipmaps = true};
        bv_texture *t = NULL;
        if (!CHECK(bv_texture_create(&td, &t) == BV_OK)) {
            free(tex);
            continue;
        }
        ortho_scene s;
        ortho_scene_init(&s, out, out, 4.0);
        float *color = malloc((size_t)out * out * 4 * sizeof(float));
        if (render_color(&s, t, n, BV_FILTER_BOX, 1.0f, true, color, NULL)) {
            bv__grid g;
            bv__grid_init(&g, n);
            double worst = 0.0;
            for (int py = 0; py < out; py++)
                for (int px = 0; px < out; px++) {
                    double e[3] = {0, 0, 0};
                    for (int j = 0; j < n; j++)
                        for (int i = 0; i < n; i++) {
                            const double x = px + g.offset[i] / 256.0, y = py + g.offset[j] / 256.0;
                            float tap[4];
                            bv_texture_sample_lod(t, (float)(x / out), (float)(y / out), cases[c].lod, tap);
                            for (int k = 0; k < 3; k++) e[k] += tap[k] / (n * n);
                        }
                    for (int k = 0; k < 3; k++)
                        worst = fmax(worst, fabs(color[4 * (py * out + px) + k] - e[k]));
                }
            CHECK_MSG(worst < 1e-4, "%dx%d texture on %d px, %d samples: off lod %g by %.3g", tw, th,
                      out, n, (double)cases[c].lod, worst);
        }
        free(color);
        bv_texture_destroy(t);
        free(tex);
    }
}

/* --- perspective --- */

/* A plane O + s E1 + t E2 tilted away from a perspective camera; UVs (s, t) mapped to [0, 1]. The
 * uv pass at each pixel equals the ray-plane intersection through the pixel centre, and the depth
 * pass the hit's distance along the view axis. */
static void test_perspective_uvs_and_depth_match_ray_plane_intersection(void)
{
    const int W = 64, H = 48;
    const double eye[3] = {0.3, -4.0, 1.2}, target[3] = {0.0, 0.0, 0.2}, up[3] = {0, 0, 1};
    float view[16], proj[16];
    double axes[3][3];
    camera_look_at(eye, target, up, view, axes);
    const float clip_start = 0.1f, clip_end = 100.0f;
    camera_perspective(35.0f, 36.0f, W, H, clip_start, clip_end, proj);
    const double tilt = 30.0 * M_PI / 180.0;
    const double O[3] = {0.0, 0.0, -0.5}, E1[3] = {1, 0, 0}, E2[3] = {0, cos(tilt), sin(tilt)};
    const double s0 = -4, s1 = 4, t0 = -2, t1 = 12;
    quad_mesh q;
    const double st[4][2] = {{s0, t0}, {s1, t0}, {s1, t1}, {s0, t1}};
    for (int c = 0; c < 4; c++) {
        for (int k = 0; k < 3; k++)
            q.positions[3 * c + k] = (float)(O[k] + st[c][0] * E1[k] + st[c][1] * E2[k]);
    }
    const uint32_t tris[6] = {0, 1, 2, 0, 2, 3};
    memcpy(q.triangles, tris, sizeof tris);
    for (int i = 0; i < 6; i++) {
        q.uvs[2 * i] = (float)((st[tris[i]][0] - s0) / (s1 - s0));
        q.uvs[2 * i + 1] = (float)((st[tris[i]][1] - t0) / (t1 - t0));
    }
    const bv_mesh mesh = quad_view(&q, NULL, 3);
    const int sample_counts[] = {1, 3, 5};
    all_passes p;
    passes_alloc(&p, W, H);
    for (int sc = 0; sc < 3; sc++) {
        bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
        d.samples = sample_counts[sc];
        bv_render_targets tg = passes_targets(&p);
        tg.color = (bv_float_span){NULL, 0}; /* no texture: data passes only */
        tg.alpha = (bv_float_span){NULL, 0};
        const bv_status st_ = bv_render(&d, &tg);
        if (!CHECK_MSG(st_ == BV_OK, "bv_render: %s", bv_error_message())) break;
        int covered = 0, checked = 0;
        double worst_uv = 0, worst_depth = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const size_t i = (size_t)y * W + x;
                /* world ray through the pixel centre (odd sample counts read the centre) */
                const double cx = ndc_of_pixel(x, W) / proj[0], cy = ndc_of_pixel(y, H) / proj[5];
                double dir[3];
                for (int k = 0; k < 3; k++) dir[k] = cx * axes[0][k] + cy * axes[1][k] - axes[2][k];
                /* eye + lambda dir = O + s E1 + t E2 (Cramer) */
                const double rhs[3] = {O[0] - eye[0], O[1] - eye[1], O[2] - eye[2]};
                const double m[3][3] = {{dir[0], -E1[0], -E2[0]}, {dir[1], -E1[1], -E2[1]}, {dir[2], -E1[2], -E2[2]}};
#define DET3(a) ((a)[0][0] * ((a)[1][1] * (a)[2][2] - (a)[1][2] * (a)[2][1]) - \
                 (a)[0][1] * ((a)[1][0] * (a)[2][2] - (a)[1][2] * (a)[2][0]) + \
                 (a)[0][2] * ((a)[1][0] * (a)[2][1] - (a)[1][1] * (a)[2][0]))
                const double det = DET3(m);
                double sol[3];
                for (int c = 0; c < 3; c++) {
                    double mc[3][3];
                    memcpy(mc, m, sizeof mc);
                    for (int r = 0; r < 3; r++) mc[r][c] = rhs[r];
                    sol[c] = DET3(mc) / det;
                }
#undef DET3
                const double lambda = sol[0], s = sol[1], t = sol[2];
                const bool hit = lambda > 0 && s > s0 && s < s1 && t > t0 && t < t1 &&
                                 lambda > clip_start && lambda < clip_end;
                const bool sure_hit = hit && s > s0 + 0.05 && s < s1 - 0.05 && t > t0 + 0.05 && t < t1 - 0.05;
                const bool sure_miss = lambda <= 0 || s < s0 - 0.05 || s > s1 + 0.05 || t < t0 - 0.05 ||
                                       t > t1 + 0.05 || lambda > clip_end * 1.01;
                const bool is_covered = p.object_id[i] != BV_OBJECT_ID_EMPTY;
                covered += is_covered;
                if (sure_hit) CHECK_MSG(is_covered, "pixel (%d, %d) should see the plane", x, y);
                if (sure_miss) CHECK_MSG(!is_covered, "pixel (%d, %d) should miss the plane", x, y);
                if (!sure_hit || !is_covered) continue;
                checked++;
                const double u = (s - s0) / (s1 - s0), v = (t - t0) / (t1 - t0);
                worst_uv = fmax(worst_uv, fmax(fabs(p.uv[2 * i] - u), fabs(p.uv[2 * i + 1] - v)));
                worst_depth = fmax(worst_depth, fabs(p.depth[i] - lambda) / lambda);
                CHECK_NEAR(p.object_id[i], 3.0, 0.0);
            }
        CHECK_MSG(worst_uv < 1e-4, "samples %d: uv off by %.3g", d.samples, worst_uv);
        CHECK_MSG(worst_depth < 1e-4, "samples %d: depth off by %.3g (relative)", d.samples, worst_depth);
        CHECK_MSG(checked > W * H / 4, "only %d pixels checked (%d covered)", checked, covered);
    }
    passes_free(&p);
}

/* With an even sample count the data passes read the grid sample nearest the pixel centre, a
 * fraction of a pixel off centre; the uv there is still the ray-plane answer at that point. */
static void test_even_sample_count_reads_data_at_nearest_sample(void)
{
    const int W = 16, H = 16;
    float view[16], proj[16];
    mat_identity(view);
    camera_perspective(50.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    /* a plane tilted about X: z = -3 - y (recedes upwards); uv = (x, y) */
    quad_mesh q;
    const float pos[12] = {-5, -2, -1, 5, -2, -1, 5, 5, -8, -5, 5, -8};
    memcpy(q.positions, pos, sizeof pos);
    const uint32_t tris[6] = {0, 1, 2, 0, 2, 3};
    memcpy(q.triangles, tris, sizeof tris);
    for (int i = 0; i < 6; i++) {
        q.uvs[2 * i] = pos[3 * tris[i]];
        q.uvs[2 * i + 1] = pos[3 * tris[i] + 1];
    }
    const bv_mesh mesh = quad_view(&q, NULL, 0);
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.samples = 4;
    float uv[16 * 16 * 2];
    bv_render_targets tg;
    memset(&tg, 0, sizeof tg);
    tg.uv = (bv_float_span){uv, sizeof uv / sizeof uv[0]};
    if (!CHECK(bv_render(&d, &tg) == BV_OK)) return;
    bv__grid g;
    bv__grid_init(&g, 4);
    /* nearest sample to the centre: offset 0.375 or 0.625; the renderer uses index n / 2 */
    const double off = g.offset[2] / 256.0;
    double worst = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double ndx = 2.0 * (x + off) / W - 1.0, ndy = 2.0 * (y + off) / H - 1.0;
            const double dx = ndx / proj[0], dy = ndy / proj[5];
            /* ray (dx, dy, -1) lambda hits z = -3 - y: -lambda = -3 - lambda dy */
            const double lambda = 3.0 / (1.0 - dy);
            worst = fmax(worst, fabs(uv[2 * (y * W + x)] - lambda * dx));
            worst = fmax(worst, fabs(uv[2 * (y * W + x) + 1] - lambda * dy));
        }
    CHECK_MSG(worst < 1e-4, "uv off by %.3g at the nearest sample", worst);
}

/* --- near plane and behind the camera --- */

/* A floor triangle (y = -1) reaching from behind the camera to far ahead: only the part in front
 * of clip_start is drawn; every depth is >= clip_start; coverage and depth match the analytic
 * ray-floor hit away from the clip line and the triangle's edges. */
static void test_triangle_crossing_near_plane_draws_only_the_part_in_front(void)
{
    const int W = 64, H = 48;
    float view[16], proj[16];
    mat_identity(view);
    const float near = 2.0f, far = 50.0f;
    camera_perspective(18.0f, 36.0f, W, H, near, far, proj); /* wide: the clip line is on screen */
    const float pos[9] = {-30, -1, 10, 30, -1, 10, 0, -1, -60};
    const uint32_t tri[3] = {0, 1, 2};
    const float uvs[6] = {0, 0, 1, 0, 0.5f, 1};
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){pos, 9};
    mesh.triangles = (bv_uints){tri, 3};
    mesh.uvs = (bv_floats){uvs, 6};
    mesh.object_id = 5;
    float texel[4] = {1, 0.5f, 0.25f, 1};
    bv_texture *tex = texture_solid(texel);
    mesh.texture = tex;
    all_passes p;
    passes_alloc(&p, W, H);
    const int sample_counts[] = {1, 3, 4};
    for (int sc = 0; sc < 3; sc++) {
        bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
        d.samples = sample_counts[sc];
        const bv_render_targets tg = passes_targets(&p);
        if (!CHECK_MSG(bv_render(&d, &tg) == BV_OK, "%s", bv_error_message())) break;
        int in_front = 0, clipped = 0;
        double worst_depth = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const size_t i = (size_t)y * W + x;
                const bool is_covered = p.object_id[i] != BV_OBJECT_ID_EMPTY;
                if (is_covered) {
                    CHECK_MSG(p.depth[i] >= near - 1e-4, "pixel (%d, %d) depth %g < clip_start", x,
                              y, (double)p.depth[i]);
                    CHECK_MSG(p.depth[i] <= far + 1e-3, "pixel (%d, %d) depth %g > clip_end", x, y,
                              (double)p.depth[i]);
                }
                if (sample_counts[sc] % 2 == 0) continue; /* analytic checks at the centre */
                const double dx = ndc_of_pixel(x, W) / proj[0], dy = ndc_of_pixel(y, H) / proj[5];
                if (dy >= 0) {
                    CHECK_MSG(!is_covered, "pixel (%d, %d) above the horizon is covered", x, y);
                    continue;
                }
                const double lambda = -1.0 / dy; /* ray (dx, dy, -1) meets y = -1 */
                const double hx = lambda * dx, hz = -lambda;
                /* inside the triangle (all three edges), with a margin */
                double side[3];
                for (int e = 0; e < 3; e++) {
                    const float *a = pos + 3 * e, *b = pos + 3 * ((e + 1) % 3);
                    const double ex = b[0] - a[0], ez = b[2] - a[2];
                    const double len = sqrt(ex * ex + ez * ez);
                    side[e] = ((hx - a[0]) * ez - (hz - a[2]) * ex) / len; /* same sign inside */
                }
                const double sgn = side[0] + side[1] + side[2] > 0 ? 1 : -1;
                const double inside = fmin(fmin(side[0] * sgn, side[1] * sgn), side[2] * sgn);
                /* a pixel's footprint at distance lambda spans about lambda * 2 / (W proj[0]) */
                const double margin = 2.0 * lambda / (W * proj[0]) + 0.05;
                if (inside > margin && lambda > near * 1.05 && lambda < far * 0.95) {
                    in_front++;
                    CHECK_MSG(is_covered, "pixel (%d, %d) at depth %g should be covered", x, y, lambda);
                    if (is_covered) worst_depth = fmax(worst_depth, fabs(p.depth[i] - lambda) / lambda);
                } else if (inside < -margin || lambda < near * 0.95 || lambda > far * 1.05) {
                    clipped += lambda < near * 0.95;
                    CHECK_MSG(!is_covered, "pixel (%d, %d) at depth %g should be empty", x, y, lambda);
                }
            }
        if (sample_counts[sc] % 2 == 1) {
            CHECK_MSG(worst_depth < 1e-4, "depth off by %.3g (relative)", worst_depth);
            CHECK_MSG(in_front > 200 && clipped > 200, "test geometry: %d in front, %d clipped",
                      in_front, clipped);
        }
    }
    passes_free(&p);
    bv_texture_destroy(tex);
}

/* Orthographic near plane: a quad running from behind the camera to far ahead is cut at
 * clip_start; depth is exactly -z_camera. */
static void test_orthographic_near_plane_clips(void)
{
    const int W = 32, H = 32;
    float view[16], proj[16];
    mat_identity(view);
    const float near = 1.0f, far = 10.0f;
    camera_orthographic(4.0f, W, H, near, far, proj);
    /* plane z = y - 2 over y in [-4, 4]: z from -6 to +2 */
    quad_mesh q;
    const float pos[12] = {-4, -4, -6, 4, -4, -6, 4, 4, 2, -4, 4, 2};
    memcpy(q.positions, pos, sizeof pos);
    const uint32_t tris[6] = {0, 1, 2, 0, 2, 3};
    memcpy(q.triangles, tris, sizeof tris);
    memset(q.uvs, 0, sizeof q.uvs);
    const bv_mesh mesh = quad_view(&q, NULL, 9);
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.samples = 3;
    float depth[32 * 32];
    bv_render_targets tg;
    memset(&tg, 0, sizeof tg);
    tg.depth = (bv_float_span){depth, 32 * 32};
    if (!CHECK_MSG(bv_render(&d, &tg) == BV_OK, "%s", bv_error_message())) return;
    for (int y = 0; y < H; y++) {
        const double wy = ndc_of_pixel(y, H) * 2.0; /* ortho half size 2 */
        const double expected = 2.0 - wy;           /* depth = -z = 2 - y */
        for (int x = 0; x < W; x++) {
            const float got = depth[y * W + x];
            if (expected > near + 0.15)
                CHECK_MSG(fabs(got - expected) < 1e-4, "row %d: depth %g, expected %g", y, (double)got, expected);
            else if (expected < near - 0.15)
                CHECK_MSG(got == BV_DEPTH_EMPTY, "row %d: depth %g in front of clip_start", y, (double)got);
            if (got != BV_DEPTH_EMPTY) CHECK(got >= near - 1e-4);
        }
    }
}

static void expect_nothing_drawn(const all_passes *p, const float background[4], const char *what)
{
    int bad = 0;
    for (int i = 0; i < p->width * p->height && bad < 3; i++) {
        bool ok = p->alpha[i] == 0.0f && p->depth[i] == BV_DEPTH_EMPTY &&
                  p->object_id[i] == BV_OBJECT_ID_EMPTY;
        for (int k = 0; k < 3; k++) ok = ok && p->normal[3 * i + k] == 0.0f;
        for (int k = 0; k < 2; k++) ok = ok && p->uv[2 * i + k] == 0.0f;
        for (int k = 0; k < 4; k++) ok = ok && fabsf(p->color[4 * i + k] - background[k]) < 1e-6f;
        if (!CHECK_MSG(ok, "%s: pixel %d shows something (alpha %g, depth %g, id %g)", what, i,
                       (double)p->alpha[i], (double)p->depth[i], (double)p->object_id[i]))
            bad++;
    }
}

/* Triangles behind the camera, or between the eye and the near plane, or straddling the eye
 * plane without reaching clip_start, draw nothing (and do not crash). */
static void test_triangles_behind_the_camera_draw_nothing(void)
{
    const int W = 24, H = 16;
    float view[16], proj[16];
    mat_identity(view);
    camera_perspective(30.0f, 36.0f, W, H, 2.0f, 100.0f, proj);
    float texel[4] = {1, 1, 1, 1};
    bv_texture *tex = texture_solid(texel);
    const float cases[][9] = {
        {-1, -1, 5, 1, -1, 5, 0, 1, 5},         /* fully behind */
        {-100, -100, 1, 100, -100, 1, 0, 100, 1}, /* behind, huge */
        {-1, -1, -1.5f, 1, -1, 3, 0, 1, -1.9f}, /* straddles the eye plane, never reaches z = -2 */
        {-1, -1, 0, 1, -1, 0, 0, 1, 0},         /* in the eye plane (w = 0) */
        {0, 0, 0, 0.5f, 0, -1, 0, 0.5f, -1},    /* a corner on the eye itself, rest short of near */
        {-1, -1, -150, 1, -1, -150, 0, 1, -150}, /* beyond clip_end */
    };
    const uint32_t tri[3] = {0, 1, 2};
    const float uvs[6] = {0, 0, 1, 0, 0, 1};
    all_passes p;
    passes_alloc(&p, W, H);
    const float background[4] = {0.1f, 0.2f, 0.3f, 1.0f};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bv_mesh mesh;
        memset(&mesh, 0, sizeof mesh);
        mesh.positions = (bv_floats){cases[c], 9};
        mesh.triangles = (bv_uints){tri, 3};
        mesh.uvs = (bv_floats){uvs, 6};
        mesh.texture = tex;
        mesh.object_id = 1;
        for (int ortho = 0; ortho < 2; ortho++) {
            float pr[16];
            if (ortho) camera_orthographic(4.0f, W, H, 2.0f, 100.0f, pr);
            else memcpy(pr, proj, sizeof pr);
            bv_render_desc d = desc_for(view, pr, W, H, &mesh, 1);
            memcpy(d.background, background, sizeof background);
            const bv_render_targets tg = passes_targets(&p);
            if (!CHECK_MSG(bv_render(&d, &tg) == BV_OK, "case %zu: %s", c, bv_error_message())) continue;
            char what[64];
            snprintf(what, sizeof what, "case %zu (%s)", c, ortho ? "ortho" : "perspective");
            expect_nothing_drawn(&p, background, what);
        }
    }
    passes_free(&p);
    bv_texture_destroy(tex);
}

/* A triangle with a corner in the eye plane (w = 0) and the rest well in front: clipped at
 * clip_start, not dropped. */
static void test_triangle_with_a_corner_in_the_eye_plane_is_clipped_not_dropped(void)
{
    const int W = 32, H = 32;
    float view[16], proj[16];
    mat_identity(view);
    const float near = 0.5f;
    camera_perspective(20.0f, 36.0f, W, H, near, 100.0f, proj);
    const float pos[9] = {0, 3, 0, -6, -6, -10, 6, -6, -10};
    const uint32_t tri[3] = {0, 1, 2};
    bv_mesh mesh;
    memset(&mesh, 0, sizeof mesh);
    mesh.positions = (bv_floats){pos, 9};
    mesh.triangles = (bv_uints){tri, 3};
    mesh.object_id = 2;
    float depth[32 * 32];
    bv_render_targets tg;
    memset(&tg, 0, sizeof tg);
    tg.depth = (bv_float_span){depth, 32 * 32};
    bv_render_desc d = desc_for(view, proj, W, H, &mesh, 1);
    d.samples = 3;
    if (!CHECK_MSG(bv_render(&d, &tg) == BV_OK, "%s", bv_error_message())) return;
    int covered = 0;
    for (int i = 0; i < W * H; i++)
        if (depth[i] != BV_DEPTH_EMPTY) {
            covered++;
            CHECK(depth[i] >= near - 1e-4 && depth[i] <= 10.0f + 1e-3);
        }
    CHECK_MSG(covered > 50, "only %d pixels covered", covered);
}

/* --- depth ordering --- */

typedef struct two_quads {
    quad_mesh near_q, far_q;
    float near_px[4], far_px[4];
    bv_texture *near_tex, *far_tex;
} two_quads;

/* Near quad (id 1, red) at z = -3 over x in [-1, 0.5]; far quad (id 2, green) at z = -5 over x in
 * [-0.5, 2]; both tall enough to fill the frame vertically. Each column shows the nearer quad
 * that covers it, in the object id, depth and colour passes. */
static void check_depth_order(bool perspective, bool near_first)
{
    const int W = 48, H = 16;
    float view[16], proj[16];
    mat_identity(view);
    if (perspective) camera_perspective(50.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    else camera_orthographic(2.4f, W, H, 0.1f, 100.0f, proj);
    two_quads s;
    quad_init(&s.near_q, -1.0f, -10.0f, 0.5f, 10.0f, -3.0f, 0, 0, 1, 1);
    quad_init(&s.far_q, -0.5f, -10.0f, 2.0f, 10.0f, -5.0f, 0, 0, 1, 1);
    const float red[4] = {1, 0, 0, 1}, green[4] = {0, 1, 0, 1};
    memcpy(s.near_px, red, sizeof red);
    memcpy(s.far_px, green, sizeof green);
    s.near_tex = texture_solid(s.near_px);
    s.far_tex = texture_solid(s.far_px);
    bv_mesh meshes[2];
    meshes[near_first ? 0 : 1] = quad_view(&s.near_q, s.near_tex, 1);
    meshes[near_first ? 1 : 0] = quad_view(&s.far_q, s.far_tex, 2);
    all_passes p;
    passes_alloc(&p, W, H);
    bv_render_desc d = desc_for(view, proj, W, H, meshes, 2);
    d.samples = 3;
    const bv_render_targets tg = passes_targets(&p);
    if (CHECK_MSG(bv_render(&d, &tg) == BV_OK, "%s", bv_error_message())) {
        int seen[3] = {0, 0, 0};
        for (int x = 0; x < W; x++) {
            const double ndx = ndc_of_pixel(x, W) / proj[0];
            /* world x seen at depth z: perspective x = ndx * z; ortho x = ndx */
            const double xn = perspective ? ndx * 3.0 : ndx, xf = perspective ? ndx * 5.0 : ndx;
            const double pix = perspective ? 2.0 / (W * proj[0]) * 5.0 : 2.0 / (W * proj[0]);
            int expected = 0; /* 0: unsure */
            if (xn > -1.0 + pix && xn < 0.5 - pix) expected = 1;
            else if ((xn < -1.0 - pix || xn > 0.5 + pix) && xf > -0.5 + pix && xf < 2.0 - pix) expected = 2;
            else if ((xn < -1.0 - pix || xn > 0.5 + pix) && (xf < -0.5 - pix || xf > 2.0 + pix)) expected = -1;
            if (expected == 0) continue;
            seen[expected < 0 ? 0 : expected]++;
            for (int y = 0; y < H; y++) {
                const size_t i = (size_t)y * W + x;
                CHECK_MSG(p.object_id[i] == (float)expected, "%s %s: pixel (%d, %d) id %g, expected %d",
                          perspective ? "perspective" : "ortho", near_first ? "near first" : "far first",
                          x, y, (double)p.object_id[i], expected);
                if (expected == 1) {
                    CHECK_NEAR(p.depth[i], 3.0, 1e-4);
                    CHECK_NEAR(p.color[4 * i], 1.0, 1e-5);
                    CHECK_NEAR(p.color[4 * i + 1], 0.0, 1e-5);
                } else if (expected == 2) {
                    CHECK_NEAR(p.depth[i], 5.0, 1e-4);
                    CHECK_NEAR(p.color[4 * i], 0.0, 1e-5);
                    CHECK_NEAR(p.color[4 * i + 1], 1.0, 1e-5);
                } else {
                    CHECK(p.depth[i] == BV_DEPTH_EMPTY);
                }
            }
        }
        CHECK_MSG(seen[1] > 3 && seen[2] > 3, "%s: test geometry: columns seen %d near, %d far, %d empty",
                  perspective ? "perspective" : "ortho", seen[1], seen[2], seen[0]);
    }
    passes_free(&p);
    bv_texture_destroy(s.near_tex);
    bv_texture_destroy(s.far_tex);
}

static void test_nearer_mesh_wins_whatever_the_mesh_order(void)
{
    check_depth_order(false, true);
    check_depth_order(false, false);
    check_depth_order(true, true);
    check_depth_order(true, false);
}

/* Two interpenetrating quads: the depth test is per sample, so each side of the intersection
 * line shows the nearer one. */
static void test_interpenetrating_quads_resolve_per_sample(void)
{
    const int W = 40, H = 8;
    float view[16], proj[16];
    mat_identity(view);
    camera_perspective(50.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    quad_mesh flat, tilted;
    quad_init(&flat, -10, -10, 10, 10, -4.0f, 0, 0, 1, 1); /* z = -4 */
    /* z = -4 + 0.5 x: nearer than the flat one where x > 0 */
    quad_init(&tilted, -10, -10, 10, 10, 0.0f, 0, 0, 1, 1);
    for (int c = 0; c < 4; c++) tilted.positions[3 * c + 2] = -4.0f + 0.5f * tilted.positions[3 * c];
    for (int order = 0; order < 2; order++) {
        bv_mesh meshes[2] = {quad_view(&flat, NULL, 10), quad_view(&tilted, NULL, 20)};
        if (order) {
            const bv_mesh s = meshes[0];
            meshes[0] = meshes[1];
            meshes[1] = s;
        }
        float ids[40 * 8], depth[40 * 8];
        bv_render_targets tg;
        memset(&tg, 0, sizeof tg);
        tg.object_id = (bv_float_span){ids, 40 * 8};
        tg.depth = (bv_float_span){depth, 40 * 8};
        bv_render_desc d = desc_for(view, proj, W, H, meshes, 2);
        d.samples = 1;
        if (!CHECK(bv_render(&d, &tg) == BV_OK)) return;
        for (int x = 0; x < W; x++) {
            const double ndx = ndc_of_pixel(x, W) / proj[0];
            if (fabs(ndx) < 0.03) continue; /* the intersection line */
            const float expected = ndx > 0 ? 20.0f : 10.0f;
            /* depth: flat 4; tilted: -z = 4 - 0.5 x with x = ndx * depth */
            const double e_depth = ndx > 0 ? 4.0 / (1.0 + 0.5 * ndx) : 4.0;
            for (int y = 0; y < H; y++) {
                CHECK_MSG(ids[y * W + x] == expected, "order %d column %d: id %g, expected %g", order, x,
                          (double)ids[y * W + x], (double)expected);
                CHECK_NEAR(depth[y * W + x], e_depth, 1e-4 * e_depth);
            }
        }
    }
}

/* A cells x cells grid of triangles over [-30, 30]^2 on the plane z = -4 - 0.05 x - 0.03 y,
 * scaled by `scale` about the origin (near the eye). */
typedef struct plane_grid {
    float *positions;
    uint32_t *triangles;
    size_t vertex_count, triangle_count;
} plane_grid;

static void plane_grid_build(plane_grid *g, int cells, double scale)
{
    g->vertex_count = (size_t)(cells + 1) * (cells + 1);
    g->triangle_count = 2 * (size_t)cells * cells;
    g->positions = malloc(g->vertex_count * 3 * sizeof(float));
    g->triangles = malloc(g->triangle_count * 3 * sizeof(uint32_t));
    for (int j = 0; j <= cells; j++)
        for (int i = 0; i <= cells; i++) {
            const double x = -30.0 + 60.0 * i / cells, y = -30.0 + 60.0 * j / cells;
            float *v = g->positions + 3 * ((size_t)j * (cells + 1) + i);
            v[0] = (float)(x * scale);
            v[1] = (float)(y * scale);
            v[2] = (float)((-4.0 - 0.05 * x - 0.03 * y) * scale);
        }
    uint32_t *t = g->triangles;
    for (int j = 0; j < cells; j++)
        for (int i = 0; i < cells; i++) {
            const uint32_t a = (uint32_t)(j * (cells + 1) + i), b = a + 1, c = a + (uint32_t)cells + 2,
                           d = a + (uint32_t)cells + 1;
            const uint32_t quad[6] = {a, b, c, a, c, d};
            memcpy(t, quad, sizeof quad);
            t += 6;
        }
}

static bv_mesh plane_grid_view(const plane_grid *g, uint32_t object_id)
{
    bv_mesh m;
    memset(&m, 0, sizeof m);
    m.positions = (bv_floats){g->positions, g->vertex_count * 3};
    m.triangles = (bv_uints){g->triangles, g->triangle_count * 3};
    m.object_id = object_id;
    return m;
}

/* A surface 0.1% of its distance in front of another (a decal 1 mm off a wall 1 m away) wins at
 * every sample, for every grid and whatever the mesh order: drawn as one quad each (the row path,
 * 64-bit edge functions) and as grids of small triangles (the vector box path, 32-bit ones). */
static void test_surface_slightly_in_front_wins_everywhere(void)
{
    enum { W = 256, H = 48 };
    float view[16], proj[16];
    const double eye[3] = {0.2, -0.1, 0.0}, target[3] = {0.25, 0.0, -1.0}, up[3] = {0, 1, 0};
    camera_look_at(eye, target, up, view, NULL);
    camera_perspective(24.0f, 36.0f, W, H, 0.1f, 100.0f, proj);
    const double gap = 1e-3;
    float *ids = malloc((size_t)W * H * sizeof(float));
    const int grids[] = {1, 2, 3, 4, 8, 16};
    const int cell_counts[] = {1, 150};
    for (int c = 0; c < 2; c++) {
        plane_grid nearg, farg;
        plane_grid_build(&nearg, cell_counts[c], 1.0);
        plane_grid_build(&farg, cell_counts[c], 1.0 + gap);
        for (int g = 0; g < 6; g++)
            for (int order = 0; order < 2; order++) {
                bv_mesh meshes[2] = {plane_grid_view(&nearg, 1), plane_grid_view(&farg, 2)};
                if (order) {
                    const bv_mesh t = meshes[0];
                    meshes[0] = meshes[1];
                    meshes[1] = t;
                }
                bv_render_desc d = desc_for(view, proj, W, H, meshes, 2);
                d.samples = grids[g];
                bv_render_targets t;
                memset(&t, 0, sizeof t);
                t.object_id = (bv_float_span){ids, (size_t)W * H};
                if (!CHECK_MSG(bv_render(&d, &t) == BV_OK, "%s", bv_error_message())) continue;
                int far_seen = 0;
                for (int i = 0; i < W * H; i++) far_seen += ids[i] != 1.0f;
                CHECK_MSG(far_seen == 0, "%d x %d cells, samples %d, %s first: %d pixels show the farther surface",
                          cell_counts[c], cell_counts[c], grids[g], order ? "far" : "near", far_seen);
            }
        free(nearg.positions);
        free(nearg.triangles);
        free(farg.positions);
        free(farg.triangles);
    }
    free(ids);
}

int main(void)
{
    RUN(test_textured_quad_reproduces_texture_with_one_sample_box_filter);
    RUN(test_filtered_render_matches_discrete_filter_of_bilinear_reference);
    RUN(test_auto_sampling_integrates_a_minified_texture_over_the_filter);
    RUN(test_default_mode_matches_continuous_filter_on_smooth_texture);
    RUN(test_mipmaps_at_magnification_match_plain_taps);
    RUN(test_mipmaps_average_a_minified_checker);
    RUN(test_mipmapped_render_uses_the_texel_footprint_of_a_sample_step);
    RUN(test_perspective_uvs_and_depth_match_ray_plane_intersection);
    RUN(test_even_sample_count_reads_data_at_nearest_sample);
    RUN(test_triangle_crossing_near_plane_draws_only_the_part_in_front);
    RUN(test_orthographic_near_plane_clips);
    RUN(test_triangles_behind_the_camera_draw_nothing);
    RUN(test_triangle_with_a_corner_in_the_eye_plane_is_clipped_not_dropped);
    RUN(test_nearer_mesh_wins_whatever_the_mesh_order);
    RUN(test_interpenetrating_quads_resolve_per_sample);
    RUN(test_surface_slightly_in_front_wins_everywhere);
    return check_summary();
}
