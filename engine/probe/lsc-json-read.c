#include "probe/lsc-json-read.h"

#include <math.h>

#include "core/lsc-error.h"

static gboolean
bad (GError     **error,
     const char  *what,
     const char  *expected)
{
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
               "“%s” must be %s", what, expected);
  return FALSE;
}

JsonObject *
lsc_json_read_object (JsonNode    *node,
                      const char  *what,
                      GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad (error, what, "a JSON object");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonNode *
member (JsonObject  *object,
        const char  *name,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                 "the member “%s” is missing", name);
  return node;
}

gboolean
lsc_json_read_uint (JsonObject  *object,
                    const char  *name,
                    guint64      min,
                    guint64      max,
                    guint64     *out,
                    GError     **error)
{
  JsonNode *node = member (object, name, error);
  g_autofree char *range = NULL;
  gint64 value;

  if (node == NULL)
    return FALSE;
  range = g_strdup_printf ("an integer from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, min, max);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad (error, name, range);
  value = json_node_get_int (node);
  if (value < 0 || (guint64) value < min || (guint64) value > max)
    return bad (error, name, range);
  *out = (guint64) value;
  return TRUE;
}

gboolean
lsc_json_read_string (JsonObject  *object,
                      const char  *name,
                      const char **out,
                      GError     **error)
{
  JsonNode *node = member (object, name, error);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (error, name, "a string");
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
lsc_json_read_number (JsonNode    *node,
                      const char  *what,
                      gboolean     allow_null,
                      double      *out,
                      GError     **error)
{
  const char *expected = allow_null ? "a non-negative number or null" : "a non-negative number";
  GType type;
  double value;

  if (node != NULL && allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return bad (error, what, expected);
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else
    return bad (error, what, expected);
  if (!isfinite (value) || value < 0.0)
    return bad (error, what, expected);
  *out = value;
  return TRUE;
}

JsonArray *
lsc_json_read_array (JsonObject  *object,
                     const char  *name,
                     guint        length,
                     GError     **error)
{
  JsonNode *node = member (object, name, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      bad (error, name, "an array");
      return NULL;
    }
  array = json_node_get_array (node);
  if (length != 0 && json_array_get_length (array) != length)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” must have %u elements, not %u", name, length,
                   json_array_get_length (array));
      return NULL;
    }
  return array;
}
