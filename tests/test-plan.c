/* The planner and executor: arena layout against hand-placed lifetimes,
 * what fusion does to the zoo's architectures, planned outputs against the
 * reference executor for every ISA / thread count / strategy / fusion
 * setting, input checks, cancellation, and the ISA cap. */

#include <math.h>
#include <string.h>

#include "plan/lsc-executor.h"
#include "plan/lsc-plan-arena.h"
#include "zoo/lsc-zoo.h"

#include "lsc-test-util.h"

/* ---- arena -------------------------------------------------------------- */

static void
test_arena_reuses_dead_buffers (void)
{
  /* A chain a → b → c → d: a and c may share, b and d may share; all four
   * sizes 32 floats. Peak: two live buffers = 64 floats. */
  LscStorage s[4] = {
    { 32, 0, -1, 0 }, { 32, 0, 0, 1 }, { 32, 0, 1, 2 }, { 32, 0, 2, 3 },
  };
  gsize total = lsc_arena_layout (s, 4);

  g_assert_cmpuint (total, ==, 64);
  g_assert_cmpuint (s[0].offset, !=, s[1].offset);
  g_assert_cmpuint (s[1].offset, !=, s[2].offset);
  g_assert_cmpuint (s[2].offset, !=, s[3].offset);
  g_assert_cmpuint (s[0].offset, ==, s[2].offset);
}

static void
test_arena_never_overlaps_live_buffers (void)
{
  /* Random lifetimes and sizes; check every pair alive at once is apart. */
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (int round = 0; round < 200; round++)
    {
      LscStorage s[24];
      const guint n = g_rand_int_range (rand, 1, 24);
      gsize total, sum = 0;

      for (guint i = 0; i < n; i++)
        {
          s[i].floats = 16 * g_rand_int_range (rand, 1, 40);
          s[i].first_op = g_rand_int_range (rand, -1, 20);
          s[i].last_op = s[i].first_op + g_rand_int_range (rand, 0, 6);
          sum += s[i].floats;
        }
      total = lsc_arena_layout (s, n);
      g_assert_cmpuint (total, <=, sum);
      for (guint i = 0; i < n; i++)
        {
          g_assert_cmpuint (s[i].offset % 16, ==, 0);
          g_assert_cmpuint (s[i].offset + s[i].floats, <=, total);
          for (guint j = i + 1; j < n; j++)
            {
              const gboolean live_together = s[i].first_op <= s[j].last_op && s[j].first_op <= s[i].last_op;
              const gboolean apart = s[i].offset + s[i].floats <= s[j].offset
                                     || s[j].offset + s[j].floats <= s[i].offset;
              if (live_together)
                g_assert_true (apart);
            }
        }
    }
}

/* ---- zoo models ---------------------------------------------------------- */

typedef struct
{
  const char *name;
  double      alpha;
  int         size;
} ZooCase;

static const ZooCase zoo_cases[] = {
  { "mobilenetv2", 0.35, 48 },   /* ZeroPadding + depthwise, ReLU6, Add, BN folding */
  { "resnet50", 0, 32 },          /* 7×7 stem, max pooling, Add + ReLU */
  { "efficientnetb0", 0, 32 },    /* swish, squeeze-and-excitation Multiply, Rescaling */
  { "lenet5", 0, 0 },             /* tanh epilogue, average pooling */
  { "mnist-cnn", 0, 0 },          /* max pooling, Flatten, Dense + softmax */
};

static LscModel *
load_zoo (const ZooCase *zc)
{
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  LscZooOptions options = { zc->alpha, zc->size, 0 };
  g_autoptr(GError) error = NULL;
  LscModel *model;

  g_assert_true (lsc_zoo_write (zc->name, &options, path, &error));
  g_assert_no_error (error);
  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  lsc_test_remove_tmp_dir (dir);
  return model;
}

static LscTensor *
random_input (LscModel *model,
              int64_t   batch,
              guint32   seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  LscShape shape = lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  LscTensor *t;

  shape.dims[0] = batch;
  t = lsc_tensor_new (&shape);
  for (int64_t i = 0; i < lsc_tensor_numel (t); i++)
    t->data[i] = (float) g_rand_double_range (rand, 0.0, 1.0);
  return t;
}

static void
assert_close (const char      *what,
              const LscTensor *got,
              const LscTensor *want)
{
  float max_ref = 0.0f, max_diff = 0.0f;

  g_assert_true (lsc_shape_equal (&got->shape, &want->shape));
  for (int64_t i = 0; i < lsc_tensor_numel (want); i++)
    {
      max_ref = fmaxf (max_ref, fabsf (want->data[i]));
      max_diff = fmaxf (max_diff, fabsf (got->data[i] - want->data[i]));
    }
  if (!(max_diff <= 1e-4f * fmaxf (1.0f, max_ref)))
    g_error ("%s: max |diff| %g against max |ref| %g", what, max_diff, max_ref);
}

static void
test_zoo_planned_matches_reference (gconstpointer data)
{
  const ZooCase *zc = data;
  g_autoptr(LscModel) model = load_zoo (zc);
  g_autoptr(GError) error = NULL;
  /* Batch 3: replicas of 2 threads split it unevenly (2 + 1). */
  g_autoptr(LscTensor) input = random_input (model, 3, 11);
  LscTensor *want = NULL;
  const guint max_threads = MIN (2, g_get_num_processors ());

  g_assert_true (lsc_model_run (model, (const LscTensor *const *) &input, 1, &want, &error));
  g_assert_no_error (error);

  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    for (int fuse = 0; fuse <= 1; fuse++)
      {
        LscPlanOptions plan_options = { isa, fuse };
        g_autoptr(LscPlan) plan = NULL;

        if (!lsc_isa_is_supported (isa))
          continue;
        plan = lsc_plan_new (model, &input->shape, 1, &plan_options, &error);
        g_assert_no_error (error);
        for (guint threads = 1; threads <= max_threads; threads++)
          for (LscStrategy strategy = LSC_STRATEGY_INTRA; strategy <= LSC_STRATEGY_REPLICAS; strategy++)
            {
              LscExecutorOptions options = { threads, LSC_PIN_COMPACT, strategy };
              g_autoptr(LscExecutor) executor = lsc_executor_new (plan, &options, &error);
              g_autofree char *what = g_strdup_printf ("%s %s %s t%u %s", zc->name, lsc_isa_to_string (isa),
                                                       fuse ? "fused" : "unfused", threads,
                                                       lsc_strategy_to_string (strategy));
              LscTensor *got = NULL;

              g_assert_no_error (error);
              /* Twice: the second run reuses the output and the arena. */
              for (int again = 0; again < 2; again++)
                {
                  g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) &input, 1,
                                                   &got, NULL, &error));
                  g_assert_no_error (error);
                  assert_close (what, got, want);
                }
              lsc_tensor_free (got);
            }
      }
  lsc_tensor_free (want);
}

static guint
count_class (LscModel   *model,
             LscPlan    *plan,
             const char *class_name,
             gboolean    alone)
{
  guint n = 0;

  for (guint i = 0; i < lsc_plan_get_n_steps (plan); i++)
    {
      const LscPlanStep *step = lsc_plan_get_step (plan, i);
      for (guint k = 0; k < step->n_nodes; k++)
        if (g_strcmp0 (lsc_model_get_node (model, step->nodes[k])->layer->class_name, class_name) == 0
            && (!alone || step->n_nodes == 1))
          n++;
    }
  return n;
}

static LscPlan *
plan_for (LscModel *model,
          LscIsa    isa,
          gboolean  fuse)
{
  LscShape shape = lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  LscPlanOptions options = { isa, fuse };
  g_autoptr(GError) error = NULL;
  LscPlan *plan;

  shape.dims[0] = 1;
  plan = lsc_plan_new (model, &shape, 1, &options, &error);
  g_assert_no_error (error);
  return plan;
}

static void
test_fusion_on_mobilenetv2 (void)
{
  const ZooCase zc = { "mobilenetv2", 0.35, 48 };
  g_autoptr(LscModel) model = load_zoo (&zc);
  g_autoptr(LscPlan) fused = plan_for (model, lsc_isa_detect (), TRUE);
  g_autoptr(LscPlan) unfused = plan_for (model, lsc_isa_detect (), FALSE);
  guint n_bn = 0, n_relu = 0, n_pad = 0, n_add = 0, computing = 0;

  for (guint i = 0; i < lsc_model_get_n_nodes (model); i++)
    {
      const char *cls = lsc_model_get_node (model, i)->layer->class_name;
      const LscLayerKind kind = lsc_model_get_node (model, i)->layer->ops->kind;
      n_bn += g_str_equal (cls, "BatchNormalization");
      n_relu += g_str_equal (cls, "ReLU");
      n_pad += g_str_equal (cls, "ZeroPadding2D");
      n_add += g_str_equal (cls, "Add");
      computing += kind != LSC_LAYER_KIND_INPUT && kind != LSC_LAYER_KIND_IDENTITY
                   && kind != LSC_LAYER_KIND_RESHAPE;
    }
  /* keras.applications' MobileNetV2: 52 BatchNorms, 35 ReLU6, 4 paddings. */
  g_assert_cmpuint (n_bn, ==, 52);
  g_assert_cmpuint (n_relu, ==, 35);
  g_assert_cmpuint (n_pad, ==, 4);
  g_assert_cmpuint (n_add, ==, 10);

  /* Unfused: one op per computing layer, each attributed to itself. */
  g_assert_cmpuint (lsc_plan_get_n_steps (unfused), ==, computing);
  g_assert_cmpuint (count_class (model, unfused, "BatchNormalization", TRUE), ==, n_bn);

  /* Fused: every BatchNorm, ReLU, padding and residual Add folded into the
   * convolution before (or after) it, never alone, and still attributed. */
  g_assert_cmpuint (count_class (model, fused, "Add", TRUE), ==, 0);
  g_assert_cmpuint (count_class (model, fused, "Add", FALSE), ==, n_add);
  g_assert_cmpuint (count_class (model, fused, "BatchNormalization", TRUE), ==, 0);
  g_assert_cmpuint (count_class (model, fused, "ReLU", TRUE), ==, 0);
  g_assert_cmpuint (count_class (model, fused, "ZeroPadding2D", TRUE), ==, 0);
  g_assert_cmpuint (count_class (model, fused, "BatchNormalization", FALSE), ==, n_bn);
  g_assert_cmpuint (count_class (model, fused, "ReLU", FALSE), ==, n_relu);
  g_assert_cmpuint (lsc_plan_get_n_steps (fused), ==, computing - n_bn - n_relu - n_pad - n_add);

  /* Every node that computes maps to a step; the step lists it. */
  for (guint i = 0; i < lsc_model_get_n_nodes (model); i++)
    {
      int step = lsc_plan_find_node_step (fused, i);
      const LscLayerKind kind = lsc_model_get_node (model, i)->layer->ops->kind;
      if (kind == LSC_LAYER_KIND_INPUT || kind == LSC_LAYER_KIND_IDENTITY || kind == LSC_LAYER_KIND_RESHAPE)
        continue;
      g_assert_cmpint (step, >=, 0);
      const LscPlanStep *s = lsc_plan_get_step (fused, step);
      gboolean listed = FALSE;
      for (guint k = 0; k < s->n_nodes; k++)
        listed |= s->nodes[k] == i;
      g_assert_true (listed);
    }

  /* Fusion removes whole tensors: the arena can only shrink. */
  g_assert_cmpuint (lsc_plan_get_arena_bytes (fused), <=, lsc_plan_get_arena_bytes (unfused));
  g_assert_cmpuint (lsc_plan_get_arena_bytes (fused) % 64, ==, 0);
}

static void
test_kernel_names_follow_isa (void)
{
  const ZooCase zc = { "resnet50", 0, 32 };
  g_autoptr(LscModel) model = load_zoo (&zc);

  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    {
      g_autoptr(LscPlan) plan = NULL;
      g_autofree char *suffix = NULL;
      guint n_conv_steps = 0;

      if (!lsc_isa_is_supported (isa))
        continue;
      plan = plan_for (model, isa, TRUE);
      suffix = g_strconcat ("__", lsc_isa_to_string (isa), NULL);
      for (guint i = 0; i < lsc_plan_get_n_steps (plan); i++)
        {
          const LscPlanStep *step = lsc_plan_get_step (plan, i);
          const char *cls = lsc_model_get_node (model, step->nodes[0])->layer->class_name;
          if (!g_str_equal (cls, "Conv2D"))
            continue;
          n_conv_steps++;
          /* A convolution runs a GEMM kernel of this ISA or, where the ISA
           * has none, the scalar one — and its name says which. */
          g_assert_true (g_str_has_prefix (step->kernel, "f32_gemm_") || g_str_has_prefix (step->kernel, "f32_igemm_"));
          g_assert_true (g_str_has_suffix (step->kernel, suffix) || g_str_has_suffix (step->kernel, "__scalar"));
          g_assert_cmpint (step->macs, >, 0);
        }
      g_assert_cmpuint (n_conv_steps, ==, 53);
    }
}

/* ---- executor checks ------------------------------------------------------ */

static void
test_executor_rejects_bad_inputs (void)
{
  const ZooCase zc = { "lenet5", 0, 0 };
  g_autoptr(LscModel) model = load_zoo (&zc);
  g_autoptr(LscTensor) input = random_input (model, 2, 1);
  g_autoptr(LscTensor) too_big = random_input (model, 3, 1);
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  LscExecutorOptions options;
  LscPlanOptions plan_options;
  g_autoptr(GError) error = NULL;
  LscShape bad_shape = lsc_shape_make (4, (int64_t) 1, (int64_t) 30, (int64_t) 30, (int64_t) 1);
  LscTensor *out = NULL;
  g_autoptr(LscTensor) wrong_out = NULL;

  lsc_plan_options_init (&plan_options);
  lsc_executor_options_init (&options);
  g_assert_null (lsc_plan_new (model, &bad_shape, 1, &plan_options, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_clear_error (&error);

  plan = lsc_plan_new (model, &input->shape, 1, &plan_options, &error);
  g_assert_no_error (error);
  executor = lsc_executor_new (plan, &options, &error);
  g_assert_no_error (error);

  /* A batch above the plan's. */
  g_assert_false (lsc_executor_run (executor, (const LscTensor *const *) &too_big, 1, &out, NULL, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_null (out);
  g_clear_error (&error);

  /* An output tensor of the wrong shape. */
  wrong_out = lsc_tensor_new (&bad_shape);
  out = wrong_out;
  g_assert_false (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &out, NULL, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_clear_error (&error);

  /* Absurd thread counts. */
  options.n_threads = 0;
  g_assert_null (lsc_executor_new (plan, &options, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_clear_error (&error);
  options.n_threads = g_get_num_processors () + 1;
  g_assert_null (lsc_executor_new (plan, &options, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
}

static void
test_executor_cancel (void)
{
  const ZooCase zc = { "lenet5", 0, 0 };
  g_autoptr(LscModel) model = load_zoo (&zc);
  g_autoptr(LscTensor) input = random_input (model, 1, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LscPlan) plan = NULL;
  LscPlanOptions plan_options;
  LscExecutorOptions options;
  g_autoptr(GError) error = NULL;
  LscTensor *out = NULL;

  lsc_plan_options_init (&plan_options);
  lsc_executor_options_init (&options);
  options.n_threads = MIN (2, g_get_num_processors ());
  plan = lsc_plan_new (model, &input->shape, 1, &plan_options, &error);
  g_assert_no_error (error);

  for (LscStrategy strategy = LSC_STRATEGY_INTRA; strategy <= LSC_STRATEGY_REPLICAS; strategy++)
    {
      g_autoptr(LscExecutor) executor = NULL;

      options.strategy = strategy;
      executor = lsc_executor_new (plan, &options, &error);
      g_assert_no_error (error);
      g_cancellable_cancel (cancellable);
      g_assert_false (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &out, cancellable, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_CANCELLED);
      g_assert_null (out);
      g_clear_error (&error);

      /* The executor is still good afterwards. */
      g_cancellable_reset (cancellable);
      g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &out, cancellable, &error));
      g_assert_no_error (error);
      g_clear_pointer (&out, lsc_tensor_free);
    }
}

/* ---- ISA ------------------------------------------------------------------ */

static void
test_isa_names_and_cap (void)
{
  g_autoptr(GError) error = NULL;
  LscIsa isa;

  for (LscIsa i = 0; i < LSC_ISA_COUNT; i++)
    {
      g_assert_true (lsc_isa_from_string (lsc_isa_to_string (i), &isa, &error));
      g_assert_cmpint (isa, ==, i);
    }
  g_assert_false (lsc_isa_from_string ("avx1024", &isa, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_clear_error (&error);

  /* No request, no LSC_ISA: the best. LSC_ISA caps it; --isa wins. */
  g_unsetenv ("LSC_ISA");
  g_assert_true (lsc_isa_resolve (NULL, &isa, &error));
  g_assert_cmpint (isa, ==, lsc_isa_detect ());
  g_setenv ("LSC_ISA", "scalar", TRUE);
  g_assert_true (lsc_isa_resolve (NULL, &isa, &error));
  g_assert_cmpint (isa, ==, LSC_ISA_SCALAR);
  g_assert_true (lsc_isa_resolve (lsc_isa_to_string (lsc_isa_detect ()), &isa, &error));
  g_assert_cmpint (isa, ==, lsc_isa_detect ());
  g_setenv ("LSC_ISA", "bogus", TRUE);
  g_assert_false (lsc_isa_resolve (NULL, &isa, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_assert_nonnull (strstr (error->message, "LSC_ISA"));
  g_clear_error (&error);
  g_unsetenv ("LSC_ISA");

  /* The machine's best must be above a set it cannot run; on this CPU
   * that is only possible below AVX-512. */
  if (lsc_isa_detect () < LSC_ISA_AVX512)
    {
      g_assert_false (lsc_isa_resolve ("avx512", &isa, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
    }
  g_assert_true (lsc_isa_is_supported (LSC_ISA_SCALAR));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan/arena/reuses-dead-buffers", test_arena_reuses_dead_buffers);
  g_test_add_func ("/plan/arena/never-overlaps-live-buffers", test_arena_never_overlaps_live_buffers);
  for (guint i = 0; i < G_N_ELEMENTS (zoo_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/plan/zoo/%s", zoo_cases[i].name);
      g_test_add_data_func (path, &zoo_cases[i], test_zoo_planned_matches_reference);
    }
  g_test_add_func ("/plan/fusion/mobilenetv2", test_fusion_on_mobilenetv2);
  g_test_add_func ("/plan/kernel-names", test_kernel_names_follow_isa);
  g_test_add_func ("/plan/executor/bad-inputs", test_executor_rejects_bad_inputs);
  g_test_add_func ("/plan/executor/cancel", test_executor_cancel);
  g_test_add_func ("/plan/isa", test_isa_names_and_cap);
  return g_test_run ();
}
