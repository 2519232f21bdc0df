/* The background-load generator: spec parsing (good and bad, against a
 * made-up set of CPUs and this machine's), its threads really loading the
 * CPUs they are pinned to (their CPU time from /proc, independently of the
 * monitor), prompt stop and restart, and the CPU monitor seeing the load as
 * other processes' and flagging it. These tests are timing-sensitive:
 * meson runs them alone, and the bars are low enough for a busy 2-core
 * machine (a broken generator gives ~0). */

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/lsc-error.h"
#include "monitor/lsc-cpu-monitor.h"
#include "monitor/lsc-load-generator.h"

/* Timing tests get this many tries; one good one passes (the others
 * sharing the CPUs are other helpers' builds, CI's other jobs). */
#define ATTEMPTS 3

/* ---- spec ---- */

static hwloc_bitmap_t
cpus_from_list (const char *list)
{
  hwloc_bitmap_t set = hwloc_bitmap_alloc ();

  g_assert_cmpint (hwloc_bitmap_list_sscanf (set, list), ==, 0);
  return set;
}

static void
check_good (hwloc_const_bitmap_t available,
            const char          *text,
            LscLoadKind          kind,
            const char          *expected_cpus,
            const char          *expected_string)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) cpus = g_strsplit (expected_cpus, ",", -1);
  g_autofree char *string = NULL;
  LscLoadSpec spec, again;

  memset (&spec, 0xab, sizeof spec);
  g_assert_true (lsc_load_spec_parse_on (text, available, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spec.kind, ==, kind);
  g_assert_cmpuint (spec.n_cpus, ==, g_strv_length (cpus));
  for (guint i = 0; i < spec.n_cpus; i++)
    g_assert_cmpint (spec.cpus[i], ==, atoi (cpus[i]));

  string = lsc_load_spec_to_string (&spec);
  g_assert_cmpstr (string, ==, expected_string);
  g_assert_true (lsc_load_spec_parse_on (string, available, &again, &error));
  g_assert_cmpint (again.kind, ==, spec.kind);
  g_assert_cmpuint (again.n_cpus, ==, spec.n_cpus);
  g_assert_cmpmem (again.cpus, again.n_cpus * sizeof (int), spec.cpus, spec.n_cpus * sizeof (int));
}

static void
check_bad (hwloc_const_bitmap_t available,
           const char          *text,
           const char          *fragment)
{
  g_autoptr (GError) error = NULL;
  LscLoadSpec spec = { .kind = LSC_LOAD_MEMORY, .n_cpus = 7 };

  g_assert_false (lsc_load_spec_parse_on (text, available, &spec, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_test_message ("%s -> %s", text != NULL ? text : "(null)", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  /* The output is left alone on error. */
  g_assert_cmpint (spec.kind, ==, LSC_LOAD_MEMORY);
  g_assert_cmpuint (spec.n_cpus, ==, 7);
}

static void
test_spec (void)
{
  hwloc_bitmap_t four = cpus_from_list ("0-3");
  hwloc_bitmap_t sparse = cpus_from_list ("0,2,5");
  hwloc_bitmap_t hundred = cpus_from_list ("0-99");

  check_good (four, "cpu:1", LSC_LOAD_CPU, "1", "cpu:1");
  check_good (four, "cpu:0,1", LSC_LOAD_CPU, "0,1", "cpu:0-1");
  check_good (four, "cpu:all", LSC_LOAD_CPU, "0,1,2,3", "cpu:0-3");
  check_good (four, "mem:1", LSC_LOAD_MEMORY, "1", "mem:1");
  check_good (four, "mem:0-1", LSC_LOAD_MEMORY, "0,1", "mem:0-1");
  check_good (four, " cpu : 3 , 0-1 ", LSC_LOAD_CPU, "3,0,1", "cpu:3,0-1");
  check_good (four, "cpu:1,1,0-2", LSC_LOAD_CPU, "1,0,2", "cpu:1,0,2");
  check_good (four, "MEM:2,3", LSC_LOAD_MEMORY, "2,3", "mem:2-3");
  check_good (four, "memory:3", LSC_LOAD_MEMORY, "3", "mem:3");
  check_good (four, "cpu:2-2", LSC_LOAD_CPU, "2", "cpu:2");
  check_good (sparse, "cpu:all", LSC_LOAD_CPU, "0,2,5", "cpu:0,2,5");
  check_good (sparse, "mem:5,0", LSC_LOAD_MEMORY, "5,0", "mem:5,0");

  check_bad (four, NULL, "empty load spec");
  check_bad (four, "", "empty load spec");
  check_bad (four, "cpu", "no CPU list");
  check_bad (four, "gpu:0", "unknown kind 'gpu'");
  check_bad (four, ":0", "unknown kind ''");
  check_bad (four, "cpu:", "empty CPU list");
  check_bad (four, "mem:  ", "empty CPU list");
  check_bad (four, "cpu:4", "CPU 4 is not on this machine (CPUs 0-3)");
  check_bad (four, "mem:0,9", "CPU 9 is not on this machine");
  check_bad (sparse, "cpu:1", "CPU 1 is not on this machine (CPUs 0,2,5)");
  check_bad (sparse, "cpu:0-2", "CPU 1 is not on this machine");
  check_bad (four, "cpu:0,,1", "empty item");
  check_bad (four, "cpu:0,", "empty item");
  check_bad (four, "cpu:3-1", "'3-1' is not a CPU range");
  check_bad (four, "cpu:1-", "is not a CPU range");
  check_bad (four, "cpu:-1", "is not a CPU range");
  check_bad (four, "cpu:a", "'a' is not a CPU number");
  check_bad (four, "cpu:1.5", "'1.5' is not a CPU number");
  check_bad (four, "cpu:99999999999", "is not a CPU number");
  check_bad (hundred, "cpu:0-64", "more than 64 CPUs");
  check_bad (hundred, "cpu:all", "more than 64 CPUs");

  /* Exactly 64 is fine, and to_string writes it back as one range. */
  check_good (hundred, "cpu:10-73", LSC_LOAD_CPU,
              "10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,"
              "38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,"
              "66,67,68,69,70,71,72,73",
              "cpu:10-73");

  /* This machine: CPU 0 exists, all of them are the processors we may run
   * on, and a CPU number far beyond any machine is refused. */
  {
    g_autoptr (GError) error = NULL;
    LscLoadSpec spec;

    g_assert_true (lsc_load_spec_parse ("cpu:0", &spec, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (spec.n_cpus, ==, 1);
    g_assert_true (lsc_load_spec_parse ("mem:all", &spec, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (spec.n_cpus, ==, MIN ((guint) g_get_num_processors (), LSC_LOAD_MAX_CPUS));
    g_assert_false (lsc_load_spec_parse ("cpu:100000", &spec, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  }

  hwloc_bitmap_free (four);
  hwloc_bitmap_free (sparse);
  hwloc_bitmap_free (hundred);
}

static void
test_new_errors (void)
{
  g_autoptr (GError) error = NULL;
  LscLoadSpec spec = { .kind = LSC_LOAD_CPU, .n_cpus = 0 };

  g_assert_null (lsc_load_generator_new (&spec, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_clear_error (&error);

  spec.n_cpus = 1;
  spec.cpus[0] = -2;
  g_assert_null (lsc_load_generator_new (&spec, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_assert_nonnull (strstr (error->message, "CPU -2"));
  g_clear_error (&error);

  spec.kind = (LscLoadKind) 9;
  spec.cpus[0] = 0;
  g_assert_null (lsc_load_generator_new (&spec, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_clear_error (&error);
}

/* A CPU the kernel will not pin to (a number no test machine has): start
 * fails naming it, and the thread for the good CPU is stopped too. */
static void
test_start_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LscLoadGenerator) generator = NULL;
  LscLoadSpec spec = { .kind = LSC_LOAD_CPU, .n_cpus = 2, .cpus = { 0, 1000 } };

  generator = lsc_load_generator_new (&spec, &error);
  g_assert_no_error (error);
  g_assert_false (lsc_load_generator_start (generator, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "CPU 1000"));
  g_assert_false (lsc_load_generator_is_running (generator));
  g_assert_null (lsc_load_generator_get_tids (generator));
  g_clear_error (&error);

  /* The generator stays usable: start again fails the same way. */
  g_assert_false (lsc_load_generator_start (generator, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED);
}

/* ---- real load ---- */

/* A thread's utime + stime in seconds and the CPU it last ran on, read
 * here from /proc/self/task/TID/stat by splitting at spaces (the monitor
 * has its own parser). */
static double
thread_cpu_seconds (pid_t tid,
                    int  *cpu)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/stat", (int) tid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  p = strrchr (text, ')');
  g_assert_nonnull (p);
  /* fields[0] is field 3 (the state): utime is 14, stime 15, processor 39. */
  fields = g_strsplit (p + 2, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >=, 39 - 3 + 1);
  if (cpu != NULL)
    *cpu = atoi (fields[39 - 3]);
  return (g_ascii_strtod (fields[14 - 3], NULL) + g_ascii_strtod (fields[15 - 3], NULL))
         / (double) sysconf (_SC_CLK_TCK);
}

/* Nanoseconds a thread has run and has waited runnable for a CPU, from
 * /proc/self/task/TID/schedstat; FALSE where the kernel has no schedstat. */
static gboolean
thread_schedstat (pid_t   tid,
                  double *run_ns,
                  double *wait_ns)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%d/schedstat", (int) tid);
  g_autofree char *text = NULL;
  unsigned long long run, wait;

  if (!g_file_get_contents (path, &text, NULL, NULL)
      || sscanf (text, "%llu %llu", &run, &wait) != 2)
    return FALSE;
  *run_ns = (double) run;
  *wait_ns = (double) wait;
  return TRUE;
}

/* Of a run's threads, the least CPU time and the least time runnable (on
 * a CPU or waiting for one), as fractions of the wall time; runnable is
 * -1 without schedstat. */
typedef struct
{
  double share;
  double runnable;
} RunResult;

/* Runs the generator for ms milliseconds, checks each thread ran where it
 * was pinned and that stop returned promptly and ended the threads. */
static RunResult
run_once (LscLoadGenerator  *generator,
          const LscLoadSpec *spec,
          guint              ms)
{
  g_autoptr (GError) error = NULL;
  guint n = lsc_load_generator_get_n_threads (generator);
  g_autofree pid_t *tids = g_new (pid_t, n);
  g_autofree double *before = g_new (double, n);
  g_autofree double *run0 = g_new (double, n);
  g_autofree double *wait0 = g_new (double, n);
  RunResult result = { 1e9, 1e9 };
  gboolean have_schedstat = TRUE;
  gint64 t0, t1, t2;

  g_assert_cmpuint (n, ==, spec->n_cpus);
  g_assert_null (lsc_load_generator_get_tids (generator));
  g_assert_true (lsc_load_generator_start (generator, &error));
  g_assert_no_error (error);
  g_assert_true (lsc_load_generator_is_running (generator));
  t0 = g_get_monotonic_time ();
  memcpy (tids, lsc_load_generator_get_tids (generator), n * sizeof (pid_t));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (tids[i], >, 0);
      before[i] = thread_cpu_seconds (tids[i], NULL);
      have_schedstat = have_schedstat && thread_schedstat (tids[i], &run0[i], &wait0[i]);
    }

  g_usleep (ms * 1000);
  for (guint i = 0; i < n; i++)
    {
      double wall = (g_get_monotonic_time () - t0) / 1e6;
      double run1 = 0, wait1 = 0, runnable = -1;
      int cpu = -1;
      double share = (thread_cpu_seconds (tids[i], &cpu) - before[i]) / wall;

      if (have_schedstat && thread_schedstat (tids[i], &run1, &wait1))
        runnable = (run1 - run0[i] + wait1 - wait0[i]) / 1e9 / wall;
      g_assert_cmpint (cpu, ==, spec->cpus[i]);
      g_test_message ("thread %d on CPU %d: ran %.0f %% of the wall time, runnable %.0f %%",
                      (int) tids[i], cpu, 100 * share, 100 * runnable);
      result.share = MIN (result.share, share);
      result.runnable = MIN (result.runnable, runnable);
    }

  t1 = g_get_monotonic_time ();
  lsc_load_generator_stop (generator);
  t2 = g_get_monotonic_time ();
  g_test_message ("stop took %.2f ms", (t2 - t1) / 1e3);
  g_assert_cmpint (t2 - t1, <, 200 * 1000);
  g_assert_false (lsc_load_generator_is_running (generator));
  g_assert_null (lsc_load_generator_get_tids (generator));
  /* The threads are gone. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%d", (int) tids[i]);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  return result;
}

static void
check_loads (const char *text,
             guint       ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LscLoadGenerator) generator = NULL;
  LscLoadSpec spec;
  RunResult best = { 0, -1 };

  g_assert_true (lsc_load_spec_parse (text, &spec, &error));
  g_assert_no_error (error);
  generator = lsc_load_generator_new (&spec, &error);
  g_assert_no_error (error);
  if (spec.kind == LSC_LOAD_MEMORY)
    {
      gsize size = lsc_load_generator_get_buffer_size (generator);

      g_test_message ("%s: %.0f MiB per thread", text, size / 1048576.0);
      g_assert_cmpuint (size, >=, 16 << 20);
      g_assert_cmpuint (size, <=, 1 << 30);
    }
  else
    g_assert_cmpuint (lsc_load_generator_get_buffer_size (generator), ==, 0);

  /* Start / stop repeatedly, as around runs. On an idle machine each
   * thread gets ~100 % of its CPU. On a busy one (other helpers' builds,
   * CI's other jobs) it gets a fair share only, but is runnable all the
   * time: schedstat's run + wait time is the wall time (less the wait it
   * is in when read, which the kernel adds only once the thread runs),
   * whereas a thread that sleeps or has exited shows far less. */
  for (int attempt = 0; attempt < ATTEMPTS && best.share < 0.5; attempt++)
    {
      RunResult r = run_once (generator, &spec, ms);

      if (r.share > best.share)
        best = r;
    }
  g_test_message ("%s: best share %.0f %%, runnable %.0f %%", text, 100 * best.share, 100 * best.runnable);
  if (spec.kind == LSC_LOAD_MEMORY)
    {
      guint64 bytes = lsc_load_generator_get_bytes_streamed (generator);

      /* Streaming runs at GB/s: tens of milliseconds of CPU time are far
       * more than this. */
      g_test_message ("%s: %.2f GB read and written", text, bytes / 1e9);
      g_assert_cmpuint (bytes, >=, 16 << 20);
    }
  else
    g_assert_cmpuint (lsc_load_generator_get_bytes_streamed (generator), ==, 0);
  if (best.runnable >= 0)
    {
      g_assert_cmpfloat (best.runnable, >=, 0.7);
      g_assert_cmpfloat (best.share, >=, 0.1);
    }
  else
    g_assert_cmpfloat (best.share, >=, 0.2);
}

static void
test_cpu_load (void)
{
  check_loads ("cpu:0", 300);
}

static void
test_memory_load (void)
{
  check_loads ("mem:0", 300);
}

static void
test_all_cpus (void)
{
  check_loads ("cpu:all", 300);
}

/* Freeing a running generator stops it. */
static void
test_free_running (void)
{
  g_autoptr (GError) error = NULL;
  LscLoadGenerator *generator;
  LscLoadSpec spec;
  pid_t tid;
  g_autofree char *path = NULL;

  g_assert_true (lsc_load_spec_parse ("cpu:0", &spec, &error));
  generator = lsc_load_generator_new (&spec, &error);
  g_assert_true (lsc_load_generator_start (generator, &error));
  tid = lsc_load_generator_get_tids (generator)[0];
  path = g_strdup_printf ("/proc/self/task/%d", (int) tid);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  lsc_load_generator_free (generator);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* ---- with the monitor ---- */

/* Loads CPU 0 for ~600 ms under a 10 Hz monitor; returns the mean other
 * and own load of CPU 0 over the window (the interference check's and the
 * samples' own[]). */
static void
monitored_run (gboolean         add_as_own,
               LscInterference *r,
               double          *own_mean)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LscLoadGenerator) generator = NULL;
  g_autoptr (LscCpuMonitor) monitor = NULL;
  LscCpuMonitorOptions options;
  LscLoadSpec spec;
  const int cpu0[] = { 0 };
  gint64 t0, t1;
  guint n;

  g_assert_true (lsc_load_spec_parse ("cpu:0", &spec, &error));
  generator = lsc_load_generator_new (&spec, &error);
  g_assert_no_error (error);
  lsc_cpu_monitor_options_init (&options);
  options.hz = 10;
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);

  g_assert_true (lsc_load_generator_start (generator, &error));
  if (add_as_own)
    lsc_cpu_monitor_add_own_thread (monitor, lsc_load_generator_get_tids (generator)[0]);
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  t0 = g_get_monotonic_time () * 1000;
  g_usleep (600 * 1000);
  t1 = g_get_monotonic_time () * 1000;
  lsc_cpu_monitor_stop (monitor);
  lsc_load_generator_stop (generator);

  lsc_cpu_monitor_interference (monitor, t0, t1, cpu0, 1, r);
  n = lsc_cpu_monitor_get_n_samples (monitor);
  g_assert_cmpuint (n, >=, 3);
  *own_mean = 0.0;
  for (guint i = 0; i < n; i++)
    *own_mean += lsc_cpu_monitor_get_sample (monitor, i)->own[0] / (double) n;
  g_test_message ("%s: %u samples, CPU 0 other %.2f own %.2f: %s",
                  add_as_own ? "own" : "not own", r->n_samples, r->max_other, *own_mean, r->reason);
}

static void
test_monitor_sees_load (void)
{
  LscInterference r = { 0 };
  double own = 0.0, best_other = 0.0, best_own = 0.0;
  gboolean flagged = FALSE;

  /* The generator is not one of the profiled program's threads: its load
   * is other processes' load, and the window is flagged for CPU 0. */
  for (int attempt = 0; attempt < ATTEMPTS && !(flagged && best_other >= 0.5); attempt++)
    {
      monitored_run (FALSE, &r, &own);
      g_assert_cmpint (r.cpu, ==, 0);
      g_assert_cmpuint (r.n_samples, >=, 3);
      g_assert_cmpfloat (own, ==, 0.0);
      if (r.flagged && r.max_other > best_other)
        {
          flagged = TRUE;
          best_other = r.max_other;
        }
    }
  g_assert_true (flagged);
  g_assert_cmpfloat (best_other, >=, 0.3);

  /* Declared as own, the same thread's time is attributed to CPU 0's own
   * share instead. */
  for (int attempt = 0; attempt < ATTEMPTS && best_own < 0.5; attempt++)
    {
      monitored_run (TRUE, &r, &own);
      best_own = MAX (best_own, own);
    }
  g_assert_cmpfloat (best_own, >=, 0.3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/load-generator/spec", test_spec);
  g_test_add_func ("/load-generator/new-errors", test_new_errors);
  g_test_add_func ("/load-generator/start-error", test_start_error);
  g_test_add_func ("/load-generator/cpu", test_cpu_load);
  g_test_add_func ("/load-generator/memory", test_memory_load);
  g_test_add_func ("/load-generator/all-cpus", test_all_cpus);
  g_test_add_func ("/load-generator/free-running", test_free_running);
  g_test_add_func ("/load-generator/monitor-sees-load", test_monitor_sees_load);

  return g_test_run ();
}
