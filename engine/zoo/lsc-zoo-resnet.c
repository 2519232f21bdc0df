/* ResNet50 as keras.applications.resnet (tf.keras 2.15) builds it. Unlike
 * torchvision's, Keras's bottleneck strides in its first 1×1 convolution
 * (block1's "_1_conv"), which changes the multiply-accumulates. */

#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-private.h"

#define BN_EPSILON 1.001e-5
#define BN_MOMENTUM 0.99

static guint
conv_bn (LscZooGraph *graph,
         guint        x,
         const char  *prefix,
         const char  *part,
         int          filters,
         int          kernel,
         int          stride,
         const char  *padding)
{
  g_autofree char *conv = g_strdup_printf ("%s_%s_conv", prefix, part);
  g_autofree char *bn = g_strdup_printf ("%s_%s_bn", prefix, part);

  x = lsc_zoo_conv2d (graph, x, conv, filters, kernel, stride, padding, TRUE, "linear");
  return lsc_zoo_batch_norm (graph, x, bn, BN_MOMENTUM, BN_EPSILON);
}

static guint
relu (LscZooGraph *graph,
      guint        x,
      const char  *prefix,
      const char  *suffix)
{
  g_autofree char *name = g_strdup_printf ("%s_%s", prefix, suffix);

  return lsc_zoo_activation (graph, x, name, "relu");
}

/* resnet.block1 */
static guint
block1 (LscZooGraph *graph,
        guint        x,
        int          filters,
        int          stride,
        gboolean     conv_shortcut,
        const char  *name)
{
  g_autofree char *add = g_strdup_printf ("%s_add", name);
  guint shortcut = x;

  if (conv_shortcut)
    shortcut = conv_bn (graph, x, name, "0", 4 * filters, 1, stride, "valid");

  x = conv_bn (graph, x, name, "1", filters, 1, stride, "valid");
  x = relu (graph, x, name, "1_relu");
  x = conv_bn (graph, x, name, "2", filters, 3, 1, "same");
  x = relu (graph, x, name, "2_relu");
  x = conv_bn (graph, x, name, "3", 4 * filters, 1, 1, "valid");

  x = lsc_zoo_add (graph, shortcut, x, add);
  return relu (graph, x, name, "out");
}

/* resnet.stack1 */
static guint
stack1 (LscZooGraph *graph,
        guint        x,
        int          filters,
        int          blocks,
        int          stride1,
        const char  *name)
{
  for (int i = 1; i <= blocks; i++)
    {
      g_autofree char *block_name = g_strdup_printf ("%s_block%d", name, i);

      x = block1 (graph, x, filters, i == 1 ? stride1 : 1, i == 1, block_name);
    }
  return x;
}

LscZooGraph *
lsc_zoo_build_resnet50 (int size)
{
  LscZooGraph *graph = lsc_zoo_graph_new ("resnet50", FALSE);
  const int64_t input[] = { size, size, 3 };
  guint x;

  /* resnet.preprocess_input ("caffe"): BGR pixels minus the ImageNet mean,
   * with a spread of about 64. */
  graph->input_mean_square = 64.0 * 64.0;
  x = lsc_zoo_input (graph, NULL, 3, input);
  x = lsc_zoo_zero_padding2d (graph, x, "conv1_pad", 3, 3, 3, 3);
  x = lsc_zoo_conv2d (graph, x, "conv1_conv", 64, 7, 2, "valid", TRUE, "linear");
  x = lsc_zoo_batch_norm (graph, x, "conv1_bn", BN_MOMENTUM, BN_EPSILON);
  x = lsc_zoo_activation (graph, x, "conv1_relu", "relu");
  x = lsc_zoo_zero_padding2d (graph, x, "pool1_pad", 1, 1, 1, 1);
  x = lsc_zoo_max_pooling2d (graph, x, "pool1_pool", 3, 2, "valid");

  x = stack1 (graph, x, 64, 3, 1, "conv2");
  x = stack1 (graph, x, 128, 4, 2, "conv3");
  x = stack1 (graph, x, 256, 6, 2, "conv4");
  x = stack1 (graph, x, 512, 3, 2, "conv5");

  x = lsc_zoo_global_average_pooling2d (graph, x, "avg_pool", FALSE);
  lsc_zoo_dense (graph, x, "predictions", 1000, "softmax");
  return graph;
}
