#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* Activation: any activation function by name (softmax over the last axis). */
typedef struct
{
  LscActivation activation;
} LscActivationLayerParams;

/* ReLU: Keras's relu (x, negative_slope, max_value, threshold); see
 * lsc_ref_relu for the exact order of operations. */
typedef struct
{
  gboolean has_max_value;   /* max_value: null → no upper clip */
  float    max_value;
  float    negative_slope;
  float    threshold;
} LscReluParams;

/* LeakyReLU: x > 0 ? x : negative_slope * x ("alpha" in Keras 1/2). */
typedef struct
{
  float negative_slope;
} LscLeakyReluParams;

/* PReLU: one weight alpha shaped like the input without the batch, with 1
 * on the shared axes (numbered with the batch as axis 0). */
typedef struct
{
  guint   n_shared_axes;
  int64_t shared_axes[LSC_MAX_DIMS];
} LscPreluParams;

/* ELU layer: x > 0 ? x : alpha * (exp (x) - 1). */
typedef struct
{
  float alpha;
} LscEluParams;

/* ThresholdedReLU (Keras 1/2): x > theta ? x : 0. */
typedef struct
{
  float theta;
} LscThresholdedReluParams;

/* Softmax over one axis or jointly over several. */
typedef struct
{
  guint   n_axes;
  int64_t axes[LSC_MAX_DIMS];   /* negative counts from the end */
} LscSoftmaxParams;

G_END_DECLS
