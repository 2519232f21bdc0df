/* The session file: a report written and read back is the same report —
 * every measured field, and every statistic the seal derives from them —
 * for a report built by hand (whose statistics are also checked against
 * values computed here), an empty one, and a real profile of a zoo model.
 * Bad files (missing, text, a Keras model, truncated, from a newer schema,
 * inconsistent data) fail with a message that names the problem. */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lsc-test-util.h"
#include "model/lsc-hdf5.h"
#include "model/lsc-model.h"
#include "plan/lsc-executor.h"
#include "plan/lsc-plan.h"
#include "profile/lsc-profile-export.h"
#include "profile/lsc-profiler.h"
#include "profile/lsc-session-file.h"
#include "zoo/lsc-zoo.h"

/* ---- comparing reports ----------------------------------------------------- */

/* Equal, or both NAN. */
static void
assert_same (double      a,
             double      b,
             const char *what)
{
  if (!((isnan (a) && isnan (b)) || a == b))
    g_error ("%s: %.17g written, %.17g read back", what, a, b);
}

static void
assert_same_stats (const LscStats *a,
                   const LscStats *b,
                   const char     *what)
{
  g_assert_cmpuint (a->n, ==, b->n);
  assert_same (a->min, b->min, what);
  assert_same (a->p50, b->p50, what);
  assert_same (a->p90, b->p90, what);
  assert_same (a->p99, b->p99, what);
  assert_same (a->max, b->max, what);
  assert_same (a->mean, b->mean, what);
  assert_same (a->sd, b->sd, what);
  g_assert_cmpint (a->p90_ok, ==, b->p90_ok);
  g_assert_cmpint (a->p99_ok, ==, b->p99_ok);
}

static void
assert_same_json (JsonNode *a,
                  JsonNode *b)
{
  g_autofree char *ta = NULL, *tb = NULL;

  g_assert_true ((a == NULL) == (b == NULL));
  if (a == NULL)
    return;
  ta = json_to_string (a, FALSE);
  tb = json_to_string (b, FALSE);
  g_assert_cmpstr (ta, ==, tb);
}

/* Floats compared bit for bit (NAN frequencies included). */
static void
assert_same_floats (const float *a,
                    const float *b,
                    guint        n)
{
  g_assert_true (n == 0 || memcmp (a, b, n * sizeof (float)) == 0);
}

static void
assert_same_measured (LscProfileReport *a,
                      LscProfileReport *b)
{
  g_assert_cmpstr (a->model_path, ==, b->model_path);
  g_assert_cmpstr (a->model_name, ==, b->model_name);
  g_assert_cmpint (a->model_params, ==, b->model_params);
  g_assert_cmpint (a->model_macs, ==, b->model_macs);
  g_assert_cmpuint (a->batch, ==, b->batch);
  g_assert_cmpuint (a->n_threads, ==, b->n_threads);
  g_assert_cmpstr (a->strategy, ==, b->strategy);
  g_assert_cmpstr (a->pin, ==, b->pin);
  g_assert_cmpstr (a->isa, ==, b->isa);
  g_assert_cmpint (a->fused, ==, b->fused);
  g_assert_cmpint (a->cold, ==, b->cold);
  g_assert_cmpuint (a->n_replicas, ==, b->n_replicas);
  g_assert_cmpstr (a->created, ==, b->created);
  g_assert_cmpstr (a->host, ==, b->host);
  g_assert_cmpstr (a->layerscope_version, ==, b->layerscope_version);
  g_assert_cmpstr (a->clock_source, ==, b->clock_source);
  g_assert_cmpstr (a->clock_why, ==, b->clock_why);
  assert_same (a->clock_resolution_ns, b->clock_resolution_ns, "clock resolution");
  for (int c = 0; c < 3; c++)
    g_assert_cmpuint (a->cache_bytes[c], ==, b->cache_bytes[c]);
  assert_same_json (a->machine, b->machine);
  assert_same_json (a->probe, b->probe);

  g_assert_cmpuint (a->n_layers, ==, b->n_layers);
  for (guint l = 0; l < a->n_layers; l++)
    {
      const LscProfileLayer *la = &a->layers[l], *lb = &b->layers[l];

      g_assert_cmpstr (la->name, ==, lb->name);
      g_assert_cmpstr (la->layers, ==, lb->layers);
      g_assert_cmpstr (la->op, ==, lb->op);
      g_assert_cmpstr (la->kernel, ==, lb->kernel);
      assert_same (la->flops, lb->flops, "flops");
      assert_same (la->weight_bytes, lb->weight_bytes, "weight bytes");
      assert_same (la->input_bytes, lb->input_bytes, "input bytes");
      assert_same (la->output_bytes, lb->output_bytes, "output bytes");
    }
  g_assert_cmpuint (a->n_workers, ==, b->n_workers);
  for (guint w = 0; w < a->n_workers; w++)
    g_assert_cmpint (a->workers[w].cpu, ==, b->workers[w].cpu);

  g_assert_cmpuint (a->runs->len, ==, b->runs->len);
  for (guint i = 0; i < a->runs->len; i++)
    {
      const LscProfileRun *ra = &g_array_index (a->runs, LscProfileRun, i);
      const LscProfileRun *rb = &g_array_index (b->runs, LscProfileRun, i);

      g_assert_cmpint (ra->kind, ==, rb->kind);
      assert_same (ra->start_ns, rb->start_ns, "run start");
      assert_same (ra->wall_ns, rb->wall_ns, "run wall");
    }
  g_assert_cmpuint (a->slices->len, ==, b->slices->len);
  for (guint i = 0; i < a->slices->len; i++)
    {
      const LscProfileSlice *sa = &g_array_index (a->slices, LscProfileSlice, i);
      const LscProfileSlice *sb = &g_array_index (b->slices, LscProfileSlice, i);

      g_assert_cmpuint (sa->run, ==, sb->run);
      g_assert_cmpuint (sa->layer, ==, sb->layer);
      g_assert_cmpuint (sa->worker, ==, sb->worker);
      g_assert_cmpint (sa->cpu, ==, sb->cpu);
      g_assert_cmpuint (sa->kind, ==, sb->kind);
      assert_same (sa->t0_ns, sb->t0_ns, "slice start");
      assert_same (sa->t1_ns, sb->t1_ns, "slice end");
    }
  g_assert_cmpuint (a->dropped_slices, ==, b->dropped_slices);
  g_assert_cmpuint (a->off_wall_ns->len, ==, b->off_wall_ns->len);
  for (guint i = 0; i < a->off_wall_ns->len; i++)
    assert_same (g_array_index (a->off_wall_ns, double, i), g_array_index (b->off_wall_ns, double, i), "off wall");

  g_assert_cmpstr (a->counter_backend, ==, b->counter_backend);
  g_assert_cmpstr (a->counter_reason, ==, b->counter_reason);
  g_assert_cmphex (a->counter_mask, ==, b->counter_mask);
  g_assert_cmpint (a->counter_multiplexed, ==, b->counter_multiplexed);
  for (gsize i = 0; i < (gsize) a->n_workers * a->n_layers * LSC_N_COUNTERS; i++)
    assert_same (a->counts[i], b->counts[i], "counts");

  g_assert_cmpuint (a->n_cpus, ==, b->n_cpus);
  assert_same (a->monitor_hz, b->monitor_hz, "monitor hz");
  g_assert_cmpstr (a->monitor_reason, ==, b->monitor_reason);
  g_assert_cmpuint (a->cpu_samples->len, ==, b->cpu_samples->len);
  for (guint i = 0; i < a->cpu_samples->len; i++)
    {
      const LscProfileCpuSample *sa = &g_array_index (a->cpu_samples, LscProfileCpuSample, i);
      const LscProfileCpuSample *sb = &g_array_index (b->cpu_samples, LscProfileCpuSample, i);

      assert_same (sa->t_ns, sb->t_ns, "sample time");
      assert_same_floats (sa->util, sb->util, a->n_cpus);
      assert_same_floats (sa->other, sb->other, a->n_cpus);
      assert_same_floats (sa->freq_mhz, sb->freq_mhz, a->n_cpus);
    }
}

static void
assert_same_derived (LscProfileReport *a,
                     LscProfileReport *b)
{
  g_autoptr(JsonNode) ja = NULL, jb = NULL;
  g_autofree char *ta = NULL, *tb = NULL;

  g_assert_true (a->sealed && b->sealed);
  for (guint l = 0; l < a->n_layers; l++)
    {
      const LscProfileLayer *la = &a->layers[l], *lb = &b->layers[l];

      assert_same (la->working_set_bytes, lb->working_set_bytes, "working set");
      g_assert_cmpint (la->fits, ==, lb->fits);
      assert_same (la->first_ns, lb->first_ns, "first");
      assert_same_stats (&la->warmup, &lb->warmup, "warm-up");
      assert_same_stats (&la->time, &lb->time, "time");
      assert_same (la->intensity, lb->intensity, "intensity");
      assert_same (la->gflops, lb->gflops, "gflops");
      assert_same (la->gbs, lb->gbs, "gbs");
      assert_same (la->share, lb->share, "share");
      assert_same (la->efficiency, lb->efficiency, "efficiency");
      assert_same (la->imbalance, lb->imbalance, "imbalance");
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        assert_same (la->counters[c], lb->counters[c], "counter");
    }
  for (guint w = 0; w < a->n_workers; w++)
    {
      assert_same (a->workers[w].busy_ns, b->workers[w].busy_ns, "busy");
      assert_same (a->workers[w].idle_ns, b->workers[w].idle_ns, "idle");
      assert_same (a->workers[w].spin_ns, b->workers[w].spin_ns, "spin");
    }
  for (guint i = 0; i < a->runs->len; i++)
    {
      const LscProfileRun *ra = &g_array_index (a->runs, LscProfileRun, i);
      const LscProfileRun *rb = &g_array_index (b->runs, LscProfileRun, i);

      assert_same (ra->layers_ns, rb->layers_ns, "layers_ns");
      g_assert_cmpint (ra->interfered, ==, rb->interfered);
    }
  assert_same_stats (&a->wall, &b->wall, "wall");
  assert_same_stats (&a->off_wall, &b->off_wall, "off wall");
  assert_same (a->overhead, b->overhead, "overhead");
  g_assert_cmpuint (a->n_interfered, ==, b->n_interfered);
  assert_same (a->max_other_load, b->max_other_load, "max other load");
  g_assert_cmpint (a->max_other_cpu, ==, b->max_other_cpu);

  /* And what the user sees: the JSON export, byte for byte. */
  ja = lsc_profile_report_to_json (a);
  jb = lsc_profile_report_to_json (b);
  ta = lsc_profile_json_to_text (ja);
  tb = lsc_profile_json_to_text (jb);
  g_assert_cmpstr (ta, ==, tb);
}

static LscProfileReport *
round_trip (LscProfileReport *report,
            const char       *dir)
{
  g_autofree char *path = g_build_filename (dir, "session.lsc", NULL);
  g_autoptr(GError) error = NULL;
  LscProfileReport *back;

  g_assert_true (lsc_session_file_write (report, path, &error));
  g_assert_no_error (error);
  g_assert_true (lsc_session_file_is_session (path));
  back = lsc_session_file_read (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_true (back->sealed);
  assert_same_measured (report, back);
  assert_same_derived (report, back);
  return back;
}

/* ---- a report built by hand --------------------------------------------------- */

#define N_TIMED 9
/* Timed run i, layer l takes span_ns (l, i); worker 0 is busy 90 % of it,
 * worker 1 60 %. */
static double
span_ns (guint l,
         guint i)
{
  return 1000.0 * (l + 1) + 10.0 * i;
}

static LscProfileReport *
make_report (void)
{
  const char *names[] = { "conv₁ ünïcødé", "層 — dwconv", "dense" };
  const char *kinds_json = "{\"cpus\": 3, \"model\": \"Zen 5 “test”\", \"flags\": [\"avx2\", \"avx512f\"]}";
  LscProfileReport *r = lsc_profile_report_new (3, 2);
  const guint n_runs = 1 + 2 + N_TIMED;
  double t = 0.0;

  r->model_path = g_strdup ("/tmp/mödel.h5");
  r->model_name = g_strdup ("hand-made");
  r->model_params = 123456789012;
  r->model_macs = 42;
  r->batch = 4;
  r->n_threads = 2;
  r->strategy = g_strdup ("intra");
  r->pin = g_strdup ("scatter");
  r->isa = g_strdup ("avx2");
  r->fused = TRUE;
  r->cold = TRUE;
  r->n_replicas = 1;
  r->created = g_strdup ("2025-01-02T03:04:05Z");
  r->host = g_strdup ("server-7");
  r->layerscope_version = g_strdup ("0.1.0");
  r->clock_source = g_strdup ("tsc");
  r->clock_why = g_strdup ("invariant TSC");
  r->clock_resolution_ns = 0.38519018409918815;
  r->cache_bytes[0] = 48 << 10;
  r->cache_bytes[1] = 1 << 20;
  r->cache_bytes[2] = 32 << 20;
  r->machine = json_from_string (kinds_json, NULL);
  r->probe = json_from_string ("{\"peak_gflops\": 123.456789012345, \"bandwidth\": [1e10, 2.5e9], \"ok\": true}", NULL);
  g_assert_nonnull (r->machine);
  g_assert_nonnull (r->probe);

  for (guint l = 0; l < 3; l++)
    {
      r->layers[l].name = g_strdup (names[l]);
      r->layers[l].layers = g_strdup_printf ("%s + bn + relu", names[l]);
      r->layers[l].op = g_strdup (l == 2 ? "dense" : "conv");
      r->layers[l].kernel = g_strdup_printf ("f32_kernel_%u", l);
      r->layers[l].flops = 1e6 * (l + 1);
      r->layers[l].weight_bytes = 1000.0 * (l + 1);
      r->layers[l].input_bytes = l == 1 ? 40e6 : 2000.0;   /* layer 1 only fits DRAM */
      r->layers[l].output_bytes = 3000.0;
    }
  r->workers[0].cpu = 0;
  r->workers[1].cpu = 1;

  for (guint run = 0; run < n_runs; run++)
    {
      const LscRunKind kind = run == 0 ? LSC_RUN_FIRST : run < 3 ? LSC_RUN_WARMUP : LSC_RUN_TIMED;
      const guint timed = run >= 3 ? run - 3 : 0;
      const double start = t;

      for (guint l = 0; l < 3; l++)
        {
          const double d = kind == LSC_RUN_TIMED ? span_ns (l, timed) : 5000.0 * (l + 1) + run;
          /* CPUs: unknown, and one past 8 bits. */
          LscProfileSlice span = { run, l, 0, -1, LSC_SLICE_SPAN, t, t + d };
          LscProfileSlice busy0 = { run, l, 0, 0, LSC_SLICE_BUSY, t, t + 0.9 * d };
          LscProfileSlice busy1 = { run, l, 1, run % 2 ? 1 : 300, LSC_SLICE_BUSY, t, t + 0.6 * d };

          lsc_profile_report_add_slice (r, &span);
          lsc_profile_report_add_slice (r, &busy0);
          lsc_profile_report_add_slice (r, &busy1);
          t += d + 100.0;
        }
      lsc_profile_report_add_run (r, kind, start, t - start);
      t += 1000.0;
      if (kind == LSC_RUN_TIMED)
        {
          const double off = 7000.0 + 3.0 * run;
          g_array_append_val (r->off_wall_ns, off);
        }
    }
  r->dropped_slices = 7;

  r->counter_backend = g_strdup ("perf");
  r->counter_reason = NULL;
  r->counter_mask = (1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_L1D_MISSES);
  r->counter_multiplexed = TRUE;
  for (gsize i = 0; i < (gsize) 2 * 3 * LSC_N_COUNTERS; i++)
    r->counts[i] = 1000.0 * i + 0.5;

  /* Three CPUs, the third without a frequency; another process loads CPU 1
   * at the time of the fourth timed run. */
  r->n_cpus = 3;
  r->monitor_hz = 100.0;
  for (guint i = 0; i < 20; i++)
    {
      const double ts = 1000.0 + i * (t / 20.0);
      const float util[3] = { 0.5f + i / 100.0f, 0.25f, 0.125f };
      float other[3] = { 0.01f, 0.02f, 0.9f };
      const float freq[3] = { 3000.5f, 2999.25f, NAN };

      if (ts >= g_array_index (r->runs, LscProfileRun, 6).start_ns
          && ts <= g_array_index (r->runs, LscProfileRun, 6).start_ns + 50000.0)
        other[1] = 0.5f;
      lsc_profile_report_add_cpu_sample (r, ts, util, other, freq);
    }
  lsc_profile_report_seal (r);
  return r;
}

static void
test_hand_made (void)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autoptr(LscProfileReport) report = make_report ();
  g_autoptr(LscProfileReport) back = round_trip (report, dir);
  double column[N_TIMED], median;

  /* The statistics of the report read back are the ones computed here
   * from how the slices were made (not just equal to the original's). */
  for (guint l = 0; l < 3; l++)
    {
      const LscProfileLayer *layer = &back->layers[l];

      for (guint i = 0; i < N_TIMED; i++)
        column[i] = span_ns (l, i);
      median = column[N_TIMED / 2];   /* ascending already: the nearest-rank median */
      g_assert_cmpuint (layer->time.n, ==, N_TIMED);
      g_assert_cmpfloat_with_epsilon (layer->time.p50, median, 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->time.min, column[0], 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->time.max, column[N_TIMED - 1], 1e-9);
      g_assert_cmpuint (layer->warmup.n, ==, 2);
      g_assert_cmpfloat_with_epsilon (layer->first_ns, 5000.0 * (l + 1), 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->efficiency, (0.9 + 0.6) / 2, 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->imbalance, 0.9 / 0.75, 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->gflops, layer->flops / median, 1e-9);
      g_assert_cmpfloat_with_epsilon (layer->counters[LSC_COUNTER_CYCLES],
                                      back->counts[(0 * 3 + l) * LSC_N_COUNTERS + LSC_COUNTER_CYCLES]
                                      + back->counts[(1 * 3 + l) * LSC_N_COUNTERS + LSC_COUNTER_CYCLES], 1e-6);
      g_assert_true (isnan (layer->counters[LSC_COUNTER_INSTRUCTIONS]));
    }
  g_assert_cmpint (back->layers[0].fits, ==, 0);     /* 6 KB: L1 */
  g_assert_cmpint (back->layers[1].fits, ==, 3);     /* 40 MB: DRAM */
  g_assert_cmpuint (back->wall.n, ==, N_TIMED);
  g_assert_cmpuint (back->off_wall.n, ==, N_TIMED);
  g_assert_false (isnan (back->overhead));
  /* The load on CPU 1 (one of ours) flags a run; CPU 2's does not count. */
  g_assert_cmpuint (back->n_interfered, >=, 1);
  g_assert_cmpint (back->max_other_cpu, ==, 1);
  g_assert_true (isnan (g_array_index (back->cpu_samples, LscProfileCpuSample, 3).freq_mhz[2]));
  g_assert_cmpstr (back->layers[1].name, ==, "層 — dwconv");
  g_assert_null (back->counter_reason);

  lsc_test_remove_tmp_dir (dir);
}

/* No slices, no samples, no machine, no counters; then no runs at all. */
static void
test_empty (void)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();

  for (guint with_runs = 0; with_runs < 2; with_runs++)
    {
      g_autoptr(LscProfileReport) report = lsc_profile_report_new (1, 1);
      g_autoptr(LscProfileReport) back = NULL;

      report->layers[0].name = g_strdup ("only");
      report->counter_backend = g_strdup ("off");
      report->monitor_reason = g_strdup ("not asked for");
      if (with_runs)
        {
          lsc_profile_report_add_run (report, LSC_RUN_FIRST, 0.0, 100.0);
          lsc_profile_report_add_run (report, LSC_RUN_TIMED, 200.0, 90.0);
        }
      lsc_profile_report_seal (report);
      back = round_trip (report, dir);
      g_assert_cmpuint (back->slices->len, ==, 0);
      g_assert_cmpuint (back->runs->len, ==, with_runs ? 2 : 0);
      g_assert_null (back->machine);
      g_assert_null (back->probe);
      g_assert_null (back->model_name);
      g_assert_cmpuint (back->wall.n, ==, with_runs ? 1 : 0);
    }
  lsc_test_remove_tmp_dir (dir);
}

/* ---- a real profile -------------------------------------------------------------- */

static void
test_real_profile (void)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *model_path = g_build_filename (dir, "model.h5", NULL);
  LscZooOptions zoo = { 0.35, 48, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(LscProfileReport) report = NULL;
  g_autoptr(LscProfileReport) back = NULL;
  g_autoptr(LscTensor) input = NULL;
  LscPlanOptions plan_options;
  LscExecutorOptions options;
  LscProfileOptions profile;
  LscShape shape;

  g_assert_true (lsc_zoo_write ("mobilenetv2", &zoo, model_path, &error));
  g_assert_no_error (error);
  model = lsc_model_load (model_path, &error);
  g_assert_no_error (error);
  shape = lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  shape.dims[0] = 1;
  input = lsc_tensor_new (&shape);
  for (int64_t i = 0; i < lsc_tensor_numel (input); i++)
    input->data[i] = (float) ((i * 7919) % 1000) / 1000.0f;

  lsc_plan_options_init (&plan_options);
  plan = lsc_plan_new (model, &input->shape, 1, &plan_options, &error);
  g_assert_no_error (error);
  lsc_executor_options_init (&options);
  options.n_threads = MIN (2, g_get_num_processors ());
  executor = lsc_executor_new (plan, &options, &error);
  g_assert_no_error (error);

  lsc_profile_options_init (&profile);
  profile.runs = 10;
  profile.warmup = 2;
  profile.version = "test";
  profile.probe = json_from_string ("{\"roofs\": [{\"name\": \"L1\", \"gbs\": 512.5}]}", NULL);
  report = lsc_profile_executor (executor, (const LscTensor *const *) &input, 1, &profile, NULL, &error);
  json_node_unref (profile.probe);
  g_assert_no_error (error);
  g_assert_cmpuint (report->slices->len, >, 0);
  g_assert_cmpuint (report->n_layers, >, 10);

  back = round_trip (report, dir);
  g_assert_cmpuint (lsc_profile_report_count_runs (back, LSC_RUN_TIMED), ==, 10);
  g_assert_cmpuint (lsc_profile_report_count_runs (back, LSC_RUN_WARMUP), ==, 2);
  g_assert_false (isnan (back->layers[0].time.p50));
  g_assert_nonnull (back->probe);
  lsc_test_remove_tmp_dir (dir);
}

/* ---- the layout, as another HDF5 reader (h5py) sees it ------------------------------ */

static char *write_session (const char *dir,
                            const char *name);

static void
test_layout (void)
{
  typedef struct { gint16 cpu; guint32 layer; } CpuLayer;
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = write_session (dir, "layout.lsc");
  g_autoptr(LscProfileReport) report = make_report ();
  hid_t file, attr, dset, type, str, space;
  CpuLayer *got;
  char *names[3];
  gint64 schema = 0;
  hsize_t n;

  lsc_hdf5_lock ();
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);

  attr = H5Aopen (file, "schema", H5P_DEFAULT);
  g_assert_cmpint (H5Aread (attr, H5T_NATIVE_INT64, &schema), >=, 0);
  H5Aclose (attr);
  g_assert_cmpint (schema, ==, LSC_PROFILE_SCHEMA_VERSION);

  /* Two fields of /slices by name, in an order of this test's own. */
  dset = H5Dopen2 (file, "slices", H5P_DEFAULT);
  space = H5Dget_space (dset);
  n = H5Sget_simple_extent_npoints (space);
  g_assert_cmpuint (n, ==, report->slices->len);
  type = H5Tcreate (H5T_COMPOUND, sizeof (CpuLayer));
  H5Tinsert (type, "cpu", HOFFSET (CpuLayer, cpu), H5T_NATIVE_INT16);
  H5Tinsert (type, "layer", HOFFSET (CpuLayer, layer), H5T_NATIVE_UINT32);
  got = g_new0 (CpuLayer, n);
  g_assert_cmpint (H5Dread (dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got), >=, 0);
  for (guint i = 0; i < n; i++)
    {
      const LscProfileSlice *want = &g_array_index (report->slices, LscProfileSlice, i);

      g_assert_cmpint (got[i].cpu, ==, want->cpu);
      g_assert_cmpuint (got[i].layer, ==, want->layer);
    }
  /* The file's own type says what a cpu is: signed 16 bits. */
  {
    hid_t file_type = H5Dget_type (dset);
    hid_t cpu_type = H5Tget_member_type (file_type, H5Tget_member_index (file_type, "cpu"));

    g_assert_cmpint (H5Tget_sign (cpu_type), ==, H5T_SGN_2);
    g_assert_cmpuint (H5Tget_size (cpu_type), ==, 2);
    H5Tclose (cpu_type);
    H5Tclose (file_type);
  }
  g_free (got);
  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (dset);

  /* Layer names: UTF-8 variable-length strings. */
  str = H5Tcopy (H5T_C_S1);
  H5Tset_size (str, H5T_VARIABLE);
  H5Tset_cset (str, H5T_CSET_UTF8);
  type = H5Tcreate (H5T_COMPOUND, sizeof (char *));
  H5Tinsert (type, "name", 0, str);
  dset = H5Dopen2 (file, "layers", H5P_DEFAULT);
  g_assert_cmpint (H5Dread (dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, names), >=, 0);
  for (guint l = 0; l < 3; l++)
    {
      g_assert_cmpstr (names[l], ==, report->layers[l].name);
      H5free_memory (names[l]);
    }
  H5Dclose (dset);
  H5Tclose (type);
  H5Tclose (str);
  H5Fclose (file);
  lsc_hdf5_unlock ();
  lsc_test_remove_tmp_dir (dir);
}

/* ---- bad files ---------------------------------------------------------------------- */

static void
assert_read_fails (const char *path,
                   GQuark      domain,
                   int         code,
                   const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProfileReport) report = lsc_session_file_read (path, &error);

  g_assert_null (report);
  g_assert_nonnull (error);
  if (domain != 0)
    g_assert_error (error, domain, code);
  /* The message names the file and what is wrong. */
  if (strstr (error->message, path) == NULL || strstr (error->message, needle) == NULL)
    g_error ("message “%s” should name %s and say “%s”", error->message, path, needle);
}

static char *
write_session (const char *dir,
               const char *name)
{
  g_autoptr(LscProfileReport) report = make_report ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (lsc_session_file_write (report, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_bad_files (void)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *missing = g_build_filename (dir, "missing.lsc", NULL);
  g_autofree char *text = g_build_filename (dir, "text.lsc", NULL);
  g_autofree char *keras = g_build_filename (dir, "model.h5", NULL);
  g_autofree char *good = write_session (dir, "good.lsc");
  g_autofree char *truncated = g_build_filename (dir, "truncated.lsc", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  assert_read_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no such");
  g_assert_false (lsc_session_file_is_session (missing));

  g_assert_true (g_file_set_contents (text, "not a session\n", -1, NULL));
  assert_read_fails (text, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "not an HDF5 file");
  g_assert_false (lsc_session_file_is_session (text));

  g_assert_true (lsc_zoo_write ("lenet5", NULL, keras, &error));
  g_assert_no_error (error);
  assert_read_fails (keras, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "Keras model");
  g_assert_false (lsc_session_file_is_session (keras));

  assert_read_fails (dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "directory");

  /* Cut anywhere: an error, never a crash or a wrong report. */
  g_assert_true (g_file_get_contents (good, &contents, &size, NULL));
  for (guint k = 1; k < 20; k++)
    {
      g_assert_true (g_file_set_contents (truncated, contents, size * k / 20, NULL));
      assert_read_fails (truncated, 0, 0, "truncated");
    }
  g_assert_true (g_file_set_contents (truncated, contents, size - 1, NULL));
  assert_read_fails (truncated, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5, "truncated");

  /* Writing where no file can be: the system's reason. */
  {
    g_autoptr(LscProfileReport) report = make_report ();
    g_autofree char *nowhere = g_build_filename (dir, "no-such-dir", "s.lsc", NULL);

    g_assert_false (lsc_session_file_write (report, nowhere, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, nowhere));
    g_clear_error (&error);
  }
  lsc_test_remove_tmp_dir (dir);
}

/* ---- damaged sessions: a good file changed with the HDF5 API ---------------------- */

typedef void (*Patch) (hid_t file);

static void
patch_session (const char *path,
               Patch       patch)
{
  hid_t file;

  lsc_hdf5_lock ();
  file = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  patch (file);
  g_assert_cmpint (H5Fclose (file), >=, 0);
  lsc_hdf5_unlock ();
}

static void
set_int_attr (hid_t       object,
              const char *name,
              gint64      value)
{
  hid_t space = H5Screate (H5S_SCALAR), attr;

  if (H5Aexists (object, name) > 0)
    g_assert_cmpint (H5Adelete (object, name), >=, 0);
  attr = H5Acreate2 (object, name, H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (H5Awrite (attr, H5T_NATIVE_INT64, &value), >=, 0);
  H5Aclose (attr);
  H5Sclose (space);
}

static void
patch_future_schema (hid_t file)
{
  set_int_attr (file, "schema", 99);
}

static void
patch_no_runs (hid_t file)
{
  g_assert_cmpint (H5Ldelete (file, "runs", H5P_DEFAULT), >=, 0);
}

static void
patch_no_monitor (hid_t file)
{
  g_assert_cmpint (H5Ldelete (file, "monitor", H5P_DEFAULT), >=, 0);
}

/* Replaces a dataset with a 1-D float64 one of n zeros. */
static void
replace_with_doubles (hid_t       parent,
                      const char *name,
                      hsize_t     n)
{
  hid_t space = H5Screate_simple (1, &n, NULL), dset;
  g_autofree double *zeros = g_new0 (double, n);

  g_assert_cmpint (H5Ldelete (parent, name, H5P_DEFAULT), >=, 0);
  dset = H5Dcreate2 (parent, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros), >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
}

static void
patch_counts_wrong_dims (hid_t file)
{
  replace_with_doubles (file, "counters/counts", 5);
}

static void
patch_workers_not_ints (hid_t file)
{
  replace_with_doubles (file, "workers", 2);
}

typedef struct
{
  guint32 run, layer;
  guint16 worker;
  gint16  cpu;
  guint8  kind;
  double  t0, t1;
} SliceRec;

/* Rewrites /slices, written with this test's own compound type. */
static void
write_slices (hid_t           file,
              const SliceRec *recs,
              hsize_t         n)
{
  hid_t type = H5Tcreate (H5T_COMPOUND, sizeof (SliceRec)), kind = H5Tenum_create (H5T_NATIVE_UINT8);
  hid_t space = H5Screate_simple (1, &n, NULL), dset;
  guint8 v0 = 0, v1 = 1;

  H5Tenum_insert (kind, "busy", &v0);
  H5Tenum_insert (kind, "span", &v1);
  H5Tinsert (type, "run", HOFFSET (SliceRec, run), H5T_NATIVE_UINT32);
  H5Tinsert (type, "layer", HOFFSET (SliceRec, layer), H5T_NATIVE_UINT32);
  H5Tinsert (type, "worker", HOFFSET (SliceRec, worker), H5T_NATIVE_UINT16);
  H5Tinsert (type, "cpu", HOFFSET (SliceRec, cpu), H5T_NATIVE_INT16);
  H5Tinsert (type, "kind", HOFFSET (SliceRec, kind), kind);
  H5Tinsert (type, "t0_ns", HOFFSET (SliceRec, t0), H5T_NATIVE_DOUBLE);
  H5Tinsert (type, "t1_ns", HOFFSET (SliceRec, t1), H5T_NATIVE_DOUBLE);
  g_assert_cmpint (H5Ldelete (file, "slices", H5P_DEFAULT), >=, 0);
  dset = H5Dcreate2 (file, "slices", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (H5Dwrite (dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, recs), >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
  H5Tclose (type);
  H5Tclose (kind);
}

/* Padding zeroed: HDF5 writes the struct's bytes as they are. */
static void
slice_rec (SliceRec *rec,
           guint     run,
           guint     layer,
           guint     worker)
{
  memset (rec, 0, sizeof *rec);
  rec->run = run;
  rec->layer = layer;
  rec->worker = (guint16) worker;
  rec->t0 = 1.0;
  rec->t1 = 2.0;
}

static void
write_one_slice (hid_t file,
                 guint run,
                 guint layer,
                 guint worker)
{
  SliceRec rec;

  slice_rec (&rec, run, layer, worker);
  write_slices (file, &rec, 1);
}

static void
patch_slices_out_of_order (hid_t file)
{
  SliceRec recs[2];

  slice_rec (&recs[0], 3, 0, 0);
  slice_rec (&recs[1], 2, 0, 0);
  write_slices (file, recs, 2);
}

static void
patch_slice_layer (hid_t file)
{
  write_one_slice (file, 0, 99, 0);
}

static void
patch_slice_worker (hid_t file)
{
  write_one_slice (file, 0, 0, 5);
}

static void
patch_slice_run (hid_t file)
{
  write_one_slice (file, 1000, 0, 0);
}

static void
patch_valid_slice (hid_t file)
{
  write_one_slice (file, 3, 2, 1);
}

typedef struct
{
  const char *name;
  Patch       patch;
  const char *needle;
} PatchCase;

static void
test_damaged (void)
{
  const PatchCase cases[] = {
    { "future", patch_future_schema, "schema 99" },
    { "no-runs", patch_no_runs, "/runs is missing" },
    { "no-monitor", patch_no_monitor, "/monitor" },
    { "counts", patch_counts_wrong_dims, "/counters/counts has 1 dimensions, not 3" },
    { "workers", patch_workers_not_ints, "/workers has the wrong type" },
    { "layer", patch_slice_layer, "layer 99, but there are 3 layers" },
    { "worker", patch_slice_worker, "worker 5, but there are 2 workers" },
    { "run", patch_slice_run, "run 1000, but there are 12 runs" },
    { "order", patch_slices_out_of_order, "slices must be in run order" },
  };
  g_autofree char *dir = lsc_test_make_tmp_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.lsc", cases[i].name);
      g_autofree char *path = write_session (dir, name);

      patch_session (path, cases[i].patch);
      assert_read_fails (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, cases[i].needle);
    }

  /* The newer schema's message also says which one this version reads. */
  {
    g_autofree char *path = write_session (dir, "future2.lsc");
    g_autofree char *mine = g_strdup_printf ("schema %d", LSC_PROFILE_SCHEMA_VERSION);

    patch_session (path, patch_future_schema);
    assert_read_fails (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, mine);
    g_assert_true (lsc_session_file_is_session (path));
  }

  /* The same patching with a valid slice reads (the patches, not the
   * reader, make the failures above). */
  {
    g_autofree char *path = write_session (dir, "valid.lsc");
    g_autoptr(GError) error = NULL;
    g_autoptr(LscProfileReport) report = NULL;

    patch_session (path, patch_valid_slice);
    report = lsc_session_file_read (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->slices->len, ==, 1);
    g_assert_cmpuint (g_array_index (report->slices, LscProfileSlice, 0).layer, ==, 2);
    g_assert_cmpuint (g_array_index (report->slices, LscProfileSlice, 0).worker, ==, 1);
  }
  lsc_test_remove_tmp_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/hand-made", test_hand_made);
  g_test_add_func ("/session/empty", test_empty);
  g_test_add_func ("/session/layout", test_layout);
  g_test_add_func ("/session/real-profile", test_real_profile);
  g_test_add_func ("/session/bad-files", test_bad_files);
  g_test_add_func ("/session/damaged", test_damaged);
  return g_test_run ();
}
