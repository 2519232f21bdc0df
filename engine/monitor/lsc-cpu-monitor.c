#include "lsc-cpu-monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/lsc-error.h"

/* Samples live in blocks that are never moved or resized, so a pointer
 * handed out by get_sample stays valid while the sampler appends. */
#define BLOCK_SAMPLES 256

/* Per sample and CPU, the raw tick counts behind the fractions: the
 * interference check sums these over a window. */
enum { TICKS_TOTAL, TICKS_BUSY, TICKS_OWN, N_TICKS };

typedef struct
{
  LscCpuSample samples[BLOCK_SAMPLES];
  float       *values;   /* BLOCK_SAMPLES * 4 * n_cpus: util, own, other, freq */
  guint64     *ticks;    /* BLOCK_SAMPLES * N_TICKS * n_cpus */
} Block;

typedef struct
{
  pid_t    tid;
  guint64  prev_ticks;   /* utime + stime at the previous reading */
  gboolean have_prev;
} OwnThread;

struct _LscCpuMonitor
{
  double     hz;
  double     threshold;
  guint      n_cpus;
  char      *root;             /* without a trailing '/': "" for "/" */
  char      *stat_path;
  char     **freq_paths;       /* 2 per CPU: scaling_cur_freq, cpuinfo_cur_freq */

  /* Reading state: used by whoever samples (the thread, or the caller of
   * sample_now while the thread is not running). */
  char      *buf;              /* /proc/stat's text */
  gsize      buf_size;
  guint64   *cur_busy, *cur_idle, *prev_busy, *prev_idle;
  gboolean  *cur_present, *prev_present;
  guint64   *own_ticks;        /* this reading's own-thread ticks per CPU */
  float     *freq_scratch;
  gboolean   have_baseline;
  gint64     baseline_ns;

  /* Shared with readers: the own threads and the samples. */
  GMutex     lock;
  GArray    *own;              /* OwnThread */
  GPtrArray *blocks;           /* Block * */
  guint      n_samples;

  /* The sampling thread. */
  GMutex     wake_lock;
  GCond      wake;
  gboolean   stop_requested;
  GThread   *thread;
  GError    *thread_error;
};

static gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

void
lsc_cpu_monitor_options_init (LscCpuMonitorOptions *options)
{
  g_return_if_fail (options != NULL);

  options->hz = 10.0;
  options->root = "/";
  options->threshold = 0.10;
}

/* Reads a whole (small, pseudo-) file into a caller's buffer with plain
 * system calls: no allocation, so it is safe anywhere. Returns the length,
 * or -1 with errno set. Truncates to size - 1 and NUL-terminates. */
static gssize
read_small_file (const char *path,
                 char       *buf,
                 gsize       size)
{
  gsize len = 0;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  while (len + 1 < size)
    {
      gssize n = read (fd, buf + len, size - 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          errno = saved;
          return -1;
        }
      if (n == 0)
        break;
      len += n;
    }
  close (fd);
  buf[len] = '\0';
  return len;
}

/* /proc/stat whole into monitor->buf, growing it when it fills (the "intr"
 * line is long on big machines). */
static gboolean
read_proc_stat (LscCpuMonitor *monitor,
                GError       **error)
{
  for (;;)
    {
      gssize len = read_small_file (monitor->stat_path, monitor->buf, monitor->buf_size);

      if (len < 0)
        {
          int saved = errno;

          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                       "Cannot read %s: %s", monitor->stat_path, g_strerror (saved));
          return FALSE;
        }
      if ((gsize) len + 1 < monitor->buf_size)
        return TRUE;
      monitor->buf_size *= 2;
      monitor->buf = g_realloc (monitor->buf, monitor->buf_size);
    }
}

/* Calls fn for every "cpuN" line of /proc/stat text with N and its busy
 * (user + nice + system + irq + softirq + steal) and idle (idle + iowait)
 * ticks. guest and guest_nice are already inside user and nice. Steal
 * counts as busy: on a VM it is time another guest took from this CPU,
 * which is interference like any other process's. Returns the number of
 * cpuN lines. */
typedef void (*CpuLineFunc) (gpointer user_data,
                             guint    cpu,
                             guint64  busy,
                             guint64  idle);

static guint
parse_proc_stat (const char  *text,
                 CpuLineFunc  fn,
                 gpointer     user_data)
{
  guint n_lines = 0;
  const char *line = text;

  while (line != NULL && *line != '\0')
    {
      const char *next = strchr (line, '\n');

      if (strncmp (line, "cpu", 3) == 0 && g_ascii_isdigit (line[3]))
        {
          guint64 field[8] = { 0 };
          char *end;
          const char *p;
          guint64 cpu;
          guint n = 0;

          cpu = g_ascii_strtoull (line + 3, &end, 10);
          p = end;
          while (n < G_N_ELEMENTS (field))
            {
              guint64 v;

              while (*p == ' ' || *p == '\t')
                p++;
              if (!g_ascii_isdigit (*p))
                break;
              v = g_ascii_strtoull (p, &end, 10);
              field[n++] = v;
              p = end;
            }
          /* user nice system idle iowait irq softirq steal */
          if (n >= 4 && cpu < G_MAXUINT)
            {
              fn (user_data, (guint) cpu,
                  field[0] + field[1] + field[2] + field[5] + field[6] + field[7],
                  field[3] + field[4]);
              n_lines++;
            }
        }
      line = next != NULL ? next + 1 : NULL;
    }
  return n_lines;
}

static void
count_cpu (gpointer user_data,
           guint    cpu,
           guint64  busy,
           guint64  idle)
{
  guint *n_cpus = user_data;

  *n_cpus = MAX (*n_cpus, cpu + 1);
}

static void
store_cpu (gpointer user_data,
           guint    cpu,
           guint64  busy,
           guint64  idle)
{
  LscCpuMonitor *monitor = user_data;

  /* A CPU plugged in after new is beyond the arrays: ignored. */
  if (cpu >= monitor->n_cpus)
    return;
  monitor->cur_busy[cpu] = busy;
  monitor->cur_idle[cpu] = idle;
  monitor->cur_present[cpu] = TRUE;
}

LscCpuMonitor *
lsc_cpu_monitor_new (const LscCpuMonitorOptions *options,
                     GError                    **error)
{
  LscCpuMonitorOptions defaults;
  LscCpuMonitor *monitor;
  const char *root;
  guint n_cpus = 0;

  if (options == NULL)
    {
      lsc_cpu_monitor_options_init (&defaults);
      options = &defaults;
    }
  if (!(options->hz >= 1.0 && options->hz <= 100.0))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "CPU monitor: sampling rate %g Hz is outside 1 .. 100 Hz", options->hz);
      return NULL;
    }
  if (!(options->threshold >= 0.0 && options->threshold <= 1.0))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "CPU monitor: interference threshold %g is outside 0 .. 1", options->threshold);
      return NULL;
    }

  monitor = g_new0 (LscCpuMonitor, 1);
  monitor->hz = options->hz;
  monitor->threshold = options->threshold;
  root = options->root != NULL && options->root[0] != '\0' ? options->root : "/";
  monitor->root = g_strdup (root);
  while (strlen (monitor->root) > 0 && monitor->root[strlen (monitor->root) - 1] == '/')
    monitor->root[strlen (monitor->root) - 1] = '\0';
  monitor->stat_path = g_strconcat (monitor->root, "/proc/stat", NULL);
  monitor->buf_size = 16384;
  monitor->buf = g_malloc (monitor->buf_size);
  g_mutex_init (&monitor->lock);
  g_mutex_init (&monitor->wake_lock);
  g_cond_init (&monitor->wake);
  monitor->own = g_array_new (FALSE, FALSE, sizeof (OwnThread));
  monitor->blocks = g_ptr_array_new ();

  if (!read_proc_stat (monitor, error))
    {
      lsc_cpu_monitor_free (monitor);
      return NULL;
    }
  parse_proc_stat (monitor->buf, count_cpu, &n_cpus);
  if (n_cpus == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "%s has no per-CPU (cpuN) lines", monitor->stat_path);
      lsc_cpu_monitor_free (monitor);
      return NULL;
    }

  monitor->n_cpus = n_cpus;
  monitor->cur_busy = g_new0 (guint64, n_cpus);
  monitor->cur_idle = g_new0 (guint64, n_cpus);
  monitor->prev_busy = g_new0 (guint64, n_cpus);
  monitor->prev_idle = g_new0 (guint64, n_cpus);
  monitor->cur_present = g_new0 (gboolean, n_cpus);
  monitor->prev_present = g_new0 (gboolean, n_cpus);
  monitor->own_ticks = g_new0 (guint64, n_cpus);
  monitor->freq_scratch = g_new0 (float, n_cpus);
  monitor->freq_paths = g_new0 (char *, 2 * n_cpus + 1);
  for (guint c = 0; c < n_cpus; c++)
    {
      monitor->freq_paths[2 * c] =
        g_strdup_printf ("%s/sys/devices/system/cpu/cpu%u/cpufreq/scaling_cur_freq", monitor->root, c);
      monitor->freq_paths[2 * c + 1] =
        g_strdup_printf ("%s/sys/devices/system/cpu/cpu%u/cpufreq/cpuinfo_cur_freq", monitor->root, c);
    }
  return monitor;
}

void
lsc_cpu_monitor_free (LscCpuMonitor *monitor)
{
  if (monitor == NULL)
    return;

  lsc_cpu_monitor_stop (monitor);
  lsc_cpu_monitor_clear (monitor);
  g_ptr_array_unref (monitor->blocks);
  g_array_unref (monitor->own);
  g_clear_error (&monitor->thread_error);
  g_cond_clear (&monitor->wake);
  g_mutex_clear (&monitor->wake_lock);
  g_mutex_clear (&monitor->lock);
  g_strfreev (monitor->freq_paths);
  g_free (monitor->freq_scratch);
  g_free (monitor->own_ticks);
  g_free (monitor->prev_present);
  g_free (monitor->cur_present);
  g_free (monitor->prev_idle);
  g_free (monitor->prev_busy);
  g_free (monitor->cur_idle);
  g_free (monitor->cur_busy);
  g_free (monitor->buf);
  g_free (monitor->stat_path);
  g_free (monitor->root);
  g_free (monitor);
}

void
lsc_cpu_monitor_add_own_thread (LscCpuMonitor *monitor,
                                pid_t          tid)
{
  OwnThread t = { .tid = tid };

  g_return_if_fail (monitor != NULL);

  g_mutex_lock (&monitor->lock);
  for (guint i = 0; i < monitor->own->len; i++)
    if (g_array_index (monitor->own, OwnThread, i).tid == tid)
      {
        g_mutex_unlock (&monitor->lock);
        return;
      }
  g_array_append_val (monitor->own, t);
  g_mutex_unlock (&monitor->lock);
}

void
lsc_cpu_monitor_clear_own_threads (LscCpuMonitor *monitor)
{
  g_return_if_fail (monitor != NULL);

  g_mutex_lock (&monitor->lock);
  g_array_set_size (monitor->own, 0);
  g_mutex_unlock (&monitor->lock);
}

/* utime + stime (clock ticks, the unit of /proc/stat too) and the CPU the
 * thread last ran on, from ROOT/proc/self/task/TID/stat. FALSE when the
 * thread is gone or the line is malformed. */
static gboolean
read_thread_stat (const char *root,
                  pid_t       tid,
                  guint64    *ticks,
                  int        *cpu)
{
  char path[4096];
  char text[2048];
  const char *p;
  guint64 utime = 0, stime = 0;
  gint64 processor = -1;

  if (snprintf (path, sizeof path, "%s/proc/self/task/%d/stat", root, (int) tid) >= (int) sizeof path)
    return FALSE;
  if (read_small_file (path, text, sizeof text) <= 0)
    return FALSE;

  /* "TID (comm) S ppid ...": comm may hold spaces and parentheses, so the
   * fields start after the last ')'. The state is field 3; utime, stime
   * and processor are fields 14, 15 and 39. */
  p = strrchr (text, ')');
  if (p == NULL)
    return FALSE;
  p++;
  for (int field = 3; field <= 39; field++)
    {
      char *end;
      gint64 v;

      while (*p == ' ')
        p++;
      if (*p == '\0' || *p == '\n')
        return FALSE;
      if (field == 3)
        {
          while (*p != ' ' && *p != '\0')
            p++;
          continue;
        }
      v = g_ascii_strtoll (p, &end, 10);
      if (end == p)
        return FALSE;
      p = end;
      if (field == 14)
        utime = (guint64) MAX (v, 0);
      else if (field == 15)
        stime = (guint64) MAX (v, 0);
      else if (field == 39)
        processor = v;
    }
  *ticks = utime + stime;
  *cpu = (int) CLAMP (processor, -1, G_MAXINT);
  return TRUE;
}

/* kHz in sysfs to MHz; NAN where the machine has no cpufreq. */
static float
read_freq_mhz (LscCpuMonitor *monitor,
               guint          cpu)
{
  for (int k = 0; k < 2; k++)
    {
      char text[64];
      char *end;
      guint64 khz;

      if (read_small_file (monitor->freq_paths[2 * cpu + k], text, sizeof text) <= 0)
        continue;
      khz = g_ascii_strtoull (text, &end, 10);
      if (end != text && khz > 0)
        return (float) ((double) khz / 1000.0);
    }
  return NAN;
}

static Block *
block_new (guint n_cpus)
{
  Block *block = g_new0 (Block, 1);

  block->values = g_new0 (float, (gsize) BLOCK_SAMPLES * 4 * n_cpus);
  block->ticks = g_new0 (guint64, (gsize) BLOCK_SAMPLES * N_TICKS * n_cpus);
  for (guint i = 0; i < BLOCK_SAMPLES; i++)
    {
      float *v = block->values + (gsize) i * 4 * n_cpus;

      block->samples[i].util = v;
      block->samples[i].own = v + n_cpus;
      block->samples[i].other = v + 2 * n_cpus;
      block->samples[i].freq_mhz = v + 3 * n_cpus;
    }
  return block;
}

static void
block_free (Block *block)
{
  g_free (block->values);
  g_free (block->ticks);
  g_free (block);
}

/* Sample i's tick counts (N_TICKS * n_cpus); caller holds the lock. */
static guint64 *
sample_ticks (LscCpuMonitor *monitor,
              guint          i)
{
  Block *block = g_ptr_array_index (monitor->blocks, i / BLOCK_SAMPLES);

  return block->ticks + (gsize) (i % BLOCK_SAMPLES) * N_TICKS * monitor->n_cpus;
}

static LscCpuSample *
sample_at_index (LscCpuMonitor *monitor,
                 guint          i)
{
  Block *block = g_ptr_array_index (monitor->blocks, i / BLOCK_SAMPLES);

  return &block->samples[i % BLOCK_SAMPLES];
}

gboolean
lsc_cpu_monitor_sample_at (LscCpuMonitor *monitor,
                           gint64         t_ns,
                           GError       **error)
{
  guint n_cpus;
  LscCpuSample *sample;
  guint64 *ticks;
  gboolean baseline;

  g_return_val_if_fail (monitor != NULL, FALSE);
  n_cpus = monitor->n_cpus;

  if (!read_proc_stat (monitor, error))
    return FALSE;
  memset (monitor->cur_present, 0, n_cpus * sizeof (gboolean));
  if (parse_proc_stat (monitor->buf, store_cpu, monitor) == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "%s has no per-CPU (cpuN) lines", monitor->stat_path);
      return FALSE;
    }
  baseline = !monitor->have_baseline;
  if (!baseline)
    for (guint c = 0; c < n_cpus; c++)
      monitor->freq_scratch[c] = read_freq_mhz (monitor, c);

  g_mutex_lock (&monitor->lock);

  /* Own threads: each one's new ticks go to the CPU it last ran on. A
   * thread's first reading only sets its baseline. */
  memset (monitor->own_ticks, 0, n_cpus * sizeof (guint64));
  for (guint i = 0; i < monitor->own->len; i++)
    {
      OwnThread *t = &g_array_index (monitor->own, OwnThread, i);
      guint64 thread_ticks;
      int cpu;

      if (!read_thread_stat (monitor->root, t->tid, &thread_ticks, &cpu))
        {
          t->have_prev = FALSE;
          continue;
        }
      if (!baseline && t->have_prev && cpu >= 0 && (guint) cpu < n_cpus
          && thread_ticks >= t->prev_ticks)
        monitor->own_ticks[cpu] += thread_ticks - t->prev_ticks;
      t->prev_ticks = thread_ticks;
      t->have_prev = TRUE;
    }

  if (!baseline)
    {
      guint i = monitor->n_samples;

      if (i / BLOCK_SAMPLES >= monitor->blocks->len)
        g_ptr_array_add (monitor->blocks, block_new (n_cpus));
      sample = sample_at_index (monitor, i);
      ticks = sample_ticks (monitor, i);
      sample->t_ns = t_ns;
      sample->t_prev_ns = monitor->baseline_ns;
      for (guint c = 0; c < n_cpus; c++)
        {
          guint64 busy = 0, idle = 0, total;
          double util = 0.0, own = 0.0;

          /* Counters never run backwards, except iowait now and then: a
           * decrease counts as none. */
          if (monitor->cur_present[c] && monitor->prev_present[c])
            {
              if (monitor->cur_busy[c] > monitor->prev_busy[c])
                busy = monitor->cur_busy[c] - monitor->prev_busy[c];
              if (monitor->cur_idle[c] > monitor->prev_idle[c])
                idle = monitor->cur_idle[c] - monitor->prev_idle[c];
            }
          total = busy + idle;
          if (total > 0)
            {
              util = (double) busy / (double) total;
              own = MIN ((double) monitor->own_ticks[c] / (double) total, util);
            }
          sample->util[c] = (float) util;
          sample->own[c] = (float) own;
          sample->other[c] = (float) MAX (util - own, 0.0);
          sample->freq_mhz[c] = monitor->freq_scratch[c];
          ticks[TICKS_TOTAL * n_cpus + c] = total;
          ticks[TICKS_BUSY * n_cpus + c] = busy;
          ticks[TICKS_OWN * n_cpus + c] = monitor->own_ticks[c];
        }
      monitor->n_samples = i + 1;
    }

  g_mutex_unlock (&monitor->lock);

  /* This reading is the next one's baseline. */
  memcpy (monitor->prev_busy, monitor->cur_busy, n_cpus * sizeof (guint64));
  memcpy (monitor->prev_idle, monitor->cur_idle, n_cpus * sizeof (guint64));
  memcpy (monitor->prev_present, monitor->cur_present, n_cpus * sizeof (gboolean));
  monitor->baseline_ns = t_ns;
  monitor->have_baseline = TRUE;
  return TRUE;
}

gboolean
lsc_cpu_monitor_sample_now (LscCpuMonitor *monitor,
                            GError       **error)
{
  /* The time is taken before the reading: /proc/stat's counters are
   * current as of the read, a few microseconds later at most. */
  return lsc_cpu_monitor_sample_at (monitor, monotonic_ns (), error);
}

/* Samples every 1 / hz s on a fixed schedule (no drift from the time a
 * reading takes) until stop_requested; the timed wait on a condition lets
 * stop wake it at once. */
static gpointer
sampler_main (gpointer data)
{
  LscCpuMonitor *monitor = data;
  gint64 period_us = (gint64) (1e6 / monitor->hz);
  gint64 next = g_get_monotonic_time () + period_us;

  g_mutex_lock (&monitor->wake_lock);
  while (!monitor->stop_requested)
    {
      GError *error = NULL;
      gboolean ok;
      gint64 now;

      if (g_cond_wait_until (&monitor->wake, &monitor->wake_lock, next))
        continue; /* signalled (or spurious): check the flag, wait again */
      if (monitor->stop_requested)
        break;

      g_mutex_unlock (&monitor->wake_lock);
      ok = lsc_cpu_monitor_sample_now (monitor, &error);
      g_mutex_lock (&monitor->wake_lock);
      if (!ok)
        {
          monitor->thread_error = error;
          break;
        }
      /* Ticks missed while the machine was too busy to run us are skipped,
       * not caught up with a burst. */
      next += period_us;
      now = g_get_monotonic_time ();
      if (next <= now)
        next = now + period_us;
    }
  g_mutex_unlock (&monitor->wake_lock);
  return NULL;
}

gboolean
lsc_cpu_monitor_start (LscCpuMonitor *monitor,
                       GError       **error)
{
  g_return_val_if_fail (monitor != NULL, FALSE);
  g_return_val_if_fail (monitor->thread == NULL, FALSE);

  g_clear_error (&monitor->thread_error);
  monitor->have_baseline = FALSE;
  if (!lsc_cpu_monitor_sample_now (monitor, error))
    return FALSE;

  monitor->stop_requested = FALSE;
  monitor->thread = g_thread_try_new ("lsc-cpu-monitor", sampler_main, monitor, error);
  return monitor->thread != NULL;
}

void
lsc_cpu_monitor_stop (LscCpuMonitor *monitor)
{
  g_return_if_fail (monitor != NULL);

  if (monitor->thread == NULL)
    return;
  g_mutex_lock (&monitor->wake_lock);
  monitor->stop_requested = TRUE;
  g_cond_signal (&monitor->wake);
  g_mutex_unlock (&monitor->wake_lock);
  g_thread_join (monitor->thread);
  monitor->thread = NULL;
}

gboolean
lsc_cpu_monitor_is_running (LscCpuMonitor *monitor)
{
  g_return_val_if_fail (monitor != NULL, FALSE);

  return monitor->thread != NULL;
}

const GError *
lsc_cpu_monitor_get_error (LscCpuMonitor *monitor)
{
  const GError *error;

  g_return_val_if_fail (monitor != NULL, NULL);

  g_mutex_lock (&monitor->wake_lock);
  error = monitor->thread_error;
  g_mutex_unlock (&monitor->wake_lock);
  return error;
}

guint
lsc_cpu_monitor_get_n_cpus (LscCpuMonitor *monitor)
{
  g_return_val_if_fail (monitor != NULL, 0);

  return monitor->n_cpus;
}

double
lsc_cpu_monitor_get_hz (LscCpuMonitor *monitor)
{
  g_return_val_if_fail (monitor != NULL, 0.0);

  return monitor->hz;
}

guint
lsc_cpu_monitor_get_n_samples (LscCpuMonitor *monitor)
{
  guint n;

  g_return_val_if_fail (monitor != NULL, 0);

  g_mutex_lock (&monitor->lock);
  n = monitor->n_samples;
  g_mutex_unlock (&monitor->lock);
  return n;
}

const LscCpuSample *
lsc_cpu_monitor_get_sample (LscCpuMonitor *monitor,
                            guint          i)
{
  const LscCpuSample *sample = NULL;

  g_return_val_if_fail (monitor != NULL, NULL);

  g_mutex_lock (&monitor->lock);
  if (i < monitor->n_samples)
    sample = sample_at_index (monitor, i);
  g_mutex_unlock (&monitor->lock);
  g_return_val_if_fail (sample != NULL, NULL);
  return sample;
}

void
lsc_cpu_monitor_clear (LscCpuMonitor *monitor)
{
  g_return_if_fail (monitor != NULL);
  g_return_if_fail (monitor->thread == NULL);

  g_mutex_lock (&monitor->lock);
  for (guint i = 0; i < monitor->blocks->len; i++)
    block_free (g_ptr_array_index (monitor->blocks, i));
  g_ptr_array_set_size (monitor->blocks, 0);
  monitor->n_samples = 0;
  g_mutex_unlock (&monitor->lock);
}

static gboolean
cpu_selected (int        cpu,
              const int *cpus,
              guint      n_cpus)
{
  if (cpus == NULL)
    return TRUE;
  for (guint i = 0; i < n_cpus; i++)
    if (cpus[i] == cpu)
      return TRUE;
  return FALSE;
}

static void
add_ticks (guint64       *sum,
           const guint64 *ticks,
           guint          n_cpus)
{
  for (guint k = 0; k < N_TICKS * n_cpus; k++)
    sum[k] += ticks[k];
}

void
lsc_cpu_monitor_interference (LscCpuMonitor   *monitor,
                              gint64           t0_ns,
                              gint64           t1_ns,
                              const int       *cpus,
                              guint            n_cpus,
                              LscInterference *out)
{
  guint64 *sum;
  guint n = 0;
  guint best = G_MAXUINT;
  gint64 best_overlap = -1;
  double max_other = 0.0;
  int max_cpu = -1;

  g_return_if_fail (out != NULL);
  memset (out, 0, sizeof *out);
  out->cpu = -1;
  g_return_if_fail (monitor != NULL);

  sum = g_new0 (guint64, (gsize) N_TICKS * monitor->n_cpus);

  g_mutex_lock (&monitor->lock);
  for (guint i = 0; i < monitor->n_samples; i++)
    {
      const LscCpuSample *s = sample_at_index (monitor, i);
      gint64 mid = s->t_prev_ns + (s->t_ns - s->t_prev_ns) / 2;

      if (mid >= t0_ns && mid <= t1_ns)
        {
          add_ticks (sum, sample_ticks (monitor, i), monitor->n_cpus);
          n++;
        }
    }
  if (n == 0)
    {
      /* The window is shorter than a period: the sample that overlaps it
       * most stands for it. */
      for (guint i = 0; i < monitor->n_samples; i++)
        {
          const LscCpuSample *s = sample_at_index (monitor, i);
          gint64 overlap = MIN (s->t_ns, t1_ns) - MAX (s->t_prev_ns, t0_ns);

          if (overlap >= 0 && overlap > best_overlap)
            {
              best_overlap = overlap;
              best = i;
            }
        }
      if (best != G_MAXUINT)
        {
          add_ticks (sum, sample_ticks (monitor, best), monitor->n_cpus);
          n++;
        }
    }
  g_mutex_unlock (&monitor->lock);

  out->n_samples = n;
  if (n == 0)
    {
      g_snprintf (out->reason, sizeof out->reason,
                  "no CPU samples in the window, other processes' load unknown");
      g_free (sum);
      return;
    }

  for (guint c = 0; c < monitor->n_cpus; c++)
    {
      guint64 total = sum[TICKS_TOTAL * monitor->n_cpus + c];
      double other;

      if (!cpu_selected ((int) c, cpus, n_cpus))
        continue;
      other = total > 0
        ? ((double) sum[TICKS_BUSY * monitor->n_cpus + c] - (double) sum[TICKS_OWN * monitor->n_cpus + c])
          / (double) total
        : 0.0;
      other = CLAMP (other, 0.0, 1.0);
      if (max_cpu < 0 || other > max_other)
        {
          max_other = other;
          max_cpu = (int) c;
        }
    }
  g_free (sum);

  out->max_other = max_other;
  out->cpu = max_cpu;
  out->flagged = max_cpu >= 0 && max_other > monitor->threshold;
  if (max_cpu < 0)
    g_snprintf (out->reason, sizeof out->reason, "none of the given CPUs is on this machine");
  else if (out->flagged)
    g_snprintf (out->reason, sizeof out->reason,
                "CPU %d was %.0f %% busy with other processes", max_cpu, 100.0 * max_other);
  else
    g_snprintf (out->reason, sizeof out->reason,
                "other processes kept no CPU more than %.0f %% busy (at most %.0f %%, CPU %d)",
                100.0 * monitor->threshold, 100.0 * max_other, max_cpu);
}
