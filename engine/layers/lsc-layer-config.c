#include "lsc-layer-config.h"

#include <math.h>

gboolean
lsc_config_has (JsonObject *config,
                const char *key)
{
  JsonNode *node = json_object_get_member (config, key);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/* Reads a JSON number that must be integral; Keras writes some ints as
 * floats (e.g. 3.0) in old files. */
static gboolean
node_get_int (JsonNode *node,
              int64_t  *out)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);
        if (d != floor (d) || fabs (d) > 1e15)
          return FALSE;
        *out = (int64_t) d;
        return TRUE;
      }
    case G_TYPE_BOOLEAN:
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
lsc_config_get_int_or (const LscLayer  *layer,
                       JsonObject      *config,
                       const char      *key,
                       int64_t          fallback,
                       int64_t         *out,
                       GError         **error)
{
  JsonNode *node = json_object_get_member (config, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (!node_get_int (node, out))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” must be an integer", key);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_config_get_int (const LscLayer  *layer,
                    JsonObject      *config,
                    const char      *key,
                    int64_t         *out,
                    GError         **error)
{
  if (!lsc_config_has (config, key))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the config has no “%s”", key);
      return FALSE;
    }
  return lsc_config_get_int_or (layer, config, key, 0, out, error);
}

gboolean
lsc_config_get_double_or (const LscLayer *layer,
                          JsonObject     *config,
                          const char     *key,
                          double          fallback,
                          double         *out,
                          GError        **error)
{
  JsonNode *node = json_object_get_member (config, key);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_DOUBLE || type == G_TYPE_INT64)
    {
      *out = json_node_get_double (node);
      return TRUE;
    }
  /* Keras 3 serialises some floats as a list with one value (e.g. LeakyReLU
   * negative_slope in a few versions); accept that form. */
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 1)
    {
      JsonNode *elem = json_array_get_element (json_node_get_array (node), 0);
      if (JSON_NODE_HOLDS_VALUE (elem))
        {
          *out = json_node_get_double (elem);
          return TRUE;
        }
    }
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” must be a number", key);
  return FALSE;
}

gboolean
lsc_config_get_bool_or (const LscLayer *layer,
                        JsonObject     *config,
                        const char     *key,
                        gboolean        fallback,
                        gboolean       *out,
                        GError        **error)
{
  JsonNode *node = json_object_get_member (config, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” must be true or false", key);
  return FALSE;
}

gboolean
lsc_config_get_string_or (const LscLayer *layer,
                          JsonObject     *config,
                          const char     *key,
                          const char     *fallback,
                          const char    **out,
                          GError        **error)
{
  JsonNode *node = json_object_get_member (config, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” must be a string", key);
  return FALSE;
}

gboolean
lsc_config_get_int_list (const LscLayer *layer,
                         JsonObject     *config,
                         const char     *key,
                         int64_t        *out,
                         guint           max,
                         guint          *n_out,
                         GError        **error)
{
  JsonNode *node = json_object_get_member (config, key);
  JsonArray *array;
  guint len;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the config has no “%s”", key);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (max < 1 || !node_get_int (node, &out[0]))
        goto bad;
      *n_out = 1;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;

  array = json_node_get_array (node);
  len = json_array_get_length (array);
  if (len > max)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” has %u entries, at most %u are supported", key, len, max);
      return FALSE;
    }
  for (guint i = 0; i < len; i++)
    {
      JsonNode *elem = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_NULL (elem))
        out[i] = LSC_DIM_UNKNOWN;
      else if (!node_get_int (elem, &out[i]))
        goto bad;
    }
  *n_out = len;
  return TRUE;

bad:
  lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "“%s” must be an integer or a list of integers", key);
  return FALSE;
}

gboolean
lsc_config_get_ints (const LscLayer  *layer,
                     JsonObject      *config,
                     const char      *key,
                     guint            n,
                     int64_t         *out,
                     GError         **error)
{
  int64_t values[LSC_MAX_DIMS];
  guint count = 0;

  g_return_val_if_fail (n >= 1 && n <= LSC_MAX_DIMS, FALSE);

  if (!lsc_config_get_int_list (layer, config, key, values, LSC_MAX_DIMS, &count, error))
    return FALSE;

  if (count == 1)
    {
      JsonNode *node = json_object_get_member (config, key);
      /* A bare int means the same value on every axis; a one-element list
       * only fits a one-dimensional layer. */
      if (JSON_NODE_HOLDS_VALUE (node) || n == 1)
        {
          for (guint i = 0; i < n; i++)
            out[i] = values[0];
          return TRUE;
        }
    }
  if (count != n)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” has %u values, %u expected", key, count, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      if (values[i] < 0)
        {
          lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                               "“%s” has a negative or null value", key);
          return FALSE;
        }
      out[i] = values[i];
    }
  return TRUE;
}

gboolean
lsc_config_get_padding (const LscLayer  *layer,
                        JsonObject      *config,
                        LscPadding      *out,
                        GError         **error)
{
  const char *padding = NULL;

  if (!lsc_config_get_string_or (layer, config, "padding", "valid", &padding, error))
    return FALSE;

  if (g_ascii_strcasecmp (padding, "valid") == 0)
    *out = LSC_PADDING_VALID;
  else if (g_ascii_strcasecmp (padding, "same") == 0)
    *out = LSC_PADDING_SAME;
  else if (g_ascii_strcasecmp (padding, "causal") == 0)
    *out = LSC_PADDING_CAUSAL;
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "padding “%s” is not valid, same or causal", padding);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_config_get_activation (const LscLayer       *layer,
                           JsonObject           *config,
                           const char           *key,
                           const LscLoadContext *ctx,
                           LscActivation        *out,
                           GError              **error)
{
  JsonNode *node = json_object_get_member (config, key);
  const char *name = NULL;
  g_autoptr(GError) local_error = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = LSC_ACTIVATION_LINEAR;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    name = json_node_get_string (node);
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      /* Keras 3 may serialise {"module": "keras.activations", "class_name": "relu", …}. */
      JsonObject *obj = json_node_get_object (node);
      name = json_object_get_string_member_with_default (obj, "class_name", NULL);
      if (name == NULL)
        name = json_object_get_string_member_with_default (obj, "config", NULL);
    }

  if (name == NULL)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” must name an activation function", key);
      return FALSE;
    }

  if (!lsc_activation_from_name (name, ctx->keras_major, out, &local_error))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "%s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
lsc_config_require_channels_last (const LscLayer *layer,
                                  JsonObject     *config,
                                  GError        **error)
{
  const char *format = NULL;

  if (!lsc_config_get_string_or (layer, config, "data_format", "channels_last", &format, error))
    return FALSE;
  if (!g_str_equal (format, "channels_last"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "data_format “%s” is not supported (only channels_last)", format);
      return FALSE;
    }

  /* Keras 1 saved the resolved ordering: "tf" is channels last, "th"
   * channels first. */
  if (!lsc_config_get_string_or (layer, config, "dim_ordering", "tf", &format, error))
    return FALSE;
  if (!g_str_equal (format, "tf"))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "dim_ordering “%s” is not supported (only “tf”, channels last)", format);
      return FALSE;
    }
  return TRUE;
}

int64_t
lsc_conv_output_length (int64_t    input,
                        int64_t    kernel,
                        int64_t    stride,
                        int64_t    dilation,
                        LscPadding padding)
{
  int64_t effective = (kernel - 1) * dilation + 1;

  if (input < 0)
    return LSC_DIM_UNKNOWN;

  switch (padding)
    {
    case LSC_PADDING_SAME:
    case LSC_PADDING_CAUSAL:
      return (input + stride - 1) / stride;
    case LSC_PADDING_VALID:
    default:
      return input >= effective ? (input - effective) / stride + 1 : 0;
    }
}

int64_t
lsc_conv_pad_before (int64_t    input,
                     int64_t    kernel,
                     int64_t    stride,
                     int64_t    dilation,
                     LscPadding padding)
{
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t output, total;

  switch (padding)
    {
    case LSC_PADDING_SAME:
      output = (input + stride - 1) / stride;
      total = MAX ((output - 1) * stride + effective - input, 0);
      return total / 2;
    case LSC_PADDING_CAUSAL:
      return effective - 1;
    case LSC_PADDING_VALID:
    default:
      return 0;
    }
}
