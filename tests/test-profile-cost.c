/* FLOPs and bytes per step (lsc_plan_get_step_cost) against figures
 * derived by hand for each layer kind, unfused and fused. */

#include <math.h>

#include "plan/lsc-plan.h"
#include "zoo/lsc-zoo-graph.h"
#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-writer.h"

#include "lsc-test-util.h"

typedef struct
{
  const char *name;          /* the step's first node */
  double      flops;         /* one sample */
  double      weight_bytes;
  double      input_bytes;   /* one sample */
  double      output_bytes;
} Expected;

static LscModel *
write_and_load (LscZooGraph *graph)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr(GError) error = NULL;
  LscModel *model;

  g_assert_true (lsc_zoo_writer_write (graph, 7, path, &error));
  g_assert_no_error (error);
  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  lsc_test_remove_tmp_dir (dir);
  return model;
}

static void
check_steps (LscModel       *model,
             gboolean        fuse,
             const Expected *expected,
             guint           n_expected)
{
  const LscNode *input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  LscShape shape = input->output_shape;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  LscPlanOptions options;

  /* Planned for 3 samples, costed for 2: per-sample figures scale, the
   * weights do not. */
  shape.dims[0] = 3;
  lsc_plan_options_init (&options);
  options.fuse = fuse;
  plan = lsc_plan_new (model, &shape, 1, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lsc_plan_get_n_steps (plan), ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      const LscPlanStep *step = lsc_plan_get_step (plan, i);
      const char *name = lsc_model_get_node (model, step->nodes[0])->name;
      LscStepCost cost;

      g_test_message ("step %u: %s", i, name);
      g_assert_cmpstr (name, ==, expected[i].name);
      lsc_plan_get_step_cost (plan, i, 2, &cost);
      g_assert_cmpfloat (cost.flops, ==, 2 * expected[i].flops);
      g_assert_cmpfloat (cost.weight_bytes, ==, expected[i].weight_bytes);
      g_assert_cmpfloat (cost.input_bytes, ==, 2 * expected[i].input_bytes);
      g_assert_cmpfloat (cost.output_bytes, ==, 2 * expected[i].output_bytes);
    }
}

/* 8×8×3 → conv 3×3 same, 4 filters, bias → BN → ReLU → Add(relu, conv)
 * → max pool 2 → depthwise 3×3 same, bias → average pool 2 → global
 * average pool → Dense 2 → softmax. */
static LscModel *
every_kind_model (void)
{
  g_autoptr(LscZooGraph) g = lsc_zoo_graph_new ("every_kind", FALSE);
  const int64_t dims[] = { 8, 8, 3 };
  guint x, c;

  x = lsc_zoo_input (g, "in", 3, dims);
  c = lsc_zoo_conv2d (g, x, "conv", 4, 3, 1, "same", TRUE, "linear");
  x = lsc_zoo_batch_norm (g, c, "bn", 0.99, 1e-3);
  x = lsc_zoo_activation (g, x, "relu", "relu");
  x = lsc_zoo_add (g, x, c, "add");
  x = lsc_zoo_max_pooling2d (g, x, "maxpool", 2, 2, "valid");
  x = lsc_zoo_depthwise_conv2d (g, x, "dw", 3, 1, "same", TRUE);
  x = lsc_zoo_average_pooling2d (g, x, "avgpool", 2, 2, "valid");
  x = lsc_zoo_global_average_pooling2d (g, x, "gap", FALSE);
  x = lsc_zoo_dense (g, x, "fc", 2, "linear");
  lsc_zoo_activation (g, x, "softmax", "softmax");
  return write_and_load (g);
}

static void
test_cost_every_kind_unfused (void)
{
  g_autoptr(LscModel) model = every_kind_model ();
  /* Derived by hand, float32 = 4 bytes:
   * conv: 8·8 outputs × 4 filters × 27 taps = 6912 MACs = 13824 FLOPs;
   *   3·3·3·4 + 4 = 112 weights = 448 B; in 8·8·3 = 192 floats; out 256.
   * bn: 2 per element (scale, shift) = 512; 4 × 4 parameters = 64 B.
   * relu: 1 per element = 256.  add: (2 − 1) per element = 256, two inputs.
   * maxpool: 4·4·4 = 64 outputs × 4-cell window = 256.
   * dw: 64 outputs × 9 taps = 576 MACs = 1152; 9·4 + 4 = 40 weights.
   * avgpool: 2·2·4 = 16 outputs × 4 = 64.  gap: one per input = 16.
   * fc: 4 × 2 = 8 MACs = 16; 4·2 + 2 = 10 weights.  softmax: 3 × 2 = 6. */
  const Expected expected[] = {
    { "conv", 13824, 448, 768, 1024 },
    { "bn", 512, 64, 1024, 1024 },
    { "relu", 256, 0, 1024, 1024 },
    { "add", 256, 0, 2048, 1024 },
    { "maxpool", 256, 0, 1024, 256 },
    { "dw", 1152, 160, 256, 256 },
    { "avgpool", 64, 0, 256, 64 },
    { "gap", 16, 0, 64, 16 },
    { "fc", 16, 40, 16, 8 },
    { "softmax", 6, 0, 8, 8 },
  };

  check_steps (model, FALSE, expected, G_N_ELEMENTS (expected));
}

/* Fused: a BatchNormalization folded into the convolution before it costs
 * nothing and its parameters are not read; the fused activation still
 * counts one per element. */
static void
test_cost_fused (void)
{
  g_autoptr(LscZooGraph) g = lsc_zoo_graph_new ("fused", FALSE);
  const int64_t dims[] = { 8, 8, 3 };
  g_autoptr(LscModel) model = NULL;
  guint x;
  /* conv (no bias) + bn + relu: 13824 + 256; weights 3·3·3·4 = 108 = 432 B.
   * Then Dense on the flattened 256 values: 256 × 3 = 768 MACs = 1536
   * FLOPs, 256 · 3 + 3 = 771 weights = 3084 B. */
  const Expected expected[] = {
    { "conv", 13824 + 256, 432, 768, 1024 },
    { "fc", 1536, 3084, 1024, 12 },
  };

  x = lsc_zoo_input (g, "in", 3, dims);
  x = lsc_zoo_conv2d (g, x, "conv", 4, 3, 1, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (g, x, "bn", 0.99, 1e-3);
  x = lsc_zoo_relu (g, x, "relu", -1);
  x = lsc_zoo_flatten (g, x, "flat");
  lsc_zoo_dense (g, x, "fc", 3, "linear");
  model = write_and_load (g);
  check_steps (model, TRUE, expected, G_N_ELEMENTS (expected));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/cost/every-kind-unfused", test_cost_every_kind_unfused);
  g_test_add_func ("/profile/cost/fused", test_cost_fused);
  return g_test_run ();
}
