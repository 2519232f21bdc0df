/* layerscope bench MODEL [--batch B] [--runs N] [--warmup N] [--json]
 *   [--threads N] [--isa X] [--strategy S] [--pin P] [--no-fuse]:
 * times inference alone — the model is loaded, planned and bound first,
 * then warm-up runs, then the timed runs. */

#include "lsc-cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <time.h>

#include "lsc-cli-engine.h"
#include "model/lsc-model.h"
#include "profile/lsc-stats.h"

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
lsc_cli_bench (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  g_autofree LscShape *shapes = NULL;
  g_autofree LscTensor **outputs = NULL;
  g_autofree double *times = NULL;
  g_auto(LscCliEngineOptions) engine = { 0 };
  LscPlan *plan;
  const LscExecutorOptions *exec_options;
  int batch = 1, runs = 30, warmup = 5;
  gboolean json = FALSE;
  double median, min, p90, mean, t_load, t_plan;
  LscStats stats;
  guint n_in, n_out;
  const GOptionEntry entries[] = {
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Samples per run (default 1)", "B" },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Timed runs (default 30)", "N" },
    { "warmup", 'w', 0, G_OPTION_ARG_INT, &warmup, "Untimed runs first (default 5)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Time inference alone: load, plan and bind first, then warm-up runs, then the\n"
                                "timed runs on seeded random inputs. Prints the median, min and p90 (ms).");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_engine_options_add (&engine, context, FALSE);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    {
      return lsc_cli_fail_message ("bench takes exactly one MODEL file (see “layerscope bench --help”)");
    }
  if (batch < 1 || batch > 65536 || runs < 1 || runs > 1000000 || warmup < 0 || warmup > 1000000)
    {
      return lsc_cli_fail_message ("--batch must be 1…65536, --runs 1…1000000 and --warmup 0…1000000");
    }

  t_load = now_ms ();
  model = lsc_model_load (argv[1], &error);
  t_load = now_ms () - t_load;
  if (model == NULL || !lsc_model_make_random_inputs (model, batch, inputs, &error))
    goto fail;
  n_in = inputs->len;
  n_out = lsc_model_get_n_outputs (model);
  shapes = g_new0 (LscShape, n_in);
  for (guint i = 0; i < n_in; i++)
    shapes[i] = ((LscTensor *) g_ptr_array_index (inputs, i))->shape;
  t_plan = now_ms ();
  executor = lsc_cli_engine_prepare (&engine, model, shapes, n_in, &error);
  t_plan = now_ms () - t_plan;
  if (executor == NULL)
    goto fail;
  plan = lsc_executor_get_plan (executor);
  exec_options = lsc_executor_get_options (executor);

  /* Outputs are allocated by the first run and reused: the timed runs
   * allocate nothing. */
  outputs = g_new0 (LscTensor *, n_out);
  times = g_new (double, runs);
  for (int r = 0; r < warmup + runs; r++)
    {
      const double t0 = now_ms ();
      if (!lsc_executor_run (executor, (const LscTensor *const *) inputs->pdata, n_in, outputs, NULL, &error))
        goto fail;
      if (r >= warmup)
        times[r - warmup] = now_ms () - t0;
    }
  for (guint o = 0; o < n_out; o++)
    lsc_tensor_free (outputs[o]);

  /* Sorts times; the median of an even count is the mean of the middle
   * two, as benchmarks report it (the profiler's p50 is nearest-rank). */
  lsc_stats_compute (&stats, times, runs);
  min = stats.min;
  mean = stats.mean;
  p90 = stats.p90;
  median = runs % 2 ? times[runs / 2] : 0.5 * (times[runs / 2 - 1] + times[runs / 2]);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "engine");
      json_builder_add_string_value (b, "layerscope");
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, batch);
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, exec_options->n_threads);
      json_builder_set_member_name (b, "isa");
      json_builder_add_string_value (b, lsc_isa_to_string (lsc_plan_get_isa (plan)));
      json_builder_set_member_name (b, "strategy");
      json_builder_add_string_value (b, lsc_strategy_to_string (exec_options->strategy));
      json_builder_set_member_name (b, "pin");
      json_builder_add_string_value (b, lsc_pin_policy_to_string (exec_options->pin));
      json_builder_set_member_name (b, "fuse");
      json_builder_add_boolean_value (b, lsc_plan_get_fuse (plan));
      json_builder_set_member_name (b, "warmup");
      json_builder_add_int_value (b, warmup);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, runs);
      json_builder_set_member_name (b, "median_ms");
      json_builder_add_double_value (b, median);
      json_builder_set_member_name (b, "min_ms");
      json_builder_add_double_value (b, min);
      json_builder_set_member_name (b, "p90_ms");
      json_builder_add_double_value (b, p90);
      json_builder_set_member_name (b, "mean_ms");
      json_builder_add_double_value (b, mean);
      json_builder_set_member_name (b, "load_ms");
      json_builder_add_double_value (b, t_load);
      json_builder_set_member_name (b, "plan_ms");
      json_builder_add_double_value (b, t_plan);
      json_builder_set_member_name (b, "arena_bytes");
      json_builder_add_int_value (b, lsc_plan_get_arena_bytes (plan));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_print ("Model: %s · batch %d · %u thread%s (%s, pin %s) · %s · %s\n", argv[1], batch,
               exec_options->n_threads, exec_options->n_threads == 1 ? "" : "s",
               lsc_strategy_to_string (exec_options->strategy),
               lsc_pin_policy_to_string (exec_options->pin),
               lsc_isa_to_string (lsc_plan_get_isa (plan)),
               lsc_plan_get_fuse (plan) ? "fused" : "unfused");
      g_print ("Loaded in %.1f ms; planned (weights packed, threads started, arena bound) in %.1f ms\n",
               t_load, t_plan);
      g_print ("%d timed runs after %d warm-up: median %.3f ms, min %.3f ms, p90 %.3f ms (mean %.3f ms)\n",
               runs, warmup, median, min, p90, mean);
      g_print ("Throughput at the median: %.1f samples/s\n", batch * 1000.0 / median);
    }
  return 0;

fail:
  return lsc_cli_fail (error);
}
