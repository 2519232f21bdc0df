#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Every layer family's ops, defined in its lsc-layer-*.c file. */
extern const LscLayerOps lsc_layer_input_ops;
extern const LscLayerOps lsc_layer_identity_ops;
extern const LscLayerOps lsc_layer_simple_rnn_ops;
extern const LscLayerOps lsc_layer_lstm_ops;
extern const LscLayerOps lsc_layer_gru_ops;
extern const LscLayerOps lsc_layer_cudnn_lstm_ops;
extern const LscLayerOps lsc_layer_cudnn_gru_ops;
extern const LscLayerOps lsc_layer_bidirectional_ops;
extern const LscLayerOps lsc_layer_time_distributed_ops;

G_END_DECLS
