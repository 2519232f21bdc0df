/* For sched_setaffinity, CPU_SET and pthread_setname_np. */
#define _GNU_SOURCE

#include "lsc-load-generator.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/lsc-error.h"

/* Memory kind: the buffer is this many times the L3 covering the CPU, so
 * that nearly every access misses the cache; with no L3 known, a size well
 * above any desktop L3. */
#define BUFFER_L3_FACTOR  4
#define BUFFER_FALLBACK   ((gsize) 64 << 20)
#define BUFFER_MIN        ((gsize) 16 << 20)
#define BUFFER_MAX        ((gsize) 1 << 30)
/* Words streamed between two looks at the stop flag: 256 KiB, tens of
 * microseconds even at a few GB/s. */
#define CHUNK_WORDS       (256 * 1024 / sizeof (guint64))
/* Iterations of the arithmetic loop between two looks: a few
 * microseconds. */
#define CPU_INNER         4096

typedef struct
{
  LscLoadGenerator *generator;
  guint             index;
  int               cpu;
  pthread_t         thread;
  gboolean          created;
  guint64          *buffer;      /* memory kind: allocated by the thread on its first start */
  gsize             n_words;
  double            sink;        /* keeps the arithmetic from being optimised away */
  atomic_uint_fast64_t streamed; /* memory kind: bytes read (and as many written) so far */
} Worker;

struct _LscLoadGenerator
{
  LscLoadSpec  spec;
  gsize        buffer_size;
  Worker      *workers;
  pid_t       *tids;
  gboolean     running;
  atomic_int   stop;

  /* Start waits until every thread is pinned and loading (or failed). */
  GMutex       lock;
  GCond        cond;
  guint        n_ready;
  int          failed_cpu;       /* -1: none */
  int          failed_errno;
  const char  *failed_what;
};

/* ---- spec ---- */

static gboolean
machine_cpus (hwloc_bitmap_t  out,
              GError        **error)
{
  hwloc_topology_t topology;

  if (hwloc_topology_init (&topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not initialise the hwloc topology: %s", g_strerror (errno));
      return FALSE;
    }
  if (hwloc_topology_load (topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not read this machine's topology with hwloc: %s", g_strerror (errno));
      hwloc_topology_destroy (topology);
      return FALSE;
    }
  /* The CPUs this process may use (its cgroup's), not the caller thread's
   * current binding. */
  hwloc_bitmap_copy (out, hwloc_topology_get_allowed_cpuset (topology));
  hwloc_topology_destroy (topology);
  return TRUE;
}

gboolean
lsc_load_spec_parse (const char  *text,
                     LscLoadSpec *out,
                     GError     **error)
{
  hwloc_bitmap_t available = hwloc_bitmap_alloc ();
  gboolean ok;

  ok = machine_cpus (available, error)
    && lsc_load_spec_parse_on (text, available, out, error);
  hwloc_bitmap_free (available);
  return ok;
}

static gboolean
add_cpu (LscLoadSpec         *spec,
         gint64               cpu,
         hwloc_const_bitmap_t available,
         const char          *text,
         GError             **error)
{
  if (cpu > G_MAXINT || !hwloc_bitmap_isset (available, (unsigned) cpu))
    {
      char *list = NULL;

      hwloc_bitmap_list_asprintf (&list, available);
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load spec '%s': CPU %" G_GINT64_FORMAT " is not on this machine (CPUs %s)",
                   text, cpu, list != NULL ? list : "?");
      free (list);
      return FALSE;
    }
  for (guint i = 0; i < spec->n_cpus; i++)
    if (spec->cpus[i] == cpu)
      return TRUE;
  if (spec->n_cpus == LSC_LOAD_MAX_CPUS)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load spec '%s' names more than %d CPUs", text, LSC_LOAD_MAX_CPUS);
      return FALSE;
    }
  spec->cpus[spec->n_cpus++] = (int) cpu;
  return TRUE;
}

/* A non-negative decimal number filling all of s. */
static gboolean
parse_cpu_number (const char *s,
                  gint64     *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

gboolean
lsc_load_spec_parse_on (const char          *text,
                        hwloc_const_bitmap_t available,
                        LscLoadSpec         *out,
                        GError             **error)
{
  g_autofree char *kind = NULL;
  g_auto (GStrv) items = NULL;
  const char *colon;
  const char *list;
  LscLoadSpec spec = { 0 };

  g_return_val_if_fail (available != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || text[0] == '\0')
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "empty load spec (expected KIND:CPUS, e.g. cpu:0,1 or mem:all)");
      return FALSE;
    }
  colon = strchr (text, ':');
  if (colon == NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load spec '%s' has no CPU list (expected KIND:CPUS, e.g. cpu:0,1 or mem:all)",
                   text);
      return FALSE;
    }

  kind = g_strstrip (g_strndup (text, colon - text));
  if (g_ascii_strcasecmp (kind, "cpu") == 0)
    spec.kind = LSC_LOAD_CPU;
  else if (g_ascii_strcasecmp (kind, "mem") == 0 || g_ascii_strcasecmp (kind, "memory") == 0)
    spec.kind = LSC_LOAD_MEMORY;
  else
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load spec '%s': unknown kind '%s' (expected cpu or mem)", text, kind);
      return FALSE;
    }

  list = colon + 1;
  while (g_ascii_isspace (*list))
    list++;
  if (*list == '\0')
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load spec '%s': empty CPU list (expected e.g. 0,1 or 0-3 or all)", text);
      return FALSE;
    }

  items = g_strsplit (list, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *dash;
      gint64 first, last;

      if (g_ascii_strcasecmp (item, "all") == 0)
        {
          int cpu;

          if (hwloc_bitmap_iszero (available))
            {
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "load spec '%s': no CPU is available", text);
              return FALSE;
            }
          hwloc_bitmap_foreach_begin (cpu, available)
            {
              if (!add_cpu (&spec, cpu, available, text, error))
                return FALSE;
            }
          hwloc_bitmap_foreach_end ();
          continue;
        }
      if (item[0] == '\0')
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "load spec '%s': empty item in the CPU list", text);
          return FALSE;
        }

      dash = strchr (item, '-');
      if (dash != NULL)
        {
          *dash = '\0';
          if (!parse_cpu_number (g_strstrip (item), &first)
              || !parse_cpu_number (g_strstrip (dash + 1), &last) || first > last)
            {
              *dash = '-';
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "load spec '%s': '%s' is not a CPU range (expected e.g. 0-3)",
                           text, item);
              return FALSE;
            }
        }
      else
        {
          if (!parse_cpu_number (item, &first))
            {
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "load spec '%s': '%s' is not a CPU number", text, item);
              return FALSE;
            }
          last = first;
        }
      for (gint64 cpu = first; cpu <= last; cpu++)
        if (!add_cpu (&spec, cpu, available, text, error))
          return FALSE;
    }

  *out = spec;
  return TRUE;
}

char *
lsc_load_spec_to_string (const LscLoadSpec *spec)
{
  GString *s;

  g_return_val_if_fail (spec != NULL, NULL);

  s = g_string_new (spec->kind == LSC_LOAD_MEMORY ? "mem:" : "cpu:");
  for (guint i = 0; i < spec->n_cpus;)
    {
      guint j = i;

      /* Runs of consecutive ascending numbers become ranges. */
      while (j + 1 < spec->n_cpus && spec->cpus[j + 1] == spec->cpus[j] + 1)
        j++;
      if (i > 0)
        g_string_append_c (s, ',');
      if (j == i)
        g_string_append_printf (s, "%d", spec->cpus[i]);
      else
        g_string_append_printf (s, "%d-%d", spec->cpus[i], spec->cpus[j]);
      i = j + 1;
    }
  return g_string_free (s, FALSE);
}

/* ---- generator ---- */

/* 4 x the largest L3 that covers one of the spec's CPUs. */
static gsize
memory_buffer_size (const LscLoadSpec *spec)
{
  hwloc_topology_t topology;
  guint64 l3 = 0;
  gsize size;

  if (hwloc_topology_init (&topology) < 0)
    return BUFFER_FALLBACK;
  if (hwloc_topology_load (topology) < 0)
    {
      hwloc_topology_destroy (topology);
      return BUFFER_FALLBACK;
    }
  for (guint i = 0; i < spec->n_cpus; i++)
    {
      hwloc_obj_t obj = hwloc_get_pu_obj_by_os_index (topology, (unsigned) spec->cpus[i]);

      for (; obj != NULL; obj = obj->parent)
        if (obj->type == HWLOC_OBJ_L3CACHE && obj->attr != NULL)
          {
            l3 = MAX (l3, obj->attr->cache.size);
            break;
          }
    }
  hwloc_topology_destroy (topology);

  if (l3 == 0)
    return BUFFER_FALLBACK;
  size = (gsize) MIN (l3 * BUFFER_L3_FACTOR, (guint64) BUFFER_MAX);
  return MAX (size, BUFFER_MIN);
}

LscLoadGenerator *
lsc_load_generator_new (const LscLoadSpec *spec,
                        GError           **error)
{
  LscLoadGenerator *generator;

  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->n_cpus == 0 || spec->n_cpus > LSC_LOAD_MAX_CPUS)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load generator: %u CPUs (expected 1 .. %d)", spec->n_cpus, LSC_LOAD_MAX_CPUS);
      return NULL;
    }
  for (guint i = 0; i < spec->n_cpus; i++)
    if (spec->cpus[i] < 0 || spec->cpus[i] >= CPU_SETSIZE)
      {
        g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                     "load generator: CPU %d is outside 0 .. %d", spec->cpus[i], CPU_SETSIZE - 1);
        return NULL;
      }
  if (spec->kind != LSC_LOAD_CPU && spec->kind != LSC_LOAD_MEMORY)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "load generator: unknown load kind %d", (int) spec->kind);
      return NULL;
    }

  generator = g_new0 (LscLoadGenerator, 1);
  generator->spec = *spec;
  generator->workers = g_new0 (Worker, spec->n_cpus);
  generator->tids = g_new0 (pid_t, spec->n_cpus);
  g_mutex_init (&generator->lock);
  g_cond_init (&generator->cond);
  for (guint i = 0; i < spec->n_cpus; i++)
    {
      generator->workers[i].generator = generator;
      generator->workers[i].index = i;
      generator->workers[i].cpu = spec->cpus[i];
    }
  if (spec->kind == LSC_LOAD_MEMORY)
    generator->buffer_size = memory_buffer_size (spec);
  return generator;
}

void
lsc_load_generator_free (LscLoadGenerator *generator)
{
  if (generator == NULL)
    return;

  lsc_load_generator_stop (generator);
  for (guint i = 0; i < generator->spec.n_cpus; i++)
    free (generator->workers[i].buffer);
  g_cond_clear (&generator->cond);
  g_mutex_clear (&generator->lock);
  g_free (generator->tids);
  g_free (generator->workers);
  g_free (generator);
}

static inline gboolean
should_stop (LscLoadGenerator *generator)
{
  return atomic_load_explicit (&generator->stop, memory_order_relaxed) != 0;
}

/* Four independent floating-point chains and an integer xorshift, so the
 * core's FP and integer units are both kept busy (and an SMT sibling feels
 * it). Every chain converges to a fixed point: no overflow, no subnormals
 * (which would slow the loop and change its character). */
static void
cpu_loop (Worker *worker)
{
  LscLoadGenerator *generator = worker->generator;
  double a = 1.0, b = 2.0, c = 3.0, d = 4.0;
  guint64 h = 0x9E3779B97F4A7C15u ^ (guint64) worker->cpu;

  while (!should_stop (generator))
    for (int i = 0; i < CPU_INNER; i++)
      {
        a = a * 0.999 + 1.0;
        b = b * 0.998 + 2.0;
        c = c * 0.997 + 3.0;
        d = d * 0.996 + 4.0;
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
      }
  worker->sink = a + b + c + d + (double) (h & 0xff);
}

/* Reads and writes every word of the buffer over and over: a streaming
 * load and store per 8 bytes, far beyond the caches. */
static void
memory_loop (Worker *worker)
{
  LscLoadGenerator *generator = worker->generator;
  guint64 *buffer = worker->buffer;
  gsize n_words = worker->n_words;
  gsize pos = 0;
  guint64 pass = 1;

  while (!should_stop (generator))
    {
      gsize end = MIN (pos + CHUNK_WORDS, n_words);

      for (gsize j = pos; j < end; j++)
        buffer[j] += pass;
      /* Only this thread writes it; readers want a rough figure. */
      atomic_store_explicit (&worker->streamed,
                             atomic_load_explicit (&worker->streamed, memory_order_relaxed)
                             + (end - pos) * sizeof (guint64),
                             memory_order_relaxed);
      pos = end;
      if (pos == n_words)
        {
          pos = 0;
          pass++;
        }
    }
  worker->sink = (double) buffer[0];
}

static void
report (LscLoadGenerator *generator,
        Worker           *worker,
        pid_t             tid,
        const char       *failed_what,
        int               failed_errno)
{
  g_mutex_lock (&generator->lock);
  generator->tids[worker->index] = tid;
  if (failed_what != NULL && generator->failed_cpu < 0)
    {
      generator->failed_cpu = worker->cpu;
      generator->failed_what = failed_what;
      generator->failed_errno = failed_errno;
    }
  generator->n_ready++;
  g_cond_broadcast (&generator->cond);
  g_mutex_unlock (&generator->lock);
}

static void *
worker_main (void *data)
{
  Worker *worker = data;
  LscLoadGenerator *generator = worker->generator;
  pid_t tid = (pid_t) syscall (SYS_gettid);
  cpu_set_t set;

  CPU_ZERO (&set);
  CPU_SET (worker->cpu, &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    {
      report (generator, worker, tid, "cannot pin a load thread to", errno);
      return NULL;
    }

  if (generator->spec.kind == LSC_LOAD_MEMORY && worker->buffer == NULL)
    {
      void *buffer = NULL;

      /* Touched here, after pinning: the pages come from this CPU's NUMA
       * node. */
      if (posix_memalign (&buffer, 4096, generator->buffer_size) != 0)
        {
          report (generator, worker, tid, "cannot allocate the load buffer for", ENOMEM);
          return NULL;
        }
      memset (buffer, 0, generator->buffer_size);
      worker->buffer = buffer;
      worker->n_words = generator->buffer_size / sizeof (guint64);
    }

  report (generator, worker, tid, NULL, 0);

  if (generator->spec.kind == LSC_LOAD_MEMORY)
    memory_loop (worker);
  else
    cpu_loop (worker);
  return NULL;
}

static void
join_all (LscLoadGenerator *generator)
{
  atomic_store_explicit (&generator->stop, 1, memory_order_relaxed);
  for (guint i = 0; i < generator->spec.n_cpus; i++)
    if (generator->workers[i].created)
      {
        pthread_join (generator->workers[i].thread, NULL);
        generator->workers[i].created = FALSE;
      }
}

gboolean
lsc_load_generator_start (LscLoadGenerator *generator,
                          GError          **error)
{
  guint n = 0;
  int failed_cpu;

  g_return_val_if_fail (generator != NULL, FALSE);
  g_return_val_if_fail (!generator->running, FALSE);

  atomic_store_explicit (&generator->stop, 0, memory_order_relaxed);
  generator->n_ready = 0;
  generator->failed_cpu = -1;
  memset (generator->tids, 0, generator->spec.n_cpus * sizeof (pid_t));

  for (; n < generator->spec.n_cpus; n++)
    {
      Worker *worker = &generator->workers[n];
      int err = pthread_create (&worker->thread, NULL, worker_main, worker);
      char name[16];

      if (err != 0)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                       "cannot start a load thread for CPU %d: %s", worker->cpu, g_strerror (err));
          break;
        }
      worker->created = TRUE;
      g_snprintf (name, sizeof name, "lsc-load-%d", worker->cpu);
      pthread_setname_np (worker->thread, name);
    }

  /* Wait for the threads that did start, so none is left half-way. */
  g_mutex_lock (&generator->lock);
  while (generator->n_ready < n)
    g_cond_wait (&generator->cond, &generator->lock);
  failed_cpu = generator->failed_cpu;
  g_mutex_unlock (&generator->lock);

  if (n < generator->spec.n_cpus || failed_cpu >= 0)
    {
      if (n == generator->spec.n_cpus)
        g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                     "%s CPU %d: %s", generator->failed_what, failed_cpu,
                     g_strerror (generator->failed_errno));
      join_all (generator);
      return FALSE;
    }
  generator->running = TRUE;
  return TRUE;
}

void
lsc_load_generator_stop (LscLoadGenerator *generator)
{
  g_return_if_fail (generator != NULL);

  if (!generator->running)
    return;
  join_all (generator);
  generator->running = FALSE;
}

gboolean
lsc_load_generator_is_running (LscLoadGenerator *generator)
{
  g_return_val_if_fail (generator != NULL, FALSE);

  return generator->running;
}

guint
lsc_load_generator_get_n_threads (LscLoadGenerator *generator)
{
  g_return_val_if_fail (generator != NULL, 0);

  return generator->spec.n_cpus;
}

const pid_t *
lsc_load_generator_get_tids (LscLoadGenerator *generator)
{
  g_return_val_if_fail (generator != NULL, NULL);

  return generator->running ? generator->tids : NULL;
}

gsize
lsc_load_generator_get_buffer_size (LscLoadGenerator *generator)
{
  g_return_val_if_fail (generator != NULL, 0);

  return generator->buffer_size;
}

guint64
lsc_load_generator_get_bytes_streamed (LscLoadGenerator *generator)
{
  guint64 total = 0;

  g_return_val_if_fail (generator != NULL, 0);

  for (guint i = 0; i < generator->spec.n_cpus; i++)
    total += atomic_load_explicit (&generator->workers[i].streamed, memory_order_relaxed);
  return total;
}
