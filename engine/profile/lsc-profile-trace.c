#include "profile/lsc-profile-export.h"

/* Chrome Trace Event JSON ("JSON Object Format"): one process, a lane
 * (tid) per worker with a slice per run and, nested in it, a slice per
 * layer the worker was busy with; a lane per replica with the layers'
 * spans; and the CPU monitor's samples as counter tracks. Timestamps are
 * microseconds (fractions kept). */

#define SPAN_TID_BASE 1000

static void
add_meta (JsonBuilder *b,
          const char  *name,
          gint64       tid,
          const char  *key,
          const char  *value)
{
  json_builder_begin_object (b);
  lsc_json_add_string (b, "name", name);
  lsc_json_add_string (b, "ph", "M");
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "tid");
  json_builder_add_int_value (b, tid);
  json_builder_set_member_name (b, "args");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
begin_complete (JsonBuilder *b,
                const char  *name,
                const char  *cat,
                gint64       tid,
                double       t0_ns,
                double       t1_ns)
{
  json_builder_begin_object (b);
  lsc_json_add_string (b, "name", name);
  lsc_json_add_string (b, "cat", cat);
  lsc_json_add_string (b, "ph", "X");
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "tid");
  json_builder_add_int_value (b, tid);
  lsc_json_add_number (b, "ts", t0_ns / 1e3);
  lsc_json_add_number (b, "dur", (t1_ns - t0_ns) / 1e3);
}

JsonNode *
lsc_profile_report_to_trace (LscProfileReport *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *process = NULL;

  g_return_val_if_fail (r->sealed, NULL);
  json_builder_begin_object (b);
  lsc_json_add_string (b, "displayTimeUnit", "ns");
  json_builder_set_member_name (b, "traceEvents");
  json_builder_begin_array (b);

  process = g_strdup_printf ("layerscope: %s (%u thread%s, %s, batch %u)", r->model_name,
                             r->n_threads, r->n_threads == 1 ? "" : "s", r->strategy, r->batch);
  add_meta (b, "process_name", 0, "name", process);
  for (guint w = 0; w < r->n_workers; w++)
    {
      g_autofree char *name = r->workers[w].cpu >= 0
                              ? g_strdup_printf ("worker %u (CPU %d)", w, r->workers[w].cpu)
                              : g_strdup_printf ("worker %u (unpinned)", w);
      add_meta (b, "thread_name", w, "name", name);
    }
  for (guint k = 0; k < r->n_replicas; k++)
    {
      g_autofree char *name = r->n_replicas > 1 ? g_strdup_printf ("layers, replica %u", k)
                                                : g_strdup ("layers");
      add_meta (b, "thread_name", SPAN_TID_BASE + k, "name", name);
    }

  /* Each run on every lane, so the layer slices nest in it. */
  for (guint i = 0; i < r->runs->len; i++)
    {
      const LscProfileRun *run = &g_array_index (r->runs, LscProfileRun, i);
      g_autofree char *name = g_strdup_printf ("run %u (%s)", i, lsc_run_kind_to_string (run->kind));

      for (guint lane = 0; lane < r->n_workers + r->n_replicas; lane++)
        {
          const gint64 tid = lane < r->n_workers ? lane : SPAN_TID_BASE + (lane - r->n_workers);

          begin_complete (b, name, "run", tid, run->start_ns, run->start_ns + run->wall_ns);
          json_builder_set_member_name (b, "args");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "run");
          json_builder_add_int_value (b, i);
          lsc_json_add_string (b, "kind", lsc_run_kind_to_string (run->kind));
          json_builder_set_member_name (b, "interfered");
          json_builder_add_boolean_value (b, run->interfered);
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
    }

  for (guint i = 0; i < r->slices->len; i++)
    {
      const LscProfileSlice *s = &g_array_index (r->slices, LscProfileSlice, i);
      const LscProfileLayer *l = &r->layers[s->layer];
      const gboolean span = s->kind == LSC_SLICE_SPAN;

      begin_complete (b, l->name, span ? "layer" : "busy",
                      span ? SPAN_TID_BASE + s->worker : s->worker, s->t0_ns, s->t1_ns);
      json_builder_set_member_name (b, "args");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "layer");
      json_builder_add_int_value (b, s->layer);
      json_builder_set_member_name (b, "run");
      json_builder_add_int_value (b, s->run);
      lsc_json_add_string (b, "kernel", l->kernel);
      lsc_json_add_string (b, "layers", l->layers);
      json_builder_set_member_name (b, "cpu");
      json_builder_add_int_value (b, s->cpu);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }

  for (guint i = 0; i < r->cpu_samples->len; i++)
    {
      const LscProfileCpuSample *smp = &g_array_index (r->cpu_samples, LscProfileCpuSample, i);

      for (guint c = 0; c < r->n_cpus; c++)
        {
          g_autofree char *name = g_strdup_printf ("CPU %u busy %%", c);

          json_builder_begin_object (b);
          lsc_json_add_string (b, "name", name);
          lsc_json_add_string (b, "ph", "C");
          json_builder_set_member_name (b, "pid");
          json_builder_add_int_value (b, 1);
          lsc_json_add_number (b, "ts", smp->t_ns / 1e3);
          json_builder_set_member_name (b, "args");
          json_builder_begin_object (b);
          lsc_json_add_number (b, "others", 100.0 * smp->other[c]);
          lsc_json_add_number (b, "this profile", 100.0 * (smp->util[c] - smp->other[c]));
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
    }

  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
