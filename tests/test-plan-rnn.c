/* The planner's recurrent op (engine/plan/lsc-op-rnn.c) against the
 * reference executor (lsc_model_run, the plain loops of lsc-ref-rnn.c):
 * small Keras models of SimpleRNN, LSTM, GRU (reset_after both ways),
 * CuDNN layouts, Bidirectional with every merge mode, stacked layers, units
 * that are not a multiple of any vector width, non-default activations,
 * go_backwards and return_sequences — planned for every ISA this machine
 * has, batch 1 and 3 (and a smaller batch than planned), 1 and 2 threads,
 * both strategies; and the plan must really use the op, not "ref". */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "model/lsc-model.h"
#include "plan/lsc-executor.h"

#include "lsc-test-h5.h"
#include "lsc-test-util.h"

static char *tmpdir;

typedef struct
{
  const char *class_name;       /* SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU */
  int64_t     units;
  gboolean    return_sequences;
  gboolean    go_backwards;
  gboolean    no_bias;
  gboolean    reset_before;     /* GRU: reset_after = false */
  const char *activation;       /* NULL: the default */
  const char *recurrent_activation;
} Rnn;

typedef struct
{
  const char *name;
  int64_t     time, input_dim;
  Rnn         layers[2];        /* the second is optional (class_name NULL) */
  const char *merge;            /* wrap layers[0] in Bidirectional, or NULL */
  const char *kernel_prefix;    /* expected start of each layer's kernel name; "ref" for a fallback */
} Case;

/* ---- writing the model --------------------------------------------------- */

static int64_t
n_gates (const char *class_name)
{
  if (strstr (class_name, "LSTM") != NULL)
    return 4;
  if (strstr (class_name, "GRU") != NULL)
    return 3;
  return 1;
}

static gboolean
is_cudnn (const Rnn *rnn)
{
  return g_str_has_prefix (rnn->class_name, "CuDNN");
}

static void
append_layer_config (GString    *json,
                     const Rnn  *rnn,
                     const char *name)
{
  g_string_append_printf (json, "{\"class_name\": \"%s\", \"config\": {\"name\": \"%s\", "
                          "\"units\": %" G_GINT64_FORMAT ", \"return_sequences\": %s, "
                          "\"go_backwards\": %s",
                          rnn->class_name, name, (gint64) rnn->units,
                          rnn->return_sequences ? "true" : "false",
                          rnn->go_backwards ? "true" : "false");
  if (!is_cudnn (rnn))
    g_string_append_printf (json, ", \"use_bias\": %s", rnn->no_bias ? "false" : "true");
  if (g_str_equal (rnn->class_name, "GRU"))
    g_string_append_printf (json, ", \"reset_after\": %s", rnn->reset_before ? "false" : "true");
  if (rnn->activation != NULL)
    g_string_append_printf (json, ", \"activation\": \"%s\"", rnn->activation);
  if (rnn->recurrent_activation != NULL)
    g_string_append_printf (json, ", \"recurrent_activation\": \"%s\"", rnn->recurrent_activation);
  g_string_append (json, "}}");
}

static LscTensor *
random_tensor (GRand   *rand,
               double   scale,
               int      ndim,
               int64_t  d0,
               int64_t  d1,
               int64_t  d2)
{
  LscShape shape = ndim == 1 ? lsc_shape_make (1, d0)
                   : ndim == 2 ? lsc_shape_make (2, d0, d1) : lsc_shape_make (3, d0, d1, d2);
  LscTensor *t = lsc_tensor_new (&shape);

  for (int64_t i = 0; i < lsc_tensor_numel (t); i++)
    t->data[i] = (float) g_rand_double_range (rand, -scale, scale);
  return t;
}

/* Appends one recurrent layer's weight arrays, in the file's order. */
static void
add_weights (GPtrArray  *tensors,
             GRand      *rand,
             const Rnn  *rnn,
             int64_t     input_dim)
{
  const int64_t gu = n_gates (rnn->class_name) * rnn->units;
  const double scale = 1.2 / sqrt ((double) MAX (input_dim, rnn->units));

  g_ptr_array_add (tensors, random_tensor (rand, scale, 2, input_dim, gu, 0));
  g_ptr_array_add (tensors, random_tensor (rand, scale, 2, rnn->units, gu, 0));
  if (is_cudnn (rnn))
    g_ptr_array_add (tensors, random_tensor (rand, 0.5, 1, 2 * gu, 0, 0));
  else if (rnn->no_bias)
    return;
  else if (g_str_equal (rnn->class_name, "GRU") && !rnn->reset_before)
    g_ptr_array_add (tensors, random_tensor (rand, 0.5, 2, 2, gu, 0));
  else
    g_ptr_array_add (tensors, random_tensor (rand, 0.5, 1, gu, 0, 0));
}

static int64_t
layer_out_units (const Case *c,
                 guint       l)
{
  const Rnn *rnn = &c->layers[l];

  if (l == 0 && c->merge != NULL && g_str_equal (c->merge, "concat"))
    return 2 * rnn->units;
  return rnn->units;
}

static char *
write_case (const Case *c)
{
  static const char *const names[2] = { "rnn_a", "rnn_b" };
  char *path = g_strdup_printf ("%s/%s.h5", tmpdir, c->name);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_str_hash (c->name));
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  LscTestWeights weights[2] = { { 0 } };
  guint n_layers = 0;
  int64_t input_dim = c->input_dim;
  g_autoptr(GPtrArray) weight_names = g_ptr_array_new_with_free_func (g_free);

  g_string_append_printf (json, "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", "
                          "\"layers\": [{\"class_name\": \"InputLayer\", \"config\": "
                          "{\"batch_input_shape\": [null, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], "
                          "\"name\": \"in\"}}",
                          (gint64) c->time, (gint64) c->input_dim);
  for (guint l = 0; l < 2 && c->layers[l].class_name != NULL; l++)
    {
      const Rnn *rnn = &c->layers[l];
      const guint first = all->len;
      const guint copies = l == 0 && c->merge != NULL ? 2 : 1;

      g_string_append (json, ", ");
      if (l == 0 && c->merge != NULL)
        {
          g_string_append_printf (json, "{\"class_name\": \"Bidirectional\", \"config\": "
                                  "{\"name\": \"%s\", \"merge_mode\": \"%s\", \"layer\": ",
                                  names[l], c->merge);
          append_layer_config (json, rnn, "inner");
          g_string_append (json, "}}");
        }
      else
        append_layer_config (json, rnn, names[l]);

      /* Bidirectional: the forward layer's arrays, then the backward's. */
      for (guint k = 0; k < copies; k++)
        add_weights (all, rand, rnn, input_dim);
      weights[l].layer = names[l];
      for (guint k = first; k < all->len; k++)
        {
          char *name = g_strdup_printf ("%s/w%u:0", names[l], k - first);
          g_ptr_array_add (weight_names, name);
          weights[l].names[k - first] = name;
          weights[l].tensors[k - first] = g_ptr_array_index (all, k);
        }
      input_dim = layer_out_units (c, l);
      n_layers++;
    }
  g_string_append (json, "]}}");

  lsc_test_h5_write (path, json->str, "2.9.0", weights, n_layers);
  return path;
}

/* ---- comparing ----------------------------------------------------------- */

/* The first `batch` samples of `ref` (samples are independent). */
static void
assert_matches (const char      *what,
                const LscTensor *actual,
                const LscTensor *ref,
                int64_t          batch)
{
  const int64_t per_sample = lsc_tensor_numel (ref) / ref->shape.dims[0];
  LscShape want = ref->shape;
  float max_diff = 0.0f;

  want.dims[0] = batch;
  if (!lsc_shape_equal (&actual->shape, &want))
    g_error ("%s: output shape differs from the reference's", what);
  for (int64_t i = 0; i < batch * per_sample; i++)
    {
      const float diff = fabsf (actual->data[i] - ref->data[i]);
      if (!(diff <= 1e-4f * fmaxf (1.0f, fabsf (ref->data[i]))))
        g_error ("%s: element %" G_GINT64_FORMAT " is %g, the reference %g",
                 what, (gint64) i, actual->data[i], ref->data[i]);
      max_diff = fmaxf (max_diff, diff);
    }
  if (g_test_verbose ())
    g_test_message ("%s: max |diff| %.3g", what, max_diff);
}

static LscTensor *
first_samples (const LscTensor *x,
               int64_t          batch)
{
  LscShape shape = x->shape;
  LscTensor *t;

  shape.dims[0] = batch;
  t = lsc_tensor_new (&shape);
  memcpy (t->data, x->data, lsc_tensor_numel (t) * sizeof (float));
  return t;
}

static void
check_kernels (const Case *c,
               LscPlan    *plan,
               LscIsa      isa)
{
  for (guint l = 0; l < 2 && c->layers[l].class_name != NULL; l++)
    {
      const int step = lsc_plan_find_node_step (plan, 1 + l);
      const char *kernel;

      g_assert_cmpint (step, >=, 0);
      kernel = lsc_plan_get_step (plan, step)->kernel;
      if (g_str_equal (c->kernel_prefix, "ref"))
        g_assert_cmpstr (kernel, ==, "ref");
      else if (l == 0 && c->merge != NULL)
        {
          g_autofree char *want = g_strconcat ("bidirectional_", c->kernel_prefix, "(", NULL);
          if (!g_str_has_prefix (kernel, want))
            g_error ("%s [%s]: layer %u runs on “%s”, not %s…", c->name, lsc_isa_to_string (isa),
                     l, kernel, want);
        }
      else
        {
          const char *cls = c->layers[l].class_name;
          const char *cell = strstr (cls, "LSTM") ? "lstm(" : strstr (cls, "GRU") ? "gru(" : "simple_rnn(";
          if (!g_str_has_prefix (kernel, cell))
            g_error ("%s [%s]: layer %u runs on “%s”, not %s…", c->name, lsc_isa_to_string (isa),
                     l, kernel, cell);
        }
    }
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *path = write_case (c);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = lsc_model_load (path, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(LscTensor) x = NULL;
  g_autoptr(LscTensor) ref = NULL;
  const guint max_threads = MIN (2, g_get_num_processors ());
  guint n_runs = 0;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  x = random_tensor (rand, 1.0, 3, 3, c->time, c->input_dim);
  {
    const LscTensor *inputs[] = { x };
    g_assert_true (lsc_model_run (model, inputs, 1, &ref, &error));
    g_assert_no_error (error);
  }

  for (int64_t plan_batch = 1; plan_batch <= 3; plan_batch += 2)
    for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
      {
        LscPlanOptions plan_options = { isa, TRUE };
        LscShape shape = lsc_shape_make (3, plan_batch, c->time, c->input_dim);
        g_autoptr(LscPlan) plan = NULL;

        if (!lsc_isa_is_supported (isa))
          continue;
        plan = lsc_plan_new (model, &shape, 1, &plan_options, &error);
        g_assert_no_error (error);
        check_kernels (c, plan, isa);

        for (guint threads = 1; threads <= max_threads; threads++)
          for (LscStrategy strategy = LSC_STRATEGY_INTRA; strategy <= LSC_STRATEGY_REPLICAS; strategy++)
            {
              LscExecutorOptions options = { threads, LSC_PIN_COMPACT, strategy };
              g_autoptr(LscExecutor) executor = lsc_executor_new (plan, &options, &error);

              g_assert_no_error (error);
              /* The plan's batch, and fewer samples than it was planned for;
               * twice, so that state left by a run cannot leak into the next. */
              for (int64_t batch = plan_batch; batch >= 1; batch -= 1)
                for (guint again = 0; again < 2; again++)
                  {
                    g_autoptr(LscTensor) in = first_samples (x, batch);
                    g_autoptr(LscTensor) out = NULL;
                    const LscTensor *inputs[] = { in };
                    g_autofree char *what = g_strdup_printf ("%s [%s, plan batch %" G_GINT64_FORMAT
                                                             ", batch %" G_GINT64_FORMAT ", %u thread(s), %s]",
                                                             c->name, lsc_isa_to_string (isa),
                                                             (gint64) plan_batch, (gint64) batch, threads,
                                                             lsc_strategy_to_string (strategy));

                    g_assert_true (lsc_executor_run (executor, inputs, 1, &out, NULL, &error));
                    g_assert_no_error (error);
                    assert_matches (what, out, ref, batch);
                    n_runs++;
                  }
            }
      }
  g_assert_cmpuint (n_runs, >=, 8);
  g_unlink (path);
}

/* ---- the cases ----------------------------------------------------------- */

static const Case cases[] = {
  { "simple-rnn-5", 7, 3, { { "SimpleRNN", 5 } }, NULL, "simple_rnn" },
  { "simple-rnn-17-seq-backwards-relu", 6, 4,
    { { "SimpleRNN", 17, TRUE, TRUE, .activation = "relu" } }, NULL, "simple_rnn" },
  { "lstm-5", 5, 3, { { "LSTM", 5 } }, NULL, "lstm" },
  { "lstm-17-seq", 6, 6, { { "LSTM", 17, TRUE } }, NULL, "lstm" },
  { "lstm-17-backwards", 6, 6, { { "LSTM", 17, FALSE, TRUE } }, NULL, "lstm" },
  { "lstm-40-seq-backwards-hard-sigmoid-relu-nobias", 4, 9,
    { { "LSTM", 40, TRUE, TRUE, TRUE, .activation = "relu", .recurrent_activation = "hard_sigmoid" } },
    NULL, "lstm" },
  { "gru-after-5", 5, 3, { { "GRU", 5 } }, NULL, "gru" },
  { "gru-after-17-seq-backwards", 6, 4, { { "GRU", 17, TRUE, TRUE } }, NULL, "gru" },
  { "gru-before-17", 6, 4, { { "GRU", 17, .reset_before = TRUE } }, NULL, "gru" },
  { "gru-before-33-seq-hard-sigmoid", 5, 7,
    { { "GRU", 33, TRUE, .reset_before = TRUE, .recurrent_activation = "hard_sigmoid" } }, NULL, "gru" },
  { "gru-before-40-backwards-nobias-relu", 5, 7,
    { { "GRU", 40, FALSE, TRUE, TRUE, TRUE, .activation = "relu" } }, NULL, "gru" },
  /* Big enough that one sample's steps split their units over 2 threads. */
  { "lstm-190-seq-backwards", 3, 5, { { "LSTM", 190, TRUE, TRUE } }, NULL, "lstm" },
  { "cudnn-lstm-17", 4, 5, { { "CuDNNLSTM", 17, TRUE } }, NULL, "lstm" },
  { "cudnn-gru-17", 4, 5, { { "CuDNNGRU", 17 } }, NULL, "gru" },
  { "stacked-lstm-gru", 6, 5, { { "LSTM", 17, TRUE }, { "GRU", 9 } }, NULL, "lstm" },
  { "bidirectional-lstm-concat-seq", 5, 4, { { "LSTM", 17, TRUE } }, "concat", "lstm" },
  { "bidirectional-lstm-concat", 5, 4, { { "LSTM", 17 } }, "concat", "lstm" },
  { "bidirectional-gru-sum-seq", 5, 4, { { "GRU", 17, TRUE } }, "sum", "gru" },
  { "bidirectional-gru-before-mul", 5, 4, { { "GRU", 9, .reset_before = TRUE } }, "mul", "gru" },
  { "bidirectional-gru-before-150-concat-seq", 3, 4,
    { { "GRU", 150, TRUE, .reset_before = TRUE } }, "concat", "gru" },
  { "bidirectional-simple-rnn-ave-seq-backwards", 5, 4,
    { { "SimpleRNN", 17, TRUE, TRUE } }, "ave", "simple_rnn" },
  { "bidirectional-lstm-then-lstm", 5, 4, { { "LSTM", 8, TRUE }, { "LSTM", 5 } }, "concat", "lstm" },
  /* A softmax activation normalises all units at once: the op does not
   * cover it, the reference op runs it. */
  { "simple-rnn-softmax-ref", 4, 3, { { "SimpleRNN", 6, .activation = "softmax" } }, NULL, "ref" },
};

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = lsc_test_make_tmp_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/plan-rnn/%s", cases[i].name);
      g_test_add_data_func (test_path, &cases[i], test_case);
    }

  status = g_test_run ();
  lsc_test_remove_tmp_dir (tmpdir);
  g_free (tmpdir);
  return status;
}
