/* Status names and the per-thread failure message. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static _Thread_local char bv__message[512];

const char *bv_error_message(void) { return bv__message; }

bv_status bv__fail(bv_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(bv__message, sizeof bv__message, format, args);
    va_end(args);
    return status;
}

const char *bv_status_name(bv_status status)
{
    switch (status) {
    case BV_OK: return "BV_OK";
    case BV_ERROR_INVALID_ARGUMENT: return "BV_ERROR_INVALID_ARGUMENT";
    case BV_ERROR_OUT_OF_MEMORY: return "BV_ERROR_OUT_OF_MEMORY";
    case BV_ERROR_IO: return "BV_ERROR_IO";
    }
    return "BV_STATUS_UNKNOWN";
}
