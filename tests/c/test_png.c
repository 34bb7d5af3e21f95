/* PNG output (bakeview/png.h): the exact sRGB OETF rounded half up, linear data untouched,
 * alpha never gamma-encoded, rows flipped (row 0 of the float image is the bottom = last PNG
 * row), written atomically through a temporary file that never survives a failure. */
#define _DEFAULT_SOURCE /* mkdtemp, nextafterf */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image.h>

#include "check.h"
#include "scene.h"
#include "temp_dir.h"

/* The exact OETF in double, rounded half up: the reference. */
static int srgb_reference(double linear)
{
    if (!(linear > 0.0)) return 0;
    if (linear >= 1.0) return 255;
    const double v = linear < 0.0031308 ? 12.92 * linear : 1.055 * pow(linear, 1.0 / 2.4) - 0.055;
    return (int)floor(v * 255.0 + 0.5);
}

static void test_linear_to_srgb8_known_values(void)
{
    CHECK_EQ_INT(bv_linear_to_srgb8(0.0f), 0);
    CHECK_EQ_INT(bv_linear_to_srgb8(1.0f), 255);
    CHECK_EQ_INT(bv_linear_to_srgb8(0.5f), 188);      /* 187.516 */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.2140f), 127);   /* 127.489: just below the 128 boundary */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.21586f), 128);  /* 127.9999 rounds up */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.0031308f), 10); /* 10.31 on the branch boundary */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.0031307f), 10); /* linear branch: 12.92 * L */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.001f), 3);      /* 3.29 */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.18f), 118);     /* 117.65: mid grey */
    CHECK_EQ_INT(bv_linear_to_srgb8(0.8f), 231);      /* 231.11 */
    /* clamped, NaN -> 0 */
    CHECK_EQ_INT(bv_linear_to_srgb8(-0.5f), 0);
    CHECK_EQ_INT(bv_linear_to_srgb8(-INFINITY), 0);
    CHECK_EQ_INT(bv_linear_to_srgb8(2.0f), 255);
    CHECK_EQ_INT(bv_linear_to_srgb8(INFINITY), 255);
    CHECK_EQ_INT(bv_linear_to_srgb8(NAN), 0);
    CHECK_EQ_INT(bv_linear_to_srgb8(-NAN), 0);
}

/* The two branches of the OETF meet at 0.0031308 (both give 0.040449...); the output is
 * continuous and non-decreasing across it and everywhere else. */
static void test_linear_to_srgb8_is_monotone_and_continuous(void)
{
    int previous = 0;
    for (int i = 0; i <= 100000; i++) {
        const float l = (float)i / 100000.0f;
        const int code = bv_linear_to_srgb8(l);
        CHECK_MSG(code >= previous, "not monotone at %g: %d after %d", (double)l, code, previous);
        CHECK_MSG(code - previous <= 1 || l < 0.002f, "jumps at %g: %d after %d", (double)l, code, previous);
        previous = code;
    }
    CHECK_EQ_INT(previous, 255);
    const double below = 12.92 * 0.0031308, above = 1.055 * pow(0.0031308, 1.0 / 2.4) - 0.055;
    CHECK_NEAR(below, above, 1e-6);
}

/* Every code round-trips through the inverse EOTF, and matches the rounded-half-up reference on
 * a fine sweep and at values just either side of each x.5 boundary. */
static void test_linear_to_srgb8_rounds_half_up(void)
{
    for (int k = 0; k <= 255; k++) {
        const double s = k / 255.0;
        const double l = s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
        CHECK_MSG(bv_linear_to_srgb8((float)l) == k, "code %d round-trips to %d", k, bv_linear_to_srgb8((float)l));
    }
    for (int i = 0; i <= 20000; i++) {
        const float l = (float)i / 20000.0f;
        CHECK_MSG(bv_linear_to_srgb8(l) == srgb_reference(l), "at %.9g: %d vs %d", (double)l,
                  bv_linear_to_srgb8(l), srgb_reference(l));
    }
    /* the linear value whose code is exactly k + 0.5, then the floats either side of it */
    for (int k = 0; k < 255; k++) {
        const double s = (k + 0.5) / 255.0;
        const double l = s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
        const float lo = nextafterf((float)l, 0.0f), hi = nextafterf((float)l, 1.0f);
        CHECK_MSG(bv_linear_to_srgb8(lo) == srgb_reference(lo) && bv_linear_to_srgb8(hi) == srgb_reference(hi),
                  "around %d.5: %d %d vs %d %d", k, bv_linear_to_srgb8(lo), bv_linear_to_srgb8(hi),
                  srgb_reference(lo), srgb_reference(hi));
        CHECK(srgb_reference(hi) == k + 1);
    }
}

static void test_unit_to_8bit_rounds_half_up_and_clamps(void)
{
    CHECK_EQ_INT(bv_unit_to_8bit(0.0f), 0);
    CHECK_EQ_INT(bv_unit_to_8bit(1.0f), 255);
    CHECK_EQ_INT(bv_unit_to_8bit(0.5f), 128); /* 127.5 rounds up */
    CHECK_EQ_INT(bv_unit_to_8bit(nextafterf(0.5f, 0.0f)), 127);
    CHECK_EQ_INT(bv_unit_to_8bit(0.25f), 64); /* 63.75 */
    CHECK_EQ_INT(bv_unit_to_8bit(-1.0f), 0);
    CHECK_EQ_INT(bv_unit_to_8bit(7.0f), 255);
    CHECK_EQ_INT(bv_unit_to_8bit(NAN), 0);
    for (int k = 0; k <= 255; k++) CHECK_EQ_INT(bv_unit_to_8bit((float)k / 255.0f), k);
}

/* --- files --- */


/* A 3 x 2 RGBA image with distinct values: bottom row (row 0) and top row (row 1). */
static const float image_rgba[2 * 3 * 4] = {
    /* row 0 (bottom) */
    0.0f, 0.5f, 1.0f, 1.0f,   0.2140f, 0.0031308f, 0.8f, 0.5f,   1.5f, -0.25f, 0.18f, 0.0f,
    /* row 1 (top) */
    0.001f, 0.25f, 0.75f, 0.25f,   1.0f, 1.0f, 1.0f, 1.0f,   0.05f, 0.5f, 0.95f, 0.75f,
};

static void test_png_round_trips_through_stb_image_with_rows_flipped(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/rgba.png", temp_dir);
    const bv_png_desc d = {.path = path,
                           .pixels = {image_rgba, 24},
                           .width = 3,
                           .height = 2,
                           .channels = 4,
                           .encoding = BV_ENCODING_SRGB};
    const bv_status s = bv_png_write(&d);
    if (!CHECK_MSG(s == BV_OK, "%s", bv_error_message())) return;
    int w = 0, h = 0, c = 0;
    unsigned char *px = stbi_load(path, &w, &h, &c, 0);
    if (!CHECK_MSG(px != NULL, "stb_image cannot read %s: %s", path, stbi_failure_reason())) return;
    CHECK_EQ_INT(w, 3);
    CHECK_EQ_INT(h, 2);
    CHECK_EQ_INT(c, 4);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            for (int k = 0; k < 4; k++) {
                /* PNG row y is float row h - 1 - y */
                const float v = image_rgba[4 * ((1 - y) * 3 + x) + k];
                const int expected = k < 3 ? bv_linear_to_srgb8(v) : bv_unit_to_8bit(v);
                CHECK_MSG(px[4 * (y * 3 + x) + k] == expected, "PNG (%d, %d) channel %d: %d, expected %d",
                          x, y, k, px[4 * (y * 3 + x) + k], expected);
            }
    /* spot values by hand: bottom-left pixel (0, 0.5, 1, alpha 1) is the first pixel of the last
       PNG row; alpha 0.5 stays linear (128), not sRGB (188) */
    CHECK_EQ_INT(px[4 * 3 + 0], 0);
    CHECK_EQ_INT(px[4 * 3 + 1], 188);
    CHECK_EQ_INT(px[4 * 3 + 2], 255);
    CHECK_EQ_INT(px[4 * 4 + 3], 128);
    CHECK_EQ_INT(px[4 * 4 + 0], 127);
    stbi_image_free(px);
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* The writer encodes through a table; its codes must be bv_linear_to_srgb8's for the floats
 * where that function steps: a few ULPs either side of every code boundary. */
static void test_png_srgb_codes_equal_the_curve_at_every_code_boundary(void)
{
    if (!CHECK(temp_dir[0])) return;
    enum { SPREAD = 3, PER_CODE = 2 * SPREAD + 1, COUNT = 255 * PER_CODE };
    static float values[COUNT];
    for (int code = 1; code <= 255; code++) {
        float lo = 0.0f, hi = 1.0f; /* the smallest float with this code, by bisection */
        while (nextafterf(lo, 1.0f) < hi) {
            const float mid = lo + (hi - lo) * 0.5f;
            if (bv_linear_to_srgb8(mid) >= code) hi = mid;
            else lo = mid;
        }
        float v = hi;
        for (int i = 0; i < SPREAD; i++) v = nextafterf(v, 0.0f);
        for (int i = 0; i < PER_CODE; i++, v = nextafterf(v, 2.0f)) values[(code - 1) * PER_CODE + i] = v;
    }
    char path[400];
    snprintf(path, sizeof path, "%s/boundaries.png", temp_dir);
    const bv_png_desc d = {.path = path,
                           .pixels = {values, COUNT},
                           .width = COUNT,
                           .height = 1,
                           .channels = 1,
                           .encoding = BV_ENCODING_SRGB};
    if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%s", bv_error_message())) return;
    int w = 0, h = 0, c = 0;
    unsigned char *px = stbi_load(path, &w, &h, &c, 1);
    if (!CHECK_MSG(px != NULL, "stb_image cannot read %s", path)) return;
    int wrong = 0;
    for (int i = 0; i < COUNT; i++)
        if (px[i] != bv_linear_to_srgb8(values[i]) && wrong++ < 5)
            CHECK_MSG(0, "%.9g written as %d, the curve says %d", (double)values[i], px[i],
                      bv_linear_to_srgb8(values[i]));
    CHECK_EQ_INT(wrong, 0);
    stbi_image_free(px);
}

static void test_png_channel_counts_and_linear_encoding(void)
{
    if (!CHECK(temp_dir[0])) return;
    /* a 2 x 3 image of 1..4 channels; values chosen to differ between sRGB and linear */
    float values[3 * 2 * 4];
    for (int i = 0; i < 24; i++) values[i] = (float)((i * 7) % 24) / 23.0f;
    for (int channels = 1; channels <= 4; channels++)
        for (int enc = 0; enc < 2; enc++) {
            char path[400];
            snprintf(path, sizeof path, "%s/c%d_e%d.png", temp_dir, channels, enc);
            const bv_png_desc d = {.path = path,
                                   .pixels = {values, (size_t)6 * channels},
                                   .width = 2,
                                   .height = 3,
                                   .channels = channels,
                                   .encoding = (bv_color_encoding)enc};
            if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%s", bv_error_message())) continue;
            int w, h, c;
            unsigned char *px = stbi_load(path, &w, &h, &c, 0);
            if (!CHECK(px != NULL)) continue;
            CHECK_EQ_INT(w, 2);
            CHECK_EQ_INT(h, 3);
            CHECK_EQ_INT(c, channels);
            const bool has_alpha = channels == 2 || channels == 4;
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 2; x++)
                    for (int k = 0; k < channels; k++) {
                        const float v = values[channels * ((2 - y) * 2 + x) + k];
                        const bool colour = enc == BV_ENCODING_SRGB && !(has_alpha && k == channels - 1);
                        const int expected = colour ? bv_linear_to_srgb8(v) : bv_unit_to_8bit(v);
                        CHECK_MSG(px[channels * (y * 2 + x) + k] == expected,
                                  "%d channels, encoding %d, (%d, %d) channel %d: %d vs %d", channels,
                                  enc, x, y, k, px[channels * (y * 2 + x) + k], expected);
                    }
            stbi_image_free(px);
        }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static void test_png_overwrites_an_existing_file(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/again.png", temp_dir);
    const float a[4] = {0.0f, 0.0f, 0.0f, 1.0f}, b[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    bv_png_desc d = {.path = path,
                     .pixels = {a, 4},
                     .width = 1,
                     .height = 1,
                     .channels = 4,
                     .encoding = BV_ENCODING_SRGB};
    CHECK(bv_png_write(&d) == BV_OK);
    d.pixels.ptr = b;
    CHECK(bv_png_write(&d) == BV_OK);
    int w, h, c;
    unsigned char *px = stbi_load(path, &w, &h, &c, 4);
    if (CHECK(px != NULL)) {
        CHECK_EQ_INT(px[0], 255);
        stbi_image_free(px);
    }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

static void test_png_write_to_missing_folder_fails_with_the_path(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/no/such/folder/out.png", temp_dir);
    const bv_png_desc d = {.path = path,
                           .pixels = {image_rgba, 24},
                           .width = 3,
                           .height = 2,
                           .channels = 4,
                           .encoding = BV_ENCODING_SRGB};
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), path);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* The rename fails (the target is a directory): the temporary file is removed again. */
static void test_png_failed_rename_leaves_no_temp_file(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/a_directory.png", temp_dir);
    if (!CHECK(mkdir(path, 0700) == 0)) return;
    const bv_png_desc d = {.path = path,
                           .pixels = {image_rgba, 24},
                           .width = 3,
                           .height = 2,
                           .channels = 4,
                           .encoding = BV_ENCODING_SRGB};
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), path);
    CHECK_EQ_INT(count_files(".tmp"), 0);
    rmdir(path);
}

static void test_png_rejects_bad_descriptions(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/bad.png", temp_dir);
    bv_png_desc good = {.path = path,
                        .pixels = {image_rgba, 24},
                        .width = 3,
                        .height = 2,
                        .channels = 4,
                        .encoding = BV_ENCODING_SRGB};
    CHECK_EQ_INT(bv_png_write(NULL), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "desc");
    bv_png_desc d = good;
    d.path = NULL;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "path");
    d = good;
    d.path = "";
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "path");
    d = good;
    d.width = 0;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    d = good;
    d.height = -3;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "size");
    d = good;
    d.channels = 5;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels");
    d = good;
    d.channels = 0;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels");
    d = good;
    d.width = d.height = 40000; /* 6.4 GB of rows: more than the encoder can count */
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "too large");
    d = good;
    d.encoding = (bv_color_encoding)9;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "encoding");
    d = good;
    d.pixels.count = 23;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels");
    d = good;
    d.pixels.ptr = NULL;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels");
    d = good;
    d.encoding = BV_ENCODING_LUT;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "png: the LUT encoding needs a lut");
    d.lut = (const bv_color_lut *)&good; /* not read: the channel count is refused first */
    d.channels = 2;
    d.pixels.count = 12;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "png: a LUT encodes RGB, 2 channels have none");
    d = good;
    d.channels = 3;
    d.pixels.count = 18;
    d.premultiply = true;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "png: premultiply needs an alpha channel, 3 channels have none");
    /* nothing was created */
    CHECK_EQ_INT(count_files("bad"), 0);
}

/* A LUT-encoded file holds the LUT's display values as codes (rounded half up, clamped), alpha as
 * it is: here a LUT whose channels follow different curves of their lattice coordinate (one
 * clamped above 1), so each channel's code differs from the sRGB curve's. */
static void test_png_lut_encoding_writes_the_luts_display_values(void)
{
    if (!CHECK(temp_dir[0])) return;
    const bv_color_lut_shape shape = {.size = 9, .offset = 0.01f, .knee = 1.0f, .knee_index = 7};
    float table[3 * 9 * 9 * 9];
    for (int b = 0; b < 9; b++)
        for (int g = 0; g < 9; g++)
            for (int r = 0; r < 9; r++) {
                float *t = table + 3 * ((b * 9 + g) * 9 + r);
                t[0] = (float)r / 8.0f;
                t[1] = (float)(g * g) / 64.0f;
                t[2] = 1.2f - (float)b / 8.0f; /* above 1 at b = 0: clamped to 255 */
            }
    bv_color_lut *lut = NULL;
    const bv_color_lut_desc ld = {.shape = shape, .table = {table, sizeof table / sizeof *table}};
    if (!CHECK_MSG(bv_color_lut_create(&ld, &lut) == BV_OK, "%s", bv_error_message())) return;
    char path[400];
    snprintf(path, sizeof path, "%s/lut.png", temp_dir);
    for (int channels = 3; channels <= 4; channels++) {
        float pixels[6 * 4];
        for (int i = 0; i < 6 * channels; i++) pixels[i] = image_rgba[4 * (i / channels) + i % channels];
        const bv_png_desc d = {.path = path,
                               .pixels = {pixels, (size_t)6 * channels},
                               .width = 3,
                               .height = 2,
                               .channels = channels,
                               .encoding = BV_ENCODING_LUT,
                               .lut = lut};
        if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%s", bv_error_message())) continue;
        int w, h, c;
        unsigned char *px = stbi_load(path, &w, &h, &c, 0);
        if (!CHECK(px != NULL && c == channels)) continue;
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++) {
                const float *src = pixels + channels * ((1 - y) * 3 + x);
                float display[3];
                bv_color_lut_apply(lut, src, display);
                const unsigned char *got = px + channels * (y * 3 + x);
                for (int k = 0; k < 3; k++)
                    CHECK_MSG(got[k] == bv_unit_to_8bit(display[k]), "(%d, %d) channel %d: %d vs %d",
                              x, y, k, got[k], bv_unit_to_8bit(display[k]));
                if (channels == 4) CHECK_EQ_INT(got[3], bv_unit_to_8bit(src[3]));
            }
        stbi_image_free(px);
    }
    bv_color_lut_destroy(lut);
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* Premultiplied as engines read premultiplyAlpha: the encoded code times alpha, rounded half up;
 * not the linear colour premultiplied before the curve (which is darker: 0.5 * 0.5 linear is code
 * 137, code 188 * 0.5 is 94). Alpha keeps its own code. */
static void test_png_premultiply_scales_the_encoded_codes_by_alpha(void)
{
    if (!CHECK(temp_dir[0])) return;
    const float rgba[4 * 4] = {0.5f, 0.2f, 1.0f, 0.5f,  0.8f, 0.8f, 0.8f, 1.0f,
                               0.3f, 0.6f, 0.9f, 0.0f,  0.5f, 0.5f, 0.5f, 0.25f};
    const float ga[2 * 4] = {0.5f, 0.5f, 0.18f, 0.2f, 1.0f, 1.0f, 0.7f, NAN};
    char path[400];
    snprintf(path, sizeof path, "%s/premultiplied.png", temp_dir);
    for (int channels = 2; channels <= 4; channels += 2) {
        const float *src = channels == 4 ? rgba : ga;
        const bv_png_desc d = {.path = path,
                               .pixels = {src, (size_t)4 * channels},
                               .width = 2,
                               .height = 2,
                               .channels = channels,
                               .encoding = BV_ENCODING_SRGB,
                               .premultiply = true};
        if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%s", bv_error_message())) continue;
        int w, h, c;
        unsigned char *px = stbi_load(path, &w, &h, &c, 0);
        if (!CHECK(px != NULL && c == channels)) continue;
        for (int i = 0; i < 4; i++) {
            const float *p = src + channels * i;
            const float alpha = isnan(p[channels - 1]) ? 0.0f : p[channels - 1];
            const int row = 1 - i / 2, column = i % 2; /* row 0 of the floats is the bottom */
            const unsigned char *got = px + channels * (row * 2 + column);
            for (int k = 0; k < channels - 1; k++) {
                const int expected = (int)floor(bv_linear_to_srgb8(p[k]) * (double)alpha + 0.5);
                CHECK_MSG(got[k] == expected, "%d channels, pixel %d channel %d: %d vs %d", channels, i,
                          k, got[k], expected);
            }
            CHECK_EQ_INT(got[channels - 1], bv_unit_to_8bit(alpha));
        }
        if (channels == 4) CHECK_EQ_INT(px[4 * 2], 94); /* the first pixel (bottom left): 188 * 0.5 */
        stbi_image_free(px);
    }
}

int main(void)
{
    make_temp_dir("bakeview_png");
    RUN(test_linear_to_srgb8_known_values);
    RUN(test_linear_to_srgb8_is_monotone_and_continuous);
    RUN(test_linear_to_srgb8_rounds_half_up);
    RUN(test_unit_to_8bit_rounds_half_up_and_clamps);
    RUN(test_png_round_trips_through_stb_image_with_rows_flipped);
    RUN(test_png_srgb_codes_equal_the_curve_at_every_code_boundary);
    RUN(test_png_channel_counts_and_linear_encoding);
    RUN(test_png_overwrites_an_existing_file);
    RUN(test_png_write_to_missing_folder_fails_with_the_path);
    RUN(test_png_failed_rename_leaves_no_temp_file);
    RUN(test_png_lut_encoding_writes_the_luts_display_values);
    RUN(test_png_premultiply_scales_the_encoded_codes_by_alpha);
    RUN(test_png_rejects_bad_descriptions);
    remove_temp_dir();
    return check_summary();
}
