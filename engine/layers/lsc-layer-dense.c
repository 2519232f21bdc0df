/* Dense (Keras 1 spelling of the config: output_dim, bias). */

#include "lsc-layer-dense.h"

#include <string.h>

#include "kernels/ref/lsc-ref-dense.h"
#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

gboolean
lsc_layer_reject_quantized (const LscLayer *layer,
                            JsonObject     *config,
                            GError        **error)
{
  JsonNode *dtype = json_object_get_member (config, "dtype");
  const char *policy = NULL;

  if (dtype != NULL && JSON_NODE_HOLDS_OBJECT (dtype))
    {
      /* Keras 3: {"class_name": "DTypePolicy" | "QuantizedDTypePolicy", "config": {"name": …}} */
      JsonObject *obj = json_node_get_object (dtype);
      const char *class_name = json_object_get_string_member_with_default (obj, "class_name", "");
      JsonNode *inner = json_object_get_member (obj, "config");

      if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
        policy = json_object_get_string_member_with_default (json_node_get_object (inner), "name", NULL);
      if (strstr (class_name, "Quantized") != NULL && policy == NULL)
        policy = class_name;
    }
  else if (dtype != NULL && JSON_NODE_HOLDS_VALUE (dtype) &&
           json_node_get_value_type (dtype) == G_TYPE_STRING)
    policy = json_node_get_string (dtype);

  if (policy != NULL &&
      (g_str_has_prefix (policy, "int8") || g_str_has_prefix (policy, "int4") ||
       g_str_has_prefix (policy, "float8") || strstr (policy, "Quantized") != NULL))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "quantized layers (dtype policy “%s”) are not supported", policy);
      return FALSE;
    }

  if (lsc_config_has (config, "quantization_config"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "quantized layers (“quantization_config”) are not supported");
      return FALSE;
    }
  return TRUE;
}

static gboolean
dense_parse (LscLayer             *layer,
             JsonObject           *config,
             const LscLoadContext *ctx,
             GError              **error)
{
  LscDenseParams *params = g_new0 (LscDenseParams, 1);
  /* Keras 1 wrote "output_dim" and "bias" where Keras 2 and 3 write
   * "units" and "use_bias". */
  const char *units_key = lsc_config_has (config, "units") ? "units" : "output_dim";
  const char *bias_key = lsc_config_has (config, "use_bias") ? "use_bias" : "bias";

  layer->params = params;

  if (!lsc_config_get_int (layer, config, units_key, &params->units, error))
    return FALSE;
  if (params->units <= 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” must be positive (got %" G_GINT64_FORMAT ")",
                           units_key, (gint64) params->units);
      return FALSE;
    }
  if (!lsc_config_get_bool_or (layer, config, bias_key, TRUE, &params->use_bias, error))
    return FALSE;
  if (!lsc_config_get_activation (layer, config, "activation", ctx, &params->activation, error))
    return FALSE;
  return lsc_layer_reject_quantized (layer, config, error);
}

static gboolean
dense_infer (const LscLayer *layer,
             const LscShape *inputs,
             guint           n_inputs,
             LscShape       *output,
             GError        **error)
{
  const LscDenseParams *params = layer->params;
  const LscShape *in = &inputs[0];
  int64_t features;
  LscShape kernel_shape, bias_shape;

  if (n_inputs != 1 || in->ndim < 2)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "needs one input of rank 2 or more (batch, …, features)");
      return FALSE;
    }
  features = in->dims[in->ndim - 1];
  if (features < 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "the last dimension of the input must be known");
      return FALSE;
    }

  if (!lsc_layer_check_n_weights (layer, params->use_bias ? 2 : 1, error))
    return FALSE;
  kernel_shape = lsc_shape_make (2, features, params->units);
  if (!lsc_layer_check_weight (layer, 0, &kernel_shape, error))
    return FALSE;
  if (params->use_bias)
    {
      bias_shape = lsc_shape_make (1, params->units);
      if (!lsc_layer_check_weight (layer, 1, &bias_shape, error))
        return FALSE;
    }

  *output = *in;
  output->dims[in->ndim - 1] = params->units;
  return TRUE;
}

static void
dense_run (const LscLayer         *layer,
           const LscTensor *const *inputs,
           guint                   n_inputs,
           LscTensor              *output)
{
  const LscDenseParams *params = layer->params;
  const LscTensor *x = inputs[0];
  int64_t features = x->shape.dims[x->shape.ndim - 1];
  /* Every axis but the last is a row; counted on the output so that an
   * input with 0 features still has its rows. */
  int64_t rows = lsc_tensor_numel (output) / params->units;
  const LscTensor *kernel = lsc_layer_get_weight (layer, 0);
  const LscTensor *bias = params->use_bias ? lsc_layer_get_weight (layer, 1) : NULL;

  lsc_ref_dense (x->data, rows, features, kernel->data,
                 bias != NULL ? bias->data : NULL, params->units, output->data);
  lsc_activation_apply (params->activation, output->data, lsc_tensor_numel (output), params->units);
}

static int64_t
dense_count_macs (const LscLayer *layer,
                  const LscShape *inputs,
                  guint           n_inputs,
                  const LscShape *output)
{
  const LscDenseParams *params = layer->params;
  int64_t per_sample = 1;

  /* Every input value (batch excluded) meets every unit once:
   * rows × in × units with rows = numel / in. */
  for (int d = 1; d < inputs[0].ndim; d++)
    {
      if (inputs[0].dims[d] < 0)
        return -1;
      per_sample *= inputs[0].dims[d];
    }
  return per_sample * params->units;
}

const LscLayerOps lsc_layer_dense_ops = {
  .class_name = "Dense",
  .kind = LSC_LAYER_KIND_DENSE,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = dense_parse,
  .infer = dense_infer,
  .run = dense_run,
  .count_macs = dense_count_macs,
};
