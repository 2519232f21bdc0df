/* Hardware counters: both paths. The unavailable one is this VM's own
 * (no PMU), checked against what /sys says about the machine; the reason
 * texts are checked for each errno and perf_event_paranoid setting. The
 * available one runs on the fake backend (counts proportional to thread CPU
 * time, measured here with CLOCK_THREAD_CPUTIME_ID) and on the perf backend
 * given software events, which every Linux machine has: task-clock is
 * checked against the thread's CPU time and page-faults against pages
 * touched, so the grouping, reading and scaling code runs for real. */

/* MADV_NOHUGEPAGE. */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "counters/lsc-counters.h"
#include "counters/lsc-counters-private.h"
#include "counters/lsc-counters-config.h"

/* ---- helpers ---- */

static guint64
thread_cpu_ns (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return (guint64) ts.tv_sec * 1000000000u + (guint64) ts.tv_nsec;
}

/* Spins until this thread has used at least ns of CPU time. */
static void
burn_cpu (guint64 ns)
{
  guint64 start = thread_cpu_ns ();
  volatile double x = 1.0;

  while (thread_cpu_ns () - start < ns)
    for (int i = 0; i < 10000; i++)
      x = x * 1.0000001 + 1e-9;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("expected \"%s\" in \"%s\"", part, text ? text : "(null)");
}

static void
assert_lacks (const char *text,
              const char *part)
{
  if (text != NULL && strstr (text, part) != NULL)
    g_error ("did not expect \"%s\" in \"%s\"", part, text);
}

static void
assert_within (double measured,
               double expected,
               double tolerance)
{
  if (!(measured >= expected * (1 - tolerance) && measured <= expected * (1 + tolerance)))
    g_error ("%.0f is not within %.0f %% of %.0f", measured, tolerance * 100, expected);
}

/* Whether the kernel exposes a CPU PMU at all (x86 "cpu", hybrid Intel
 * "cpu_core", Arm "armv8_pmuv3*"): independent of the backend's probe. */
static gboolean
machine_has_cpu_pmu (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/sys/bus/event_source/devices", 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (strcmp (name, "cpu") == 0 || g_str_has_prefix (name, "cpu_")
        || g_str_has_prefix (name, "armv8"))
      return TRUE;
  return FALSE;
}

static void
assert_all_zero (const guint64 values[LSC_N_COUNTERS])
{
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    g_assert_cmpuint (values[c], ==, 0);
}

/* ---- names ---- */

static void
test_names (void)
{
  const char *expected[LSC_N_COUNTERS] = {
    "cycles", "instructions", "l1d-misses", "l2-misses", "llc-misses", "dtlb-misses",
  };

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      LscCounter back = LSC_N_COUNTERS;

      g_assert_cmpstr (lsc_counter_to_string ((LscCounter) c), ==, expected[c]);
      g_assert_true (lsc_counter_from_string (expected[c], &back));
      g_assert_cmpint (back, ==, c);
    }
  g_assert_null (lsc_counter_to_string (LSC_N_COUNTERS));
  g_assert_false (lsc_counter_from_string ("l3-misses", &(LscCounter) { 0 }));
  g_assert_false (lsc_counter_from_string (NULL, &(LscCounter) { 0 }));
  g_assert_cmphex (LSC_COUNTER_MASK_ALL, ==, 0x3f);
}

/* ---- reason texts ---- */

static void
test_reason_no_pmu (void)
{
  g_autofree char *enoent = lsc_counter_explain_open_error (ENOENT, 2, "PERF_TYPE_HARDWARE cycles");
  g_autofree char *enodev = lsc_counter_explain_open_error (ENODEV, 2, "PERF_TYPE_HW_CACHE l1d-misses");

  g_assert_cmpstr (enoent, ==, "perf_event_open: no hardware PMU is exposed (this looks "
                   "like a virtual machine: ENOENT for PERF_TYPE_HARDWARE cycles)");
  assert_contains (enodev, "no hardware PMU");
  assert_contains (enodev, "virtual machine");
  assert_contains (enodev, "ENODEV for PERF_TYPE_HW_CACHE l1d-misses");
  /* Not a permission problem: no sysctl advice. */
  assert_lacks (enoent, "perf_event_paranoid");
}

static void
test_reason_not_supported (void)
{
  g_autofree char *text = lsc_counter_explain_open_error (EOPNOTSUPP, 1, "raw::r0123");

  assert_contains (text, "EOPNOTSUPP");
  assert_contains (text, "raw::r0123");
  assert_contains (text, "PMU cannot count");
  assert_lacks (text, "perf_event_paranoid");
}

static void
test_reason_paranoid (void)
{
  const int errnos[] = { EACCES, EPERM };

  for (guint i = 0; i < G_N_ELEMENTS (errnos); i++)
    {
      const char *code = errnos[i] == EACCES ? "EACCES" : "EPERM";
      g_autofree char *p2 = lsc_counter_explain_open_error (errnos[i], 2, "PERF_TYPE_HARDWARE cycles");
      g_autofree char *p3 = lsc_counter_explain_open_error (errnos[i], 3, "PERF_TYPE_HARDWARE cycles");
      g_autofree char *p4 = lsc_counter_explain_open_error (errnos[i], 4, "PERF_TYPE_HARDWARE cycles");
      g_autofree char *pm1 = lsc_counter_explain_open_error (errnos[i], -1, "PERF_TYPE_HARDWARE cycles");
      g_autofree char *unknown = lsc_counter_explain_open_error (errnos[i], LSC_PARANOID_UNKNOWN,
                                                                 "PERF_TYPE_HARDWARE cycles");

      /* 3 and 4 (Debian's and Ubuntu's "no unprivileged use"): the setting,
       * the sysctl to change and the capability. */
      g_assert_true (g_str_has_prefix (p3, "perf_event_paranoid is 3: "));
      g_assert_true (g_str_has_prefix (p4, "perf_event_paranoid is 4: "));
      for (const char *const *t = (const char *const[]) { p3, p4, NULL }; *t; t++)
        {
          assert_contains (*t, "no unprivileged process");
          assert_contains (*t, "sysctl -w kernel.perf_event_paranoid=2");
          assert_contains (*t, "CAP_PERFMON");
          assert_contains (*t, code);
          assert_lacks (*t, "virtual machine");
        }

      /* 2 and below allow counting one's own user space: something else
       * (seccomp, an LSM) refused, and the sysctl is not the fix. */
      for (const char *const *t = (const char *const[]) { p2, pm1, NULL }; *t; t++)
        {
          assert_contains (*t, "seccomp");
          assert_contains (*t, code);
          assert_lacks (*t, "sysctl -w");
        }
      assert_contains (p2, "perf_event_paranoid is 2,");
      assert_contains (pm1, "perf_event_paranoid is -1,");

      assert_contains (unknown, "cannot be read");
      assert_contains (unknown, code);
    }
}

static void
test_reason_other (void)
{
  g_autofree char *nosys = lsc_counter_explain_open_error (ENOSYS, 2, "e");
  g_autofree char *mfile = lsc_counter_explain_open_error (EMFILE, 2, "e");
  g_autofree char *inval = lsc_counter_explain_open_error (EINVAL, 2, "e");
  g_autofree char *eio = lsc_counter_explain_open_error (EIO, 2, "some-event");
  g_autofree char *noevent = lsc_counter_explain_open_error (ENOENT, 2, NULL);

  assert_contains (nosys, "CONFIG_PERF_EVENTS");
  assert_contains (mfile, "ulimit -n");
  assert_contains (inval, "EINVAL");
  assert_contains (eio, "some-event");
  assert_contains (eio, g_strerror (EIO));
  assert_contains (noevent, "ENOENT for the event");
}

static void
test_read_paranoid (void)
{
  g_autofree char *text = NULL;
  int value = lsc_counter_read_paranoid ();

  if (!g_file_get_contents ("/proc/sys/kernel/perf_event_paranoid", &text, NULL, NULL))
    {
      g_assert_cmpint (value, ==, LSC_PARANOID_UNKNOWN);
      return;
    }
  g_assert_cmpint (value, ==, (int) g_ascii_strtoll (text, NULL, 10));
}

/* ---- scaling ---- */

static void
test_scale (void)
{
  g_assert_cmpuint (_lsc_counter_scale (100, 10, 10), ==, 100);
  /* Counting half the time: twice the count is the estimate. */
  g_assert_cmpuint (_lsc_counter_scale (100, 20, 10), ==, 200);
  g_assert_cmpuint (_lsc_counter_scale (7, 3, 2), ==, 10);   /* floor (10.5) */
  /* Never on the PMU: nothing is known, 0 rather than a division by 0. */
  g_assert_cmpuint (_lsc_counter_scale (0, 1000, 0), ==, 0);
  /* The product overflows 64 bits; the quotient does not. */
  g_assert_cmpuint (_lsc_counter_scale (G_GUINT64_CONSTANT (1) << 62, 4, 2), ==,
                    G_GUINT64_CONSTANT (1) << 63);
  g_assert_cmpuint (_lsc_counter_scale (G_GUINT64_CONSTANT (3000000000000000000),
                                        G_GUINT64_CONSTANT (3000000000),
                                        G_GUINT64_CONSTANT (1000000000)),
                    ==, G_GUINT64_CONSTANT (9000000000000000000));
  g_assert_cmpuint (_lsc_counter_scale (G_MAXUINT64, 3, 1), ==, G_MAXUINT64);
}

/* ---- the perf backend on this machine ---- */

static void
test_perf_this_machine (void)
{
  g_autoptr(LscCounterBackend) b = lsc_counter_backend_new_perf ();
  g_autoptr(LscCounterThread) t = NULL;
  g_autofree char *text = lsc_counter_backend_describe (b);
  g_autoptr(GError) error = NULL;
  guint64 v0[LSC_N_COUNTERS], v1[LSC_N_COUNTERS];
  guint32 mask = lsc_counter_backend_get_mask (b);

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (lsc_counter_backend_get_name (b), "perf_event"));
#if LSC_HAVE_LIBPFM
  assert_contains (lsc_counter_backend_get_name (b), "libpfm4 4.");
#else
  assert_contains (lsc_counter_backend_get_reason (b), "built without libpfm4");
#endif

  /* Event and absent reason: exactly one of them for every counter. */
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      gboolean counted = (mask >> c) & 1;

      g_assert_true ((lsc_counter_backend_get_event (b, c) != NULL) == counted);
      g_assert_true ((lsc_counter_backend_get_absent_reason (b, c) == NULL) == counted);
      assert_contains (text, lsc_counter_to_string (c));
    }
  g_assert_true (lsc_counter_backend_is_available (b) == (mask != 0));
  g_assert_true ((lsc_counter_backend_get_reason (b) == NULL) == (mask == LSC_COUNTER_MASK_ALL));

  if (LSC_HAVE_LIBPFM && !machine_has_cpu_pmu ())
    {
      /* This VM: the kernel has no CPU PMU, so nothing may claim to count,
       * and the reason must say that the PMU is missing. */
      const char *reason = lsc_counter_backend_get_reason (b);

      g_assert_false (lsc_counter_backend_is_available (b));
      g_assert_cmphex (mask, ==, 0);
      assert_contains (reason, "PMU");
      if (lsc_counter_read_paranoid () <= 2)
        {
          /* Not a permission problem here: the missing PMU is the reason. */
          g_assert_cmpstr (reason, ==, "perf_event_open: no hardware PMU is exposed (this "
                           "looks like a virtual machine: ENOENT for PERF_TYPE_HARDWARE cycles)");
          assert_contains (lsc_counter_backend_get_absent_reason (b, LSC_COUNTER_LLC_MISSES),
                           "ENOENT for PERF_TYPE_HW_CACHE llc-misses");
          /* The shared reason once, above; the counters list only the odd
           * one out (libpfm4 4.13 has no table for Zen 5 nor any PMU here). */
          assert_contains (text, "  cycles        absent\n");
          assert_contains (text, "  llc-misses    absent\n");
          assert_contains (text, "  l2-misses     absent: libpfm4");
        }
      assert_contains (text, "unavailable: ");
      assert_contains (text, reason);
    }

  /* Available or not, a thread opens and reads. */
  t = lsc_counter_backend_open_thread (b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  lsc_counter_thread_read (t, v0);
  burn_cpu (20 * 1000 * 1000);
  lsc_counter_thread_read (t, v1);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      if (!((mask >> c) & 1))
        {
          g_assert_cmpuint (v0[c], ==, 0);
          g_assert_cmpuint (v1[c], ==, 0);
        }
      else
        g_assert_cmpuint (v1[c], >=, v0[c]);
    }
  /* On a machine with a PMU: 20 ms of a loop is millions of cycles and
   * instructions (at 1 GHz and below one instruction per cycle still). */
  if (mask & (1u << LSC_COUNTER_CYCLES))
    g_assert_cmpuint (v1[LSC_COUNTER_CYCLES] - v0[LSC_COUNTER_CYCLES], >, 1000000);
  if (mask & (1u << LSC_COUNTER_INSTRUCTIONS))
    g_assert_cmpuint (v1[LSC_COUNTER_INSTRUCTIONS] - v0[LSC_COUNTER_INSTRUCTIONS], >, 1000000);
}

/* ---- the perf backend's machinery, on software events ---- */

/* cycles <- task-clock (ns of this thread on a CPU), l1d <- page faults,
 * dtlb <- cpu-clock; l2 gets a name libpfm4 does not know, the rest none. */
static LscCounterBackend *
software_backend (void)
{
  const char *const events[LSC_N_COUNTERS] = {
    [LSC_COUNTER_CYCLES] = "perf::PERF_COUNT_SW_TASK_CLOCK",
    [LSC_COUNTER_L1D_MISSES] = "perf::PERF_COUNT_SW_PAGE_FAULTS",
    [LSC_COUNTER_L2_MISSES] = "perf::NO_SUCH_EVENT",
    [LSC_COUNTER_DTLB_MISSES] = "perf::PERF_COUNT_SW_CPU_CLOCK",
  };

  return _lsc_counter_backend_new_perf_events (events);
}

#define SOFTWARE_MASK ((1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_L1D_MISSES) \
                       | (1u << LSC_COUNTER_DTLB_MISSES))

/* NULL with a skip when this process may not use perf_event_open at all
 * (then the probe must have said why). */
static LscCounterBackend *
software_backend_or_skip (void)
{
  LscCounterBackend *b = software_backend ();

  if (!LSC_HAVE_LIBPFM)
    {
      assert_contains (lsc_counter_backend_get_reason (b), "built without libpfm4");
      g_test_skip ("built without libpfm4");
      lsc_counter_backend_free (b);
      return NULL;
    }
  if (!lsc_counter_backend_is_available (b))
    {
      g_autofree char *message = g_strdup_printf ("perf_event_open is not usable here: %s",
                                                  lsc_counter_backend_get_reason (b));

      assert_contains (lsc_counter_backend_get_reason (b), "perf_event");
      g_test_skip (message);
      lsc_counter_backend_free (b);
      return NULL;
    }
  return b;
}

static void
test_perf_software_probe (void)
{
  g_autoptr(LscCounterBackend) b = software_backend_or_skip ();
  g_autofree char *text = NULL;
  const char *reason;

  if (b == NULL)
    return;
  g_assert_cmphex (lsc_counter_backend_get_mask (b), ==, SOFTWARE_MASK);
  g_assert_cmpstr (lsc_counter_backend_get_event (b, LSC_COUNTER_CYCLES), ==,
                   "perf::PERF_COUNT_SW_TASK_CLOCK");
  g_assert_cmpstr (lsc_counter_backend_get_event (b, LSC_COUNTER_L1D_MISSES), ==,
                   "perf::PERF_COUNT_SW_PAGE_FAULTS");
  g_assert_null (lsc_counter_backend_get_event (b, LSC_COUNTER_L2_MISSES));
  assert_contains (lsc_counter_backend_get_absent_reason (b, LSC_COUNTER_L2_MISSES),
                   "cannot encode perf::NO_SUCH_EVENT");
  assert_contains (lsc_counter_backend_get_absent_reason (b, LSC_COUNTER_INSTRUCTIONS),
                   "no event chosen");

  /* Partly available: the reason lists each missing counter by name. */
  reason = lsc_counter_backend_get_reason (b);
  g_assert_true (g_str_has_prefix (reason, "instructions: no event chosen for it; l2-misses: libpfm4"));
  assert_contains (reason, "; llc-misses: no event chosen for it");
  assert_lacks (reason, "cycles");
  assert_lacks (reason, "dtlb");

  text = lsc_counter_backend_describe (b);
  g_test_message ("%s", text);
  assert_contains (text, "3 of 6 counted");
  assert_contains (text, "  cycles        perf::PERF_COUNT_SW_TASK_CLOCK\n");
  assert_contains (text, "  l2-misses     absent: libpfm4");
  assert_lacks (text, "unavailable:");
}

/* max_group: 0 puts the three events in one group; 1 and 2 split them. */
static void
check_software_counts (guint max_group)
{
  g_autoptr(LscCounterBackend) b = software_backend_or_skip ();
  g_autoptr(LscCounterThread) t = NULL;
  g_autoptr(GError) error = NULL;
  guint64 v0[LSC_N_COUNTERS], v1[LSC_N_COUNTERS], v2[LSC_N_COUNTERS];
  guint64 cpu0, cpu1;
  const gsize page = (gsize) sysconf (_SC_PAGESIZE);
  const guint n_pages = 1024;
  char *region;

  if (b == NULL)
    return;
  _lsc_counter_backend_set_max_group (b, max_group);
  t = lsc_counter_backend_open_thread (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_lsc_counter_thread_get_n_groups (t), ==,
                    max_group == 0 ? 1 : (3 + max_group - 1) / max_group);

  /* task-clock follows the thread's CPU time. */
  lsc_counter_thread_read (t, v0);
  cpu0 = thread_cpu_ns ();
  burn_cpu (20 * 1000 * 1000);
  cpu1 = thread_cpu_ns ();
  lsc_counter_thread_read (t, v1);
  assert_within ((double) (v1[LSC_COUNTER_CYCLES] - v0[LSC_COUNTER_CYCLES]),
                 (double) (cpu1 - cpu0), 0.10);
  assert_within ((double) (v1[LSC_COUNTER_DTLB_MISSES] - v0[LSC_COUNTER_DTLB_MISSES]),
                 (double) (cpu1 - cpu0), 0.10);

  /* A page fault for each fresh page written (no huge pages, so one fault
   * per 4 KiB page, not per 2 MiB); a few more may come from elsewhere. */
  region = mmap (NULL, n_pages * page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (region != MAP_FAILED);
  madvise (region, n_pages * page, MADV_NOHUGEPAGE);
  lsc_counter_thread_read (t, v1);
  for (guint i = 0; i < n_pages; i++)
    region[i * page] = 1;
  lsc_counter_thread_read (t, v2);
  munmap (region, n_pages * page);
  g_assert_cmpuint (v2[LSC_COUNTER_L1D_MISSES] - v1[LSC_COUNTER_L1D_MISSES], >=, n_pages);
#ifndef __SANITIZE_THREAD__
  g_assert_cmpuint (v2[LSC_COUNTER_L1D_MISSES] - v1[LSC_COUNTER_L1D_MISSES], <, n_pages + 64);
#else
  /* ThreadSanitizer faults in shadow memory for every page written too. */
  g_assert_cmpuint (v2[LSC_COUNTER_L1D_MISSES] - v1[LSC_COUNTER_L1D_MISSES], <, 4 * n_pages + 64);
#endif

  /* Counters outside the mask read 0; totals never decrease. */
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    if (!((SOFTWARE_MASK >> c) & 1))
      g_assert_cmpuint (v2[c], ==, 0);
  for (int i = 0; i < 1000; i++)
    {
      guint64 v[LSC_N_COUNTERS];

      lsc_counter_thread_read (t, v);
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        g_assert_cmpuint (v[c], >=, v2[c]);
      memcpy (v2, v, sizeof v);
    }
  /* Software events are never multiplexed. */
  g_assert_false (lsc_counter_thread_was_multiplexed (t));
}

static void
test_perf_software_counts (void)
{
  check_software_counts (0);
}

static void
test_perf_software_groups (void)
{
  check_software_counts (1);
  check_software_counts (2);
}

/* ---- two threads count independently ---- */

typedef struct
{
  LscCounterBackend *backend;
  LscCounterThread *counters;   /* opened by the sleeper for itself */
  /* pthread's, not GLib's: ThreadSanitizer sees through these (GMutex is
   * a bare futex to it). */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  gboolean opened;
  gboolean done;
} Sleeper;

static gpointer
sleeper_main (gpointer user_data)
{
  Sleeper *s = user_data;
  g_autoptr(GError) error = NULL;

  pthread_mutex_lock (&s->lock);
  s->counters = lsc_counter_backend_open_thread (s->backend, &error);
  g_assert_no_error (error);
  s->opened = TRUE;
  pthread_cond_broadcast (&s->cond);
  /* Sleeps (uses no CPU) until the main thread has burned its CPU time. */
  while (!s->done)
    pthread_cond_wait (&s->cond, &s->lock);
  pthread_mutex_unlock (&s->lock);
  return NULL;
}

/* cycles_per_ns: what the backend's cycles counter counts per ns of CPU
 * time (3 for fake cycles, 1 for task-clock). */
static void
check_independent_threads (LscCounterBackend *b,
                           double             cycles_per_ns)
{
  Sleeper s = { .backend = b, .lock = PTHREAD_MUTEX_INITIALIZER,
                .cond = PTHREAD_COND_INITIALIZER };
  g_autoptr(LscCounterThread) mine = NULL;
  g_autoptr(GError) error = NULL;
  guint64 m0[LSC_N_COUNTERS], m1[LSC_N_COUNTERS], s0[LSC_N_COUNTERS], s1[LSC_N_COUNTERS];
  guint64 cpu0, cpu1;
  GThread *thread;

  thread = g_thread_new ("sleeper", sleeper_main, &s);
  pthread_mutex_lock (&s.lock);
  while (!s.opened)
    pthread_cond_wait (&s.cond, &s.lock);
  pthread_mutex_unlock (&s.lock);

  mine = lsc_counter_backend_open_thread (b, &error);
  g_assert_no_error (error);

  /* The sleeper's handle is read from this thread: it must still count
   * the sleeper, not the reader. */
  lsc_counter_thread_read (mine, m0);
  lsc_counter_thread_read (s.counters, s0);
  cpu0 = thread_cpu_ns ();
  burn_cpu (30 * 1000 * 1000);
  cpu1 = thread_cpu_ns ();
  lsc_counter_thread_read (mine, m1);
  lsc_counter_thread_read (s.counters, s1);

  assert_within ((double) (m1[LSC_COUNTER_CYCLES] - m0[LSC_COUNTER_CYCLES]),
                 (double) (cpu1 - cpu0) * cycles_per_ns, 0.10);
  /* The sleeper used well under 1 % of that. */
  g_assert_cmpuint (s1[LSC_COUNTER_CYCLES] - s0[LSC_COUNTER_CYCLES], <,
                    (m1[LSC_COUNTER_CYCLES] - m0[LSC_COUNTER_CYCLES]) / 100);

  pthread_mutex_lock (&s.lock);
  s.done = TRUE;
  pthread_cond_broadcast (&s.cond);
  pthread_mutex_unlock (&s.lock);
  g_thread_join (thread);
  lsc_counter_thread_close (s.counters);
  pthread_mutex_destroy (&s.lock);
  pthread_cond_destroy (&s.cond);
}

static void
test_perf_software_threads (void)
{
  g_autoptr(LscCounterBackend) b = software_backend_or_skip ();

  if (b != NULL)
    check_independent_threads (b, 1.0);
}

/* Backends created, and threads opened and read, from several threads at
 * once (as the profiler opens counters on every worker together). */
static gpointer
concurrent_main (gpointer user_data)
{
  LscCounterBackend *shared = user_data;
  g_autoptr(LscCounterBackend) own = software_backend ();
  LscCounterBackend *backends[] = { shared, own };

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autoptr(LscCounterThread) t = NULL;
      g_autoptr(GError) error = NULL;
      guint64 v0[LSC_N_COUNTERS], v1[LSC_N_COUNTERS];

      t = lsc_counter_backend_open_thread (backends[i], &error);
      g_assert_no_error (error);
      lsc_counter_thread_read (t, v0);
      burn_cpu (2 * 1000 * 1000);
      lsc_counter_thread_read (t, v1);
      if (lsc_counter_backend_get_mask (backends[i]) & 1u)
        g_assert_cmpuint (v1[LSC_COUNTER_CYCLES], >, v0[LSC_COUNTER_CYCLES]);
    }
  return NULL;
}

static void
test_concurrent_open (void)
{
  g_autoptr(LscCounterBackend) shared = software_backend ();
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("opener", concurrent_main, shared);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* ---- fake ---- */

static void
test_fake_backend (void)
{
  g_autoptr(LscCounterBackend) b = lsc_counter_backend_new_fake ();
  g_autofree char *text = lsc_counter_backend_describe (b);
  const double rates[LSC_N_COUNTERS] = { 3, 6, 1.0 / 50, 1.0 / 200, 1.0 / 1000, 1.0 / 2000 };

  g_assert_cmpstr (lsc_counter_backend_get_name (b), ==, "fake");
  g_assert_true (lsc_counter_backend_is_available (b));
  g_assert_null (lsc_counter_backend_get_reason (b));
  g_assert_cmphex (lsc_counter_backend_get_mask (b), ==, LSC_COUNTER_MASK_ALL);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      g_assert_nonnull (lsc_counter_backend_get_event (b, c));
      g_assert_null (lsc_counter_backend_get_absent_reason (b, c));
      g_assert_cmpfloat (lsc_counter_fake_rate (c), ==, rates[c]);
    }
  assert_contains (text, "6 of 6 counted");
  assert_contains (text, "  cycles        fake: 3 per ns of thread CPU time\n");
  assert_contains (text, "  l1d-misses    fake: 1 per 50 ns of thread CPU time\n");
}

static void
test_fake_proportional (void)
{
  g_autoptr(LscCounterBackend) b = lsc_counter_backend_new_fake ();
  g_autoptr(LscCounterThread) t = NULL;
  g_autoptr(GError) error = NULL;
  guint64 v0[LSC_N_COUNTERS], v1[LSC_N_COUNTERS], prev[LSC_N_COUNTERS];
  guint64 cpu0, cpu1;

  t = lsc_counter_backend_open_thread (b, &error);
  g_assert_no_error (error);

  lsc_counter_thread_read (t, v0);
  cpu0 = thread_cpu_ns ();
  burn_cpu (20 * 1000 * 1000);
  cpu1 = thread_cpu_ns ();
  lsc_counter_thread_read (t, v1);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    assert_within ((double) (v1[c] - v0[c]), lsc_counter_fake_rate (c) * (double) (cpu1 - cpu0), 0.10);

  memcpy (prev, v1, sizeof prev);
  for (int i = 0; i < 10000; i++)
    {
      guint64 v[LSC_N_COUNTERS];

      lsc_counter_thread_read (t, v);
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        g_assert_cmpuint (v[c], >=, prev[c]);
      memcpy (prev, v, sizeof v);
    }
  g_assert_false (lsc_counter_thread_was_multiplexed (t));
}

static void
test_fake_threads (void)
{
  g_autoptr(LscCounterBackend) b = lsc_counter_backend_new_fake ();

  check_independent_threads (b, lsc_counter_fake_rate (LSC_COUNTER_CYCLES));
}

/* ---- off and the choice by environment ---- */

static void
check_off (LscCounterBackend *b,
           const char        *reason_part)
{
  g_autoptr(LscCounterThread) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = lsc_counter_backend_describe (b);
  guint64 v[LSC_N_COUNTERS];

  g_assert_cmpstr (lsc_counter_backend_get_name (b), ==, "off");
  g_assert_false (lsc_counter_backend_is_available (b));
  g_assert_cmphex (lsc_counter_backend_get_mask (b), ==, 0);
  assert_contains (lsc_counter_backend_get_reason (b), reason_part);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      g_assert_null (lsc_counter_backend_get_event (b, c));
      g_assert_cmpstr (lsc_counter_backend_get_absent_reason (b, c), ==,
                       lsc_counter_backend_get_reason (b));
    }
  assert_contains (text, "Hardware counters: off, 0 of 6 counted\n");
  assert_contains (text, reason_part);

  /* Opening still works, and reads zeros. */
  t = lsc_counter_backend_open_thread (b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  burn_cpu (1000 * 1000);
  lsc_counter_thread_read (t, v);
  assert_all_zero (v);
  g_assert_false (lsc_counter_thread_was_multiplexed (t));
}

static void
test_off_backend (void)
{
  g_autoptr(LscCounterBackend) given = lsc_counter_backend_new_off ("--no-counters was given");
  g_autoptr(LscCounterBackend) plain = lsc_counter_backend_new_off (NULL);

  check_off (given, "--no-counters was given");
  check_off (plain, "hardware counters are off");
}

static void
test_env_selection (void)
{
  const char *saved = g_getenv ("LSC_COUNTERS");
  g_autofree char *restore = g_strdup (saved);

  {
    g_autoptr(LscCounterBackend) b = NULL;

    g_setenv ("LSC_COUNTERS", "fake", TRUE);
    b = lsc_counter_backend_new_default ();
    g_assert_cmpstr (lsc_counter_backend_get_name (b), ==, "fake");
    g_assert_cmphex (lsc_counter_backend_get_mask (b), ==, LSC_COUNTER_MASK_ALL);
  }
  {
    g_autoptr(LscCounterBackend) b = NULL;

    g_setenv ("LSC_COUNTERS", "off", TRUE);
    b = lsc_counter_backend_new_default ();
    check_off (b, "LSC_COUNTERS=off");
  }
  {
    g_autoptr(LscCounterBackend) b = NULL;

    g_setenv ("LSC_COUNTERS", "bogus", TRUE);
    b = lsc_counter_backend_new_default ();
    check_off (b, "LSC_COUNTERS is \"bogus\", which is none of perf, fake, off");
  }
  for (const char *const *v = (const char *const[]) { "perf", "", NULL }; *v; v++)
    {
      g_autoptr(LscCounterBackend) b = NULL;

      g_setenv ("LSC_COUNTERS", *v, TRUE);
      b = lsc_counter_backend_new_default ();
      g_assert_true (g_str_has_prefix (lsc_counter_backend_get_name (b), "perf_event"));
    }
  {
    g_autoptr(LscCounterBackend) b = NULL;

    g_unsetenv ("LSC_COUNTERS");
    b = lsc_counter_backend_new_default ();
    g_assert_true (g_str_has_prefix (lsc_counter_backend_get_name (b), "perf_event"));
  }

  if (restore != NULL)
    g_setenv ("LSC_COUNTERS", restore, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/counters/names", test_names);
  g_test_add_func ("/counters/reason/no-pmu", test_reason_no_pmu);
  g_test_add_func ("/counters/reason/not-supported", test_reason_not_supported);
  g_test_add_func ("/counters/reason/paranoid", test_reason_paranoid);
  g_test_add_func ("/counters/reason/other", test_reason_other);
  g_test_add_func ("/counters/read-paranoid", test_read_paranoid);
  g_test_add_func ("/counters/scale", test_scale);
  g_test_add_func ("/counters/perf/this-machine", test_perf_this_machine);
  g_test_add_func ("/counters/perf/software-probe", test_perf_software_probe);
  g_test_add_func ("/counters/perf/software-counts", test_perf_software_counts);
  g_test_add_func ("/counters/perf/software-groups", test_perf_software_groups);
  g_test_add_func ("/counters/perf/software-threads", test_perf_software_threads);
  g_test_add_func ("/counters/perf/concurrent-open", test_concurrent_open);
  g_test_add_func ("/counters/fake/backend", test_fake_backend);
  g_test_add_func ("/counters/fake/proportional", test_fake_proportional);
  g_test_add_func ("/counters/fake/threads", test_fake_threads);
  g_test_add_func ("/counters/off", test_off_backend);
  g_test_add_func ("/counters/env-selection", test_env_selection);

  return g_test_run ();
}
