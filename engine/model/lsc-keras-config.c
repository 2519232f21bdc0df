#include "lsc-keras-config.h"

gboolean
_lsc_keras_config_build (LscModel             *model,
                         const char           *json_text,
                         gssize                length,
                         const char           *origin,
                         const LscLoadContext *ctx,
                         GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json_text, length, &local_error))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "%s is not valid JSON: %s", origin, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "%s is not a JSON object", origin);
      return FALSE;
    }
  return _lsc_keras_graph_build (model, json_node_get_object (root), ctx, error);
}
