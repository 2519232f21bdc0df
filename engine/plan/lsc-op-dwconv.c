#include "plan/lsc-plan-private.h"

#include <string.h>

#include "kernels/lsc-pack.h"
#include "layers/lsc-layer-depthwise-conv.h"

/* DepthwiseConv1D / 2D with depth multiplier 1, a direct kernel per output
 * row: every output pixel reads its kh × kw input pixels through an
 * indirection buffer (padding taps point at the zero row), all channels at
 * once. BatchNormalization folds into the weights, the activation into the
 * epilogue, a ZeroPadding before it into its own padding. */

typedef struct
{
  LscRefConvGeometry geom;        /* one image */
  size_t             channels, ks;
  size_t             in_sample, out_sample;
  float             *packed;
  LscEpilogue        epilogue;
  const float       *zero;
} DwconvData;

typedef struct
{
  const DwconvData *d;
  const LscBoundOp *bound;
  LscRunContext    *ctx;
} DwconvRun;

static void
dwconv_data_free (gpointer data)
{
  DwconvData *d = data;

  g_aligned_free (d->packed);
  g_free (d);
}

/* Taps of output pixel (oy, ox) at [(oy × out_w + ox) × ks + t]. */
static gpointer
dwconv_bind (const LscOp      *op,
             const LscBoundOp *bound)
{
  const DwconvData *d = op->data;
  const LscRefConvGeometry *g = &d->geom;
  const float **ind = g_new (const float *, g->out_h * g->out_w * d->ks);
  const float **slot = ind;

  for (int64_t oy = 0; oy < g->out_h; oy++)
    for (int64_t ox = 0; ox < g->out_w; ox++)
      for (int64_t ky = 0; ky < g->kernel_h; ky++)
        for (int64_t kx = 0; kx < g->kernel_w; kx++)
          {
            const int64_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
            const int64_t ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
            *slot++ = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w
                      ? bound->in[0] + (iy * g->in_w + ix) * g->in_c
                      : d->zero;
          }
  return ind;
}

static void
dwconv_tile (gpointer user_data,
             guint    worker,
             gsize    tile)
{
  const DwconvRun *run = user_data;
  const DwconvData *d = run->d;
  const LscKernelTable *k = run->ctx->kernels;
  const size_t image = tile / d->geom.out_h, oy = tile % d->geom.out_h;
  const size_t ow = d->geom.out_w;
  const float *const *ind = run->bound->state;
  float *out = run->bound->out + image * d->out_sample + oy * ow * d->channels;

  k->dwconv.fn (d->channels, ow, d->ks, ind + oy * ow * d->ks, d->ks,
                image * d->in_sample, d->zero, d->packed, out, &d->epilogue.clamp);
  _lsc_epilogue_apply_post (&d->epilogue, k, out, 1, ow * d->channels, 0);
}

static void
dwconv_run (const LscOp      *op,
            const LscBoundOp *bound,
            LscRunContext    *ctx,
            int64_t           batch)
{
  const DwconvData *d = op->data;
  DwconvRun run = { d, bound, ctx };

  lsc_run_tiles (ctx, batch * d->geom.out_h, dwconv_tile, &run);
}

static const LscOpClass dwconv_class = {
  .name = "dwconv",
  .bind = dwconv_bind,
  .unbind = g_free,
  .run = dwconv_run,
  .free = dwconv_data_free,
};

LscOp *
_lsc_op_dwconv_plan (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const LscDepthwiseConvParams *p = layer->params;
  const LscKernelTable *kernels = request->plan->kernels;
  const LscShape *out = &request->shapes[request->node];
  guint input = node->inputs[0];
  g_autofree float *w = NULL;
  g_autofree float *bias = NULL;
  DwconvData *d;
  LscOp *op;

  if (p->depth_multiplier != 1 || node->n_inputs != 1 || request->add_node != G_MAXUINT)
    return NULL;

  d = g_new0 (DwconvData, 1);
  if (!_lsc_request_epilogue (request, p->options.activation, &d->epilogue))
    {
      g_free (d);
      return NULL;
    }
  d->zero = request->plan->zero;
  d->geom = lsc_conv_forward_geometry (&p->options, &request->shapes[input], out);
  _lsc_request_fold_padding (request, &d->geom);
  input = _lsc_request_input (request);
  d->channels = d->geom.in_c;
  d->ks = d->geom.kernel_h * d->geom.kernel_w;
  d->in_sample = _lsc_shape_sample_size (&request->shapes[input]);
  d->out_sample = _lsc_shape_sample_size (out);

  /* The kernel (kh, kw, C, 1) is ks × C already. */
  w = g_memdup2 (lsc_layer_get_weight (layer, 0)->data, d->ks * d->channels * sizeof (float));
  bias = g_new0 (float, d->channels);
  if (p->options.use_bias)
    memcpy (bias, lsc_layer_get_weight (layer, 1)->data, d->channels * sizeof (float));
  if (request->bn_node != G_MAXUINT)
    {
      g_autofree float *scale = g_new (float, d->channels);
      g_autofree float *shift = g_new (float, d->channels);

      if (!_lsc_batch_norm_affine (_lsc_request_layer (request, request->bn_node), out->ndim,
                                   d->channels, scale, shift))
        {
          g_free (d);
          return NULL;
        }
      for (size_t t = 0; t < d->ks; t++)
        for (size_t c = 0; c < d->channels; c++)
          w[t * d->channels + c] *= scale[c];
      for (size_t c = 0; c < d->channels; c++)
        bias[c] = bias[c] * scale[c] + shift[c];
    }
  d->packed = g_aligned_alloc (lsc_pack_dwconv_size (d->channels, d->ks), sizeof (float), 64);
  lsc_pack_dwconv (d->channels, d->ks, w, bias, d->packed);
  request->plan->packed_bytes += lsc_pack_dwconv_size (d->channels, d->ks) * sizeof (float);

  op = _lsc_op_new_for_request (request, &dwconv_class, kernels->dwconv.name);
  op->data = d;
  return op;
}
