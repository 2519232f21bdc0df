/* Why perf_event_open refused: the errno alone is cryptic (ENOENT for "no
 * PMU", EACCES for "a sysctl says no"), so the report says what it means on
 * this machine and which setting, if any, changes it. */

#include "counters/lsc-counters.h"

#include <errno.h>
#include <stdlib.h>

#define PARANOID_PATH "/proc/sys/kernel/perf_event_paranoid"

int
lsc_counter_read_paranoid (void)
{
  g_autofree char *text = NULL;
  char *end;
  long value;

  if (!g_file_get_contents (PARANOID_PATH, &text, NULL, NULL))
    return LSC_PARANOID_UNKNOWN;
  value = strtol (text, &end, 10);
  if (end == text || value < G_MININT + 1 || value > G_MAXINT)
    return LSC_PARANOID_UNKNOWN;
  return (int) value;
}

static const char *
errno_name (int errsv)
{
  switch (errsv)
    {
    case ENOENT: return "ENOENT";
    case ENODEV: return "ENODEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOSPC: return "ENOSPC";
    case EBUSY: return "EBUSY";
    case E2BIG: return "E2BIG";
    default: return NULL;
    }
}

char *
lsc_counter_explain_open_error (int         errsv,
                                int         paranoid,
                                const char *event)
{
  const char *name = errno_name (errsv);
  g_autofree char *code = name ? g_strdup (name) : g_strdup_printf ("errno %d", errsv);

  if (event == NULL)
    event = "the event";

  switch (errsv)
    {
    case ENOENT:
    case ENODEV:
      /* The kernel has no PMU driver that takes this event type: on real
       * hardware the core PMU always takes the generic events, so this is
       * what a hypervisor without a virtual PMU looks like. */
      return g_strdup_printf ("perf_event_open: no hardware PMU is exposed "
                              "(this looks like a virtual machine: %s for %s)",
                              code, event);

    case EOPNOTSUPP:
      return g_strdup_printf ("perf_event_open: the PMU cannot count %s as asked "
                              "(EOPNOTSUPP: it lacks the feature, e.g. counting "
                              "user space only; usual with a partial virtual PMU)",
                              event);

    case EACCES:
    case EPERM:
      if (paranoid != LSC_PARANOID_UNKNOWN && paranoid >= 3)
        return g_strdup_printf ("perf_event_paranoid is %d: this kernel lets no "
                                "unprivileged process use perf_event_open (%s for %s); "
                                "set the sysctl kernel.perf_event_paranoid to 2 "
                                "(sysctl -w kernel.perf_event_paranoid=2, as root) "
                                "or give the program CAP_PERFMON",
                                paranoid, code, event);
      if (paranoid != LSC_PARANOID_UNKNOWN)
        return g_strdup_printf ("perf_event_open was refused (%s for %s) although "
                                "perf_event_paranoid is %d, which allows counting "
                                "one's own threads in user space: a seccomp filter "
                                "(as in containers) or a security module blocks it; "
                                "allow perf_event_open there or give the program "
                                "CAP_PERFMON",
                                code, event, paranoid);
      return g_strdup_printf ("perf_event_open was refused (%s for %s) and "
                              "kernel.perf_event_paranoid cannot be read: "
                              "perf_event_paranoid 2 or lower, or CAP_PERFMON, "
                              "allows counting user space",
                              code, event);

    case ENOSYS:
      return g_strdup_printf ("perf_event_open does not exist here (ENOSYS for %s): "
                              "the kernel was built without CONFIG_PERF_EVENTS or a "
                              "seccomp filter hides it",
                              event);

    case EMFILE:
    case ENFILE:
      return g_strdup_printf ("no file descriptor left to open %s (%s): raise the "
                              "limit (ulimit -n)",
                              event, code);

    case EINVAL:
      return g_strdup_printf ("perf_event_open rejected %s (EINVAL: the kernel or "
                              "the PMU does not take these event attributes)",
                              event);

    default:
      return g_strdup_printf ("perf_event_open failed for %s: %s (%s)",
                              event, g_strerror (errsv), code);
    }
}
