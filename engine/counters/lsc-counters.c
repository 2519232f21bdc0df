#include "counters/lsc-counters-private.h"

#include <string.h>

static const char *const counter_names[LSC_N_COUNTERS] = {
  [LSC_COUNTER_CYCLES] = "cycles",
  [LSC_COUNTER_INSTRUCTIONS] = "instructions",
  [LSC_COUNTER_L1D_MISSES] = "l1d-misses",
  [LSC_COUNTER_L2_MISSES] = "l2-misses",
  [LSC_COUNTER_LLC_MISSES] = "llc-misses",
  [LSC_COUNTER_DTLB_MISSES] = "dtlb-misses",
};

const char *
lsc_counter_to_string (LscCounter c)
{
  if ((guint) c >= LSC_N_COUNTERS)
    return NULL;
  return counter_names[c];
}

gboolean
lsc_counter_from_string (const char *name,
                         LscCounter *out)
{
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    if (name != NULL && strcmp (name, counter_names[c]) == 0)
      {
        *out = (LscCounter) c;
        return TRUE;
      }
  return FALSE;
}

/* ---- the shared backend object ---- */

LscCounterBackend *
_lsc_counter_backend_alloc (const LscCounterBackendClass *klass,
                            const char                   *name)
{
  LscCounterBackend *b = g_new0 (LscCounterBackend, 1);

  b->klass = klass;
  b->name = g_strdup (name);
  return b;
}

void
_lsc_counter_backend_finish (LscCounterBackend *b,
                             const char        *overall_reason)
{
  g_autoptr(GString) reason = NULL;

  g_clear_pointer (&b->reason, g_free);
  if (b->mask == LSC_COUNTER_MASK_ALL)
    return;

  if (b->mask == 0)
    {
      /* Nothing counts: one reason, the first counter's (cycles, the most
       * basic event) unless the backend knows a better one. */
      if (overall_reason != NULL)
        b->reason = g_strdup (overall_reason);
      else
        for (guint c = 0; c < LSC_N_COUNTERS && b->reason == NULL; c++)
          b->reason = g_strdup (b->absent[c]);
      if (b->reason == NULL)
        b->reason = g_strdup ("no counter is available");
      return;
    }

  reason = g_string_new (NULL);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    if (!(b->mask & (1u << c)))
      g_string_append_printf (reason, "%s%s: %s", reason->len ? "; " : "",
                              counter_names[c],
                              b->absent[c] ? b->absent[c] : "not available");
  b->reason = g_string_free (g_steal_pointer (&reason), FALSE);
}

void
lsc_counter_backend_free (LscCounterBackend *b)
{
  if (b == NULL)
    return;
  if (b->klass->free_data != NULL && b->data != NULL)
    b->klass->free_data (b->data);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      g_free (b->events[c]);
      g_free (b->absent[c]);
    }
  g_free (b->name);
  g_free (b->reason);
  g_free (b->note);
  g_free (b);
}

const char *
lsc_counter_backend_get_name (LscCounterBackend *b)
{
  return b->name;
}

gboolean
lsc_counter_backend_is_available (LscCounterBackend *b)
{
  return b->mask != 0;
}

const char *
lsc_counter_backend_get_reason (LscCounterBackend *b)
{
  return b->reason;
}

guint32
lsc_counter_backend_get_mask (LscCounterBackend *b)
{
  return b->mask;
}

const char *
lsc_counter_backend_get_event (LscCounterBackend *b,
                               LscCounter         c)
{
  g_return_val_if_fail ((guint) c < LSC_N_COUNTERS, NULL);
  return b->events[c];
}

const char *
lsc_counter_backend_get_absent_reason (LscCounterBackend *b,
                                       LscCounter         c)
{
  g_return_val_if_fail ((guint) c < LSC_N_COUNTERS, NULL);
  return b->absent[c];
}

/* Whether two reasons say the same thing about different events: equal up
 * to the first " (", where the texts put the errno and the event. */
static gboolean
same_reason (const char *a,
             const char *b)
{
  const char *pa, *pb;

  if (a == NULL || b == NULL)
    return a == b;
  pa = strstr (a, " (");
  pb = strstr (b, " (");
  if (pa == NULL || pb == NULL)
    return strcmp (a, b) == 0;
  return pa - a == pb - b && strncmp (a, b, (size_t) (pa - a)) == 0;
}

char *
lsc_counter_backend_describe (LscCounterBackend *b)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    n += (b->mask >> c) & 1;

  g_string_append_printf (s, "Hardware counters: %s, %u of %u counted\n",
                          b->name, n, (guint) LSC_N_COUNTERS);
  /* With nothing counted the reason is the same for (nearly) every counter:
   * say it once, above the list, and only the odd ones out below. With some
   * counted, each absent one says its own. */
  if (b->mask == 0 && b->reason != NULL)
    g_string_append_printf (s, "  unavailable: %s\n", b->reason);
  if (b->note != NULL)
    g_string_append_printf (s, "  %s\n", b->note);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      if (b->mask & (1u << c))
        g_string_append_printf (s, "  %-13s %s\n", counter_names[c], b->events[c]);
      else if (b->absent[c] != NULL && !(b->mask == 0 && same_reason (b->absent[c], b->reason)))
        g_string_append_printf (s, "  %-13s absent: %s\n", counter_names[c], b->absent[c]);
      else
        g_string_append_printf (s, "  %-13s absent\n", counter_names[c]);
    }
  return g_string_free (s, FALSE);
}

/* ---- threads ---- */

LscCounterThread *
lsc_counter_backend_open_thread (LscCounterBackend  *b,
                                 GError            **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (b->mask == 0)
    return _lsc_counter_thread_new_zero ();
  return b->klass->open_thread (b, error);
}

void
lsc_counter_thread_close (LscCounterThread *t)
{
  if (t != NULL)
    t->close (t);
}

void
lsc_counter_thread_read (LscCounterThread *t,
                         guint64           values[LSC_N_COUNTERS])
{
  t->read (t, values);
}

gboolean
lsc_counter_thread_was_multiplexed (LscCounterThread *t)
{
  return t->multiplexed;
}

static void
zero_read (LscCounterThread *t,
           guint64           values[LSC_N_COUNTERS])
{
  memset (values, 0, LSC_N_COUNTERS * sizeof values[0]);
}

static void
zero_close (LscCounterThread *t)
{
  g_free (t);
}

LscCounterThread *
_lsc_counter_thread_new_zero (void)
{
  LscCounterThread *t = g_new0 (LscCounterThread, 1);

  t->read = zero_read;
  t->close = zero_close;
  return t;
}

/* ---- off and the default ---- */

static const LscCounterBackendClass off_class = { NULL, NULL };

LscCounterBackend *
lsc_counter_backend_new_off (const char *reason)
{
  LscCounterBackend *b = _lsc_counter_backend_alloc (&off_class, "off");

  if (reason == NULL)
    reason = "hardware counters are off";
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    b->absent[c] = g_strdup (reason);
  _lsc_counter_backend_finish (b, reason);
  return b;
}

LscCounterBackend *
lsc_counter_backend_new_default (void)
{
  const char *choice = g_getenv ("LSC_COUNTERS");
  g_autofree char *reason = NULL;

  if (choice == NULL || *choice == '\0' || strcmp (choice, "perf") == 0)
    return lsc_counter_backend_new_perf ();
  if (strcmp (choice, "fake") == 0)
    return lsc_counter_backend_new_fake ();
  if (strcmp (choice, "off") == 0)
    return lsc_counter_backend_new_off ("hardware counters are off (LSC_COUNTERS=off)");

  reason = g_strdup_printf ("LSC_COUNTERS is \"%s\", which is none of perf, fake, off: "
                            "hardware counters are off", choice);
  return lsc_counter_backend_new_off (reason);
}
