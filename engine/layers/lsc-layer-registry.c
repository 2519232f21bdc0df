#include "lsc-layer-registry.h"

/* Keras class name → ops. Older or alternative spellings of the same class
 * (Keras 1 names, tf.keras aliases) are listed as separate rows. */
static const struct {
  const char        *class_name;
  const LscLayerOps *ops;
} registry[] = {
  { "InputLayer", &lsc_layer_input_ops },
  { "SimpleRNN", &lsc_layer_simple_rnn_ops },
  { "LSTM", &lsc_layer_lstm_ops },
  { "GRU", &lsc_layer_gru_ops },
  { "CuDNNLSTM", &lsc_layer_cudnn_lstm_ops },
  { "CuDNNGRU", &lsc_layer_cudnn_gru_ops },
  { "Bidirectional", &lsc_layer_bidirectional_ops },
  { "TimeDistributed", &lsc_layer_time_distributed_ops },
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
