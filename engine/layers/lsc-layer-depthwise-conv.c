/* DepthwiseConv1D and DepthwiseConv2D: every input channel convolved with
 * its own depth_multiplier filters. */

#include "lsc-layer-depthwise-conv.h"

#include "lsc-layer-registry.h"

static gboolean
depthwise_conv_parse (LscLayer             *layer,
                      JsonObject           *config,
                      const LscLoadContext *ctx,
                      int                   rank,
                      GError              **error)
{
  LscDepthwiseConvParams *params = g_new0 (LscDepthwiseConvParams, 1);

  layer->params = params;

  /* tf.keras writes "groups": 1 into DepthwiseConv2D configs (Teachable
   * Machine exports carry it); it means nothing here but any other value
   * would be a grouping we do not compute. */
  if (!lsc_conv_options_parse (layer, config, ctx, rank, TRUE, &params->options, error) ||
      !lsc_conv_require_one_group (layer, config, error) ||
      !lsc_config_get_int_or (layer, config, "depth_multiplier", 1, &params->depth_multiplier, error))
    return FALSE;

  if (params->depth_multiplier < 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "depth_multiplier must be at least 1, not %" G_GINT64_FORMAT,
                           (gint64) params->depth_multiplier);
      return FALSE;
    }
  return TRUE;
}

static gboolean
depthwise_conv1d_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return depthwise_conv_parse (layer, config, ctx, 1, error);
}

static gboolean
depthwise_conv2d_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return depthwise_conv_parse (layer, config, ctx, 2, error);
}

static gboolean
depthwise_conv_infer (const LscLayer *layer,
                      const LscShape *inputs,
                      guint           n_inputs,
                      LscShape       *output,
                      GError        **error)
{
  const LscDepthwiseConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_spatial[2], out_spatial[2], channels;
  LscShape kernel_shape, bias_shape;

  if (!lsc_conv_input_dims (layer, options, &inputs[0], in_spatial, &channels, error) ||
      !lsc_conv_output_dims (layer, options, in_spatial, out_spatial, error))
    return FALSE;

  kernel_shape = lsc_conv_kernel_shape (options, channels, params->depth_multiplier);
  bias_shape = lsc_shape_make (1, channels * params->depth_multiplier);
  if (!lsc_layer_check_n_weights (layer, options->use_bias ? 2 : 1, error) ||
      !lsc_layer_check_weight (layer, 0, &kernel_shape, error) ||
      (options->use_bias && !lsc_layer_check_weight (layer, 1, &bias_shape, error)))
    return FALSE;

  *output = lsc_conv_make_shape (options, inputs[0].dims[0], out_spatial,
                                 channels * params->depth_multiplier);
  return TRUE;
}

static void
depthwise_conv_run (const LscLayer         *layer,
                    const LscTensor *const *inputs,
                    guint                   n_inputs,
                    LscTensor              *output)
{
  const LscDepthwiseConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscRefConvGeometry geom = lsc_conv_forward_geometry (options, &inputs[0]->shape, &output->shape);
  const float *bias = options->use_bias ? lsc_layer_get_weight (layer, 1)->data : NULL;

  lsc_ref_depthwise_conv2d (&geom, params->depth_multiplier, inputs[0]->data,
                            lsc_layer_get_weight (layer, 0)->data, bias, output->data);
  if (options->activation != LSC_ACTIVATION_LINEAR)
    lsc_activation_apply (options->activation, output->data, lsc_tensor_numel (output),
                          geom.out_c);
}

/* Every output value is a dot product over kh × kw inputs of one channel. */
static int64_t
depthwise_conv_count_macs (const LscLayer *layer,
                           const LscShape *inputs,
                           guint           n_inputs,
                           const LscShape *output)
{
  const LscDepthwiseConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_c = inputs[0].dims[inputs[0].ndim - 1];

  return lsc_conv_output_positions (options, output) * in_c * params->depth_multiplier *
         options->kernel_size[0] * options->kernel_size[1];
}

const LscLayerOps lsc_layer_depthwise_conv1d_ops = {
  .class_name = "DepthwiseConv1D",
  .kind = LSC_LAYER_KIND_DEPTHWISE_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = depthwise_conv1d_parse,
  .infer = depthwise_conv_infer,
  .run = depthwise_conv_run,
  .count_macs = depthwise_conv_count_macs,
};

const LscLayerOps lsc_layer_depthwise_conv2d_ops = {
  .class_name = "DepthwiseConv2D",
  .kind = LSC_LAYER_KIND_DEPTHWISE_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = depthwise_conv2d_parse,
  .infer = depthwise_conv_infer,
  .run = depthwise_conv_run,
  .count_macs = depthwise_conv_count_macs,
};
