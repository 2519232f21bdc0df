/* Sweeps: the Amdahl fit against hand-computed values, and real sweeps
 * (every point profiled, settings applied, bad values refused). */

#include <math.h>
#include <string.h>

#include "profile/lsc-sweep.h"
#include "zoo/lsc-zoo.h"

#include "lsc-test-util.h"

static void
test_amdahl_fit (void)
{
  /* s = 0.2, T1 = 100: T2 = 100 (0.2 + 0.4) = 60, T4 = 40, T8 = 30. */
  const guint n[] = { 1, 2, 4, 8 };
  const double t[] = { 100, 60, 40, 30 };
  const double perfect[] = { 100, 50, 25, 12.5 };
  const double none[] = { 100, 100, 100, 100 };
  const double worse[] = { 100, 150, 200, 250 };

  g_assert_cmpfloat_with_epsilon (lsc_amdahl_fit (n, t, 4), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (lsc_amdahl_fit (n, perfect, 4), 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lsc_amdahl_fit (n, none, 4), 1.0, 1e-12);
  /* Slower with more threads: clamped to 1. */
  g_assert_cmpfloat_with_epsilon (lsc_amdahl_fit (n, worse, 4), 1.0, 1e-12);
  /* Noise: least squares between the two points' own fractions. */
  {
    const guint n2[] = { 1, 2, 4 };
    const double t2[] = { 100, 60, 30 };   /* s = 0.2 from T2, 0.0667 from T4 */
    const double s = lsc_amdahl_fit (n2, t2, 3);
    g_assert_cmpfloat (s, >, 0.0667);
    g_assert_cmpfloat (s, <, 0.2);
  }
  g_assert_true (isnan (lsc_amdahl_fit (n + 1, t + 1, 3)));   /* no 1-thread point */
  g_assert_true (isnan (lsc_amdahl_fit (n, t, 1)));           /* nothing to fit */
}

static LscModel *
zoo_model (const char *name)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr(GError) error = NULL;
  LscModel *model;

  g_assert_true (lsc_zoo_write (name, NULL, path, &error));
  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  lsc_test_remove_tmp_dir (dir);
  return model;
}

static LscTensor *
one_sample (LscModel *model)
{
  LscShape shape = lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  LscTensor *x;

  shape.dims[0] = 1;
  x = lsc_tensor_new (&shape);
  for (int64_t i = 0; i < lsc_tensor_numel (x); i++)
    x->data[i] = (float) (i % 17) / 17.0f;
  return x;
}

static LscSweep *
sweep (LscModel     *model,
       LscSweepKind  kind,
       const char   *values,
       GError      **error)
{
  g_autoptr(LscTensor) x = one_sample (model);
  LscSweepOptions options;

  lsc_sweep_options_init (&options);
  options.kind = kind;
  options.values = values;
  options.profile.runs = 5;
  options.profile.warmup = 1;
  return lsc_sweep_run (model, (const LscTensor *const *) &x, 1, &options, NULL, error);
}

static void
test_sweep_batch (void)
{
  g_autoptr(LscModel) model = zoo_model ("mnist-cnn");
  g_autoptr(GError) error = NULL;
  g_autoptr(LscSweep) s = sweep (model, LSC_SWEEP_BATCH, "1,3,8", &error);
  const guint batches[] = { 1, 3, 8 };

  g_assert_no_error (error);
  g_assert_cmpuint (s->n_points, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const LscSweepPoint *p = &s->points[i];

      g_assert_cmpuint (p->batch, ==, batches[i]);
      g_assert_cmpuint (p->report->batch, ==, batches[i]);
      g_assert_cmpuint (p->report->wall.n, ==, 5);
      g_assert_cmpfloat_with_epsilon (p->throughput, batches[i] / (p->latency_ns * 1e-9), 1e-6 * p->throughput);
      /* Per-layer times at every point; FLOPs scale with the batch. */
      g_assert_cmpuint (p->report->n_layers, ==, s->points[0].report->n_layers);
      g_assert_cmpfloat_with_epsilon (p->report->layers[0].flops,
                                      batches[i] * s->points[0].report->layers[0].flops, 1e-6);
    }
  g_assert_true (isnan (s->serial_fraction));
  g_assert_null (s->layer_serial_fraction);
}

static void
test_sweep_threads (void)
{
  g_autoptr(LscModel) model = zoo_model ("mnist-cnn");
  g_autoptr(GError) error = NULL;
  g_autoptr(LscSweep) s = sweep (model, LSC_SWEEP_THREADS, NULL, &error);
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *csv = NULL;

  g_assert_no_error (error);
  /* Default: 1 … cores. */
  g_assert_cmpuint (s->n_points, >=, 1);
  for (guint i = 0; i < s->n_points; i++)
    g_assert_cmpuint (s->points[i].report->n_threads, ==, i + 1);
  g_assert_nonnull (s->layer_serial_fraction);
  if (s->n_points > 1)
    {
      g_assert_cmpfloat (s->serial_fraction, >=, 0.0);
      g_assert_cmpfloat (s->serial_fraction, <=, 1.0);
    }
  json = lsc_sweep_to_json (s);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (json), "points")),
                    ==, s->n_points);
  csv = lsc_sweep_to_csv (s);
  g_assert_true (g_str_has_prefix (csv, "point,label,threads,batch"));
}

static void
test_sweep_strategy_pin_isa (void)
{
  g_autoptr(LscModel) model = zoo_model ("mnist-cnn");
  g_autoptr(GError) error = NULL;
  g_autoptr(LscSweep) st = sweep (model, LSC_SWEEP_STRATEGY, NULL, &error);
  g_autoptr(LscSweep) pin = NULL;
  g_autoptr(LscSweep) isa = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (st->n_points, ==, 2);
  g_assert_cmpstr (st->points[1].report->strategy, ==, "replicas");
  pin = sweep (model, LSC_SWEEP_PIN, "none,compact", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pin->points[0].report->pin, ==, "none");
  isa = sweep (model, LSC_SWEEP_ISA, "scalar", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (isa->points[0].report->isa, ==, "scalar");
  g_assert_nonnull (strstr (isa->points[0].report->layers[0].kernel, "scalar"));
}

static void
test_sweep_bad_values (void)
{
  g_autoptr(LscModel) model = zoo_model ("mnist-cnn");
  const struct { LscSweepKind kind; const char *values; const char *needle; } cases[] = {
    { LSC_SWEEP_THREADS, "1,zero", "“zero” is not a value of threads" },
    { LSC_SWEEP_THREADS, "0", "“0” is not a value of threads" },
    { LSC_SWEEP_THREADS, "4096", "4096 threads" },
    { LSC_SWEEP_BATCH, "100000", "“100000” is not a value of batch" },
    { LSC_SWEEP_ISA, "avx1024", "“avx1024” is not a value of isa" },
    { LSC_SWEEP_PIN, "tight", "“tight” is not a value of pin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LscSweep) s = sweep (model, cases[i].kind, cases[i].values, &error);

      g_assert_null (s);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sweep/amdahl-fit", test_amdahl_fit);
  g_test_add_func ("/sweep/batch", test_sweep_batch);
  g_test_add_func ("/sweep/threads", test_sweep_threads);
  g_test_add_func ("/sweep/strategy-pin-isa", test_sweep_strategy_pin_isa);
  g_test_add_func ("/sweep/bad-values", test_sweep_bad_values);
  return g_test_run ();
}
