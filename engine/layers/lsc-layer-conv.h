#pragma once

#include "kernels/ref/lsc-ref-conv.h"
#include "layers/lsc-layer-config.h"

G_BEGIN_DECLS

/* The options all convolution families share. Spatial values are always
 * stored two-dimensional as (height, width): a one-dimensional layer
 * (Conv1D, …) has rank 1 and height entries of 1 (kernel_size[0] =
 * strides[0] = dilation_rate[0] = 1), because it computes exactly the 2-D
 * convolution of a (batch, 1, steps, channels) image. */
typedef struct
{
  int            rank;              /* 1 or 2: the layer's number of spatial axes */
  int64_t        kernel_size[2];
  int64_t        strides[2];
  int64_t        dilation_rate[2];
  LscPadding     padding;           /* CAUSAL only for rank 1 */
  gboolean       use_bias;
  LscActivation  activation;        /* fused, applied after the bias */
  gboolean       keras1;            /* config written by Keras 1 (nb_filter, border_mode, …) */
} LscConvOptions;

/* Conv1D, Conv2D (and Keras 1's Convolution1D/2D, AtrousConvolution1D/2D).
 * Weights: kernel (kh, kw, in / groups, filters) — (k, in / groups, filters)
 * for rank 1 — then bias (filters) when use_bias. */
typedef struct
{
  LscConvOptions options;
  int64_t        filters;
  int64_t        groups;            /* divides the input channels and filters */
} LscConvParams;

/* Reads the shared options of a rank-1 or rank-2 convolution config,
 * accepting Keras 1 spellings (nb_row/nb_col/filter_length, subsample,
 * border_mode, atrous_rate, bias, dim_ordering). Rejects channels_first,
 * causal padding on rank 2 (and when allow_causal is FALSE), and values
 * below 1. */
gboolean  lsc_conv_options_parse     (const LscLayer        *layer,
                                      JsonObject            *config,
                                      const LscLoadContext  *ctx,
                                      int                    rank,
                                      gboolean               allow_causal,
                                      LscConvOptions        *options,
                                      GError               **error);

/* Reads "filters" (or Keras 1's "nb_filter"), which must be >= 1. */
gboolean  lsc_conv_parse_filters     (const LscLayer        *layer,
                                      JsonObject            *config,
                                      int64_t               *filters,
                                      GError               **error);

/* Reads "groups", which must be 1 or absent: for the families that carry
 * it in their tf.keras config without supporting other values. */
gboolean  lsc_conv_require_one_group (const LscLayer        *layer,
                                      JsonObject            *config,
                                      GError               **error);

/* For infer(): checks the input is (batch, [h,] w, channels) for the
 * options' rank with known channels, and gives its spatial size as
 * (h, w) (h = 1 for rank 1) and its channel count. */
gboolean  lsc_conv_input_dims        (const LscLayer        *layer,
                                      const LscConvOptions  *options,
                                      const LscShape        *input,
                                      int64_t                spatial[2],
                                      int64_t               *channels,
                                      GError               **error);

/* For infer() of forward convolutions: the output spatial size by Keras's
 * conv_output_length (LSC_DIM_UNKNOWN stays unknown); a size below 1 is
 * LSC_ENGINE_ERROR_BAD_SHAPE. */
gboolean  lsc_conv_output_dims       (const LscLayer        *layer,
                                      const LscConvOptions  *options,
                                      const int64_t          in_spatial[2],
                                      int64_t                out_spatial[2],
                                      GError               **error);

/* A (batch, [h,] w, channels) shape for the options' rank. */
LscShape  lsc_conv_make_shape        (const LscConvOptions  *options,
                                      int64_t                batch,
                                      const int64_t          spatial[2],
                                      int64_t                channels);

/* A kernel shape for the options' rank: (kh, kw, a, b), or (kw, a, b) for
 * rank 1. */
LscShape  lsc_conv_kernel_shape      (const LscConvOptions  *options,
                                      int64_t                a,
                                      int64_t                b);

/* The reference geometry of a forward convolution (Conv, Depthwise,
 * Separable) from known input and output shapes, with TF's padding. */
LscRefConvGeometry lsc_conv_forward_geometry (const LscConvOptions *options,
                                              const LscShape       *input,
                                              const LscShape       *output);

/* Batch × output pixels of a known output shape (the factor shared by
 * every family's MAC count). */
int64_t   lsc_conv_output_positions  (const LscConvOptions  *options,
                                      const LscShape        *output);

G_END_DECLS
