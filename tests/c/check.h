/* A tiny header-only test harness for the C unit tests.
 *
 *   static void test_something_behaves(void) { CHECK(x == 1); CHECK_NEAR(y, 0.5, 1e-6); }
 *   int main(void) { RUN(test_something_behaves); return check_summary(); }
 *
 * Checks record a failure with file:line and a message and carry on (nothing aborts). A test
 * function fails if any of its checks failed. check_summary() prints "N passed, M failed"
 * (counting test functions) and returns the process exit code: 0 only if none failed.
 * Failure messages are capped per test function so that a check inside a loop cannot flood the
 * log; the count of checks that failed is always reported. */
#ifndef BV_TEST_CHECK_H
#define BV_TEST_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CHECK__MAX_MESSAGES 12 /* failure lines printed per test function */

typedef struct check__state {
    const char *test;  /* the running test function */
    int failed_checks; /* in the running test function */
    int passed_tests, failed_tests;
} check__state;

static inline check__state *check__get(void)
{
    static check__state state;
    return &state;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static inline bool check__record(bool ok, const char *file, int line, const char *format, ...)
{
    if (ok) return true;
    check__state *s = check__get();
    s->failed_checks++;
    if (s->failed_checks <= CHECK__MAX_MESSAGES) {
        fprintf(stderr, "%s:%d: %s: ", file, line, s->test ? s->test : "(outside a test)");
        va_list args;
        va_start(args, format);
        vfprintf(stderr, format, args);
        va_end(args);
        fputc('\n', stderr);
    } else if (s->failed_checks == CHECK__MAX_MESSAGES + 1) {
        fprintf(stderr, "%s:%d: %s: (further failures of this test not shown)\n", file, line,
                s->test ? s->test : "(outside a test)");
    }
    return false;
}

/* Each macro evaluates to true if the check passed, so a test can stop early:
 * if (!CHECK(ptr != NULL)) return; */
#define CHECK(cond) check__record((cond) ? true : false, __FILE__, __LINE__, "CHECK(%s) failed", #cond)

/* CHECK with a printf-style explanation. */
#define CHECK_MSG(cond, ...) check__record((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)

static inline bool check__eq_int(long long a, long long b, const char *sa, const char *sb,
                                 const char *file, int line)
{
    return check__record(a == b, file, line, "CHECK_EQ_INT(%s, %s) failed: %lld != %lld", sa, sb,
                         a, b);
}
#define CHECK_EQ_INT(a, b) check__eq_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)

/* |a - b| <= tol; NaN on either side fails. */
static inline bool check__near(double a, double b, double tol, const char *sa, const char *sb,
                               const char *file, int line)
{
    const bool ok = fabs(a - b) <= tol;
    return check__record(ok, file, line, "CHECK_NEAR(%s, %s) failed: %.9g vs %.9g (diff %.3g > %.3g)",
                         sa, sb, a, b, fabs(a - b), tol);
}
#define CHECK_NEAR(a, b, tol) \
    check__near((double)(a), (double)(b), (double)(tol), #a, #b, __FILE__, __LINE__)

/* The string `haystack` contains `needle`, ignoring ASCII case. */
static inline bool check__contains(const char *haystack, const char *needle)
{
    if (!haystack || !needle) return false;
    const size_t n = strlen(needle);
    for (const char *h = haystack; *h; h++) {
        size_t i = 0;
        while (i < n && h[i]) {
            char a = h[i], b = needle[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
            if (a != b) break;
            i++;
        }
        if (i == n) return true;
    }
    return n == 0;
}
#define CHECK_CONTAINS(haystack, needle)                                                          \
    check__record(check__contains((haystack), (needle)), __FILE__, __LINE__,                       \
                  "CHECK_CONTAINS(%s, \"%s\") failed: \"%s\"", #haystack, (needle),                \
                  (haystack) ? (haystack) : "(null)")

static inline void check__run(void (*fn)(void), const char *name)
{
    check__state *s = check__get();
    s->test = name;
    s->failed_checks = 0;
    fn();
    if (s->failed_checks == 0) {
        s->passed_tests++;
    } else {
        s->failed_tests++;
        fprintf(stderr, "FAILED %s (%d failed check%s)\n", name, s->failed_checks,
                s->failed_checks == 1 ? "" : "s");
    }
    s->test = NULL;
    fflush(stderr);
}
#define RUN(fn) check__run(fn, #fn)

/* Prints "N passed, M failed" and returns the exit code. */
static inline int check_summary(void)
{
    const check__state *s = check__get();
    printf("%d passed, %d failed\n", s->passed_tests, s->failed_tests);
    fflush(stdout);
    return s->failed_tests == 0 ? 0 : 1;
}

#endif
