#include "lsc-zoo-graph.h"

#include <stdarg.h>

static void
weight_free (gpointer data)
{
  LscZooWeight *weight = data;

  g_free (weight->name);
  g_free (weight->values);
  g_free (weight);
}

static void
layer_free (gpointer data)
{
  LscZooLayer *layer = data;

  g_free (layer->class_name);
  g_free (layer->name);
  if (layer->config != NULL)
    json_node_unref (layer->config);
  g_free (layer->inputs);
  g_ptr_array_unref (layer->weights);
  g_free (layer);
}

LscZooGraph *
lsc_zoo_graph_new (const char *name,
                   gboolean    sequential)
{
  LscZooGraph *graph = g_new0 (LscZooGraph, 1);

  graph->name = g_strdup (name);
  graph->sequential = sequential;
  graph->init_style = LSC_ZOO_INIT_STYLE_KERAS;
  /* Pixels in [0, 1) or [-1, 1): E[x²] = 1/3. */
  graph->input_mean_square = 1.0 / 3.0;
  graph->layers = g_ptr_array_new_with_free_func (layer_free);
  graph->auto_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return graph;
}

void
lsc_zoo_graph_free (LscZooGraph *graph)
{
  if (graph == NULL)
    return;
  g_free (graph->name);
  g_ptr_array_unref (graph->layers);
  g_hash_table_unref (graph->auto_names);
  g_free (graph->error);
  g_free (graph);
}

LscZooLayer *
lsc_zoo_graph_get_layer (LscZooGraph *graph,
                         guint        index)
{
  g_return_val_if_fail (index < graph->layers->len, NULL);
  return g_ptr_array_index (graph->layers, index);
}

guint
lsc_zoo_graph_get_output (LscZooGraph *graph)
{
  g_return_val_if_fail (graph->layers->len > 0, 0);
  return graph->layers->len - 1;
}

void
lsc_zoo_graph_set_error (LscZooGraph *graph,
                         const char  *format,
                         ...)
{
  va_list args;

  if (graph->error != NULL)
    return;
  va_start (args, format);
  graph->error = g_strdup_vprintf (format, args);
  va_end (args);
}

/* Keras's backend.unique_object_name (zero_based=True): the first layer of
 * a class gets the bare snake_case name, later ones "_1", "_2", … */
static char *
auto_name (LscZooGraph *graph,
           const char  *prefix)
{
  gpointer value;
  guint count = 0;

  if (g_hash_table_lookup_extended (graph->auto_names, prefix, NULL, &value))
    count = GPOINTER_TO_UINT (value);
  g_hash_table_replace (graph->auto_names, g_strdup (prefix), GUINT_TO_POINTER (count + 1));
  return count == 0 ? g_strdup (prefix) : g_strdup_printf ("%s_%u", prefix, count);
}

LscZooLayer *
lsc_zoo_graph_add_layer (LscZooGraph *graph,
                         const char  *class_name,
                         const char  *name,
                         const char  *auto_prefix,
                         const guint *inputs,
                         guint        n_inputs)
{
  LscZooLayer *layer = g_new0 (LscZooLayer, 1);

  layer->class_name = g_strdup (class_name);
  layer->name = name != NULL ? g_strdup (name) : auto_name (graph, auto_prefix);
  layer->inputs = g_memdup2 (inputs, n_inputs * sizeof (guint));
  layer->n_inputs = n_inputs;
  layer->weights = g_ptr_array_new_with_free_func (weight_free);
  layer->output.ndim = 0;
  g_ptr_array_add (graph->layers, layer);
  return layer;
}

void
lsc_zoo_layer_set_config (LscZooLayer *layer,
                          JsonNode    *config)
{
  if (layer->config != NULL)
    json_node_unref (layer->config);
  layer->config = config;
}

LscZooWeight *
lsc_zoo_layer_add_weight (LscZooLayer *layer,
                          const char  *name,
                          LscZooFill   fill,
                          int          ndim,
                          ...)
{
  LscZooWeight *weight = g_new0 (LscZooWeight, 1);
  va_list args;

  g_return_val_if_fail (ndim >= 0 && ndim <= 4, NULL);
  weight->name = g_strdup (name);
  weight->fill = fill;
  weight->scale = 1.0;
  weight->ndim = ndim;
  va_start (args, ndim);
  for (int i = 0; i < ndim; i++)
    weight->dims[i] = va_arg (args, int64_t);
  va_end (args);
  g_ptr_array_add (layer->weights, weight);
  return weight;
}

int64_t
lsc_zoo_weight_numel (const LscZooWeight *weight)
{
  int64_t n = 1;

  for (int i = 0; i < weight->ndim; i++)
    n *= weight->dims[i];
  return n;
}

int64_t
lsc_zoo_graph_count_params (LscZooGraph *graph)
{
  int64_t total = 0;

  for (guint i = 0; i < graph->layers->len; i++)
    {
      LscZooLayer *layer = g_ptr_array_index (graph->layers, i);

      for (guint w = 0; w < layer->weights->len; w++)
        total += lsc_zoo_weight_numel (g_ptr_array_index (layer->weights, w));
    }
  return total;
}

int64_t
lsc_zoo_graph_count_macs (LscZooGraph *graph)
{
  int64_t total = 0;

  for (guint i = 0; i < graph->layers->len; i++)
    total += ((LscZooLayer *) g_ptr_array_index (graph->layers, i))->macs;
  return total;
}

/* Keras's functional._build_map: a depth-first walk from the output that
 * numbers layers in the order it first meets them (pre-order) and lists
 * them once all their inputs are listed (post-order). */
static void
walk_from_output (LscZooGraph *graph,
                  guint        index,
                  int         *first_seen,
                  int         *n_seen,
                  gboolean    *finished,
                  GArray      *post_order)
{
  LscZooLayer *layer = g_ptr_array_index (graph->layers, index);

  if (finished[index])
    return;
  if (first_seen[index] < 0)
    first_seen[index] = (*n_seen)++;
  for (guint i = 0; i < layer->n_inputs; i++)
    walk_from_output (graph, layer->inputs[i], first_seen, n_seen, finished, post_order);
  finished[index] = TRUE;
  g_array_append_val (post_order, index);
}

typedef struct
{
  guint index;
  int   depth;
  int   first_seen;
} OrderKey;

static int
compare_order_keys (gconstpointer a,
                    gconstpointer b)
{
  const OrderKey *ka = a, *kb = b;

  if (ka->depth != kb->depth)
    return ka->depth > kb->depth ? -1 : 1;
  return ka->first_seen - kb->first_seen;
}

GArray *
lsc_zoo_graph_keras_order (LscZooGraph *graph)
{
  guint n = graph->layers->len;
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_autofree int *first_seen = NULL;
  g_autofree int *depth = NULL;
  g_autofree gboolean *finished = NULL;
  g_autofree OrderKey *keys = NULL;
  g_autoptr(GArray) post_order = NULL;
  int n_seen = 0;
  guint n_keys = 0;

  if (graph->sequential)
    {
      for (guint i = 1; i < n; i++)
        g_array_append_val (order, i);
      return order;
    }

  first_seen = g_new (int, n);
  depth = g_new0 (int, n);
  finished = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    first_seen[i] = -1;
  post_order = g_array_new (FALSE, FALSE, sizeof (guint));
  walk_from_output (graph, lsc_zoo_graph_get_output (graph), first_seen, &n_seen,
                    finished, post_order);

  /* functional._map_graph_network: from the output back, a layer's inputs
   * are at least one deeper than the layer. */
  for (guint k = post_order->len; k-- > 0;)
    {
      guint index = g_array_index (post_order, guint, k);
      LscZooLayer *layer = g_ptr_array_index (graph->layers, index);

      for (guint i = 0; i < layer->n_inputs; i++)
        depth[layer->inputs[i]] = MAX (depth[layer->inputs[i]], depth[index] + 1);
    }

  keys = g_new (OrderKey, n);
  for (guint i = 0; i < n; i++)
    if (finished[i])
      keys[n_keys++] = (OrderKey) { i, depth[i], first_seen[i] };
  qsort (keys, n_keys, sizeof (OrderKey), compare_order_keys);
  for (guint i = 0; i < n_keys; i++)
    g_array_append_val (order, keys[i].index);
  return order;
}

static void
add_node_ref (JsonBuilder *builder,
              const char  *name,
              gboolean     with_kwargs)
{
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, name);
  json_builder_add_int_value (builder, 0);
  json_builder_add_int_value (builder, 0);
  if (with_kwargs)
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_layer_entry (JsonBuilder *builder,
                 LscZooGraph *graph,
                 LscZooLayer *layer)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "class_name");
  json_builder_add_string_value (builder, layer->class_name);
  json_builder_set_member_name (builder, "config");
  json_builder_add_value (builder, json_node_copy (layer->config));
  if (!graph->sequential)
    {
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, layer->name);
      /* One call per layer: [[[input, 0, 0, {}], …]], or [] for the input. */
      json_builder_set_member_name (builder, "inbound_nodes");
      json_builder_begin_array (builder);
      if (layer->n_inputs > 0)
        {
          json_builder_begin_array (builder);
          for (guint i = 0; i < layer->n_inputs; i++)
            add_node_ref (builder, lsc_zoo_graph_get_layer (graph, layer->inputs[i])->name, TRUE);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

char *
lsc_zoo_graph_to_json (LscZooGraph *graph)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) order = lsc_zoo_graph_keras_order (graph);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "class_name");
  json_builder_add_string_value (builder, graph->sequential ? "Sequential" : "Functional");
  json_builder_set_member_name (builder, "config");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, graph->name);
  if (!graph->sequential)
    {
      json_builder_set_member_name (builder, "trainable");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_set_member_name (builder, "layers");
  json_builder_begin_array (builder);
  /* A Sequential's config lists its InputLayer first although model.layers
   * (and so layer_names) leaves it out. */
  if (graph->sequential)
    add_layer_entry (builder, graph, lsc_zoo_graph_get_layer (graph, 0));
  for (guint i = 0; i < order->len; i++)
    add_layer_entry (builder, graph, lsc_zoo_graph_get_layer (graph, g_array_index (order, guint, i)));
  json_builder_end_array (builder);
  if (!graph->sequential)
    {
      json_builder_set_member_name (builder, "input_layers");
      json_builder_begin_array (builder);
      add_node_ref (builder, lsc_zoo_graph_get_layer (graph, 0)->name, FALSE);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "output_layers");
      json_builder_begin_array (builder);
      add_node_ref (builder, lsc_zoo_graph_get_layer (graph, lsc_zoo_graph_get_output (graph))->name, FALSE);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
