#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

/* BatchNormalization at inference (moving statistics):
 *   y = gamma * (x - moving_mean) / sqrt (moving_variance + epsilon) + beta.
 * Weights, in order: gamma (if scale), beta (if center), moving_mean,
 * moving_variance (Keras 2 renorm adds renorm_mean, renorm_stddev, unused
 * at inference). With one axis each has shape (C,); with several (Keras 2
 * only) each has the input's rank with 1 on the other axes. */
typedef struct
{
  guint    n_axes;
  int64_t  axes[LSC_MAX_DIMS];   /* as in the config; negative counts from the end */
  double   epsilon;
  gboolean center;
  gboolean scale;
  gboolean renorm;
} LscBatchNormParams;

/* LayerNormalization: statistics per sample over `axes`; gamma (if scale or
 * rms_scaling) then beta (if center and not rms_scaling), each shaped like
 * the normalized dims in the order of `axes`. */
typedef struct
{
  guint    n_axes;
  int64_t  axes[LSC_MAX_DIMS];
  double   epsilon;
  gboolean center;
  gboolean scale;
  gboolean rms_scaling;          /* Keras 3: y = x / sqrt (var + eps) * gamma */
} LscLayerNormParams;

/* Normalization (preprocessing): y = (x - mean) / max (sqrt (var), 1e-7),
 * or mean + x * max (sqrt (var), 1e-7) with invert. mean and variance span
 * the kept `axes` (none: one value for everything); they are the weights
 * mean, variance, count, or constants from the config. */
typedef struct
{
  guint      n_axes;
  int64_t    axes[LSC_MAX_DIMS];
  gboolean   invert;
  LscTensor *mean;               /* from the config, or NULL when they are weights */
  LscTensor *variance;
} LscNormalizationParams;

/* Rescaling: y = x * scale + offset; each a scalar or an array broadcast
 * against the input the numpy way (aligned on the last axes). */
typedef struct
{
  LscTensor *scale;
  LscTensor *offset;
} LscRescalingParams;

G_END_DECLS
