#include "profile/lsc-profile-export.h"

#include <math.h>
#include <stdio.h>

/* The JSON export: everything the report holds except the slices (those
 * are the trace's) and the CPU monitor's raw samples (summarised). */

static const char *const fits_names[] = { "L1", "L2", "L3", "DRAM" };

const char *
lsc_profile_fits_to_string (int fits)
{
  return fits >= 0 && fits < (int) G_N_ELEMENTS (fits_names) ? fits_names[fits] : NULL;
}

void
lsc_json_add_number (JsonBuilder *b,
                     const char  *name,
                     double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
lsc_json_add_string (JsonBuilder *b,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

/* {"n", "min", "p50", "p90", "p90_ok", "p99", "p99_ok", "max", "mean", "sd"}:
 * a percentile with too few samples keeps its value, with its _ok false. */
static void
add_stats (JsonBuilder    *b,
           const char     *name,
           const LscStats *st)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_int (b, "n", st->n);
  lsc_json_add_number (b, "min", st->min);
  lsc_json_add_number (b, "p50", st->p50);
  lsc_json_add_number (b, "p90", st->p90);
  add_bool (b, "p90_ok", st->p90_ok);
  lsc_json_add_number (b, "p99", st->p99);
  add_bool (b, "p99_ok", st->p99_ok);
  lsc_json_add_number (b, "max", st->max);
  lsc_json_add_number (b, "mean", st->mean);
  lsc_json_add_number (b, "sd", st->sd);
  json_builder_end_object (b);
}

static void
add_counters (JsonBuilder      *b,
              LscProfileReport *r,
              const double     *values)
{
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    lsc_json_add_number (b, lsc_counter_to_string (c),
                         (r->counter_mask & (1u << c)) ? values[c] : NAN);
  json_builder_end_object (b);
}

static void
add_layer (JsonBuilder      *b,
           LscProfileReport *r,
           guint             i)
{
  const LscProfileLayer *l = &r->layers[i];

  json_builder_begin_object (b);
  add_int (b, "index", i);
  lsc_json_add_string (b, "name", l->name);
  lsc_json_add_string (b, "layers", l->layers);
  lsc_json_add_string (b, "op", l->op);
  lsc_json_add_string (b, "kernel", l->kernel);
  lsc_json_add_number (b, "flops", l->flops);
  lsc_json_add_number (b, "weight_bytes", l->weight_bytes);
  lsc_json_add_number (b, "input_bytes", l->input_bytes);
  lsc_json_add_number (b, "output_bytes", l->output_bytes);
  lsc_json_add_number (b, "working_set_bytes", l->working_set_bytes);
  lsc_json_add_string (b, "fits", lsc_profile_fits_to_string (l->fits));
  lsc_json_add_number (b, "first_ns", l->first_ns);
  add_stats (b, "warmup_ns", &l->warmup);
  add_stats (b, "time_ns", &l->time);
  lsc_json_add_number (b, "intensity", l->intensity);
  lsc_json_add_number (b, "gflops", l->gflops);
  lsc_json_add_number (b, "gbs", l->gbs);
  lsc_json_add_number (b, "share", l->share);
  lsc_json_add_number (b, "efficiency", l->efficiency);
  lsc_json_add_number (b, "imbalance", l->imbalance);
  add_counters (b, r, l->counters);
  lsc_json_add_number (b, "roof_gflops", l->roof_gflops);
  lsc_json_add_string (b, "bound", l->compute_bound < 0 ? NULL : l->compute_bound ? "compute" : "memory");
  json_builder_end_object (b);
}

JsonNode *
lsc_profile_report_to_json (LscProfileReport *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (r->sealed, NULL);
  json_builder_begin_object (b);
  add_int (b, "schema", LSC_PROFILE_SCHEMA_VERSION);
  lsc_json_add_string (b, "generator", "layerscope");
  lsc_json_add_string (b, "version", r->layerscope_version);
  lsc_json_add_string (b, "created", r->created);
  lsc_json_add_string (b, "host", r->host);

  json_builder_set_member_name (b, "model");
  json_builder_begin_object (b);
  lsc_json_add_string (b, "path", r->model_path);
  lsc_json_add_string (b, "name", r->model_name);
  add_int (b, "params", r->model_params);
  add_int (b, "macs_per_sample", r->model_macs);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  add_int (b, "batch", r->batch);
  add_int (b, "threads", r->n_threads);
  lsc_json_add_string (b, "strategy", r->strategy);
  lsc_json_add_string (b, "pin", r->pin);
  lsc_json_add_string (b, "isa", r->isa);
  add_bool (b, "fused", r->fused);
  add_bool (b, "cold", r->cold);
  add_int (b, "replicas", r->n_replicas);
  lsc_json_add_string (b, "background_load", r->background_load);
  add_int (b, "warmup_runs", lsc_profile_report_count_runs (r, LSC_RUN_WARMUP));
  add_int (b, "timed_runs", lsc_profile_report_count_runs (r, LSC_RUN_TIMED));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "clock");
  json_builder_begin_object (b);
  lsc_json_add_string (b, "source", r->clock_source);
  lsc_json_add_string (b, "why", r->clock_why);
  lsc_json_add_number (b, "resolution_ns", r->clock_resolution_ns);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "caches");
  json_builder_begin_object (b);
  for (int c = 0; c < 3; c++)
    lsc_json_add_number (b, fits_names[c], r->cache_bytes[c] > 0 ? (double) r->cache_bytes[c] : NAN);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "machine");
  if (r->machine != NULL)
    json_builder_add_value (b, json_node_copy (r->machine));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "probe");
  if (r->probe != NULL)
    json_builder_add_value (b, json_node_copy (r->probe));
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  add_stats (b, "wall_ns", &r->wall);
  add_stats (b, "unprofiled_wall_ns", &r->off_wall);
  lsc_json_add_number (b, "overhead", r->overhead);
  add_int (b, "interfered_runs", r->n_interfered);
  lsc_json_add_number (b, "max_other_load", r->max_other_load);
  add_int (b, "max_other_cpu", r->max_other_cpu);
  add_int (b, "dropped_slices", (gint64) r->dropped_slices);
  json_builder_end_object (b);

  /* The roofs this profile's points are drawn against. */
  json_builder_set_member_name (b, "roofs");
  json_builder_begin_object (b);
  lsc_json_add_number (b, "peak_gflops", r->roof_peak_gflops);
  for (int c = 0; c < 4; c++)
    lsc_json_add_number (b, fits_names[c], r->roof_gbs[c]);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  lsc_json_add_string (b, "backend", r->counter_backend);
  add_bool (b, "available", r->counter_mask != 0);
  lsc_json_add_string (b, "reason", r->counter_reason);
  add_bool (b, "multiplexed", r->counter_multiplexed);
  json_builder_set_member_name (b, "counted");
  json_builder_begin_array (b);
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    if (r->counter_mask & (1u << c))
      json_builder_add_string_value (b, lsc_counter_to_string (c));
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "monitor");
  json_builder_begin_object (b);
  lsc_json_add_number (b, "hz", r->monitor_hz);
  add_int (b, "samples", r->cpu_samples->len);
  add_int (b, "cpus", r->n_cpus);
  lsc_json_add_string (b, "reason", r->monitor_reason);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->n_layers; i++)
    add_layer (b, r, i);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "workers");
  json_builder_begin_array (b);
  for (guint w = 0; w < r->n_workers; w++)
    {
      const LscProfileWorker *wk = &r->workers[w];

      json_builder_begin_object (b);
      add_int (b, "index", w);
      add_int (b, "cpu", wk->cpu);
      lsc_json_add_number (b, "busy_ns", wk->busy_ns);
      lsc_json_add_number (b, "idle_ns", wk->idle_ns);
      lsc_json_add_number (b, "spin_ns", wk->spin_ns);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->runs->len; i++)
    {
      const LscProfileRun *run = &g_array_index (r->runs, LscProfileRun, i);

      json_builder_begin_object (b);
      lsc_json_add_string (b, "kind", lsc_run_kind_to_string (run->kind));
      lsc_json_add_number (b, "start_ns", run->start_ns);
      lsc_json_add_number (b, "wall_ns", run->wall_ns);
      lsc_json_add_number (b, "layers_ns", run->layers_ns);
      add_bool (b, "interfered", run->interfered);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
lsc_profile_json_to_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

gboolean
lsc_profile_write_text (const char *path,
                        const char *text,
                        GError    **error)
{
  if (g_strcmp0 (path, "-") == 0)
    {
      fputs (text, stdout);
      /* A terminal prompt after JSON wants a newline; CSV has its own. */
      if (!g_str_has_suffix (text, "\n"))
        fputc ('\n', stdout);
      if (fflush (stdout) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write to standard output");
          return FALSE;
        }
      return TRUE;
    }
  return g_file_set_contents (path, text, -1, error);
}
