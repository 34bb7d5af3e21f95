/* bakeview: status codes and error messages.
 *
 * Every core function that can fail returns a bv_status. On failure a message naming what is wrong
 * is kept per thread until the next failing call on that thread; read it with bv_error_message().
 * The library never aborts, exits or prints. */
#ifndef BAKEVIEW_STATUS_H
#define BAKEVIEW_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bv_status {
    BV_OK = 0,
    BV_ERROR_INVALID_ARGUMENT, /* a caller's value is wrong: null, out of range, NaN, wrong size */
    BV_ERROR_OUT_OF_MEMORY,    /* an allocation failed or its byte count would overflow */
    BV_ERROR_IO,               /* a file could not be written */
} bv_status;

/* The message of the last failure on the calling thread ("" if none yet). */
const char *bv_error_message(void);

/* A stable name for a status, e.g. "BV_ERROR_INVALID_ARGUMENT". */
const char *bv_status_name(bv_status status);

#ifdef __cplusplus
}
#endif
#endif
