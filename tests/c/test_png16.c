/* 16-bit PNG output (bakeview/png.h, bits = 16; core/src/png16_encoder.c): data written as
 * floor(v * 65535 + 0.5), clamped, rows flipped, read back by an independent decoder (stb_image's
 * 16-bit loader); a header that says 16 bits and nothing about colour; bad descriptions refused
 * with a reason and no file; libpng's own errors come back as a message, not a print or an abort,
 * and leak nothing (valgrind, ASan). */
#define _DEFAULT_SOURCE /* mkdtemp, nextafterf */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stb_image.h>

#include "check.h"
#include "png16_encoder.h"
#include "scene.h"
#include "temp_dir.h"

static void test_unit_to_16bit_rounds_half_up_and_clamps(void)
{
    CHECK_EQ_INT(bv_unit_to_16bit(0.0f), 0);
    CHECK_EQ_INT(bv_unit_to_16bit(1.0f), 65535);
    CHECK_EQ_INT(bv_unit_to_16bit(0.5f), 32768); /* 32767.5 rounds up */
    CHECK_EQ_INT(bv_unit_to_16bit(nextafterf(0.5f, 0.0f)), 32767);
    CHECK_EQ_INT(bv_unit_to_16bit(-1.0f), 0);
    CHECK_EQ_INT(bv_unit_to_16bit(3.0f), 65535);
    CHECK_EQ_INT(bv_unit_to_16bit(INFINITY), 65535);
    CHECK_EQ_INT(bv_unit_to_16bit(NAN), 0);
    for (int k = 0; k <= 65535; k++) {
        const int code = bv_unit_to_16bit((float)k / 65535.0f);
        if (!CHECK_MSG(code == k, "%d / 65535 encodes to %d", k, code)) break;
    }
}

/* The file's bytes, or NULL. */
static unsigned char *read_file(const char *path, long *r_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *r_size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)*r_size);
    if (data && fread(data, 1, (size_t)*r_size, f) != (size_t)*r_size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Every sample of a w x h image of `channels` read back exactly, rows flipped, for each channel
 * count; values on both sides of code boundaries, outside [0, 1] and NaN included. */
static void test_png16_round_trips_through_stb_image_with_rows_flipped(void)
{
    if (!CHECK(temp_dir[0])) return;
    enum { W = 37, H = 23 };
    static float values[W * H * 4];
    rng r = {12345};
    for (int i = 0; i < W * H * 4; i++) {
        const int kind = i % 7;
        if (kind == 0) values[i] = (float)rng_unit(&r);
        else if (kind == 1) values[i] = (float)((rng_int(&r, 0, 65534) + 0.5) / 65535.0); /* ties */
        else if (kind == 2) values[i] = (float)rng_range(&r, -0.5, 1.5);
        else if (kind == 3) values[i] = (float)i / (W * H * 4);
        else if (kind == 4) values[i] = i % 2 ? NAN : INFINITY;
        else values[i] = (float)rng_unit(&r);
    }
    for (int channels = 1; channels <= 4; channels++) {
        char path[400];
        snprintf(path, sizeof path, "%s/data%d.png", temp_dir, channels);
        const bv_png_desc d = {.path = path, .pixels = {values, (size_t)W * H * channels}, .width = W,
                               .height = H, .channels = channels, .encoding = BV_ENCODING_LINEAR, .bits = 16};
        if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%d channels: %s", channels, bv_error_message())) continue;
        long size = 0;
        unsigned char *file = read_file(path, &size);
        if (!CHECK(file != NULL)) continue;
        int w = 0, h = 0, c = 0;
        stbi_us *px = stbi_load_16_from_memory(file, (int)size, &w, &h, &c, 0);
        if (CHECK_MSG(px != NULL, "stb_image: %s", stbi_failure_reason())) {
            CHECK_EQ_INT(w, W);
            CHECK_EQ_INT(h, H);
            CHECK_EQ_INT(c, channels);
            int bad = 0;
            for (int y = 0; y < H && bad < 5; y++)
                for (int i = 0; i < W * channels; i++) {
                    const float v = values[(size_t)(H - 1 - y) * W * channels + i]; /* PNG row y */
                    const int got = px[(size_t)y * W * channels + i];
                    if (!CHECK_MSG(got == bv_unit_to_16bit(v), "%d channels, row %d, sample %d: %d, expected %d (%.9g)",
                                   channels, y, i, got, bv_unit_to_16bit(v), (double)v))
                        bad++;
                }
            stbi_image_free(px);
        }
        /* the header: 16 bits, grey / grey + alpha / RGB / RGBA, not interlaced; no chunk that would
           make a reader treat the samples as colour (gAMA, sRGB, iCCP, cHRM) */
        static const int colour_type[5] = {0, 0, 4, 2, 6};
        if (CHECK(size > 33 && memcmp(file + 12, "IHDR", 4) == 0)) {
            CHECK_EQ_INT(file[24], 16);
            CHECK_EQ_INT(file[25], colour_type[channels]);
            CHECK_EQ_INT(file[28], 0);
            for (long pos = 8; pos + 8 <= size;) {
                const uint32_t length = be32(file + pos);
                const char *kind = (const char *)file + pos + 4;
                CHECK_MSG(memcmp(kind, "gAMA", 4) && memcmp(kind, "sRGB", 4) && memcmp(kind, "iCCP", 4) &&
                              memcmp(kind, "cHRM", 4),
                          "%d channels: a %.4s chunk", channels, kind);
                pos += 12 + (long)length;
            }
        }
        free(file);
    }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* 16 bits keep what 8 bits lose: a ramp of 4096 values over [0, 1] keeps 4096 distinct codes. */
static void test_png16_keeps_levels_8_bits_merge(void)
{
    if (!CHECK(temp_dir[0])) return;
    enum { N = 4096 };
    static float ramp[N];
    for (int i = 0; i < N; i++) ramp[i] = (float)i / (N - 1);
    char path[400];
    snprintf(path, sizeof path, "%s/ramp.png", temp_dir);
    const bv_png_desc d = {.path = path, .pixels = {ramp, N}, .width = N, .height = 1, .channels = 1,
                           .encoding = BV_ENCODING_LINEAR, .bits = 16};
    if (!CHECK_MSG(bv_png_write(&d) == BV_OK, "%s", bv_error_message())) return;
    int w, h, c;
    stbi_us *px = stbi_load_16(path, &w, &h, &c, 1);
    if (!CHECK(px != NULL && w == N)) return;
    int distinct = 1;
    for (int i = 1; i < N; i++) distinct += px[i] != px[i - 1];
    CHECK_EQ_INT(distinct, N);
    CHECK_EQ_INT(px[0], 0);
    CHECK_EQ_INT(px[N - 1], 65535);
    stbi_image_free(px);
}

static void test_png16_rejects_colour_encoding_and_other_bit_depths(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400];
    snprintf(path, sizeof path, "%s/refused.png", temp_dir);
    const float pixels[4] = {0.1f, 0.2f, 0.3f, 1.0f};
    bv_png_desc d = {.path = path, .pixels = {pixels, 4}, .width = 1, .height = 1, .channels = 4,
                     .encoding = BV_ENCODING_SRGB, .bits = 16};
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "16-bit files are for data (encoding LINEAR)");
    const int bad_bits[] = {1, 4, 12, 32, -8};
    for (int i = 0; i < 5; i++) {
        d.encoding = BV_ENCODING_LINEAR;
        d.bits = bad_bits[i];
        char expected[40];
        snprintf(expected, sizeof expected, "bits %d is not 8 or 16", bad_bits[i]);
        CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
        CHECK_CONTAINS(bv_error_message(), expected);
    }
    d.bits = 16;
    d.premultiply = true;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "never premultiplied");
    d.premultiply = false;
    /* the other checks hold at 16 bits too */
    d.bits = 16;
    d.pixels.count = 3;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "pixels holds 3 floats");
    d.pixels.count = 4;
    d.channels = 5;
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_INVALID_ARGUMENT);
    CHECK_CONTAINS(bv_error_message(), "channels 5");
    CHECK_EQ_INT(count_files("refused"), 0);
}

/* A failed 16-bit write (the folder is missing) names the path and leaves an existing file as it
 * was; a good one replaces it whole. */
static void test_png16_failure_leaves_files_alone(void)
{
    if (!CHECK(temp_dir[0])) return;
    char path[400], missing[400];
    snprintf(path, sizeof path, "%s/kept.png", temp_dir);
    snprintf(missing, sizeof missing, "%s/no/such/folder/x.png", temp_dir);
    FILE *f = fopen(path, "wb");
    if (!CHECK(f != NULL)) return;
    fputs("the user's", f);
    fclose(f);
    const float pixels[2] = {0.25f, 1.0f};
    bv_png_desc d = {.path = missing, .pixels = {pixels, 2}, .width = 1, .height = 1, .channels = 2,
                     .encoding = BV_ENCODING_LINEAR, .bits = 16};
    CHECK_EQ_INT(bv_png_write(&d), BV_ERROR_IO);
    CHECK_CONTAINS(bv_error_message(), missing);
    long size = 0;
    unsigned char *kept = read_file(path, &size);
    CHECK(kept && size == 10 && memcmp(kept, "the user's", 10) == 0);
    free(kept);
    d.path = path;
    CHECK_EQ_INT(bv_png_write(&d), BV_OK);
    int w, h, c;
    stbi_us *px = stbi_load_16(path, &w, &h, &c, 0);
    if (CHECK(px != NULL && c == 2)) {
        CHECK_EQ_INT(px[0], bv_unit_to_16bit(0.25f));
        CHECK_EQ_INT(px[1], 65535);
        stbi_image_free(px);
    }
    CHECK_EQ_INT(count_files(".tmp"), 0);
}

/* libpng's errors (here: sizes png.c never passes, which libpng refuses in png_set_IHDR) come back
 * through the setjmp path as false plus libpng's reason; libpng's structures are freed (valgrind
 * and ASan runs of this test see no leak), nothing is printed. */
static void test_png16_encoder_returns_libpng_errors(void)
{
    const uint8_t rows[16] = {0};
    const int sizes[][2] = {{0, 1}, {1, 0}, {-1, 1}};
    for (int i = 0; i < 3; i++) {
        bv__bytes out = {0};
        char message[BV__PNG16_MESSAGE_SIZE] = "untouched";
        CHECK(!bv__png16_encode(rows, sizes[i][0], sizes[i][1], 1, &out, message));
        CHECK_MSG(message[0] && strcmp(message, "untouched") != 0 && strcmp(message, "out of memory") != 0,
                  "size %d x %d: message \"%s\"", sizes[i][0], sizes[i][1], message);
        const char *reason = message;
        CHECK_CONTAINS(reason, "IHDR"); /* libpng: "Invalid IHDR data" */
        bv__bytes_free(&out);
    }
    /* and a good call after the failures works */
    bv__bytes out = {0};
    char message[BV__PNG16_MESSAGE_SIZE];
    CHECK(bv__png16_encode(rows, 2, 2, 2, &out, message));
    CHECK(out.size > 8 && memcmp(out.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    int w, h, c;
    stbi_us *px = stbi_load_16_from_memory(out.data, (int)out.size, &w, &h, &c, 0);
    CHECK(px != NULL && w == 2 && h == 2 && c == 2);
    stbi_image_free(px);
    bv__bytes_free(&out);
}

int main(void)
{
    make_temp_dir("bakeview_png16");
    RUN(test_unit_to_16bit_rounds_half_up_and_clamps);
    RUN(test_png16_round_trips_through_stb_image_with_rows_flipped);
    RUN(test_png16_keeps_levels_8_bits_merge);
    RUN(test_png16_rejects_colour_encoding_and_other_bit_depths);
    RUN(test_png16_failure_leaves_files_alone);
    RUN(test_png16_encoder_returns_libpng_errors);
    remove_temp_dir();
    return check_summary();
}
