#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
/* A small fork-join pool on pthreads. Threads live for one parallel_for: renders take
 * milliseconds, thread start-up microseconds. */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "threads.h"

#define BV__MAX_WORKERS 256

typedef struct bv__pool {
    bv__task_fn task;
    void *context;
    int count;
    atomic_int next;
    atomic_int failed; /* first failing status, BV_OK while none */
    char message[512]; /* its message: error messages are per thread, the caller must see it */
} bv__pool;

typedef struct bv__worker {
    bv__pool *pool;
    int id;
} bv__worker;

static void run_tasks(bv__pool *pool, int worker)
{
    for (;;) {
        if (atomic_load(&pool->failed) != BV_OK) return;
        const int index = atomic_fetch_add(&pool->next, 1);
        if (index >= pool->count) return;
        const bv_status status = pool->task(pool->context, index, worker);
        if (status != BV_OK) {
            int expected = BV_OK;
            if (atomic_compare_exchange_strong(&pool->failed, &expected, (int)status))
                snprintf(pool->message, sizeof pool->message, "%s", bv_error_message());
        }
    }
}

static void *worker_main(void *arg)
{
    bv__worker *w = arg;
    run_tasks(w->pool, w->id);
    return NULL;
}

int bv__resolve_threads(int requested)
{
    if (requested > 0) return requested > BV__MAX_WORKERS ? BV__MAX_WORKERS : requested;
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) return 1;
    return cores > BV__MAX_WORKERS ? BV__MAX_WORKERS : (int)cores;
}

bv_status bv__parallel_for(int workers, int count, bv__task_fn task, void *context)
{
    bv__pool pool = {.task = task, .context = context, .count = count, .message = ""};
    atomic_init(&pool.next, 0);
    atomic_init(&pool.failed, BV_OK);
    if (workers > count) workers = count;
    if (workers < 1) workers = 1;

    pthread_t threads[BV__MAX_WORKERS];
    bv__worker args[BV__MAX_WORKERS];
    int started = 0;
    for (int i = 1; i < workers; i++) {
        args[i] = (bv__worker){&pool, i};
        if (pthread_create(&threads[i], NULL, worker_main, &args[i]) != 0) break; /* fewer is fine */
        started = i;
    }
    run_tasks(&pool, 0);
    for (int i = 1; i <= started; i++) pthread_join(threads[i], NULL);
    const bv_status status = (bv_status)atomic_load(&pool.failed);
    return status == BV_OK ? BV_OK : bv__fail(status, "%s", pool.message);
}
