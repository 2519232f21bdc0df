#pragma once

/* The whole machine while a profile runs: every CPU's utilisation by all
 * processes (from /proc/stat), the part of it that was not the profiled
 * program's own threads (their time from /proc/self/task/TID/stat), and the
 * current clock frequency (sysfs cpufreq, where the machine has it),
 * sampled by a thread of its own at a few Hz. A run during which other
 * processes kept a CPU busy is flagged, so that its timings are not
 * trusted blindly.
 *
 * The sampler reads files only; it never touches the profiled threads and
 * allocates nothing on them. */

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct _LscCpuMonitor LscCpuMonitor;

/* One sample: what happened on each CPU between the previous sample
 * (t_prev_ns) and this one (t_ns). Arrays have n_cpus entries, indexed by
 * the kernel's CPU number (cpuN in /proc/stat). A CPU missing from
 * /proc/stat (offline) has util = own = other = 0. */
typedef struct
{
  gint64  t_ns;          /* CLOCK_MONOTONIC when /proc/stat was read */
  gint64  t_prev_ns;     /* the previous sample's (or the baseline's) t_ns */
  float  *util;          /* busy fraction since the previous sample, all processes (0..1) */
  float  *own;           /* the part of util spent by own threads (0..util) */
  float  *other;         /* util - own: not the own threads (0..1) */
  float  *freq_mhz;      /* scaling_cur_freq (or cpuinfo_cur_freq) in MHz, NAN where sysfs has none */
} LscCpuSample;

typedef struct
{
  double      hz;        /* samples per second: 5..10 is meant; 1..100 allowed */
  const char *root;      /* "/" normally (NULL is "/"); tests point it at a fake tree:
                            ROOT/proc/stat, ROOT/proc/self/task/TID/stat,
                            ROOT/sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq */
  double      threshold; /* other-process busy fraction on any CPU, over a window,
                            above which the window is flagged (0..1, default 0.10) */
} LscCpuMonitorOptions;

/* hz 10, root "/", threshold 0.10. */
void           lsc_cpu_monitor_options_init   (LscCpuMonitorOptions *options);

/* Reads ROOT/proc/stat once to learn the CPUs. Errors
 * (LSC_ENGINE_ERROR_BAD_CONFIG): hz outside 1..100, threshold outside 0..1;
 * (LSC_ENGINE_ERROR_FAILED): /proc/stat missing or without cpuN lines. */
LscCpuMonitor *lsc_cpu_monitor_new            (const LscCpuMonitorOptions *options,
                                               GError                    **error);
/* Stops the sampler first. */
void           lsc_cpu_monitor_free           (LscCpuMonitor  *monitor);

/* Threads whose CPU time is the profiled program's own (the engine's
 * workers, the caller that is worker 0); the CPU time of every other
 * thread and process is "other". A thread's time is attributed to the CPU
 * it last ran on, exact for pinned workers. Call before start or between
 * windows (a thread added while sampling counts from the next sample on).
 * A thread that has exited is skipped. */
void           lsc_cpu_monitor_add_own_thread (LscCpuMonitor  *monitor,
                                               pid_t           tid);
void           lsc_cpu_monitor_clear_own_threads (LscCpuMonitor *monitor);

/* Takes a baseline reading (errors as new) and starts the sampling thread,
 * which appends a sample every 1/hz s until stop. Start and stop may
 * alternate any number of times (a window per run); samples accumulate,
 * and the gap between a stop and the next start is not a sample. */
gboolean       lsc_cpu_monitor_start          (LscCpuMonitor  *monitor,
                                               GError        **error);
/* Wakes and joins the sampler at once (no waiting for its next tick). */
void           lsc_cpu_monitor_stop           (LscCpuMonitor  *monitor);
gboolean       lsc_cpu_monitor_is_running     (LscCpuMonitor  *monitor);
/* The error that stopped the sampling thread (a file that vanished), or
 * NULL. Cleared by start. */
const GError  *lsc_cpu_monitor_get_error      (LscCpuMonitor  *monitor);

/* One reading, synchronously: the first one (and the first after start)
 * is the baseline and adds no sample; every later one appends a sample
 * covering the time since the previous reading. The sampling thread uses
 * this too; do not call it while the thread runs. */
gboolean       lsc_cpu_monitor_sample_now     (LscCpuMonitor  *monitor,
                                               GError        **error);
/* The same with a given timestamp instead of the clock (tests, replays). */
gboolean       lsc_cpu_monitor_sample_at      (LscCpuMonitor  *monitor,
                                               gint64          t_ns,
                                               GError        **error);

guint          lsc_cpu_monitor_get_n_cpus     (LscCpuMonitor  *monitor);
double         lsc_cpu_monitor_get_hz         (LscCpuMonitor  *monitor);
/* Samples so far; safe while the sampler runs. */
guint          lsc_cpu_monitor_get_n_samples  (LscCpuMonitor  *monitor);
/* Sample i < n_samples. Samples never move: the pointer stays valid until
 * clear or free, also while the sampler runs. */
const LscCpuSample *lsc_cpu_monitor_get_sample (LscCpuMonitor *monitor,
                                                guint          i);
/* Drops all samples (not while running). */
void           lsc_cpu_monitor_clear          (LscCpuMonitor  *monitor);

/* Whether other processes loaded the CPUs between t0_ns and t1_ns
 * (CLOCK_MONOTONIC). The samples in the window are those whose interval
 * (t_prev_ns, t_ns] has its midpoint inside [t0_ns, t1_ns]; when none has,
 * the one sample overlapping the window most (a window shorter than a
 * sampling period). Per CPU, the other-load over the window is the mean of
 * `other` weighted by each sample's elapsed CPU time, computed from the
 * summed busy and own times (so the rounding of /proc/stat against the
 * threads' times, a tick either way per sample, cancels out instead of
 * being clipped at 0 per sample and adding up). With evenly spaced samples
 * that is the plain mean of `other` wherever no sample clips.
 * Flagged when the other-load of any CPU (or of cpus[0 .. n_cpus-1] only,
 * when cpus is not NULL; numbers not on this machine are ignored) exceeds
 * the threshold. Fills the largest other-load, its CPU (-1 without
 * samples) and a reason: "CPU 1 was 43 % busy with other processes". */
typedef struct
{
  gboolean flagged;
  double   max_other;
  int      cpu;
  guint    n_samples;    /* samples the window used */
  char     reason[160];
} LscInterference;

void           lsc_cpu_monitor_interference   (LscCpuMonitor   *monitor,
                                               gint64           t0_ns,
                                               gint64           t1_ns,
                                               const int       *cpus,
                                               guint            n_cpus,
                                               LscInterference *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscCpuMonitor, lsc_cpu_monitor_free)

G_END_DECLS
