#include "profile/lsc-profiler.h"

#include <math.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/lsc-cpu-monitor.h"
#include "plan/lsc-plan.h"
#include "probe/lsc-machine.h"
#include "profile/lsc-clock.h"
#include "profile/lsc-profile-recorder.h"

void
lsc_profile_options_init (LscProfileOptions *options)
{
  memset (options, 0, sizeof *options);
  options->runs = 100;
  options->warmup = 5;
  options->measure_overhead = TRUE;
  options->monitor = TRUE;
}

/* One profiling session's state. */
typedef struct
{
  LscExecutor              *executor;
  const LscTensor *const   *inputs;
  guint                     n_inputs;
  const LscProfileOptions  *options;
  LscProfileReport         *report;
  LscProfileRecorder       *recorder;
  LscClock                  clock;
  uint64_t                  t0;           /* session start, ticks */
  LscTensor               **outputs;
  guint                     n_outputs;
  float                    *evict;        /* cold mode: a buffer larger than the caches */
  gsize                     evict_floats;
  LscCounterThread        **counters;     /* per worker, or NULL */
  GError                   *counter_error;
  LscCpuMonitor            *monitor;      /* NULL: off or failed */
  pid_t                    *tids;         /* per worker */
  LscLoadGenerator         *load;
} Session;

static void
fill_meta (Session *s)
{
  LscProfileReport *r = s->report;
  LscPlan *plan = lsc_executor_get_plan (s->executor);
  LscModel *model = lsc_plan_get_model (plan);
  const LscExecutorOptions *eo = lsc_executor_get_options (s->executor);
  const int64_t batch = s->inputs[0]->shape.dims[0];
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  r->model_path = g_strdup (lsc_model_get_path (model));
  r->model_name = g_strdup (lsc_model_get_name (model));
  r->model_params = lsc_model_get_n_params (model);
  r->model_macs = lsc_model_get_n_macs (model);
  r->batch = (guint) batch;
  r->n_threads = eo->n_threads;
  r->strategy = g_strdup (lsc_strategy_to_string (eo->strategy));
  r->pin = g_strdup (lsc_pin_policy_to_string (eo->pin));
  r->isa = g_strdup (lsc_isa_to_string (lsc_plan_get_isa (plan)));
  r->fused = lsc_plan_get_fuse (plan);
  r->cold = s->options->cold;
  r->n_replicas = lsc_executor_get_n_replicas (s->executor);
  r->created = g_date_time_format_iso8601 (now);
  r->host = g_strdup (g_get_host_name ());
  r->layerscope_version = g_strdup (s->options->version != NULL ? s->options->version : "");
  r->clock_source = g_strdup (lsc_clock_source_to_string (s->clock.source));
  r->clock_why = g_strdup (s->clock.why);
  r->clock_resolution_ns = s->clock.resolution_ns;
  {
    /* The cache sizes the working sets are held against, from the same
     * hwloc summary the probe and the report's machine section use. */
    g_autoptr(LscMachine) machine = lsc_machine_new_for_this_system (NULL);

    if (machine != NULL)
      {
        memcpy (r->cache_bytes, machine->cache_bytes, sizeof r->cache_bytes);
        r->machine = lsc_machine_to_json (machine);
      }
  }
  if (s->options->probe != NULL)
    r->probe = json_node_copy (s->options->probe);

  for (guint w = 0; w < r->n_workers; w++)
    r->workers[w].cpu = lsc_thread_pool_get_worker_pu (lsc_executor_get_pool (s->executor), w);

  for (guint i = 0; i < r->n_layers; i++)
    {
      const LscPlanStep *step = lsc_plan_get_step (plan, i);
      LscProfileLayer *layer = &r->layers[i];
      g_autoptr(GString) names = g_string_new (NULL);
      LscStepCost cost;

      for (guint k = 0; k < step->n_nodes; k++)
        g_string_append_printf (names, "%s%s", k > 0 ? " + " : "",
                                lsc_model_get_node (model, step->nodes[k])->name);
      layer->name = g_strdup (lsc_model_get_node (model, step->nodes[0])->name);
      layer->layers = g_string_free (g_steal_pointer (&names), FALSE);
      layer->op = g_strdup (step->op);
      layer->kernel = g_strdup (step->kernel);
      lsc_plan_get_step_cost (plan, i, batch, &cost);
      layer->flops = cost.flops;
      layer->weight_bytes = cost.weight_bytes;
      layer->input_bytes = cost.input_bytes;
      layer->output_bytes = cost.output_bytes;
    }
}

/* ---- per-worker set-up: counters ------------------------------------------ */

static void
open_counters_on_worker (gpointer user_data,
                         guint    worker,
                         gsize    tile)
{
  Session *s = user_data;
  GError *error = NULL;

  (void) tile;
  s->counters[worker] = lsc_counter_backend_open_thread (s->options->counters, &error);
  /* Keep the first failure (the workers run at once: the report gets it
   * after the join). */
  if (error != NULL && !g_atomic_pointer_compare_and_exchange (&s->counter_error, NULL, error))
    g_error_free (error);
}

static void
close_counters_on_worker (gpointer user_data,
                          guint    worker,
                          gsize    tile)
{
  Session *s = user_data;

  (void) tile;
  g_clear_pointer (&s->counters[worker], lsc_counter_thread_close);
}

static void
setup_counters (Session *s)
{
  LscProfileReport *r = s->report;
  LscCounterBackend *backend = s->options->counters;

  if (backend == NULL)
    {
      r->counter_backend = g_strdup ("off");
      r->counter_reason = g_strdup ("counters were not asked for");
      return;
    }
  r->counter_backend = g_strdup (lsc_counter_backend_get_name (backend));
  if (!lsc_counter_backend_is_available (backend))
    {
      r->counter_reason = g_strdup (lsc_counter_backend_get_reason (backend));
      return;
    }
  s->counters = g_new0 (LscCounterThread *, r->n_workers);
  lsc_thread_pool_run_on_each (lsc_executor_get_pool (s->executor), open_counters_on_worker, s);
  if (s->counter_error != NULL)
    {
      r->counter_reason = g_strdup_printf ("opening the counters on a worker failed: %s",
                                           s->counter_error->message);
      lsc_thread_pool_run_on_each (lsc_executor_get_pool (s->executor), close_counters_on_worker, s);
      g_clear_pointer (&s->counters, g_free);
      return;
    }
  r->counter_mask = lsc_counter_backend_get_mask (backend);
  r->counter_reason = g_strdup (lsc_counter_backend_get_reason (backend));
  for (guint w = 0; w < r->n_workers; w++)
    lsc_profile_recorder_set_counters (s->recorder, w, s->counters[w]);
}

static void
teardown_counters (Session *s)
{
  LscProfileReport *r = s->report;

  if (s->counters == NULL)
    return;
  for (guint w = 0; w < r->n_workers; w++)
    {
      r->counter_multiplexed |= lsc_counter_thread_was_multiplexed (s->counters[w]);
      for (guint l = 0; l < r->n_layers; l++)
        for (guint c = 0; c < LSC_N_COUNTERS; c++)
          r->counts[((gsize) w * r->n_layers + l) * LSC_N_COUNTERS + c]
            = (double) lsc_profile_recorder_get_count (s->recorder, w, l, c);
    }
  lsc_thread_pool_run_on_each (lsc_executor_get_pool (s->executor), close_counters_on_worker, s);
  g_clear_pointer (&s->counters, g_free);
}

/* ---- the CPU monitor --------------------------------------------------------- */

static void
get_tid_on_worker (gpointer user_data,
                   guint    worker,
                   gsize    tile)
{
  Session *s = user_data;

  (void) tile;
  s->tids[worker] = (pid_t) syscall (SYS_gettid);
}

/* Samples /proc/stat at 10 Hz meanwhile; the workers' CPU time is ours,
 * everything else (other processes, a load generator) is "other". */
static void
setup_monitor (Session *s)
{
  LscProfileReport *r = s->report;
  LscCpuMonitorOptions mo;
  g_autoptr(GError) error = NULL;

  if (!s->options->monitor)
    {
      r->monitor_reason = g_strdup ("the CPU monitor was switched off");
      return;
    }
  lsc_cpu_monitor_options_init (&mo);
  mo.hz = 10;
  s->monitor = lsc_cpu_monitor_new (&mo, &error);
  if (s->monitor == NULL)
    {
      r->monitor_reason = g_strdup_printf ("the CPU monitor could not start: %s", error->message);
      return;
    }
  s->tids = g_new0 (pid_t, r->n_workers);
  lsc_thread_pool_run_on_each (lsc_executor_get_pool (s->executor), get_tid_on_worker, s);
  for (guint w = 0; w < r->n_workers; w++)
    lsc_cpu_monitor_add_own_thread (s->monitor, s->tids[w]);
  if (!lsc_cpu_monitor_start (s->monitor, &error))
    {
      r->monitor_reason = g_strdup_printf ("the CPU monitor could not start: %s", error->message);
      g_clear_pointer (&s->monitor, lsc_cpu_monitor_free);
    }
}

/* Stops the monitor (with a last, partial sample, so that even a session
 * shorter than one period has one) and copies its samples into the
 * report, in session time. */
static void
teardown_monitor (Session *s)
{
  LscProfileReport *r = s->report;
  const double t0 = lsc_clock_to_monotonic_ns (&s->clock, s->t0);
  float *other;
  guint n;

  if (s->monitor == NULL)
    return;
  lsc_cpu_monitor_stop (s->monitor);
  lsc_cpu_monitor_sample_now (s->monitor, NULL);
  n = lsc_cpu_monitor_get_n_samples (s->monitor);
  r->n_cpus = lsc_cpu_monitor_get_n_cpus (s->monitor);
  r->monitor_hz = lsc_cpu_monitor_get_hz (s->monitor);
  other = g_new (float, MAX (r->n_cpus, 1));
  for (guint i = 0; i < n; i++)
    {
      const LscCpuSample *smp = lsc_cpu_monitor_get_sample (s->monitor, i);
      /* /proc counts CPU time in clock ticks (10 ms), the whole machine's
       * and our threads' each rounded on its own: over a 100 ms sample a
       * CPU fully busy with our worker can show one tick (10 %) of
       * "other". Only load beyond that resolution counts. */
      const double tick = 1e9 / (double) sysconf (_SC_CLK_TCK);
      const double span = (double) (smp->t_ns - smp->t_prev_ns);
      const float resolution = span > 0 ? (float) (tick / span) : 0.0f;

      for (guint c = 0; c < r->n_cpus; c++)
        other[c] = MAX (smp->other[c] - resolution, 0.0f);
      lsc_profile_report_add_cpu_sample (r, (double) smp->t_ns - t0, smp->util, other, smp->freq_mhz);
    }
  g_free (other);
  if (n == 0)
    r->monitor_reason = g_strdup ("the CPU monitor took no sample");
  g_clear_pointer (&s->monitor, lsc_cpu_monitor_free);
}

/* ---- background load ------------------------------------------------------ */

/* Jitter experiments: CPU or memory hogs on chosen CPUs for the whole
 * session (stopped when it ends). The monitor counts them as other load. */
static gboolean
start_load (Session *s,
            GError **error)
{
  if (s->options->load == NULL)
    return TRUE;
  s->report->background_load = lsc_load_spec_to_string (s->options->load);
  s->load = lsc_load_generator_new (s->options->load, error);
  return s->load != NULL && lsc_load_generator_start (s->load, error);
}

/* ---- cold mode ------------------------------------------------------------ */

/* Each worker touches its own part of a buffer twice the size of all the
 * caches, so its private L1/L2 and its share of L3 hold nothing the model
 * uses when the run starts. */
static void
evict_on_worker (gpointer user_data,
                 guint    worker,
                 gsize    tile)
{
  Session *s = user_data;
  const gsize part = s->evict_floats / s->report->n_workers;
  volatile float *p = s->evict + (gsize) worker * part;

  (void) tile;
  for (gsize i = 0; i < part; i += 16)
    p[i] += 1.0f;
}

static void
setup_eviction (Session *s)
{
  const guint64 *c = s->report->cache_bytes;
  guint64 bytes = 2 * (c[2] + (guint64) s->report->n_workers * (c[1] + c[0]));

  if (bytes < 64u << 20)
    bytes = 64u << 20;
  s->evict_floats = bytes / sizeof (float);
  s->evict = g_malloc0 (s->evict_floats * sizeof (float));
}

static void
evict (Session *s)
{
  if (s->evict != NULL)
    lsc_thread_pool_run_on_each (lsc_executor_get_pool (s->executor), evict_on_worker, s);
}

/* ---- runs ----------------------------------------------------------------- */

static double
ticks_to_session_ns (Session  *s,
                     uint64_t  ticks)
{
  return lsc_clock_ticks_to_ns (&s->clock, (int64_t) (ticks - s->t0));
}

static gboolean
profiled_run (Session      *s,
              LscRunKind    kind,
              GCancellable *cancellable,
              GError      **error)
{
  LscProfileReport *r = s->report;
  uint64_t t0, t1;
  guint run;

  if (s->options->cold)
    evict (s);
  lsc_executor_set_recorder (s->executor, s->recorder);
  lsc_profile_recorder_run_begin (s->recorder);
  t0 = lsc_clock_read (&s->clock);
  if (r->runs->len == 0)
    s->t0 = t0;
  if (!lsc_executor_run (s->executor, s->inputs, s->n_inputs, s->outputs, cancellable, error))
    {
      lsc_executor_set_recorder (s->executor, NULL);
      return FALSE;
    }
  t1 = lsc_clock_read (&s->clock);
  lsc_executor_set_recorder (s->executor, NULL);

  run = lsc_profile_report_add_run (r, kind, ticks_to_session_ns (s, t0),
                                    lsc_clock_ticks_to_ns (&s->clock, (int64_t) (t1 - t0)));
  for (guint w = 0; w < r->n_workers; w++)
    {
      const LscRawSlice *raw = lsc_profile_recorder_get_slices (s->recorder, w);
      const guint n = lsc_profile_recorder_get_n_slices (s->recorder, w);

      for (guint i = 0; i < n; i++)
        {
          LscProfileSlice slice = {
            run, raw[i].op, w, raw[i].cpu, raw[i].kind,
            ticks_to_session_ns (s, raw[i].t0), ticks_to_session_ns (s, raw[i].t1),
          };
          lsc_profile_report_add_slice (r, &slice);
        }
    }
  return TRUE;
}

static gboolean
unprofiled_run (Session      *s,
                GCancellable *cancellable,
                GError      **error)
{
  uint64_t t0, t1;
  double ns;

  if (s->options->cold)
    evict (s);
  t0 = lsc_clock_read (&s->clock);
  if (!lsc_executor_run (s->executor, s->inputs, s->n_inputs, s->outputs, cancellable, error))
    return FALSE;
  t1 = lsc_clock_read (&s->clock);
  ns = lsc_clock_ticks_to_ns (&s->clock, (int64_t) (t1 - t0));
  g_array_append_val (s->report->off_wall_ns, ns);
  return TRUE;
}

static void
progress (Session    *s,
          guint       done,
          guint       total,
          const char *format,
          ...) G_GNUC_PRINTF (4, 5);

static void
progress (Session    *s,
          guint       done,
          guint       total,
          const char *format,
          ...)
{
  char what[64];
  va_list ap;

  if (s->options->progress == NULL)
    return;
  va_start (ap, format);
  g_vsnprintf (what, sizeof what, format, ap);
  va_end (ap);
  s->options->progress ((double) done / MAX (total, 1), what, s->options->progress_data);
}

static gboolean
run_all (Session      *s,
         GCancellable *cancellable,
         GError      **error)
{
  const LscProfileOptions *o = s->options;
  const guint per_timed = o->measure_overhead ? 2 : 1;
  const guint total = 1 + o->warmup + o->runs * per_timed;
  guint done = 0;

  progress (s, done, total, "first run");
  if (!profiled_run (s, LSC_RUN_FIRST, cancellable, error))
    return FALSE;
  done++;
  for (guint i = 0; i < o->warmup; i++, done++)
    {
      progress (s, done, total, "warm-up %u/%u", i + 1, o->warmup);
      if (!profiled_run (s, LSC_RUN_WARMUP, cancellable, error))
        return FALSE;
    }
  /* Counts sum over the timed runs only. */
  lsc_profile_recorder_reset_counts (s->recorder);
  for (guint i = 0; i < o->runs; i++)
    {
      /* Unprofiled runs alternate before and after the profiled one, so
       * a drift in speed (frequency, a neighbour) falls on both alike. */
      const gboolean off_first = o->measure_overhead && i % 2 == 1;

      progress (s, done, total, "run %u/%u", i + 1, o->runs);
      if (off_first && !unprofiled_run (s, cancellable, error))
        return FALSE;
      if (!profiled_run (s, LSC_RUN_TIMED, cancellable, error))
        return FALSE;
      if (o->measure_overhead && !off_first && !unprofiled_run (s, cancellable, error))
        return FALSE;
      done += per_timed;
    }
  progress (s, total, total, "done");
  return TRUE;
}

LscProfileReport *
lsc_profile_executor (LscExecutor             *executor,
                      const LscTensor *const  *inputs,
                      guint                    n_inputs,
                      const LscProfileOptions *options,
                      GCancellable            *cancellable,
                      GError                 **error)
{
  LscPlan *plan = lsc_executor_get_plan (executor);
  const LscExecutorOptions *eo = lsc_executor_get_options (executor);
  Session s = { executor, inputs, n_inputs, options };
  gboolean ok;

  g_return_val_if_fail (inputs != NULL && n_inputs > 0 && options != NULL, NULL);
  if (options->runs < 1 || options->runs > 1000000 || options->warmup > 1000000)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "profiling needs 1 to 1000000 timed runs and at most 1000000 warm-up runs "
                   "(got %u and %u)", options->runs, options->warmup);
      return NULL;
    }

  lsc_clock_init (&s.clock);
  s.report = lsc_profile_report_new (lsc_plan_get_n_steps (plan), eo->n_threads);
  s.recorder = lsc_profile_recorder_new (&s.clock, eo->n_threads, lsc_executor_get_n_replicas (executor),
                                         lsc_plan_get_n_steps (plan));
  s.n_outputs = lsc_model_get_n_outputs (lsc_plan_get_model (plan));
  s.outputs = g_new0 (LscTensor *, s.n_outputs);
  fill_meta (&s);
  if (options->cold)
    setup_eviction (&s);
  setup_counters (&s);
  setup_monitor (&s);

  /* The calling thread stays on worker 0's core for the whole session,
   * like a dedicated inference thread: otherwise every run starts with a
   * migration, which on a busy machine waits for that core to be free. */
  lsc_thread_pool_enter (lsc_executor_get_pool (executor));
  ok = start_load (&s, error) && run_all (&s, cancellable, error);
  g_clear_pointer (&s.load, lsc_load_generator_free);
  lsc_thread_pool_leave (lsc_executor_get_pool (executor));

  teardown_monitor (&s);
  teardown_counters (&s);
  s.report->dropped_slices = lsc_profile_recorder_get_dropped (s.recorder);
  lsc_profile_recorder_free (s.recorder);
  for (guint i = 0; i < s.n_outputs; i++)
    g_clear_pointer (&s.outputs[i], lsc_tensor_free);
  g_free (s.outputs);
  g_free (s.evict);
  g_free (s.tids);
  g_clear_error (&s.counter_error);
  if (!ok)
    {
      lsc_profile_report_unref (s.report);
      return NULL;
    }
  lsc_profile_report_seal (s.report);
  return s.report;
}
