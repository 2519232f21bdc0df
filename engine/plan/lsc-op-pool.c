#include "plan/lsc-plan-private.h"

#include <math.h>

#include "layers/lsc-layer-config.h"
#include "layers/lsc-layer-global-pool.h"
#include "layers/lsc-layer-pool.h"

/* Max / average pooling (1-D and 2-D) through an indirection buffer like the
 * depthwise convolution's, and global average pooling. Keras's SAME pooling
 * ignores the padded cells: a max reads a valid cell of the window instead,
 * an average reads zeros and divides by the valid count. Global max pooling
 * stays on the reference kernel. */

typedef struct
{
  gboolean    global;
  LscPoolOp   pool_op;
  int64_t     in_h, in_w, channels;
  int64_t     out_h, out_w;
  int64_t     kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
  size_t      ks;
  size_t      in_sample, out_sample;
  float      *multiplier;      /* average: 1 / valid taps per output pixel */
  const float *zero;
} PoolData;

typedef struct
{
  const PoolData   *d;
  const LscBoundOp *bound;
  LscRunContext    *ctx;
} PoolRun;

static void
pool_data_free (gpointer data)
{
  PoolData *d = data;

  g_free (d->multiplier);
  g_free (d);
}

static gpointer
pool_bind (const LscOp      *op,
           const LscBoundOp *bound)
{
  const PoolData *d = op->data;
  const float **ind, **slot;

  if (d->global)
    return NULL;
  ind = slot = g_new (const float *, d->out_h * d->out_w * d->ks);
  for (int64_t oy = 0; oy < d->out_h; oy++)
    for (int64_t ox = 0; ox < d->out_w; ox++)
      {
        const float **window = slot;
        const float *first_valid = NULL;

        for (int64_t ky = 0; ky < d->kernel_h; ky++)
          for (int64_t kx = 0; kx < d->kernel_w; kx++)
            {
              const int64_t iy = oy * d->stride_h - d->pad_top + ky;
              const int64_t ix = ox * d->stride_w - d->pad_left + kx;
              const float *p = NULL;
              if (iy >= 0 && iy < d->in_h && ix >= 0 && ix < d->in_w)
                p = bound->in[0] + (iy * d->in_w + ix) * d->channels;
              if (p != NULL && first_valid == NULL)
                first_valid = p;
              *slot++ = p;
            }
        /* Padding: zeros for an average, a duplicate valid cell for a max. */
        for (size_t t = 0; t < d->ks; t++)
          if (window[t] == NULL)
            window[t] = d->pool_op == LSC_POOL_MAX ? first_valid : d->zero;
      }
  return ind;
}

static void
pool_tile (gpointer user_data,
           guint    worker,
           gsize    tile)
{
  const PoolRun *run = user_data;
  const PoolData *d = run->d;
  const LscKernelTable *k = run->ctx->kernels;
  const LscMinMax none = { -INFINITY, INFINITY };

  if (d->global)
    {
      k->gavgpool.fn (d->in_h * d->in_w, d->channels, run->bound->in[0] + tile * d->in_sample,
                      1.0f / (float) (d->in_h * d->in_w), run->bound->out + tile * d->out_sample);
      return;
    }

  const size_t image = tile / d->out_h, oy = tile % d->out_h;
  const float *const *ind = (const float *const *) run->bound->state + oy * d->out_w * d->ks;
  float *out = run->bound->out + image * d->out_sample + oy * d->out_w * d->channels;

  if (d->pool_op == LSC_POOL_MAX)
    k->maxpool.fn (d->channels, d->out_w, d->ks, ind, d->ks, image * d->in_sample, out, &none);
  else
    k->avgpool.fn (d->channels, d->out_w, d->ks, ind, d->ks, image * d->in_sample, d->zero,
                   d->multiplier + oy * d->out_w, out, &none);
}

static void
pool_run (const LscOp      *op,
          const LscBoundOp *bound,
          LscRunContext    *ctx,
          int64_t           batch)
{
  const PoolData *d = op->data;
  PoolRun run = { d, bound, ctx };

  lsc_run_tiles (ctx, d->global ? batch : batch * d->out_h, pool_tile, &run);
}

static const LscOpClass pool_class = {
  .name = "pool",
  .bind = pool_bind,
  .unbind = g_free,
  .run = pool_run,
  .free = pool_data_free,
};

LscOp *
_lsc_op_pool_plan (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const LscKernelTable *kernels = request->plan->kernels;
  const LscShape *in = &request->shapes[node->inputs[0]];
  const LscShape *out = &request->shapes[request->node];
  const char *kernel;
  PoolData *d;
  LscOp *op;

  if (request->act_node != G_MAXUINT || request->bn_node != G_MAXUINT || request->add_node != G_MAXUINT)
    return NULL;

  d = g_new0 (PoolData, 1);
  d->zero = request->plan->zero;
  d->channels = in->dims[in->ndim - 1];
  d->in_sample = _lsc_shape_sample_size (in);
  d->out_sample = _lsc_shape_sample_size (out);

  if (layer->ops->kind == LSC_LAYER_KIND_GLOBAL_POOL)
    {
      const LscGlobalPoolParams *p = layer->params;
      if (p->op != LSC_POOL_AVERAGE)
        {
          g_free (d);
          return NULL;
        }
      d->global = TRUE;
      d->in_h = p->rank == 2 ? in->dims[1] : 1;
      d->in_w = in->dims[p->rank];
      kernel = kernels->gavgpool.name;
    }
  else
    {
      const LscPoolParams *p = layer->params;
      const int rank = p->rank;

      d->pool_op = p->op;
      d->in_h = rank == 2 ? in->dims[1] : 1;
      d->in_w = in->dims[rank];
      d->out_h = rank == 2 ? out->dims[1] : 1;
      d->out_w = out->dims[rank];
      d->kernel_h = rank == 2 ? p->pool_size[0] : 1;
      d->kernel_w = rank == 2 ? p->pool_size[1] : p->pool_size[0];
      d->stride_h = rank == 2 ? p->strides[0] : 1;
      d->stride_w = rank == 2 ? p->strides[1] : p->strides[0];
      d->pad_top = lsc_conv_pad_before (d->in_h, d->kernel_h, d->stride_h, 1, p->padding);
      d->pad_left = lsc_conv_pad_before (d->in_w, d->kernel_w, d->stride_w, 1, p->padding);
      d->ks = d->kernel_h * d->kernel_w;
      d->multiplier = g_new (float, d->out_h * d->out_w);
      for (int64_t oy = 0; oy < d->out_h; oy++)
        for (int64_t ox = 0; ox < d->out_w; ox++)
          {
            int64_t valid = 0;
            for (int64_t ky = 0; ky < d->kernel_h; ky++)
              for (int64_t kx = 0; kx < d->kernel_w; kx++)
                {
                  const int64_t iy = oy * d->stride_h - d->pad_top + ky;
                  const int64_t ix = ox * d->stride_w - d->pad_left + kx;
                  valid += iy >= 0 && iy < d->in_h && ix >= 0 && ix < d->in_w;
                }
            /* A window entirely in the padding cannot happen with Keras's
             * output sizes; guard anyway. */
            if (valid == 0)
              {
                pool_data_free (d);
                return NULL;
              }
            d->multiplier[oy * d->out_w + ox] = 1.0f / (float) valid;
          }
      kernel = p->op == LSC_POOL_MAX ? kernels->maxpool.name : kernels->avgpool.name;
    }

  op = _lsc_op_new_for_request (request, &pool_class, kernel);
  op->data = d;
  return op;
}
