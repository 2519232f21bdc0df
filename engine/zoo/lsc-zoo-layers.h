#pragma once

#include "zoo/lsc-zoo-graph.h"

G_BEGIN_DECLS

/* One helper per Keras class the zoo uses. Each appends a layer called on
 * the given input layer(s), with the config keys tf.keras 2.15 writes for
 * that class, and returns the new layer's index. name NULL gives Keras's
 * automatic name ("dense", "dense_1", …). Square kernels, pools and strides
 * only: every zoo architecture uses them. */

/* dims: the shape without the batch. name NULL: "input_1" in a Functional,
 * "<first layer>_input" in a Sequential, as Keras names them. */
guint lsc_zoo_input                      (LscZooGraph   *graph,
                                          const char    *name,
                                          int            ndim,
                                          const int64_t *dims);
guint lsc_zoo_conv2d                     (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            filters,
                                          int            kernel,
                                          int            stride,
                                          const char    *padding,
                                          gboolean       use_bias,
                                          const char    *activation);
guint lsc_zoo_depthwise_conv2d           (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            kernel,
                                          int            stride,
                                          const char    *padding,
                                          gboolean       use_bias);
guint lsc_zoo_batch_norm                 (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          double         momentum,
                                          double         epsilon);
/* max_value < 0: no cap (null). */
guint lsc_zoo_relu                       (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          double         max_value);
guint lsc_zoo_activation                 (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          const char    *activation);
guint lsc_zoo_zero_padding2d             (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            top,
                                          int            bottom,
                                          int            left,
                                          int            right);
/* imagenet_utils.correct_pad for a stride-2 kernel on x: one pixel less
 * before than after when the size is even. */
guint lsc_zoo_correct_pad                (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            kernel);
guint lsc_zoo_max_pooling2d              (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            pool,
                                          int            stride,
                                          const char    *padding);
guint lsc_zoo_average_pooling2d          (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            pool,
                                          int            stride,
                                          const char    *padding);
guint lsc_zoo_global_average_pooling2d   (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          gboolean       keepdims);
guint lsc_zoo_dense                      (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            units,
                                          const char    *activation);
/* per_sample: noise_shape (None, 1, 1, 1), EfficientNet's drop-connect. */
guint lsc_zoo_dropout                    (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          double         rate,
                                          gboolean       per_sample);
guint lsc_zoo_flatten                    (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name);
/* target: the shape without the batch. */
guint lsc_zoo_reshape                    (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            ndim,
                                          const int64_t *target);
guint lsc_zoo_add                        (LscZooGraph   *graph,
                                          guint          a,
                                          guint          b,
                                          const char    *name);
guint lsc_zoo_multiply                   (LscZooGraph   *graph,
                                          guint          a,
                                          guint          b,
                                          const char    *name);
guint lsc_zoo_rescaling                  (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          double         scale,
                                          double         offset);
/* Normalization on the last axis with fixed statistics (mean, variance:
 * one per channel) stored as its mean / variance / count weights. */
guint lsc_zoo_normalization              (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          const double  *mean,
                                          const double  *variance,
                                          int64_t        count);
guint lsc_zoo_embedding                  (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            input_dim,
                                          int            output_dim);
/* return_sequences false. */
guint lsc_zoo_lstm                       (LscZooGraph   *graph,
                                          guint          x,
                                          const char    *name,
                                          int            units);

G_END_DECLS
