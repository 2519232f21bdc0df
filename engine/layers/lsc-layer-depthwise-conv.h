#pragma once

#include "layers/lsc-layer-conv.h"

G_BEGIN_DECLS

/* DepthwiseConv1D, DepthwiseConv2D. Weights: depthwise kernel (kh, kw, in,
 * depth_multiplier) — (k, in, depth_multiplier) for rank 1 — then bias
 * (in × depth_multiplier) when use_bias. Output channel c × depth_multiplier
 * + m is input channel c convolved with kernel[…, c, m]. */
typedef struct
{
  LscConvOptions options;
  int64_t        depth_multiplier;
} LscDepthwiseConvParams;

G_END_DECLS
