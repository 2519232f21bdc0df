/* The Keras 3 .keras archive reader on archives written by the test:
 * RNN cells under cell/, Bidirectional halves under forward_layer/ and
 * backward_layer/, nested models under layers/<model>/layers/…, group names
 * written with backslashes (as one real Windows-saved file has), and
 * damaged archives. A .keras model must compute what the same model and
 * weights compute from a legacy .h5, whose weight_names fix the order. */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zip.h>

#include "model/lsc-model.h"

#include "lsc-test-h5.h"
#include "lsc-test-util.h"

static char *tmpdir;

#define KT(src, shape) \
  "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": " shape ", \"dtype\": \"float32\", " \
  "\"keras_history\": [\"" src "\", 0, 0]}}"

static const char bidi_config_k3[] =
  "{\"module\": \"keras.src.models.functional\", \"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"name\": \"input_layer\", \"config\": {\"batch_shape\": [null, 3, 2], \"dtype\": \"float32\", \"name\": \"input_layer\"}, \"inbound_nodes\": []},"
  "{\"class_name\": \"Bidirectional\", \"name\": \"bidirectional\", \"config\": {\"name\": \"bidirectional\", \"merge_mode\": \"concat\","
  " \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 2, \"activation\": \"tanh\","
  " \"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"return_sequences\": false}}},"
  " \"inbound_nodes\": [{\"args\": [" KT ("input_layer", "[null, 3, 2]") "], \"kwargs\": {}}]},"
  "{\"class_name\": \"Dense\", \"name\": \"dense\", \"config\": {\"name\": \"dense\", \"units\": 1, \"activation\": \"linear\", \"use_bias\": true},"
  " \"inbound_nodes\": [{\"args\": [" KT ("bidirectional", "[null, 4]") "], \"kwargs\": {}}]}],"
  "\"input_layers\": [[\"input_layer\", 0, 0]], \"output_layers\": [[\"dense\", 0, 0]]}}";

static const char bidi_config_k2[] =
  "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
  "{\"class_name\": \"InputLayer\", \"name\": \"input_layer\", \"config\": {\"batch_input_shape\": [null, 3, 2], \"dtype\": \"float32\", \"name\": \"input_layer\"}, \"inbound_nodes\": []},"
  "{\"class_name\": \"Bidirectional\", \"name\": \"bidirectional\", \"config\": {\"name\": \"bidirectional\", \"merge_mode\": \"concat\","
  " \"layer\": {\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\", \"units\": 2, \"activation\": \"tanh\","
  " \"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"return_sequences\": false}}},"
  " \"inbound_nodes\": [[[\"input_layer\", 0, 0, {}]]]},"
  "{\"class_name\": \"Dense\", \"name\": \"dense\", \"config\": {\"name\": \"dense\", \"units\": 1, \"activation\": \"linear\", \"use_bias\": true},"
  " \"inbound_nodes\": [[[\"bidirectional\", 0, 0, {}]]]}],"
  "\"input_layers\": [[\"input_layer\", 0, 0]], \"output_layers\": [[\"dense\", 0, 0]]}}";

/* Deterministic weights: forward and backward LSTMs differ, so a swapped
 * assignment changes the output. */
static LscTensor *
ramp (float    start,
      float    step,
      int      ndim,
      int64_t  d0,
      int64_t  d1)
{
  LscShape shape = { .ndim = ndim, .dims = { d0, d1 } };
  LscTensor *t = lsc_tensor_new (&shape);

  for (int64_t i = 0; i < lsc_tensor_numel (t); i++)
    t->data[i] = start + step * (float) ((i * 7) % 11) - 0.25f;
  return t;
}

typedef struct
{
  LscTensor *w[8];   /* fw kernel, recurrent, bias; bw kernel, recurrent, bias; dense kernel, bias */
} BidiWeights;

static void
bidi_weights_init (BidiWeights *w)
{
  w->w[0] = ramp (0.1f, 0.05f, 2, 2, 8);
  w->w[1] = ramp (-0.2f, 0.03f, 2, 2, 8);
  w->w[2] = ramp (0.0f, 0.02f, 1, 8, 0);
  w->w[3] = ramp (0.3f, -0.04f, 2, 2, 8);
  w->w[4] = ramp (0.05f, 0.06f, 2, 2, 8);
  w->w[5] = ramp (0.1f, -0.01f, 1, 8, 0);
  w->w[6] = ramp (0.5f, 0.1f, 2, 4, 1);
  w->w[7] = ramp (0.2f, 0.0f, 1, 1, 0);
}

static void
bidi_weights_clear (BidiWeights *w)
{
  for (guint i = 0; i < 8; i++)
    lsc_tensor_free (w->w[i]);
}

static void
write_keras (const char  *path,
             const char  *config,
             const char  *weights_h5,
             const char  *config_member)
{
  g_autofree char *weights = NULL;
  gsize weights_len;
  zip_t *za;
  int err = 0;
  static const char metadata[] = "{\"keras_version\": \"3.5.0\", \"date_saved\": \"2026-01-01@00:00:00\"}";

  g_assert_true (g_file_get_contents (weights_h5, &weights, &weights_len, NULL));
  za = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  g_assert_nonnull (za);
  g_assert_cmpint (zip_file_add (za, "metadata.json", zip_source_buffer (za, metadata, strlen (metadata), 0), 0), >=, 0);
  if (config_member != NULL)
    g_assert_cmpint (zip_file_add (za, config_member, zip_source_buffer (za, config, strlen (config), 0), 0), >=, 0);
  g_assert_cmpint (zip_file_add (za, "model.weights.h5", zip_source_buffer (za, weights, weights_len, 0), 0), >=, 0);
  g_assert_cmpint (zip_close (za), ==, 0);
}

static LscTensor *
run_model (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = lsc_model_load (path, &error);
  static const float x[] = { 0.1f, -0.5f, 0.9f, 0.3f, -0.2f, 0.7f, 0.4f, 0.0f, -0.8f, 0.6f, 0.25f, -0.1f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 2, (int64_t) 3, (int64_t) 2);
  const LscTensor *inputs[] = { input };
  LscTensor *output = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_true (lsc_model_run (model, inputs, 1, &output, &error));
  g_assert_no_error (error);
  return output;
}

static LscTensor *
run_bidi_keras (const char *name,
                const char *const *paths,
                gboolean    swap_halves)
{
  g_autofree char *h5 = g_build_filename (tmpdir, "bidi.weights.h5", NULL);
  g_autofree char *keras = g_build_filename (tmpdir, name, NULL);
  BidiWeights w;
  const LscTensor *tensors[8];

  bidi_weights_init (&w);
  for (guint i = 0; i < 8; i++)
    tensors[i] = w.w[swap_halves && i < 6 ? (i + 3) % 6 : i];
  lsc_test_h5_write_datasets (h5, paths, tensors, 8);
  write_keras (keras, bidi_config_k3, h5, "config.json");
  bidi_weights_clear (&w);
  return run_model (keras);
}

static const char *const bidi_paths[] = {
  "layers/bidirectional/forward_layer/cell/vars/0",
  "layers/bidirectional/forward_layer/cell/vars/1",
  "layers/bidirectional/forward_layer/cell/vars/2",
  "layers/bidirectional/backward_layer/cell/vars/0",
  "layers/bidirectional/backward_layer/cell/vars/1",
  "layers/bidirectional/backward_layer/cell/vars/2",
  "layers/dense/vars/0",
  "layers/dense/vars/1",
};

static LscTensor *
run_bidi_legacy_h5 (void)
{
  g_autofree char *h5 = g_build_filename (tmpdir, "bidi-legacy.h5", NULL);
  BidiWeights w;
  LscTensor *out;

  bidi_weights_init (&w);
  {
    LscTestWeights layers[2] = {
      { "bidirectional",
        { "bidirectional/forward_lstm/lstm_cell/kernel:0", "bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0",
          "bidirectional/forward_lstm/lstm_cell/bias:0", "bidirectional/backward_lstm/lstm_cell/kernel:0",
          "bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0", "bidirectional/backward_lstm/lstm_cell/bias:0", NULL },
        { w.w[0], w.w[1], w.w[2], w.w[3], w.w[4], w.w[5] } },
      { "dense", { "dense/kernel:0", "dense/bias:0", NULL }, { w.w[6], w.w[7] } },
    };
    lsc_test_h5_write (h5, bidi_config_k2, "2.15.0", layers, 2);
  }
  bidi_weights_clear (&w);
  out = run_model (h5);
  return out;
}

static gboolean
tensors_close (const LscTensor *a,
               const LscTensor *b)
{
  if (!lsc_shape_equal (&a->shape, &b->shape))
    return FALSE;
  for (int64_t i = 0; i < lsc_tensor_numel (a); i++)
    if (fabsf (a->data[i] - b->data[i]) > 1e-6f)
      return FALSE;
  return TRUE;
}

static void
test_bidirectional_matches_legacy (void)
{
  g_autoptr(LscTensor) legacy = run_bidi_legacy_h5 ();
  g_autoptr(LscTensor) keras = run_bidi_keras ("bidi.keras", bidi_paths, FALSE);
  g_autoptr(LscTensor) swapped = run_bidi_keras ("swapped.keras", bidi_paths, TRUE);

  g_assert_cmpint (keras->shape.dims[0], ==, 2);
  g_assert_cmpint (keras->shape.dims[1], ==, 1);
  g_assert_true (tensors_close (keras, legacy));
  /* The halves matter: swapping them must change the result. */
  g_assert_false (tensors_close (swapped, legacy));
}

static void
test_backslash_group_names (void)
{
  /* Saved on Windows: each group path is one name with backslashes. */
  static const char *const windows_paths[] = {
    "layers\\bidirectional\\forward_layer\\cell\\vars/0",
    "layers\\bidirectional\\forward_layer\\cell\\vars/1",
    "layers\\bidirectional\\forward_layer\\cell\\vars/2",
    "layers\\bidirectional\\backward_layer\\cell\\vars/0",
    "layers\\bidirectional\\backward_layer\\cell\\vars/1",
    "layers\\bidirectional\\backward_layer\\cell\\vars/2",
    "layers\\dense\\vars/0",
    "layers\\dense\\vars/1",
  };
  g_autoptr(LscTensor) legacy = run_bidi_legacy_h5 ();
  g_autoptr(LscTensor) keras = run_bidi_keras ("windows.keras", windows_paths, FALSE);

  g_assert_true (tensors_close (keras, legacy));
}

static void
test_nested_model (void)
{
  g_autofree char *h5 = g_build_filename (tmpdir, "nested.weights.h5", NULL);
  g_autofree char *keras = g_build_filename (tmpdir, "nested.keras", NULL);
  static const float ident[] = { 1, 0, 0, 1 }, zero[] = { 0, 0 };
  static const float k[] = { 1, 2, 3, 4 }, b[] = { 0.5f, -0.5f };
  g_autoptr(LscTensor) t0 = lsc_test_tensor_new (ident, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) t1 = lsc_test_tensor_new (zero, 1, (int64_t) 2);
  g_autoptr(LscTensor) t2 = lsc_test_tensor_new (k, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) t3 = lsc_test_tensor_new (b, 1, (int64_t) 2);
  const char *const paths[] = { "layers/inner/layers/dense_in/vars/0", "layers/inner/layers/dense_in/vars/1",
                                "layers/dense_out/vars/0", "layers/dense_out/vars/1" };
  const LscTensor *tensors[] = { t0, t1, t2, t3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscTensor) out = NULL;
  static const float x[] = { 1, 1 }, y[] = { 4.5f, 5.5f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 2);
  const LscTensor *inputs[] = { input };

  lsc_test_h5_write_datasets (h5, paths, tensors, 4);
  write_keras (keras,
               "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"outer\", \"layers\": ["
               "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"outer_input\"}},"
               "{\"class_name\": \"Functional\", \"config\": {\"name\": \"inner\", \"layers\": ["
               "{\"class_name\": \"InputLayer\", \"name\": \"inner_input\", \"config\": {\"batch_shape\": [null, 2], \"name\": \"inner_input\"}, \"inbound_nodes\": []},"
               "{\"class_name\": \"Dense\", \"name\": \"dense_in\", \"config\": {\"name\": \"dense_in\", \"units\": 2},"
               " \"inbound_nodes\": [{\"args\": [" KT ("inner_input", "[null, 2]") "], \"kwargs\": {}}]}],"
               "\"input_layers\": [\"inner_input\", 0, 0], \"output_layers\": [\"dense_in\", 0, 0]}},"
               "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_out\", \"units\": 2}}]}}",
               h5, "config.json");

  model = lsc_model_load (keras, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lsc_model_get_keras_version (model), ==, "3.5.0");
  g_assert_cmpint (lsc_model_get_format (model), ==, LSC_MODEL_FORMAT_KERAS_ZIP);
  g_assert_cmpstr (lsc_model_get_node (model, 1)->scope, ==, "inner");
  g_assert_true (lsc_model_run (model, inputs, 1, &out, &error));
  g_assert_no_error (error);
  lsc_test_assert_tensor_close (out, y, 2, 1e-6f);
}

static void
test_damaged_archives (void)
{
  g_autofree char *h5 = g_build_filename (tmpdir, "bidi.weights.h5", NULL);
  g_autofree char *no_config = g_build_filename (tmpdir, "no-config.keras", NULL);
  g_autofree char *garbage = g_build_filename (tmpdir, "garbage.keras", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *cut = g_build_filename (tmpdir, "cut.keras", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "good.keras", NULL);
  gsize len;
  g_autoptr(GError) error = NULL;
  LscModel *model;

  {
    g_autoptr(LscTensor) t = run_bidi_keras ("good.keras", bidi_paths, FALSE);
  }
  write_keras (no_config, bidi_config_k3, h5, NULL);
  model = lsc_model_load (no_config, &error);
  g_assert_null (model);
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  g_assert_nonnull (strstr (error->message, "config.json"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (garbage, "PK\003\004 this is not a zip archive", -1, NULL));
  model = lsc_model_load (garbage, &error);
  g_assert_null (model);
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_NOT_A_MODEL);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  for (gsize keep = 8; keep < len; keep += len / 9)
    {
      g_assert_true (g_file_set_contents (cut, contents, (gssize) keep, NULL));
      model = lsc_model_load (cut, &error);
      g_assert_null (model);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = lsc_test_make_tmp_dir ();

  g_test_add_func ("/keras-zip/bidirectional-matches-legacy", test_bidirectional_matches_legacy);
  g_test_add_func ("/keras-zip/backslash-group-names", test_backslash_group_names);
  g_test_add_func ("/keras-zip/nested-model", test_nested_model);
  g_test_add_func ("/keras-zip/damaged-archives", test_damaged_archives);
  status = g_test_run ();

  lsc_test_remove_tmp_dir (tmpdir);
  return status;
}
