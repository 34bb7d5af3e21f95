/* Shared helpers of the fuzz targets: a reader that turns the fuzz input into values, buffers of
 * exactly the asked size (so AddressSanitizer sees any read or write past them), and FZ_CHECK.
 *
 * The reader never fails: past the end of the input it yields zeros. Values come in two kinds:
 * "moderate" ones (small integers, fractions, values in [0, 1]) that make valid calls likely, and
 * "wild" ones (NaN, infinities, FLT_MAX, denormals, raw bit patterns) that probe validation and
 * arithmetic. The reader remembers whether it produced any wild value, so a target can hold
 * outputs to strict bounds only when every input was moderate. */
#ifndef BV_FUZZ_COMMON_H
#define BV_FUZZ_COMMON_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point; the replay main (replay_main.c) calls it too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed check is a crash: libFuzzer saves the input, the replay exits non-zero. */
#define FZ_CHECK(cond, ...)                                                                       \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: FZ_CHECK(%s) failed: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* With BAKEVIEW_FUZZ_TRACE set, prints what each call returned (to check that seeds reach the
 * code they are meant for). */
static inline void fz_trace(const char *call, int status)
{
    static int enabled = -1;
    if (enabled < 0) enabled = getenv("BAKEVIEW_FUZZ_TRACE") != NULL;
    if (enabled) fprintf(stderr, "trace: %s -> %d\n", call, status);
}

typedef struct fz_reader {
    const uint8_t *data;
    size_t size;
    bool wild; /* a wild value was produced */
} fz_reader;

static inline uint8_t fz_u8(fz_reader *in)
{
    if (in->size == 0) return 0;
    in->size--;
    return *in->data++;
}

static inline uint16_t fz_u16(fz_reader *in)
{
    const uint16_t lo = fz_u8(in);
    return (uint16_t)(lo | (uint16_t)fz_u8(in) << 8);
}

static inline uint32_t fz_u32(fz_reader *in)
{
    const uint32_t lo = fz_u16(in);
    return lo | (uint32_t)fz_u16(in) << 16;
}

static inline bool fz_bool(fz_reader *in) { return fz_u8(in) & 1; }

/* An integer in [lo, hi] (hi - lo below 65536). */
static inline int fz_range(fz_reader *in, int lo, int hi)
{
    const unsigned span = (unsigned)(hi - lo) + 1u;
    return lo + (int)((span <= 256 ? fz_u8(in) : fz_u16(in)) % span);
}

/* Usually an integer in [lo, hi]; about one time in 16 any 32-bit value (wild). */
static inline int fz_int(fz_reader *in, int lo, int hi)
{
    if ((fz_u8(in) & 15) == 15) {
        in->wild = true;
        return (int)fz_u32(in);
    }
    return fz_range(in, lo, hi);
}

/* A special float: NaN, infinities, extremes, denormals, or raw bits. */
static inline float fz_wild_float(fz_reader *in)
{
    in->wild = true;
    switch (fz_u8(in) % 12) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -INFINITY;
    case 3: return FLT_MAX;
    case 4: return -FLT_MAX;
    case 5: return 1.4e-45f;          /* the smallest denormal */
    case 6: return FLT_MIN * 0.5f;    /* a larger denormal */
    case 7: return 1.0e30f;
    case 8: return -1.0e-30f;
    case 9: return 3.0e38f;
    case 10: return -0.0f;
    default: {
        const uint32_t bits = fz_u32(in);
        float f;
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    }
}

/* Usually a multiple of scale / 32 in [-4 scale, 4 scale); sometimes (1 in 32) a wild float. */
static inline float fz_float(fz_reader *in, float scale)
{
    const uint8_t selector = fz_u8(in);
    if (selector >= 248) return fz_wild_float(in);
    return (float)(int8_t)fz_u8(in) * (scale / 32.0f);
}

/* Usually a value in [0, 1] (k / 255); sometimes (1 in 32) a wild float. */
static inline float fz_unit(fz_reader *in)
{
    const uint8_t selector = fz_u8(in);
    if (selector >= 248) return fz_wild_float(in);
    return (float)fz_u8(in) / 255.0f;
}

/* A NUL-terminated string of up to max - 1 bytes: arbitrary bytes (never NUL), or one of a few
 * names that probe escaping and UTF-8 checks. */
static inline void fz_string(fz_reader *in, char *out, size_t max)
{
    static const char *const pool[] = {
        "a", "b", "walk_0", "walk/1", "\"quoted\"", "back\\slash", "tab\there", "nl\nx",
        "\x01\x1f", "\x7f", "caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80",
        "\xC3\x28", "\xC0\xAF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF8\x88\x80",
        "\xE2\x82", "\x80", "", "a b", "{}[],:"};
    const uint8_t selector = fz_u8(in);
    if (selector < 128) {
        const char *s = pool[selector % (sizeof pool / sizeof pool[0])];
        snprintf(out, max, "%s", s);
        return;
    }
    const size_t length = fz_u8(in) % max;
    size_t n = 0;
    for (size_t i = 0; i < length && in->size > 0; i++) {
        const uint8_t c = fz_u8(in);
        if (c) out[n++] = (char)c;
    }
    out[n] = '\0';
}

/* malloc that never returns NULL for a small size (a fuzz run has memory); 0 bytes allowed. */
static inline void *fz_alloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    FZ_CHECK(p != NULL, "out of memory for %zu bytes", bytes);
    return p;
}

/* count floats from fz_float (scale) or fz_unit (scale 0), in a buffer of exactly count floats. */
static inline float *fz_floats(fz_reader *in, size_t count, float scale)
{
    float *v = fz_alloc(count * sizeof(float));
    for (size_t i = 0; i < count; i++) v[i] = scale > 0.0f ? fz_float(in, scale) : fz_unit(in);
    return v;
}

static inline bool fz_all_finite(const float *v, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!isfinite(v[i])) return false;
    return true;
}

static inline bool fz_all_in(const float *v, size_t count, float lo, float hi)
{
    for (size_t i = 0; i < count; i++)
        if (!(v[i] >= lo && v[i] <= hi)) return false;
    return true;
}

#endif
