/* Activation, ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU and Softmax. */

#include "lsc-layer-activation-layers.h"

#include <string.h>

#include "kernels/ref/lsc-ref-activation-layers.h"
#include "kernels/ref/lsc-ref-index.h"
#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

/* Reads a number that Keras casts to float32 before use. */
static gboolean
get_float_or (const LscLayer *layer,
              JsonObject     *config,
              const char     *key,
              double          fallback,
              float          *out,
              GError        **error)
{
  double value;

  if (!lsc_config_get_double_or (layer, config, key, fallback, &value, error))
    return FALSE;
  *out = (float) value;
  return TRUE;
}

/* ---- Activation -------------------------------------------------------- */

static gboolean
activation_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  LscActivationLayerParams *params = g_new0 (LscActivationLayerParams, 1);

  layer->params = params;
  return lsc_config_get_activation (layer, config, "activation", ctx, &params->activation, error);
}

static void
activation_run (const LscLayer         *layer,
                const LscTensor *const *inputs,
                guint                   n_inputs,
                LscTensor              *output)
{
  const LscActivationLayerParams *params = layer->params;
  const LscShape *shape = &output->shape;
  int64_t last = shape->ndim > 0 ? shape->dims[shape->ndim - 1] : 1;
  int64_t n = lsc_tensor_numel (output);

  memcpy (output->data, inputs[0]->data, (size_t) n * sizeof (float));
  if (n > 0)
    lsc_activation_apply (params->activation, output->data, n, last);
}

const LscLayerOps lsc_layer_activation_ops = {
  .class_name = "Activation",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = activation_parse,
  .infer = lsc_layer_infer_same_shape,
  .run = activation_run,
};

/* ---- ReLU -------------------------------------------------------------- */

static gboolean
relu_parse (LscLayer             *layer,
            JsonObject           *config,
            const LscLoadContext *ctx,
            GError              **error)
{
  LscReluParams *params = g_new0 (LscReluParams, 1);

  layer->params = params;

  params->has_max_value = lsc_config_has (config, "max_value");
  if (!get_float_or (layer, config, "max_value", 0.0, &params->max_value, error) ||
      !get_float_or (layer, config, "negative_slope", 0.0, &params->negative_slope, error) ||
      !get_float_or (layer, config, "threshold", 0.0, &params->threshold, error))
    return FALSE;
  return TRUE;
}

static void
relu_run (const LscLayer         *layer,
          const LscTensor *const *inputs,
          guint                   n_inputs,
          LscTensor              *output)
{
  const LscReluParams *params = layer->params;

  lsc_ref_relu (inputs[0]->data, lsc_tensor_numel (output), params->has_max_value,
                params->max_value, params->negative_slope, params->threshold, output->data);
}

const LscLayerOps lsc_layer_relu_ops = {
  .class_name = "ReLU",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = relu_parse,
  .infer = lsc_layer_infer_same_shape,
  .run = relu_run,
};

/* ---- LeakyReLU --------------------------------------------------------- */

static gboolean
leaky_relu_parse (LscLayer             *layer,
                  JsonObject           *config,
                  const LscLoadContext *ctx,
                  GError              **error)
{
  LscLeakyReluParams *params = g_new0 (LscLeakyReluParams, 1);
  /* Keras 1/2 call the slope "alpha"; Keras 3 writes "negative_slope" but
   * still accepts "alpha", which then wins. Both default to 0.3. */
  const char *key = lsc_config_has (config, "alpha") ? "alpha" : "negative_slope";

  layer->params = params;
  return get_float_or (layer, config, key, 0.3, &params->negative_slope, error);
}

static void
leaky_relu_run (const LscLayer         *layer,
                const LscTensor *const *inputs,
                guint                   n_inputs,
                LscTensor              *output)
{
  const LscLeakyReluParams *params = layer->params;

  lsc_ref_leaky_relu (inputs[0]->data, lsc_tensor_numel (output), params->negative_slope,
                      output->data);
}

const LscLayerOps lsc_layer_leaky_relu_ops = {
  .class_name = "LeakyReLU",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = leaky_relu_parse,
  .infer = lsc_layer_infer_same_shape,
  .run = leaky_relu_run,
};

/* ---- PReLU ------------------------------------------------------------- */

static gboolean
prelu_parse (LscLayer             *layer,
             JsonObject           *config,
             const LscLoadContext *ctx,
             GError              **error)
{
  LscPreluParams *params = g_new0 (LscPreluParams, 1);

  layer->params = params;
  if (!lsc_config_has (config, "shared_axes"))
    return TRUE;
  return lsc_config_get_int_list (layer, config, "shared_axes", params->shared_axes,
                                  LSC_MAX_DIMS, &params->n_shared_axes, error);
}

/* alpha's shape (input without batch, 1 on shared axes) as full-rank dims
 * with the batch axis set to 1. Keras indexes param_shape[i - 1] in Python,
 * so a negative shared axis counts from the end of the non-batch dims. */
static gboolean
prelu_alpha_dims (const LscLayer *layer,
                  const LscShape *shape,
                  int64_t        *alpha_dims,
                  GError        **error)
{
  const LscPreluParams *params = layer->params;
  int rank = shape->ndim - 1;

  alpha_dims[0] = 1;
  for (int d = 1; d < shape->ndim; d++)
    alpha_dims[d] = shape->dims[d];

  for (guint i = 0; i < params->n_shared_axes; i++)
    {
      int64_t index = params->shared_axes[i] - 1;

      if (index < 0)
        index += rank;
      if (index < 0 || index >= rank)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "shared axis %" G_GINT64_FORMAT " is out of range for a rank %d input",
                               (gint64) params->shared_axes[i], shape->ndim);
          return FALSE;
        }
      alpha_dims[index + 1] = 1;
    }
  return TRUE;
}

static gboolean
prelu_infer (const LscLayer *layer,
             const LscShape *inputs,
             guint           n_inputs,
             LscShape       *output,
             GError        **error)
{
  int64_t alpha_dims[LSC_MAX_DIMS];
  LscShape alpha_shape;

  if (n_inputs != 1 || inputs[0].ndim < 2)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "needs one input of rank 2 or more");
      return FALSE;
    }
  if (!prelu_alpha_dims (layer, &inputs[0], alpha_dims, error) ||
      !lsc_layer_check_n_weights (layer, 1, error))
    return FALSE;

  alpha_shape.ndim = inputs[0].ndim - 1;
  for (int d = 0; d < alpha_shape.ndim; d++)
    {
      alpha_shape.dims[d] = alpha_dims[d + 1];
      /* A None dim is not shared only in a model Keras could not build;
       * take the file's size and let the run-time shapes decide. */
      if (alpha_shape.dims[d] < 0 && lsc_layer_get_weight (layer, 0)->shape.ndim == alpha_shape.ndim)
        alpha_shape.dims[d] = lsc_layer_get_weight (layer, 0)->shape.dims[d];
    }
  if (!lsc_layer_check_weight (layer, 0, &alpha_shape, error))
    return FALSE;

  *output = inputs[0];
  return TRUE;
}

static void
prelu_run (const LscLayer         *layer,
           const LscTensor *const *inputs,
           guint                   n_inputs,
           LscTensor              *output)
{
  const LscShape *shape = &inputs[0]->shape;
  int64_t alpha_dims[LSC_MAX_DIMS], strides[LSC_MAX_DIMS];

  if (!prelu_alpha_dims (layer, shape, alpha_dims, NULL))
    g_return_if_reached ();
  lsc_ref_broadcast_strides (shape->ndim, alpha_dims, strides);
  lsc_ref_prelu (inputs[0]->data, shape->ndim, shape->dims,
                 lsc_layer_get_weight (layer, 0)->data, strides, output->data);
}

const LscLayerOps lsc_layer_prelu_ops = {
  .class_name = "PReLU",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = prelu_parse,
  .infer = prelu_infer,
  .run = prelu_run,
};

/* ---- ELU --------------------------------------------------------------- */

static gboolean
elu_parse (LscLayer             *layer,
           JsonObject           *config,
           const LscLoadContext *ctx,
           GError              **error)
{
  LscEluParams *params = g_new0 (LscEluParams, 1);

  layer->params = params;
  return get_float_or (layer, config, "alpha", 1.0, &params->alpha, error);
}

static void
elu_run (const LscLayer         *layer,
         const LscTensor *const *inputs,
         guint                   n_inputs,
         LscTensor              *output)
{
  const LscEluParams *params = layer->params;

  lsc_ref_elu (inputs[0]->data, lsc_tensor_numel (output), params->alpha, output->data);
}

const LscLayerOps lsc_layer_elu_ops = {
  .class_name = "ELU",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = elu_parse,
  .infer = lsc_layer_infer_same_shape,
  .run = elu_run,
};

/* ---- ThresholdedReLU --------------------------------------------------- */

static gboolean
thresholded_relu_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  LscThresholdedReluParams *params = g_new0 (LscThresholdedReluParams, 1);

  layer->params = params;
  return get_float_or (layer, config, "theta", 1.0, &params->theta, error);
}

static void
thresholded_relu_run (const LscLayer         *layer,
                      const LscTensor *const *inputs,
                      guint                   n_inputs,
                      LscTensor              *output)
{
  const LscThresholdedReluParams *params = layer->params;

  lsc_ref_thresholded_relu (inputs[0]->data, lsc_tensor_numel (output), params->theta,
                            output->data);
}

const LscLayerOps lsc_layer_thresholded_relu_ops = {
  .class_name = "ThresholdedReLU",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = thresholded_relu_parse,
  .infer = lsc_layer_infer_same_shape,
  .run = thresholded_relu_run,
};

/* ---- Softmax ----------------------------------------------------------- */

static gboolean
softmax_parse (LscLayer             *layer,
               JsonObject           *config,
               const LscLoadContext *ctx,
               GError              **error)
{
  LscSoftmaxParams *params = g_new0 (LscSoftmaxParams, 1);

  layer->params = params;
  if (!lsc_config_has (config, "axis"))
    {
      params->axes[0] = -1;
      params->n_axes = 1;
      return TRUE;
    }
  if (!lsc_config_get_int_list (layer, config, "axis", params->axes, LSC_MAX_DIMS,
                                &params->n_axes, error))
    return FALSE;
  if (params->n_axes == 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "“axis” is an empty list");
      return FALSE;
    }
  return TRUE;
}

static gboolean
softmax_axes (const LscLayer *layer,
              const LscShape *shape,
              gboolean       *flags,
              GError        **error)
{
  const LscSoftmaxParams *params = layer->params;

  for (int d = 0; d < LSC_MAX_DIMS; d++)
    flags[d] = FALSE;
  for (guint i = 0; i < params->n_axes; i++)
    {
      int64_t axis = params->axes[i] < 0 ? params->axes[i] + shape->ndim : params->axes[i];

      if (axis < 0 || axis >= shape->ndim)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                               "axis %" G_GINT64_FORMAT " is out of range for a rank %d input",
                               (gint64) params->axes[i], shape->ndim);
          return FALSE;
        }
      if (flags[axis])
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "axis %" G_GINT64_FORMAT " is listed twice", (gint64) axis);
          return FALSE;
        }
      flags[axis] = TRUE;
    }
  return TRUE;
}

static gboolean
softmax_infer (const LscLayer *layer,
               const LscShape *inputs,
               guint           n_inputs,
               LscShape       *output,
               GError        **error)
{
  gboolean flags[LSC_MAX_DIMS];

  if (!lsc_layer_infer_same_shape (layer, inputs, n_inputs, output, error))
    return FALSE;
  return softmax_axes (layer, &inputs[0], flags, error);
}

static void
softmax_run (const LscLayer         *layer,
             const LscTensor *const *inputs,
             guint                   n_inputs,
             LscTensor              *output)
{
  const LscShape *shape = &inputs[0]->shape;
  gboolean flags[LSC_MAX_DIMS];

  if (!softmax_axes (layer, shape, flags, NULL))
    g_return_if_reached ();
  lsc_ref_softmax (inputs[0]->data, shape->ndim, shape->dims, flags, output->data);
}

const LscLayerOps lsc_layer_softmax_ops = {
  .class_name = "Softmax",
  .kind = LSC_LAYER_KIND_ACTIVATION,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = softmax_parse,
  .infer = softmax_infer,
  .run = softmax_run,
};
