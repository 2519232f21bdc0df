#pragma once

/* A persistent pool of worker threads, each pinned to its own core, for
 * data-parallel loops over tiles. The calling thread is worker 0 and works
 * too, so a pool of n threads starts n - 1 threads (none for n = 1).
 *
 * Between jobs the workers spin briefly and then sleep, so back-to-back
 * layers cost no system call while an idle pool costs no CPU. */

#include "threads/lsc-pin.h"

G_BEGIN_DECLS

typedef struct _LscThreadPool LscThreadPool;

/* Called for one tile on one worker (0 .. n_threads - 1). */
typedef void (*LscTileFunc) (gpointer user_data,
                             guint    worker,
                             gsize    tile);

/* Called on worker `worker` when it starts (begin TRUE, n_tiles 0) and
 * ends (begin FALSE, n_tiles: how many tiles it ran) its share of a
 * parallel_for — the profiler's busy intervals. */
typedef void (*LscJobHook) (gpointer user_data,
                            guint    worker,
                            gboolean begin,
                            gsize    n_tiles);

/* n_threads: 1 .. number of cores (errors as lsc_pin_plan). topology NULL:
 * this machine's, loaded and owned by the pool; otherwise the caller's,
 * which must outlive the pool. Threads are bound only when the topology is
 * this system's (a synthetic one still gets a plan, for
 * lsc_thread_pool_get_worker_pu). The calling thread (worker 0) is pinned
 * only while inside parallel_for / run_on_each and gets its previous
 * binding back on return, so e.g. the GUI thread is never left pinned. */
LscThreadPool *lsc_thread_pool_new           (guint             n_threads,
                                              LscPinPolicy      policy,
                                              hwloc_topology_t  topology,
                                              GError          **error);
/* Stops and joins the workers. */
void           lsc_thread_pool_free          (LscThreadPool    *pool);

guint          lsc_thread_pool_get_n_threads (LscThreadPool    *pool);
LscPinPolicy   lsc_thread_pool_get_policy    (LscThreadPool    *pool);
/* The OS index of the first PU of the worker's cpuset, or -1 for
 * LSC_PIN_NONE. */
int            lsc_thread_pool_get_worker_pu (LscThreadPool    *pool,
                                              guint             worker);

/* Runs fn for every tile in [0, n_tiles) exactly once, spread dynamically
 * over all workers, and returns when every tile is done (everything the
 * tiles wrote is then visible to the caller). One job at a time per pool:
 * the caller serialises. With n_tiles 0 or 1 no worker is woken (a single
 * tile runs right here, as worker 0, without re-pinning the caller). */
void           lsc_thread_pool_parallel_for  (LscThreadPool    *pool,
                                              gsize             n_tiles,
                                              LscTileFunc       fn,
                                              gpointer          user_data);
/* Runs fn (user_data, w, w) exactly once on each worker w, on its own
 * pinned core; returns when all are done. */
void           lsc_thread_pool_run_on_each   (LscThreadPool    *pool,
                                              LscTileFunc       fn,
                                              gpointer          user_data);

/* Pins the caller to worker 0's core once for a sequence of jobs (one
 * inference: a job per layer), so that the jobs in between neither pin nor
 * restore it; lsc_thread_pool_leave restores its binding. Nests: only the
 * outermost pair pins and restores (a profiling session around the runs). */
void   lsc_thread_pool_enter (LscThreadPool *pool);
void   lsc_thread_pool_leave (LscThreadPool *pool);

/* Installs (or, with NULL, removes) the job hook; only between jobs. The
 * hook must not allocate or block: it runs on every worker for every
 * layer. */
void   lsc_thread_pool_set_job_hook (LscThreadPool *pool,
                                     LscJobHook     hook,
                                     gpointer       hook_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscThreadPool, lsc_thread_pool_free)

G_END_DECLS
