#include "plan/lsc-plan-private.h"

#include <string.h>

/* Any layer on its reference kernel, for what no fast kernel covers yet
 * (recurrent layers, softmax, concatenation, …): the layer's own run() on
 * tensors that are views into the arena, on the calling thread. The plan
 * records it as kernel "ref", so the profile says where time goes to
 * unoptimised code. */

typedef struct
{
  const LscLayer *layer;
} RefData;

static void
ref_run (const LscOp      *op,
         const LscBoundOp *bound,
         LscRunContext    *ctx,
         int64_t           batch)
{
  const RefData *d = op->data;
  LscTensor inputs[LSC_OP_MAX_INPUTS];
  const LscTensor *in_ptrs[LSC_OP_MAX_INPUTS];
  LscTensor output = { op->out_shape, bound->out };

  for (guint k = 0; k < op->n_inputs; k++)
    {
      inputs[k].shape = op->in_shapes[k];
      inputs[k].shape.dims[0] = batch;
      inputs[k].data = (float *) bound->in[k];
      in_ptrs[k] = &inputs[k];
    }
  output.shape.dims[0] = batch;
  /* Reference kernels may accumulate into their output, which
   * lsc_tensor_new zero-fills. */
  memset (output.data, 0, lsc_shape_numel (&output.shape) * sizeof (float));
  d->layer->ops->run (d->layer, in_ptrs, op->n_inputs, &output);
}

static const LscOpClass ref_class = {
  .name = "ref",
  .run = ref_run,
  .free = g_free,
};

LscOp *
_lsc_op_ref_plan (const LscOpRequest *request)
{
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  LscOpRequest alone = *request;
  RefData *d;
  LscOp *op;

  if (node->n_inputs > LSC_OP_MAX_INPUTS)
    return NULL;
  alone.pad_node = alone.bn_node = alone.act_node = alone.add_node = G_MAXUINT;
  d = g_new0 (RefData, 1);
  d->layer = node->layer;
  op = _lsc_op_new_for_request (&alone, &ref_class, "ref");
  op->data = d;
  return op;
}
