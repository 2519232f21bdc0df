#include "plan/lsc-plan-private.h"

#include <math.h>

#include "layers/lsc-layer-activation-layers.h"
#include "layers/lsc-layer-normalization.h"
#include "layers/lsc-layer-padding.h"
#include "layers/lsc-layer-registry.h"

/* What every op shares: its bookkeeping, epilogues, BatchNormalization's
 * affine form. */

void
_lsc_op_free (LscOp *op)
{
  if (op == NULL)
    return;
  if (op->klass->free != NULL && op->data != NULL)
    op->klass->free (op->data);
  g_free (op->nodes);
  g_free (op->kernel);
  g_free (op);
}

int64_t
_lsc_shape_sample_size (const LscShape *shape)
{
  int64_t n = 1;

  for (int d = 1; d < shape->ndim; d++)
    n *= shape->dims[d];
  return n;
}

const LscLayer *
_lsc_request_layer (const LscOpRequest *request,
                    guint               node)
{
  return lsc_model_get_node (request->model, node)->layer;
}

static LscShape
with_batch_one (LscShape shape)
{
  shape.dims[0] = 1;
  return shape;
}

/* Multiply-accumulates of one sample, from the concrete shapes. */
static int64_t
node_macs (const LscOpRequest *request,
           guint               node_index)
{
  const LscNode *node = lsc_model_get_node (request->model, node_index);
  LscShape in[LSC_OP_MAX_INPUTS];
  LscShape out = with_batch_one (request->shapes[node_index]);

  if (node->layer->ops->count_macs == NULL || node->n_inputs > LSC_OP_MAX_INPUTS)
    return 0;
  for (guint k = 0; k < node->n_inputs; k++)
    in[k] = with_batch_one (request->shapes[node->inputs[k]]);
  return node->layer->ops->count_macs (node->layer, in, node->n_inputs, &out);
}

guint
_lsc_request_input (const LscOpRequest *request)
{
  const guint node = request->pad_node != G_MAXUINT ? request->pad_node : request->node;

  return lsc_model_get_node (request->model, node)->inputs[0];
}

LscOp *
_lsc_op_new_for_request (const LscOpRequest *request,
                         const LscOpClass   *klass,
                         const char         *kernel)
{
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const guint extra[4] = { request->pad_node, request->bn_node, request->add_node, request->act_node };
  LscOp *op = g_new0 (LscOp, 1);

  g_return_val_if_fail (node->n_inputs <= LSC_OP_MAX_INPUTS, NULL);

  op->klass = klass;
  op->kernel = g_strdup (kernel);
  op->nodes = g_new (guint, 5);
  op->nodes[op->step.n_nodes++] = request->node;
  op->output = request->node;
  for (guint k = 0; k < G_N_ELEMENTS (extra); k++)
    if (extra[k] != G_MAXUINT)
      op->nodes[op->step.n_nodes++] = extra[k];
  if (request->bn_node != G_MAXUINT)
    op->output = request->bn_node;
  if (request->add_node != G_MAXUINT)
    op->output = request->add_node;
  if (request->act_node != G_MAXUINT)
    op->output = request->act_node;

  op->n_inputs = node->n_inputs;
  for (guint k = 0; k < node->n_inputs; k++)
    op->inputs[k] = node->inputs[k];
  if (node->n_inputs > 0)
    op->inputs[0] = _lsc_request_input (request);
  if (request->add_node != G_MAXUINT)
    {
      /* The Add's input that is not the chain before it. */
      const LscNode *add = lsc_model_get_node (request->model, request->add_node);
      const guint chain = request->bn_node != G_MAXUINT ? request->bn_node : request->node;
      op->inputs[op->n_inputs++] = add->inputs[0] == chain ? add->inputs[1] : add->inputs[0];
    }
  for (guint k = 0; k < op->n_inputs; k++)
    op->in_shapes[k] = request->shapes[op->inputs[k]];
  op->out_shape = request->shapes[op->output];

  for (guint k = 0; k < op->step.n_nodes; k++)
    op->step.macs += MAX (node_macs (request, op->nodes[k]), 0);
  op->step.nodes = op->nodes;
  op->step.kernel = op->kernel;
  op->step.op = klass->name;
  return op;
}

gboolean
_lsc_epilogue_init (LscEpilogue   *epilogue,
                    LscActivation  activation)
{
  epilogue->clamp.min = -INFINITY;
  epilogue->clamp.max = INFINITY;
  epilogue->post = LSC_ACTIVATION_LINEAR;
  epilogue->slope = 0.0f;

  switch (activation)
    {
    case LSC_ACTIVATION_LINEAR:
      return TRUE;
    case LSC_ACTIVATION_RELU:
      epilogue->clamp.min = 0.0f;
      return TRUE;
    case LSC_ACTIVATION_RELU6:
      epilogue->clamp.min = 0.0f;
      epilogue->clamp.max = 6.0f;
      return TRUE;
    case LSC_ACTIVATION_SOFTMAX:
    case LSC_ACTIVATION_LOG_SOFTMAX:
      return FALSE;   /* a whole row at once: not tile by tile */
    case LSC_ACTIVATION_LEAKY_RELU:
      epilogue->post = activation;
      epilogue->slope = 0.2f;
      return TRUE;
    default:
      epilogue->post = activation;
      return TRUE;
    }
}

gboolean
_lsc_epilogue_from_layer (const LscLayer *layer,
                          LscEpilogue    *epilogue)
{
  if (layer->ops == &lsc_layer_activation_ops)
    return _lsc_epilogue_init (epilogue,
                               ((const LscActivationLayerParams *) layer->params)->activation);
  if (layer->ops == &lsc_layer_relu_ops)
    {
      const LscReluParams *p = layer->params;
      if (p->negative_slope != 0.0f || p->threshold != 0.0f)
        return FALSE;
      _lsc_epilogue_init (epilogue, LSC_ACTIVATION_RELU);
      if (p->has_max_value)
        epilogue->clamp.max = p->max_value;
      return TRUE;
    }
  if (layer->ops == &lsc_layer_leaky_relu_ops)
    {
      _lsc_epilogue_init (epilogue, LSC_ACTIVATION_LEAKY_RELU);
      epilogue->slope = ((const LscLeakyReluParams *) layer->params)->negative_slope;
      return TRUE;
    }
  return FALSE;
}

gboolean
_lsc_request_epilogue (const LscOpRequest *request,
                       LscActivation       own,
                       LscEpilogue        *epilogue)
{
  if (request->act_node != G_MAXUINT)
    return _lsc_epilogue_from_layer (_lsc_request_layer (request, request->act_node), epilogue);
  return _lsc_epilogue_init (epilogue, own);
}

void
_lsc_epilogue_apply_post (const LscEpilogue    *epilogue,
                          const LscKernelTable *kernels,
                          float                *y,
                          size_t                rows,
                          size_t                cols,
                          size_t                stride)
{
  const LscUnaryParams params = { -INFINITY, INFINITY, epilogue->slope };
  LscVunaryUkernel fn = NULL;

  switch (epilogue->post)
    {
    case LSC_ACTIVATION_LINEAR:
      return;
    case LSC_ACTIVATION_LEAKY_RELU:
      fn = kernels->vlrelu.fn;
      break;
    case LSC_ACTIVATION_SIGMOID:
      fn = kernels->vsigmoid.fn;
      break;
    case LSC_ACTIVATION_SWISH:
      fn = kernels->vswish.fn;
      break;
    case LSC_ACTIVATION_TANH:
      fn = kernels->vtanh.fn;
      break;
    default:
      break;
    }
  for (size_t r = 0; r < rows; r++, y += stride)
    if (fn != NULL)
      fn (cols, y, y, &params);
    else
      lsc_activation_apply (epilogue->post, y, cols, cols);
}

gboolean
_lsc_batch_norm_affine (const LscLayer *layer,
                        int             rank,
                        int64_t         channels,
                        float          *scale,
                        float          *shift)
{
  const LscBatchNormParams *p = layer->params;
  guint w = 0;
  const float *gamma = NULL, *beta = NULL, *mean, *var;

  if (p->n_axes != 1 || (p->axes[0] != -1 && p->axes[0] != rank - 1) || channels <= 0)
    return FALSE;
  if (lsc_layer_get_n_weights (layer) < (p->scale ? 1u : 0u) + (p->center ? 1u : 0u) + 2u)
    return FALSE;
  for (guint k = 0; k < lsc_layer_get_n_weights (layer); k++)
    if (lsc_tensor_numel (lsc_layer_get_weight (layer, k)) != channels)
      return FALSE;
  if (scale == NULL)
    return TRUE;

  if (p->scale)
    gamma = lsc_layer_get_weight (layer, w++)->data;
  if (p->center)
    beta = lsc_layer_get_weight (layer, w++)->data;
  mean = lsc_layer_get_weight (layer, w++)->data;
  var = lsc_layer_get_weight (layer, w++)->data;

  for (int64_t c = 0; c < channels; c++)
    {
      const double s = (gamma != NULL ? gamma[c] : 1.0) / sqrt ((double) var[c] + p->epsilon);
      scale[c] = (float) s;
      shift[c] = (float) ((beta != NULL ? beta[c] : 0.0) - mean[c] * s);
    }
  return TRUE;
}

void
_lsc_request_fold_padding (const LscOpRequest *request,
                           LscRefConvGeometry *geom)
{
  const LscPaddingParams *pp;
  const LscShape *in;

  if (request->pad_node == G_MAXUINT)
    return;
  pp = _lsc_request_layer (request, request->pad_node)->params;
  in = &request->shapes[_lsc_request_input (request)];
  if (pp->rank == 2)
    {
      geom->in_h = in->dims[1];
      geom->in_w = in->dims[2];
      geom->pad_top += pp->before[0];
      geom->pad_left += pp->before[1];
    }
  else
    {
      geom->in_w = in->dims[1];
      geom->pad_left += pp->before[0];
    }
}
