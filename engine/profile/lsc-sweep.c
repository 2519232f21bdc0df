#include "profile/lsc-sweep.h"

#include <math.h>
#include <string.h>

#include "probe/lsc-machine.h"
#include "profile/lsc-profile-export.h"

static const char *const kind_names[] = { "threads", "batch", "isa", "strategy", "pin" };

const char *
lsc_sweep_kind_to_string (LscSweepKind kind)
{
  g_return_val_if_fail (kind <= LSC_SWEEP_PIN, "unknown");
  return kind_names[kind];
}

gboolean
lsc_sweep_kind_from_string (const char   *name,
                            LscSweepKind *out,
                            GError      **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "cannot sweep over “%s” (choose threads, batch, isa, strategy or pin)", name);
  return FALSE;
}

void
lsc_sweep_options_init (LscSweepOptions *options)
{
  memset (options, 0, sizeof *options);
  lsc_plan_options_init (&options->plan);
  lsc_executor_options_init (&options->executor);
  options->batch = 1;
  lsc_profile_options_init (&options->profile);
  /* A sweep compares points; each point's own overhead check would double
   * its time for nothing. */
  options->profile.measure_overhead = FALSE;
  options->profile.runs = 30;
  options->profile.warmup = 3;
}

double
lsc_amdahl_fit (const guint  *n,
                const double *t,
                guint         count)
{
  double t1 = NAN, num = 0.0, den = 0.0;

  for (guint i = 0; i < count; i++)
    if (n[i] == 1)
      t1 = t[i];
  if (isnan (t1))
    return NAN;
  /* t_n − t1 / n = s · t1 (1 − 1/n): linear in s. */
  for (guint i = 0; i < count; i++)
    if (n[i] > 1)
      {
        const double a = t1 * (1.0 - 1.0 / n[i]);
        num += a * (t[i] - t1 / n[i]);
        den += a * a;
      }
  return den > 0.0 ? CLAMP (num / den, 0.0, 1.0) : NAN;
}

static guint
count_cores (void)
{
  g_autoptr(LscMachine) machine = lsc_machine_new_for_this_system (NULL);

  return machine != NULL ? machine->n_cores : 1;
}

/* The points' settings, from the values text or the defaults. */
static GArray *
make_points (const LscSweepOptions *o,
             GError               **error)
{
  GArray *points = g_array_new (FALSE, TRUE, sizeof (LscSweepPoint));
  g_auto(GStrv) values = NULL;
  g_autoptr(GString) defaults = g_string_new (NULL);

  switch (o->kind)
    {
    case LSC_SWEEP_THREADS:
      for (guint n = 1; n <= count_cores (); n++)
        g_string_append_printf (defaults, "%s%u", n > 1 ? "," : "", n);
      break;
    case LSC_SWEEP_BATCH:
      g_string_append (defaults, "1,2,4,8,16,32,64");
      break;
    case LSC_SWEEP_ISA:
      for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
        if (lsc_isa_is_supported (isa))
          g_string_append_printf (defaults, "%s%s", defaults->len > 0 ? "," : "", lsc_isa_to_string (isa));
      break;
    case LSC_SWEEP_STRATEGY:
      g_string_append (defaults, "intra,replicas");
      break;
    case LSC_SWEEP_PIN:
      g_string_append (defaults, "compact,scatter,none");
      break;
    }
  values = g_strsplit (o->values != NULL ? o->values : defaults->str, ",", -1);

  for (guint i = 0; values[i] != NULL; i++)
    {
      LscSweepPoint p = { NULL, o->executor.n_threads, o->batch, o->plan.isa, o->executor.strategy,
                          o->executor.pin, NULL, NAN, NAN };
      const char *v = g_strstrip (values[i]);
      guint64 number = 0;
      gboolean ok = TRUE;

      if (o->kind == LSC_SWEEP_THREADS || o->kind == LSC_SWEEP_BATCH)
        ok = g_ascii_string_to_unsigned (v, 10, 1, o->kind == LSC_SWEEP_BATCH ? 65536 : 4096, &number, NULL);
      switch (o->kind)
        {
        case LSC_SWEEP_THREADS:
          p.threads = number;
          p.label = g_strdup_printf ("%u thread%s", p.threads, p.threads == 1 ? "" : "s");
          break;
        case LSC_SWEEP_BATCH:
          p.batch = number;
          p.label = g_strdup_printf ("batch %u", p.batch);
          break;
        case LSC_SWEEP_ISA:
          ok = lsc_isa_from_string (v, &p.isa, NULL);
          p.label = g_strdup (v);
          break;
        case LSC_SWEEP_STRATEGY:
          ok = lsc_strategy_from_string (v, &p.strategy, NULL);
          p.label = g_strdup (v);
          break;
        case LSC_SWEEP_PIN:
          ok = lsc_pin_policy_from_string (v, &p.pin, NULL);
          p.label = g_strdup_printf ("pin %s", v);
          break;
        }
      g_array_append_val (points, p);
      if (!ok)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” is not a value of %s to sweep over%s", v, kind_names[o->kind],
                       o->kind == LSC_SWEEP_THREADS ? " (a thread count, 1 or more)"
                       : o->kind == LSC_SWEEP_BATCH ? " (a batch size, 1 to 65536)" : "");
          goto fail;
        }
    }
  return points;

fail:
  for (guint i = 0; i < points->len; i++)
    g_free (g_array_index (points, LscSweepPoint, i).label);
  g_array_unref (points);
  return NULL;
}

/* A batch of `batch` samples of each input, cycling through the given
 * ones. */
static GPtrArray *
batch_inputs (const LscTensor *const *inputs,
              guint                   n_inputs,
              guint                   batch)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);

  for (guint i = 0; i < n_inputs; i++)
    {
      LscShape shape = inputs[i]->shape;
      const int64_t have = shape.dims[0];
      const int64_t sample = lsc_tensor_numel (inputs[i]) / have;
      LscTensor *t;

      shape.dims[0] = batch;
      t = lsc_tensor_new (&shape);
      for (guint b = 0; b < batch; b++)
        memcpy (t->data + (int64_t) b * sample, inputs[i]->data + (b % have) * sample, sample * sizeof (float));
      g_ptr_array_add (out, t);
    }
  return out;
}

typedef struct
{
  const LscProfileOptions *options;
  guint                    point;
  guint                    n_points;
  const char              *label;
} Progress;

static void
point_progress (double      fraction,
                const char *what,
                gpointer    user_data)
{
  Progress *p = user_data;
  char text[96];

  g_snprintf (text, sizeof text, "%s (%u/%u): %s", p->label, p->point + 1, p->n_points, what);
  p->options->progress ((p->point + fraction) / p->n_points, text, p->options->progress_data);
}

static gboolean
run_point (LscModel               *model,
           const LscTensor *const *inputs,
           guint                   n_inputs,
           const LscSweepOptions  *o,
           LscSweepPoint          *p,
           Progress               *progress,
           GCancellable           *cancellable,
           GError                **error)
{
  g_autoptr(GPtrArray) batch = batch_inputs (inputs, n_inputs, p->batch);
  g_autofree LscShape *shapes = g_new0 (LscShape, n_inputs);
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  LscPlanOptions plan_options = o->plan;
  LscExecutorOptions exec_options = o->executor;
  LscProfileOptions profile = o->profile;

  for (guint i = 0; i < n_inputs; i++)
    shapes[i] = ((LscTensor *) g_ptr_array_index (batch, i))->shape;
  plan_options.isa = p->isa;
  exec_options.n_threads = p->threads;
  exec_options.strategy = p->strategy;
  exec_options.pin = p->pin;
  if (o->profile.progress != NULL)
    {
      profile.progress = point_progress;
      profile.progress_data = progress;
    }

  plan = lsc_plan_new (model, shapes, n_inputs, &plan_options, error);
  if (plan == NULL)
    return FALSE;
  executor = lsc_executor_new (plan, &exec_options, error);
  if (executor == NULL)
    return FALSE;
  p->report = lsc_profile_executor (executor, (const LscTensor *const *) batch->pdata, n_inputs,
                                    &profile, cancellable, error);
  if (p->report == NULL)
    return FALSE;
  p->latency_ns = p->report->wall.p50;
  p->throughput = p->batch / (p->latency_ns * 1e-9);
  return TRUE;
}

static void
fit_threads (LscSweep *sweep)
{
  g_autofree guint *n = g_new (guint, sweep->n_points);
  g_autofree double *t = g_new (double, sweep->n_points);

  for (guint i = 0; i < sweep->n_points; i++)
    {
      n[i] = sweep->points[i].threads;
      t[i] = sweep->points[i].latency_ns;
    }
  sweep->serial_fraction = lsc_amdahl_fit (n, t, sweep->n_points);
  sweep->n_layers = sweep->points[0].report->n_layers;
  sweep->layer_serial_fraction = g_new (double, sweep->n_layers);
  for (guint l = 0; l < sweep->n_layers; l++)
    {
      for (guint i = 0; i < sweep->n_points; i++)
        t[i] = l < sweep->points[i].report->n_layers ? sweep->points[i].report->layers[l].time.p50 : NAN;
      sweep->layer_serial_fraction[l] = lsc_amdahl_fit (n, t, sweep->n_points);
    }
}

LscSweep *
lsc_sweep_run (LscModel               *model,
               const LscTensor *const *inputs,
               guint                   n_inputs,
               const LscSweepOptions  *options,
               GCancellable           *cancellable,
               GError                **error)
{
  g_autoptr(LscSweep) sweep = g_new0 (LscSweep, 1);
  GArray *points;

  g_return_val_if_fail (inputs != NULL && n_inputs > 0 && options != NULL, NULL);
  points = make_points (options, error);
  if (points == NULL)
    return NULL;
  sweep->kind = options->kind;
  sweep->n_points = points->len;
  sweep->points = (LscSweepPoint *) g_array_free (points, FALSE);
  sweep->serial_fraction = NAN;

  for (guint i = 0; i < sweep->n_points; i++)
    {
      Progress progress = { &options->profile, i, sweep->n_points, sweep->points[i].label };
      GError *local = NULL;

      if (!run_point (model, inputs, n_inputs, options, &sweep->points[i], &progress, cancellable, &local))
        {
          g_propagate_prefixed_error (error, local, "%s: ", sweep->points[i].label);
          return NULL;
        }
    }
  if (sweep->kind == LSC_SWEEP_THREADS && sweep->n_points > 0)
    fit_threads (sweep);
  return g_steal_pointer (&sweep);
}

void
lsc_sweep_free (LscSweep *sweep)
{
  if (sweep == NULL)
    return;
  for (guint i = 0; i < sweep->n_points; i++)
    {
      g_free (sweep->points[i].label);
      g_clear_pointer (&sweep->points[i].report, lsc_profile_report_unref);
    }
  g_free (sweep->points);
  g_free (sweep->layer_serial_fraction);
  g_free (sweep);
}

JsonNode *
lsc_sweep_to_json (LscSweep *sweep)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema");
  json_builder_add_int_value (b, LSC_PROFILE_SCHEMA_VERSION);
  lsc_json_add_string (b, "sweep", kind_names[sweep->kind]);
  lsc_json_add_number (b, "serial_fraction", sweep->serial_fraction);
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint i = 0; i < sweep->n_points; i++)
    {
      const LscSweepPoint *p = &sweep->points[i];

      json_builder_begin_object (b);
      lsc_json_add_string (b, "label", p->label);
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, p->threads);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, p->batch);
      lsc_json_add_string (b, "isa", lsc_isa_to_string (p->isa));
      lsc_json_add_string (b, "strategy", lsc_strategy_to_string (p->strategy));
      lsc_json_add_string (b, "pin", lsc_pin_policy_to_string (p->pin));
      lsc_json_add_number (b, "latency_ns", p->latency_ns);
      lsc_json_add_number (b, "throughput", p->throughput);
      json_builder_set_member_name (b, "profile");
      json_builder_add_value (b, lsc_profile_report_to_json (p->report));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (sweep->layer_serial_fraction != NULL)
    {
      json_builder_set_member_name (b, "layer_serial_fraction");
      json_builder_begin_array (b);
      for (guint l = 0; l < sweep->n_layers; l++)
        if (isfinite (sweep->layer_serial_fraction[l]))
          json_builder_add_double_value (b, sweep->layer_serial_fraction[l]);
        else
          json_builder_add_null_value (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
lsc_sweep_to_csv (LscSweep *sweep)
{
  GString *out = g_string_new ("point,label,threads,batch,isa,strategy,pin,layer,name,kernel,"
                               "p50_us,p90_us,mean_us,share,gflops\n");

  for (guint i = 0; i < sweep->n_points; i++)
    {
      const LscSweepPoint *p = &sweep->points[i];

      for (guint l = 0; l < p->report->n_layers; l++)
        {
          const LscProfileLayer *layer = &p->report->layers[l];

          g_string_append_printf (out, "%u,%s,%u,%u,%s,%s,%s,%u,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g\n",
                                  i, p->label, p->threads, p->batch, lsc_isa_to_string (p->isa),
                                  lsc_strategy_to_string (p->strategy), lsc_pin_policy_to_string (p->pin),
                                  l, layer->name, layer->kernel, layer->time.p50 / 1e3,
                                  layer->time.p90 / 1e3, layer->time.mean / 1e3, layer->share, layer->gflops);
        }
    }
  return g_string_free (out, FALSE);
}
