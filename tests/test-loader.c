/* The Keras loader on small files written by the test: config forms
 * (Sequential dict and bare list, Functional with Keras 2 and Keras 3
 * inbound nodes, nested and shared layers) and every kind of bad input. */

#include <glib/gstdio.h>
#include <string.h>

#include "model/lsc-model.h"

#include "lsc-test-h5.h"
#include "lsc-test-util.h"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Dense 2 → 2 with kernel [[1, 2], [3, 4]] and bias [0.5, -0.5]:
 * x = [1, 1] → [1 + 3 + 0.5, 2 + 4 − 0.5] = [4.5, 5.5]. */
static const float dense_kernel[] = { 1, 2, 3, 4 };
static const float dense_bias[] = { 0.5f, -0.5f };

#define DENSE_CONFIG(name) \
  "{\"class_name\": \"Dense\", \"config\": {\"name\": \"" name "\", \"units\": 2, " \
  "\"activation\": \"linear\", \"use_bias\": true}"

static LscModel *
load_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  LscModel *model = lsc_model_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static void
run_one (LscModel    *model,
         const float *x,
         const float *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 2);
  g_autoptr(LscTensor) output = NULL;
  const LscTensor *inputs[] = { input };

  g_assert_true (lsc_model_run (model, inputs, 1, &output, &error));
  g_assert_no_error (error);
  lsc_test_assert_tensor_close (output, expected, 2, 1e-6f);
}

static void
write_dense_model (const char *path,
                   const char *config,
                   const char *version,
                   const char *weight_prefix)
{
  g_autoptr(LscTensor) kernel = lsc_test_tensor_new (dense_kernel, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) bias = lsc_test_tensor_new (dense_bias, 1, (int64_t) 2);
  g_autofree char *kname = g_strconcat (weight_prefix, "kernel", NULL);
  g_autofree char *bname = g_strconcat (weight_prefix, "bias", NULL);
  LscTestWeights w = { "dense", { kname, bname, NULL }, { kernel, bias } };

  lsc_test_h5_write (path, config, version, &w, 1);
}

static void
test_sequential_dict (void)
{
  g_autofree char *path = tmp_path ("seq.h5");
  g_autoptr(LscModel) model = NULL;
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "2.9.0", "dense/");
  model = load_ok (path);
  g_assert_cmpstr (lsc_model_get_name (model), ==, "seq");
  g_assert_cmpstr (lsc_model_get_keras_version (model), ==, "2.9.0");
  g_assert_cmpuint (lsc_model_get_n_nodes (model), ==, 2);
  g_assert_cmpint (lsc_model_get_n_params (model), ==, 6);
  g_assert_cmpint (lsc_model_get_n_macs (model), ==, 4);
  run_one (model, x, y);
}

static void
test_sequential_bare_list (void)
{
  g_autofree char *path = tmp_path ("seqlist.h5");
  g_autoptr(LscModel) model = NULL;
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  /* Keras ≤ 2.2.2: the config is the list itself, and the first layer
   * carries the input shape (no InputLayer). */
  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": ["
                     "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2, "
                     "\"batch_input_shape\": [null, 2], \"activation\": \"linear\", \"use_bias\": true}}]}",
                     "2.2.2", "dense/");
  model = load_ok (path);
  g_assert_cmpuint (lsc_model_get_n_nodes (model), ==, 2);
  g_assert_cmpstr (lsc_model_get_node (model, 0)->name, ==, "dense_input");
  g_assert_cmpint (lsc_model_get_node (model, 0)->output_shape.dims[1], ==, 2);
  run_one (model, x, y);
}

static void
test_keras3_weight_names (void)
{
  g_autofree char *path = tmp_path ("k3.h5");
  g_autoptr(LscModel) model = NULL;
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  /* Keras 3 names weights one level deeper and without ":0". */
  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"input_layer\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "3.9.1", "sequential/dense/");
  model = load_ok (path);
  g_assert_cmpstr ((const char *) g_ptr_array_index (lsc_model_get_node (model, 1)->layer->weight_names, 0),
                   ==, "kernel");
  run_one (model, x, y);
}

static void
test_functional_shared_keras2 (void)
{
  g_autofree char *path = tmp_path ("shared.h5");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  const float a[] = { 1, 0 }, b[] = { 0, 1 };
  g_autoptr(LscTensor) ta = lsc_test_tensor_new (a, 2, (int64_t) 1, (int64_t) 2);
  g_autoptr(LscTensor) tb = lsc_test_tensor_new (b, 2, (int64_t) 1, (int64_t) 2);
  LscTensor *out[2] = { NULL, NULL };
  const LscTensor *inputs[] = { ta, tb };
  /* dense(a) = [1 + 0.5, 2 − 0.5] = [1.5, 1.5]; dense(b) = [3.5, 3.5];
   * their sum is [5, 5]. */
  const float y[] = { 5, 5 }, y2[] = { 3.5f, 3.5f };

  write_dense_model (path,
                     "{\"class_name\": \"Model\", \"config\": {\"name\": \"m\", \"layers\": ["
                     "{\"name\": \"a\", \"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"a\"}, \"inbound_nodes\": []},"
                     "{\"name\": \"b\", \"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"b\"}, \"inbound_nodes\": []},"
                     "{\"name\": \"dense\", \"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2, \"activation\": \"linear\", \"use_bias\": true},"
                     " \"inbound_nodes\": [[[\"a\", 0, 0, {}]], [[\"b\", 0, 0, {}]]]},"
                     "{\"name\": \"add\", \"class_name\": \"Add\", \"config\": {\"name\": \"add\"},"
                     " \"inbound_nodes\": [[[\"dense\", 0, 0, {}], [\"dense\", 1, 0, {}]]]}],"
                     "\"input_layers\": [[\"a\", 0, 0], [\"b\", 0, 0]], \"output_layers\": [[\"add\", 0, 0], [\"dense\", 1, 0]]}}",
                     "2.1.5", "dense/");
  model = load_ok (path);
  g_assert_cmpuint (lsc_model_get_n_inputs (model), ==, 2);
  g_assert_cmpuint (lsc_model_get_n_nodes (model), ==, 5);
  /* The shared layer's weights count once. */
  g_assert_cmpint (lsc_model_get_n_params (model), ==, 6);
  g_assert_cmpstr (lsc_model_get_node (model, 3)->name, ==, "dense_2");

  /* Two outputs, the second the shared layer's second call. */
  g_assert_cmpuint (lsc_model_get_n_outputs (model), ==, 2);
  g_assert_true (lsc_model_run (model, inputs, 2, out, &error));
  g_assert_no_error (error);
  lsc_test_assert_tensor_close (out[0], y, 2, 1e-6f);
  lsc_test_assert_tensor_close (out[1], y2, 2, 1e-6f);
  lsc_tensor_free (out[0]);
  lsc_tensor_free (out[1]);
}

static void
test_functional_keras3_nodes (void)
{
  g_autofree char *path = tmp_path ("k3func.h5");
  g_autoptr(LscModel) model = NULL;
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  write_dense_model (path,
                     "{\"class_name\": \"Functional\", \"config\": {\"name\": \"functional\", \"layers\": ["
                     "{\"name\": \"input_layer\", \"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"input_layer\"}, \"inbound_nodes\": []},"
                     "{\"name\": \"dense\", \"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2, \"activation\": \"linear\", \"use_bias\": true},"
                     " \"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 2], \"dtype\": \"float32\","
                     " \"keras_history\": [\"input_layer\", 0, 0]}}], \"kwargs\": {}}]}],"
                     "\"input_layers\": [[\"input_layer\", 0, 0]], \"output_layers\": [\"dense\", 0, 0]}}",
                     "3.1.0", "functional/dense/");
  model = load_ok (path);
  g_assert_cmpuint (lsc_model_get_n_outputs (model), ==, 1);
  run_one (model, x, y);
}

static void
test_nested_interleaved_weights (void)
{
  g_autofree char *path = tmp_path ("nested.h5");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscTensor) k = lsc_test_tensor_new (dense_kernel, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) bias = lsc_test_tensor_new (dense_bias, 1, (int64_t) 2);
  const float ident[] = { 1, 0, 0, 1 }, zero[] = { 0, 0 };
  g_autoptr(LscTensor) ki = lsc_test_tensor_new (ident, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) bz = lsc_test_tensor_new (zero, 1, (int64_t) 2);
  /* A nested model's group lists its layers' weights interleaved
   * (trainable first), as tf.keras writes a Teachable Machine export. */
  LscTestWeights w = { "inner",
                       { "dense_a/kernel:0", "dense_b/kernel:0", "dense_a/bias:0", "dense_b/bias:0", NULL },
                       { k, ki, bias, bz } };
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  lsc_test_h5_write (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"outer\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"outer_input\"}},"
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"inner\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"inner_input\"}},"
                     DENSE_CONFIG ("dense_a") "}," DENSE_CONFIG ("dense_b") "}]}}]}}",
                     "2.4.0", &w, 1);
  model = load_ok (path);
  g_assert_cmpuint (lsc_model_get_n_nodes (model), ==, 3);
  g_assert_cmpstr (lsc_model_get_node (model, 1)->scope, ==, "inner");
  g_assert_cmpstr (lsc_model_get_node (model, 2)->name, ==, "dense_b");
  run_one (model, x, y);
}

static void
test_chunked_weight_names (void)
{
  g_autofree char *path = tmp_path ("chunked.h5");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscTensor) kernel = lsc_test_tensor_new (dense_kernel, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) bias = lsc_test_tensor_new (dense_bias, 1, (int64_t) 2);
  LscTestWeights w = { "dense", { "dense/kernel:0", "dense/bias:0", NULL }, { kernel, bias }, TRUE };
  const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };

  lsc_test_h5_write (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "2.9.0", &w, 1);
  model = load_ok (path);
  g_assert_cmpint (lsc_model_get_n_params (model), ==, 6);
  run_one (model, x, y);
}

static void
expect_error (const char *path,
              GQuark      domain,
              int         code,
              const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = lsc_model_load (path, &error);

  g_assert_null (model);
  g_assert_error (error, domain, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("error “%s” does not mention “%s”", error->message, fragment);
}

static void
test_error_missing_file (void)
{
  g_autofree char *path = tmp_path ("does-not-exist.h5");

  expect_error (path, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "does-not-exist.h5");
  expect_error (tmpdir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, NULL);
}

static void
test_error_not_a_model (void)
{
  g_autofree char *path = tmp_path ("notes.h5");
  g_autofree char *empty = tmp_path ("empty.keras");

  g_assert_true (g_file_set_contents (path, "these are not weights\n", -1, NULL));
  expect_error (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_NOT_A_MODEL, "notes.h5");
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  expect_error (empty, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_NOT_A_MODEL, NULL);
}

static void
test_error_truncated (void)
{
  g_autofree char *path = tmp_path ("full.h5");
  g_autofree char *cut = tmp_path ("truncated.h5");
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = NULL;

  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "2.9.0", "dense/");
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  for (gsize keep = 16; keep < length; keep += length / 7)
    {
      g_assert_true (g_file_set_contents (cut, contents, (gssize) keep, NULL));
      model = lsc_model_load (cut, &error);
      g_assert_null (model);
      g_assert_nonnull (error);
      g_assert_true (error->domain == LSC_ENGINE_ERROR);
      g_clear_error (&error);
    }
}

static void
test_error_no_config (void)
{
  g_autofree char *path = tmp_path ("weights-only.h5");
  g_autofree char *bad_json = tmp_path ("bad-json.h5");

  write_dense_model (path, NULL, "2.9.0", "dense/");
  expect_error (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG, "model_config");
  write_dense_model (bad_json, "{\"class_name\": \"Sequential\", \"config\": {", "2.9.0", "dense/");
  expect_error (bad_json, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG, "JSON");
}

static void
test_error_weight_shape_mismatch (void)
{
  g_autofree char *path = tmp_path ("mismatch.h5");

  /* The config asks for 3 units; the file's kernel is (2, 2). */
  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 3}}]}}",
                     "2.9.0", "dense/");
  expect_error (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_WEIGHTS, "dense");
}

static void
test_error_missing_weights (void)
{
  g_autofree char *path = tmp_path ("noweights.h5");

  lsc_test_h5_write (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "2.9.0", NULL, 0);
  expect_error (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_MISSING_WEIGHTS, "dense");
}

static void
test_error_unsupported_layers (void)
{
  g_autofree char *path = tmp_path ("lambda.h5");
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = NULL;

  lsc_test_h5_write (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"my_lambda\"}},"
                     "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"drop\", \"rate\": 0.5}},"
                     "{\"class_name\": \"MyCustomLayer\", \"config\": {\"name\": \"custom_1\"}}]}}",
                     "2.9.0", NULL, 0);
  model = lsc_model_load (path, &error);
  g_assert_null (model);
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER);
  /* One message names every layer that cannot run, class and name. */
  g_assert_nonnull (strstr (error->message, "Lambda"));
  g_assert_nonnull (strstr (error->message, "my_lambda"));
  g_assert_nonnull (strstr (error->message, "MyCustomLayer"));
  g_assert_nonnull (strstr (error->message, "custom_1"));
  g_assert_null (strstr (error->message, "drop"));
}

static void
test_error_theano_kernels (void)
{
  g_autofree char *path = tmp_path ("theano.h5");
  static const float k[9] = { 0 }, b[1] = { 0 };
  g_autoptr(LscTensor) kernel = lsc_test_tensor_new (k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 1);
  g_autoptr(LscTensor) bias = lsc_test_tensor_new (b, 1, (int64_t) 1);
  LscTestWeights w = { "conv", { "conv/kernel:0", "conv/bias:0", NULL }, { kernel, bias } };

  lsc_test_h5_write (path,
                     "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Conv2D\", \"config\": "
                     "{\"name\": \"conv\", \"filters\": 1, \"kernel_size\": [3, 3], \"batch_input_shape\": [null, 5, 5, 1]}}]}",
                     "1.2.2", &w, 1);
  expect_error (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "Theano");
}

static void
test_error_bad_input (void)
{
  g_autofree char *path = tmp_path ("seq-input.h5");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  const float x[] = { 1, 2, 3 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 3);
  const LscTensor *inputs[] = { input };
  LscTensor *output = NULL;

  write_dense_model (path,
                     "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
                     "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 2], \"name\": \"in\"}},"
                     DENSE_CONFIG ("dense") "}]}}",
                     "2.9.0", "dense/");
  model = load_ok (path);
  g_assert_false (lsc_model_run (model, inputs, 1, &output, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_nonnull (strstr (error->message, "(1, 3)"));
  g_clear_error (&error);
  g_assert_false (lsc_model_run (model, inputs, 0, &output, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_null (output);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = lsc_test_make_tmp_dir ();
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/loader/sequential-dict", test_sequential_dict);
  g_test_add_func ("/loader/sequential-bare-list", test_sequential_bare_list);
  g_test_add_func ("/loader/keras3-weight-names", test_keras3_weight_names);
  g_test_add_func ("/loader/functional-shared-keras2", test_functional_shared_keras2);
  g_test_add_func ("/loader/functional-keras3-nodes", test_functional_keras3_nodes);
  g_test_add_func ("/loader/nested-interleaved-weights", test_nested_interleaved_weights);
  g_test_add_func ("/loader/chunked-weight-names", test_chunked_weight_names);
  g_test_add_func ("/loader/error/missing-file", test_error_missing_file);
  g_test_add_func ("/loader/error/not-a-model", test_error_not_a_model);
  g_test_add_func ("/loader/error/truncated", test_error_truncated);
  g_test_add_func ("/loader/error/no-config", test_error_no_config);
  g_test_add_func ("/loader/error/weight-shape-mismatch", test_error_weight_shape_mismatch);
  g_test_add_func ("/loader/error/missing-weights", test_error_missing_weights);
  g_test_add_func ("/loader/error/unsupported-layers", test_error_unsupported_layers);
  g_test_add_func ("/loader/error/bad-input", test_error_bad_input);
  g_test_add_func ("/loader/error/theano-kernels", test_error_theano_kernels);
  status = g_test_run ();

  lsc_test_remove_tmp_dir (tmpdir);
  return status;
}
