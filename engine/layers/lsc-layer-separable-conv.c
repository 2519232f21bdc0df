/* SeparableConv1D and SeparableConv2D: depthwise, then pointwise (1×1),
 * then bias, then activation. */

#include "lsc-layer-separable-conv.h"

#include "lsc-layer-registry.h"

static gboolean
separable_conv_parse (LscLayer             *layer,
                      JsonObject           *config,
                      const LscLoadContext *ctx,
                      int                   rank,
                      GError              **error)
{
  LscSeparableConvParams *params = g_new0 (LscSeparableConvParams, 1);

  layer->params = params;

  /* tf.keras writes "groups": 1 here too (SeparableConv inherits Conv). */
  if (!lsc_conv_options_parse (layer, config, ctx, rank, TRUE, &params->options, error) ||
      !lsc_conv_parse_filters (layer, config, &params->filters, error) ||
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
separable_conv1d_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return separable_conv_parse (layer, config, ctx, 1, error);
}

static gboolean
separable_conv2d_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  return separable_conv_parse (layer, config, ctx, 2, error);
}

static gboolean
separable_conv_infer (const LscLayer *layer,
                      const LscShape *inputs,
                      guint           n_inputs,
                      LscShape       *output,
                      GError        **error)
{
  const LscSeparableConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t in_spatial[2], out_spatial[2], channels, middle;
  LscShape depthwise_shape, pointwise_shape, bias_shape;

  if (!lsc_conv_input_dims (layer, options, &inputs[0], in_spatial, &channels, error) ||
      !lsc_conv_output_dims (layer, options, in_spatial, out_spatial, error))
    return FALSE;

  middle = channels * params->depth_multiplier;
  depthwise_shape = lsc_conv_kernel_shape (options, channels, params->depth_multiplier);
  if (options->rank == 2)
    pointwise_shape = lsc_shape_make (4, 1, 1, middle, params->filters);
  else
    pointwise_shape = lsc_shape_make (3, 1, middle, params->filters);
  bias_shape = lsc_shape_make (1, params->filters);

  if (!lsc_layer_check_n_weights (layer, options->use_bias ? 3 : 2, error) ||
      !lsc_layer_check_weight (layer, 0, &depthwise_shape, error) ||
      !lsc_layer_check_weight (layer, 1, &pointwise_shape, error) ||
      (options->use_bias && !lsc_layer_check_weight (layer, 2, &bias_shape, error)))
    return FALSE;

  *output = lsc_conv_make_shape (options, inputs[0].dims[0], out_spatial, params->filters);
  return TRUE;
}

static void
separable_conv_run (const LscLayer         *layer,
                    const LscTensor *const *inputs,
                    guint                   n_inputs,
                    LscTensor              *output)
{
  const LscSeparableConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  LscRefConvGeometry geom = lsc_conv_forward_geometry (options, &inputs[0]->shape, &output->shape);
  const float *bias = options->use_bias ? lsc_layer_get_weight (layer, 2)->data : NULL;

  lsc_ref_separable_conv2d (&geom, params->depth_multiplier, inputs[0]->data,
                            lsc_layer_get_weight (layer, 0)->data,
                            lsc_layer_get_weight (layer, 1)->data, bias, output->data);
  if (options->activation != LSC_ACTIVATION_LINEAR)
    lsc_activation_apply (options->activation, output->data, lsc_tensor_numel (output),
                          params->filters);
}

/* The depthwise step (kh × kw per intermediate value) plus the pointwise
 * step (in × depth_multiplier per output value). */
static int64_t
separable_conv_count_macs (const LscLayer *layer,
                           const LscShape *inputs,
                           guint           n_inputs,
                           const LscShape *output)
{
  const LscSeparableConvParams *params = layer->params;
  const LscConvOptions *options = &params->options;
  int64_t middle = inputs[0].dims[inputs[0].ndim - 1] * params->depth_multiplier;
  int64_t positions = lsc_conv_output_positions (options, output);

  return positions * middle * options->kernel_size[0] * options->kernel_size[1] +
         positions * middle * params->filters;
}

const LscLayerOps lsc_layer_separable_conv1d_ops = {
  .class_name = "SeparableConv1D",
  .kind = LSC_LAYER_KIND_SEPARABLE_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = separable_conv1d_parse,
  .infer = separable_conv_infer,
  .run = separable_conv_run,
  .count_macs = separable_conv_count_macs,
};

const LscLayerOps lsc_layer_separable_conv2d_ops = {
  .class_name = "SeparableConv2D",
  .kind = LSC_LAYER_KIND_SEPARABLE_CONV,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = separable_conv2d_parse,
  .infer = separable_conv_infer,
  .run = separable_conv_run,
  .count_macs = separable_conv_count_macs,
};
