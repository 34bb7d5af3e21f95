/* bakeview: borrowed buffers carry their length (sokol's {ptr, size} ranges, typed). */
#ifndef BAKEVIEW_BUFFER_H
#define BAKEVIEW_BUFFER_H

#include <stddef.h>
#include <stdint.h>

typedef struct bv_floats {
    const float *ptr;
    size_t count; /* number of floats, not bytes */
} bv_floats;

typedef struct bv_uints {
    const uint32_t *ptr;
    size_t count;
} bv_uints;

/* An output buffer the caller owns and the library fills. */
typedef struct bv_float_span {
    float *ptr;
    size_t count;
} bv_float_span;

typedef struct bv_uint_span {
    uint32_t *ptr;
    size_t count;
} bv_uint_span;

#endif
