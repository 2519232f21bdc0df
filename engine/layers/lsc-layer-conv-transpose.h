#pragma once

#include "layers/lsc-layer-conv.h"

G_BEGIN_DECLS

/* Conv1DTranspose, Conv2DTranspose (and Keras 1's Deconvolution2D).
 * Weights: kernel (kh, kw, filters, in) — (k, filters, in) for rank 1; note
 * the output channels come before the input channels — then bias (filters)
 * when use_bias. */
typedef struct
{
  LscConvOptions options;            /* padding is VALID or SAME */
  int64_t        filters;
  gboolean       has_output_padding;
  int64_t        output_padding[2];  /* (h, w); the h entry is 0 for rank 1 */
  /* Keras 1's Deconvolution2D fixes the output size in its config
   * ("output_shape"); LSC_DIM_UNKNOWN everywhere else. */
  int64_t        fixed_output[2];
} LscConvTransposeParams;

/* Output length of one spatial axis, as Keras computes it
 * (conv_utils.deconv_output_length in Keras 2, the same formula in Keras 3);
 * output_padding < 0 means none (null in the config). */
int64_t  lsc_conv_transpose_output_length (int64_t     input,
                                           int64_t     kernel,
                                           int64_t     stride,
                                           int64_t     dilation,
                                           LscPadding  padding,
                                           int64_t     output_padding);

/* How many rows / columns TF's conv2d_transpose crops from the start of the
 * full transposed result to produce an output of `output` steps. */
int64_t  lsc_conv_transpose_crop_before   (int64_t     input,
                                           int64_t     output,
                                           int64_t     kernel,
                                           int64_t     stride,
                                           int64_t     dilation,
                                           LscPadding  padding);

G_END_DECLS
