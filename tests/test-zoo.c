/* The model zoo: every architecture is written to a temporary directory and
 * read back with the HDF5 library directly (not through the zoo's code):
 * its layout must be tf.keras 2.x's, its parameter count keras.applications'
 * published figure, its layer names and configs Keras's own. Then the
 * file is loaded back with lsc_model_load, counted and run. Bad options and
 * unwritable paths must give errors, never files or crashes. */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "lsc-test-util.h"
#include "model/lsc-model.h"
#include "zoo/lsc-zoo.h"
#include "zoo/lsc-zoo-private.h"

/* ---- reading a written file back --------------------------------------- */

static char *
read_string_attribute (hid_t       location,
                       const char *name)
{
  hid_t attribute = H5Aopen (location, name, H5P_DEFAULT);
  hid_t file_type, memory_type;
  char *result;

  g_assert_cmpint (attribute, >=, 0);
  file_type = H5Aget_type (attribute);
  g_assert_cmpint (H5Tget_class (file_type), ==, H5T_STRING);
  memory_type = H5Tcopy (H5T_C_S1);
  H5Tset_cset (memory_type, H5Tget_cset (file_type));
  if (H5Tis_variable_str (file_type) > 0)
    {
      char *value = NULL;

      H5Tset_size (memory_type, H5T_VARIABLE);
      g_assert_cmpint (H5Aread (attribute, memory_type, &value), >=, 0);
      result = g_strdup (value);
      H5free_memory (value);
    }
  else
    {
      size_t size = H5Tget_size (file_type);

      result = g_malloc0 (size + 1);
      H5Tset_size (memory_type, size);
      g_assert_cmpint (H5Aread (attribute, memory_type, result), >=, 0);
    }
  H5Tclose (memory_type);
  H5Tclose (file_type);
  H5Aclose (attribute);
  return result;
}

/* layer_names / weight_names: a list of strings, or (tf.keras's way of
 * writing an empty list) an empty float64 array. Fixed-length null-padded
 * ASCII, as numpy bytes arrays are stored. */
static GStrv
read_names_attribute (hid_t       location,
                      const char *name)
{
  hid_t attribute = H5Aopen (location, name, H5P_DEFAULT);
  hid_t file_type, space, memory_type;
  hssize_t n;
  GStrv names;
  size_t size;
  g_autofree char *buffer = NULL;

  g_assert_cmpint (attribute, >=, 0);
  file_type = H5Aget_type (attribute);
  space = H5Aget_space (attribute);
  n = H5Sget_simple_extent_npoints (space);
  names = g_new0 (char *, n + 1);

  if (n == 0)
    g_assert_true (H5Tequal (file_type, H5T_IEEE_F64LE) > 0);
  else
    {
      g_assert_cmpint (H5Tget_class (file_type), ==, H5T_STRING);
      g_assert_cmpint (H5Tis_variable_str (file_type), ==, 0);
      g_assert_cmpint (H5Tget_strpad (file_type), ==, H5T_STR_NULLPAD);
      size = H5Tget_size (file_type);
      buffer = g_malloc0 (n * size);
      memory_type = H5Tcopy (file_type);
      g_assert_cmpint (H5Aread (attribute, memory_type, buffer), >=, 0);
      H5Tclose (memory_type);
      for (hssize_t i = 0; i < n; i++)
        names[i] = g_strndup (buffer + i * size, size);
    }
  H5Sclose (space);
  H5Tclose (file_type);
  H5Aclose (attribute);
  return names;
}

typedef struct
{
  char       *keras_version;
  char       *backend;
  JsonNode   *model_config;
  GStrv       layer_names;
  int64_t     n_params;       /* elements of every dataset weight_names lists */
  GHashTable *shapes;         /* "layer/var:0" → "(3, 3, 1, 32)" */
} WrittenModel;

static void
written_model_free (WrittenModel *model)
{
  g_free (model->keras_version);
  g_free (model->backend);
  if (model->model_config != NULL)
    json_node_unref (model->model_config);
  g_strfreev (model->layer_names);
  g_hash_table_unref (model->shapes);
  g_free (model);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrittenModel, written_model_free)

static char *
dims_to_string (int            ndim,
                const hsize_t *dims)
{
  GString *text = g_string_new ("(");

  for (int i = 0; i < ndim; i++)
    g_string_append_printf (text, i > 0 ? ", %" G_GUINT64_FORMAT : "%" G_GUINT64_FORMAT,
                            (guint64) dims[i]);
  g_string_append_c (text, ')');
  return g_string_free (text, FALSE);
}

/* Reads one weight dataset, checks its type and values, returns its size. */
static int64_t
check_dataset (hid_t           layer_group,
               const char     *weight_name,
               WrittenModel   *model)
{
  hid_t dataset = H5Dopen2 (layer_group, weight_name, H5P_DEFAULT);
  hid_t type, space;
  hsize_t dims[8];
  int ndim;
  int64_t numel = 1;

  g_assert_cmpint (dataset, >=, 0);
  type = H5Dget_type (dataset);
  space = H5Dget_space (dataset);
  ndim = H5Sget_simple_extent_dims (space, dims, NULL);
  g_assert_cmpint (ndim, >=, 0);
  for (int i = 0; i < ndim; i++)
    numel *= dims[i];
  g_hash_table_insert (model->shapes, g_strdup (weight_name), dims_to_string (ndim, dims));

  if (g_str_has_suffix (weight_name, "/count:0"))
    {
      /* Normalization's sample count: a scalar int64, as Keras stores it. */
      int64_t count = -1;

      g_assert_true (H5Tequal (type, H5T_STD_I64LE) > 0);
      g_assert_cmpint (ndim, ==, 0);
      g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &count), >=, 0);
      g_assert_cmpint (count, >, 0);
    }
  else if (numel <= (1 << 22))
    {
      g_autofree float *values = g_new (float, numel);

      /* Small enough to read whole: finite, and plausible statistics. */
      g_assert_true (H5Tequal (type, H5T_IEEE_F32LE) > 0);
      g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
      for (int64_t i = 0; i < numel; i++)
        {
          g_assert_true (isfinite (values[i]));
          if (g_str_has_suffix (weight_name, "/moving_variance:0") ||
              g_str_has_suffix (weight_name, "/variance:0"))
            g_assert_cmpfloat (values[i], >, 0.0f);
          if (g_str_has_suffix (weight_name, "/gamma:0"))
            g_assert_cmpfloat (fabsf (values[i] - 1.0f), <, 0.5f);
        }
    }
  else
    g_assert_true (H5Tequal (type, H5T_IEEE_F32LE) > 0);

  H5Sclose (space);
  H5Tclose (type);
  H5Dclose (dataset);
  return numel;
}

static WrittenModel *
read_written_model (const char *path)
{
  g_autoptr(WrittenModel) model = g_new0 (WrittenModel, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *config_text = NULL;
  g_autofree char *weights_backend = NULL;
  g_autofree char *weights_version = NULL;
  hid_t file, weights;

  model->shapes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);

  model->keras_version = read_string_attribute (file, "keras_version");
  model->backend = read_string_attribute (file, "backend");
  config_text = read_string_attribute (file, "model_config");
  g_assert_true (json_parser_load_from_data (parser, config_text, -1, &error));
  g_assert_no_error (error);
  model->model_config = json_node_ref (json_parser_get_root (parser));

  weights = H5Gopen2 (file, "model_weights", H5P_DEFAULT);
  g_assert_cmpint (weights, >=, 0);
  weights_backend = read_string_attribute (weights, "backend");
  weights_version = read_string_attribute (weights, "keras_version");
  g_assert_cmpstr (weights_backend, ==, "tensorflow");
  g_assert_cmpstr (weights_version, ==, "2.15.0");
  model->layer_names = read_names_attribute (weights, "layer_names");

  for (guint i = 0; model->layer_names[i] != NULL; i++)
    {
      hid_t group = H5Gopen2 (weights, model->layer_names[i], H5P_DEFAULT);
      g_auto(GStrv) weight_names = NULL;

      g_assert_cmpint (group, >=, 0);
      weight_names = read_names_attribute (group, "weight_names");
      for (guint w = 0; weight_names[w] != NULL; w++)
        {
          /* tf.keras names weights "LAYER/VAR:0" and stores them at
           * model_weights/LAYER/LAYER/VAR:0. */
          g_autofree char *prefix = g_strconcat (model->layer_names[i], "/", NULL);

          g_assert_true (g_str_has_prefix (weight_names[w], prefix));
          g_assert_true (g_str_has_suffix (weight_names[w], ":0"));
          model->n_params += check_dataset (group, weight_names[w], model);
        }
      H5Gclose (group);
    }
  H5Gclose (weights);
  H5Fclose (file);
  return g_steal_pointer (&model);
}

/* ---- checks on the model_config JSON ------------------------------------ */

static JsonObject *
find_layer (JsonArray  *layers,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      JsonObject *config = json_object_get_object_member (layer, "config");

      if (g_str_equal (json_object_get_string_member (config, "name"), name))
        return layer;
    }
  return NULL;
}

/* The keys tf.keras 2.15 writes for a Conv2D, in its order. */
static void
check_conv2d_config (JsonObject *config)
{
  static const char *const keys[] = {
    "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding",
    "data_format", "dilation_rate", "groups", "activation", "use_bias",
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint",
  };
  g_autoptr(GList) members = json_object_get_members (config);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "batch_input_shape"))
      {
        g_assert_cmpuint (i, <, G_N_ELEMENTS (keys));
        g_assert_cmpstr (l->data, ==, keys[i++]);
      }
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (keys));
  g_assert_cmpstr (json_object_get_string_member (config, "data_format"), ==, "channels_last");
  g_assert_cmpint (json_object_get_int_member (config, "groups"), ==, 1);
}

/* Functional: every inbound node names a layer listed before it, and
 * layer_names lists the config's layers in the same order. Sequential: the
 * config has the InputLayer first, layer_names everything after it. */
static void
check_model_config (WrittenModel      *model,
                    const char        *class_name,
                    const char        *model_name,
                    const char *const *expected_layers)
{
  JsonObject *root = json_node_get_object (model->model_config);
  JsonObject *config = json_object_get_object_member (root, "config");
  JsonArray *layers = json_object_get_array_member (config, "layers");
  gboolean sequential = g_str_equal (class_name, "Sequential");
  guint n_layers = json_array_get_length (layers);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean found_conv = FALSE;

  g_assert_cmpstr (model->keras_version, ==, "2.15.0");
  g_assert_cmpstr (model->backend, ==, "tensorflow");
  g_assert_cmpstr (json_object_get_string_member (root, "class_name"), ==, class_name);
  g_assert_cmpstr (json_object_get_string_member (config, "name"), ==, model_name);
  g_assert_cmpuint (g_strv_length (model->layer_names), ==, sequential ? n_layers - 1 : n_layers);

  for (guint i = 0; i < n_layers; i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      JsonObject *layer_config = json_object_get_object_member (layer, "config");
      const char *name = json_object_get_string_member (layer_config, "name");
      const char *layer_class = json_object_get_string_member (layer, "class_name");

      g_assert_false (g_hash_table_contains (seen, name));
      if (i == 0)
        g_assert_cmpstr (layer_class, ==, "InputLayer");
      else
        {
          g_assert_cmpstr (model->layer_names[sequential ? i - 1 : i], ==, name);
          g_assert_true (json_object_get_boolean_member (layer_config, "trainable"));
          g_assert_cmpstr (json_object_get_string_member (layer_config, "dtype"), ==, "float32");
        }
      if (!found_conv && g_str_equal (layer_class, "Conv2D"))
        {
          check_conv2d_config (layer_config);
          found_conv = TRUE;
        }

      if (!sequential)
        {
          JsonArray *nodes = json_object_get_array_member (layer, "inbound_nodes");

          g_assert_cmpstr (json_object_get_string_member (layer, "name"), ==, name);
          g_assert_cmpuint (json_array_get_length (nodes), ==, i == 0 ? 0 : 1);
          if (i > 0)
            {
              JsonArray *node = json_array_get_array_element (nodes, 0);

              g_assert_cmpuint (json_array_get_length (node), >=, 1);
              for (guint k = 0; k < json_array_get_length (node); k++)
                {
                  JsonArray *ref = json_array_get_array_element (node, k);

                  g_assert_cmpuint (json_array_get_length (ref), ==, 4);
                  g_assert_true (g_hash_table_contains (seen, json_array_get_string_element (ref, 0)));
                  g_assert_cmpint (json_array_get_int_element (ref, 1), ==, 0);
                  g_assert_cmpint (json_array_get_int_element (ref, 2), ==, 0);
                }
            }
        }
      g_hash_table_add (seen, (gpointer) name);
    }

  if (!sequential)
    {
      JsonArray *inputs = json_object_get_array_member (config, "input_layers");
      JsonArray *outputs = json_object_get_array_member (config, "output_layers");
      JsonObject *first = json_array_get_object_element (layers, 0);
      JsonObject *last = json_array_get_object_element (layers, n_layers - 1);

      g_assert_cmpuint (json_array_get_length (inputs), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (inputs, 0), 0), ==,
                       json_object_get_string_member (first, "name"));
      g_assert_cmpuint (json_array_get_length (outputs), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (outputs, 0), 0), ==,
                       json_object_get_string_member (last, "name"));
    }

  for (guint i = 0; expected_layers != NULL && expected_layers[i] != NULL; i++)
    if (find_layer (layers, expected_layers[i]) == NULL)
      g_error ("layer “%s” missing from %s", expected_layers[i], model_name);
}

/* ---- one case per architecture ----------------------------------------- */

typedef struct
{
  const char        *name;
  LscZooOptions      options;         /* the published variant */
  int64_t            params;          /* published figure */
  int64_t            macs;            /* Conv2D + DepthwiseConv2D + Dense; -1: not checked */
  LscZooOptions      written_options; /* the variant written to disk */
  int64_t            written_params;
  const char        *class_name;
  const char        *model_name;      /* of the written variant */
  const char *const *layers;          /* some names keras.applications uses */
  int                run_batch;       /* samples run through the loaded model */
} ZooCase;

static const char *const mobilenetv2_layers[] = {
  "input_1", "Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise",
  "expanded_conv_depthwise_BN", "expanded_conv_project_BN", "block_1_expand",
  "block_1_pad", "block_1_depthwise", "block_2_add", "block_16_project_BN", "Conv_1",
  "Conv_1_bn", "out_relu", "global_average_pooling2d", "predictions", NULL
};
static const char *const mobilenet_layers[] = {
  "conv1", "conv1_bn", "conv1_relu", "conv_dw_1", "conv_pw_1_relu", "conv_pad_2",
  "conv_dw_13_bn", "global_average_pooling2d", "dropout", "conv_preds", "reshape_2",
  "predictions", NULL
};
static const char *const resnet50_layers[] = {
  "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool",
  "conv2_block1_1_conv", "conv2_block1_0_conv", "conv2_block1_add", "conv2_block1_out",
  "conv3_block4_out", "conv4_block6_out", "conv5_block3_3_bn", "avg_pool", "predictions", NULL
};
static const char *const vgg16_layers[] = {
  "block1_conv1", "block1_pool", "block3_conv3", "block5_pool", "flatten", "fc1", "fc2",
  "predictions", NULL
};
static const char *const efficientnetb0_layers[] = {
  "rescaling", "normalization", "stem_conv_pad", "stem_conv", "stem_bn", "stem_activation",
  "block1a_dwconv", "block1a_se_squeeze", "block1a_se_reshape", "block1a_se_reduce",
  "block1a_se_expand", "block1a_se_excite", "block2a_expand_conv", "block2a_dwconv_pad",
  "block2b_drop", "block2b_add", "block7a_project_bn", "top_conv", "top_bn",
  "top_activation", "avg_pool", "top_dropout", "predictions", NULL
};
static const char *const mnist_cnn_layers[] = {
  "conv2d_input", "conv2d", "conv2d_1", "max_pooling2d", "dropout", "flatten", "dense",
  "dropout_1", "dense_1", NULL
};
static const char *const lenet5_layers[] = {
  "conv2d", "average_pooling2d", "conv2d_1", "average_pooling2d_1", "flatten", "dense",
  "dense_1", "dense_2", NULL
};
static const char *const text_lstm_layers[] = {
  "embedding_input", "embedding", "lstm", "dense", NULL
};

static const ZooCase cases[] = {
  /* The published keras.applications figures (model.count_params ()); the
   * MACs are the usual published ones (MobileNetV2 300 M, ResNet50 3.86 G
   * with Keras's stride in the first 1×1 convolution). */
  { "mobilenetv2", { 0 }, 3538984, 300774272, { 0 }, 3538984,
    "Functional", "mobilenetv2_1.00_224", mobilenetv2_layers, 2 },
  { "resnet50", { 0 }, 25636712, 3857973248, { 0 }, 25636712,
    "Functional", "resnet50", resnet50_layers, 1 },
  /* MobileNet's paper: 569 M mult-adds (568,740,352 here, conv_preds
   * included). */
  { "mobilenet", { 0 }, 4253864, 568740352, { 0 }, 4253864,
    "Functional", "mobilenet_1.00_224", mobilenet_layers, 2 },
  /* VGG16 at 224 holds 553 MB of weights: counted from the graph the zoo
   * would write; the file is written at 32×32, where fc1 sees 1×1×512:
   * 14,714,688 (the convolutions) + 512·4096 + 4096 + 4096·4096 + 4096
   * + 4096·1000 + 1000 = 37,694,248. */
  { "vgg16", { 0 }, 138357544, 15470264320, { .size = 32 }, 37694248,
    "Functional", "vgg16", vgg16_layers, 2 },
  /* EfficientNet's paper: 0.39 G FLOPs (multiply-adds). */
  { "efficientnetb0", { 0 }, 5330571, 385814752, { 0 }, 5330571,
    "Functional", "efficientnetb0", efficientnetb0_layers, 2 },
  /* Conv 3·3·1·32 + 32 = 320; conv 3·3·32·64 + 64 = 18,496; dense
   * 12·12·64 = 9216 → 9216·128 + 128 = 1,179,776; dense 128·10 + 10 = 1290:
   * 1,199,882. MACs: 26·26·32·9 = 194,688; 24·24·64·288 = 10,616,832;
   * 9216·128 = 1,179,648; 128·10 = 1280: 11,992,448. */
  { "mnist-cnn", { 0 }, 1199882, 11992448, { 0 }, 1199882,
    "Sequential", "sequential", mnist_cnn_layers, 3 },
  /* 6·25 + 6 = 156; 16·150 + 16 = 2416; 400·120 + 120 = 48,120;
   * 120·84 + 84 = 10,164; 84·10 + 10 = 850: 61,706. MACs: 28·28·6·25 =
   * 117,600; 10·10·16·150 = 240,000; 48,000; 10,080; 840: 416,520. */
  { "lenet5", { 0 }, 61706, 416520, { 0 }, 61706,
    "Sequential", "lenet5", lenet5_layers, 3 },
  /* 20,000·128 = 2,560,000; LSTM 4·128·(128 + 128 + 1) = 131,584;
   * dense 128 + 1 = 129: 2,691,713. Only the Dense counts as MACs: 128. */
  { "text-lstm", { 0 }, 2691713, 128, { 0 }, 2691713,
    "Sequential", "sequential", text_lstm_layers, 3 },
};

/* ---- loading back -------------------------------------------------------- */

/* Inputs for the loaded model: pixels in [0, 1), or token ids in
 * [0, 20000) for text-lstm (Embedding inputs are floats holding ids). */
static LscTensor *
make_input (LscModel *model,
            int       batch,
            gboolean  token_ids)
{
  const LscNode *input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  LscShape shape = input->output_shape;
  LscTensor *tensor;
  GRand *rand = g_rand_new_with_seed (42);

  shape.dims[0] = batch;
  g_assert_true (lsc_shape_is_known (&shape));
  tensor = lsc_tensor_new (&shape);
  for (int64_t i = 0; i < lsc_tensor_numel (tensor); i++)
    tensor->data[i] = token_ids ? (float) g_rand_int_range (rand, 0, 20000)
                                : (float) g_rand_double (rand);
  g_rand_free (rand);
  return tensor;
}

/* Loads the written file with the engine's loader, which must find the
 * same parameters (and MACs) and run it to a finite, normalized output. */
static void
check_loaded_model (const ZooCase *zoo_case,
                    const char    *path,
                    LscZooGraph   *written_graph)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = lsc_model_load (path, &error);
  g_autoptr(LscTensor) input = NULL;
  LscTensor *outputs[1] = { NULL };
  gboolean text = g_str_equal (zoo_case->name, "text-lstm");
  int64_t classes;

  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (lsc_model_get_n_params (model), ==, zoo_case->written_params);
  g_assert_cmpuint (lsc_model_get_n_nodes (model), ==, written_graph->layers->len);
  g_assert_cmpuint (lsc_model_get_n_inputs (model), ==, 1);
  g_assert_cmpuint (lsc_model_get_n_outputs (model), ==, 1);
  /* The engine counts LSTM MACs too; the zoo only Conv2D, DepthwiseConv2D
   * and Dense, which are all the other models have. */
  if (!text)
    g_assert_cmpint (lsc_model_get_n_macs (model), ==, lsc_zoo_graph_count_macs (written_graph));

  input = make_input (model, zoo_case->run_batch, text);
  g_assert_true (lsc_model_run (model, (const LscTensor *const *) &input, 1, outputs, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outputs[0]->shape.ndim, ==, 2);
  g_assert_cmpint (outputs[0]->shape.dims[0], ==, zoo_case->run_batch);
  classes = outputs[0]->shape.dims[1];
  g_assert_cmpint (classes, ==, text ? 1 : g_str_equal (zoo_case->name, "mnist-cnn") ||
                                          g_str_equal (zoo_case->name, "lenet5") ? 10 : 1000);
  for (int b = 0; b < zoo_case->run_batch; b++)
    {
      const float *row = outputs[0]->data + b * classes;
      double sum = 0;

      for (int64_t k = 0; k < classes; k++)
        {
          g_assert_true (isfinite (row[k]));
          g_assert_cmpfloat (row[k], >=, 0.0f);
          g_assert_cmpfloat (row[k], <=, 1.0f);
          sum += row[k];
        }
      /* Softmax rows sum to 1; the sentiment is one sigmoid. */
      if (!text)
        g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
    }
  /* Different inputs, different outputs: the weights are not degenerate. */
  if (zoo_case->run_batch > 1)
    g_assert_true (memcmp (outputs[0]->data, outputs[0]->data + classes, classes * sizeof (float)) != 0);
  lsc_tensor_free (outputs[0]);
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lsc-zoo-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (handle != NULL && (entry = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_architecture (gconstpointer data)
{
  const ZooCase *zoo_case = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LscZooGraph) graph = NULL;
  g_autoptr(LscZooGraph) written_graph = NULL;
  g_autoptr(WrittenModel) model = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *file_name = g_strconcat (zoo_case->name, ".h5", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);

  /* The published variant, counted from the graph the zoo writes. */
  graph = lsc_zoo_build (zoo_case->name, &zoo_case->options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lsc_zoo_graph_count_params (graph), ==, zoo_case->params);
  if (zoo_case->macs >= 0)
    g_assert_cmpint (lsc_zoo_graph_count_macs (graph), ==, zoo_case->macs);

  /* The written variant, counted from the file's datasets. */
  g_assert_true (lsc_zoo_write (zoo_case->name, &zoo_case->written_options, path, &error));
  g_assert_no_error (error);
  model = read_written_model (path);
  g_assert_cmpint (model->n_params, ==, zoo_case->written_params);
  check_model_config (model, zoo_case->class_name, zoo_case->model_name, zoo_case->layers);

  written_graph = lsc_zoo_build (zoo_case->name, &zoo_case->written_options, &error);
  g_assert_no_error (error);
  check_loaded_model (zoo_case, path, written_graph);

  remove_dir (dir);
}

/* Shapes a reader can check by hand. */
static void
test_weight_shapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  g_autoptr(WrittenModel) model = NULL;
  const LscZooOptions options = { .alpha = 0.35, .size = 96 };
  const struct { const char *name, *shape; } expected[] = {
    /* _make_divisible (32 · 0.35, 8) = 16 filters. */
    { "Conv1/kernel:0", "(3, 3, 3, 16)" },
    { "bn_Conv1/moving_variance:0", "(16)" },
    { "expanded_conv_depthwise/depthwise_kernel:0", "(3, 3, 16, 1)" },
    /* _make_divisible (int (16 · 0.35), 8) = 8. */
    { "expanded_conv_project/kernel:0", "(1, 1, 16, 8)" },
    { "block_1_expand/kernel:0", "(1, 1, 8, 48)" },
    /* alpha ≤ 1 keeps the last convolution at 1280. */
    { "Conv_1/kernel:0", "(1, 1, 112, 1280)" },
    { "predictions/kernel:0", "(1280, 1000)" },
    { "predictions/bias:0", "(1000)" },
  };

  g_assert_true (lsc_zoo_write ("mobilenetv2", &options, path, &error));
  g_assert_no_error (error);
  model = read_written_model (path);
  check_model_config (model, "Functional", "mobilenetv2_0.35_96", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const char *shape = g_hash_table_lookup (model->shapes, expected[i].name);

      g_assert_nonnull (shape);
      g_assert_cmpstr (shape, ==, expected[i].shape);
    }
  /* 96 is even: correct_pad pads one pixel less before than after. */
  {
    JsonObject *root = json_node_get_object (model->model_config);
    JsonArray *layers = json_object_get_array_member (json_object_get_object_member (root, "config"), "layers");
    JsonObject *pad = json_object_get_object_member (find_layer (layers, "block_1_pad"), "config");
    JsonArray *padding = json_object_get_array_member (pad, "padding");
    JsonArray *rows = json_array_get_array_element (padding, 0);

    g_assert_cmpint (json_array_get_int_element (rows, 0), ==, 0);
    g_assert_cmpint (json_array_get_int_element (rows, 1), ==, 1);
  }
  remove_dir (dir);
}

/* The MobileNetV2 (alpha 0.35) inside the Teachable Machine model of
 * shared/models was built by keras.applications: every one of its weights
 * must have a namesake of the same shape in the zoo's mobilenetv2 0.35. */
static void
test_matches_keras_applications (void)
{
  g_autofree char *models = lsc_test_find_shared_models ();
  g_autofree char *real_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(WrittenModel) ours = NULL;
  g_autoptr(GError) error = NULL;
  const LscZooOptions options = { .alpha = 0.35 };
  hid_t file, group;
  g_auto(GStrv) nested = NULL;
  guint n_matched = 0;

  if (models == NULL)
    {
      g_test_skip ("shared/models is absent");
      return;
    }
  real_path = g_build_filename (models, "tm_mobilenetv2_waste_4cls_tfkeras24.h5", NULL);
  dir = temp_dir ();
  path = g_build_filename (dir, "m.h5", NULL);
  g_assert_true (lsc_zoo_write ("mobilenetv2", &options, path, &error));
  g_assert_no_error (error);
  ours = read_written_model (path);

  /* Its first layer group, sequential_1, holds the nested model's weights
   * named "model1/<layer>/<var>:0" … or "<layer>/<var>:0": keep the last
   * two parts. */
  file = H5Fopen (real_path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  group = H5Gopen2 (file, "model_weights/sequential_1", H5P_DEFAULT);
  g_assert_cmpint (group, >=, 0);
  nested = read_names_attribute (group, "weight_names");
  for (guint i = 0; nested[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (nested[i], "/", -1);
      guint n = g_strv_length (parts);
      g_autofree char *key = g_strconcat (parts[n - 2], "/", parts[n - 1], NULL);
      const char *our_shape = g_hash_table_lookup (ours->shapes, key);
      hid_t dataset = H5Dopen2 (group, nested[i], H5P_DEFAULT);
      hid_t space = H5Dget_space (dataset);
      hsize_t dims[8];
      int ndim = H5Sget_simple_extent_dims (space, dims, NULL);
      g_autofree char *real_shape = dims_to_string (ndim, dims);

      g_assert_nonnull (our_shape);
      g_assert_cmpstr (our_shape, ==, real_shape);
      n_matched++;
      H5Sclose (space);
      H5Dclose (dataset);
    }
  H5Gclose (group);
  H5Fclose (file);
  /* 52 convolutions and batch norms … : every MobileNetV2 weight but the
   * classifier (the Teachable Machine model has its own head). */
  g_assert_cmpuint (n_matched, ==, 260);
  remove_dir (dir);
}

/* ---- weights ------------------------------------------------------------ */

static float *
read_floats (const char *path,
             const char *dataset_path,
             int64_t     n)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t dataset;
  float *values = g_new (float, n);

  g_assert_cmpint (file, >=, 0);
  dataset = H5Dopen2 (file, dataset_path, H5P_DEFAULT);
  g_assert_cmpint (dataset, >=, 0);
  g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), >=, 0);
  H5Dclose (dataset);
  H5Fclose (file);
  return values;
}

/* Same seed, same values; another seed, other values; He-style statistics. */
static void
test_weights_seeded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *a = g_build_filename (dir, "a.h5", NULL);
  g_autofree char *b = g_build_filename (dir, "b.h5", NULL);
  g_autofree char *c = g_build_filename (dir, "c.h5", NULL);
  const LscZooOptions seed_7 = { .seed = 7 };
  const LscZooOptions seed_8 = { .seed = 8 };
  /* conv2d_1: 3·3·32·64 = 18,432 values, fan_in 288. */
  const char *kernel = "model_weights/conv2d_1/conv2d_1/kernel:0";
  const int64_t n = 3 * 3 * 32 * 64;
  g_autofree float *va = NULL;
  g_autofree float *vb = NULL;
  g_autofree float *vc = NULL;
  double sum = 0, sum_sq = 0, std, expected_std = sqrt (2.0 / 288.0);
  int64_t n_different = 0;

  g_assert_true (lsc_zoo_write ("mnist-cnn", &seed_7, a, &error));
  g_assert_true (lsc_zoo_write ("mnist-cnn", &seed_7, b, &error));
  g_assert_true (lsc_zoo_write ("mnist-cnn", &seed_8, c, &error));
  g_assert_no_error (error);
  va = read_floats (a, kernel, n);
  vb = read_floats (b, kernel, n);
  vc = read_floats (c, kernel, n);

  g_assert_cmpmem (va, n * sizeof (float), vb, n * sizeof (float));
  for (int64_t i = 0; i < n; i++)
    {
      n_different += va[i] != vc[i];
      sum += va[i];
      sum_sq += (double) va[i] * va[i];
    }
  g_assert_cmpint (n_different, >, n * 99 / 100);
  /* Mean about 0 (its standard error is std / sqrt (n) ≈ 0.0006), std
   * sqrt (2 / 288) ≈ 0.0833 within 5 %. */
  g_assert_cmpfloat (fabs (sum / n), <, 0.003);
  std = sqrt (sum_sq / n - (sum / n) * (sum / n));
  g_assert_cmpfloat (fabs (std - expected_std), <, 0.05 * expected_std);

  remove_dir (dir);
}

/* BatchNormalization statistics are plausible: gamma ≈ 1, beta ≈ 0, small
 * moving_mean, and a positive moving_variance centred on the variance the
 * layer's input has: Conv_1_bn follows Conv_1 (He-initialized, so E[y²] =
 * 2 E[x²]) on block_16_project_BN's output (E[x²] ≈ gamma² ≈ 1): 2. */
static void
test_weights_batch_norm (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  const LscZooOptions options = { .size = 32 };
  const struct { const char *var; double low, high; } ranges[] = {
    { "gamma", 0.9, 1.1 },
    { "beta", -0.05, 0.05 },
    { "moving_mean", -0.05, 0.05 },
    { "moving_variance", 2 * 0.8, 2 * 1.2 },
  };

  g_assert_true (lsc_zoo_write ("mobilenetv2", &options, path, &error));
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      /* Conv_1_bn: 1280 channels. */
      g_autofree char *dataset = g_strdup_printf ("model_weights/Conv_1_bn/Conv_1_bn/%s:0", ranges[r].var);
      g_autofree float *values = read_floats (path, dataset, 1280);
      double sum = 0;

      for (int i = 0; i < 1280; i++)
        {
          g_assert_cmpfloat (values[i], >=, ranges[r].low);
          g_assert_cmpfloat (values[i], <=, ranges[r].high);
          sum += values[i];
        }
      /* Not all equal: a spread around the centre of the range. */
      g_assert_cmpfloat (fabs (sum / 1280 - (ranges[r].low + ranges[r].high) / 2), <, 0.02);
      g_assert_cmpfloat (values[0], !=, values[1]);
    }
  remove_dir (dir);
}

/* mnist-cnn computed by hand from the file's datasets (Keras semantics:
 * valid 3×3 convolutions with relu, 2×2 max pooling, row-major Flatten,
 * relu Dense, softmax Dense) must match what the engine computes from the
 * loaded file: the weights sit where Keras would look for them. */
static void
conv3x3_relu (const float *in,
              int          size,
              int          cin,
              const float *kernel,
              const float *bias,
              int          cout,
              float       *out)
{
  int out_size = size - 2;

  for (int y = 0; y < out_size; y++)
    for (int x = 0; x < out_size; x++)
      for (int o = 0; o < cout; o++)
        {
          double acc = bias[o];

          for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
              for (int c = 0; c < cin; c++)
                acc += (double) in[((y + ky) * size + x + kx) * cin + c] *
                       kernel[((ky * 3 + kx) * cin + c) * cout + o];
          out[(y * out_size + x) * cout + o] = (float) MAX (acc, 0.0);
        }
}

static void
test_mnist_cnn_computes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  g_autoptr(LscModel) model = NULL;
  g_autoptr(LscTensor) input = NULL;
  LscTensor *outputs[1] = { NULL };
  g_autofree float *k1 = NULL, *b1 = NULL, *k2 = NULL, *b2 = NULL;
  g_autofree float *k3 = NULL, *b3 = NULL, *k4 = NULL, *b4 = NULL;
  g_autofree float *a1 = g_new (float, 26 * 26 * 32);
  g_autofree float *a2 = g_new (float, 24 * 24 * 64);
  g_autofree float *pooled = g_new (float, 12 * 12 * 64);
  float hidden[128], logits[10];

  g_assert_true (lsc_zoo_write ("mnist-cnn", NULL, path, &error));
  g_assert_no_error (error);
  k1 = read_floats (path, "model_weights/conv2d/conv2d/kernel:0", 3 * 3 * 1 * 32);
  b1 = read_floats (path, "model_weights/conv2d/conv2d/bias:0", 32);
  k2 = read_floats (path, "model_weights/conv2d_1/conv2d_1/kernel:0", 3 * 3 * 32 * 64);
  b2 = read_floats (path, "model_weights/conv2d_1/conv2d_1/bias:0", 64);
  k3 = read_floats (path, "model_weights/dense/dense/kernel:0", 9216 * 128);
  b3 = read_floats (path, "model_weights/dense/dense/bias:0", 128);
  k4 = read_floats (path, "model_weights/dense_1/dense_1/kernel:0", 128 * 10);
  b4 = read_floats (path, "model_weights/dense_1/dense_1/bias:0", 10);

  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  input = make_input (model, 2, FALSE);
  g_assert_true (lsc_model_run (model, (const LscTensor *const *) &input, 1, outputs, &error));
  g_assert_no_error (error);

  for (int b = 0; b < 2; b++)
    {
      double max_logit = -G_MAXDOUBLE, sum = 0;
      float expected[10];

      conv3x3_relu (input->data + b * 28 * 28, 28, 1, k1, b1, 32, a1);
      conv3x3_relu (a1, 26, 32, k2, b2, 64, a2);
      for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++)
          for (int c = 0; c < 64; c++)
            {
              float m = -G_MAXFLOAT;

              for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                  m = MAX (m, a2[((2 * y + dy) * 24 + 2 * x + dx) * 64 + c]);
              pooled[(y * 12 + x) * 64 + c] = m;
            }
      for (int o = 0; o < 128; o++)
        {
          double acc = b3[o];

          for (int i = 0; i < 9216; i++)
            acc += (double) pooled[i] * k3[i * 128 + o];
          hidden[o] = (float) MAX (acc, 0.0);
        }
      for (int o = 0; o < 10; o++)
        {
          double acc = b4[o];

          for (int i = 0; i < 128; i++)
            acc += (double) hidden[i] * k4[i * 10 + o];
          logits[o] = (float) acc;
          max_logit = MAX (max_logit, acc);
        }
      for (int o = 0; o < 10; o++)
        sum += exp (logits[o] - max_logit);
      for (int o = 0; o < 10; o++)
        expected[o] = (float) (exp (logits[o] - max_logit) / sum);

      for (int o = 0; o < 10; o++)
        g_assert_cmpfloat_with_epsilon (outputs[0]->data[b * 10 + o], expected[o], 1e-5);
    }
  lsc_tensor_free (outputs[0]);
  remove_dir (dir);
}

/* ---- options and errors ------------------------------------------------- */

static void
test_names (void)
{
  const char *const *names = lsc_zoo_get_names ();
  const char *const expected[] = {
    "mnist-cnn", "lenet5", "mobilenet", "mobilenetv2", "resnet50", "vgg16",
    "efficientnetb0", "text-lstm",
  };

  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (g_strv_contains (names, expected[i]));
      g_assert_nonnull (lsc_zoo_get_description (expected[i]));
      g_assert_cmpuint (strlen (lsc_zoo_get_description (expected[i])), >, 20);
    }
  g_assert_null (lsc_zoo_get_description ("alexnet"));
  g_assert_null (lsc_zoo_get_description (NULL));
}

/* alpha and size change the model as keras.applications does. */
static void
test_options (void)
{
  const struct { const char *name; double alpha; int size; const char *model_name; } variants[] = {
    { "mobilenetv2", 0.5, 0, "mobilenetv2_0.50_224" },
    { "mobilenetv2", 1.4, 160, "mobilenetv2_1.40_160" },
    { "mobilenet", 0.25, 128, "mobilenet_0.25_128" },
    { "mobilenet", 0.75, 32, "mobilenet_0.75_32" },
    { "resnet50", 1.0, 33, "resnet50" },
    { "efficientnetb0", 0, 32, "efficientnetb0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      const LscZooOptions options = { .alpha = variants[i].alpha, .size = variants[i].size };
      g_autoptr(GError) error = NULL;
      g_autoptr(LscZooGraph) graph = lsc_zoo_build (variants[i].name, &options, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (graph->name, ==, variants[i].model_name);
    }

  /* Global pooling: MobileNet's parameters do not depend on the size, its
   * MACs do: conv1 (3×3, stride 2, 3 → 32 channels) computes
   * 112·112·32·27 = 10,838,016 at 224 and 56·56·32·27 = 2,709,504 at 112. */
  {
    const LscZooOptions at_224 = { .size = 224 };
    const LscZooOptions at_112 = { .size = 112 };
    g_autoptr(LscZooGraph) big = lsc_zoo_build ("mobilenet", &at_224, NULL);
    g_autoptr(LscZooGraph) small = lsc_zoo_build ("mobilenet", &at_112, NULL);

    g_assert_cmpint (lsc_zoo_graph_count_params (big), ==, lsc_zoo_graph_count_params (small));
    g_assert_cmpstr (lsc_zoo_graph_get_layer (big, 1)->name, ==, "conv1");
    g_assert_cmpint (lsc_zoo_graph_get_layer (big, 1)->macs, ==, 10838016);
    g_assert_cmpint (lsc_zoo_graph_get_layer (small, 1)->macs, ==, 2709504);
  }

  /* Narrower MobileNetV2s have fewer parameters; 1.4 widens Conv_1 to
   * _make_divisible (1280 · 1.4, 8) = 1792 and so the classifier:
   * 1792·1000 + 1000 = 1,793,000 parameters in predictions. */
  {
    const LscZooOptions narrow = { .alpha = 0.35 };
    const LscZooOptions wide = { .alpha = 1.4 };
    g_autoptr(LscZooGraph) g_narrow = lsc_zoo_build ("mobilenetv2", &narrow, NULL);
    g_autoptr(LscZooGraph) g_wide = lsc_zoo_build ("mobilenetv2", &wide, NULL);
    LscZooLayer *predictions = lsc_zoo_graph_get_layer (g_wide, lsc_zoo_graph_get_output (g_wide));

    g_assert_cmpint (lsc_zoo_graph_count_params (g_narrow), <, 3538984);
    g_assert_cmpint (lsc_zoo_graph_count_params (g_wide), >, 3538984);
    g_assert_cmpstr (predictions->name, ==, "predictions");
    g_assert_cmpint (lsc_zoo_weight_numel (g_ptr_array_index (predictions->weights, 0)) +
                     lsc_zoo_weight_numel (g_ptr_array_index (predictions->weights, 1)), ==, 1793000);
  }
}

static void
assert_bad_option (const char *name,
                   double      alpha,
                   int         size,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.h5", NULL);
  const LscZooOptions options = { .alpha = alpha, .size = size };

  g_assert_false (lsc_zoo_write (name, &options, path, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
  /* Nothing is written for a refused option. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_dir (dir);
}

static void
test_bad_options (void)
{
  assert_bad_option ("alexnet", 0, 0, "alexnet");
  assert_bad_option ("", 0, 0, "Unknown");
  assert_bad_option ("MobileNetV2", 0, 0, "MobileNetV2");
  /* keras.applications' allowed alphas: v2 {0.35, 0.5, 0.75, 1, 1.3, 1.4},
   * v1 {0.25, 0.5, 0.75, 1}. */
  assert_bad_option ("mobilenetv2", 0.6, 0, "0.35, 0.5, 0.75, 1, 1.3 or 1.4");
  assert_bad_option ("mobilenetv2", 0.25, 0, "alpha 0.25");
  assert_bad_option ("mobilenet", 1.4, 0, "alpha 1.4");
  assert_bad_option ("mobilenet", -1.0, 0, "alpha -1");
  assert_bad_option ("mobilenet", NAN, 0, "alpha");
  assert_bad_option ("mobilenet", INFINITY, 0, "alpha");
  assert_bad_option ("resnet50", 0.5, 0, "width multiplier");
  assert_bad_option ("mnist-cnn", 2.0, 0, "width multiplier");
  /* Sizes: at least 32 for the ImageNet models; the small ones are fixed. */
  assert_bad_option ("mobilenetv2", 0, 31, "size 31");
  assert_bad_option ("resnet50", 0, 16, "at least 32");
  assert_bad_option ("efficientnetb0", 0, -224, "size -224");
  assert_bad_option ("vgg16", 0, 100000, "too large");
  assert_bad_option ("mnist-cnn", 0, 64, "fixed input size");
  assert_bad_option ("text-lstm", 0, 32, "fixed input size");
}

static void
test_bad_paths (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir", "m.h5", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (lsc_zoo_write ("lenet5", NULL, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* A directory is not a file. */
  g_assert_false (lsc_zoo_write ("lenet5", NULL, dir, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_clear_error (&error);

  g_assert_false (lsc_zoo_write ("lenet5", NULL, "", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* options NULL means the defaults. */
  {
    g_autofree char *path = g_build_filename (dir, "ok.h5", NULL);
    g_autoptr(WrittenModel) model = NULL;

    g_assert_true (lsc_zoo_write ("lenet5", NULL, path, &error));
    g_assert_no_error (error);
    model = read_written_model (path);
    g_assert_cmpint (model->n_params, ==, 61706);
  }
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zoo/names", test_names);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/zoo/architecture/%s", cases[i].name);
      g_test_add_data_func (test_path, &cases[i], test_architecture);
    }
  g_test_add_func ("/zoo/weight-shapes", test_weight_shapes);
  g_test_add_func ("/zoo/matches-keras-applications", test_matches_keras_applications);
  g_test_add_func ("/zoo/weights/seeded", test_weights_seeded);
  g_test_add_func ("/zoo/weights/batch-norm", test_weights_batch_norm);
  g_test_add_func ("/zoo/mnist-cnn-computes", test_mnist_cnn_computes);
  g_test_add_func ("/zoo/options", test_options);
  g_test_add_func ("/zoo/bad-options", test_bad_options);
  g_test_add_func ("/zoo/bad-paths", test_bad_paths);
  return g_test_run ();
}
