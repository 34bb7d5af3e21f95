/* Internal: a parallel for over task indices. Tasks are handed out in order from a shared
 * counter; results must not depend on which worker runs a task. */
#ifndef BV_THREADS_H
#define BV_THREADS_H

#include <bakeview/status.h>

/* Runs task(context, index, worker) for index in [0, count) on up to `workers` threads (the
 * caller's thread is one of them); worker is in [0, workers). Returns BV_OK, or the first
 * failing task's status (later tasks are skipped). */
typedef bv_status (*bv__task_fn)(void *context, int index, int worker);

bv_status bv__parallel_for(int workers, int count, bv__task_fn task, void *context);

/* Number of workers for a requested count: 0 means one per online core. */
int bv__resolve_threads(int requested);

#endif
