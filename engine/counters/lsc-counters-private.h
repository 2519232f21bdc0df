#pragma once

/* What the backends share, and the hooks the tests use to reach the perf
 * backend's code on machines without a PMU. Not for the rest of the engine. */

#include "counters/lsc-counters.h"

G_BEGIN_DECLS

struct _LscCounterThread
{
  /* The backend's: fills all LSC_N_COUNTERS values. */
  void   (*read)  (LscCounterThread *t,
                   guint64           values[LSC_N_COUNTERS]);
  void   (*close) (LscCounterThread *t);
  gboolean multiplexed;
};

typedef struct
{
  LscCounterThread *(*open_thread) (LscCounterBackend  *b,
                                    GError            **error);
  void              (*free_data)   (gpointer            data);
} LscCounterBackendClass;

struct _LscCounterBackend
{
  const LscCounterBackendClass *klass;
  char    *name;
  char    *reason;                    /* NULL when mask is complete */
  char    *note;                      /* an extra line for describe, or NULL */
  guint32  mask;
  char    *events[LSC_N_COUNTERS];    /* set exactly for the counters in mask */
  char    *absent[LSC_N_COUNTERS];    /* set exactly for those not in mask */
  gpointer data;
};

/* A backend with nothing set but its class and name; the constructors fill
 * the rest and then call _lsc_counter_backend_finish. */
LscCounterBackend *_lsc_counter_backend_alloc  (const LscCounterBackendClass *klass,
                                                const char                   *name);
/* Fills in reason from the absent reasons (see lsc_counter_backend_get_reason);
 * a backend's overall_reason, when given, is used when no counter is
 * available. */
void               _lsc_counter_backend_finish (LscCounterBackend *b,
                                                const char        *overall_reason);
/* A thread handle whose reads are all 0, for backends with an empty mask. */
LscCounterThread  *_lsc_counter_thread_new_zero (void);

/* value * enabled / running without overflow; 0 when running is 0 (the
 * event never got onto the PMU). */
guint64            _lsc_counter_scale          (guint64 value,
                                                guint64 enabled,
                                                guint64 running);

/* The perf backend counting the given libpfm4 events instead of the
 * hardware ones: events[c] NULL leaves c out. The tests give it software
 * events (perf::PERF_COUNT_SW_TASK_CLOCK, …), which every Linux machine
 * has, to run the grouping, reading and scaling code on this VM too. */
LscCounterBackend *_lsc_counter_backend_new_perf_events (const char *const events[LSC_N_COUNTERS]);
/* Perf backends only: at most max_group events per group (0: as many as
 * the PMU takes), so that the tests run the several-groups path that a
 * real PMU takes when the events do not fit together; set before opening
 * threads. */
void               _lsc_counter_backend_set_max_group   (LscCounterBackend *b,
                                                         guint              max_group);
/* The number of event groups a perf thread opened. */
guint              _lsc_counter_thread_get_n_groups     (LscCounterThread  *t);

G_END_DECLS
