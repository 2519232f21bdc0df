#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Dense: y = activation (x · kernel + bias) on the last axis of an input of
 * any rank ≥ 2. Weights: kernel (in, units), then bias (units) when
 * use_bias. */
typedef struct
{
  int64_t       units;
  gboolean      use_bias;
  LscActivation activation;
} LscDenseParams;

/* Rejects a Keras 3 quantized layer (dtype policy int8/int4/float8, or a
 * quantization_config): its weights are not float32 arrays of the float
 * layer's shapes. Shared by Dense and Embedding. */
gboolean lsc_layer_reject_quantized (const LscLayer *layer,
                                     JsonObject     *config,
                                     GError        **error);

G_END_DECLS
