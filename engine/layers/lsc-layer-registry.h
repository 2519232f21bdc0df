#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Every layer family's ops, defined in its lsc-layer-*.c file. */
extern const LscLayerOps lsc_layer_input_ops;
extern const LscLayerOps lsc_layer_identity_ops;
extern const LscLayerOps lsc_layer_max_pooling1d_ops;
extern const LscLayerOps lsc_layer_max_pooling2d_ops;
extern const LscLayerOps lsc_layer_average_pooling1d_ops;
extern const LscLayerOps lsc_layer_average_pooling2d_ops;
extern const LscLayerOps lsc_layer_global_max_pooling1d_ops;
extern const LscLayerOps lsc_layer_global_max_pooling2d_ops;
extern const LscLayerOps lsc_layer_global_average_pooling1d_ops;
extern const LscLayerOps lsc_layer_global_average_pooling2d_ops;
extern const LscLayerOps lsc_layer_zero_padding1d_ops;
extern const LscLayerOps lsc_layer_zero_padding2d_ops;
extern const LscLayerOps lsc_layer_cropping1d_ops;
extern const LscLayerOps lsc_layer_cropping2d_ops;
extern const LscLayerOps lsc_layer_upsampling1d_ops;
extern const LscLayerOps lsc_layer_upsampling2d_ops;
extern const LscLayerOps lsc_layer_flatten_ops;
extern const LscLayerOps lsc_layer_reshape_ops;
extern const LscLayerOps lsc_layer_permute_ops;
extern const LscLayerOps lsc_layer_conv1d_ops;
extern const LscLayerOps lsc_layer_conv2d_ops;
extern const LscLayerOps lsc_layer_conv1d_transpose_ops;
extern const LscLayerOps lsc_layer_conv2d_transpose_ops;
extern const LscLayerOps lsc_layer_depthwise_conv1d_ops;
extern const LscLayerOps lsc_layer_depthwise_conv2d_ops;
extern const LscLayerOps lsc_layer_separable_conv1d_ops;
extern const LscLayerOps lsc_layer_separable_conv2d_ops;
extern const LscLayerOps lsc_layer_simple_rnn_ops;
extern const LscLayerOps lsc_layer_lstm_ops;
extern const LscLayerOps lsc_layer_gru_ops;
extern const LscLayerOps lsc_layer_cudnn_lstm_ops;
extern const LscLayerOps lsc_layer_cudnn_gru_ops;
extern const LscLayerOps lsc_layer_bidirectional_ops;
extern const LscLayerOps lsc_layer_time_distributed_ops;
extern const LscLayerOps lsc_layer_dense_ops;
extern const LscLayerOps lsc_layer_batch_normalization_ops;
extern const LscLayerOps lsc_layer_layer_normalization_ops;
extern const LscLayerOps lsc_layer_normalization_ops;
extern const LscLayerOps lsc_layer_rescaling_ops;
extern const LscLayerOps lsc_layer_activation_ops;
extern const LscLayerOps lsc_layer_relu_ops;
extern const LscLayerOps lsc_layer_leaky_relu_ops;
extern const LscLayerOps lsc_layer_prelu_ops;
extern const LscLayerOps lsc_layer_elu_ops;
extern const LscLayerOps lsc_layer_thresholded_relu_ops;
extern const LscLayerOps lsc_layer_softmax_ops;
extern const LscLayerOps lsc_layer_add_ops;
extern const LscLayerOps lsc_layer_subtract_ops;
extern const LscLayerOps lsc_layer_multiply_ops;
extern const LscLayerOps lsc_layer_average_ops;
extern const LscLayerOps lsc_layer_maximum_ops;
extern const LscLayerOps lsc_layer_minimum_ops;
extern const LscLayerOps lsc_layer_concatenate_ops;
extern const LscLayerOps lsc_layer_embedding_ops;

G_END_DECLS
