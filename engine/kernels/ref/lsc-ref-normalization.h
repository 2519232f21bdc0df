#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Reference kernels of BatchNormalization, LayerNormalization,
 * Normalization and Rescaling. Tensors are row-major with `ndim` dims;
 * per-axis parameters are addressed through broadcast strides (see
 * lsc-ref-index.h: 0 on the axes a parameter does not span). */

/* Folds inference-mode batch normalization into y = x * scale + shift the
 * way tf.nn.batch_normalization does (float32):
 *   scale = gamma / sqrt (variance + epsilon),  shift = beta - mean * scale.
 * gamma and beta may be NULL (Keras scale=False / center=False). */
void lsc_ref_batch_norm_fold (int64_t      n,
                              const float *gamma,
                              const float *beta,
                              const float *mean,
                              const float *variance,
                              float        epsilon,
                              float       *scale,
                              float       *shift);

/* y = x * scale + shift with both broadcast over x (float32, the order
 * Keras uses for Rescaling and batch normalization). */
void lsc_ref_scale_shift     (const float   *x,
                              int            ndim,
                              const int64_t *dims,
                              const float   *scale,
                              const int64_t *scale_strides,
                              const float   *shift,
                              const int64_t *shift_strides,
                              float         *y);

/* Layer normalization over the axes flagged in `normalized`: per group,
 * mean and (biased) variance, then
 *   y = (x - mean) / sqrt (var + epsilon) * gamma + beta,
 * or with rms_scaling (Keras 3's option, which despite its name still uses
 * the mean-centred variance and no beta):
 *   y = x / sqrt (var + epsilon) * gamma.
 * gamma and beta span the normalized axes in increasing axis order (flat
 * index = row-major over those axes) and may be NULL. Statistics in double. */
void lsc_ref_layer_norm      (const float    *x,
                              int             ndim,
                              const int64_t  *dims,
                              const gboolean *normalized,
                              const float    *gamma,
                              const float    *beta,
                              double          epsilon,
                              gboolean        rms_scaling,
                              float          *y);

/* The Normalization preprocessing layer (float32, as Keras computes it):
 *   y = (x - mean) / max (sqrt (variance), 1e-7)
 * or with invert:
 *   y = mean + x * max (sqrt (variance), 1e-7).
 * mean and variance share param_strides. */
void lsc_ref_normalization   (const float   *x,
                              int            ndim,
                              const int64_t *dims,
                              const float   *mean,
                              const float   *variance,
                              const int64_t *param_strides,
                              gboolean       invert,
                              float         *y);

/* Keras's backend.epsilon (), the floor of the standard deviation in
 * Normalization. */
#define LSC_REF_KERAS_EPSILON 1e-7f

G_END_DECLS
