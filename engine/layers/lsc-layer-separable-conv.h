#pragma once

#include "layers/lsc-layer-conv.h"

G_BEGIN_DECLS

/* SeparableConv1D, SeparableConv2D (and Keras 1's SeparableConvolution2D):
 * a depthwise convolution (with the strides, dilation and padding), then a
 * 1×1 convolution, then the bias, then the activation.
 * Weights: depthwise kernel (kh, kw, in, depth_multiplier), pointwise
 * kernel (1, 1, in × depth_multiplier, filters) — (k, in, dm) and (1, in ×
 * dm, filters) for rank 1 — then bias (filters) when use_bias. */
typedef struct
{
  LscConvOptions options;
  int64_t        depth_multiplier;
  int64_t        filters;
} LscSeparableConvParams;

G_END_DECLS
