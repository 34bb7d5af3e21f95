/* Internal: recording failures. Every failing path calls bv__fail once, at the place that knows
 * what is wrong, and returns its status unchanged. */
#ifndef BV_ERROR_H
#define BV_ERROR_H

#include <bakeview/status.h>

#if defined(__GNUC__)
#define BV__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define BV__PRINTF(fmt, args)
#endif

bv_status bv__fail(bv_status status, const char *format, ...) BV__PRINTF(2, 3);

#endif
