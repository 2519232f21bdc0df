/* Conv1DTranspose and Conv2DTranspose: Keras picks the output size with
 * deconv_output_length, then TF's conv2d_transpose computes the gradient of
 * a conv2d that would map that output back to the input. */

#include "lsc-layer-conv-transpose.h"

#include "lsc-layer-registry.h"

/* Keras 2's conv_utils.deconv_output_length and Keras 3's
 * _get_output_shape_given_tf_padding, with the dilated kernel size
 * eff = (kernel - 1) * dilation + 1:
 *   no output_padding:  valid: input * stride + max (eff - stride, 0)
 *                       same:  input * stride
 *   output_padding op:  length = (input - 1) * stride + eff - 2 * pad + op
 *                       with pad = 0 (valid) or eff / 2 (same), so
 *                       valid: (input - 1) * stride + eff + op
 *                       same:  (input - 1) * stride + eff % 2 + op */
int64_t
lsc_conv_transpose_output_length (int64_t    input,
                                  int64_t    kernel,
                                  int64_t    stride,
                                  int64_t    dilation,
                                  LscPadding padding,
                                  int64_t    output_padding)
{
  int64_t eff = (kernel - 1) * dilation + 1;

  if (input < 0)
    return LSC_DIM_UNKNOWN;

  if (output_padding < 0)
    {
      if (padding == LSC_PADDING_SAME)
        return input * stride;
      return input * stride + MAX (eff - stride, 0);
    }

  if (padding == LSC_PADDING_SAME)
    return (input - 1) * stride + eff % 2 + output_padding;
  return (input - 1) * stride + eff + output_padding;
}

/* TF's conv2d_transpose (conv2d_backprop_input) is the transpose of the
 * conv2d that takes an `output`-long signal to an `input`-long one, so it
 * crops exactly the padding that conv2d would add before:
 *   VALID: 0.
 *   SAME:  total = max (0, (ceil (output / stride) - 1) * stride + eff - output)
 *          and floor (total / 2) before. TF requires
 *          ceil (output / stride) == input (checked in infer), hence
 *          crop = max (0, (input - 1) * stride + eff - output) / 2.
 * Example: input 3, kernel 3, stride 2, same, no output_padding: output 6,
 * the full result has (3 - 1) * 2 + 3 = 7 steps, total = 1, crop 0 before
 * and 1 after. */
int64_t
lsc_conv_transpose_crop_before (int64_t    input,
                                int64_t    output,
                                int64_t    kernel,
                                int64_t    stride,
                                int64_t    dilation,
                                LscPadding padding)
{
  int64_t eff = (kernel - 1) * dilation + 1;

  if (padding != LSC_PADDING_SAME)
    return 0;
  return MAX (0, (input - 1) * stride + eff - output) / 2;
}

static gboolean
parse_output_padding (LscLayer               *layer,
                      JsonObject             *config,
                      LscConvTransposeParams *params,
                      GError                **error)
{
  const LscConvOptions *options = &params->options;
  int64_t values[2] = { 0, 0 };

  params->output_padding[0] = params->output_padding[1] = 0;
  params->has_output_padding = lsc_config_has (config, "output_padding");
  if (!params->has_output_padding)
    return TRUE;

  if (!lsc_config_get_ints (layer, config, "output_padding", (guint) options->rank, values, error))
    return FALSE;
  params->output_padding[0] = options->rank == 2 ? values[0] : 0;
  params->output_padding[1] = options->rank == 2 ? values[1] : values[0];

  /* Keras refuses these too; TF could not compute them. */
  for (int i = 0; i < 2; i++)
    if (params->output_padding[i] >= options->strides[i])
      {
        lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                             "output_padding %" G_GINT64_FORMAT " must be smaller than the stride %"
                             G_GINT64_FORMAT, (gint64) params->output_padding[i],
                             (gint64) options->strides[i]);
        return FALSE;
      }
  return TRUE;
}

/* Keras 1's Deconvolution2D: "output_shape" (batch, rows, cols, filters). */
static gboolean
parse_keras1_output_shape (LscLayer               *layer,
                           JsonObject             *config,
                           LscConvTransposeParams *params,
                           GError                **error)
{
  int64_t dims[LSC_MAX_DIMS];
  guint n = 0;

  if (!lsc_config_has (config, "output_shape"))
    return TRUE;
  if (!lsc_config_get_int_list (layer, config, "output_shape", dims, LSC_MAX_DIMS, &n, error))
    return FALSE;
  if (n != 4)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“output_shape” has %u entries, 4 expected", n);
      return FALSE;
    }
  params->fixed_output[0] = dims[1] > 0 ? dims[1] : LSC_DIM_UNKNOWN;
  params->fixed_output[1] = dims[2] > 0 ? dims[2] : LSC_DIM_UNKNOWN;
  return TRUE;
}

static gboolean
conv_transpose_parse (LscLayer             *layer,
                      JsonObject           *config,
                      const LscLoadContext *ctx,
                      int                   rank,
                      GError              **error)
{
  LscConvTransposeParams *params = g_new0 (LscConvTransposeParams, 1);

  layer->params = params;
  params->fixed_output[0] = params->fixed_output[1] = LSC_DIM_UNKNOWN;

  if (!lsc_conv_options_parse (layer, config, ctx, rank, FALSE, &params->options, error) ||
      !lsc_conv_parse_filters (layer, config, &params->filters, error) ||
      !lsc_conv_require_one_group (layer, config, error) ||
      !parse_output_padding (layer, config, params, error))
    return FALSE;

  if (params->options.keras1 && rank == 2 &&
      !parse_keras1_output_shape (layer, config, params, error))
    return FALSE;
  return TRUE;
}

static gboolean
conv1d_transpose_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return conv_transpose_parse (layer, config, ctx, 1, error);
}

static gboolean
conv2d_transpose_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return conv_transpose_parse (layer, config, ctx, 2, error);
}

/* Keras 1 stored the Deconvolution2D kernel as (kh, kw, in, filters) and
 * transposed it when calling TF; Keras 2's loader swaps the last two axes
 * (preprocess_weights_for_loading) and so do we. */
static gboolean
conv_transpose_attach_weights (LscLayer *layer,
                               GError  **error)
{
  const LscConvTransposeParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscTensor *kernel, *converted;
  LscShape shape;
  int64_t taps, in, out;

  if (!options->keras1 || layer->weights->len == 0)
    return TRUE;

  kernel = g_ptr_array_index (layer->weights, 0);
  if (kernel->shape.ndim != 4 || kernel->shape.dims[0] != options->kernel_size[0] ||
      kernel->shape.dims[1] != options->kernel_size[1])
    return TRUE;   /* infer reports a mismatch */

  taps = kernel->shape.dims[0] * kernel->shape.dims[1];
  in = kernel->shape.dims[2];
  out = kernel->shape.dims[3];
  shape = lsc_shape_make (4, kernel->shape.dims[0], kernel->shape.dims[1], out, in);
  converted = lsc_tensor_new (&shape);
  for (int64_t t = 0; t < taps; t++)
    for (int64_t c = 0; c < in; c++)
      for (int64_t o = 0; o < out; o++)
        converted->data[(t * out + o) * in + c] = kernel->data[(t * in + c) * out + o];

  lsc_tensor_free (kernel);
  g_ptr_array_index (layer->weights, 0) = converted;
  return TRUE;
}

static gboolean
conv_transpose_infer (const LscLayer *layer,
                      const LscShape *inputs,
                      guint           n_inputs,
                      LscShape       *output,
                      GError        **error)
{
  const LscConvTransposeParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_spatial[2], out_spatial[2], channels;
  LscShape kernel_shape, bias_shape;

  if (!lsc_conv_input_dims (layer, options, &inputs[0], in_spatial, &channels, error))
    return FALSE;

  for (int i = 0; i < 2; i++)
    {
      if (params->fixed_output[i] > 0)
        out_spatial[i] = params->fixed_output[i];
      else
        out_spatial[i] = lsc_conv_transpose_output_length (in_spatial[i], options->kernel_size[i],
                                                           options->strides[i],
                                                           options->dilation_rate[i],
                                                           options->padding,
                                                           params->has_output_padding
                                                           ? params->output_padding[i] : -1);

      /* TF's conv2d_transpose only accepts sizes whose forward conv2d maps
       * the output back onto the input (see crop_before). */
      if (in_spatial[i] >= 0 && out_spatial[i] >= 0 &&
          (out_spatial[i] < 1 ||
           lsc_conv_output_length (out_spatial[i], options->kernel_size[i], options->strides[i],
                                   options->dilation_rate[i], options->padding) != in_spatial[i]))
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "cannot produce %" G_GINT64_FORMAT " steps from %" G_GINT64_FORMAT
                               " with a transposed convolution of kernel %" G_GINT64_FORMAT
                               ", stride %" G_GINT64_FORMAT ", dilation %" G_GINT64_FORMAT
                               " (TensorFlow refuses this size too)",
                               (gint64) out_spatial[i], (gint64) in_spatial[i],
                               (gint64) options->kernel_size[i], (gint64) options->strides[i],
                               (gint64) options->dilation_rate[i]);
          return FALSE;
        }
    }

  kernel_shape = lsc_conv_kernel_shape (options, params->filters, channels);
  bias_shape = lsc_shape_make (1, params->filters);
  if (!lsc_layer_check_n_weights (layer, options->use_bias ? 2 : 1, error) ||
      !lsc_layer_check_weight (layer, 0, &kernel_shape, error) ||
      (options->use_bias && !lsc_layer_check_weight (layer, 1, &bias_shape, error)))
    return FALSE;

  *output = lsc_conv_make_shape (options, inputs[0].dims[0], out_spatial, params->filters);
  return TRUE;
}

static LscRefConvGeometry
transpose_geometry (const LscConvOptions *options,
                    const LscShape       *input,
                    const LscShape       *output)
{
  /* Same sizes as the forward conv; only the padding differs. */
  LscRefConvGeometry geom = lsc_conv_forward_geometry (options, input, output);

  geom.pad_top = lsc_conv_transpose_crop_before (geom.in_h, geom.out_h, geom.kernel_h,
                                                 geom.stride_h, geom.dilation_h, options->padding);
  geom.pad_left = lsc_conv_transpose_crop_before (geom.in_w, geom.out_w, geom.kernel_w,
                                                  geom.stride_w, geom.dilation_w, options->padding);
  return geom;
}

static void
conv_transpose_run (const LscLayer         *layer,
                    const LscTensor *const *inputs,
                    guint                   n_inputs,
                    LscTensor              *output)
{
  const LscConvTransposeParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscRefConvGeometry geom = transpose_geometry (options, &inputs[0]->shape, &output->shape);
  const float *bias = options->use_bias ? lsc_layer_get_weight (layer, 1)->data : NULL;

  lsc_ref_conv2d_transpose (&geom, inputs[0]->data, lsc_layer_get_weight (layer, 0)->data,
                            bias, output->data);
  if (options->activation != LSC_ACTIVATION_LINEAR)
    lsc_activation_apply (options->activation, output->data, lsc_tensor_numel (output),
                          params->filters);
}

/* Every input value is multiplied by kh × kw × filters kernel values,
 * including the products that land in the cropped border (Keras's
 * figures count them: in_h × in_w × in × kh × kw × filters). */
static int64_t
conv_transpose_count_macs (const LscLayer *layer,
                           const LscShape *inputs,
                           guint           n_inputs,
                           const LscShape *output)
{
  const LscConvTransposeParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  const LscShape *input = &inputs[0];
  int64_t positions = MAX (input->dims[0], 1) * input->dims[1];

  if (options->rank == 2)
    positions *= input->dims[2];
  return positions * input->dims[input->ndim - 1] * options->kernel_size[0] *
         options->kernel_size[1] * params->filters;
}

const LscLayerOps lsc_layer_conv1d_transpose_ops = {
  .class_name = "Conv1DTranspose",
  .kind = LSC_LAYER_KIND_CONV_TRANSPOSE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = conv1d_transpose_parse,
  .attach_weights = conv_transpose_attach_weights,
  .infer = conv_transpose_infer,
  .run = conv_transpose_run,
  .count_macs = conv_transpose_count_macs,
};

const LscLayerOps lsc_layer_conv2d_transpose_ops = {
  .class_name = "Conv2DTranspose",
  .kind = LSC_LAYER_KIND_CONV_TRANSPOSE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = conv2d_transpose_parse,
  .attach_weights = conv_transpose_attach_weights,
  .infer = conv_transpose_infer,
  .run = conv_transpose_run,
  .count_macs = conv_transpose_count_macs,
};
