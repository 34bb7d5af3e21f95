/* Internal: allocation with overflow-checked sizes. BV_MALLOC / BV_FREE may be defined at build
 * time to route the library's memory elsewhere (as stb's STBIW_MALLOC). */
#ifndef BV_ALLOC_H
#define BV_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifndef BV_MALLOC
#define BV_MALLOC(size) malloc(size)
#define BV_FREE(ptr) free(ptr)
#endif

/* a * b without overflow; false if it would overflow. */
static inline bool bv__mul_size(size_t a, size_t b, size_t *r_product)
{
    if (b != 0 && a > SIZE_MAX / b) return false;
    *r_product = a * b;
    return true;
}

/* count * size bytes, or NULL on overflow or exhaustion. */
static inline void *bv__alloc_array(size_t count, size_t size)
{
    size_t bytes;
    if (!bv__mul_size(count, size, &bytes) || bytes == 0) return NULL;
    return BV_MALLOC(bytes);
}

#endif
