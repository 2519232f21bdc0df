#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Upsampling of the two spatial axes of a (batch, in_h, in_w, channels)
 * tensor, channels last. 1-D layers use in_h = 1 and factor_h = 1. */

/* Repeats every cell factor_h times down and factor_w times across (Keras's
 * "nearest"): output (batch, in_h * factor_h, in_w * factor_w, channels). */
void lsc_ref_upsample_nearest_2d (const float *input,
                                  int64_t      batch,
                                  int64_t      in_h,
                                  int64_t      in_w,
                                  int64_t      channels,
                                  int64_t      factor_h,
                                  int64_t      factor_w,
                                  float       *output);

/* TensorFlow's ResizeBilinear (align_corners = false) to (batch, out_h,
 * out_w, channels). With half_pixel_centers (tf.image.resize in TF 2, what
 * UpSampling2D(interpolation="bilinear") computes) output cell i samples the
 * input at (i + 0.5) * in / out - 0.5; without it (TF 1's legacy
 * resize_bilinear) at i * in / out. */
void lsc_ref_resize_bilinear     (const float *input,
                                  int64_t      batch,
                                  int64_t      in_h,
                                  int64_t      in_w,
                                  int64_t      channels,
                                  int64_t      out_h,
                                  int64_t      out_w,
                                  gboolean     half_pixel_centers,
                                  float       *output);

G_END_DECLS
