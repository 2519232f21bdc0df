/* The CPU monitor: utilisation, own / other split and frequency against
 * hand-computed values on a fake /proc and /sys tree the test writes; the
 * interference check and its window selection on timed samples; option and
 * file errors; and the real sampler on this machine (count, ranges,
 * prompt stop). */

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "core/lsc-error.h"
#include "monitor/lsc-cpu-monitor.h"

#define MS (G_GINT64_CONSTANT (1000000))

/* ---- the fake tree ---- */

static void
write_file (const char *root,
            const char *rel,
            const char *text)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
remove_file (const char *root,
             const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_remove (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static char *
make_root (void)
{
  g_autoptr (GError) error = NULL;
  char *root = g_dir_make_tmp ("lsc-cpu-monitor-XXXXXX", &error);

  g_assert_no_error (error);
  return root;
}

/* A /proc/self/task/TID/stat line: 52 fields, utime (14), stime (15) and
 * processor (39) as given, the rest made-up numbers; comm with spaces and
 * parentheses, as a thread may name itself. */
static void
write_task_stat (const char *root,
                 int         tid,
                 const char *comm,
                 guint64     utime,
                 guint64     stime,
                 int         processor)
{
  g_autofree char *rel = g_strdup_printf ("proc/self/task/%d/stat", tid);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%d (%s) R", tid, comm);
  for (int field = 4; field <= 52; field++)
    {
      if (field == 14)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT, utime);
      else if (field == 15)
        g_string_append_printf (s, " %" G_GUINT64_FORMAT, stime);
      else if (field == 39)
        g_string_append_printf (s, " %d", processor);
      else
        g_string_append_printf (s, " %d", 1000 + field);
    }
  g_string_append_c (s, '\n');
  write_file (root, rel, s->str);
  g_string_free (s, TRUE);
}

/* /proc/stat with cpu i having busy[i] ticks (as user) and idle[i]. */
static void
write_simple_stat (const char    *root,
                   guint          n,
                   const guint64 *busy,
                   const guint64 *idle)
{
  GString *s = g_string_new ("cpu  1 2 3 4 5 6 7 8 0 0\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "cpu%u %" G_GUINT64_FORMAT " 0 0 %" G_GUINT64_FORMAT " 0 0 0 0 0 0\n",
                            i, busy[i], idle[i]);
  g_string_append (s, "intr 12345 0 0 0\nctxt 999\nbtime 1700000000\n");
  write_file (root, "proc/stat", s->str);
  g_string_free (s, TRUE);
}

static LscCpuMonitor *
monitor_on (const char *root,
            double      threshold)
{
  LscCpuMonitorOptions options;
  g_autoptr (GError) error = NULL;
  LscCpuMonitor *monitor;

  lsc_cpu_monitor_options_init (&options);
  options.root = root;
  options.threshold = threshold;
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (monitor);
  return monitor;
}

static void
sample_at (LscCpuMonitor *monitor,
           gint64         t_ns)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (lsc_cpu_monitor_sample_at (monitor, t_ns, &error));
  g_assert_no_error (error);
}

/* ---- values ---- */

static void
test_values (void)
{
  g_autofree char *root = make_root ();
  g_autoptr (LscCpuMonitor) monitor = NULL;
  const LscCpuSample *s;

  /* Fields: user nice system idle iowait irq softirq steal guest guest_nice.
   * Deltas from the first reading to the second:
   *   cpu0: busy 40 + 10 + 5 + 5 = 60 (user, system, irq, softirq),
   *         idle 30 + 10 = 40 (idle, iowait): util 0.60
   *   cpu1: busy 5 + 3 + 2 = 10 (user, nice, steal), idle 90: util 0.10;
   *         guest +7 is inside user already and must not count twice
   *   cpu2: busy 45 (system), idle 5: util 0.90 */
  write_file (root, "proc/stat",
              "cpu  9999 9999 9999 9999 9999 9999 9999 9999 0 0\n"
              "cpu0 100 0 50 800 10 5 5 0 0 0\n"
              "cpu1 200 20 30 900 0 0 0 4 11 0\n"
              "cpu2 300 0 70 400 20 0 0 0 0 0\n"
              "intr 1 2 3\n");
  /* Own threads: 101 on cpu0, 102 on cpu2, 103 on cpu1 (with more ticks
   * than the CPU was busy: own is clipped to util), 104 has no file (gone). */
  write_task_stat (root, 101, "lsc-pool 1", 20, 5, 0);
  write_task_stat (root, 102, "a) b (c", 5, 5, 1);
  write_task_stat (root, 103, "w", 0, 0, 1);
  write_file (root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "3600000\n");
  write_file (root, "sys/devices/system/cpu/cpu1/cpufreq/cpuinfo_cur_freq", "2100500\n");
  /* cpu2 has a cpufreq directory without the files: NAN, no error. */
  write_file (root, "sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "performance\n");

  monitor = monitor_on (root, 0.10);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_cpus (monitor), ==, 3);
  lsc_cpu_monitor_add_own_thread (monitor, 101);
  lsc_cpu_monitor_add_own_thread (monitor, 102);
  lsc_cpu_monitor_add_own_thread (monitor, 103);
  lsc_cpu_monitor_add_own_thread (monitor, 104);
  lsc_cpu_monitor_add_own_thread (monitor, 101); /* twice: counted once */

  sample_at (monitor, 1000 * MS);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), ==, 0); /* baseline only */

  write_file (root, "proc/stat",
              "cpu  1 1 1 1 1 1 1 1 0 0\n"
              "cpu0 140 0 60 830 20 10 10 0 0 0\n"
              "cpu1 205 23 30 990 0 0 0 6 18 0\n"
              "cpu2 300 0 115 405 20 0 0 0 0 0\n"
              "intr 1 2 3\n");
  /* 101: +30 ticks on cpu0; 102: +45 ticks, last on cpu2 (it moved: all
   * of its delta goes to where it ran last); 103: +20 on cpu1. */
  write_task_stat (root, 101, "lsc-pool 1", 45, 10, 0);
  write_task_stat (root, 102, "a) b (c", 40, 15, 2);
  write_task_stat (root, 103, "w", 15, 5, 1);
  sample_at (monitor, 1100 * MS);

  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), ==, 1);
  s = lsc_cpu_monitor_get_sample (monitor, 0);
  g_assert_nonnull (s);
  g_assert_cmpint (s->t_ns, ==, 1100 * MS);
  g_assert_cmpint (s->t_prev_ns, ==, 1000 * MS);

  g_assert_cmpfloat_with_epsilon (s->util[0], 0.60, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->own[0], 0.30, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->other[0], 0.30, 1e-6);

  g_assert_cmpfloat_with_epsilon (s->util[1], 0.10, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->own[1], 0.10, 1e-6);  /* 20/100 clipped to util */
  g_assert_cmpfloat_with_epsilon (s->other[1], 0.0, 1e-6);

  g_assert_cmpfloat_with_epsilon (s->util[2], 0.90, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->own[2], 0.90, 1e-6);  /* 45/50 */
  g_assert_cmpfloat_with_epsilon (s->other[2], 0.0, 1e-6);

  g_assert_cmpfloat_with_epsilon (s->freq_mhz[0], 3600.0, 1e-3);
  g_assert_cmpfloat_with_epsilon (s->freq_mhz[1], 2100.5, 1e-3); /* cpuinfo_cur_freq fallback */
  g_assert_true (isnan (s->freq_mhz[2]));

  /* A third reading: the thread that vanished (104) appears, 101 exits.
   * 104's first reading is only its baseline; 101 contributes nothing. */
  write_file (root, "proc/stat",
              "cpu0 150 0 60 920 20 10 10 0 0 0\n"  /* busy +10, idle +90 */
              "cpu1 205 23 30 1090 0 0 0 6 18 0\n"  /* idle only */
              "cpu2 300 0 115 505 20 0 0 0 0 0\n"); /* idle only */
  remove_file (root, "proc/self/task/101/stat");
  write_task_stat (root, 104, "late", 500, 0, 0);
  sample_at (monitor, 1200 * MS);
  s = lsc_cpu_monitor_get_sample (monitor, 1);
  g_assert_cmpint (s->t_prev_ns, ==, 1100 * MS);
  g_assert_cmpfloat_with_epsilon (s->util[0], 0.10, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->other[0], 0.10, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->util[1], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->util[2], 0.0, 1e-6);

  /* A fourth: 104 now counts (+10 on cpu0). */
  write_file (root, "proc/stat",
              "cpu0 170 0 60 1000 20 10 10 0 0 0\n"  /* busy +20, idle +80 */
              "cpu1 205 23 30 1190 0 0 0 6 18 0\n"
              "cpu2 300 0 115 605 20 0 0 0 0 0\n");
  write_task_stat (root, 104, "late", 510, 0, 0);
  sample_at (monitor, 1300 * MS);
  s = lsc_cpu_monitor_get_sample (monitor, 2);
  g_assert_cmpfloat_with_epsilon (s->util[0], 0.20, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->own[0], 0.10, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->other[0], 0.10, 1e-6);

  /* The first sample is still where it was. */
  g_assert_true (lsc_cpu_monitor_get_sample (monitor, 0)->t_ns == 1100 * MS);

  g_clear_pointer (&monitor, lsc_cpu_monitor_free);
  remove_tree (root);
}

/* An offline CPU is missing from /proc/stat: its number still has a slot,
 * with zeros. Counters that run backwards (iowait does) count as none. */
static void
test_sparse_and_backwards (void)
{
  g_autofree char *root = make_root ();
  g_autoptr (LscCpuMonitor) monitor = NULL;
  const LscCpuSample *s;

  write_file (root, "proc/stat",
              "cpu0 10 0 0 100 50 0 0 0 0 0\n"
              "cpu1 10 0 0 100 0 0 0 0 0 0\n"
              "cpu3 10 0 0 100 0 0 0 0 0 0\n");
  monitor = monitor_on (root, 0.10);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_cpus (monitor), ==, 4);
  sample_at (monitor, 0);
  /* cpu0: busy +30, idle +20 but iowait -40: idle delta (120+10) - (100+50)
   * is negative and counts as 0, so util is 30 / 30. */
  write_file (root, "proc/stat",
              "cpu0 40 0 0 120 10 0 0 0 0 0\n"
              "cpu1 15 0 0 115 0 0 0 0 0 0\n"
              "cpu3 10 0 0 200 0 0 0 0 0 0\n");
  sample_at (monitor, 100 * MS);
  s = lsc_cpu_monitor_get_sample (monitor, 0);
  g_assert_cmpfloat_with_epsilon (s->util[0], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->util[1], 0.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->util[2], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->other[2], 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->util[3], 0.0, 1e-6);
  for (guint c = 0; c < 4; c++)
    g_assert_true (isnan (s->freq_mhz[c]));

  g_clear_pointer (&monitor, lsc_cpu_monitor_free);
  remove_tree (root);
}

/* ---- interference ---- */

static void
check_interference (LscCpuMonitor *monitor,
                    gint64         t0,
                    gint64         t1,
                    const int     *cpus,
                    guint          n_cpus,
                    gboolean       flagged,
                    double         max_other,
                    int            cpu,
                    guint          n_samples)
{
  LscInterference r;

  lsc_cpu_monitor_interference (monitor, t0, t1, cpus, n_cpus, &r);
  g_test_message ("[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] ms: %s",
                  t0 / MS, t1 / MS, r.reason);
  g_assert_cmpint (r.flagged, ==, flagged);
  g_assert_cmpfloat_with_epsilon (r.max_other, max_other, 1e-9);
  g_assert_cmpint (r.cpu, ==, cpu);
  g_assert_cmpuint (r.n_samples, ==, n_samples);
  g_assert_cmpuint (strlen (r.reason), >, 0);
  if (flagged)
    {
      g_autofree char *expected = g_strdup_printf ("CPU %d was %.0f %% busy with other processes",
                                                   cpu, 100.0 * max_other);

      g_assert_cmpstr (r.reason, ==, expected);
    }
}

static void
test_interference (void)
{
  g_autofree char *root = make_root ();
  g_autoptr (LscCpuMonitor) monitor = NULL;
  /* Per 100 ms sample, each CPU 20 ticks; cpu0 runs own thread 201.
   *           cpu0 busy / own   cpu0 other   cpu1 busy   cpu1 other
   *   s0        20 / 20           0.00          2          0.10
   *   s1        20 / 10           0.50          0          0.00
   *   s2        20 / 18           0.10          6          0.30
   *   s3        20 / 20           0.00          5          0.25
   *   s4        20 / 23           0.00 (clip)   0          0.00
   *   s5        20 / 17           0.15          0          0.00   */
  const guint64 cpu0_own[] = { 20, 10, 18, 20, 23, 17 };
  const guint64 cpu1_busy[] = { 2, 0, 6, 5, 0, 0 };
  const double cpu0_other[] = { 0.0, 0.5, 0.1, 0.0, 0.0, 0.15 };
  guint64 busy[2] = { 1000, 1000 }, idle[2] = { 5000, 5000 }, own = 300;
  const int only0[] = { 0 };
  const int only1_and_bogus[] = { 1, 7, -3 };

  write_simple_stat (root, 2, busy, idle);
  write_task_stat (root, 201, "worker", own, 0, 0);
  monitor = monitor_on (root, 0.10);
  lsc_cpu_monitor_add_own_thread (monitor, 201);
  sample_at (monitor, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cpu0_own); i++)
    {
      busy[0] += 20;
      busy[1] += cpu1_busy[i];
      idle[1] += 20 - cpu1_busy[i];
      own += cpu0_own[i];
      write_simple_stat (root, 2, busy, idle);
      write_task_stat (root, 201, "worker", own - own / 3, own / 3, 0);
      sample_at (monitor, (gint64) (i + 1) * 100 * MS);
    }
  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      const LscCpuSample *s = lsc_cpu_monitor_get_sample (monitor, i);

      g_assert_cmpfloat_with_epsilon (s->util[0], 1.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (s->other[0], cpu0_other[i], 1e-6);
      g_assert_cmpfloat_with_epsilon (s->other[1], cpu1_busy[i] / 20.0, 1e-6);
    }

  /* s0 .. s3: cpu0 (0 + .5 + .1 + 0) / 4 = .15, cpu1 (.1 + 0 + .3 + .25) / 4 = .1625. */
  check_interference (monitor, 0, 400 * MS, NULL, 0, TRUE, 0.1625, 1, 4);
  check_interference (monitor, 0, 400 * MS, only0, 1, TRUE, 0.15, 0, 4);
  /* Midpoints 250 and 350 ms: s2, s3. cpu0 .05, cpu1 .275. */
  check_interference (monitor, 200 * MS, 400 * MS, NULL, 0, TRUE, 0.275, 1, 2);
  check_interference (monitor, 200 * MS, 400 * MS, only0, 1, FALSE, 0.05, 0, 2);
  /* Unknown CPU numbers are ignored. */
  check_interference (monitor, 200 * MS, 400 * MS, only1_and_bogus, 3, TRUE, 0.275, 1, 2);
  check_interference (monitor, 0, 400 * MS, only1_and_bogus + 1, 2, FALSE, 0.0, -1, 4);
  /* A midpoint on the window's edge counts: 50 ms is s0's. */
  check_interference (monitor, 50 * MS, 50 * MS + 1, NULL, 0, FALSE, 0.10, 1, 1);
  /* A window inside one period (no midpoint in it): the sample that covers
   * it, s1, alone. */
  check_interference (monitor, 120 * MS, 140 * MS, NULL, 0, TRUE, 0.5, 0, 1);
  /* Straddling s1 / s2 with no midpoint (150, 250 ms) inside: the larger
   * overlap wins; 160 .. 230 is 40 ms of s1 and 30 of s2, 170 .. 245 is 30
   * of s1 and 45 of s2 (cpu1 .3). */
  check_interference (monitor, 160 * MS, 230 * MS, NULL, 0, TRUE, 0.5, 0, 1);
  check_interference (monitor, 170 * MS, 245 * MS, NULL, 0, TRUE, 0.3, 1, 1);
  /* s4, s5: one tick of over-attribution (23 / 20) and one under (17 / 20)
   * cancel in the summed ticks: (40 - 40) / 40 = 0, not (0 + .15) / 2. */
  check_interference (monitor, 400 * MS, 600 * MS, only0, 1, FALSE, 0.0, 0, 2);
  /* After the last sample / before the first: nothing to judge by. */
  check_interference (monitor, 700 * MS, 900 * MS, NULL, 0, FALSE, 0.0, -1, 0);
  check_interference (monitor, -200 * MS, -100 * MS, NULL, 0, FALSE, 0.0, -1, 0);

  g_clear_pointer (&monitor, lsc_cpu_monitor_free);

  /* The threshold is the option's: at .17, cpu1's .1625 (flagged above at
   * the default .10) is not. */
  monitor = monitor_on (root, 0.17);
  lsc_cpu_monitor_add_own_thread (monitor, 201);
  sample_at (monitor, 0);
  busy[1] += 13;
  idle[1] += 67;
  busy[0] += 80;
  own += 80;
  write_simple_stat (root, 2, busy, idle);
  write_task_stat (root, 201, "worker", own, 0, 0);
  sample_at (monitor, 100 * MS);
  /* cpu1 13 / 80 = .1625 */
  check_interference (monitor, 0, 100 * MS, NULL, 0, FALSE, 0.1625, 1, 1);
  g_clear_pointer (&monitor, lsc_cpu_monitor_free);

  remove_tree (root);
}

/* ---- errors ---- */

static void
expect_new_error (const LscCpuMonitorOptions *options,
                  int                         code,
                  const char                 *fragment)
{
  g_autoptr (GError) error = NULL;
  LscCpuMonitor *monitor = lsc_cpu_monitor_new (options, &error);

  g_assert_null (monitor);
  g_assert_error (error, LSC_ENGINE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_errors (void)
{
  g_autofree char *root = make_root ();
  g_autofree char *missing = g_build_filename (root, "nothing-here", NULL);
  LscCpuMonitorOptions options;
  g_autoptr (LscCpuMonitor) monitor = NULL;
  g_autoptr (GError) error = NULL;

  lsc_cpu_monitor_options_init (&options);
  g_assert_cmpfloat (options.hz, >=, 5.0);
  g_assert_cmpfloat (options.hz, <=, 10.0);
  g_assert_cmpfloat_with_epsilon (options.threshold, 0.10, 1e-12);

  options.hz = 0.5;
  expect_new_error (&options, LSC_ENGINE_ERROR_BAD_CONFIG, "0.5 Hz");
  options.hz = 101;
  expect_new_error (&options, LSC_ENGINE_ERROR_BAD_CONFIG, "101 Hz");
  options.hz = NAN;
  expect_new_error (&options, LSC_ENGINE_ERROR_BAD_CONFIG, "Hz");
  options.hz = 10;
  options.threshold = 1.5;
  expect_new_error (&options, LSC_ENGINE_ERROR_BAD_CONFIG, "threshold 1.5");
  options.threshold = 0.1;

  options.root = missing;
  expect_new_error (&options, LSC_ENGINE_ERROR_FAILED, "/proc/stat");
  options.root = root;
  write_file (root, "proc/stat", "intr 1 2\nctxt 3\n");
  expect_new_error (&options, LSC_ENGINE_ERROR_FAILED, "no per-CPU");
  write_file (root, "proc/stat", "cpu 1 2 3 4\ncpu0 1 2 3\n"); /* too few fields */
  expect_new_error (&options, LSC_ENGINE_ERROR_FAILED, "no per-CPU");

  /* /proc/stat disappearing later: start and sample_now say so. */
  write_file (root, "proc/stat", "cpu0 1 0 0 10 0 0 0 0 0 0\n");
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);
  remove_file (root, "proc/stat");
  g_assert_false (lsc_cpu_monitor_start (monitor, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "proc/stat"));
  g_clear_error (&error);
  g_assert_false (lsc_cpu_monitor_is_running (monitor));
  g_assert_false (lsc_cpu_monitor_sample_now (monitor, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED);
  g_clear_error (&error);

  /* The sampler thread meeting the same: it stops and keeps the error. */
  write_file (root, "proc/stat", "cpu0 1 0 0 10 0 0 0 0 0 0\n");
  options.hz = 100;
  g_clear_pointer (&monitor, lsc_cpu_monitor_free);
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  g_assert_no_error (error);
  remove_file (root, "proc/stat");
  for (int i = 0; i < 500 && lsc_cpu_monitor_get_error (monitor) == NULL; i++)
    g_usleep (2000);
  g_assert_nonnull (lsc_cpu_monitor_get_error (monitor));
  g_assert_error ((GError *) lsc_cpu_monitor_get_error (monitor), LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED);
  lsc_cpu_monitor_stop (monitor);

  g_clear_pointer (&monitor, lsc_cpu_monitor_free);
  remove_tree (root);
}

/* ---- the real machine ---- */

static void
test_real (void)
{
  LscCpuMonitorOptions options;
  g_autoptr (LscCpuMonitor) monitor = NULL;
  g_autoptr (GError) error = NULL;
  guint n_cpus, n;
  gint64 t0, t1, stop_ns;
  LscInterference r;

  lsc_cpu_monitor_options_init (&options);
  options.hz = 10;
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);
  n_cpus = lsc_cpu_monitor_get_n_cpus (monitor);
  g_assert_cmpuint (n_cpus, >=, 1);
  g_assert_cmpuint (n_cpus, >=, (guint) g_get_num_processors ());
  lsc_cpu_monitor_add_own_thread (monitor, (pid_t) getpid ());

  t0 = g_get_monotonic_time () * 1000;
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  g_assert_no_error (error);
  g_assert_true (lsc_cpu_monitor_is_running (monitor));
  g_usleep (550 * 1000);
  lsc_cpu_monitor_stop (monitor);
  t1 = g_get_monotonic_time () * 1000;
  g_assert_false (lsc_cpu_monitor_is_running (monitor));
  g_assert_null (lsc_cpu_monitor_get_error (monitor));

  n = lsc_cpu_monitor_get_n_samples (monitor);
  g_test_message ("%u samples in 0.55 s at 10 Hz on %u CPUs", n, n_cpus);
  g_assert_cmpuint (n, >=, 4);
  g_assert_cmpuint (n, <=, 6);
  for (guint i = 0; i < n; i++)
    {
      const LscCpuSample *s = lsc_cpu_monitor_get_sample (monitor, i);
      gint64 dt = s->t_ns - s->t_prev_ns;

      g_assert_cmpint (s->t_ns, >=, t0);
      g_assert_cmpint (s->t_ns, <=, t1);
      if (i > 0)
        g_assert_cmpint (s->t_prev_ns, ==, lsc_cpu_monitor_get_sample (monitor, i - 1)->t_ns);
      /* 100 ms apart, give or take a busy machine's scheduling delay. */
      g_assert_cmpint (dt, >=, 50 * MS);
      g_assert_cmpint (dt, <=, 300 * MS);
      for (guint c = 0; c < n_cpus; c++)
        {
          g_assert_cmpfloat (s->util[c], >=, 0.0f);
          g_assert_cmpfloat (s->util[c], <=, 1.0f);
          g_assert_cmpfloat (s->own[c], >=, 0.0f);
          g_assert_cmpfloat (s->own[c], <=, s->util[c]);
          g_assert_cmpfloat_with_epsilon (s->other[c], s->util[c] - s->own[c], 1e-6);
          g_assert_true (isnan (s->freq_mhz[c]) || (s->freq_mhz[c] > 50.0f && s->freq_mhz[c] < 20000.0f));
        }
      g_test_message ("sample %u: dt %.1f ms, cpu0 util %.2f other %.2f freq %.0f MHz",
                      i, dt / 1e6, s->util[0], s->other[0], s->freq_mhz[0]);
    }
  lsc_cpu_monitor_interference (monitor, t0, t1, NULL, 0, &r);
  g_assert_cmpuint (r.n_samples, ==, n);
  g_assert_cmpfloat (r.max_other, >=, 0.0);
  g_assert_cmpfloat (r.max_other, <=, 1.0);
  g_test_message ("%s", r.reason);

  /* A second window: samples accumulate, and the gap between stop and
   * start is no sample (the next one starts after the restart). */
  g_usleep (150 * 1000);
  stop_ns = g_get_monotonic_time () * 1000;
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  g_usleep (250 * 1000);
  lsc_cpu_monitor_stop (monitor);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), >, n);
  g_assert_cmpint (lsc_cpu_monitor_get_sample (monitor, n)->t_prev_ns, >=, stop_ns);

  lsc_cpu_monitor_clear (monitor);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), ==, 0);
}

/* Stop wakes the sampler at once: at 1 Hz a sleeping loop would hold stop
 * for most of a second. */
static void
test_prompt_stop (void)
{
  LscCpuMonitorOptions options;
  g_autoptr (LscCpuMonitor) monitor = NULL;
  g_autoptr (GError) error = NULL;
  gint64 t;

  lsc_cpu_monitor_options_init (&options);
  options.hz = 1;
  monitor = lsc_cpu_monitor_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  g_usleep (50 * 1000);
  t = g_get_monotonic_time ();
  lsc_cpu_monitor_stop (monitor);
  t = g_get_monotonic_time () - t;
  g_test_message ("stop took %.2f ms", t / 1e3);
  g_assert_cmpint (t, <, 300 * 1000);
  g_assert_cmpuint (lsc_cpu_monitor_get_n_samples (monitor), ==, 0);

  /* Free while running stops it too. */
  g_assert_true (lsc_cpu_monitor_start (monitor, &error));
  t = g_get_monotonic_time ();
  g_clear_pointer (&monitor, lsc_cpu_monitor_free);
  g_assert_cmpint (g_get_monotonic_time () - t, <, 300 * 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cpu-monitor/values", test_values);
  g_test_add_func ("/cpu-monitor/sparse-and-backwards", test_sparse_and_backwards);
  g_test_add_func ("/cpu-monitor/interference", test_interference);
  g_test_add_func ("/cpu-monitor/errors", test_errors);
  g_test_add_func ("/cpu-monitor/real", test_real);
  g_test_add_func ("/cpu-monitor/prompt-stop", test_prompt_stop);

  return g_test_run ();
}
