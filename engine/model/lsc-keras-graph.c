/* Keras model configs → one flattened graph of leaf-layer calls.
 *
 * Handles Sequential (a dict with "layers", or the bare list of Keras ≤ 2.2.2),
 * Functional/Model with Keras 2 inbound nodes ([[name, node, tensor, kwargs]])
 * and Keras 3 ones ({"args": …, "kwargs": …} holding __keras_tensor__
 * objects), and models nested as layers of other models. */

#include "lsc-model-private.h"

#include "layers/lsc-layer-input.h"

typedef struct
{
  LscModel             *model;
  const LscLoadContext *ctx;
  GPtrArray            *unsupported;  /* "Class (name)" */
} Builder;

/* A reference to one output tensor of one call of a layer. */
typedef struct
{
  const char *name;
  gint64      node_index;
  gint64      tensor_index;
} TensorRef;

static GArray *build_model (Builder    *b,
                            JsonObject *model_json,
                            const char *scope,
                            GArray     *inputs,
                            GError    **error);

static gboolean
is_model_class (JsonObject *layer_json)
{
  const char *class_name = json_object_get_string_member_with_default (layer_json, "class_name", "");
  JsonObject *config;

  if (g_str_equal (class_name, "Sequential") || g_str_equal (class_name, "Functional") ||
      g_str_equal (class_name, "Model"))
    return TRUE;

  /* Subclassed models serialised as functional configs still carry "layers". */
  config = json_object_get_member (layer_json, "config") != NULL &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (layer_json, "config"))
             ? json_object_get_object_member (layer_json, "config") : NULL;
  return config != NULL && json_object_has_member (config, "layers") &&
         json_object_has_member (config, "output_layers");
}

static const char *
layer_json_name (JsonObject *layer_json)
{
  JsonNode *config = json_object_get_member (layer_json, "config");

  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
    {
      const char *name = json_object_get_string_member_with_default (json_node_get_object (config),
                                                                     "name", NULL);
      if (name != NULL)
        return name;
    }
  return json_object_get_string_member_with_default (layer_json, "name", "?");
}

static char *
join_scope (const char *scope,
            const char *name)
{
  return scope[0] ? g_strconcat (scope, "/", name, NULL) : g_strdup (name);
}

/* Creates the layer; an unsupported class is recorded and NULL returned
 * with no error, so that all of them are reported together. */
static gboolean
make_layer (Builder     *b,
            JsonObject  *layer_json,
            LscLayer   **out,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = lsc_layer_new_from_json (layer_json, b->ctx, &local_error);
  if (*out != NULL)
    return TRUE;

  if (g_error_matches (local_error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER))
    {
      g_ptr_array_add (b->unsupported,
                       g_strdup_printf ("%s (“%s”)",
                                        json_object_get_string_member_with_default (layer_json, "class_name", "?"),
                                        layer_json_name (layer_json)));
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static guint
add_leaf (Builder    *b,
          LscLayer   *layer,
          const char *scope,
          GArray     *inputs)
{
  return _lsc_model_add_node (b->model, layer, scope,
                              inputs ? (const guint *) inputs->data : NULL,
                              inputs ? inputs->len : 0);
}

/* An input node for a Sequential model whose first layer carries the input
 * shape itself (no InputLayer), named as Keras names it: "<layer>_input". */
static gboolean
add_implicit_input (Builder    *b,
                    JsonObject *first_layer_config,
                    JsonObject *model_config,
                    const char *first_layer_name,
                    guint      *out,
                    GError    **error)
{
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(LscLayer) layer = NULL;
  g_autofree char *name = g_strdup_printf ("%s_input", first_layer_name);
  LscShape shape;

  if (!(first_layer_config != NULL && lsc_input_shape_from_config (first_layer_config, &shape)))
    {
      /* Keras 3 Sequential models without an InputLayer record the shape here. */
      if (model_config == NULL || !json_object_has_member (model_config, "build_input_shape") ||
          !lsc_input_shape_from_config (model_config, &shape))
        {
          LscShape build;
          JsonNode *node = model_config ? json_object_get_member (model_config, "build_input_shape") : NULL;
          g_autoptr(JsonObject) tmp = json_object_new ();

          if (node != NULL)
            json_object_set_member (tmp, "batch_shape", json_node_copy (node));
          if (node == NULL || !lsc_input_shape_from_config (tmp, &build))
            {
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the model has no InputLayer and its first layer “%s” declares no input shape",
                           first_layer_name);
              return FALSE;
            }
          shape = build;
        }
    }

  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "class_name");
  json_builder_add_string_value (jb, "InputLayer");
  json_builder_set_member_name (jb, "config");
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "name");
  json_builder_add_string_value (jb, name);
  json_builder_set_member_name (jb, "batch_input_shape");
  json_builder_begin_array (jb);
  for (int i = 0; i < shape.ndim; i++)
    {
      if (shape.dims[i] < 0)
        json_builder_add_null_value (jb);
      else
        json_builder_add_int_value (jb, shape.dims[i]);
    }
  json_builder_end_array (jb);
  json_builder_end_object (jb);
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);

  layer = lsc_layer_new_from_json (json_node_get_object (root), b->ctx, error);
  if (layer == NULL)
    return FALSE;
  *out = add_leaf (b, layer, "", NULL);
  return TRUE;
}

static GArray *
build_sequential (Builder    *b,
                  JsonNode   *config_node,
                  const char *scope,
                  GArray     *inputs,
                  GError    **error)
{
  JsonArray *layers;
  JsonObject *config = NULL;
  gboolean have_current = FALSE;
  guint current = 0;
  GArray *result;

  if (JSON_NODE_HOLDS_ARRAY (config_node))
    layers = json_node_get_array (config_node);   /* Keras ≤ 2.2.2: the bare list */
  else if (JSON_NODE_HOLDS_OBJECT (config_node) &&
           json_object_has_member ((config = json_node_get_object (config_node)), "layers") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (config, "layers")))
    layers = json_object_get_array_member (config, "layers");
  else
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "a Sequential config has no list of layers");
      return NULL;
    }

  if (inputs != NULL)
    {
      if (inputs->len != 1)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "a nested Sequential model is called with %u inputs", inputs->len);
          return NULL;
        }
      current = g_array_index (inputs, guint, 0);
      have_current = TRUE;
    }

  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);
      JsonObject *layer_json;
      const char *class_name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "entry %u of a Sequential layer list is not an object", i);
          return NULL;
        }
      layer_json = json_node_get_object (node);
      class_name = json_object_get_string_member_with_default (layer_json, "class_name", "");

      if (g_str_equal (class_name, "InputLayer"))
        {
          g_autoptr(LscLayer) layer = NULL;

          if (have_current)
            continue;   /* a nested model's own input is the caller's tensor */
          if (!make_layer (b, layer_json, &layer, error))
            return NULL;
          current = add_leaf (b, layer, scope, NULL);
          have_current = TRUE;
          continue;
        }

      if (!have_current)
        {
          JsonNode *lc = json_object_get_member (layer_json, "config");
          if (!add_implicit_input (b, lc && JSON_NODE_HOLDS_OBJECT (lc) ? json_node_get_object (lc) : NULL,
                                   config, layer_json_name (layer_json), &current, error))
            return NULL;
          have_current = TRUE;
        }

      {
        g_autoptr(GArray) call_inputs = g_array_new (FALSE, FALSE, sizeof (guint));
        g_array_append_val (call_inputs, current);

        if (is_model_class (layer_json))
          {
            g_autofree char *inner_scope = join_scope (scope, layer_json_name (layer_json));
            g_autoptr(GArray) outs = build_model (b, layer_json, inner_scope, call_inputs, error);

            if (outs == NULL)
              return NULL;
            if (outs->len != 1)
              {
                g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                             "nested model “%s” inside a Sequential model has %u outputs",
                             layer_json_name (layer_json), outs->len);
                return NULL;
              }
            current = g_array_index (outs, guint, 0);
          }
        else
          {
            g_autoptr(LscLayer) layer = NULL;

            if (!make_layer (b, layer_json, &layer, error))
              return NULL;
            current = add_leaf (b, layer, scope, call_inputs);
          }
      }
    }

  if (!have_current)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG, "a Sequential model has no layers");
      return NULL;
    }

  result = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (result, current);
  return result;
}

/* [name, node_index, tensor_index, …] */
static gboolean
parse_ref_array (JsonArray *array,
                 TensorRef *ref)
{
  if (json_array_get_length (array) < 3)
    return FALSE;
  ref->name = json_array_get_string_element (array, 0);
  ref->node_index = json_array_get_int_element (array, 1);
  ref->tensor_index = json_array_get_int_element (array, 2);
  return ref->name != NULL;
}

/* Collects Keras 3 __keras_tensor__ references in argument order. */
static void
collect_keras_tensors (JsonNode *node,
                       GArray   *refs)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_keras_tensors (json_array_get_element (array, i), refs);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      const char *class_name = json_object_get_string_member_with_default (obj, "class_name", "");
      JsonNode *config = json_object_get_member (obj, "config");

      if (g_str_equal (class_name, "__keras_tensor__") && config && JSON_NODE_HOLDS_OBJECT (config))
        {
          JsonNode *history = json_object_get_member (json_node_get_object (config), "keras_history");
          TensorRef ref;

          if (history && JSON_NODE_HOLDS_ARRAY (history) &&
              parse_ref_array (json_node_get_array (history), &ref))
            g_array_append_val (refs, ref);
        }
    }
}

/* The tensors one call of a layer consumes. */
static gboolean
parse_inbound_call (JsonNode   *call,
                    GArray     *refs,
                    const char *layer_name,
                    GError    **error)
{
  if (JSON_NODE_HOLDS_OBJECT (call))
    {
      JsonNode *args = json_object_get_member (json_node_get_object (call), "args");
      if (args != NULL)
        collect_keras_tensors (args, refs);
    }
  else if (JSON_NODE_HOLDS_ARRAY (call))
    {
      JsonArray *entries = json_node_get_array (call);
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonNode *entry = json_array_get_element (entries, i);
          TensorRef ref;

          if (!JSON_NODE_HOLDS_ARRAY (entry) || !parse_ref_array (json_node_get_array (entry), &ref))
            goto bad;
          g_array_append_val (refs, ref);
        }
    }
  else
    goto bad;

  if (refs->len == 0)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "the inbound nodes of layer “%s” cannot be read", layer_name);
  return FALSE;
}

/* (layer name → GPtrArray of calls, each a GArray of output node indices) */
static GArray *
lookup_tensor (GHashTable      *calls_by_name,
               const TensorRef *ref,
               guint           *out)
{
  GPtrArray *calls = g_hash_table_lookup (calls_by_name, ref->name);
  GArray *outs;

  if (calls == NULL || ref->node_index < 0 || ref->node_index >= calls->len)
    return NULL;
  outs = g_ptr_array_index (calls, ref->node_index);
  if (ref->tensor_index < 0 || ref->tensor_index >= outs->len)
    return NULL;
  *out = g_array_index (outs, guint, ref->tensor_index);
  return outs;
}

static gboolean
parse_ref_list (JsonObject *config,
                const char *key,
                GArray     *refs,
                GError    **error)
{
  JsonNode *node = json_object_get_member (config, key);
  JsonArray *array;
  TensorRef ref;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);

  /* Keras 3 writes a single [name, node, tensor] for one tensor. */
  if (json_array_get_length (array) >= 3 &&
      JSON_NODE_HOLDS_VALUE (json_array_get_element (array, 0)) &&
      json_node_get_value_type (json_array_get_element (array, 0)) == G_TYPE_STRING)
    {
      if (!parse_ref_array (array, &ref))
        goto bad;
      g_array_append_val (refs, ref);
      return TRUE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *elem = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_ARRAY (elem) || !parse_ref_array (json_node_get_array (elem), &ref))
        goto bad;
      g_array_append_val (refs, ref);
    }
  return TRUE;

bad:
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "the model config's “%s” cannot be read", key);
  return FALSE;
}

static void
add_call (GHashTable *calls_by_name,
          const char *name,
          GArray     *outs)
{
  GPtrArray *calls = g_hash_table_lookup (calls_by_name, name);

  if (calls == NULL)
    {
      calls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      g_hash_table_insert (calls_by_name, g_strdup (name), calls);
    }
  g_ptr_array_add (calls, outs);
}

static GArray *
single_output (guint node)
{
  GArray *outs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (outs, node);
  return outs;
}

static GArray *
build_functional (Builder    *b,
                  JsonObject *config,
                  const char *scope,
                  GArray     *inputs,
                  GError    **error)
{
  g_autoptr(GHashTable) calls_by_name = NULL;
  g_autoptr(GHashTable) layers_by_name = NULL;
  g_autoptr(GArray) input_refs = g_array_new (FALSE, FALSE, sizeof (TensorRef));
  g_autoptr(GArray) output_refs = g_array_new (FALSE, FALSE, sizeof (TensorRef));
  g_autofree guint *calls_done = NULL;
  JsonArray *layers;
  guint n_layers, remaining;
  GArray *result;

  if (!json_object_has_member (config, "layers") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (config, "layers")))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "a Functional model config has no list of layers");
      return NULL;
    }
  if (!parse_ref_list (config, "input_layers", input_refs, error) ||
      !parse_ref_list (config, "output_layers", output_refs, error))
    return NULL;
  if (inputs != NULL && inputs->len != input_refs->len)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "nested model “%s” takes %u inputs but is called with %u",
                   scope, input_refs->len, inputs->len);
      return NULL;
    }

  layers = json_object_get_array_member (config, "layers");
  n_layers = json_array_get_length (layers);
  calls_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  layers_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) lsc_layer_unref);
  calls_done = g_new0 (guint, n_layers);

  /* Keras lists layers in a topological order, but a shared layer's later
   * calls may consume layers listed after it: sweep until nothing moves. */
  do
    {
      remaining = 0;
      gboolean progressed = FALSE;

      for (guint i = 0; i < n_layers; i++)
        {
          JsonNode *node = json_array_get_element (layers, i);
          JsonObject *layer_json;
          JsonArray *inbound;
          const char *name, *class_name;
          guint n_calls;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "entry %u of a Functional layer list is not an object", i);
              return NULL;
            }
          layer_json = json_node_get_object (node);
          name = layer_json_name (layer_json);
          class_name = json_object_get_string_member_with_default (layer_json, "class_name", "");

          if (g_str_equal (class_name, "InputLayer"))
            {
              if (calls_done[i] > 0)
                continue;
              if (inputs != NULL)
                {
                  guint pos;
                  for (pos = 0; pos < input_refs->len; pos++)
                    if (g_str_equal (g_array_index (input_refs, TensorRef, pos).name, name))
                      break;
                  if (pos == input_refs->len)
                    {
                      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                                   "InputLayer “%s” is not among the model's inputs", name);
                      return NULL;
                    }
                  add_call (calls_by_name, name, single_output (g_array_index (inputs, guint, pos)));
                }
              else
                {
                  g_autoptr(LscLayer) layer = NULL;
                  if (!make_layer (b, layer_json, &layer, error))
                    return NULL;
                  add_call (calls_by_name, name, single_output (add_leaf (b, layer, scope, NULL)));
                }
              calls_done[i] = 1;
              progressed = TRUE;
              continue;
            }

          node = json_object_get_member (layer_json, "inbound_nodes");
          if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
            continue;   /* a layer that is never called is not part of the graph */
          inbound = json_node_get_array (node);
          n_calls = json_array_get_length (inbound);

          while (calls_done[i] < n_calls)
            {
              g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (TensorRef));
              g_autoptr(GArray) call_inputs = g_array_new (FALSE, FALSE, sizeof (guint));
              gboolean ready = TRUE;

              if (!parse_inbound_call (json_array_get_element (inbound, calls_done[i]), refs, name, error))
                return NULL;
              for (guint r = 0; r < refs->len && ready; r++)
                {
                  guint producer;
                  if (lookup_tensor (calls_by_name, &g_array_index (refs, TensorRef, r), &producer) == NULL)
                    ready = FALSE;
                  else
                    g_array_append_val (call_inputs, producer);
                }
              if (!ready)
                break;

              if (is_model_class (layer_json))
                {
                  g_autofree char *inner_scope = join_scope (scope, name);
                  GArray *outs = build_model (b, layer_json, inner_scope, call_inputs, error);
                  if (outs == NULL)
                    return NULL;
                  add_call (calls_by_name, name, outs);
                }
              else
                {
                  LscLayer *layer = g_hash_table_lookup (layers_by_name, name);

                  if (layer == NULL && !g_hash_table_contains (layers_by_name, name))
                    {
                      if (!make_layer (b, layer_json, &layer, error))
                        return NULL;
                      g_hash_table_insert (layers_by_name, g_strdup (name), layer);
                    }
                  add_call (calls_by_name, name, single_output (add_leaf (b, layer, scope, call_inputs)));
                }
              calls_done[i]++;
              progressed = TRUE;
            }
          remaining += n_calls - calls_done[i];
        }

      if (remaining > 0 && !progressed)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "the model config refers to layer outputs that no layer produces");
          return NULL;
        }
    }
  while (remaining > 0);

  result = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < output_refs->len; i++)
    {
      const TensorRef *ref = &g_array_index (output_refs, TensorRef, i);
      guint node_index;

      if (lookup_tensor (calls_by_name, ref, &node_index) == NULL)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                       "model output “%s” is not produced by any layer", ref->name);
          g_array_unref (result);
          return NULL;
        }
      g_array_append_val (result, node_index);
    }

  if (inputs == NULL)
    for (guint i = 0; i < input_refs->len; i++)
      {
        guint node_index;
        if (lookup_tensor (calls_by_name, &g_array_index (input_refs, TensorRef, i), &node_index) == NULL)
          {
            g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                         "model input “%s” is not an InputLayer",
                         g_array_index (input_refs, TensorRef, i).name);
            g_array_unref (result);
            return NULL;
          }
        g_array_append_val (b->model->inputs, node_index);
      }

  return result;
}

static GArray *
build_model (Builder    *b,
             JsonObject *model_json,
             const char *scope,
             GArray     *inputs,
             GError    **error)
{
  const char *class_name = json_object_get_string_member_with_default (model_json, "class_name", "");
  JsonNode *config = json_object_get_member (model_json, "config");

  if (config == NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "model “%s” has no config", scope[0] ? scope : class_name);
      return NULL;
    }

  if (g_str_equal (class_name, "Sequential"))
    {
      GArray *outs = build_sequential (b, config, scope, inputs, error);

      /* The top-level Sequential's input is its first node. */
      if (outs != NULL && inputs == NULL && b->model->inputs->len == 0)
        {
          guint first = 0;
          g_array_append_val (b->model->inputs, first);
        }
      return outs;
    }

  if (!JSON_NODE_HOLDS_OBJECT (config))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "the config of model “%s” is not an object", scope[0] ? scope : class_name);
      return NULL;
    }
  return build_functional (b, json_node_get_object (config), scope, inputs, error);
}

gboolean
_lsc_keras_graph_build (LscModel             *model,
                        JsonObject           *model_json,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  g_autoptr(GPtrArray) unsupported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) outputs = NULL;
  Builder b = { model, ctx, unsupported };
  JsonNode *config;
  const char *class_name = json_object_get_string_member_with_default (model_json, "class_name", NULL);

  if (class_name == NULL || !(is_model_class (model_json) || g_str_equal (class_name, "Sequential")))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "the model config describes a “%s”, not a Sequential or Functional model",
                   class_name ? class_name : "(nothing)");
      return FALSE;
    }

  config = json_object_get_member (model_json, "config");
  if (config != NULL && JSON_NODE_HOLDS_OBJECT (config))
    {
      const char *name = json_object_get_string_member_with_default (json_node_get_object (config), "name", NULL);
      if (name != NULL)
        {
          g_free (model->name);
          model->name = g_strdup (name);
        }
    }

  outputs = build_model (&b, model_json, "", NULL, error);
  if (outputs == NULL)
    return FALSE;

  if (unsupported->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (unsupported, NULL);
      list = g_strjoinv (", ", (char **) unsupported->pdata);
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER,
                   "this model uses %u layer%s that Layerscope cannot run: %s",
                   unsupported->len - 1, unsupported->len - 1 == 1 ? "" : "s", list);
      return FALSE;
    }

  g_array_append_vals (model->outputs, outputs->data, outputs->len);
  return TRUE;
}
