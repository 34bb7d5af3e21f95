/* Atomic whole-file writes and the byte buffer writers fill first. */
#define _DEFAULT_SOURCE /* fsync, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "atomic_file.h"
#include "error.h"

#define BV__TEMP_NAME_KEEP 200 /* bytes of the target's name kept in the temporary file's name */

void bv__bytes_append(bv__bytes *bytes, const void *data, size_t size)
{
    if (bytes->failed || size == 0) return;
    if (size > SIZE_MAX - bytes->size) {
        bytes->failed = 1;
        return;
    }
    if (bytes->size + size > bytes->capacity) {
        size_t capacity = bytes->capacity ? bytes->capacity : 4096;
        while (capacity < bytes->size + size) capacity = capacity > SIZE_MAX / 2 ? SIZE_MAX : capacity * 2;
        unsigned char *grown = BV_MALLOC(capacity);
        if (!grown) {
            bytes->failed = 1;
            return;
        }
        if (bytes->size) memcpy(grown, bytes->data, bytes->size);
        BV_FREE(bytes->data);
        bytes->data = grown;
        bytes->capacity = capacity;
    }
    memcpy(bytes->data + bytes->size, data, size);
    bytes->size += size;
}

void bv__bytes_free(bv__bytes *bytes)
{
    BV_FREE(bytes->data);
    memset(bytes, 0, sizeof *bytes);
}

static int write_all(int fd, const unsigned char *data, size_t size)
{
    while (size > 0) {
        const ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return written < 0 ? errno : ENOSPC;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}

bv_status bv__write_file_atomic(const char *what, const char *path, const void *data, size_t size)
{
    static atomic_uint counter;
    const size_t length = strlen(path) + 64;
    char *temp = BV_MALLOC(length);
    if (!temp) return bv__fail(BV_ERROR_OUT_OF_MEMORY, "%s: out of memory", what);
    /* "<name>.tmp-<pid>-<n>" beside the target, the name cut to BV__TEMP_NAME_KEEP bytes so that a
     * target named near the file system's limit (255 bytes) still gets a temporary file */
    const char *slash = strrchr(path, '/');
    const size_t folder = slash ? (size_t)(slash - path) + 1 : 0;
    size_t name = strlen(path + folder);
    if (name > BV__TEMP_NAME_KEEP) name = BV__TEMP_NAME_KEEP;
    snprintf(temp, length, "%.*s%.*s.tmp-%ld-%u", (int)folder, path, (int)name, path + folder,
             (long)getpid(), atomic_fetch_add(&counter, 1));
    const int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int error = errno;
        BV_FREE(temp);
        return bv__fail(BV_ERROR_IO, "%s: cannot write %s: %s", what, path, strerror(error));
    }
    int error = write_all(fd, data, size);
    if (!error && fsync(fd) != 0) error = errno;
    if (close(fd) != 0 && !error) error = errno;
    if (!error && rename(temp, path) != 0) error = errno;
    if (error) unlink(temp);
    BV_FREE(temp);
    if (error) return bv__fail(BV_ERROR_IO, "%s: cannot write %s: %s", what, path, strerror(error));
    return BV_OK;
}
