/* Bidirectional: a recurrent layer run forwards and backwards. */

#include "lsc-layer-bidirectional.h"

#include <string.h>

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"
#include "lsc-layer-rnn.h"

const LscLayer *
lsc_bidirectional_get_forward (const LscLayer *layer)
{
  g_return_val_if_fail (layer->children->len == 2, NULL);
  return g_ptr_array_index (layer->children, 0);
}

const LscLayer *
lsc_bidirectional_get_backward (const LscLayer *layer)
{
  g_return_val_if_fail (layer->children->len == 2, NULL);
  return g_ptr_array_index (layer->children, 1);
}

/* Creates the inner layer described by config[key], which must be a
 * recurrent layer of lsc-layer-rnn.c. */
static LscLayer *
new_inner_layer (LscLayer             *layer,
                 JsonObject           *config,
                 const char           *key,
                 const LscLoadContext *ctx,
                 GError              **error)
{
  JsonNode *node = json_object_get_member (config, key);
  g_autoptr(LscLayer) inner = NULL;
  GError *local_error = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“%s” must be a layer ({\"class_name\": …, \"config\": …})", key);
      return NULL;
    }

  inner = lsc_layer_new_from_json (json_node_get_object (node), ctx, &local_error);
  if (inner == NULL)
    {
      g_propagate_prefixed_error (error, local_error, "layer “%s” (%s): ",
                                  layer->name, layer->class_name);
      return NULL;
    }
  if (!lsc_layer_is_rnn (inner))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "can only wrap SimpleRNN, LSTM, GRU, CuDNNLSTM or CuDNNGRU, not %s",
                           inner->class_name);
      return NULL;
    }
  return g_steal_pointer (&inner);
}

static void
rename_layer (LscLayer   *inner,
              const char *prefix)
{
  char *name = g_strconcat (prefix, inner->name, NULL);

  g_free (inner->name);
  inner->name = name;
}

static gboolean
bidirectional_parse (LscLayer             *layer,
                     JsonObject           *config,
                     const LscLoadContext *ctx,
                     GError              **error)
{
  LscBidirectionalParams *params = g_new0 (LscBidirectionalParams, 1);
  JsonNode *merge_node = json_object_get_member (config, "merge_mode");
  const char *merge = NULL;
  LscLayer *forward, *backward;
  LscRnnParams *forward_params, *backward_params;

  layer->params = params;

  if (merge_node != NULL && JSON_NODE_HOLDS_NULL (merge_node))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "merge_mode=None (two separate outputs) is not supported");
      return FALSE;
    }
  if (!lsc_config_get_string_or (layer, config, "merge_mode", "concat", &merge, error))
    return FALSE;
  if (g_str_equal (merge, "concat"))
    params->merge = LSC_BIDIRECTIONAL_MERGE_CONCAT;
  else if (g_str_equal (merge, "sum"))
    params->merge = LSC_BIDIRECTIONAL_MERGE_SUM;
  else if (g_str_equal (merge, "mul"))
    params->merge = LSC_BIDIRECTIONAL_MERGE_MUL;
  else if (g_str_equal (merge, "ave"))
    params->merge = LSC_BIDIRECTIONAL_MERGE_AVE;
  else
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "merge_mode “%s” is not concat, sum, mul or ave", merge);
      return FALSE;
    }

  forward = new_inner_layer (layer, config, "layer", ctx, error);
  if (forward == NULL)
    return FALSE;
  g_ptr_array_add (layer->children, forward);

  if (lsc_config_has (config, "backward_layer"))
    {
      /* Written by Keras 3 always, and by tf.keras when the model passed
       * its own backward layer. */
      backward = new_inner_layer (layer, config, "backward_layer", ctx, error);
      if (backward == NULL)
        return FALSE;
      g_ptr_array_add (layer->children, backward);
    }
  else
    {
      /* Keras 2 builds the backward layer from the same config with
       * go_backwards flipped, and names the two forward_X and backward_X. */
      backward = new_inner_layer (layer, config, "layer", ctx, error);
      if (backward == NULL)
        return FALSE;
      g_ptr_array_add (layer->children, backward);
      backward_params = backward->params;
      backward_params->go_backwards = !backward_params->go_backwards;
      rename_layer (forward, "forward_");
      rename_layer (backward, "backward_");
    }

  forward_params = forward->params;
  backward_params = backward->params;
  if (forward_params->return_sequences != backward_params->return_sequences)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the forward and backward layers disagree on return_sequences");
      return FALSE;
    }
  if (forward_params->go_backwards == backward_params->go_backwards)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "the forward and backward layers must have different go_backwards");
      return FALSE;
    }
  params->return_sequences = forward_params->return_sequences;
  return TRUE;
}

/* Moves weights[from, to) of layer to inner, replacing what it had. */
static void
move_weights (LscLayer  *inner,
              gpointer  *tensors,
              char     **names,
              guint      from,
              guint      to)
{
  g_ptr_array_set_size (inner->weights, 0);
  g_ptr_array_set_size (inner->weight_names, 0);
  for (guint i = from; i < to; i++)
    {
      g_ptr_array_add (inner->weights, tensors[i]);
      g_ptr_array_add (inner->weight_names, names[i]);
    }
}

static gboolean
bidirectional_attach_weights (LscLayer  *layer,
                              GError   **error)
{
  LscLayer *forward = g_ptr_array_index (layer->children, 0);
  LscLayer *backward = g_ptr_array_index (layer->children, 1);
  guint n = layer->weights->len;
  guint n_forward = lsc_rnn_get_n_file_weights (forward);
  guint n_backward = lsc_rnn_get_n_file_weights (backward);
  g_autofree gpointer *tensors = NULL;
  g_autofree gpointer *names = NULL;
  gsize len;

  /* Called again after the weights were handed over: nothing to do. */
  if (n == 0)
    return TRUE;

  if (n != n_forward + n_backward)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                           "the file has %u weight arrays for this layer, its forward and "
                           "backward layers need %u + %u", n, n_forward, n_backward);
      return FALSE;
    }

  tensors = g_ptr_array_steal (layer->weights, &len);
  names = g_ptr_array_steal (layer->weight_names, &len);
  move_weights (forward, tensors, (char **) names, 0, n_forward);
  move_weights (backward, tensors, (char **) names, n_forward, n);

  for (guint i = 0; i < 2; i++)
    {
      LscLayer *inner = g_ptr_array_index (layer->children, i);
      if (inner->ops->attach_weights != NULL && !inner->ops->attach_weights (inner, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
bidirectional_infer (const LscLayer *layer,
                     const LscShape *inputs,
                     guint           n_inputs,
                     LscShape       *output,
                     GError        **error)
{
  const LscBidirectionalParams *params = layer->params;
  const LscLayer *forward = lsc_bidirectional_get_forward (layer);
  const LscLayer *backward = lsc_bidirectional_get_backward (layer);
  LscShape forward_out, backward_out;
  int last;

  if (layer->weights->len != 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                           "the weights were not handed to the inner layers");
      return FALSE;
    }
  if (!forward->ops->infer (forward, inputs, n_inputs, &forward_out, error) ||
      !backward->ops->infer (backward, inputs, n_inputs, &backward_out, error))
    return FALSE;

  last = forward_out.ndim - 1;
  if (params->merge != LSC_BIDIRECTIONAL_MERGE_CONCAT &&
      forward_out.dims[last] != backward_out.dims[last])
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "merge_mode sum, mul and ave need as many forward units (%" G_GINT64_FORMAT
                           ") as backward units (%" G_GINT64_FORMAT ")",
                           (gint64) forward_out.dims[last], (gint64) backward_out.dims[last]);
      return FALSE;
    }

  *output = forward_out;
  if (params->merge == LSC_BIDIRECTIONAL_MERGE_CONCAT)
    output->dims[last] = forward_out.dims[last] + backward_out.dims[last];
  return TRUE;
}

static LscTensor *
run_inner (const LscLayer         *inner,
           const LscTensor *const *inputs)
{
  LscShape shape;
  LscTensor *out;

  /* infer succeeded on the wrapper before run, so it does on the inner
   * layers too. */
  if (!inner->ops->infer (inner, &inputs[0]->shape, 1, &shape, NULL))
    g_critical ("%s: inner layer %s refused the shape infer accepted", G_STRFUNC, inner->name);
  out = lsc_tensor_new (&shape);
  inner->ops->run (inner, inputs, 1, out);
  return out;
}

static void
bidirectional_run (const LscLayer         *layer,
                   const LscTensor *const *inputs,
                   guint                   n_inputs,
                   LscTensor              *output)
{
  const LscBidirectionalParams *params = layer->params;
  g_autoptr(LscTensor) forward = run_inner (lsc_bidirectional_get_forward (layer), inputs);
  g_autoptr(LscTensor) backward = run_inner (lsc_bidirectional_get_backward (layer), inputs);
  const int last = forward->shape.ndim - 1;

  /* Keras reverses the backward layer's sequence (it comes out in the
   * order it was computed, last input first) so that step t of both
   * outputs belongs to input step t. */
  lsc_ref_bidirectional_merge (params->merge, forward->data, backward->data,
                               forward->shape.dims[0],
                               params->return_sequences ? forward->shape.dims[1] : 1,
                               forward->shape.dims[last], backward->shape.dims[last],
                               params->return_sequences, output->data);
}

static int64_t
bidirectional_count_macs (const LscLayer *layer,
                          const LscShape *inputs,
                          guint           n_inputs,
                          const LscShape *output)
{
  int64_t total = 0;

  /* The recurrent layers count from their input shape alone (the output
   * passed on is the merged one, which they do not read). */
  for (guint i = 0; i < layer->children->len; i++)
    {
      const LscLayer *inner = g_ptr_array_index (layer->children, i);
      int64_t macs = inner->ops->count_macs (inner, inputs, n_inputs, output);

      if (macs < 0)
        return -1;
      total += macs;
    }
  return total;
}

const LscLayerOps lsc_layer_bidirectional_ops = {
  .class_name = "Bidirectional",
  .kind = LSC_LAYER_KIND_RECURRENT,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = bidirectional_parse,
  .attach_weights = bidirectional_attach_weights,
  .infer = bidirectional_infer,
  .run = bidirectional_run,
  .count_macs = bidirectional_count_macs,
};
