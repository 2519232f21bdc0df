/* The small classics: Keras's mnist_cnn example, LeNet-5 and an
 * Embedding → LSTM sentiment classifier, all Sequential models as their
 * Keras scripts build them. */

#include "zoo/lsc-zoo-layers.h"
#include "zoo/lsc-zoo-private.h"

/* keras/examples/mnist_cnn.py */
LscZooGraph *
lsc_zoo_build_mnist_cnn (void)
{
  LscZooGraph *graph = lsc_zoo_graph_new ("sequential", TRUE);
  const int64_t input[] = { 28, 28, 1 };
  guint x;

  x = lsc_zoo_input (graph, NULL, 3, input);
  x = lsc_zoo_conv2d (graph, x, NULL, 32, 3, 1, "valid", TRUE, "relu");
  x = lsc_zoo_conv2d (graph, x, NULL, 64, 3, 1, "valid", TRUE, "relu");
  x = lsc_zoo_max_pooling2d (graph, x, NULL, 2, 2, "valid");
  x = lsc_zoo_dropout (graph, x, NULL, 0.25, FALSE);
  x = lsc_zoo_flatten (graph, x, NULL);
  x = lsc_zoo_dense (graph, x, NULL, 128, "relu");
  x = lsc_zoo_dropout (graph, x, NULL, 0.5, FALSE);
  lsc_zoo_dense (graph, x, NULL, 10, "softmax");
  return graph;
}

/* LeCun et al. 1998 as Keras tutorials write it: tanh, average pooling,
 * 32×32 inputs (MNIST padded by 2). */
LscZooGraph *
lsc_zoo_build_lenet5 (void)
{
  LscZooGraph *graph = lsc_zoo_graph_new ("lenet5", TRUE);
  const int64_t input[] = { 32, 32, 1 };
  guint x;

  x = lsc_zoo_input (graph, NULL, 3, input);
  x = lsc_zoo_conv2d (graph, x, NULL, 6, 5, 1, "valid", TRUE, "tanh");
  x = lsc_zoo_average_pooling2d (graph, x, NULL, 2, 2, "valid");
  x = lsc_zoo_conv2d (graph, x, NULL, 16, 5, 1, "valid", TRUE, "tanh");
  x = lsc_zoo_average_pooling2d (graph, x, NULL, 2, 2, "valid");
  x = lsc_zoo_flatten (graph, x, NULL);
  x = lsc_zoo_dense (graph, x, NULL, 120, "tanh");
  x = lsc_zoo_dense (graph, x, NULL, 84, "tanh");
  lsc_zoo_dense (graph, x, NULL, 10, "softmax");
  return graph;
}

/* In the spirit of keras/examples/imdb_lstm.py: a 20,000-word vocabulary,
 * 128-wide embeddings, one LSTM, a sigmoid for the sentiment; sequences of
 * 80 token ids (given as floats, as Embedding inputs are). */
LscZooGraph *
lsc_zoo_build_text_lstm (void)
{
  LscZooGraph *graph = lsc_zoo_graph_new ("sequential", TRUE);
  const int64_t input[] = { 80 };
  guint x;

  x = lsc_zoo_input (graph, NULL, 1, input);
  x = lsc_zoo_embedding (graph, x, NULL, 20000, 128);
  x = lsc_zoo_lstm (graph, x, NULL, 128);
  lsc_zoo_dense (graph, x, NULL, 1, "sigmoid");
  return graph;
}
