/* The thread pool and its pinning plans. Plans are checked on synthetic
 * hwloc topologies against hand-computed placements; the pool's jobs are
 * checked by counting every tile (atomics) and reading back plain writes
 * the tiles made, on pools of this machine and on oversubscribed unbound
 * pools of a synthetic 8-core machine; binding is checked from inside the
 * workers with hwloc and with sched_getaffinity. These tests also run under
 * ThreadSanitizer (./run test), which must find nothing. */

/* sched_getaffinity, CPU_* and gettid. */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/lsc-error.h"
#include "threads/lsc-pin.h"
#include "threads/lsc-thread-pool.h"

/* ---- helpers ---- */

static hwloc_topology_t
synthetic_topology (const char *description)
{
  hwloc_topology_t topology;

  g_assert_cmpint (hwloc_topology_init (&topology), ==, 0);
  g_assert_cmpint (hwloc_topology_set_synthetic (topology, description), ==, 0);
  g_assert_cmpint (hwloc_topology_load (topology), ==, 0);
  g_assert_false (hwloc_topology_is_thissystem (topology));
  return topology;
}

static hwloc_topology_t
this_machine (void)
{
  hwloc_topology_t topology;

  g_assert_cmpint (hwloc_topology_init (&topology), ==, 0);
  g_assert_cmpint (hwloc_topology_load (topology), ==, 0);
  g_assert_true (hwloc_topology_is_thissystem (topology));
  return topology;
}

static hwloc_bitmap_t *
plan_ok (hwloc_topology_t topology,
         guint            n_threads,
         LscPinPolicy     policy)
{
  hwloc_bitmap_t *cpusets = g_new0 (hwloc_bitmap_t, n_threads);
  g_autoptr(GError) error = NULL;

  g_assert_true (lsc_pin_plan (topology, n_threads, policy, cpusets, &error));
  g_assert_no_error (error);
  return cpusets;
}

static void
plan_free (hwloc_bitmap_t *cpusets,
           guint           n_threads)
{
  for (guint i = 0; i < n_threads; i++)
    hwloc_bitmap_free (cpusets[i]);
  g_free (cpusets);
}

/* The core whose cpuset is exactly set, or NULL. */
static hwloc_obj_t
core_with_cpuset (hwloc_topology_t     topology,
                  hwloc_const_bitmap_t set)
{
  hwloc_obj_t core = NULL;

  while ((core = hwloc_get_next_obj_by_type (topology, HWLOC_OBJ_CORE, core)) != NULL)
    if (hwloc_bitmap_isequal (core->cpuset, set))
      return core;
  return NULL;
}

/* Logical index of the object of this type that contains set. */
static int
container_index (hwloc_topology_t     topology,
                 hwloc_const_bitmap_t set,
                 hwloc_obj_type_t     type)
{
  hwloc_obj_t obj = hwloc_get_next_obj_covering_cpuset_by_type (topology, set, type, NULL);

  g_assert_nonnull (obj);
  return (int) obj->logical_index;
}

static void
assert_first_pus (hwloc_bitmap_t *cpusets,
                  const int      *expected,
                  guint           n)
{
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (hwloc_bitmap_first (cpusets[i]), ==, expected[i]);
}

/* ---- policy names ---- */

static void
test_policy_names (void)
{
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };
  static const char *const names[] = { "compact", "scatter", "none" };
  g_autoptr(GError) error = NULL;
  LscPinPolicy policy = LSC_PIN_SCATTER;

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      LscPinPolicy parsed = (LscPinPolicy) 99;

      g_assert_cmpstr (lsc_pin_policy_to_string (policies[i]), ==, names[i]);
      g_assert_true (lsc_pin_policy_from_string (names[i], &parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpint (parsed, ==, policies[i]);
    }

  g_assert_false (lsc_pin_policy_from_string ("spread", &policy, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_assert_nonnull (strstr (error->message, "spread"));
  g_assert_nonnull (strstr (error->message, "compact, scatter, none"));
  g_assert_cmpint (policy, ==, LSC_PIN_SCATTER);
  g_clear_error (&error);

  g_assert_false (lsc_pin_policy_from_string ("", &policy, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_clear_error (&error);
  g_assert_false (lsc_pin_policy_from_string ("Compact ", &policy, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
}

/* ---- plans on synthetic topologies ---- */

static void
test_plan_compact_two_packages (void)
{
  /* Core i holds PUs 2i and 2i+1; package 0 has cores 0-3. */
  hwloc_topology_t topology = synthetic_topology ("pack:2 core:4 pu:2");
  static const int first_pus_8[] = { 0, 2, 4, 6, 8, 10, 12, 14 };
  hwloc_bitmap_t *cpusets;

  g_assert_cmpuint (lsc_topology_count_cores (topology), ==, 8);

  cpusets = plan_ok (topology, 4, LSC_PIN_COMPACT);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (hwloc_bitmap_weight (cpusets[i]), ==, 2);
      g_assert_cmpint (hwloc_bitmap_first (cpusets[i]), ==, 2 * (int) i);
      g_assert_cmpint (hwloc_bitmap_last (cpusets[i]), ==, 2 * (int) i + 1);
      g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_PACKAGE), ==, 0);
    }
  plan_free (cpusets, 4);

  cpusets = plan_ok (topology, 8, LSC_PIN_COMPACT);
  assert_first_pus (cpusets, first_pus_8, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_PACKAGE), ==, i < 4 ? 0 : 1);
  plan_free (cpusets, 8);

  hwloc_topology_destroy (topology);
}

static void
test_plan_scatter_two_packages (void)
{
  hwloc_topology_t topology = synthetic_topology ("pack:2 core:4 pu:2");
  static const int first_pus_4[] = { 0, 8, 2, 10 };
  static const int first_pus_8[] = { 0, 8, 2, 10, 4, 12, 6, 14 };
  hwloc_bitmap_t *cpusets;

  cpusets = plan_ok (topology, 4, LSC_PIN_SCATTER);
  assert_first_pus (cpusets, first_pus_4, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (hwloc_bitmap_weight (cpusets[i]), ==, 2);
      g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_PACKAGE), ==, i % 2);
    }
  plan_free (cpusets, 4);

  cpusets = plan_ok (topology, 8, LSC_PIN_SCATTER);
  assert_first_pus (cpusets, first_pus_8, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_PACKAGE), ==, i % 2);
  plan_free (cpusets, 8);

  hwloc_topology_destroy (topology);
}

static void
test_plan_scatter_l3 (void)
{
  /* One package, two L3s of four single-PU cores: PUs 0-3 and 4-7. */
  hwloc_topology_t topology = synthetic_topology ("pack:1 l3:2 core:4 pu:1");
  static const int scatter_8[] = { 0, 4, 1, 5, 2, 6, 3, 7 };
  static const int compact_4[] = { 0, 1, 2, 3 };
  hwloc_bitmap_t *cpusets;

  g_assert_cmpuint (lsc_topology_count_cores (topology), ==, 8);

  cpusets = plan_ok (topology, 8, LSC_PIN_SCATTER);
  assert_first_pus (cpusets, scatter_8, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_L3CACHE), ==, i % 2);
  plan_free (cpusets, 8);

  cpusets = plan_ok (topology, 4, LSC_PIN_COMPACT);
  assert_first_pus (cpusets, compact_4, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_L3CACHE), ==, 0);
  plan_free (cpusets, 4);

  hwloc_topology_destroy (topology);
}

/* Packages, then L3s inside them, then L2s: the first 2 workers are on
 * distinct packages, the first 4 on distinct L3s, all 8 on distinct L2s,
 * and consecutive workers never share a package. */
static void
test_plan_scatter_nested (void)
{
  hwloc_topology_t topology = synthetic_topology ("pack:2 l3:2 l2:2 core:1 pu:2");
  hwloc_bitmap_t *cpusets = plan_ok (topology, 8, LSC_PIN_SCATTER);
  struct { hwloc_obj_type_t type; guint n_distinct; } levels[] = {
    { HWLOC_OBJ_PACKAGE, 2 }, { HWLOC_OBJ_L3CACHE, 4 }, { HWLOC_OBJ_L2CACHE, 8 },
  };

  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    for (guint i = 0; i < levels[l].n_distinct; i++)
      for (guint j = 0; j < i; j++)
        g_assert_cmpint (container_index (topology, cpusets[i], levels[l].type), !=,
                         container_index (topology, cpusets[j], levels[l].type));
  for (guint i = 1; i < 8; i++)
    g_assert_cmpint (container_index (topology, cpusets[i], HWLOC_OBJ_PACKAGE), !=,
                     container_index (topology, cpusets[i - 1], HWLOC_OBJ_PACKAGE));

  plan_free (cpusets, 8);
  hwloc_topology_destroy (topology);
}

/* Any policy, any thread count: every worker gets exactly one core's
 * cpuset, no two workers share a core (nor a PU), and with one thread per
 * core every core is used. */
static void
test_plan_distinct_cores (void)
{
  static const char *const descriptions[] = {
    "pack:2 core:4 pu:2", "pack:1 l3:2 core:4 pu:1",
    "pack:2 l3:2 l2:2 core:1 pu:2", "pack:3 core:3 pu:4", "core:1 pu:2",
  };
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER };

  for (guint d = 0; d < G_N_ELEMENTS (descriptions); d++)
    {
      hwloc_topology_t topology = synthetic_topology (descriptions[d]);
      guint n_cores = lsc_topology_count_cores (topology);

      g_assert_cmpuint (n_cores, ==, (guint) hwloc_get_nbobjs_by_type (topology, HWLOC_OBJ_CORE));

      for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
        for (guint n = 1; n <= n_cores; n++)
          {
            hwloc_bitmap_t *cpusets = plan_ok (topology, n, policies[p]);
            hwloc_bitmap_t all = hwloc_bitmap_alloc ();

            for (guint i = 0; i < n; i++)
              {
                g_assert_nonnull (core_with_cpuset (topology, cpusets[i]));
                for (guint j = 0; j < i; j++)
                  g_assert_false (hwloc_bitmap_intersects (cpusets[i], cpusets[j]));
                hwloc_bitmap_or (all, all, cpusets[i]);
              }
            if (n == n_cores)
              g_assert_true (hwloc_bitmap_isequal (all, hwloc_topology_get_topology_cpuset (topology)));

            hwloc_bitmap_free (all);
            plan_free (cpusets, n);
          }

      hwloc_topology_destroy (topology);
    }
}

/* A topology that lists PUs but no cores: one PU per worker. */
static void
test_plan_no_cores (void)
{
  hwloc_topology_t topology = synthetic_topology ("pack:2 pu:3");
  static const int compact_6[] = { 0, 1, 2, 3, 4, 5 };
  static const int scatter_6[] = { 0, 3, 1, 4, 2, 5 };
  hwloc_bitmap_t *cpusets;

  g_assert_cmpint (hwloc_get_nbobjs_by_type (topology, HWLOC_OBJ_CORE), ==, 0);
  g_assert_cmpuint (lsc_topology_count_cores (topology), ==, 6);

  cpusets = plan_ok (topology, 6, LSC_PIN_COMPACT);
  assert_first_pus (cpusets, compact_6, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (hwloc_bitmap_weight (cpusets[i]), ==, 1);
  plan_free (cpusets, 6);

  cpusets = plan_ok (topology, 6, LSC_PIN_SCATTER);
  assert_first_pus (cpusets, scatter_6, 6);
  plan_free (cpusets, 6);

  hwloc_topology_destroy (topology);
}

static void
test_plan_none_and_limits (void)
{
  hwloc_topology_t topology = synthetic_topology ("pack:2 core:4 pu:2");
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };
  hwloc_bitmap_t cpusets[9];

  for (guint n = 1; n <= 8; n++)
    {
      memset (cpusets, 0xab, sizeof cpusets);
      g_assert_true (lsc_pin_plan (topology, n, LSC_PIN_NONE, cpusets, NULL));
      for (guint i = 0; i < n; i++)
        g_assert_null (cpusets[i]);
    }

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      g_autoptr(GError) error = NULL;

      memset (cpusets, 0, sizeof cpusets);
      g_assert_false (lsc_pin_plan (topology, 9, policies[p], cpusets, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
      g_assert_cmpstr (error->message, ==, "asked for 9 threads, this machine has 8 cores");
      for (guint i = 0; i < 9; i++)
        g_assert_null (cpusets[i]);
      g_clear_error (&error);

      g_assert_false (lsc_pin_plan (topology, 0, policies[p], cpusets, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
      g_clear_error (&error);

      g_assert_null (lsc_thread_pool_new (9, policies[p], topology, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
      g_clear_error (&error);
      g_assert_null (lsc_thread_pool_new (0, policies[p], topology, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
    }

  hwloc_topology_destroy (topology);
}

/* ---- the pools the job tests run on ---- */

/* Synthetic topologies give unbound pools with more threads than this
 * machine has cores: the most contended case for the pool's own
 * synchronisation. They must outlive their pools. */
static hwloc_topology_t synthetic_8_cores;

static GPtrArray *
make_test_pools (void)
{
  GPtrArray *pools = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_thread_pool_free);
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };
  hwloc_topology_t topology = this_machine ();
  guint n_cores = lsc_topology_count_cores (topology);

  hwloc_topology_destroy (topology);

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    for (guint n = 1; n <= n_cores; n++)
      {
        g_autoptr(GError) error = NULL;
        LscThreadPool *pool = lsc_thread_pool_new (n, policies[p], NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (pool);
        g_ptr_array_add (pools, pool);
      }

  g_ptr_array_add (pools, lsc_thread_pool_new (8, LSC_PIN_SCATTER, synthetic_8_cores, NULL));
  g_ptr_array_add (pools, lsc_thread_pool_new (3, LSC_PIN_NONE, synthetic_8_cores, NULL));
  for (guint i = 0; i < pools->len; i++)
    g_assert_nonnull (g_ptr_array_index (pools, i));
  return pools;
}

/* ---- every tile exactly once ---- */

typedef struct
{
  gsize        n_tiles;
  guint        n_threads;
  atomic_uint *count;     /* runs per tile */
  guint       *stamp;     /* plain writes; the caller must see them all */
  guint        round;
  pthread_t    caller;
  atomic_uint  n_bad;     /* calls with an out-of-range worker or tile */
  atomic_uint  n_off_caller; /* single-tile jobs not run by the caller */
} TileJob;

static void
count_tile (gpointer user_data,
            guint    worker,
            gsize    tile)
{
  TileJob *job = user_data;

  if (worker >= job->n_threads || tile >= job->n_tiles)
    {
      atomic_fetch_add (&job->n_bad, 1);
      return;
    }
  if (job->n_tiles == 1 && (worker != 0 || !pthread_equal (pthread_self (), job->caller)))
    atomic_fetch_add (&job->n_off_caller, 1);
  atomic_fetch_add_explicit (&job->count[tile], 1, memory_order_relaxed);
  job->stamp[tile] = job->round;
}

static TileJob *
tile_job_new (LscThreadPool *pool,
              gsize          max_tiles)
{
  TileJob *job = g_new0 (TileJob, 1);

  job->n_threads = lsc_thread_pool_get_n_threads (pool);
  job->count = g_new0 (atomic_uint, MAX (max_tiles, 1));
  job->stamp = g_new0 (guint, MAX (max_tiles, 1));
  job->caller = pthread_self ();
  return job;
}

static void
tile_job_free (TileJob *job)
{
  g_free (job->count);
  g_free (job->stamp);
  g_free (job);
}

/* Runs one parallel_for of n_tiles as round `round` and checks that every
 * tile ran once more than before (expected_count keeps the tally) and that
 * its plain write is visible. */
static void
run_and_check (LscThreadPool *pool,
               TileJob       *job,
               gsize          n_tiles,
               guint          round,
               guint         *expected_count)
{
  job->n_tiles = n_tiles;
  job->round = round;
  lsc_thread_pool_parallel_for (pool, n_tiles, count_tile, job);

  g_assert_cmpuint (atomic_load (&job->n_bad), ==, 0);
  g_assert_cmpuint (atomic_load (&job->n_off_caller), ==, 0);
  for (gsize t = 0; t < n_tiles; t++)
    {
      expected_count[t]++;
      if (atomic_load_explicit (&job->count[t], memory_order_relaxed) != expected_count[t] ||
          job->stamp[t] != round)
        g_error ("%u threads, %" G_GSIZE_FORMAT " tiles, round %u: tile %" G_GSIZE_FORMAT
                 " ran %u times in all (expected %u), stamp %u",
                 job->n_threads, n_tiles, round, t,
                 atomic_load (&job->count[t]), expected_count[t], job->stamp[t]);
    }
}

static void
test_pool_each_tile_once (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      guint n = lsc_thread_pool_get_n_threads (pool);
      gsize sizes[] = { 0, 1, 2, 3, n - 1, n, n + 1, 7, 100, 1000, 100000 };
      TileJob *job = tile_job_new (pool, 100000);
      guint *expected = g_new0 (guint, 100000);

      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        run_and_check (pool, job, sizes[s], s, expected);
      /* Nothing ran beyond the largest job's tiles. */
      for (gsize t = 0; t < 100000; t++)
        g_assert_cmpuint (atomic_load (&job->count[t]), ==, expected[t]);

      g_free (expected);
      tile_job_free (job);
    }
}

/* 1000 jobs back to back, with sizes that alternate between waking
 * everyone and waking no one, so workers go from job to job while still
 * spinning. */
static void
test_pool_back_to_back (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      guint n = lsc_thread_pool_get_n_threads (pool);
      gsize sizes[] = { 4 * n, 1, 0, 37, 2, n, 500 };
      TileJob *job = tile_job_new (pool, 500);
      guint expected[500] = { 0 };

      for (guint round = 0; round < 1000; round++)
        run_and_check (pool, job, sizes[round % G_N_ELEMENTS (sizes)], round, expected);

      tile_job_free (job);
    }
}

/* Gaps between jobs from far below to far above the spin time, so workers
 * and the caller are caught spinning, falling asleep and asleep. */
static void
test_pool_sleep_between_jobs (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      TileJob *job = tile_job_new (pool, 64);
      guint expected[64] = { 0 };

      for (guint round = 0; round < 120; round++)
        {
          gulong gap_us = round < 100 ? (round % 10) * 12 : 3000;

          if (gap_us > 0)
            g_usleep (gap_us);
          run_and_check (pool, job, round % 3 == 0 ? 64 : 5, round, expected);
        }

      tile_job_free (job);
    }
}

/* ---- workers are threads of their own and run concurrently ---- */

typedef struct
{
  guint       n_threads;
  atomic_uint calls[64];
  atomic_int  tid[64];
  pthread_t   thread[64];
  atomic_uint n_bad;
} EachRecord;

static void
record_each (gpointer user_data,
             guint    worker,
             gsize    tile)
{
  EachRecord *record = user_data;

  if (worker >= record->n_threads || tile != worker)
    {
      atomic_fetch_add (&record->n_bad, 1);
      return;
    }
  atomic_fetch_add (&record->calls[worker], 1);
  atomic_store (&record->tid[worker], gettid ());
  record->thread[worker] = pthread_self ();
}

typedef struct
{
  guint       n_threads;
  const int  *tids;         /* worker -> thread id, from run_on_each */
  atomic_uint n_wrong_thread;
} TidCheck;

static void
check_tile_thread (gpointer user_data,
                   guint    worker,
                   gsize    tile)
{
  TidCheck *check = user_data;

  if (worker >= check->n_threads || check->tids[worker] != gettid ())
    atomic_fetch_add (&check->n_wrong_thread, 1);
}

static void
test_pool_run_on_each (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      guint n = lsc_thread_pool_get_n_threads (pool);
      int first_tids[64] = { 0 };
      TidCheck check = { .n_threads = n, .tids = first_tids };

      g_assert_cmpuint (n, <=, 64);

      for (guint round = 0; round < 200; round++)
        {
          EachRecord record = { .n_threads = n };

          if (round % 50 == 49)
            g_usleep (2000);
          lsc_thread_pool_run_on_each (pool, record_each, &record);

          g_assert_cmpuint (atomic_load (&record.n_bad), ==, 0);
          for (guint w = 0; w < n; w++)
            {
              g_assert_cmpuint (atomic_load (&record.calls[w]), ==, 1);
              /* Worker w is always the same thread, and a different one
               * from every other worker; worker 0 is the caller. */
              if (round == 0)
                first_tids[w] = atomic_load (&record.tid[w]);
              g_assert_cmpint (atomic_load (&record.tid[w]), ==, first_tids[w]);
              for (guint v = 0; v < w; v++)
                {
                  g_assert_cmpint (first_tids[v], !=, first_tids[w]);
                  g_assert_false (pthread_equal (record.thread[v], record.thread[w]));
                }
            }
          g_assert_cmpint (first_tids[0], ==, gettid ());
          g_assert_true (pthread_equal (record.thread[0], pthread_self ()));
        }

      /* parallel_for hands worker w's tiles to that same thread. */
      lsc_thread_pool_parallel_for (pool, 5000, check_tile_thread, &check);
      g_assert_cmpuint (atomic_load (&check.n_wrong_thread), ==, 0);
    }
}

typedef struct
{
  guint       n_threads;
  atomic_uint arrived;
  atomic_uint per_worker[64];
  atomic_uint n_timed_out;
} Barrier;

/* Each tile waits until every tile has started: it can only finish when
 * n_threads tiles run at the same time, on n_threads distinct workers. */
static void
barrier_tile (gpointer user_data,
              guint    worker,
              gsize    tile)
{
  Barrier *barrier = user_data;
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;

  atomic_fetch_add (&barrier->per_worker[MIN (worker, 63)], 1);
  atomic_fetch_add (&barrier->arrived, 1);
  while (atomic_load (&barrier->arrived) < barrier->n_threads)
    {
      if (g_get_monotonic_time () > deadline)
        {
          atomic_fetch_add (&barrier->n_timed_out, 1);
          return;
        }
      sched_yield ();
    }
}

static void
test_pool_concurrency (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      guint n = lsc_thread_pool_get_n_threads (pool);

      for (guint round = 0; round < 20; round++)
        {
          Barrier barrier = { .n_threads = n };

          lsc_thread_pool_parallel_for (pool, n, barrier_tile, &barrier);
          g_assert_cmpuint (atomic_load (&barrier.n_timed_out), ==, 0);
          for (guint w = 0; w < n; w++)
            g_assert_cmpuint (atomic_load (&barrier.per_worker[w]), ==, 1);
        }
    }
}

/* The scheduler state of a thread of this process: 'R', 'S', … */
static char
thread_state (int tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/stat", tid);
  g_autofree char *contents = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return '?';
  paren = strrchr (contents, ')');
  return paren != NULL && paren[1] == ' ' ? paren[2] : '?';
}

/* An idle pool does not spin: soon after a job its workers sleep in the
 * kernel, and a job still wakes them. */
static void
test_pool_idle_workers_sleep (void)
{
  g_autoptr(GPtrArray) pools = make_test_pools ();

  for (guint p = 0; p < pools->len; p++)
    {
      LscThreadPool *pool = g_ptr_array_index (pools, p);
      guint n = lsc_thread_pool_get_n_threads (pool);
      EachRecord record = { .n_threads = n };
      gint64 deadline;
      gboolean all_asleep = FALSE;

      lsc_thread_pool_run_on_each (pool, record_each, &record);

      deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
      while (!all_asleep && g_get_monotonic_time () < deadline)
        {
          g_usleep (5000);
          all_asleep = TRUE;
          for (guint w = 1; w < n; w++)
            if (thread_state (atomic_load (&record.tid[w])) != 'S')
              all_asleep = FALSE;
        }
      g_assert_true (all_asleep);

      for (guint w = 0; w < n; w++)
        atomic_store (&record.calls[w], 0);
      lsc_thread_pool_run_on_each (pool, record_each, &record);
      for (guint w = 0; w < n; w++)
        g_assert_cmpuint (atomic_load (&record.calls[w]), ==, 1);
    }
}

/* ---- pools on synthetic and on this machine's topology ---- */

static void
get_affinity (cpu_set_t *set)
{
  CPU_ZERO (set);
  g_assert_cmpint (sched_getaffinity (0, sizeof *set, set), ==, 0);
}

typedef struct
{
  guint      n_threads;
  cpu_set_t  affinity[64];
} AffinityRecord;

static void
record_affinity (gpointer user_data,
                 guint    worker,
                 gsize    tile)
{
  AffinityRecord *record = user_data;

  get_affinity (&record->affinity[worker]);
}

/* A synthetic topology gives the plan's PUs but binds nothing: workers keep
 * the affinity they inherit from the thread that made the pool. */
static void
test_pool_synthetic_topology (void)
{
  static const int compact_4[] = { 0, 2, 4, 6 };
  static const int scatter_4[] = { 0, 8, 2, 10 };
  cpu_set_t caller;

  get_affinity (&caller);

  for (guint p = 0; p < 3; p++)
    {
      LscPinPolicy policy = (LscPinPolicy[]) { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE }[p];
      g_autoptr(GError) error = NULL;
      g_autoptr(LscThreadPool) pool = lsc_thread_pool_new (4, policy, synthetic_8_cores, &error);
      AffinityRecord record = { .n_threads = 4 };

      g_assert_no_error (error);
      g_assert_cmpuint (lsc_thread_pool_get_n_threads (pool), ==, 4);
      g_assert_cmpint (lsc_thread_pool_get_policy (pool), ==, policy);
      for (guint w = 0; w < 4; w++)
        g_assert_cmpint (lsc_thread_pool_get_worker_pu (pool, w), ==,
                         policy == LSC_PIN_COMPACT ? compact_4[w] :
                         policy == LSC_PIN_SCATTER ? scatter_4[w] : -1);

      lsc_thread_pool_run_on_each (pool, record_affinity, &record);
      for (guint w = 0; w < 4; w++)
        g_assert_true (CPU_EQUAL (&record.affinity[w], &caller));
    }
}

static void
test_pool_this_machine_limits (void)
{
  hwloc_topology_t topology = this_machine ();
  guint n_cores = lsc_topology_count_cores (topology);
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };

  g_assert_cmpuint (n_cores, >=, 1);

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      for (guint n = 1; n <= n_cores; n++)
        {
          LscThreadPool *pool = lsc_thread_pool_new (n, policies[p], NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (lsc_thread_pool_get_n_threads (pool), ==, n);
          lsc_thread_pool_free (pool);
        }

      g_assert_null (lsc_thread_pool_new (n_cores + 1, policies[p], NULL, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
      expected = g_strdup_printf ("asked for %u threads, this machine has %u cores",
                                  n_cores + 1, n_cores);
      g_assert_cmpstr (error->message, ==, expected);
    }

  hwloc_topology_destroy (topology);
}

typedef struct
{
  hwloc_topology_t topology;
  hwloc_bitmap_t  *plan;
  guint            n_threads;
  AffinityRecord   affinity;
  hwloc_bitmap_t   hwloc_binding[64];
  atomic_uint      n_tiles_misbound;
} BindingRecord;

static void
record_binding (gpointer user_data,
                guint    worker,
                gsize    tile)
{
  BindingRecord *record = user_data;

  get_affinity (&record->affinity.affinity[worker]);
  g_assert_cmpint (hwloc_get_cpubind (record->topology, record->hwloc_binding[worker],
                                      HWLOC_CPUBIND_THREAD), ==, 0);
}

static void
check_tile_binding (gpointer user_data,
                    guint    worker,
                    gsize    tile)
{
  BindingRecord *record = user_data;
  hwloc_bitmap_t binding = hwloc_bitmap_alloc ();

  if (hwloc_get_cpubind (record->topology, binding, HWLOC_CPUBIND_THREAD) < 0 ||
      !hwloc_bitmap_isequal (binding, record->plan[worker]))
    atomic_fetch_add (&record->n_tiles_misbound, 1);
  hwloc_bitmap_free (binding);
}

/* The cpu_set_t (sched_getaffinity's view) holds exactly the set's PUs. */
static void
assert_affinity_is (const cpu_set_t     *affinity,
                    hwloc_const_bitmap_t set)
{
  unsigned pu;

  g_assert_cmpint (CPU_COUNT (affinity), ==, hwloc_bitmap_weight (set));
  hwloc_bitmap_foreach_begin (pu, set)
    g_assert_true (CPU_ISSET (pu, affinity));
  hwloc_bitmap_foreach_end ();
}

/* On this machine, workers really are bound to their planned cores
 * (checked from inside them, by hwloc and by the kernel's affinity), the
 * caller is pinned to worker 0's core only during the job, and gets its own
 * binding back afterwards, even when that binding is a different core. */
static void
test_pool_binding (void)
{
  hwloc_topology_t topology = this_machine ();
  guint n_cores = lsc_topology_count_cores (topology);
  hwloc_bitmap_t original = hwloc_bitmap_alloc ();
  hwloc_bitmap_t after = hwloc_bitmap_alloc ();
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };

  g_assert_cmpint (hwloc_get_cpubind (topology, original, HWLOC_CPUBIND_THREAD), ==, 0);

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    for (guint n = 1; n <= MIN (n_cores, 64); n++)
      for (guint caller_core = 0; caller_core < 2; caller_core++)
        {
          BindingRecord record = { .topology = topology, .n_threads = n };
          g_autoptr(GError) error = NULL;
          LscThreadPool *pool;
          hwloc_bitmap_t caller_binding;

          /* Second pass: the caller is itself pinned, to the last core. */
          if (caller_core == 1)
            {
              hwloc_obj_t last = hwloc_get_obj_by_type (topology, HWLOC_OBJ_CORE, n_cores - 1);

              if (last == NULL)
                last = hwloc_get_obj_by_type (topology, HWLOC_OBJ_PU, n_cores - 1);
              g_assert_cmpint (hwloc_set_cpubind (topology, last->cpuset, HWLOC_CPUBIND_THREAD), ==, 0);
            }
          caller_binding = hwloc_bitmap_alloc ();
          g_assert_cmpint (hwloc_get_cpubind (topology, caller_binding, HWLOC_CPUBIND_THREAD), ==, 0);

          record.plan = g_new0 (hwloc_bitmap_t, n);
          g_assert_true (lsc_pin_plan (topology, n, policies[p], record.plan, NULL));
          for (guint w = 0; w < n; w++)
            {
              record.hwloc_binding[w] = hwloc_bitmap_alloc ();
              /* Unpinned workers keep what they inherit: the creator's binding. */
              if (record.plan[w] == NULL)
                record.plan[w] = hwloc_bitmap_dup (caller_binding);
            }

          pool = lsc_thread_pool_new (n, policies[p], topology, &error);
          g_assert_no_error (error);

          for (guint w = 0; w < n; w++)
            g_assert_cmpint (lsc_thread_pool_get_worker_pu (pool, w), ==,
                             policies[p] == LSC_PIN_NONE ? -1 : hwloc_bitmap_first (record.plan[w]));

          lsc_thread_pool_run_on_each (pool, record_binding, &record);
          for (guint w = 0; w < n; w++)
            {
              g_assert_true (hwloc_bitmap_isequal (record.hwloc_binding[w], record.plan[w]));
              assert_affinity_is (&record.affinity.affinity[w], record.plan[w]);
            }
          g_assert_cmpint (hwloc_get_cpubind (topology, after, HWLOC_CPUBIND_THREAD), ==, 0);
          g_assert_true (hwloc_bitmap_isequal (after, caller_binding));

          lsc_thread_pool_parallel_for (pool, 200, check_tile_binding, &record);
          g_assert_cmpuint (atomic_load (&record.n_tiles_misbound), ==, 0);
          g_assert_cmpint (hwloc_get_cpubind (topology, after, HWLOC_CPUBIND_THREAD), ==, 0);
          g_assert_true (hwloc_bitmap_isequal (after, caller_binding));

          /* enter … leave: pinned for the whole sequence of jobs, the
           * tiles still bound, and the caller's binding back after. */
          lsc_thread_pool_enter (pool);
          if (policies[p] != LSC_PIN_NONE)
            {
              g_assert_cmpint (hwloc_get_cpubind (topology, after, HWLOC_CPUBIND_THREAD), ==, 0);
              g_assert_true (hwloc_bitmap_isequal (after, record.plan[0]));
            }
          for (int job = 0; job < 3; job++)
            lsc_thread_pool_parallel_for (pool, 50, check_tile_binding, &record);
          g_assert_cmpuint (atomic_load (&record.n_tiles_misbound), ==, 0);
          lsc_thread_pool_leave (pool);
          g_assert_cmpint (hwloc_get_cpubind (topology, after, HWLOC_CPUBIND_THREAD), ==, 0);
          g_assert_true (hwloc_bitmap_isequal (after, caller_binding));

          lsc_thread_pool_free (pool);
          for (guint w = 0; w < n; w++)
            hwloc_bitmap_free (record.hwloc_binding[w]);
          plan_free (record.plan, n);
          hwloc_bitmap_free (caller_binding);
          g_assert_cmpint (hwloc_set_cpubind (topology, original, HWLOC_CPUBIND_THREAD), ==, 0);
        }

  hwloc_bitmap_free (after);
  hwloc_bitmap_free (original);
  hwloc_topology_destroy (topology);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  synthetic_8_cores = synthetic_topology ("pack:2 core:4 pu:2");

  g_test_add_func ("/thread-pool/policy-names", test_policy_names);
  g_test_add_func ("/thread-pool/plan/compact-two-packages", test_plan_compact_two_packages);
  g_test_add_func ("/thread-pool/plan/scatter-two-packages", test_plan_scatter_two_packages);
  g_test_add_func ("/thread-pool/plan/scatter-l3", test_plan_scatter_l3);
  g_test_add_func ("/thread-pool/plan/scatter-nested", test_plan_scatter_nested);
  g_test_add_func ("/thread-pool/plan/distinct-cores", test_plan_distinct_cores);
  g_test_add_func ("/thread-pool/plan/no-cores", test_plan_no_cores);
  g_test_add_func ("/thread-pool/plan/none-and-limits", test_plan_none_and_limits);
  g_test_add_func ("/thread-pool/pool/synthetic-topology", test_pool_synthetic_topology);
  g_test_add_func ("/thread-pool/pool/this-machine-limits", test_pool_this_machine_limits);
  g_test_add_func ("/thread-pool/pool/each-tile-once", test_pool_each_tile_once);
  g_test_add_func ("/thread-pool/pool/back-to-back", test_pool_back_to_back);
  g_test_add_func ("/thread-pool/pool/sleep-between-jobs", test_pool_sleep_between_jobs);
  g_test_add_func ("/thread-pool/pool/run-on-each", test_pool_run_on_each);
  g_test_add_func ("/thread-pool/pool/concurrency", test_pool_concurrency);
  g_test_add_func ("/thread-pool/pool/idle-workers-sleep", test_pool_idle_workers_sleep);
  g_test_add_func ("/thread-pool/pool/binding", test_pool_binding);

  status = g_test_run ();
  hwloc_topology_destroy (synthetic_8_cores);
  return status;
}
