#pragma once

/* Runs a plan: the thread pool, and one activation arena per replica. */

#include <gio/gio.h>

#include "plan/lsc-plan.h"
#include "threads/lsc-thread-pool.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_STRATEGY_INTRA,      /* one model; all threads share each operation */
  LSC_STRATEGY_REPLICAS,   /* one replica per thread, each a chunk of the batch */
} LscStrategy;

const char *lsc_strategy_to_string   (LscStrategy  strategy);   /* "intra", "replicas" */
gboolean    lsc_strategy_from_string (const char  *name,
                                      LscStrategy *out,
                                      GError     **error);

typedef struct
{
  guint        n_threads;   /* 1 … the number of cores */
  LscPinPolicy pin;
  LscStrategy  strategy;
} LscExecutorOptions;

/* One thread, compact pinning, intra-op. */
void lsc_executor_options_init (LscExecutorOptions *options);

typedef struct _LscExecutor LscExecutor;

/* Starts the pool and binds the plan to its arena(s): after this, runs
 * allocate nothing but the output tensors they are asked to create.
 * Replicas share the plan's packed weights (never copied). Errors:
 * LSC_ENGINE_ERROR_BAD_CONFIG for a thread count the machine cannot give. */
LscExecutor *lsc_executor_new          (LscPlan                  *plan,
                                        const LscExecutorOptions *options,
                                        GError                  **error);
void         lsc_executor_free         (LscExecutor              *executor);
LscPlan     *lsc_executor_get_plan     (LscExecutor              *executor);
const LscExecutorOptions *lsc_executor_get_options (LscExecutor  *executor);
/* Replicas actually used: n_threads for LSC_STRATEGY_REPLICAS, else 1. */
guint        lsc_executor_get_n_replicas (LscExecutor            *executor);

/* The pool the executor runs on (for per-worker set-up such as opening
 * counters with lsc_thread_pool_run_on_each). */
LscThreadPool *lsc_executor_get_pool   (LscExecutor              *executor);

typedef struct _LscProfileRecorder LscProfileRecorder;
/* Installs the profiler's recorder (NULL: none), made for this executor's
 * workers, replicas and plan; it must outlive its use. Between runs only. */
void         lsc_executor_set_recorder (LscExecutor              *executor,
                                        LscProfileRecorder       *recorder);

/* Runs the inputs (the plan's shapes, any batch from 1 to the plan's).
 * outputs[i] NULL receives a new tensor; a tensor already there must have
 * the output's shape for this batch and is overwritten (no allocation).
 * Checks `cancellable` between operations: LSC_ENGINE_ERROR_CANCELLED. */
gboolean     lsc_executor_run          (LscExecutor              *executor,
                                        const LscTensor *const   *inputs,
                                        guint                     n_inputs,
                                        LscTensor               **outputs,
                                        GCancellable             *cancellable,
                                        GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscExecutor, lsc_executor_free)

G_END_DECLS
