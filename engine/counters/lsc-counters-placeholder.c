#include "counters/lsc-counters.h"
/* Placeholder until the counters branch lands. */
const char *lsc_counter_to_string (LscCounter c) { static const char *n[] = {"cycles","instructions","l1d-misses","l2-misses","llc-misses","dtlb-misses"}; return n[c]; }
gboolean lsc_counter_backend_is_available (LscCounterBackend *b) { (void) b; return FALSE; }
const char *lsc_counter_backend_get_name (LscCounterBackend *b) { (void) b; return "off"; }
const char *lsc_counter_backend_get_reason (LscCounterBackend *b) { (void) b; return "not built"; }
guint32 lsc_counter_backend_get_mask (LscCounterBackend *b) { (void) b; return 0; }
LscCounterThread *lsc_counter_backend_open_thread (LscCounterBackend *b, GError **error) { (void) b; (void) error; return NULL; }
void lsc_counter_thread_close (LscCounterThread *t) { (void) t; }
void lsc_counter_thread_read (LscCounterThread *t, guint64 values[LSC_N_COUNTERS]) { (void) t; for (int i = 0; i < LSC_N_COUNTERS; i++) values[i] = 0; }
gboolean lsc_counter_thread_was_multiplexed (LscCounterThread *t) { (void) t; return FALSE; }
