/* For pthread_setname_np and sched_{get,set}affinity. */
#define _GNU_SOURCE

#include "lsc-thread-pool.h"

#include <errno.h>
#include <hwloc/glibc-sched.h>
#include <sched.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/lsc-error.h"

/* How long a waiting thread spins before it sleeps: longer than the gap
 * between two layers' jobs, far shorter than any human-visible idle time. */
#define SPIN_NS (50 * 1000)
#define CACHE_LINE 64

typedef enum
{
  JOB_TILES, /* parallel_for: tiles handed out by an atomic counter */
  JOB_EACH,  /* run_on_each: fn (w, w) once on every worker */
  JOB_QUIT,  /* free: the workers return */
} JobKind;

/* A 32-bit word threads wait on until its value changes: spinning first,
 * then sleeping in the kernel (a futex on the word itself). n_sleepers lets
 * the thread that changes the word skip the wake-up system call when nobody
 * sleeps, which is the common case for back-to-back jobs. */
typedef struct
{
  atomic_uint value;
  atomic_uint n_sleepers;
} WaitWord;

typedef struct
{
  LscThreadPool *pool;
  guint          index;
  pthread_t      thread;
} Worker;

struct _LscThreadPool
{
  guint            n_threads;
  LscPinPolicy     policy;
  hwloc_topology_t topology;
  gboolean         owns_topology;
  gboolean         bind;                 /* policy pins and topology is this machine */
  hwloc_bitmap_t  *cpusets;              /* n_threads entries; NULL for LSC_PIN_NONE */
  int             *worker_pu;            /* n_threads entries */
  /* The caller's affinity, saved during a job, and worker 0's, as glibc
   * cpu_set_t: sched_{get,set}affinity on them never allocate (hwloc's
   * thread binding calls do), so a steady-state run allocates nothing. */
  cpu_set_t        caller_affinity;
  cpu_set_t        worker0_affinity;
  guint            entered;              /* lsc_thread_pool_enter depth */
  gboolean         entered_pinned;       /* enter pinned the caller: leave restores */
  Worker          *workers;              /* n_threads entries; [0] is the caller, no thread */
  guint            n_started;            /* workers 1 .. n_started have a thread */

  /* The job. The caller writes the plain fields, then bumps generation
   * (release); a worker reads them after it sees the new generation
   * (acquire), and is done with them before it counts pending down, which
   * the caller waits for before it writes the next job. */
  _Alignas (CACHE_LINE) WaitWord generation;
  JobKind          job_kind;
  /* Profiling: called around each worker's share of a parallel_for (set
   * between jobs only, read with the job). NULL costs one branch. */
  LscJobHook       hook;
  gpointer         hook_data;
  LscTileFunc      job_fn;
  gpointer         job_user_data;
  gsize            job_n_tiles;

  /* Hammered by every worker during a job: a line of its own. */
  _Alignas (CACHE_LINE) atomic_size_t next_tile;

  /* Workers (not the caller) still busy with the current job. */
  _Alignas (CACHE_LINE) WaitWord pending;
};

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield");
#endif
}

static gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
futex_wait (atomic_uint *word,
            guint        expected)
{
  /* Returns at once (EAGAIN) when the word no longer holds expected, so a
   * change between our last check and the call is never slept through.
   * EINTR and spurious returns are fine: the caller re-checks. */
  syscall (SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void
futex_wake_all (atomic_uint *word)
{
  syscall (SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* Waits until the word's value differs from old and returns the new value;
 * the load that saw it is an acquire, so whatever the changing thread wrote
 * before its (release) change is visible. */
static guint
wait_word_wait_change (WaitWord *word,
                       guint     old)
{
  gint64 deadline = 0;
  guint value;

  for (guint spins = 1;; spins++)
    {
      value = atomic_load_explicit (&word->value, memory_order_acquire);
      if (value != old)
        return value;
      cpu_relax ();
      /* Reading the clock costs about as much as a few pauses: do it now
       * and then. */
      if (spins % 64 == 0)
        {
          gint64 now = monotonic_ns ();

          if (deadline == 0)
            deadline = now + SPIN_NS;
          else if (now >= deadline)
            break;
        }
    }

  for (;;)
    {
      /* Announce the sleep, then look once more. Both are seq_cst, as are the
       * changer's update and its n_sleepers check (wait_word_wake): of the
       * two threads, at least one sees the other, so either we see the new
       * value here or the changer sees us and wakes us. */
      atomic_fetch_add_explicit (&word->n_sleepers, 1, memory_order_seq_cst);
      value = atomic_load_explicit (&word->value, memory_order_seq_cst);
      if (value == old)
        futex_wait (&word->value, old);
      atomic_fetch_sub_explicit (&word->n_sleepers, 1, memory_order_relaxed);

      value = atomic_load_explicit (&word->value, memory_order_acquire);
      if (value != old)
        return value;
    }
}

/* Call after changing word->value with a seq_cst operation. */
static void
wait_word_wake (WaitWord *word)
{
  if (atomic_load_explicit (&word->n_sleepers, memory_order_seq_cst) > 0)
    futex_wake_all (&word->value);
}

/* Worker w's part of the current job. */
static void
run_share (LscThreadPool *pool,
           guint          worker)
{
  LscTileFunc fn = pool->job_fn;
  gpointer user_data = pool->job_user_data;
  gsize n_tiles = pool->job_n_tiles;
  gsize done = 0;

  if (pool->job_kind == JOB_EACH)
    {
      fn (user_data, worker, worker);
      return;
    }

  if (G_UNLIKELY (pool->hook != NULL))
    pool->hook (pool->hook_data, worker, TRUE, 0);
  /* Dynamic scheduling: whoever is free takes the next tile. Relaxed is
   * enough, the counter only hands out indices; the tiles' data is
   * published by generation and pending. */
  for (;; done++)
    {
      gsize tile = atomic_fetch_add_explicit (&pool->next_tile, 1, memory_order_relaxed);

      if (tile >= n_tiles)
        break;
      fn (user_data, worker, tile);
    }
  if (G_UNLIKELY (pool->hook != NULL))
    pool->hook (pool->hook_data, worker, FALSE, done);
}

static void *
worker_main (void *data)
{
  Worker *worker = data;
  LscThreadPool *pool = worker->pool;
  /* The pool publishes nothing before every worker is started, so the
   * first job is generation 1. */
  guint seen = 0;

  for (;;)
    {
      seen = wait_word_wait_change (&pool->generation, seen);
      if (pool->job_kind == JOB_QUIT)
        break;

      run_share (pool, worker->index);

      /* Release: the caller, seeing 0, sees every tile's writes (all the
       * decrements form one release sequence). seq_cst for the sleep
       * hand-shake in wait_word_wait_change. Nothing of the pool's job is
       * touched after this. */
      if (atomic_fetch_sub_explicit (&pool->pending.value, 1, memory_order_seq_cst) == 1)
        wait_word_wake (&pool->pending);
    }

  return NULL;
}

/* Pins the calling thread to worker 0's core, saving its binding; FALSE
 * when there is nothing to restore. A failure only costs locality, so it
 * is not reported (parallel_for has no error to return). */
static gboolean
pin_caller (LscThreadPool *pool)
{
  if (!pool->bind)
    return FALSE;
  if (sched_getaffinity (0, sizeof (cpu_set_t), &pool->caller_affinity) < 0)
    return FALSE;
  /* A caller that is already where worker 0 belongs (a dedicated, pinned
   * inference thread) costs no further system call. */
  if (CPU_EQUAL (&pool->caller_affinity, &pool->worker0_affinity))
    return FALSE;
  return sched_setaffinity (0, sizeof (cpu_set_t), &pool->worker0_affinity) == 0;
}

static void
unpin_caller (LscThreadPool *pool,
              gboolean       pinned)
{
  if (pinned)
    sched_setaffinity (0, sizeof (cpu_set_t), &pool->caller_affinity);
}

static void
run_job (LscThreadPool *pool,
         JobKind        kind,
         LscTileFunc    fn,
         gpointer       user_data,
         gsize          n_tiles)
{
  gboolean pinned = pool->entered ? FALSE : pin_caller (pool);

  pool->job_kind = kind;
  pool->job_fn = fn;
  pool->job_user_data = user_data;
  pool->job_n_tiles = n_tiles;
  atomic_store_explicit (&pool->next_tile, 0, memory_order_relaxed);

  if (pool->n_threads > 1)
    {
      atomic_store_explicit (&pool->pending.value, pool->n_threads - 1, memory_order_relaxed);
      /* Publishes the job and the two stores above (release). */
      atomic_fetch_add_explicit (&pool->generation.value, 1, memory_order_seq_cst);
      wait_word_wake (&pool->generation);
    }

  run_share (pool, 0);

  if (pool->n_threads > 1)
    {
      guint pending = atomic_load_explicit (&pool->pending.value, memory_order_acquire);

      while (pending != 0)
        pending = wait_word_wait_change (&pool->pending, pending);
    }

  unpin_caller (pool, pinned);
}

void
lsc_thread_pool_enter (LscThreadPool *pool)
{
  /* Nested: only the outermost pins (a profiling session around the
   * executor's own enter per run). */
  if (pool->entered++ > 0)
    return;
  pool->entered_pinned = pin_caller (pool);
}

void
lsc_thread_pool_leave (LscThreadPool *pool)
{
  g_return_if_fail (pool->entered > 0);
  if (--pool->entered > 0)
    return;
  unpin_caller (pool, pool->entered_pinned);
}

static void
stop_workers (LscThreadPool *pool)
{
  if (pool->n_started == 0)
    return;

  pool->job_kind = JOB_QUIT;
  atomic_fetch_add_explicit (&pool->generation.value, 1, memory_order_seq_cst);
  wait_word_wake (&pool->generation);

  for (guint i = 1; i <= pool->n_started; i++)
    pthread_join (pool->workers[i].thread, NULL);
  pool->n_started = 0;
}

static gboolean
start_worker (LscThreadPool  *pool,
              guint           index,
              GError        **error)
{
  Worker *worker = &pool->workers[index];
  char name[16];
  int err;

  worker->pool = pool;
  worker->index = index;

  err = pthread_create (&worker->thread, NULL, worker_main, worker);
  if (err != 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not start worker thread %u: %s", index, g_strerror (err));
      return FALSE;
    }
  pool->n_started = index;

  /* Named for profilers and debuggers (at most 15 characters). */
  g_snprintf (name, sizeof name, "lsc-worker-%u", index);
  pthread_setname_np (worker->thread, name);

  if (pool->bind &&
      hwloc_set_thread_cpubind (pool->topology, worker->thread, pool->cpusets[index], 0) < 0)
    {
      int bind_errno = errno;

      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not bind worker thread %u to PU %d (policy %s): %s",
                   index, pool->worker_pu[index], lsc_pin_policy_to_string (pool->policy),
                   g_strerror (bind_errno));
      return FALSE;
    }

  return TRUE;
}

LscThreadPool *
lsc_thread_pool_new (guint              n_threads,
                     LscPinPolicy       policy,
                     hwloc_topology_t   topology,
                     GError           **error)
{
  LscThreadPool *pool;

  pool = g_aligned_alloc0 (1, sizeof (LscThreadPool), CACHE_LINE);
  pool->policy = policy;

  if (topology != NULL)
    {
      pool->topology = topology;
    }
  else
    {
      if (hwloc_topology_init (&pool->topology) < 0)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                       "could not initialise the hwloc topology: %s", g_strerror (errno));
          g_aligned_free (pool);
          return NULL;
        }
      pool->owns_topology = TRUE;
      if (hwloc_topology_load (pool->topology) < 0)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                       "could not read this machine's topology with hwloc: %s",
                       g_strerror (errno));
          lsc_thread_pool_free (pool);
          return NULL;
        }
    }

  /* n_threads stays 0 until the plan exists, so free releases only what
   * was made. */
  {
    g_autofree hwloc_bitmap_t *cpusets = g_new0 (hwloc_bitmap_t, MAX (n_threads, 1));

    if (!lsc_pin_plan (pool->topology, n_threads, policy, cpusets, error))
      {
        lsc_thread_pool_free (pool);
        return NULL;
      }
    pool->cpusets = g_steal_pointer (&cpusets);
  }
  pool->n_threads = n_threads;
  pool->worker_pu = g_new (int, n_threads);
  for (guint i = 0; i < n_threads; i++)
    pool->worker_pu[i] = pool->cpusets[i] != NULL ? hwloc_bitmap_first (pool->cpusets[i]) : -1;

  /* A synthetic or imported topology describes some other machine: its
   * plan is still computed (and reported), but binding to it would be
   * meaningless. */
  pool->bind = policy != LSC_PIN_NONE && hwloc_topology_is_thissystem (pool->topology);
  if (pool->bind)
    hwloc_cpuset_to_glibc_sched_affinity (pool->topology, pool->cpusets[0],
                                          &pool->worker0_affinity, sizeof (cpu_set_t));

  pool->workers = g_new0 (Worker, n_threads);
  for (guint i = 1; i < n_threads; i++)
    if (!start_worker (pool, i, error))
      {
        lsc_thread_pool_free (pool);
        return NULL;
      }

  return pool;
}

void
lsc_thread_pool_free (LscThreadPool *pool)
{
  if (pool == NULL)
    return;

  stop_workers (pool);

  for (guint i = 0; pool->cpusets != NULL && i < pool->n_threads; i++)
    hwloc_bitmap_free (pool->cpusets[i]);
  g_free (pool->cpusets);
  g_free (pool->worker_pu);
  g_free (pool->workers);
  if (pool->owns_topology)
    hwloc_topology_destroy (pool->topology);
  g_aligned_free (pool);
}

guint
lsc_thread_pool_get_n_threads (LscThreadPool *pool)
{
  g_return_val_if_fail (pool != NULL, 0);

  return pool->n_threads;
}

LscPinPolicy
lsc_thread_pool_get_policy (LscThreadPool *pool)
{
  g_return_val_if_fail (pool != NULL, LSC_PIN_NONE);

  return pool->policy;
}

int
lsc_thread_pool_get_worker_pu (LscThreadPool *pool,
                               guint          worker)
{
  g_return_val_if_fail (pool != NULL, -1);
  g_return_val_if_fail (worker < pool->n_threads, -1);

  return pool->worker_pu[worker];
}

void
lsc_thread_pool_parallel_for (LscThreadPool *pool,
                              gsize          n_tiles,
                              LscTileFunc    fn,
                              gpointer       user_data)
{
  g_return_if_fail (pool != NULL);
  g_return_if_fail (fn != NULL || n_tiles == 0);

  if (n_tiles == 0)
    return;
  /* Waking anyone (or re-pinning the caller) would cost more than a tile. */
  if (n_tiles == 1)
    {
      if (G_UNLIKELY (pool->hook != NULL))
        pool->hook (pool->hook_data, 0, TRUE, 0);
      fn (user_data, 0, 0);
      if (G_UNLIKELY (pool->hook != NULL))
        pool->hook (pool->hook_data, 0, FALSE, 1);
      return;
    }

  run_job (pool, JOB_TILES, fn, user_data, n_tiles);
}

void
lsc_thread_pool_run_on_each (LscThreadPool *pool,
                             LscTileFunc    fn,
                             gpointer       user_data)
{
  g_return_if_fail (pool != NULL);
  g_return_if_fail (fn != NULL);

  run_job (pool, JOB_EACH, fn, user_data, pool->n_threads);
}

void
lsc_thread_pool_set_job_hook (LscThreadPool *pool,
                              LscJobHook     hook,
                              gpointer       hook_data)
{
  g_return_if_fail (pool != NULL);

  pool->hook = hook;
  pool->hook_data = hook_data;
}
