/* The profiler: statistics and the report's aggregates against values
 * computed by hand from a fixed list of events; the clock against
 * CLOCK_MONOTONIC; and real profiled runs (per-layer sums against the wall
 * time, the Chrome trace parsed back). */

#include <math.h>
#include <string.h>

#include "plan/lsc-executor.h"
#include "probe/lsc-machine.h"
#include "profile/lsc-clock.h"
#include "profile/lsc-profile-export.h"
#include "profile/lsc-profiler.h"
#include "profile/lsc-stats.h"
#include "zoo/lsc-zoo.h"

#include "lsc-test-util.h"

#define assert_near(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-9 * MAX (1.0, fabs ((double) (b))))

/* ---- statistics --------------------------------------------------------- */

static void
test_stats_hand (void)
{
  /* 1 … 20, shuffled: nearest rank p50 = ceil (10) = 10, p90 = 18,
   * p99 = ceil (19.8) = 20. Mean 10.5, sample sd sqrt (35). */
  double v[20];
  LscStats st;

  for (int i = 0; i < 20; i++)
    v[i] = (double) ((i * 7) % 20 + 1);
  lsc_stats_compute (&st, v, 20);
  g_assert_cmpuint (st.n, ==, 20);
  assert_near (st.min, 1);
  assert_near (st.max, 20);
  assert_near (st.p50, 10);
  assert_near (st.p90, 18);
  assert_near (st.p99, 20);
  assert_near (st.mean, 10.5);
  assert_near (st.sd, sqrt (35.0));
  g_assert_false (st.p90_ok);
  g_assert_false (st.p99_ok);

  /* One sample: sd 0, every percentile the sample. */
  v[0] = 4.0;
  lsc_stats_compute (&st, v, 1);
  assert_near (st.p99, 4.0);
  assert_near (st.sd, 0.0);

  lsc_stats_compute (&st, v, 0);
  g_assert_cmpuint (st.n, ==, 0);
  g_assert_true (isnan (st.p50) && isnan (st.mean));
}

/* The sample-count marks follow the rule lsc-stats.c states: the smallest
 * n with (p/100)^n under 0.13 %. */
static void
test_stats_thresholds (void)
{
  g_autofree double *v = g_new (double, 700);
  LscStats st;
  guint n90 = 1, n99 = 1;

  while (pow (0.90, n90) >= 0.0013)
    n90++;
  while (pow (0.99, n99) >= 0.0013)
    n99++;
  g_assert_cmpuint (n90, ==, LSC_STATS_P90_MIN_SAMPLES);
  g_assert_cmpuint (n99, ==, LSC_STATS_P99_MIN_SAMPLES);

  for (guint i = 0; i < 700; i++)
    v[i] = i;
  lsc_stats_compute (&st, v, 63);
  g_assert_false (st.p90_ok);
  lsc_stats_compute (&st, v, 64);
  g_assert_true (st.p90_ok);
  g_assert_false (st.p99_ok);
  lsc_stats_compute (&st, v, 661);
  g_assert_false (st.p99_ok);
  lsc_stats_compute (&st, v, 662);
  g_assert_true (st.p99_ok);
  /* p99 of 0 … 661: rank ceil (655.38) = 656, the value 655. */
  assert_near (st.p99, 655);
}

/* ---- the report from a fixed event list ----------------------------------- */

static void
add_slice (LscProfileReport *r,
           guint             run,
           guint             layer,
           guint             worker,
           LscSliceKind      kind,
           double            t0,
           double            t1)
{
  LscProfileSlice s = { run, layer, worker, (gint16) worker, kind, t0, t1 };

  lsc_profile_report_add_slice (r, &s);
}

/* Two workers on CPUs 0 and 1, two layers, intra-op. Every timed run (100
 * µs wall): layer 0 for d0 µs (worker 0 busy all of it, worker 1 from
 * 2 µs for half of it), then layer 1 for 10 µs (worker 0 alone). */
static LscProfileReport *
hand_report (void)
{
  LscProfileReport *r = lsc_profile_report_new (2, 2);
  const double d0[3] = { 20000, 10000, 30000 };
  const float other1[3] = { 0.5f, 0.0f, 0.9f }, other2[3] = { 0.0f, 0.05f, 0.9f }, other3[3] = { 0.0f, 0.2f, 0.9f };
  const float util[3] = { 1.0f, 1.0f, 1.0f };
  const float freq[3] = { NAN, NAN, NAN };
  guint run;

  r->workers[0].cpu = 0;
  r->workers[1].cpu = 1;
  r->cache_bytes[0] = 1000;
  r->cache_bytes[1] = 10000;
  r->cache_bytes[2] = 100000;
  r->layers[0].name = g_strdup ("conv");
  r->layers[0].flops = 2000;
  r->layers[0].weight_bytes = 100;
  r->layers[0].input_bytes = 200;
  r->layers[0].output_bytes = 100;
  r->layers[1].name = g_strdup ("pool");
  r->layers[1].flops = 1000;
  r->layers[1].input_bytes = 4000;
  r->layers[1].output_bytes = 1000;
  r->counter_mask = (1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_INSTRUCTIONS);

  run = lsc_profile_report_add_run (r, LSC_RUN_FIRST, 0, 60000);
  add_slice (r, run, 0, 0, LSC_SLICE_SPAN, 0, 50000);
  add_slice (r, run, 1, 0, LSC_SLICE_SPAN, 50000, 55000);
  run = lsc_profile_report_add_run (r, LSC_RUN_WARMUP, 100000, 40000);
  add_slice (r, run, 0, 0, LSC_SLICE_SPAN, 100000, 125000);
  add_slice (r, run, 1, 0, LSC_SLICE_SPAN, 125000, 135000);

  for (int i = 0; i < 3; i++)
    {
      const double s = 1e6 * (i + 1);

      run = lsc_profile_report_add_run (r, LSC_RUN_TIMED, s, 100000);
      add_slice (r, run, 0, 0, LSC_SLICE_SPAN, s, s + d0[i]);
      add_slice (r, run, 0, 0, LSC_SLICE_BUSY, s, s + d0[i]);
      add_slice (r, run, 1, 0, LSC_SLICE_SPAN, s + d0[i], s + d0[i] + 10000);
      add_slice (r, run, 1, 0, LSC_SLICE_BUSY, s + d0[i], s + d0[i] + 10000);
      add_slice (r, run, 0, 1, LSC_SLICE_BUSY, s + 2000, s + 2000 + d0[i] / 2);
    }
  for (int i = 0; i < 3; i++)
    {
      double off = 90000 + 5000 * i;
      g_array_append_val (r->off_wall_ns, off);
    }

  r->counts[(0 * 2 + 0) * LSC_N_COUNTERS + LSC_COUNTER_CYCLES] = 100;
  r->counts[(1 * 2 + 0) * LSC_N_COUNTERS + LSC_COUNTER_CYCLES] = 50;
  r->counts[(0 * 2 + 1) * LSC_N_COUNTERS + LSC_COUNTER_INSTRUCTIONS] = 7;

  /* CPU 2 is nobody's: its load never counts. */
  r->n_cpus = 3;
  lsc_profile_report_add_cpu_sample (r, 1.05e6, util, other1, freq);
  lsc_profile_report_add_cpu_sample (r, 2.5e6, util, other2, freq);
  lsc_profile_report_add_cpu_sample (r, 3.5e6, util, other3, freq);
  lsc_profile_report_seal (r);
  return r;
}

static void
test_report_hand (void)
{
  g_autoptr(LscProfileReport) r = hand_report ();
  const LscProfileLayer *l0 = &r->layers[0], *l1 = &r->layers[1];

  /* Layer times over the timed runs: {20, 10, 30} µs and {10, 10, 10}. */
  g_assert_cmpuint (l0->time.n, ==, 3);
  assert_near (l0->time.min, 10000);
  assert_near (l0->time.p50, 20000);
  assert_near (l0->time.p90, 30000);
  assert_near (l0->time.mean, 20000);
  assert_near (l0->time.sd, 10000);
  g_assert_false (l0->time.p90_ok);
  assert_near (l1->time.p50, 10000);
  assert_near (l1->time.sd, 0);
  /* First and warm-up runs apart. */
  assert_near (l0->first_ns, 50000);
  assert_near (l1->first_ns, 5000);
  g_assert_cmpuint (l0->warmup.n, ==, 1);
  assert_near (l0->warmup.p50, 25000);

  /* Layer 0: busy (d + d/2) over 2 workers × d = 0.75, slowest / mean =
   * d / 0.75 d. Layer 1: 10 / (2 × 10) = 0.5, 10 / 5 = 2. */
  assert_near (l0->efficiency, 0.75);
  assert_near (l0->imbalance, 4.0 / 3.0);
  assert_near (l1->efficiency, 0.5);
  assert_near (l1->imbalance, 2.0);

  /* Shares of the median sum 20 + 10; rates at the median. */
  assert_near (l0->share, 2.0 / 3.0);
  assert_near (l1->share, 1.0 / 3.0);
  assert_near (l0->working_set_bytes, 400);
  assert_near (l0->intensity, 5.0);
  assert_near (l0->gflops, 2000.0 / 20000.0);
  assert_near (l0->gbs, 400.0 / 20000.0);
  g_assert_cmpint (l0->fits, ==, 0);   /* 400 B ≤ L1 1000 B */
  g_assert_cmpint (l1->fits, ==, 1);   /* 5000 B ≤ L2 */
  g_assert_cmpstr (lsc_profile_fits_to_string (l1->fits), ==, "L2");

  /* Counters: summed over workers, NAN when not counted. */
  assert_near (l0->counters[LSC_COUNTER_CYCLES], 150);
  assert_near (l1->counters[LSC_COUNTER_INSTRUCTIONS], 7);
  g_assert_true (isnan (l0->counters[LSC_COUNTER_L1D_MISSES]));
  g_assert_true (isnan (lsc_profile_report_get_count (r, 0, 0, LSC_COUNTER_LLC_MISSES)));
  assert_near (lsc_profile_report_get_count (r, 1, 0, LSC_COUNTER_CYCLES), 50);

  /* Workers over 3 × 100 µs. Worker 0: busy 60 + 30; its gaps are the
   * ends of the runs (70, 80, 60 µs), each spinning 50 µs at most.
   * Worker 1: busy 30; gaps 2 µs before and 88, 93, 83 µs after. */
  assert_near (r->workers[0].busy_ns, 90000);
  assert_near (r->workers[0].idle_ns, 210000);
  assert_near (r->workers[0].spin_ns, 150000);
  assert_near (r->workers[1].busy_ns, 30000);
  assert_near (r->workers[1].idle_ns, 270000);
  assert_near (r->workers[1].spin_ns, 3 * (2000 + 50000));

  /* Runs: per-layer sums, interference from the samples that overlap
   * (CPU 0 at 50 % during the first timed run, CPU 1 at 20 % during the
   * last; 5 % is under the threshold; CPU 2 is not ours). */
  g_assert_cmpuint (lsc_profile_report_count_runs (r, LSC_RUN_TIMED), ==, 3);
  assert_near (g_array_index (r->runs, LscProfileRun, 2).layers_ns, 30000);
  g_assert_true (g_array_index (r->runs, LscProfileRun, 2).interfered);
  g_assert_false (g_array_index (r->runs, LscProfileRun, 3).interfered);
  g_assert_true (g_array_index (r->runs, LscProfileRun, 4).interfered);
  g_assert_cmpuint (r->n_interfered, ==, 2);
  g_assert_cmpfloat_with_epsilon (r->max_other_load, 0.5, 1e-6);
  g_assert_cmpint (r->max_other_cpu, ==, 0);

  /* No probe: no roofs. */
  g_assert_true (isnan (r->roof_peak_gflops));
  g_assert_true (isnan (l0->roof_gflops));
  g_assert_cmpint (l0->compute_bound, ==, -1);

  /* Overhead: median 100 µs profiled against 95 µs unprofiled. */
  assert_near (r->wall.p50, 100000);
  assert_near (r->off_wall.p50, 95000);
  assert_near (r->overhead, 100000.0 / 95000.0 - 1.0);
}

/* Roofline points against a probe with hand-picked roofs: 200 GFLOP/s
 * with 2 avx512 threads; L1 800 GB/s, L2 400. Layer 0 (5 FLOP/B, in L1):
 * 800 × 5 = 4000 > 200, compute-bound at 200. Layer 1 (0.2 FLOP/B, in
 * L2): 400 × 0.2 = 80, memory-bound. */
static void
test_report_roofline (void)
{
  g_autoptr(LscProfileReport) r = lsc_profile_report_new (2, 2);
  g_autoptr(LscMachine) machine = lsc_machine_new_for_this_system (NULL);
  g_autoptr(JsonNode) machine_json = lsc_machine_to_json (machine);
  g_autofree char *machine_text = json_to_string (machine_json, FALSE);
  g_autofree char *text = g_strdup_printf (
    "{\"schema\": 1, \"measured_at\": \"2026-11-21T10:00:00Z\", \"seconds\": 1.0, \"trials\": 1, "
    "\"disturbed_trials\": 0, \"machine\": %s, \"frequency_ghz\": 3.0, \"thread_counts\": [1, 2], "
    "\"peak_gflops\": {\"scalar\": [1, 2], \"sse4\": [4, 8], \"avx2\": [50, 100], \"avx512\": [100, 200]}, "
    "\"bandwidth_isa\": \"avx512\", "
    "\"bandwidth_gbs\": {\"L1\": [400, 800], \"L2\": [200, 400], \"L3\": [50, 100], \"DRAM\": [10, 20]}, "
    "\"array_bytes\": {\"L1\": [1024, 1024], \"L2\": [4096, 4096], \"L3\": [65536, 32768], \"DRAM\": [1048576, 524288]}}",
    machine_text);
  g_autoptr(GError) error = NULL;

  r->isa = g_strdup ("avx512");
  r->n_threads = 2;
  r->cache_bytes[0] = 1000;
  r->cache_bytes[1] = 10000;
  r->cache_bytes[2] = 100000;
  r->layers[0].flops = 2000;
  r->layers[0].weight_bytes = 400;
  r->layers[1].flops = 1000;
  r->layers[1].input_bytes = 5000;
  r->probe = json_from_string (text, &error);
  g_assert_no_error (error);
  lsc_profile_report_seal (r);

  g_assert_cmpfloat_with_epsilon (r->roof_peak_gflops, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->roof_gbs[1], 400, 1e-9);
  g_assert_cmpint (r->layers[0].fits, ==, 0);
  g_assert_cmpint (r->layers[0].compute_bound, ==, 1);
  g_assert_cmpfloat_with_epsilon (r->layers[0].roof_gflops, 200, 1e-9);
  g_assert_cmpint (r->layers[1].fits, ==, 1);
  g_assert_cmpint (r->layers[1].compute_bound, ==, 0);
  g_assert_cmpfloat_with_epsilon (r->layers[1].roof_gflops, 80, 1e-9);
}

static void
test_report_exports_hand (void)
{
  g_autoptr(LscProfileReport) r = hand_report ();
  g_autoptr(JsonNode) json = lsc_profile_report_to_json (r);
  g_autofree char *csv = lsc_profile_report_to_csv (r);
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
  JsonObject *root = json_node_get_object (json);
  JsonObject *l0 = json_array_get_object_element (json_object_get_array_member (root, "layers"), 0);
  JsonObject *t0 = json_object_get_object_member (l0, "time_ns");

  g_assert_cmpint (json_object_get_int_member (root, "schema"), ==, LSC_PROFILE_SCHEMA_VERSION);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (t0, "p50"), 20000, 1e-6);
  g_assert_false (json_object_get_boolean_member (t0, "p90_ok"));
  /* Not counted: null, not 0 or NaN. */
  g_assert_true (json_object_get_null_member (json_object_get_object_member (l0, "counters"), "l1d-misses"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (l0, "counters"),
                                                                 "cycles"), 150, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (l0, "fits"), ==, "L1");

  /* CSV: a header and one row per layer, µs. */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" after the last newline */
  g_assert_true (g_str_has_prefix (lines[0], "index,name,layers,op,kernel,runs,min_us,p50_us"));
  g_assert_true (g_str_has_prefix (lines[1], "0,conv,,,,3,10,20,30,no,30,no,"));
}

/* ---- the clock ------------------------------------------------------------ */

static void
check_clock (LscClockSource source)
{
  LscClock clock;
  uint64_t t0, t1;
  gint64 m0, m1;
  double measured;

  lsc_clock_init_source (&clock, source);
  if (source == LSC_CLOCK_TSC && !lsc_clock_tsc_is_invariant ())
    g_assert_cmpint (clock.source, ==, LSC_CLOCK_MONOTONIC);
  g_assert_cmpfloat (clock.resolution_ns, >, 0.0);
  g_assert_cmpfloat (clock.resolution_ns, <, 1000.0);
  g_assert_cmpuint (strlen (clock.why), >, 0);

  m0 = lsc_clock_monotonic_ns ();
  t0 = lsc_clock_read (&clock);
  g_usleep (30000);
  t1 = lsc_clock_read (&clock);
  m1 = lsc_clock_monotonic_ns ();
  measured = lsc_clock_ticks_to_ns (&clock, (int64_t) (t1 - t0));
  /* Within 1 % of CLOCK_MONOTONIC, and never longer than it (it
   * brackets the span). */
  g_assert_cmpfloat (measured, <=, (double) (m1 - m0) * 1.01);
  g_assert_cmpfloat (measured, >=, (double) (m1 - m0) * 0.99 - 20000.0);
  /* Ticks map onto monotonic time. */
  g_assert_cmpfloat (fabs (lsc_clock_to_monotonic_ns (&clock, t1) - (double) m1), <, 1e6);
}

static void
test_clock_tsc (void)
{
  check_clock (LSC_CLOCK_TSC);
}

static void
test_clock_monotonic (void)
{
  LscClock clock;

  check_clock (LSC_CLOCK_MONOTONIC);
  lsc_clock_init_source (&clock, LSC_CLOCK_MONOTONIC);
  g_assert_cmpint (clock.source, ==, LSC_CLOCK_MONOTONIC);
  g_assert_cmpfloat (clock.ns_per_tick, ==, 1.0);
}

/* ---- real profiled runs ---------------------------------------------------- */

static LscModel *
zoo_model (const char *name,
           int         size)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  LscZooOptions options = { 0, size, 0 };
  g_autoptr(GError) error = NULL;
  LscModel *model;

  g_assert_true (lsc_zoo_write (name, &options, path, &error));
  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  lsc_test_remove_tmp_dir (dir);
  return model;
}

static LscProfileReport *
profile_model_full (LscModel          *model,
                    guint              threads,
                    LscStrategy        strategy,
                    int64_t            batch,
                    guint              runs,
                    LscCounterBackend *counters,
                    gboolean           cold)
{
  const LscNode *input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  LscShape shape = input->output_shape;
  g_autoptr(LscTensor) x = NULL;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(GError) error = NULL;
  LscPlanOptions plan_options;
  LscExecutorOptions exec_options;
  LscProfileOptions options;
  LscProfileReport *report;

  shape.dims[0] = batch;
  x = lsc_tensor_new (&shape);
  for (int64_t i = 0; i < lsc_tensor_numel (x); i++)
    x->data[i] = (float) ((i * 37) % 101) / 101.0f;
  lsc_plan_options_init (&plan_options);
  plan = lsc_plan_new (model, &shape, 1, &plan_options, &error);
  g_assert_no_error (error);
  lsc_executor_options_init (&exec_options);
  exec_options.n_threads = threads;
  exec_options.strategy = strategy;
  executor = lsc_executor_new (plan, &exec_options, &error);
  g_assert_no_error (error);

  lsc_profile_options_init (&options);
  options.runs = runs;
  options.warmup = 2;
  options.counters = counters;
  options.cold = cold;
  report = lsc_profile_executor (executor, (const LscTensor *const *) &x, 1, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_true (report->sealed);
  return report;
}

static LscProfileReport *
profile_model_with (LscModel          *model,
                    guint              threads,
                    LscStrategy        strategy,
                    int64_t            batch,
                    guint              runs,
                    LscCounterBackend *counters)
{
  return profile_model_full (model, threads, strategy, batch, runs, counters, FALSE);
}

/* Cold-cache mode: with the caches evicted before every run, the layer
 * with the most weights (MobileNetV2's classifier, 5 MB) reads them from
 * DRAM instead of L3 in every run and is slower than warm; the first run
 * of a warm profile is the cold start it shows apart. */
static void
test_profile_cold (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 96);
  g_autoptr(LscProfileReport) warm = profile_model_full (model, 1, LSC_STRATEGY_INTRA, 1, 20, NULL, FALSE);
  g_autoptr(LscProfileReport) cold = profile_model_full (model, 1, LSC_STRATEGY_INTRA, 1, 20, NULL, TRUE);
  guint big = 0;

  g_assert_false (warm->cold);
  g_assert_true (cold->cold);
  for (guint l = 0; l < warm->n_layers; l++)
    if (warm->layers[l].weight_bytes > warm->layers[big].weight_bytes)
      big = l;
  g_assert_cmpfloat (warm->layers[big].weight_bytes, >, 4e6);
  g_test_message ("%s: warm %.1f µs, cold %.1f µs", warm->layers[big].name,
                  warm->layers[big].time.p50 / 1e3, cold->layers[big].time.p50 / 1e3);
  g_assert_cmpfloat (cold->layers[big].time.p50, >, 1.1 * warm->layers[big].time.p50);
}

static LscProfileReport *
profile_model (LscModel    *model,
               guint        threads,
               LscStrategy  strategy,
               int64_t      batch,
               guint        runs)
{
  return profile_model_with (model, threads, strategy, batch, runs, NULL);
}

/* The available path, with the fake backend (counts = the thread's CPU
 * time × a fixed rate per counter): every counter is reported, each layer
 * gets counts in the ratio of the rates (instructions : cycles = 6 : 3),
 * and all cycles together are what 3 per ns of the layers' CPU time give —
 * at most the layers' time on every worker, and most of it. */
static void
test_profile_counters_fake (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 96);
  g_autoptr(LscCounterBackend) fake = lsc_counter_backend_new_fake ();
  const guint threads = MIN (2, g_get_num_processors ());
  g_autoptr(LscProfileReport) r = profile_model_with (model, threads, LSC_STRATEGY_INTRA, 1, 20, fake);
  JsonNode *json;
  double cycles = 0.0, span_sum = 0.0;

  g_assert_cmphex (r->counter_mask, ==, LSC_COUNTER_MASK_ALL);
  g_assert_cmpstr (r->counter_backend, ==, "fake");
  for (guint l = 0; l < r->n_layers; l++)
    {
      const LscProfileLayer *layer = &r->layers[l];

      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        g_assert_false (isnan (layer->counters[c]));
      if (layer->counters[LSC_COUNTER_CYCLES] > 1000)
        g_assert_cmpfloat (fabs (layer->counters[LSC_COUNTER_INSTRUCTIONS] / layer->counters[LSC_COUNTER_CYCLES]
                                 - 2.0), <, 0.01);
      cycles += layer->counters[LSC_COUNTER_CYCLES];
      span_sum += layer->time.mean * layer->time.n;
    }
  g_test_message ("fake cycles / 3 = %.3f ms; Σ layer times × workers = %.3f ms",
                  cycles / 3 / 1e6, span_sum * threads / 1e6);
  g_assert_cmpfloat (cycles / lsc_counter_fake_rate (LSC_COUNTER_CYCLES), <=, 1.02 * span_sum * threads);
  g_assert_cmpfloat (cycles / lsc_counter_fake_rate (LSC_COUNTER_CYCLES), >=, 0.3 * span_sum);

  /* The exports carry them. */
  json = lsc_profile_report_to_json (r);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (json),
                                                                                "counters"), "available"));
  json_node_unref (json);
}

/* The unavailable path: counters that cannot be opened leave a reason and
 * no numbers, and the profile goes on. */
static void
test_profile_counters_unavailable (void)
{
  g_autoptr(LscModel) model = zoo_model ("mnist-cnn", 0);
  g_autoptr(LscCounterBackend) off = lsc_counter_backend_new_off ("switched off by the test");
  g_autoptr(LscCounterBackend) perf = lsc_counter_backend_new_perf ();
  g_autoptr(LscProfileReport) r = profile_model_with (model, 1, LSC_STRATEGY_INTRA, 1, 5, off);
  g_autoptr(LscProfileReport) p = profile_model_with (model, 1, LSC_STRATEGY_INTRA, 1, 5, perf);

  g_assert_cmphex (r->counter_mask, ==, 0);
  g_assert_nonnull (strstr (r->counter_reason, "switched off by the test"));
  for (guint l = 0; l < r->n_layers; l++)
    g_assert_true (isnan (r->layers[l].counters[LSC_COUNTER_CYCLES]));
  g_assert_cmpuint (r->wall.n, ==, 5);

  /* This machine's own backend: whatever it can count, it says why not
   * for the rest. */
  if (p->counter_mask != LSC_COUNTER_MASK_ALL)
    {
      g_assert_nonnull (p->counter_reason);
      g_assert_cmpuint (strlen (p->counter_reason), >, 10);
      g_test_message ("perf counters here: %s", p->counter_reason);
    }
  g_assert_cmpuint (p->wall.n, ==, 5);
}

/* A CPU hog on worker 0's CPU during the session: the monitor sees another
 * thread loading the core the profile runs on, and flags the runs. */
static void
test_profile_background_load (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 96);
  const LscNode *input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  LscShape shape = input->output_shape;
  g_autoptr(LscTensor) x = NULL;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(LscProfileReport) r = NULL;
  g_autoptr(GError) error = NULL;
  LscPlanOptions plan_options;
  LscExecutorOptions exec_options;
  LscProfileOptions options;
  LscLoadSpec load;
  char spec[32];
  int cpu;

  shape.dims[0] = 1;
  x = lsc_tensor_new (&shape);
  lsc_plan_options_init (&plan_options);
  plan = lsc_plan_new (model, &shape, 1, &plan_options, &error);
  lsc_executor_options_init (&exec_options);
  executor = lsc_executor_new (plan, &exec_options, &error);
  g_assert_no_error (error);
  cpu = lsc_thread_pool_get_worker_pu (lsc_executor_get_pool (executor), 0);
  g_assert_cmpint (cpu, >=, 0);
  g_snprintf (spec, sizeof spec, "cpu:%d", cpu);
  g_assert_true (lsc_load_spec_parse (spec, &load, &error));

  lsc_profile_options_init (&options);
  options.runs = 30;
  options.warmup = 1;
  options.measure_overhead = FALSE;
  options.load = &load;
  r = lsc_profile_executor (executor, (const LscTensor *const *) &x, 1, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->background_load, ==, spec);
  g_assert_cmpuint (r->cpu_samples->len, >, 0);
  g_test_message ("%u of %u runs flagged, CPU %d at %.0f %% other load", r->n_interfered, r->wall.n,
                  r->max_other_cpu, 100.0 * r->max_other_load);
  g_assert_cmpint (r->max_other_cpu, ==, cpu);
  g_assert_cmpfloat (r->max_other_load, >, 0.1);
  g_assert_cmpuint (r->n_interfered, >, 0);
}

/* Every timed run's per-layer sum lies inside its wall time, and falls
 * short of it only by what happens outside the layers (copying the input
 * in and the output out, pinning) — under 2 % of the run plus the
 * profiling overhead measured in the same session. */
static void
test_profile_sum_matches_wall (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 128);
  g_autoptr(LscProfileReport) r = profile_model (model, 1, LSC_STRATEGY_INTRA, 1, 40);
  g_autofree double *gaps = g_new (double, r->runs->len);
  LscStats gap;
  guint n = 0;

  g_assert_cmpuint (r->n_layers, >, 10);
  g_assert_cmpuint (lsc_profile_report_count_runs (r, LSC_RUN_FIRST), ==, 1);
  g_assert_cmpuint (lsc_profile_report_count_runs (r, LSC_RUN_WARMUP), ==, 2);
  g_assert_cmpuint (r->wall.n, ==, 40);
  g_assert_cmpuint (r->off_wall.n, ==, 40);
  g_assert_false (isnan (r->overhead));
  g_assert_cmpuint (r->dropped_slices, ==, 0);

  for (guint i = 0; i < r->runs->len; i++)
    {
      const LscProfileRun *run = &g_array_index (r->runs, LscProfileRun, i);

      g_assert_cmpfloat (run->layers_ns, >, 0.0);
      g_assert_cmpfloat (run->layers_ns, <=, run->wall_ns);
      if (run->kind == LSC_RUN_TIMED)
        gaps[n++] = (run->wall_ns - run->layers_ns) / run->wall_ns;
    }
  lsc_stats_compute (&gap, gaps, n);
  g_test_message ("wall − Σ layers: median %.3f %% of the run; profiling overhead %.2f %%",
                  100.0 * gap.p50, 100.0 * r->overhead);
  g_assert_cmpfloat (gap.p50, <=, 0.02 + MAX (r->overhead, 0.0));

  /* Every layer was timed in every run, with FLOPs where it computes. */
  for (guint l = 0; l < r->n_layers; l++)
    {
      g_assert_cmpuint (r->layers[l].time.n, ==, 40);
      g_assert_cmpfloat (r->layers[l].time.min, >, 0.0);
      g_assert_false (isnan (r->layers[l].first_ns));
      g_assert_nonnull (r->layers[l].kernel);
    }
  g_assert_cmpfloat (r->layers[0].flops, >, 0.0);
}

/* The trace has every worker's lane, and every layer slice nests in a run
 * slice of the same lane. */
static void
check_trace (LscProfileReport *r)
{
  g_autoptr(JsonNode) trace = lsc_profile_report_to_trace (r);
  g_autofree char *text = lsc_profile_json_to_text (trace);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) lanes = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) busy_lanes = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  JsonArray *events;
  guint n_slices = 0;

  /* Parsed back from the text, as Perfetto would read it. */
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "traceEvents");

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *ph = json_object_get_string_member (e, "ph");

      if (g_str_equal (ph, "M") && g_str_equal (json_object_get_string_member (e, "name"), "thread_name"))
        g_hash_table_add (lanes, GINT_TO_POINTER (json_object_get_int_member (e, "tid") + 1));
      else if (g_str_equal (ph, "X") && g_str_equal (json_object_get_string_member (e, "cat"), "run"))
        {
          double run[3] = { json_object_get_int_member (e, "tid"), json_object_get_double_member (e, "ts"),
                            json_object_get_double_member (e, "ts") + json_object_get_double_member (e, "dur") };
          g_array_append_vals (runs, run, 1);
        }
    }
  for (guint w = 0; w < r->n_workers; w++)
    g_assert_true (g_hash_table_contains (lanes, GINT_TO_POINTER (w + 1)));
  g_assert_cmpuint (runs->len, ==, r->runs->len * (r->n_workers + r->n_replicas));

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);
      const char *cat;
      double ts, end;
      gint64 tid;
      gboolean nested = FALSE;

      if (!g_str_equal (json_object_get_string_member (e, "ph"), "X"))
        continue;
      cat = json_object_get_string_member (e, "cat");
      if (g_str_equal (cat, "run"))
        continue;
      tid = json_object_get_int_member (e, "tid");
      ts = json_object_get_double_member (e, "ts");
      end = ts + json_object_get_double_member (e, "dur");
      g_assert_cmpfloat (end, >=, ts);
      g_assert_true (g_hash_table_contains (lanes, GINT_TO_POINTER (tid + 1)));
      if (g_str_equal (cat, "busy"))
        g_hash_table_add (busy_lanes, GINT_TO_POINTER (tid + 1));
      for (guint k = 0; k < runs->len && !nested; k++)
        {
          const double *run = &g_array_index (runs, double, 3 * k);
          nested = run[0] == tid && ts >= run[1] && end <= run[2];
        }
      g_assert_true (nested);
      n_slices++;
    }
  /* Every worker did work (intra-op with several tiles per layer, or its
   * own replica). */
  g_assert_cmpuint (g_hash_table_size (busy_lanes), ==, r->n_workers);
  g_assert_cmpuint (n_slices, ==, r->slices->len);
}

static void
test_profile_trace_intra (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 96);
  const guint threads = MIN (2, g_get_num_processors ());
  g_autoptr(LscProfileReport) r = profile_model (model, threads, LSC_STRATEGY_INTRA, 1, 5);

  g_assert_cmpuint (r->n_workers, ==, threads);
  check_trace (r);
  for (guint l = 0; l < r->n_layers; l++)
    if (threads == 1)
      g_assert_cmpfloat_with_epsilon (r->layers[l].imbalance, 1.0, 1e-9);
}

static void
test_profile_trace_replicas (void)
{
  g_autoptr(LscModel) model = zoo_model ("mobilenetv2", 96);
  const guint threads = MIN (2, g_get_num_processors ());
  g_autoptr(LscProfileReport) r = profile_model (model, threads, LSC_STRATEGY_REPLICAS, 4, 5);

  g_assert_cmpuint (r->n_replicas, ==, threads);
  check_trace (r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/stats/hand", test_stats_hand);
  g_test_add_func ("/profile/stats/thresholds", test_stats_thresholds);
  g_test_add_func ("/profile/report/hand", test_report_hand);
  g_test_add_func ("/profile/report/exports", test_report_exports_hand);
  g_test_add_func ("/profile/report/roofline", test_report_roofline);
  g_test_add_func ("/profile/clock/tsc", test_clock_tsc);
  g_test_add_func ("/profile/clock/monotonic", test_clock_monotonic);
  g_test_add_func ("/profile/run/sum-matches-wall", test_profile_sum_matches_wall);
  g_test_add_func ("/profile/run/trace-intra", test_profile_trace_intra);
  g_test_add_func ("/profile/run/trace-replicas", test_profile_trace_replicas);
  g_test_add_func ("/profile/counters/fake", test_profile_counters_fake);
  g_test_add_func ("/profile/run/background-load", test_profile_background_load);
  g_test_add_func ("/profile/run/cold", test_profile_cold);
  g_test_add_func ("/profile/counters/unavailable", test_profile_counters_unavailable);
  return g_test_run ();
}
