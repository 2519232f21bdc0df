#pragma once

/* Hardware performance counters for the profiler: cycles, instructions and
 * cache / TLB misses of one thread, read as running totals so that the
 * profiler attributes the difference between two reads to whatever ran in
 * between (a layer) and sums it across runs.
 *
 * A backend says once, when it is created, which counters it can count
 * (the mask) and, for every one it cannot, why. Counters are often not
 * there at all (virtual machines expose no PMU; perf_event_paranoid can
 * forbid them), so "unavailable, because …" is an ordinary outcome that the
 * report and the window show, never an error that stops a profile.
 *
 * Backends:
 *  - perf: perf_event_open(2) with events named through libpfm4, user space
 *    only (exclude_kernel), so perf_event_paranoid 2 (the usual default)
 *    suffices on a real machine;
 *  - fake: every counter, values computed from the thread's CPU time at
 *    fixed rates (below), for tests and demonstrations without a PMU;
 *  - off: nothing, on purpose, with the caller's reason. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LSC_COUNTER_CYCLES,
  LSC_COUNTER_INSTRUCTIONS,
  LSC_COUNTER_L1D_MISSES,   /* L1 data cache read misses */
  LSC_COUNTER_L2_MISSES,    /* L2 misses of core requests (host PMU event) */
  LSC_COUNTER_LLC_MISSES,   /* last-level cache read misses */
  LSC_COUNTER_DTLB_MISSES,  /* data TLB read misses */
  LSC_N_COUNTERS
} LscCounter;

#define LSC_COUNTER_MASK_ALL ((guint32) ((1u << LSC_N_COUNTERS) - 1))

/* "cycles", "instructions", "l1d-misses", "l2-misses", "llc-misses",
 * "dtlb-misses"; NULL for a value out of range. */
const char *lsc_counter_to_string   (LscCounter   c);
/* The reverse; FALSE for an unknown name. */
gboolean    lsc_counter_from_string (const char  *name,
                                     LscCounter  *out);

/* The fake backend's rates, in counts per nanosecond of the thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID since the thread's counters were opened):
 *   cycles 3, instructions 6, l1d-misses 1/50, l2-misses 1/200,
 *   llc-misses 1/1000, dtlb-misses 1/2000.
 * A read returns floor (ns * rate) for each counter. */
double      lsc_counter_fake_rate   (LscCounter   c);

typedef struct _LscCounterBackend LscCounterBackend;

/* A backend is immutable once created: any thread may open its counters,
 * concurrently. */

/* Chosen by the environment variable LSC_COUNTERS: "perf" (the default,
 * also when unset or empty), "fake" or "off". Any other value gives an off
 * backend whose reason names the value and the choices. Never NULL. */
LscCounterBackend *lsc_counter_backend_new_default (void);
/* Probes, once and here, which counters this machine gives this process:
 * every event is opened on the calling thread and closed again. */
LscCounterBackend *lsc_counter_backend_new_perf    (void);
LscCounterBackend *lsc_counter_backend_new_fake    (void);
/* Unavailable on purpose; reason NULL means "hardware counters are off". */
LscCounterBackend *lsc_counter_backend_new_off     (const char *reason);
void               lsc_counter_backend_free        (LscCounterBackend *b);

/* "perf_event + libpfm4 4.13" (or "perf_event (built without libpfm4)"),
 * "fake", "off". */
const char *lsc_counter_backend_get_name         (LscCounterBackend *b);
/* At least one counter is counted. */
gboolean    lsc_counter_backend_is_available     (LscCounterBackend *b);
/* Why some or all counters are not counted, for the report and the window;
 * NULL when every counter is. With none available, the one reason that
 * applies (e.g. "perf_event_open: no hardware PMU is exposed (this looks
 * like a virtual machine: ENOENT for PERF_TYPE_HARDWARE cycles)"); with some
 * available, "name: reason" for each missing one, joined by "; ". */
const char *lsc_counter_backend_get_reason       (LscCounterBackend *b);
/* Bit c set: counter c is counted. */
guint32     lsc_counter_backend_get_mask         (LscCounterBackend *b);
/* The event counted for c, in libpfm4 notation ("perf::PERF_COUNT_HW_CPU_CYCLES",
 * "amd64_fam19h_zen4::CORE_TO_L2_CACHEABLE_REQUEST_ACCESS_STATUS:LS_RD_BLK_C:IC_FILL_MISS"),
 * or NULL when c is not counted. */
const char *lsc_counter_backend_get_event        (LscCounterBackend *b,
                                                  LscCounter         c);
/* Why c is not counted, or NULL when it is. */
const char *lsc_counter_backend_get_absent_reason (LscCounterBackend *b,
                                                   LscCounter         c);
/* A few lines for `layerscope probe` / `profile` and the window, each
 * ending in a newline: the backend and how many counters it counts, the
 * reason when none is counted, a note (perf_event_paranoid), then one line
 * per counter with its event or why it is absent. Free with g_free. */
char       *lsc_counter_backend_describe         (LscCounterBackend *b);

typedef struct _LscCounterThread LscCounterThread;

/* Opens the backend's counters for the CALLING thread (the profiler calls it
 * on every worker through lsc_thread_pool_run_on_each); they count that
 * thread only, in user space, wherever it runs. With no counter available
 * this returns a handle whose reads are all 0 and never fails. It fails
 * (LSC_ENGINE_ERROR_FAILED, naming the event and the cause) only when an
 * event that the probe could open cannot be opened now, e.g. out of file
 * descriptors. */
LscCounterThread *lsc_counter_backend_open_thread (LscCounterBackend  *b,
                                                   GError            **error);
/* From any thread; the backend must outlive its threads. */
void     lsc_counter_thread_close          (LscCounterThread *t);

/* HOT PATH: the totals since open into values[LSC_N_COUNTERS], scaled for
 * multiplexing (value * time_enabled / time_running); a counter not in the
 * mask reads 0. No allocation, no lock, one read(2) per event group (one
 * group when the events fit the PMU together). Successive reads never
 * decrease, even where scaling estimates jitter, so differences between
 * reads are never negative. Reads of one handle must not run
 * concurrently; reading from a thread other than the opener is allowed. */
void     lsc_counter_thread_read           (LscCounterThread *t,
                                            guint64           values[LSC_N_COUNTERS]);
/* Some read so far saw time_running < time_enabled: the PMU was shared over
 * time and the values are estimates. */
gboolean lsc_counter_thread_was_multiplexed (LscCounterThread *t);

/* The value of /proc/sys/kernel/perf_event_paranoid, or
 * LSC_PARANOID_UNKNOWN when it cannot be read (-1 is a real setting). */
#define LSC_PARANOID_UNKNOWN G_MININT
int      lsc_counter_read_paranoid         (void);
/* The reason text for perf_event_open having failed with errno errsv on
 * event (e.g. "PERF_TYPE_HARDWARE cycles") when perf_event_paranoid is
 * paranoid (or LSC_PARANOID_UNKNOWN): says what is missing and, where a
 * setting can change it, which one. Free with g_free. */
char    *lsc_counter_explain_open_error    (int         errsv,
                                            int         paranoid,
                                            const char *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscCounterBackend, lsc_counter_backend_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscCounterThread, lsc_counter_thread_close)

G_END_DECLS
