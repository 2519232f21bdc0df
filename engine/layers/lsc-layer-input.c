#include "lsc-layer-input.h"

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

static gboolean
read_dims (JsonObject *config,
           const char *key,
           gboolean    with_batch,
           LscShape   *shape)
{
  JsonNode *node = json_object_get_member (config, key);
  JsonArray *array;
  guint len, first;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  len = json_array_get_length (array);
  first = with_batch ? 0 : 1;
  if (len + first > LSC_MAX_DIMS || (with_batch && len == 0))
    return FALSE;

  shape->ndim = (int) (len + first);
  shape->dims[0] = LSC_DIM_UNKNOWN;
  for (guint i = 0; i < len; i++)
    {
      JsonNode *elem = json_array_get_element (array, i);
      int64_t v = LSC_DIM_UNKNOWN;

      if (JSON_NODE_HOLDS_VALUE (elem))
        v = json_node_get_int (elem);
      else if (!JSON_NODE_HOLDS_NULL (elem))
        return FALSE;
      shape->dims[i + first] = v > 0 ? v : LSC_DIM_UNKNOWN;
    }
  /* The batch is never fixed by the file: inputs decide it. */
  shape->dims[0] = LSC_DIM_UNKNOWN;
  return TRUE;
}

gboolean
lsc_input_shape_from_config (JsonObject *config,
                             LscShape   *shape)
{
  return read_dims (config, "batch_shape", TRUE, shape) ||
         read_dims (config, "batch_input_shape", TRUE, shape) ||
         read_dims (config, "input_shape", FALSE, shape);
}

static gboolean
input_parse (LscLayer             *layer,
             JsonObject           *config,
             const LscLoadContext *ctx,
             GError              **error)
{
  LscInputParams *params = g_new0 (LscInputParams, 1);
  const char *dtype = NULL;
  JsonNode *dtype_node;

  layer->params = params;

  if (!lsc_input_shape_from_config (config, &params->shape))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "no batch_shape, batch_input_shape or input_shape");
      return FALSE;
    }

  dtype_node = json_object_get_member (config, "dtype");
  if (dtype_node != NULL && JSON_NODE_HOLDS_VALUE (dtype_node))
    dtype = json_node_get_string (dtype_node);
  params->is_string = dtype != NULL && g_str_equal (dtype, "string");
  return TRUE;
}

static gboolean
input_infer (const LscLayer *layer,
             const LscShape *inputs,
             guint           n_inputs,
             LscShape       *output,
             GError        **error)
{
  const LscInputParams *params = layer->params;

  *output = params->shape;
  return TRUE;
}

const LscLayerOps lsc_layer_input_ops = {
  .class_name = "InputLayer",
  .kind = LSC_LAYER_KIND_INPUT,
  .min_inputs = 0,
  .max_inputs = 0,
  .parse = input_parse,
  .infer = input_infer,
};
