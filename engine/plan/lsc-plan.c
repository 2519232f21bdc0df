#include "plan/lsc-plan-private.h"

#include "layers/lsc-layer-activation-layers.h"
#include "layers/lsc-layer-conv.h"
#include "layers/lsc-layer-dense.h"
#include "layers/lsc-layer-depthwise-conv.h"
#include "layers/lsc-layer-padding.h"
#include "layers/lsc-layer-registry.h"
#include "layers/lsc-layer-reshape.h"
#include "plan/lsc-plan-arena.h"

/* Planning, in three passes over the flattened Keras graph:
 *   1. fusion: which nodes fold into the node before them (ZeroPadding into
 *      the convolution after it; BatchNormalization, a residual Add and an
 *      activation layer into the convolution / Dense / merge before them);
 *   2. operations: the fast op for each remaining node where its kernels
 *      cover the configuration, the reference op otherwise;
 *   3. memory: values → storages (renaming layers share their input's),
 *      lifetimes → arena offsets. */

#define NONE G_MAXUINT

void
lsc_plan_options_init (LscPlanOptions *options)
{
  options->isa = lsc_isa_detect ();
  options->fuse = TRUE;
}

/* ---- fusion ------------------------------------------------------------ */

typedef struct
{
  LscModel *model;
  guint     n;
  guint    *n_consumers;   /* model outputs count as consumers */
  guint    *consumer;      /* the only consumer when n_consumers == 1 */
  gboolean *is_output;
  gboolean *absorbed;      /* folded into an earlier op */
  guint    *pad_node, *bn_node, *act_node, *add_node;
  guint    *producer;      /* the main node of the op that will write each node */
} Fusion;

static const LscLayer *
node_layer (LscModel *model,
            guint     node)
{
  return lsc_model_get_node (model, node)->layer;
}

/* The node whose only consumer is `node`'s only consumer … : the one node
 * that reads `node`, when no one else (and no model output) does. */
static guint
sole_consumer (const Fusion *f,
               guint         node)
{
  if (f->n_consumers[node] != 1 || f->is_output[node])
    return NONE;
  return f->consumer[node];
}

static gboolean
is_ops (const LscLayer    *layer,
        const LscLayerOps *ops)
{
  return layer->ops == ops;
}

static gboolean
is_depthwise (const LscLayer *layer)
{
  return is_ops (layer, &lsc_layer_depthwise_conv2d_ops)
         || is_ops (layer, &lsc_layer_depthwise_conv1d_ops);
}

static gboolean
is_conv_like (const LscLayer *layer)
{
  return is_ops (layer, &lsc_layer_conv2d_ops) || is_ops (layer, &lsc_layer_conv1d_ops)
         || is_depthwise (layer);
}

static LscActivation
own_activation (const LscLayer *layer)
{
  if (is_ops (layer, &lsc_layer_dense_ops))
    return ((const LscDenseParams *) layer->params)->activation;
  if (is_ops (layer, &lsc_layer_conv2d_ops) || is_ops (layer, &lsc_layer_conv1d_ops))
    return ((const LscConvParams *) layer->params)->options.activation;
  if (is_depthwise (layer))
    return ((const LscDepthwiseConvParams *) layer->params)->options.activation;
  return LSC_ACTIVATION_LINEAR;
}

static gboolean
is_elementwise_merge (const LscLayer *layer)
{
  return is_ops (layer, &lsc_layer_add_ops) || is_ops (layer, &lsc_layer_subtract_ops)
         || is_ops (layer, &lsc_layer_multiply_ops) || is_ops (layer, &lsc_layer_maximum_ops)
         || is_ops (layer, &lsc_layer_minimum_ops);
}

static void
plan_fusion (Fusion *f)
{
  for (guint i = 0; i < f->n; i++)
    {
      const LscNode *node = lsc_model_get_node (f->model, i);
      const LscLayer *layer = node->layer;
      gboolean matmul = is_conv_like (layer) || is_ops (layer, &lsc_layer_dense_ops);
      guint tail = i, next;
      LscEpilogue epilogue;

      if (f->absorbed[i])
        continue;
      if (!matmul && !is_elementwise_merge (layer)
          && !is_ops (layer, &lsc_layer_batch_normalization_ops))
        continue;

      /* ZeroPadding → convolution: the padding becomes the convolution's. */
      if (is_conv_like (layer) && node->n_inputs == 1)
        {
          guint p = node->inputs[0];
          const LscLayer *pl = node_layer (f->model, p);
          if (sole_consumer (f, p) == i
              && (is_ops (pl, &lsc_layer_zero_padding2d_ops)
                  || is_ops (pl, &lsc_layer_zero_padding1d_ops)))
            {
              f->pad_node[i] = p;
              f->absorbed[p] = TRUE;
              f->producer[p] = i;
            }
        }

      if (own_activation (layer) != LSC_ACTIVATION_LINEAR)
        continue;

      /* Linear convolution / Dense → BatchNormalization: folded into the
       * weights at plan time. */
      next = sole_consumer (f, tail);
      if (matmul && next != NONE
          && is_ops (node_layer (f->model, next), &lsc_layer_batch_normalization_ops)
          && _lsc_batch_norm_affine (node_layer (f->model, next), node->output_shape.ndim,
                                     node->output_shape.dims[node->output_shape.ndim - 1],
                                     NULL, NULL))
        {
          f->bn_node[i] = next;
          f->absorbed[next] = TRUE;
          f->producer[next] = i;
          tail = next;
          next = sole_consumer (f, tail);
        }

      /* Convolution / Dense (→ BatchNorm) → Add with a tensor computed
       * before (a residual connection): added in the epilogue, while the
       * tile is in cache, instead of a pass of its own. */
      if (matmul && !is_depthwise (layer) && next != NONE && is_ops (node_layer (f->model, next), &lsc_layer_add_ops))
        {
          const LscNode *add = lsc_model_get_node (f->model, next);
          if (add->n_inputs == 2)
            {
              const guint other = add->inputs[0] == tail ? add->inputs[1] : add->inputs[0];
              /* The other tensor must be written by an earlier op. */
              if (f->producer[other] < i && (add->inputs[0] == tail) != (add->inputs[1] == tail)
                  && lsc_shape_equal (&lsc_model_get_node (f->model, other)->output_shape,
                                      &lsc_model_get_node (f->model, tail)->output_shape))
                {
                  f->add_node[i] = next;
                  f->absorbed[next] = TRUE;
                  f->producer[next] = i;
                  tail = next;
                  next = sole_consumer (f, tail);
                }
            }
        }

      /* … → activation layer: into the kernel's epilogue. */
      if (next != NONE && _lsc_epilogue_from_layer (node_layer (f->model, next), &epilogue))
        {
          f->act_node[i] = next;
          f->absorbed[next] = TRUE;
          f->producer[next] = i;
        }
    }
}

/* ---- operations --------------------------------------------------------- */

static gboolean
is_renaming (const LscLayer *layer)
{
  if (layer->ops->kind == LSC_LAYER_KIND_IDENTITY)
    return TRUE;
  if (layer->ops->kind == LSC_LAYER_KIND_RESHAPE)
    return ((const LscReshapeParams *) layer->params)->op != LSC_RESHAPE_OP_PERMUTE;
  return FALSE;
}

/* The fast op for the request, or NULL. */
static LscOp *
plan_fast_op (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  LscOp *op = NULL;

  if (is_ops (layer, &lsc_layer_conv2d_ops) || is_ops (layer, &lsc_layer_conv1d_ops)
      || is_ops (layer, &lsc_layer_dense_ops))
    op = _lsc_op_conv_plan (request);
  else if (is_depthwise (layer))
    op = _lsc_op_dwconv_plan (request);
  else if (layer->ops->kind == LSC_LAYER_KIND_POOL || layer->ops->kind == LSC_LAYER_KIND_GLOBAL_POOL)
    op = _lsc_op_pool_plan (request);
  else if (layer->ops->kind == LSC_LAYER_KIND_MERGE
           || layer->ops->kind == LSC_LAYER_KIND_ACTIVATION
           || layer->ops->kind == LSC_LAYER_KIND_NORMALIZATION)
    op = _lsc_op_elementwise_plan (request);
  else if (layer->ops->kind == LSC_LAYER_KIND_RECURRENT)
    op = _lsc_op_rnn_plan (request);

  return op;
}

/* ---- memory ------------------------------------------------------------- */

static guint
new_storage (LscPlan        *plan,
             const LscShape *shape)
{
  LscStorage storage = { 0 };

  storage.floats = ((gsize) lsc_shape_numel (shape) + 15) & ~(gsize) 15;
  storage.first_op = G_MAXINT;
  storage.last_op = -1;
  g_array_append_val (plan->storages, storage);
  return plan->storages->len - 1;
}

static LscValue *
plan_value (LscPlan *plan,
            guint    id)
{
  return &g_array_index (plan->values, LscValue, id);
}

static LscStorage *
plan_storage (LscPlan *plan,
              guint    id)
{
  return &g_array_index (plan->storages, LscStorage, id);
}

static void
touch (LscPlan *plan,
       guint    value,
       int      op_index)
{
  LscStorage *s = plan_storage (plan, plan_value (plan, value)->storage);

  s->first_op = MIN (s->first_op, op_index);
  s->last_op = MAX (s->last_op, op_index);
}

static void
plan_memory (LscPlan *plan)
{
  LscModel *model = plan->model;
  const int n_ops = plan->ops->len;

  /* Model inputs are written before the first op; outputs read after the
   * last. */
  for (guint k = 0; k < lsc_model_get_n_inputs (model); k++)
    touch (plan, lsc_model_get_input_node (model, k), -1);
  for (int o = 0; o < n_ops; o++)
    {
      const LscOp *op = g_ptr_array_index (plan->ops, o);
      for (guint k = 0; k < op->n_inputs; k++)
        touch (plan, op->inputs[k], o);
      touch (plan, op->output, o);
    }
  for (guint k = 0; k < lsc_model_get_n_outputs (model); k++)
    touch (plan, lsc_model_get_output_node (model, k), n_ops);

  plan->arena_floats = lsc_arena_layout ((LscStorage *) (void *) plan->storages->data,
                                         plan->storages->len);
}

/* ---- the plan ----------------------------------------------------------- */

/* Appends op, giving the node it writes (the last of its chain) a storage. */
static void
add_op (LscPlan *plan,
        LscOp   *op)
{
  LscValue *out = plan_value (plan, op->output);

  out->storage = new_storage (plan, &out->shape);
  for (guint k = 0; k < op->step.n_nodes; k++)
    plan->node_step[op->step.nodes[k]] = plan->ops->len;
  g_ptr_array_add (plan->ops, op);
}

LscPlan *
lsc_plan_new (LscModel             *model,
              const LscShape       *input_shapes,
              guint                 n_inputs,
              const LscPlanOptions *options,
              GError              **error)
{
  g_autoptr(LscPlan) plan = NULL;
  const guint n = lsc_model_get_n_nodes (model);
  g_autofree LscShape *shapes = g_new0 (LscShape, n);
  g_autofree guint *n_consumers = g_new0 (guint, n);
  g_autofree guint *consumer = g_new0 (guint, n);
  g_autofree gboolean *is_output = g_new0 (gboolean, n);
  g_autofree gboolean *absorbed = g_new0 (gboolean, n);
  g_autofree guint *pad_node = g_new (guint, n);
  g_autofree guint *bn_node = g_new (guint, n);
  g_autofree guint *act_node = g_new (guint, n);
  g_autofree guint *add_node = g_new (guint, n);
  g_autofree guint *producer = g_new (guint, n);
  gsize max_channels = 16;

  g_return_val_if_fail (model != NULL && options != NULL, NULL);

  if (!lsc_isa_is_supported (options->isa))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "this CPU does not support %s; the best it has is %s",
                   lsc_isa_to_string (options->isa), lsc_isa_to_string (lsc_isa_detect ()));
      return NULL;
    }
  if (!lsc_model_infer_run_shapes (model, input_shapes, n_inputs, shapes, error))
    return NULL;

  plan = g_new0 (LscPlan, 1);
  g_atomic_ref_count_init (&plan->ref_count);
  plan->model = lsc_model_ref (model);
  plan->options = *options;
  plan->kernels = lsc_kernels_for_isa (options->isa);
  plan->batch = input_shapes[0].dims[0];
  plan->input_shapes = g_memdup2 (input_shapes, n_inputs * sizeof (LscShape));
  plan->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) _lsc_op_free);
  plan->values = g_array_sized_new (FALSE, TRUE, sizeof (LscValue), n);
  plan->storages = g_array_new (FALSE, TRUE, sizeof (LscStorage));
  plan->node_step = g_new (int, n);
  g_array_set_size (plan->values, n);

  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);
      for (guint k = 0; k < node->n_inputs; k++)
        {
          n_consumers[node->inputs[k]]++;
          consumer[node->inputs[k]] = i;
        }
      pad_node[i] = bn_node[i] = act_node[i] = add_node[i] = NONE;
      producer[i] = i;
      plan_value (plan, i)->shape = shapes[i];
      plan_value (plan, i)->storage = NONE;
      plan->node_step[i] = -1;
      max_channels = MAX (max_channels, (gsize) shapes[i].dims[shapes[i].ndim - 1]);
    }
  for (guint k = 0; k < lsc_model_get_n_outputs (model); k++)
    is_output[lsc_model_get_output_node (model, k)] = TRUE;

  /* Padding taps of convolutions read zeros: one row of the widest
   * channel count any tensor has. */
  plan->zero_floats = (max_channels + 15) & ~(gsize) 15;
  plan->zero = g_aligned_alloc0 (plan->zero_floats, sizeof (float), 64);

  if (options->fuse)
    {
      Fusion f = { model, n, n_consumers, consumer, is_output, absorbed,
                   pad_node, bn_node, act_node, add_node, producer };
      plan_fusion (&f);
    }

  for (guint i = 0; i < n; i++)
    {
      const LscNode *node = lsc_model_get_node (model, i);
      LscOpRequest request = { plan, model, shapes, i, pad_node[i], bn_node[i], act_node[i], add_node[i] };
      LscValue *value = plan_value (plan, i);
      LscOp *op;

      if (absorbed[i])
        continue;
      if (node->layer->ops->kind == LSC_LAYER_KIND_INPUT)
        {
          value->storage = new_storage (plan, &shapes[i]);
          continue;
        }
      if (is_renaming (node->layer) && node->n_inputs == 1)
        {
          value->storage = plan_value (plan, node->inputs[0])->storage;
          continue;
        }

      if (node->n_inputs > LSC_OP_MAX_INPUTS)
        {
          lsc_layer_set_error (node->layer, error, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG,
                               "has %u inputs; the planner takes at most %d",
                               node->n_inputs, LSC_OP_MAX_INPUTS);
          return NULL;
        }
      op = plan_fast_op (&request);
      if (op == NULL && request.pad_node != NONE)
        {
          /* The fusion the first pass chose does not hold (a configuration
           * the fast kernel lacks): the padding becomes its own op, before
           * this one, and the nodes after it are planned when reached. */
          LscOpRequest pad = { plan, model, shapes, request.pad_node, NONE, NONE, NONE, NONE };
          add_op (plan, _lsc_op_ref_plan (&pad));
        }
      if (op == NULL)
        {
          if (request.bn_node != NONE)
            absorbed[request.bn_node] = FALSE;
          if (request.act_node != NONE)
            absorbed[request.act_node] = FALSE;
          if (request.add_node != NONE)
            absorbed[request.add_node] = FALSE;
          op = _lsc_op_ref_plan (&request);
        }
      add_op (plan, op);
    }

  plan_memory (plan);
  return g_steal_pointer (&plan);
}

LscPlan *
lsc_plan_ref (LscPlan *plan)
{
  g_atomic_ref_count_inc (&plan->ref_count);
  return plan;
}

void
lsc_plan_unref (LscPlan *plan)
{
  if (plan == NULL || !g_atomic_ref_count_dec (&plan->ref_count))
    return;
  g_clear_pointer (&plan->ops, g_ptr_array_unref);
  g_clear_pointer (&plan->values, g_array_unref);
  g_clear_pointer (&plan->storages, g_array_unref);
  g_free (plan->node_step);
  g_free (plan->input_shapes);
  g_aligned_free (plan->zero);
  lsc_model_unref (plan->model);
  g_free (plan);
}

LscModel *
lsc_plan_get_model (LscPlan *plan)
{
  return plan->model;
}

LscIsa
lsc_plan_get_isa (LscPlan *plan)
{
  return plan->options.isa;
}

gboolean
lsc_plan_get_fuse (LscPlan *plan)
{
  return plan->options.fuse;
}

int64_t
lsc_plan_get_batch (LscPlan *plan)
{
  return plan->batch;
}

const LscShape *
lsc_plan_get_input_shape (LscPlan *plan,
                          guint    i)
{
  g_return_val_if_fail (i < lsc_model_get_n_inputs (plan->model), NULL);
  return &plan->input_shapes[i];
}

guint
lsc_plan_get_n_steps (LscPlan *plan)
{
  return plan->ops->len;
}

const LscPlanStep *
lsc_plan_get_step (LscPlan *plan,
                   guint    i)
{
  g_return_val_if_fail (i < plan->ops->len, NULL);
  return &((const LscOp *) g_ptr_array_index (plan->ops, i))->step;
}

int
lsc_plan_find_node_step (LscPlan *plan,
                         guint    node)
{
  g_return_val_if_fail (node < lsc_model_get_n_nodes (plan->model), -1);
  return plan->node_step[node];
}

gsize
lsc_plan_get_arena_bytes (LscPlan *plan)
{
  return plan->arena_floats * sizeof (float);
}

gsize
lsc_plan_get_packed_bytes (LscPlan *plan)
{
  return plan->packed_bytes;
}
