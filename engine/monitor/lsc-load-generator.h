#pragma once

/* Background load for jitter experiments: threads pinned to chosen CPUs
 * that keep them busy (a tight arithmetic loop) or eat memory bandwidth
 * (streaming over buffers several times the L3 size), started and stopped
 * around profiled runs to see how the timings react. */

#include <glib.h>
#include <hwloc.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef enum
{
  LSC_LOAD_CPU,    /* integer and floating-point arithmetic in registers */
  LSC_LOAD_MEMORY, /* reads and writes streamed over a buffer far larger than L3 */
} LscLoadKind;

#define LSC_LOAD_MAX_CPUS 64

typedef struct
{
  LscLoadKind kind;
  guint       n_cpus;
  int         cpus[LSC_LOAD_MAX_CPUS];  /* OS CPU numbers (as in /proc/stat), no repeats */
} LscLoadSpec;

/* "KIND:CPUS" with KIND "cpu" or "mem" and CPUS a comma-separated list of
 * CPU numbers and ranges ("0,2-3") or "all" (every CPU this process may
 * run on): "cpu:1", "cpu:0,1", "cpu:all", "mem:1", "mem:0-1". Repeats are
 * dropped, the order is kept. Errors (LSC_ENGINE_ERROR_BAD_CONFIG) name
 * what is wrong: unknown kind, a CPU not on this machine, an empty list,
 * more than LSC_LOAD_MAX_CPUS CPUs, a malformed number or range. */
gboolean lsc_load_spec_parse    (const char          *text,
                                 LscLoadSpec         *out,
                                 GError             **error);
/* The same against a given set of available CPUs (OS indices) instead of
 * this machine's (tests). */
gboolean lsc_load_spec_parse_on (const char          *text,
                                 hwloc_const_bitmap_t available,
                                 LscLoadSpec         *out,
                                 GError             **error);
/* "cpu:0-2,5": parseable again into the same spec. */
char    *lsc_load_spec_to_string (const LscLoadSpec  *spec);

typedef struct _LscLoadGenerator LscLoadGenerator;

/* Checks the spec (at least one CPU, each < CPU_SETSIZE); starts nothing. */
LscLoadGenerator *lsc_load_generator_new   (const LscLoadSpec *spec,
                                            GError           **error);
/* Stops first; frees the memory buffers. */
void              lsc_load_generator_free  (LscLoadGenerator  *generator);

/* One thread per CPU of the spec, pinned to it (sched_setaffinity),
 * loading it until stop. Returns once every thread is pinned and running
 * (so the tids are known); when a thread cannot be pinned, the others are
 * stopped and the error names the CPU. Start and stop may alternate any
 * number of times; the memory buffers are allocated by each thread on its
 * first start (first touch: on its own NUMA node) and kept until free. */
gboolean          lsc_load_generator_start (LscLoadGenerator  *generator,
                                            GError           **error);
/* Raises the stop flag and joins the threads; they check it at least every
 * few microseconds (CPU) or every 256 KiB streamed (memory). */
void              lsc_load_generator_stop  (LscLoadGenerator  *generator);
gboolean          lsc_load_generator_is_running (LscLoadGenerator *generator);

guint             lsc_load_generator_get_n_threads (LscLoadGenerator *generator);
/* Kernel thread ids of the running threads, in spec order; valid while
 * started (NULL otherwise). */
const pid_t      *lsc_load_generator_get_tids      (LscLoadGenerator *generator);
/* Bytes each memory-kind thread streams over: 4 x the L3 cache covering
 * its CPU (hwloc), 64 MiB where hwloc knows no L3; 0 for the CPU kind. */
gsize             lsc_load_generator_get_buffer_size (LscLoadGenerator *generator);
/* Memory kind: bytes read by all threads since new (as many were
 * written), over all starts; how hard the hog pushed. 0 for the CPU kind. */
guint64           lsc_load_generator_get_bytes_streamed (LscLoadGenerator *generator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscLoadGenerator, lsc_load_generator_free)

G_END_DECLS
