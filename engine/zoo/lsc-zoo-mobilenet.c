/* MobileNet (v1) and MobileNetV2, layer for layer as keras.applications
 * (tf.keras 2.15) builds them with include_top=True and 1000 classes. */

#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-private.h"

#define N_CLASSES 1000

/* "mobilenetv2_1.00_224": Python's "%0.2f", whatever the C locale. */
static char *
model_name (const char *prefix,
            double      alpha,
            int         size)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s_%s_%d", prefix,
                          g_ascii_formatd (buffer, sizeof buffer, "%.2f", alpha), size);
}

static LscZooGraph *
new_graph (const char *prefix,
           double      alpha,
           int         size,
           guint      *input)
{
  g_autofree char *name = model_name (prefix, alpha, size);
  LscZooGraph *graph = lsc_zoo_graph_new (name, FALSE);
  const int64_t shape[] = { size, size, 3 };

  /* preprocess_input ("tf") maps pixels to [-1, 1]: the default E[x²]
   * of 1/3 holds. */
  *input = lsc_zoo_input (graph, NULL, 3, shape);
  return graph;
}

static int64_t
channels_of (LscZooGraph *graph,
             guint        x)
{
  LscZooLayer *layer = lsc_zoo_graph_get_layer (graph, x);

  return layer->output.dims[layer->output.ndim - 1];
}

/* MobileNet v1: mobilenet._conv_block and _depthwise_conv_block. */

static guint
v1_depthwise_block (LscZooGraph *graph,
                    guint        x,
                    int          pointwise_filters,
                    double       alpha,
                    int          stride,
                    int          block_id)
{
  g_autofree char *pad = g_strdup_printf ("conv_pad_%d", block_id);
  g_autofree char *dw = g_strdup_printf ("conv_dw_%d", block_id);
  g_autofree char *dw_bn = g_strdup_printf ("conv_dw_%d_bn", block_id);
  g_autofree char *dw_relu = g_strdup_printf ("conv_dw_%d_relu", block_id);
  g_autofree char *pw = g_strdup_printf ("conv_pw_%d", block_id);
  g_autofree char *pw_bn = g_strdup_printf ("conv_pw_%d_bn", block_id);
  g_autofree char *pw_relu = g_strdup_printf ("conv_pw_%d_relu", block_id);

  if (stride != 1)
    x = lsc_zoo_zero_padding2d (graph, x, pad, 0, 1, 0, 1);
  x = lsc_zoo_depthwise_conv2d (graph, x, dw, 3, stride, stride == 1 ? "same" : "valid", FALSE);
  x = lsc_zoo_batch_norm (graph, x, dw_bn, 0.99, 1e-3);
  x = lsc_zoo_relu (graph, x, dw_relu, 6.0);
  x = lsc_zoo_conv2d (graph, x, pw, (int) (pointwise_filters * alpha), 1, 1, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, pw_bn, 0.99, 1e-3);
  return lsc_zoo_relu (graph, x, pw_relu, 6.0);
}

LscZooGraph *
lsc_zoo_build_mobilenet (double alpha,
                         int    size)
{
  static const struct { int filters, stride; } blocks[] = {
    { 64, 1 }, { 128, 2 }, { 128, 1 }, { 256, 2 }, { 256, 1 }, { 512, 2 },
    { 512, 1 }, { 512, 1 }, { 512, 1 }, { 512, 1 }, { 512, 1 },
    { 1024, 2 }, { 1024, 1 },
  };
  const int64_t classes[] = { N_CLASSES };
  guint x;
  LscZooGraph *graph = new_graph ("mobilenet", alpha, size, &x);

  x = lsc_zoo_conv2d (graph, x, "conv1", (int) (32 * alpha), 3, 2, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "conv1_bn", 0.99, 1e-3);
  x = lsc_zoo_relu (graph, x, "conv1_relu", 6.0);
  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    x = v1_depthwise_block (graph, x, blocks[i].filters, alpha, blocks[i].stride, (int) i + 1);

  x = lsc_zoo_global_average_pooling2d (graph, x, NULL, TRUE);
  x = lsc_zoo_dropout (graph, x, "dropout", 1e-3, FALSE);
  x = lsc_zoo_conv2d (graph, x, "conv_preds", N_CLASSES, 1, 1, "same", TRUE, "linear");
  x = lsc_zoo_reshape (graph, x, "reshape_2", 1, classes);
  lsc_zoo_activation (graph, x, "predictions", "softmax");
  return graph;
}

/* MobileNetV2: mobilenet_v2._make_divisible and _inverted_res_block. */

static int
make_divisible (double v,
                int    divisor)
{
  int new_v = MAX (divisor, (int) (v + divisor / 2.0) / divisor * divisor);

  /* Rounding down must not lose more than 10 %. */
  if (new_v < 0.9 * v)
    new_v += divisor;
  return new_v;
}

static guint
v2_inverted_res_block (LscZooGraph *graph,
                       guint        inputs,
                       int          expansion,
                       int          stride,
                       double       alpha,
                       int          filters,
                       int          block_id)
{
  int64_t in_channels = channels_of (graph, inputs);
  int pointwise_filters = make_divisible ((int) (filters * alpha), 8);
  g_autofree char *prefix = block_id != 0 ? g_strdup_printf ("block_%d_", block_id)
                                          : g_strdup ("expanded_conv_");
  g_autofree char *expand = g_strconcat (prefix, "expand", NULL);
  g_autofree char *expand_bn = g_strconcat (prefix, "expand_BN", NULL);
  g_autofree char *expand_relu = g_strconcat (prefix, "expand_relu", NULL);
  g_autofree char *pad = g_strconcat (prefix, "pad", NULL);
  g_autofree char *depthwise = g_strconcat (prefix, "depthwise", NULL);
  g_autofree char *depthwise_bn = g_strconcat (prefix, "depthwise_BN", NULL);
  g_autofree char *depthwise_relu = g_strconcat (prefix, "depthwise_relu", NULL);
  g_autofree char *project = g_strconcat (prefix, "project", NULL);
  g_autofree char *project_bn = g_strconcat (prefix, "project_BN", NULL);
  g_autofree char *add = g_strconcat (prefix, "add", NULL);
  guint x = inputs;

  if (block_id != 0)
    {
      x = lsc_zoo_conv2d (graph, x, expand, (int) (expansion * in_channels), 1, 1, "same",
                          FALSE, "linear");
      x = lsc_zoo_batch_norm (graph, x, expand_bn, 0.999, 1e-3);
      x = lsc_zoo_relu (graph, x, expand_relu, 6.0);
    }

  if (stride == 2)
    x = lsc_zoo_correct_pad (graph, x, pad, 3);
  x = lsc_zoo_depthwise_conv2d (graph, x, depthwise, 3, stride, stride == 1 ? "same" : "valid", FALSE);
  x = lsc_zoo_batch_norm (graph, x, depthwise_bn, 0.999, 1e-3);
  x = lsc_zoo_relu (graph, x, depthwise_relu, 6.0);

  x = lsc_zoo_conv2d (graph, x, project, pointwise_filters, 1, 1, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, project_bn, 0.999, 1e-3);

  if (in_channels == pointwise_filters && stride == 1)
    return lsc_zoo_add (graph, inputs, x, add);
  return x;
}

LscZooGraph *
lsc_zoo_build_mobilenetv2 (double alpha,
                           int    size)
{
  static const struct { int filters, stride, expansion; } blocks[] = {
    { 16, 1, 1 },
    { 24, 2, 6 }, { 24, 1, 6 },
    { 32, 2, 6 }, { 32, 1, 6 }, { 32, 1, 6 },
    { 64, 2, 6 }, { 64, 1, 6 }, { 64, 1, 6 }, { 64, 1, 6 },
    { 96, 1, 6 }, { 96, 1, 6 }, { 96, 1, 6 },
    { 160, 2, 6 }, { 160, 1, 6 }, { 160, 1, 6 },
    { 320, 1, 6 },
  };
  guint x;
  LscZooGraph *graph = new_graph ("mobilenetv2", alpha, size, &x);
  /* No alpha on the last convolution unless it widens the network. */
  int last_block_filters = alpha > 1.0 ? make_divisible (1280 * alpha, 8) : 1280;

  x = lsc_zoo_conv2d (graph, x, "Conv1", make_divisible (32 * alpha, 8), 3, 2, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "bn_Conv1", 0.999, 1e-3);
  x = lsc_zoo_relu (graph, x, "Conv1_relu", 6.0);
  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    x = v2_inverted_res_block (graph, x, blocks[i].expansion, blocks[i].stride, alpha,
                               blocks[i].filters, (int) i);

  x = lsc_zoo_conv2d (graph, x, "Conv_1", last_block_filters, 1, 1, "valid", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "Conv_1_bn", 0.999, 1e-3);
  x = lsc_zoo_relu (graph, x, "out_relu", 6.0);
  x = lsc_zoo_global_average_pooling2d (graph, x, NULL, FALSE);
  lsc_zoo_dense (graph, x, "predictions", N_CLASSES, "softmax");
  return graph;
}
