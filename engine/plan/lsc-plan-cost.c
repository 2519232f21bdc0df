#include "plan/lsc-plan-private.h"

#include "layers/lsc-layer-activation-layers.h"
#include "layers/lsc-layer-pool.h"

/* Per-step FLOPs and bytes for the profiler (roofline points, GFLOP/s,
 * GB/s). The rules are the ones lsc-plan.h states; test-profile-cost checks
 * them against figures derived by hand for each layer kind. */

static const LscShape *
node_shape (LscPlan *plan,
            guint    node)
{
  return &g_array_index (plan->values, LscValue, node).shape;
}

static double
elements (const LscShape *shape)
{
  double n = 1.0;

  for (int d = 0; d < shape->ndim; d++)
    n *= (double) shape->dims[d];
  return n;
}

/* A BatchNormalization or ZeroPadding fused into a convolution or Dense
 * costs nothing at run time: it was folded into the weights and the
 * convolution's geometry. */
static gboolean
is_folded (const LscLayer *main,
           const LscLayer *layer)
{
  const LscLayerKind mk = main->ops->kind;

  if (mk != LSC_LAYER_KIND_CONV && mk != LSC_LAYER_KIND_DENSE && mk != LSC_LAYER_KIND_DEPTHWISE_CONV)
    return FALSE;
  return g_strcmp0 (layer->ops->class_name, "BatchNormalization") == 0
         || layer->ops->kind == LSC_LAYER_KIND_PADDING;
}

/* Multiply-accumulates of one sample of a node. */
static double
node_macs (LscPlan *plan,
           guint    node_index)
{
  const LscNode *node = lsc_model_get_node (plan->model, node_index);
  LscShape in[LSC_OP_MAX_INPUTS];
  LscShape out = *node_shape (plan, node_index);

  if (node->layer->ops->count_macs == NULL || node->n_inputs > LSC_OP_MAX_INPUTS)
    return 0.0;
  out.dims[0] = 1;
  for (guint k = 0; k < node->n_inputs; k++)
    {
      in[k] = *node_shape (plan, node->inputs[k]);
      in[k].dims[0] = 1;
    }
  return (double) MAX (node->layer->ops->count_macs (node->layer, in, node->n_inputs, &out), 0);
}

/* FLOPs of one sample of a node computed on its own. */
static double
node_flops (LscPlan *plan,
            guint    node_index)
{
  const LscNode *node = lsc_model_get_node (plan->model, node_index);
  const LscLayer *layer = node->layer;
  const double out = elements (node_shape (plan, node_index)) / (double) plan->batch;
  const double macs = node_macs (plan, node_index);

  if (macs > 0.0)
    return 2.0 * macs;

  switch (layer->ops->kind)
    {
    case LSC_LAYER_KIND_POOL:
      {
        const LscPoolParams *p = layer->params;
        double window = 1.0;

        for (int a = 0; a < p->rank; a++)
          window *= (double) p->pool_size[a];
        return out * window;
      }
    case LSC_LAYER_KIND_GLOBAL_POOL:
      /* One add or compare per input element. */
      return elements (node_shape (plan, node->inputs[0])) / (double) plan->batch;
    case LSC_LAYER_KIND_MERGE:
      if (g_strcmp0 (layer->ops->class_name, "Concatenate") == 0)
        return 0.0;
      return out * (double) (node->n_inputs - 1);
    case LSC_LAYER_KIND_NORMALIZATION:
      /* LayerNormalization: mean, variance, normalise, scale and shift;
       * the others are one multiply-add per element. */
      return out * (g_strcmp0 (layer->ops->class_name, "LayerNormalization") == 0 ? 5.0 : 2.0);
    case LSC_LAYER_KIND_ACTIVATION:
      /* Softmax: exponential, sum and divide. */
      if (g_strcmp0 (layer->ops->class_name, "Softmax") == 0
          || (g_strcmp0 (layer->ops->class_name, "Activation") == 0
              && ((const LscActivationLayerParams *) layer->params)->activation == LSC_ACTIVATION_SOFTMAX))
        return 3.0 * out;
      return out;
    default:
      return 0.0;
    }
}

void
lsc_plan_get_step_cost (LscPlan     *plan,
                        guint        step,
                        int64_t      batch,
                        LscStepCost *cost)
{
  const LscOp *op;
  const LscLayer *main;
  double flops = 0.0, params = 0.0, in = 0.0;

  g_return_if_fail (step < plan->ops->len && cost != NULL);
  op = g_ptr_array_index (plan->ops, step);
  main = lsc_model_get_node (plan->model, op->nodes[0])->layer;

  for (guint k = 0; k < op->step.n_nodes; k++)
    {
      const LscLayer *layer = lsc_model_get_node (plan->model, op->nodes[k])->layer;

      if (k > 0 && is_folded (main, layer))
        continue;
      flops += node_flops (plan, op->nodes[k]);
      /* An Embedding reads only the rows it looks up, as many floats as it
       * writes, not its whole table. */
      if (layer->ops->kind == LSC_LAYER_KIND_EMBEDDING)
        in += elements (node_shape (plan, op->nodes[k])) / (double) plan->batch;
      else
        params += (double) lsc_layer_count_params (layer);
    }
  for (guint k = 0; k < op->n_inputs; k++)
    in += elements (&op->in_shapes[k]) / (double) plan->batch;

  cost->flops = flops * (double) batch;
  cost->weight_bytes = params * sizeof (float);
  cost->input_bytes = in * (double) batch * sizeof (float);
  cost->output_bytes = elements (&op->out_shape) / (double) plan->batch * (double) batch * sizeof (float);
}
