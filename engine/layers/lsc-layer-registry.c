#include "lsc-layer-registry.h"

/* Keras class name → ops. Older or alternative spellings of the same class
 * (Keras 1 names, tf.keras aliases) are listed as separate rows. */
static const struct {
  const char        *class_name;
  const LscLayerOps *ops;
} registry[] = {
  { "InputLayer", &lsc_layer_input_ops },
  { "MaxPooling1D", &lsc_layer_max_pooling1d_ops },
  { "MaxPool1D", &lsc_layer_max_pooling1d_ops },
  { "MaxPooling2D", &lsc_layer_max_pooling2d_ops },
  { "MaxPool2D", &lsc_layer_max_pooling2d_ops },
  { "AveragePooling1D", &lsc_layer_average_pooling1d_ops },
  { "AvgPool1D", &lsc_layer_average_pooling1d_ops },
  { "AveragePooling2D", &lsc_layer_average_pooling2d_ops },
  { "AvgPool2D", &lsc_layer_average_pooling2d_ops },
  { "GlobalMaxPooling1D", &lsc_layer_global_max_pooling1d_ops },
  { "GlobalMaxPool1D", &lsc_layer_global_max_pooling1d_ops },
  { "GlobalMaxPooling2D", &lsc_layer_global_max_pooling2d_ops },
  { "GlobalMaxPool2D", &lsc_layer_global_max_pooling2d_ops },
  { "GlobalAveragePooling1D", &lsc_layer_global_average_pooling1d_ops },
  { "GlobalAvgPool1D", &lsc_layer_global_average_pooling1d_ops },
  { "GlobalAveragePooling2D", &lsc_layer_global_average_pooling2d_ops },
  { "GlobalAvgPool2D", &lsc_layer_global_average_pooling2d_ops },
  { "ZeroPadding1D", &lsc_layer_zero_padding1d_ops },
  { "ZeroPadding2D", &lsc_layer_zero_padding2d_ops },
  { "Cropping1D", &lsc_layer_cropping1d_ops },
  { "Cropping2D", &lsc_layer_cropping2d_ops },
  { "UpSampling1D", &lsc_layer_upsampling1d_ops },
  { "UpSampling2D", &lsc_layer_upsampling2d_ops },
  { "Flatten", &lsc_layer_flatten_ops },
  { "Reshape", &lsc_layer_reshape_ops },
  { "Permute", &lsc_layer_permute_ops },
  { "Conv1D", &lsc_layer_conv1d_ops },
  { "Convolution1D", &lsc_layer_conv1d_ops },
  { "AtrousConvolution1D", &lsc_layer_conv1d_ops },
  { "Conv2D", &lsc_layer_conv2d_ops },
  { "Convolution2D", &lsc_layer_conv2d_ops },
  { "AtrousConvolution2D", &lsc_layer_conv2d_ops },
  { "Conv1DTranspose", &lsc_layer_conv1d_transpose_ops },
  { "Convolution1DTranspose", &lsc_layer_conv1d_transpose_ops },
  { "Conv2DTranspose", &lsc_layer_conv2d_transpose_ops },
  { "Convolution2DTranspose", &lsc_layer_conv2d_transpose_ops },
  { "Deconvolution2D", &lsc_layer_conv2d_transpose_ops },
  { "DepthwiseConv1D", &lsc_layer_depthwise_conv1d_ops },
  { "DepthwiseConv2D", &lsc_layer_depthwise_conv2d_ops },
  { "SeparableConv1D", &lsc_layer_separable_conv1d_ops },
  { "SeparableConvolution1D", &lsc_layer_separable_conv1d_ops },
  { "SeparableConv2D", &lsc_layer_separable_conv2d_ops },
  { "SeparableConvolution2D", &lsc_layer_separable_conv2d_ops },
  { "SimpleRNN", &lsc_layer_simple_rnn_ops },
  { "LSTM", &lsc_layer_lstm_ops },
  { "GRU", &lsc_layer_gru_ops },
  { "CuDNNLSTM", &lsc_layer_cudnn_lstm_ops },
  { "CuDNNGRU", &lsc_layer_cudnn_gru_ops },
  { "Bidirectional", &lsc_layer_bidirectional_ops },
  { "TimeDistributed", &lsc_layer_time_distributed_ops },
  { "Dense", &lsc_layer_dense_ops },
  { "BatchNormalization", &lsc_layer_batch_normalization_ops },
  { "BatchNormalizationV1", &lsc_layer_batch_normalization_ops },
  { "BatchNormalizationV2", &lsc_layer_batch_normalization_ops },
  { "SyncBatchNormalization", &lsc_layer_batch_normalization_ops },
  { "LayerNormalization", &lsc_layer_layer_normalization_ops },
  { "Normalization", &lsc_layer_normalization_ops },
  { "Rescaling", &lsc_layer_rescaling_ops },
  { "Activation", &lsc_layer_activation_ops },
  { "ReLU", &lsc_layer_relu_ops },
  { "LeakyReLU", &lsc_layer_leaky_relu_ops },
  { "PReLU", &lsc_layer_prelu_ops },
  { "ELU", &lsc_layer_elu_ops },
  { "ThresholdedReLU", &lsc_layer_thresholded_relu_ops },
  { "Softmax", &lsc_layer_softmax_ops },
  { "Add", &lsc_layer_add_ops },
  { "Subtract", &lsc_layer_subtract_ops },
  { "Multiply", &lsc_layer_multiply_ops },
  { "Average", &lsc_layer_average_ops },
  { "Maximum", &lsc_layer_maximum_ops },
  { "Minimum", &lsc_layer_minimum_ops },
  { "Concatenate", &lsc_layer_concatenate_ops },
  { "Embedding", &lsc_layer_embedding_ops },
};

/* Layers that only act during training: at inference they pass their input
 * through unchanged, exactly as Keras does with training=False. */
static const char *const training_only_classes[] = {
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "SpatialDropout3D",
  "GaussianDropout",
  "GaussianNoise",
  "AlphaDropout",
  "ActivityRegularization",
  "RandomFlip",
  "RandomRotation",
  "RandomZoom",
  "RandomTranslation",
  "RandomContrast",
  "RandomBrightness",
  "RandomHeight",
  "RandomWidth",
};

gboolean
lsc_layer_class_is_training_only (const char *class_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (training_only_classes); i++)
    if (g_str_equal (class_name, training_only_classes[i]))
      return TRUE;
  return FALSE;
}

const LscLayerOps *
lsc_layer_ops_lookup (const char *class_name)
{
  g_return_val_if_fail (class_name != NULL, NULL);

  if (lsc_layer_class_is_training_only (class_name))
    return &lsc_layer_identity_ops;

  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    if (g_str_equal (class_name, registry[i].class_name))
      return registry[i].ops;

  return NULL;
}
