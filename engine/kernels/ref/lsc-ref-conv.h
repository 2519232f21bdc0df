#pragma once

/* Plain reference convolutions on raw float32 arrays, NHWC, exactly as
 * TensorFlow computes them for Keras. They define the semantics the fast
 * kernels are tested against, so they are written as the textbook loops.
 *
 * One-dimensional layers use the same functions with in_h = out_h =
 * kernel_h = stride_h = dilation_h = 1 and pad_top = 0: a (batch, steps,
 * channels) tensor is a (batch, 1, steps, channels) image. */

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Sizes of one convolution; every field known and positive (pads >= 0). */
typedef struct
{
  int64_t batch;
  int64_t in_h, in_w, in_c;
  int64_t out_h, out_w, out_c;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  /* Forward convolutions: zero rows / columns added before the input (the
   * ones after follow from the output size). Transposed convolutions: rows /
   * columns cropped from the start of the full transposed result. */
  int64_t pad_top, pad_left;
} LscRefConvGeometry;

/* Grouped 2-D cross-correlation (TF's conv2d):
 *   out[n, y, x, o] = bias[o] + sum over ky, kx, c < in_c / groups of
 *     in[n, y * stride_h - pad_top + ky * dilation_h,
 *          x * stride_w - pad_left + kx * dilation_w,
 *          g * (in_c / groups) + c] * kernel[ky, kx, c, o]
 * with g = o / (out_c / groups) and out-of-range input pixels reading as 0.
 * kernel is (kernel_h, kernel_w, in_c / groups, out_c); bias (out_c) or NULL.
 * groups divides in_c and out_c. */
void lsc_ref_conv2d            (const LscRefConvGeometry *geom,
                                int64_t                   groups,
                                const float              *input,
                                const float              *kernel,
                                const float              *bias,
                                float                    *output);

/* Depthwise 2-D convolution (TF's depthwise_conv2d): every input channel c
 * is convolved with its own depth_multiplier filters, output channel
 * c * depth_multiplier + m.
 * kernel is (kernel_h, kernel_w, in_c, depth_multiplier); bias (out_c) or
 * NULL; out_c = in_c * depth_multiplier. */
void lsc_ref_depthwise_conv2d  (const LscRefConvGeometry *geom,
                                int64_t                   depth_multiplier,
                                const float              *input,
                                const float              *kernel,
                                const float              *bias,
                                float                    *output);

/* Separable 2-D convolution (TF's separable_conv2d): the depthwise step
 * (with the geometry's strides, dilation and padding, no bias) into a
 * temporary (batch, out_h, out_w, in_c * depth_multiplier) tensor, then a
 * 1x1 convolution with pointwise_kernel (1, 1, in_c * depth_multiplier,
 * out_c), then bias (out_c) or NULL. */
void lsc_ref_separable_conv2d  (const LscRefConvGeometry *geom,
                                int64_t                   depth_multiplier,
                                const float              *input,
                                const float              *depthwise_kernel,
                                const float              *pointwise_kernel,
                                const float              *bias,
                                float                    *output);

/* Transposed 2-D convolution (TF's conv2d_transpose, the gradient of
 * conv2d with respect to its input): every input pixel scatters
 *   out[n, y * stride_h - pad_top + ky * dilation_h,
 *          x * stride_w - pad_left + kx * dilation_w, o]
 *     += in[n, y, x, c] * kernel[ky, kx, o, c]
 * and contributions that land outside the out_h x out_w output are dropped;
 * then bias (out_c) or NULL is added everywhere.
 * kernel is (kernel_h, kernel_w, out_c, in_c): note the order. */
void lsc_ref_conv2d_transpose  (const LscRefConvGeometry *geom,
                                const float              *input,
                                const float              *kernel,
                                const float              *bias,
                                float                    *output);

G_END_DECLS
