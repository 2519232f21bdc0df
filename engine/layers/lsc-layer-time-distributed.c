/* TimeDistributed: one layer applied to each time step. */

#include "lsc-layer-time-distributed.h"

#include "lsc-layer-config.h"
#include "lsc-layer-registry.h"

const LscLayer *
lsc_time_distributed_get_inner (const LscLayer *layer)
{
  g_return_val_if_fail (layer->children->len == 1, NULL);
  return g_ptr_array_index (layer->children, 0);
}

static gboolean
time_distributed_parse (LscLayer             *layer,
                        JsonObject           *config,
                        const LscLoadContext *ctx,
                        GError              **error)
{
  JsonNode *node = json_object_get_member (config, "layer");
  LscLayer *inner;
  GError *local_error = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_CONFIG,
                           "“layer” must be a layer ({\"class_name\": …, \"config\": …})");
      return FALSE;
    }

  inner = lsc_layer_new_from_json (json_node_get_object (node), ctx, &local_error);
  if (inner == NULL)
    {
      g_propagate_prefixed_error (error, local_error, "layer “%s” (%s): ",
                                  layer->name, layer->class_name);
      return FALSE;
    }
  g_ptr_array_add (layer->children, inner);

  if (inner->ops->min_inputs > 1 || inner->ops->max_inputs < 1 || inner->ops->run == NULL)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                           "cannot wrap a %s layer (it does not take one input tensor)",
                           inner->class_name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
time_distributed_attach_weights (LscLayer  *layer,
                                 GError   **error)
{
  LscLayer *inner = g_ptr_array_index (layer->children, 0);

  /* Called again after the weights were handed over: keep them. */
  if (layer->weights->len > 0)
    {
      g_autofree gpointer *tensors = NULL;
      g_autofree gpointer *names = NULL;
      gsize n = 0;

      tensors = g_ptr_array_steal (layer->weights, &n);
      names = g_ptr_array_steal (layer->weight_names, &n);
      g_ptr_array_set_size (inner->weights, 0);
      g_ptr_array_set_size (inner->weight_names, 0);
      for (gsize i = 0; i < n; i++)
        {
          g_ptr_array_add (inner->weights, tensors[i]);
          g_ptr_array_add (inner->weight_names, names[i]);
        }
    }

  if (inner->ops->attach_weights != NULL)
    return inner->ops->attach_weights (inner, error);
  return TRUE;
}

/* The inner layer's input: batch * time samples of one step each. */
static gboolean
inner_input_shape (const LscLayer *layer,
                   const LscShape *in,
                   LscShape       *inner_in,
                   GError        **error)
{
  if (in->ndim < 3)
    {
      g_autofree char *have = lsc_shape_to_string (in);
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "needs an input of at least 3 dimensions (batch, time, …), got %s", have);
      return FALSE;
    }

  inner_in->ndim = in->ndim - 1;
  inner_in->dims[0] = in->dims[0] >= 0 && in->dims[1] >= 0
                      ? in->dims[0] * in->dims[1] : LSC_DIM_UNKNOWN;
  for (int i = 2; i < in->ndim; i++)
    inner_in->dims[i - 1] = in->dims[i];
  return TRUE;
}

static gboolean
time_distributed_infer (const LscLayer *layer,
                        const LscShape *inputs,
                        guint           n_inputs,
                        LscShape       *output,
                        GError        **error)
{
  const LscLayer *inner = lsc_time_distributed_get_inner (layer);
  LscShape inner_in, inner_out;

  if (layer->weights->len != 0)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                           "the weights were not handed to the inner layer");
      return FALSE;
    }
  if (!inner_input_shape (layer, &inputs[0], &inner_in, error) ||
      !inner->ops->infer (inner, &inner_in, 1, &inner_out, error))
    return FALSE;

  if (inner_out.ndim < 1 || inner_out.ndim + 1 > LSC_MAX_DIMS)
    {
      lsc_layer_set_error (layer, error, LSC_ENGINE_ERROR_BAD_SHAPE,
                           "the inner layer's output has %d dimensions", inner_out.ndim);
      return FALSE;
    }

  output->ndim = inner_out.ndim + 1;
  output->dims[0] = inputs[0].dims[0];
  output->dims[1] = inputs[0].dims[1];
  for (int i = 1; i < inner_out.ndim; i++)
    output->dims[i + 1] = inner_out.dims[i];
  return TRUE;
}

static void
time_distributed_run (const LscLayer         *layer,
                      const LscTensor *const *inputs,
                      guint                   n_inputs,
                      LscTensor              *output)
{
  const LscLayer *inner = lsc_time_distributed_get_inner (layer);
  /* (batch, time, …) is laid out as (batch * time, …): the inner layer
   * reads and writes the same memory through views of that shape. */
  LscTensor inner_in = { .data = inputs[0]->data };
  LscTensor inner_out = { .data = output->data };
  const LscTensor *inner_inputs[1] = { &inner_in };

  inner_input_shape (layer, &inputs[0]->shape, &inner_in.shape, NULL);
  inner_out.shape.ndim = output->shape.ndim - 1;
  inner_out.shape.dims[0] = output->shape.dims[0] * output->shape.dims[1];
  for (int i = 2; i < output->shape.ndim; i++)
    inner_out.shape.dims[i - 1] = output->shape.dims[i];

  inner->ops->run (inner, inner_inputs, 1, &inner_out);
}

static int64_t
time_distributed_count_macs (const LscLayer *layer,
                             const LscShape *inputs,
                             guint           n_inputs,
                             const LscShape *output)
{
  const LscLayer *inner = lsc_time_distributed_get_inner (layer);
  LscShape inner_in, inner_out;

  if (inputs[0].ndim < 3 || inputs[0].dims[0] < 0 || inputs[0].dims[1] < 0)
    return -1;
  if (inner->ops->count_macs == NULL)
    return 0;
  if (!inner_input_shape (layer, &inputs[0], &inner_in, NULL) ||
      !inner->ops->infer (inner, &inner_in, 1, &inner_out, NULL))
    return -1;
  return inner->ops->count_macs (inner, &inner_in, 1, &inner_out);
}

const LscLayerOps lsc_layer_time_distributed_ops = {
  .class_name = "TimeDistributed",
  .kind = LSC_LAYER_KIND_WRAPPER,
  .min_inputs = 1,
  .max_inputs = 1,
  .parse = time_distributed_parse,
  .attach_weights = time_distributed_attach_weights,
  .infer = time_distributed_infer,
  .run = time_distributed_run,
  .count_macs = time_distributed_count_macs,
};
