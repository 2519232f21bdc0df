#include "lsc-layer.h"

#include <stdarg.h>

#include "lsc-layer-registry.h"

void
lsc_layer_set_error (const LscLayer *layer,
                     GError        **error,
                     LscEngineError  code,
                     const char     *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  if (error == NULL)
    return;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);

  g_set_error (error, LSC_ENGINE_ERROR, code, "layer “%s” (%s): %s",
               layer->name ? layer->name : "?",
               layer->class_name ? layer->class_name : "?",
               message);
}

static void
lsc_layer_free (LscLayer *layer)
{
  if (layer->params != NULL)
    {
      if (layer->ops != NULL && layer->ops->params_free != NULL)
        layer->ops->params_free (layer->params);
      else
        g_free (layer->params);
    }
  g_clear_pointer (&layer->weights, g_ptr_array_unref);
  g_clear_pointer (&layer->weight_names, g_ptr_array_unref);
  g_clear_pointer (&layer->children, g_ptr_array_unref);
  g_free (layer->name);
  g_free (layer->class_name);
  g_free (layer);
}

LscLayer *
lsc_layer_ref (LscLayer *layer)
{
  g_return_val_if_fail (layer != NULL, NULL);
  g_atomic_ref_count_inc (&layer->ref_count);
  return layer;
}

void
lsc_layer_unref (LscLayer *layer)
{
  if (layer == NULL)
    return;
  if (g_atomic_ref_count_dec (&layer->ref_count))
    lsc_layer_free (layer);
}

LscLayer *
lsc_layer_new_from_json (JsonObject            *layer_json,
                         const LscLoadContext  *ctx,
                         GError               **error)
{
  g_autoptr(LscLayer) layer = NULL;
  const char *class_name;
  JsonObject *config = NULL;
  JsonNode *config_node;

  g_return_val_if_fail (layer_json != NULL, NULL);
  g_return_val_if_fail (ctx != NULL, NULL);

  class_name = json_object_get_string_member_with_default (layer_json, "class_name", NULL);
  if (class_name == NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "a layer in the model config has no “class_name”");
      return NULL;
    }

  config_node = json_object_get_member (layer_json, "config");
  if (config_node != NULL && JSON_NODE_HOLDS_OBJECT (config_node))
    config = json_node_get_object (config_node);

  layer = g_new0 (LscLayer, 1);
  g_atomic_ref_count_init (&layer->ref_count);
  layer->class_name = g_strdup (class_name);
  layer->weights = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  layer->weight_names = g_ptr_array_new_with_free_func (g_free);
  layer->children = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_layer_unref);

  if (config != NULL && json_object_has_member (config, "name"))
    layer->name = g_strdup (json_object_get_string_member_with_default (config, "name", NULL));
  if (layer->name == NULL)
    layer->name = g_strdup (json_object_get_string_member_with_default (layer_json, "name", "?"));

  layer->ops = lsc_layer_ops_lookup (class_name);
  if (layer->ops == NULL)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER,
                           "Layerscope cannot run layers of class %s", class_name);
      return NULL;
    }

  if (config == NULL)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG, "no “config” object");
      return NULL;
    }

  if (layer->ops->parse != NULL && !layer->ops->parse (layer, config, ctx, error))
    return NULL;

  return g_steal_pointer (&layer);
}

guint
lsc_layer_get_n_weights (const LscLayer *layer)
{
  return layer->weights->len;
}

const LscTensor *
lsc_layer_get_weight (const LscLayer *layer,
                      guint           index)
{
  g_return_val_if_fail (index < layer->weights->len, NULL);
  return g_ptr_array_index (layer->weights, index);
}

int64_t
lsc_layer_count_params (const LscLayer *layer)
{
  int64_t n = 0;

  for (guint i = 0; i < layer->weights->len; i++)
    n += lsc_tensor_numel (g_ptr_array_index (layer->weights, i));
  /* Wrappers hand their weights to their children in attach_weights. */
  for (guint i = 0; i < layer->children->len; i++)
    n += lsc_layer_count_params (g_ptr_array_index (layer->children, i));
  return n;
}

void
lsc_layer_add_weight (LscLayer   *layer,
                      const char *name,
                      LscTensor  *tensor)
{
  g_ptr_array_add (layer->weights, tensor);
  g_ptr_array_add (layer->weight_names, g_strdup (name ? name : ""));
}

gboolean
lsc_layer_check_n_weights (const LscLayer *layer,
                           guint           expected,
                           GError        **error)
{
  if (layer->weights->len == expected)
    return TRUE;

  if (layer->weights->len == 0)
    lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_MISSING_WEIGHTS,
                         "the file has no weights for this layer (expected %u arrays)", expected);
  else
    lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                         "the file has %u weight arrays for this layer, its config needs %u",
                         layer->weights->len, expected);
  return FALSE;
}

gboolean
lsc_layer_check_weight (const LscLayer *layer,
                        guint           index,
                        const LscShape *expected,
                        GError        **error)
{
  const LscTensor *weight;
  g_autofree char *have = NULL;
  g_autofree char *want = NULL;

  if (index >= layer->weights->len)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_MISSING_WEIGHTS,
                           "weight %u is missing", index);
      return FALSE;
    }

  weight = g_ptr_array_index (layer->weights, index);
  if (lsc_shape_equal (&weight->shape, expected))
    return TRUE;

  have = lsc_shape_to_string (&weight->shape);
  want = lsc_shape_to_string (expected);
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                       "weight “%s” has shape %s but the config needs %s",
                       (const char *) g_ptr_array_index (layer->weight_names, index),
                       have, want);
  return FALSE;
}

gboolean
lsc_layer_infer_same_shape (const LscLayer *layer,
                            const LscShape *inputs,
                            guint           n_inputs,
                            LscShape       *output,
                            GError        **error)
{
  if (n_inputs != 1)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE, "needs exactly one input");
      return FALSE;
    }
  if (!lsc_layer_check_n_weights (layer, 0, error))
    return FALSE;
  *output = inputs[0];
  return TRUE;
}
