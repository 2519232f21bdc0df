/* VGG16 as keras.applications.vgg16 (tf.keras 2.15) builds it. */

#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-private.h"

LscZooGraph *
lsc_zoo_build_vgg16 (int size)
{
  static const struct { int filters, convs; } blocks[] = {
    { 64, 2 }, { 128, 2 }, { 256, 3 }, { 512, 3 }, { 512, 3 },
  };
  LscZooGraph *graph = lsc_zoo_graph_new ("vgg16", FALSE);
  const int64_t input[] = { size, size, 3 };
  guint x;

  /* vgg16.preprocess_input ("caffe"): BGR pixels minus the ImageNet mean. */
  graph->input_mean_square = 64.0 * 64.0;
  x = lsc_zoo_input (graph, NULL, 3, input);
  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autofree char *pool = g_strdup_printf ("block%u_pool", b + 1);

      for (int c = 1; c <= blocks[b].convs; c++)
        {
          g_autofree char *conv = g_strdup_printf ("block%u_conv%d", b + 1, c);

          x = lsc_zoo_conv2d (graph, x, conv, blocks[b].filters, 3, 1, "same", TRUE, "relu");
        }
      x = lsc_zoo_max_pooling2d (graph, x, pool, 2, 2, "valid");
    }

  x = lsc_zoo_flatten (graph, x, "flatten");
  x = lsc_zoo_dense (graph, x, "fc1", 4096, "relu");
  x = lsc_zoo_dense (graph, x, "fc2", 4096, "relu");
  lsc_zoo_dense (graph, x, "predictions", 1000, "softmax");
  return graph;
}
