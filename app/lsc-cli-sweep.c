/* layerscope sweep MODEL [IMAGE…] --over threads|batch|isa|strategy|pin
 *   [--values V,V…] [--runs N] [--warmup N] [--cold] [engine options]
 *   [--json F] [--csv F]:
 * the same model profiled at each value of one setting; per-layer medians
 * for every point, latency and throughput, and for threads an Amdahl fit. */

#include "lsc-cli.h"

#include <math.h>
#include <stdio.h>

#include "lsc-cli-engine.h"
#include "lsc-cli-report.h"
#include "model/lsc-model.h"
#include "profile/lsc-profile-export.h"
#include "profile/lsc-sweep.h"

static void
print_sweep (FILE     *out,
             LscSweep *sweep)
{
  const LscSweepPoint *base = &sweep->points[0];

  fprintf (out, "Sweep over %s: %u points, %u timed runs each\n\n", lsc_sweep_kind_to_string (sweep->kind),
           sweep->n_points, base->report->wall.n);
  fprintf (out, "%-16s %12s %14s %9s %11s\n", "point", "median", "samples/s", "speed-up", "efficiency");
  for (guint i = 0; i < sweep->n_points; i++)
    {
      const LscSweepPoint *p = &sweep->points[i];
      const double speedup = (base->latency_ns / base->batch) / (p->latency_ns / p->batch);

      fprintf (out, "%-16s %9.3f ms %14.1f %8.2f× ", p->label, p->latency_ns / 1e6, p->throughput, speedup);
      if (sweep->kind == LSC_SWEEP_THREADS)
        fprintf (out, "%10.0f %%", 100.0 * speedup * base->threads / p->threads);
      fprintf (out, "\n");
    }
  if (sweep->kind == LSC_SWEEP_THREADS)
    {
      if (isnan (sweep->serial_fraction))
        fprintf (out, "\nAmdahl fit: needs a 1-thread point and another one\n");
      else
        fprintf (out, "\nAmdahl fit: serial fraction %.1f %% (at most %.1f× with any number of threads)\n",
                 100.0 * sweep->serial_fraction,
                 sweep->serial_fraction > 0 ? 1.0 / sweep->serial_fraction : INFINITY);
    }

  /* Per-layer medians, one column per point. */
  fprintf (out, "\n%4s  %-28s", "#", "layer (median µs)");
  for (guint i = 0; i < sweep->n_points; i++)
    fprintf (out, " %12.12s", sweep->points[i].label);
  if (sweep->layer_serial_fraction != NULL)
    fprintf (out, " %8s", "serial");
  fprintf (out, "\n");
  for (guint l = 0; l < base->report->n_layers; l++)
    {
      fprintf (out, "%4u  %-28.28s", l, base->report->layers[l].name);
      for (guint i = 0; i < sweep->n_points; i++)
        {
          const LscProfileReport *r = sweep->points[i].report;
          fprintf (out, " %12.1f", l < r->n_layers ? r->layers[l].time.p50 / 1e3 : NAN);
        }
      if (sweep->layer_serial_fraction != NULL)
        fprintf (out, " %7.0f%%", 100.0 * sweep->layer_serial_fraction[l]);
      fprintf (out, "\n");
    }
}

int
lsc_cli_sweep (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL [IMAGE…]");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscSweep) sweep = NULL;
  g_autoptr(LscCounterBackend) counters = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *load = NULL;
  LscLoadSpec load_spec;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  g_auto(LscCliEngineOptions) engine = { 0 };
  g_autofree char *over = NULL, *values = NULL, *json = NULL, *csv = NULL;
  LscSweepOptions options;
  int batch = 1, runs = 30, warmup = 3;
  gboolean cold = FALSE;
  FILE *table;
  const GOptionEntry entries[] = {
    { "over", 0, 0, G_OPTION_ARG_STRING, &over, "What to vary: threads, batch, isa, strategy or pin", "KNOB" },
    { "values", 0, 0, G_OPTION_ARG_STRING, &values,
      "Comma-separated values (default: threads 1…cores, batch 1,2,4…64, every ISA, both strategies, "
      "all pinnings)", "V,V…" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Samples per run when not sweeping batch (default 1)", "B" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Timed runs per point (default 30)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Warm-up runs per point (default 3)", "N" },
    { "cold", 0, 0, G_OPTION_ARG_NONE, &cold, "Evict the caches before every run", NULL },
    { "load", 0, 0, G_OPTION_ARG_STRING, &load,
      "Background load during the runs: cpu:CPUS (busy loops) or mem:CPUS (memory-bandwidth hogs), "
      "CPUS like 1, 0,1, 0-3 or all", "SPEC" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write the sweep as JSON, a full profile per point (- for standard output)", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Write a CSV row per point and layer (- for standard output)", "FILE" },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Profile the model at each value of one setting and compare: latency, throughput,\n"
                                "speed-up and per-layer medians for every point; for threads, the serial fraction\n"
                                "of an Amdahl fit, overall and per layer. Random inputs, or the IMAGEs repeated.");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_engine_options_add (&engine, context, FALSE);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc < 2)
    return lsc_cli_fail_message ("sweep needs a MODEL file (see “layerscope sweep --help”)");
  if (over == NULL)
    return lsc_cli_fail_message ("sweep needs --over threads, batch, isa, strategy or pin");
  if (batch < 1 || batch > 65536 || runs < 1 || runs > 1000000 || warmup < 0 || warmup > 1000000)
    return lsc_cli_fail_message ("--batch must be 1…65536, --runs 1…1000000 and --warmup 0…1000000");
  if (g_strcmp0 (json, "-") == 0 && g_strcmp0 (csv, "-") == 0)
    return lsc_cli_fail_message ("only one of --json and --csv can write to standard output (-)");

  lsc_sweep_options_init (&options);
  if (!lsc_sweep_kind_from_string (over, &options.kind, &error)
      || !lsc_isa_resolve (engine.isa, &options.plan.isa, &error)
      || (engine.strategy != NULL && !lsc_strategy_from_string (engine.strategy, &options.executor.strategy, &error))
      || (engine.pin != NULL && !lsc_pin_policy_from_string (engine.pin, &options.executor.pin, &error)))
    return lsc_cli_fail (error);
  if (engine.threads < 1)
    return lsc_cli_fail_message ("--threads: %d is not a thread count (1 or more)", engine.threads);
  options.values = values;
  options.plan.fuse = !engine.no_fuse;
  options.executor.n_threads = engine.threads;
  options.batch = batch;
  options.profile.runs = runs;
  options.profile.warmup = warmup;
  options.profile.cold = cold;
  options.profile.progress = lsc_cli_progress;
  options.profile.progress_data = NULL;
  counters = lsc_counter_backend_new_default ();
  options.profile.counters = counters;

  if (load != NULL)
    {
      if (!lsc_load_spec_parse (load, &load_spec, &error))
        return lsc_cli_fail (error);
      options.profile.load = &load_spec;
    }
  model = lsc_model_load (argv[1], &error);
  if (model == NULL)
    return lsc_cli_fail (error);
  if (!lsc_cli_make_inputs (model, (const char *const *) argv + 2, (guint) (argc - 2), 1, NULL, inputs, &error))
    return lsc_cli_fail (error);

  sweep = lsc_sweep_run (model, (const LscTensor *const *) inputs->pdata, inputs->len, &options, NULL, &error);
  lsc_cli_progress_done ();
  if (sweep == NULL)
    return lsc_cli_fail (error);

  table = g_strcmp0 (json, "-") == 0 || g_strcmp0 (csv, "-") == 0 ? stderr : stdout;
  print_sweep (table, sweep);
  if (json != NULL)
    {
      g_autoptr(JsonNode) node = lsc_sweep_to_json (sweep);
      g_autofree char *text = lsc_profile_json_to_text (node);

      if (!lsc_profile_write_text (json, text, &error))
        return lsc_cli_fail (error);
    }
  if (csv != NULL)
    {
      g_autofree char *text = lsc_sweep_to_csv (sweep);

      if (!lsc_profile_write_text (csv, text, &error))
        return lsc_cli_fail (error);
    }
  return 0;
}
