/* layerscope profile MODEL [IMAGE…] [--threads N] [--batch B] [--isa X]
 *   [--runs N] [--warmup N] [--cold] [--strategy S] [--pin P] [--no-fuse]
 *   [--json F] [--csv F] [--trace F] [--session F] …:
 * per-layer, per-worker timing of the planned engine, with what profiling
 * itself cost, counters where the machine has them, and the CPU monitor. */

#include "config.h"

#include "lsc-cli.h"

#include <stdio.h>

#include "lsc-cli-engine.h"
#include "lsc-cli-report.h"
#include "model/lsc-model.h"
#include "probe/lsc-probe.h"
#include "profile/lsc-profiler.h"

int
lsc_cli_profile (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL [IMAGE…]");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(LscProfileReport) report = NULL;
  g_autoptr(LscCounterBackend) counters = NULL;
  g_autoptr(LscProbe) probe = NULL;
  g_autoptr(JsonNode) probe_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *load = NULL;
  LscLoadSpec load_spec;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  g_autofree LscShape *shapes = NULL;
  g_autofree char *preprocess = NULL;
  g_auto(LscCliEngineOptions) engine = { 0 };
  g_auto(LscCliExportOptions) exports = { 0 };
  LscProfileOptions options;
  int batch = 0, runs = 100, warmup = 5;
  gboolean cold = FALSE, no_overhead = FALSE, no_counters = FALSE, no_monitor = FALSE, quiet = FALSE;
  FILE *table;
  const GOptionEntry entries[] = {
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Samples per run (default 1, or the number of images)", "B" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Timed runs (default 100; a p90 needs 64, a p99 662)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Warm-up runs after the first (default 5)", "N" },
    { "cold", 0, 0, G_OPTION_ARG_NONE, &cold, "Evict the caches before every run", NULL },
    { "load", 0, 0, G_OPTION_ARG_STRING, &load,
      "Background load during the runs: cpu:CPUS (busy loops) or mem:CPUS (memory-bandwidth hogs), "
      "CPUS like 1, 0,1, 0-3 or all", "SPEC" },
    { "preprocess", 'p', 0, G_OPTION_ARG_STRING, &preprocess,
      "Image preprocessing: raw, unit (default), tf, caffe or torch", "M" },
    { "no-overhead", 0, 0, G_OPTION_ARG_NONE, &no_overhead,
      "Do not interleave unprofiled runs to measure the profiler's own cost", NULL },
    { "no-counters", 0, 0, G_OPTION_ARG_NONE, &no_counters, "Do not open hardware counters", NULL },
    { "no-monitor", 0, 0, G_OPTION_ARG_NONE, &no_monitor, "Do not sample /proc/stat meanwhile", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No table, only the exports", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Profile inference: a first run, warm-up runs, then timed runs with per-layer and\n"
                                "per-worker timestamps. Prints each layer's median, p90 and p99, its share, GFLOP/s,\n"
                                "GB/s, arithmetic intensity, working set against the caches, parallel efficiency and\n"
                                "load imbalance, and what profiling itself cost (interleaved unprofiled runs).");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_engine_options_add (&engine, context, FALSE);
  lsc_cli_export_options_add (&exports, context);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc < 2)
    return lsc_cli_fail_message ("profile needs a MODEL file (see “layerscope profile --help”)");
  if (batch < 0 || batch > 65536)
    return lsc_cli_fail_message ("--batch must be 1…65536, not %d", batch);
  if (runs < 1 || runs > 1000000)
    return lsc_cli_fail_message ("--runs must be 1…1000000, not %d", runs);
  if (warmup < 0 || warmup > 1000000)
    return lsc_cli_fail_message ("--warmup must be 0…1000000, not %d", warmup);
  if (!lsc_cli_export_options_check (&exports, &error))
    return lsc_cli_fail (error);

  if (load != NULL)
    {
      if (!lsc_load_spec_parse (load, &load_spec, &error))
        return lsc_cli_fail (error);
    }
  model = lsc_model_load (argv[1], &error);
  if (model == NULL
      || !lsc_cli_make_inputs (model, (const char *const *) argv + 2, (guint) (argc - 2), batch, preprocess, inputs, &error))
    return lsc_cli_fail (error);
  shapes = g_new0 (LscShape, inputs->len);
  for (guint i = 0; i < inputs->len; i++)
    shapes[i] = ((LscTensor *) g_ptr_array_index (inputs, i))->shape;
  executor = lsc_cli_engine_prepare (&engine, model, shapes, inputs->len, &error);
  if (executor == NULL)
    return lsc_cli_fail (error);

  lsc_profile_options_init (&options);
  options.runs = runs;
  options.warmup = warmup;
  options.cold = cold;
  options.load = load != NULL ? &load_spec : NULL;
  options.measure_overhead = !no_overhead;
  options.monitor = !no_monitor;
  options.version = PACKAGE_VERSION;
  options.progress = lsc_cli_progress;
  options.progress_data = (gpointer) lsc_model_get_name (model);
  /* LSC_COUNTERS=perf (default), fake or off picks the backend. */
  counters = no_counters ? lsc_counter_backend_new_off ("switched off with --no-counters")
                         : lsc_counter_backend_new_default ();
  options.counters = counters;
  /* The roofs come from this CPU's cached probe; without one the report
   * says how to make it (a probe takes ~10 s: not done behind the user's
   * back). */
  probe = lsc_probe_load_cached (NULL);
  if (probe != NULL)
    options.probe = probe_json = lsc_probe_to_json (probe);

  report = lsc_profile_executor (executor, (const LscTensor *const *) inputs->pdata, inputs->len,
                                 &options, NULL, &error);
  lsc_cli_progress_done ();
  if (report == NULL)
    return lsc_cli_fail (error);

  table = lsc_cli_export_options_use_stdout (&exports) ? stderr : stdout;
  if (!quiet)
    lsc_cli_print_report (table, report);
  if (!lsc_cli_export_report (&exports, report, &error))
    return lsc_cli_fail (error);
  return 0;
}
