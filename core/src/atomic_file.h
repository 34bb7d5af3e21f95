/* Internal: writing a whole file atomically: a temporary file beside the target, flushed to disk,
 * then renamed over it. A reader sees the old file or the new one, never a partial one; on failure
 * the temporary file is removed and the target is untouched. */
#ifndef BV_ATOMIC_FILE_H
#define BV_ATOMIC_FILE_H

#include <stddef.h>

#include <bakeview/status.h>

/* `what` names the writer in messages ("png", "json"). */
bv_status bv__write_file_atomic(const char *what, const char *path, const void *data, size_t size);

/* A growable byte buffer for writers that produce output piece by piece. */
typedef struct bv__bytes {
    unsigned char *data;
    size_t size, capacity;
    int failed; /* an allocation failed: the buffer is incomplete */
} bv__bytes;

void bv__bytes_append(bv__bytes *bytes, const void *data, size_t size);
void bv__bytes_free(bv__bytes *bytes);

#endif
