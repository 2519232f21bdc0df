#include "plan/lsc-plan-private.h"

#include <math.h>
#include <string.h>

#include "layers/lsc-layer-merge.h"
#include "layers/lsc-layer-registry.h"

/* Elementwise operations on the vector kernels: two-input Add / Subtract /
 * Multiply / Maximum / Minimum (equal shapes, or one input per channel
 * broadcast over the other's pixels: the squeeze-and-excitation Multiply),
 * activation layers, and BatchNormalization left on its own — each with a
 * fused activation after it when the planner found one. Split into chunks
 * of whole rows for the threads. */

typedef enum
{
  EW_BINARY,       /* a op b */
  EW_UNARY,        /* activation layer */
  EW_AFFINE,       /* BatchNormalization */
} EwKind;

typedef struct
{
  EwKind            kind;
  LscVbinaryUkernel binary;
  gboolean          swap;          /* the broadcast input is the first */
  gboolean          broadcast;     /* the second input has one row per sample */
  size_t            row;           /* channels: the unit of work */
  size_t            sample_rows;   /* rows per sample */
  float            *scale, *shift; /* affine */
  LscEpilogue       epilogue;
} EwData;

typedef struct
{
  const EwData     *d;
  const LscBoundOp *bound;
  LscRunContext    *ctx;
  size_t            rows;          /* batch × sample_rows */
  size_t            rows_per_tile;
} EwRun;

static void
ew_data_free (gpointer data)
{
  EwData *d = data;

  g_free (d->scale);
  g_free (d->shift);
  g_free (d);
}

static void
ew_tile (gpointer user_data,
         guint    worker,
         gsize    tile)
{
  const EwRun *run = user_data;
  const EwData *d = run->d;
  const LscKernelTable *k = run->ctx->kernels;
  const size_t r0 = tile * run->rows_per_tile;
  const size_t nr = MIN (run->rows_per_tile, run->rows - r0);
  float *y = run->bound->out + r0 * d->row;

  switch (d->kind)
    {
    case EW_BINARY:
      {
        const float *a = run->bound->in[d->swap ? 1 : 0];
        const float *b = run->bound->in[d->swap ? 0 : 1];
        if (!d->broadcast)
          d->binary (nr * d->row, a + r0 * d->row, b + r0 * d->row, y, &d->epilogue.clamp);
        else
          for (size_t r = r0; r < r0 + nr; r++)
            {
              const float *brow = b + r / d->sample_rows * d->row;
              /* Subtract keeps its argument order when the first input is
               * the broadcast one: computed as b - a per row. */
              if (d->swap)
                d->binary (d->row, brow, a + r * d->row, y + (r - r0) * d->row, &d->epilogue.clamp);
              else
                d->binary (d->row, a + r * d->row, brow, y + (r - r0) * d->row, &d->epilogue.clamp);
            }
        break;
      }
    case EW_UNARY:
      {
        const LscUnaryParams clamp = { d->epilogue.clamp.min, d->epilogue.clamp.max, 0.0f };
        if (d->epilogue.post == LSC_ACTIVATION_LINEAR)
          k->vclamp.fn (nr * d->row, run->bound->in[0] + r0 * d->row, y, &clamp);
        else
          {
            memcpy (y, run->bound->in[0] + r0 * d->row, nr * d->row * sizeof (float));
            _lsc_epilogue_apply_post (&d->epilogue, k, y, 1, nr * d->row, 0);
          }
        return;
      }
    case EW_AFFINE:
      for (size_t r = 0; r < nr; r++)
        k->vaffine.fn (d->row, run->bound->in[0] + (r0 + r) * d->row, d->scale, d->shift,
                       y + r * d->row, &d->epilogue.clamp);
      break;
    default:
      g_assert_not_reached ();
    }
  _lsc_epilogue_apply_post (&d->epilogue, k, y, 1, nr * d->row, 0);
}

static void
ew_run (const LscOp      *op,
        const LscBoundOp *bound,
        LscRunContext    *ctx,
        int64_t           batch)
{
  const EwData *d = op->data;
  const guint workers = lsc_run_context_get_n_workers (ctx);
  EwRun run = { d, bound, ctx, batch * d->sample_rows, 0 };
  /* At least 16 K floats a tile, so a tile outweighs its dispatch; a few
   * tiles per worker when there is enough. */
  size_t per_tile = MAX ((16384 + d->row - 1) / d->row, (run.rows + 4 * workers - 1) / (4 * workers));

  run.rows_per_tile = MIN (MAX (per_tile, 1), run.rows);
  lsc_run_tiles (ctx, (run.rows + run.rows_per_tile - 1) / run.rows_per_tile, ew_tile, &run);
}

static const LscOpClass ew_class = {
  .name = "elementwise",
  .run = ew_run,
  .free = ew_data_free,
};

/* ---- planning ----------------------------------------------------------- */

static const char *
plan_binary (const LscOpRequest *request,
             const LscLayer     *layer,
             EwData             *d)
{
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const LscKernelTable *k = request->plan->kernels;
  const LscShape *a, *b, *out = &request->shapes[request->node];
  const char *name;

  if (node->n_inputs != 2)
    return NULL;
  if (layer->ops == &lsc_layer_add_ops)
    d->binary = k->vadd.fn, name = k->vadd.name;
  else if (layer->ops == &lsc_layer_subtract_ops)
    d->binary = k->vsub.fn, name = k->vsub.name;
  else if (layer->ops == &lsc_layer_multiply_ops)
    d->binary = k->vmul.fn, name = k->vmul.name;
  else if (layer->ops == &lsc_layer_maximum_ops)
    d->binary = k->vmax.fn, name = k->vmax.name;
  else if (layer->ops == &lsc_layer_minimum_ops)
    d->binary = k->vmin.fn, name = k->vmin.name;
  else
    return NULL;

  a = &request->shapes[node->inputs[0]];
  b = &request->shapes[node->inputs[1]];
  d->row = out->dims[out->ndim - 1];
  d->sample_rows = _lsc_shape_sample_size (out) / d->row;
  if (lsc_shape_equal (a, b))
    return name;

  /* One input of (batch, 1, …, 1, C) against (batch, …, C). */
  if (a->ndim != b->ndim || a->dims[a->ndim - 1] != b->dims[b->ndim - 1])
    return NULL;
  if (_lsc_shape_sample_size (b) == (int64_t) d->row && lsc_shape_equal (a, out))
    d->broadcast = TRUE;
  else if (_lsc_shape_sample_size (a) == (int64_t) d->row && lsc_shape_equal (b, out))
    d->broadcast = d->swap = TRUE;
  else
    return NULL;
  return name;
}

LscOp *
_lsc_op_elementwise_plan (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const LscKernelTable *k = request->plan->kernels;
  const LscShape *out = &request->shapes[request->node];
  EwData *d = g_new0 (EwData, 1);
  const char *name = NULL;
  LscOp *op;

  if (request->add_node != G_MAXUINT
      || !_lsc_request_epilogue (request, LSC_ACTIVATION_LINEAR, &d->epilogue))
    goto fail;
  d->row = out->dims[out->ndim - 1];
  d->sample_rows = _lsc_shape_sample_size (out) / MAX (d->row, 1);

  if (layer->ops->kind == LSC_LAYER_KIND_MERGE)
    {
      d->kind = EW_BINARY;
      name = plan_binary (request, layer, d);
    }
  else if (layer->ops->kind == LSC_LAYER_KIND_ACTIVATION && node->n_inputs == 1)
    {
      /* The layer itself is the activation: nothing was fused after it. */
      if (request->act_node != G_MAXUINT || !_lsc_epilogue_from_layer (layer, &d->epilogue))
        goto fail;
      d->kind = EW_UNARY;
      switch (d->epilogue.post)
        {
        case LSC_ACTIVATION_LINEAR: name = k->vclamp.name; break;
        case LSC_ACTIVATION_LEAKY_RELU: name = k->vlrelu.name; break;
        case LSC_ACTIVATION_SIGMOID: name = k->vsigmoid.name; break;
        case LSC_ACTIVATION_SWISH: name = k->vswish.name; break;
        case LSC_ACTIVATION_TANH: name = k->vtanh.name; break;
        default: name = "f32_activation__ref"; break;
        }
    }
  else if (layer->ops == &lsc_layer_batch_normalization_ops)
    {
      d->kind = EW_AFFINE;
      d->scale = g_new (float, d->row);
      d->shift = g_new (float, d->row);
      if (!_lsc_batch_norm_affine (layer, out->ndim, d->row, d->scale, d->shift))
        goto fail;
      name = k->vaffine.name;
    }
  if (name == NULL || d->row == 0)
    goto fail;

  op = _lsc_op_new_for_request (request, &ew_class, name);
  op->data = d;
  return op;

fail:
  ew_data_free (d);
  return NULL;
}
