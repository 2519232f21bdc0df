/* The perf backend: perf_event_open(2) on the calling thread, with events
 * named and encoded by libpfm4 (its "perf" PMU for the generic events, the
 * host PMU's own table for L2 misses, which perf has no generic name for).
 *
 * Creating the backend probes: every event is opened once on the creating
 * thread, so the mask and every absent counter's reason are known before
 * any profile starts. A thread's events are then opened as one group (read
 * with one read(2), all counting over the same time); an event that the
 * PMU cannot schedule together with the others starts a group of its own,
 * and each group's values are scaled by its time_enabled / time_running. */

/* syscall, dladdr. */
#define _GNU_SOURCE

#include "counters/lsc-counters-config.h"
#include "counters/lsc-counters-private.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/lsc-error.h"

#if LSC_HAVE_LIBPFM
#include <dlfcn.h>
#include <perfmon/pfmlib_perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

guint64
_lsc_counter_scale (guint64 value,
                    guint64 enabled,
                    guint64 running)
{
  if (running == 0)
    return 0;
  if (running >= enabled)
    return value;
#ifdef __SIZEOF_INT128__
  {
    unsigned __int128 scaled = (unsigned __int128) value * enabled / running;
    return scaled > G_MAXUINT64 ? G_MAXUINT64 : (guint64) scaled;
  }
#else
  return (guint64) ((double) value * (double) enabled / (double) running);
#endif
}

#if !LSC_HAVE_LIBPFM

/* Without libpfm4 there are no event names to ask the PMU for: the backend
 * exists, says so, and counts nothing. */

static const LscCounterBackendClass perf_class = { NULL, NULL };

static LscCounterBackend *
new_without_libpfm (void)
{
  const char *reason = "built without libpfm4 (install libpfm4-dev and rebuild "
                       "to count hardware events)";
  LscCounterBackend *b = _lsc_counter_backend_alloc (&perf_class,
                                                     "perf_event (built without libpfm4)");

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    b->absent[c] = g_strdup (reason);
  _lsc_counter_backend_finish (b, reason);
  return b;
}

LscCounterBackend *
lsc_counter_backend_new_perf (void)
{
  return new_without_libpfm ();
}

LscCounterBackend *
_lsc_counter_backend_new_perf_events (const char *const events[LSC_N_COUNTERS])
{
  return new_without_libpfm ();
}

void
_lsc_counter_backend_set_max_group (LscCounterBackend *b,
                                    guint              max_group)
{
}

guint
_lsc_counter_thread_get_n_groups (LscCounterThread *t)
{
  return 0;
}

#else /* LSC_HAVE_LIBPFM */

/* Generic perf events, by libpfm4's names for them; L2 has none. */
static const char *const generic_events[LSC_N_COUNTERS] = {
  [LSC_COUNTER_CYCLES] = "perf::PERF_COUNT_HW_CPU_CYCLES",
  [LSC_COUNTER_INSTRUCTIONS] = "perf::PERF_COUNT_HW_INSTRUCTIONS",
  [LSC_COUNTER_L1D_MISSES] = "perf::PERF_COUNT_HW_CACHE_L1D:READ:MISS",
  [LSC_COUNTER_L2_MISSES] = NULL,
  [LSC_COUNTER_LLC_MISSES] = "perf::PERF_COUNT_HW_CACHE_LL:READ:MISS",
  [LSC_COUNTER_DTLB_MISSES] = "perf::PERF_COUNT_HW_CACHE_DTLB:READ:MISS",
};

/* L2 misses in the host PMU's tables, tried in order; the first that the
 * detected PMU knows is used. */
static const char *const l2_candidates[] = {
  /* AMD Zen 1-4: core requests (data reads and instruction fills) that
   * missed in L2, perf's l2_cache_req_stat.ic_dc_miss_in_l2. */
  "CORE_TO_L2_CACHEABLE_REQUEST_ACCESS_STATUS:LS_RD_BLK_C:IC_FILL_MISS",
  /* Intel Haswell - Skylake: all L2 misses. */
  "L2_RQSTS:MISS",
  /* Intel Ice Lake, Sapphire Rapids (no MISS umask there): demand misses. */
  "L2_RQSTS:ALL_DEMAND_MISS",
  /* Arm: the architected L2 data refill event. */
  "L2D_CACHE_REFILL",
};

typedef struct
{
  struct perf_event_attr attr[LSC_N_COUNTERS];
  guint max_group;    /* events per group at most; 0: as many as fit */
} PerfData;

/* libpfm4 is not thread-safe; backends may be created on several threads.
 * A pthread mutex, which ThreadSanitizer understands. */
static pthread_mutex_t pfm_lock = PTHREAD_MUTEX_INITIALIZER;

/* pfm_initialize once; its result (a PFM_ERR_* code) every time. */
static int
ensure_pfm (void)
{
  static int status = 1; /* not tried */

  if (status == 1)
    status = pfm_initialize ();
  return status;
}

static int
perf_open (struct perf_event_attr *attr,
           int                     group_fd)
{
  /* This thread (pid 0), on whatever CPU it runs (-1). */
  return (int) syscall (__NR_perf_event_open, attr, 0, -1, group_fd,
                        PERF_FLAG_FD_CLOEXEC);
}

/* "4.13" from the shared object's file name (libpfm.so.4.13.0), since
 * pfm_get_version gives only the API version (4.0). */
static char *
libpfm_version (void)
{
  Dl_info info;
  char *real;
  const char *tail;
  char *version = NULL;

  if (dladdr ((void *) pfm_initialize, &info) != 0 && info.dli_fname != NULL
      && (real = realpath (info.dli_fname, NULL)) != NULL)
    {
      if ((tail = strstr (real, ".so.")) != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (tail + 4, ".", 3);

          if (parts[0] != NULL && parts[1] != NULL)
            version = g_strdup_printf ("%s.%s", parts[0], parts[1]);
        }
      free (real);
    }
  if (version == NULL)
    version = g_strdup_printf ("%d.%d", PFM_MAJ_VERSION (pfm_get_version ()),
                               PFM_MIN_VERSION (pfm_get_version ()));
  return version;
}

/* "AuthenticAMD family 26 model 2", for saying which CPU libpfm4 did not
 * recognise; "this CPU" where /proc/cpuinfo says nothing of the kind. */
static char *
cpu_identity (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *vendor = NULL, *family = NULL, *model = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("this CPU");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      g_strstrip (lines[i]);
      if (strcmp (lines[i], "vendor_id") == 0)
        vendor = g_strstrip (colon + 1);
      else if (strcmp (lines[i], "cpu family") == 0)
        family = g_strstrip (colon + 1);
      else if (strcmp (lines[i], "model") == 0)
        model = g_strstrip (colon + 1);
    }
  if (vendor == NULL || family == NULL || model == NULL)
    return g_strdup ("this CPU");
  return g_strdup_printf ("%s family %s model %s", vendor, family, model);
}

/* The name of a present core PMU libpfm4 detected, or NULL. */
static char *
core_pmu_name (void)
{
  pfm_pmu_t pmu;

  pfm_for_all_pmus (pmu)
    {
      pfm_pmu_info_t info;

      memset (&info, 0, sizeof info);
      info.size = sizeof info;
      if (pfm_get_pmu_info (pmu, &info) == PFM_SUCCESS && info.is_present
          && info.type == PFM_PMU_TYPE_CORE)
        return g_strdup (info.name);
    }
  return NULL;
}

/* Encodes name for counting this thread in user space only; on success
 * *qualified is "pmu::name". A PFM_ERR_* code. */
static int
encode (const char             *name,
        struct perf_event_attr *attr,
        char                  **qualified)
{
  pfm_perf_encode_arg_t arg;
  pfm_event_info_t event;
  pfm_pmu_info_t pmu;
  int ret;

  memset (attr, 0, sizeof *attr);
  memset (&arg, 0, sizeof arg);
  arg.attr = attr;
  arg.size = sizeof arg;
  /* PFM_PLM3: user level only, so libpfm4 sets exclude_kernel (and
   * exclude_hv); perf_event_paranoid 2 allows that without privileges. */
  ret = pfm_get_os_event_encoding (name, PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
  if (ret != PFM_SUCCESS)
    return ret;
  attr->size = sizeof *attr;
  attr->exclude_kernel = 1;
  attr->exclude_hv = 1;

  memset (&event, 0, sizeof event);
  event.size = sizeof event;
  memset (&pmu, 0, sizeof pmu);
  pmu.size = sizeof pmu;
  if (strstr (name, "::") == NULL
      && pfm_get_event_info (arg.idx, PFM_OS_NONE, &event) == PFM_SUCCESS
      && pfm_get_pmu_info (event.pmu, &pmu) == PFM_SUCCESS)
    *qualified = g_strdup_printf ("%s::%s", pmu.name, name);
  else
    *qualified = g_strdup (name);
  return PFM_SUCCESS;
}

/* How the reason texts name an event: the perf type for generic events
 * ("PERF_TYPE_HARDWARE cycles"), otherwise libpfm4's name. */
static char *
event_display (LscCounter                    c,
               const struct perf_event_attr *attr,
               const char                   *qualified)
{
  switch (attr->type)
    {
    case PERF_TYPE_HARDWARE:
      return g_strdup_printf ("PERF_TYPE_HARDWARE %s", lsc_counter_to_string (c));
    case PERF_TYPE_HW_CACHE:
      return g_strdup_printf ("PERF_TYPE_HW_CACHE %s", lsc_counter_to_string (c));
    default:
      return g_strdup (qualified);
    }
}

/* ---- threads ---- */

#define READ_FORMAT (PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED \
                     | PERF_FORMAT_TOTAL_TIME_RUNNING)

typedef struct
{
  int leader;                       /* the fd read for the whole group */
  guint n;
  guint8 counter[LSC_N_COUNTERS];   /* member i counts counter[i] */
} Group;

typedef struct
{
  LscCounterThread parent;
  guint n_groups;
  Group groups[LSC_N_COUNTERS];
  guint n_fds;
  int fds[LSC_N_COUNTERS];
  guint64 last[LSC_N_COUNTERS];     /* what the previous read returned */
  /* One group's read: nr, time_enabled, time_running, values[nr]. */
  guint64 buf[3 + LSC_N_COUNTERS];
} PerfThread;

static void
perf_read (LscCounterThread *t,
           guint64           values[LSC_N_COUNTERS])
{
  PerfThread *self = (PerfThread *) t;

  for (guint g = 0; g < self->n_groups; g++)
    {
      const Group *group = &self->groups[g];
      size_t size = (3 + group->n) * sizeof (guint64);
      guint64 enabled, running;

      /* A short or failed read leaves the group's counters where they
       * were rather than inventing values. */
      if (read (group->leader, self->buf, size) != (ssize_t) size
          || self->buf[0] != group->n)
        continue;
      enabled = self->buf[1];
      running = self->buf[2];
      if (running < enabled)
        t->multiplexed = TRUE;
      for (guint i = 0; i < group->n; i++)
        {
          guint64 v = _lsc_counter_scale (self->buf[3 + i], enabled, running);
          guint c = group->counter[i];

          /* Scaled estimates can step back a little between reads; the
           * totals must not, or a region's difference would wrap. */
          if (v > self->last[c])
            self->last[c] = v;
        }
    }
  memcpy (values, self->last, sizeof self->last);
}

static void
perf_close (LscCounterThread *t)
{
  PerfThread *self = (PerfThread *) t;

  for (guint i = 0; i < self->n_fds; i++)
    close (self->fds[i]);
  g_free (self);
}

static LscCounterThread *
perf_open_thread (LscCounterBackend  *b,
                  GError            **error)
{
  PerfData *data = b->data;
  PerfThread *self = g_new0 (PerfThread, 1);
  Group *group = NULL;

  self->parent.read = perf_read;
  self->parent.close = perf_close;

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      struct perf_event_attr attr;
      int fd = -1;

      if (!(b->mask & (1u << c)))
        continue;
      attr = data->attr[c];
      attr.read_format = READ_FORMAT;
      attr.inherit = 0;

      if (group != NULL && (data->max_group == 0 || group->n < data->max_group))
        {
          /* Siblings follow the leader's enable state. The kernel refuses
           * a sibling (EINVAL, ENOSPC) when the group would no longer fit
           * on the PMU at once; that event then leads a group of its own. */
          attr.disabled = 0;
          fd = perf_open (&attr, group->leader);
          if (fd >= 0)
            {
              group->counter[group->n++] = (guint8) c;
              self->fds[self->n_fds++] = fd;
              continue;
            }
        }

      attr.disabled = 1;
      fd = perf_open (&attr, -1);
      if (fd < 0)
        {
          int errsv = errno;
          g_autofree char *what = event_display ((LscCounter) c, &data->attr[c], b->events[c]);
          g_autofree char *why = lsc_counter_explain_open_error (errsv, lsc_counter_read_paranoid (),
                                                                 what);

          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                       "Cannot open the %s counter for this thread: %s",
                       lsc_counter_to_string ((LscCounter) c), why);
          perf_close (&self->parent);
          return NULL;
        }
      self->fds[self->n_fds++] = fd;
      group = &self->groups[self->n_groups++];
      group->leader = fd;
      group->n = 0;
      group->counter[group->n++] = (guint8) c;
    }

  for (guint g = 0; g < self->n_groups; g++)
    {
      ioctl (self->groups[g].leader, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
      ioctl (self->groups[g].leader, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
    }
  return &self->parent;
}

/* ---- the probe ---- */

static const LscCounterBackendClass perf_class = { perf_open_thread, g_free };

/* Can this process use perf_event_open at all? A software event needs no
 * PMU, so a failure here is about permission or the kernel, and it is the
 * reason for every counter. NULL when it works. */
static char *
check_perf_event_open (int paranoid)
{
  struct perf_event_attr attr;
  int fd;

  memset (&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_TASK_CLOCK;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  fd = perf_open (&attr, -1);
  if (fd < 0)
    return lsc_counter_explain_open_error (errno, paranoid, "PERF_TYPE_SOFTWARE task-clock");
  close (fd);
  return NULL;
}

static char *
l2_absent_reason (const char *version)
{
  g_autofree char *pmu = core_pmu_name ();
  g_autofree char *cpu = NULL;

  if (pmu != NULL)
    return g_strdup_printf ("libpfm4 %s knows no L2-miss event for the %s PMU",
                            version, pmu);
  cpu = cpu_identity ();
  return g_strdup_printf ("libpfm4 %s has no event table for %s (no core PMU "
                          "detected), and perf has no generic L2 event",
                          version, cpu);
}

static LscCounterBackend *
new_perf (const char *const events[LSC_N_COUNTERS],
          gboolean          hardware)
{
  g_autofree char *version = NULL;
  g_autofree char *name = NULL;
  g_autofree char *overall = NULL;
  char *display[LSC_N_COUNTERS] = { NULL, };
  LscCounterBackend *b;
  PerfData *data;
  int paranoid = lsc_counter_read_paranoid ();
  int status;
  gboolean pmu_seen = FALSE;

  pthread_mutex_lock (&pfm_lock);
  status = ensure_pfm ();
  version = libpfm_version ();
  name = g_strdup_printf ("perf_event + libpfm4 %s", version);
  b = _lsc_counter_backend_alloc (&perf_class, name);
  b->data = data = g_new0 (PerfData, 1);
  if (paranoid != LSC_PARANOID_UNKNOWN)
    b->note = g_strdup_printf ("kernel.perf_event_paranoid = %d", paranoid);

  if (status != PFM_SUCCESS)
    {
      overall = g_strdup_printf ("libpfm4 %s failed to initialise: %s",
                                 version, pfm_strerror (status));
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        b->absent[c] = g_strdup (overall);
      pthread_mutex_unlock (&pfm_lock);
      _lsc_counter_backend_finish (b, overall);
      return b;
    }

  /* Names to encodings: what libpfm4 cannot encode is absent already. */
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      int ret = PFM_ERR_NOTFOUND;

      if (hardware && c == LSC_COUNTER_L2_MISSES)
        {
          for (guint i = 0; i < G_N_ELEMENTS (l2_candidates) && ret != PFM_SUCCESS; i++)
            {
              g_clear_pointer (&b->events[c], g_free);
              ret = encode (l2_candidates[i], &data->attr[c], &b->events[c]);
            }
          if (ret != PFM_SUCCESS)
            b->absent[c] = l2_absent_reason (version);
        }
      else if (events[c] == NULL)
        b->absent[c] = g_strdup ("no event chosen for it");
      else if ((ret = encode (events[c], &data->attr[c], &b->events[c])) != PFM_SUCCESS)
        b->absent[c] = g_strdup_printf ("libpfm4 %s cannot encode %s: %s",
                                        version, events[c], pfm_strerror (ret));
      if (ret != PFM_SUCCESS)
        g_clear_pointer (&b->events[c], g_free);
      else
        display[c] = event_display ((LscCounter) c, &data->attr[c], b->events[c]);
    }
  pthread_mutex_unlock (&pfm_lock);

  overall = check_perf_event_open (paranoid);

  /* Each encoded event alone, on this thread. */
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    {
      struct perf_event_attr attr;
      int fd, errsv;

      if (b->events[c] == NULL)
        continue;
      if (overall != NULL)
        {
          b->absent[c] = g_strdup (overall);
          g_clear_pointer (&b->events[c], g_free);
          continue;
        }

      attr = data->attr[c];
      attr.disabled = 1;
      attr.read_format = READ_FORMAT;
      fd = perf_open (&attr, -1);
      errsv = errno;
      if (fd >= 0)
        {
          close (fd);
          b->mask |= 1u << c;
          if (attr.type != PERF_TYPE_SOFTWARE)
            pmu_seen = TRUE;
          continue;
        }

      if ((errsv == ENOENT || errsv == EOPNOTSUPP) && pmu_seen)
        /* The PMU is there (an earlier event opened) but does not do this
         * one: not a virtual machine, just a missing event. */
        b->absent[c] = g_strdup_printf ("the PMU does not count %s (%s)", display[c],
                                        errsv == ENOENT ? "ENOENT" : "EOPNOTSUPP");
      else
        b->absent[c] = lsc_counter_explain_open_error (errsv, paranoid, display[c]);
      g_clear_pointer (&b->events[c], g_free);
    }

  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    g_free (display[c]);
  _lsc_counter_backend_finish (b, overall);
  return b;
}

LscCounterBackend *
lsc_counter_backend_new_perf (void)
{
  return new_perf (generic_events, TRUE);
}

LscCounterBackend *
_lsc_counter_backend_new_perf_events (const char *const events[LSC_N_COUNTERS])
{
  return new_perf (events, FALSE);
}

void
_lsc_counter_backend_set_max_group (LscCounterBackend *b,
                                    guint              max_group)
{
  g_return_if_fail (b->klass == &perf_class);
  ((PerfData *) b->data)->max_group = max_group;
}

guint
_lsc_counter_thread_get_n_groups (LscCounterThread *t)
{
  g_return_val_if_fail (t->read == perf_read, 0);
  return ((PerfThread *) t)->n_groups;
}

#endif /* LSC_HAVE_LIBPFM */
