/* EfficientNetB0 as keras.applications.efficientnet (tf.keras 2.15) builds
 * it with weights=None: a Rescaling (1/255) and Normalization stem, MBConv
 * blocks with squeeze-and-excitation (GlobalAveragePooling2D, Reshape, two
 * 1×1 convolutions, Multiply), swish activations, and drop-connect Dropout
 * layers on the residual branches. */

#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-private.h"

#define BN_MOMENTUM 0.99
#define BN_EPSILON 1e-3
#define DROP_CONNECT_RATE 0.2
#define DROPOUT_RATE 0.2

/* efficientnet.DEFAULT_BLOCKS_ARGS; every block has id_skip and an SE
 * ratio of 0.25. */
static const struct
{
  int kernel_size;
  int repeats;
  int filters_in;
  int filters_out;
  int expand_ratio;
  int strides;
} block_args[] = {
  { 3, 1, 32, 16, 1, 1 },
  { 3, 2, 16, 24, 6, 2 },
  { 5, 2, 24, 40, 6, 2 },
  { 3, 3, 40, 80, 6, 2 },
  { 5, 3, 80, 112, 6, 1 },
  { 5, 4, 112, 192, 6, 2 },
  { 3, 1, 192, 320, 6, 1 },
};

#define SE_RATIO 0.25

/* The statistics of ImageNet's RGB channels (scaled to [0, 1]) that the
 * pretrained models normalize with: the Normalization layer stores them as
 * its mean and variance. */
static const double imagenet_mean[] = { 0.485, 0.456, 0.406 };
static const double imagenet_variance[] = { 0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225 };
/* The number of ImageNet training images, as an adapted layer would count. */
#define IMAGENET_COUNT 1281167

static char *
block_name (const char *prefix,
            const char *part)
{
  return g_strconcat (prefix, part, NULL);
}

/* efficientnet.block */
static guint
mbconv_block (LscZooGraph *graph,
              guint        inputs,
              double       drop_rate,
              const char  *name,
              int          filters_in,
              int          filters_out,
              int          kernel_size,
              int          strides,
              int          expand_ratio)
{
  int filters = filters_in * expand_ratio;
  int filters_se = MAX (1, (int) (filters_in * SE_RATIO));
  const int64_t se_shape[] = { 1, 1, filters };
  g_autofree char *expand_conv = block_name (name, "expand_conv");
  g_autofree char *expand_bn = block_name (name, "expand_bn");
  g_autofree char *expand_activation = block_name (name, "expand_activation");
  g_autofree char *dwconv_pad = block_name (name, "dwconv_pad");
  g_autofree char *dwconv = block_name (name, "dwconv");
  g_autofree char *bn = block_name (name, "bn");
  g_autofree char *activation = block_name (name, "activation");
  g_autofree char *se_squeeze = block_name (name, "se_squeeze");
  g_autofree char *se_reshape = block_name (name, "se_reshape");
  g_autofree char *se_reduce = block_name (name, "se_reduce");
  g_autofree char *se_expand = block_name (name, "se_expand");
  g_autofree char *se_excite = block_name (name, "se_excite");
  g_autofree char *project_conv = block_name (name, "project_conv");
  g_autofree char *project_bn = block_name (name, "project_bn");
  g_autofree char *drop = block_name (name, "drop");
  g_autofree char *add = block_name (name, "add");
  guint x = inputs, se;

  if (expand_ratio != 1)
    {
      x = lsc_zoo_conv2d (graph, x, expand_conv, filters, 1, 1, "same", FALSE, "linear");
      x = lsc_zoo_batch_norm (graph, x, expand_bn, BN_MOMENTUM, BN_EPSILON);
      x = lsc_zoo_activation (graph, x, expand_activation, "swish");
    }

  if (strides == 2)
    x = lsc_zoo_correct_pad (graph, x, dwconv_pad, kernel_size);
  x = lsc_zoo_depthwise_conv2d (graph, x, dwconv, kernel_size, strides,
                                strides == 2 ? "valid" : "same", FALSE);
  x = lsc_zoo_batch_norm (graph, x, bn, BN_MOMENTUM, BN_EPSILON);
  x = lsc_zoo_activation (graph, x, activation, "swish");

  se = lsc_zoo_global_average_pooling2d (graph, x, se_squeeze, FALSE);
  se = lsc_zoo_reshape (graph, se, se_reshape, 3, se_shape);
  se = lsc_zoo_conv2d (graph, se, se_reduce, filters_se, 1, 1, "same", TRUE, "swish");
  se = lsc_zoo_conv2d (graph, se, se_expand, filters, 1, 1, "same", TRUE, "sigmoid");
  x = lsc_zoo_multiply (graph, x, se, se_excite);

  x = lsc_zoo_conv2d (graph, x, project_conv, filters_out, 1, 1, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, project_bn, BN_MOMENTUM, BN_EPSILON);
  if (strides == 1 && filters_in == filters_out)
    {
      if (drop_rate > 0)
        x = lsc_zoo_dropout (graph, x, drop, drop_rate, TRUE);
      x = lsc_zoo_add (graph, x, inputs, add);
    }
  return x;
}

LscZooGraph *
lsc_zoo_build_efficientnetb0 (int size)
{
  LscZooGraph *graph = lsc_zoo_graph_new ("efficientnetb0", FALSE);
  const int64_t input[] = { size, size, 3 };
  double total_blocks = 0;
  int b = 0;
  guint x;

  graph->init_style = LSC_ZOO_INIT_STYLE_EFFICIENTNET;
  /* Raw pixels in [0, 255]: the model rescales and normalizes them. */
  graph->input_mean_square = 255.0 * 255.0 / 3.0;

  x = lsc_zoo_input (graph, NULL, 3, input);
  x = lsc_zoo_rescaling (graph, x, NULL, 1.0 / 255.0, 0.0);
  x = lsc_zoo_normalization (graph, x, NULL, imagenet_mean, imagenet_variance, IMAGENET_COUNT);
  x = lsc_zoo_correct_pad (graph, x, "stem_conv_pad", 3);
  /* B0's width coefficient is 1.0, so round_filters keeps every width
   * (all multiples of 8) and round_repeats every repeat count. */
  x = lsc_zoo_conv2d (graph, x, "stem_conv", 32, 3, 2, "valid", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "stem_bn", BN_MOMENTUM, BN_EPSILON);
  x = lsc_zoo_activation (graph, x, "stem_activation", "swish");

  for (guint i = 0; i < G_N_ELEMENTS (block_args); i++)
    total_blocks += block_args[i].repeats;

  for (guint i = 0; i < G_N_ELEMENTS (block_args); i++)
    for (int j = 0; j < block_args[i].repeats; j++, b++)
      {
        g_autofree char *name = g_strdup_printf ("block%u%c_", i + 1, 'a' + j);
        /* The first block of a stage changes the width and strides. */
        int filters_in = j == 0 ? block_args[i].filters_in : block_args[i].filters_out;
        int strides = j == 0 ? block_args[i].strides : 1;

        /* Drop-connect grows linearly with the block index, as Python
         * computes it: drop_connect_rate * b / blocks. */
        x = mbconv_block (graph, x, DROP_CONNECT_RATE * b / total_blocks, name,
                          filters_in, block_args[i].filters_out, block_args[i].kernel_size,
                          strides, block_args[i].expand_ratio);
      }

  x = lsc_zoo_conv2d (graph, x, "top_conv", 1280, 1, 1, "same", FALSE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "top_bn", BN_MOMENTUM, BN_EPSILON);
  x = lsc_zoo_activation (graph, x, "top_activation", "swish");
  x = lsc_zoo_global_average_pooling2d (graph, x, "avg_pool", FALSE);
  x = lsc_zoo_dropout (graph, x, "top_dropout", DROPOUT_RATE, FALSE);
  lsc_zoo_dense (graph, x, "predictions", 1000, "softmax");
  return graph;
}
