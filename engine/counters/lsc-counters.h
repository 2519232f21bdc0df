#pragma once
/* Placeholder until the counters branch lands: the enum the report uses. */
#include <glib.h>
G_BEGIN_DECLS
typedef enum { LSC_COUNTER_CYCLES, LSC_COUNTER_INSTRUCTIONS, LSC_COUNTER_L1D_MISSES,
               LSC_COUNTER_L2_MISSES, LSC_COUNTER_LLC_MISSES, LSC_COUNTER_DTLB_MISSES, LSC_N_COUNTERS } LscCounter;
const char *lsc_counter_to_string (LscCounter c);
G_END_DECLS
G_BEGIN_DECLS
typedef struct _LscCounterBackend LscCounterBackend;
typedef struct _LscCounterThread LscCounterThread;
gboolean    lsc_counter_backend_is_available (LscCounterBackend *b);
const char *lsc_counter_backend_get_name (LscCounterBackend *b);
const char *lsc_counter_backend_get_reason (LscCounterBackend *b);
guint32     lsc_counter_backend_get_mask (LscCounterBackend *b);
LscCounterThread *lsc_counter_backend_open_thread (LscCounterBackend *b, GError **error);
void     lsc_counter_thread_close (LscCounterThread *t);
void     lsc_counter_thread_read (LscCounterThread *t, guint64 values[LSC_N_COUNTERS]);
gboolean lsc_counter_thread_was_multiplexed (LscCounterThread *t);
G_END_DECLS
