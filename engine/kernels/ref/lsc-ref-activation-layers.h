#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Reference kernels of the activation layers (ReLU, LeakyReLU, PReLU, ELU,
 * ThresholdedReLU, Softmax). Elementwise ones work on n values; x and y may
 * be the same array. All float32 like Keras, except Softmax's sums. */

/* Keras's relu (x, negative_slope, max_value, threshold), step by step as
 * keras.activations.relu / tf.keras backend.relu compute it:
 *   positive = threshold != 0 ? (x > threshold ? x : 0) : max (x, 0)
 *   positive = has_max_value ? clip (positive, 0, max_value) : positive
 *   y = positive - negative_slope * max (threshold - x, 0)
 * (so x == threshold gives 0, and with a negative threshold and a
 * max_value the values in (threshold, 0) are clipped to 0). */
void lsc_ref_relu             (const float *x,
                               int64_t      n,
                               gboolean     has_max_value,
                               float        max_value,
                               float        negative_slope,
                               float        threshold,
                               float       *y);

/* y = x > 0 ? x : negative_slope * x (tf.nn.leaky_relu). */
void lsc_ref_leaky_relu       (const float *x,
                               int64_t      n,
                               float        negative_slope,
                               float       *y);

/* PReLU: y = max (x, 0) + (-alpha) * max (-x, 0), alpha broadcast over x
 * through alpha_strides (0 on the batch and the shared axes). */
void lsc_ref_prelu            (const float   *x,
                               int            ndim,
                               const int64_t *dims,
                               const float   *alpha,
                               const int64_t *alpha_strides,
                               float         *y);

/* ELU layer: y = x > 0 ? x : alpha * expm1 (x). */
void lsc_ref_elu              (const float *x,
                               int64_t      n,
                               float        alpha,
                               float       *y);

/* ThresholdedReLU (Keras 1/2): y = x > theta ? x : 0. */
void lsc_ref_thresholded_relu (const float *x,
                               int64_t      n,
                               float        theta,
                               float       *y);

/* Softmax jointly over the axes flagged in `axes`:
 * y = exp (x - max) / sum (exp (x - max)) per group, sums in double. */
void lsc_ref_softmax          (const float    *x,
                               int             ndim,
                               const int64_t  *dims,
                               const gboolean *axes,
                               float          *y);

G_END_DECLS
