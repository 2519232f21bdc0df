#include "plan/lsc-plan-private.h"

#include <math.h>
#include <string.h>

#include "kernels/lsc-gemm.h"
#include "kernels/lsc-pack.h"
#include "layers/lsc-layer-conv.h"
#include "layers/lsc-layer-dense.h"
#include "layers/lsc-layer-padding.h"
#include "layers/lsc-layer-registry.h"

/* Conv1D / Conv2D (one group) and Dense as GEMM: C = A · W + bias with the
 * weights packed once here, BatchNormalization folded into them, and the
 * activation in the epilogue. A 1×1 stride-1 unpadded convolution and Dense
 * read their input rows directly (GEMM); every other convolution goes
 * through an indirection buffer of input-pixel pointers (indirect GEMM, no
 * im2col copy), built per arena when an executor binds the op. */

typedef struct
{
  gboolean           direct;        /* GEMM on the input rows */
  LscRefConvGeometry geom;          /* one image (indirect only) */
  size_t             rows;          /* output rows of one sample */
  size_t             kc, ks;        /* K = ks × kc */
  size_t             n;             /* output channels */
  size_t             in_sample, out_sample;   /* floats */
  size_t             mr;            /* the kernel's rows: blocks the indirection */
  size_t             mt, nt;        /* tile: rows (× MR), columns (× NR) */
  float             *packed;
  LscEpilogue        epilogue;
  LscActivation      row_activation;   /* softmax: over whole rows, after the tiles */
  gboolean           residual;         /* + input 1 (same shape as the output) before the clamp */
  LscMinMax          kernel_clamp;     /* the kernel's: the epilogue's, or none with a residual */
  const float       *zero;
} ConvData;

typedef struct
{
  const LscOp      *op;
  const ConvData   *d;
  const LscBoundOp *bound;
  LscRunContext    *ctx;
  size_t            m_tiles, n_tiles;
  size_t            total_rows;     /* direct: batch × rows */
} ConvRun;

static void
conv_data_free (gpointer data)
{
  ConvData *d = data;

  g_aligned_free (d->packed);
  g_free (d);
}

/* ---- indirection -------------------------------------------------------- */

static size_t
indirection_blocks (const ConvData *d,
                    size_t          mr)
{
  return (d->rows + mr - 1) / mr;
}

/* Built against one arena: pointer (block, tap, row) of output pixel
 * m = block × MR + row is the input pixel tap `t` reads, or `zero`. */
static gpointer
conv_bind (const LscOp      *op,
           const LscBoundOp *bound)
{
  const ConvData *d = op->data;
  const size_t mr = d->mr;
  const LscRefConvGeometry *g = &d->geom;
  const size_t blocks = indirection_blocks (d, mr);
  const float **ind;

  if (d->direct)
    return NULL;
  ind = g_new (const float *, blocks * d->ks * mr);
  for (size_t b = 0; b < blocks; b++)
    for (size_t t = 0; t < d->ks; t++)
      for (size_t r = 0; r < mr; r++)
        {
          const size_t m = b * mr + r;
          const float **slot = &ind[(b * d->ks + t) * mr + r];
          *slot = d->zero;
          if (m >= d->rows)
            continue;
          const int64_t oy = m / g->out_w, ox = m % g->out_w;
          const int64_t ky = t / g->kernel_w, kx = t % g->kernel_w;
          const int64_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
          const int64_t ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
          if (iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w)
            *slot = bound->in[0] + (iy * g->in_w + ix) * g->in_c;
        }
  return ind;
}

/* ---- run ---------------------------------------------------------------- */

static void
conv_tile (gpointer user_data,
           guint    worker,
           gsize    tile)
{
  const ConvRun *run = user_data;
  const ConvData *d = run->d;
  const LscKernelTable *k = run->ctx->kernels;
  const size_t nt_i = tile % run->n_tiles;
  const size_t rest = tile / run->n_tiles;
  const size_t mt_i = rest % run->m_tiles;
  const size_t image = rest / run->m_tiles;
  const size_t n0 = nt_i * d->nt, nc = MIN (d->nt, d->n - n0);
  float *c;
  size_t m0, mc;

  if (d->direct)
    {
      m0 = mt_i * d->mt;
      mc = MIN (d->mt, run->total_rows - m0);
      c = run->bound->out;
      lsc_gemm_compute_tile (k, m0, mc, n0, nc, d->kc, run->bound->in[0], d->kc,
                             d->packed, c, d->n, &d->kernel_clamp);
    }
  else
    {
      m0 = mt_i * d->mt;
      mc = MIN (d->mt, d->rows - m0);
      c = run->bound->out + image * d->out_sample;
      lsc_igemm_compute_tile (k, m0, mc, n0, nc, d->kc, d->ks, run->bound->state,
                              image * d->in_sample, d->zero, d->packed, c, d->n,
                              &d->kernel_clamp);
    }
  if (d->residual)
    {
      /* The residual rows sit where the output rows do. */
      const float *res = run->bound->in[1] + (c - run->bound->out) + m0 * d->n + n0;
      float *y = c + m0 * d->n + n0;
      for (size_t r = 0; r < mc; r++, res += d->n, y += d->n)
        k->vadd.fn (nc, y, res, y, &d->epilogue.clamp);
    }
  _lsc_epilogue_apply_post (&d->epilogue, k, c + m0 * d->n + n0, mc, nc, d->n);
}

static void
conv_run (const LscOp      *op,
          const LscBoundOp *bound,
          LscRunContext    *ctx,
          int64_t           batch)
{
  const ConvData *d = op->data;
  ConvRun run = { op, d, bound, ctx, 0, (d->n + d->nt - 1) / d->nt, 0 };
  size_t images;

  if (d->direct)
    {
      run.total_rows = batch * d->rows;
      run.m_tiles = (run.total_rows + d->mt - 1) / d->mt;
      images = 1;
    }
  else
    {
      run.m_tiles = (d->rows + d->mt - 1) / d->mt;
      images = batch;
    }
  lsc_run_tiles (ctx, images * run.m_tiles * run.n_tiles, conv_tile, &run);
  if (d->row_activation != LSC_ACTIVATION_LINEAR)
    lsc_activation_apply (d->row_activation, bound->out, batch * d->rows * d->n, d->n);
}

static const LscOpClass conv_class = {
  .name = "conv",
  .bind = conv_bind,
  .unbind = g_free,
  .run = conv_run,
  .free = conv_data_free,
};

/* ---- planning ----------------------------------------------------------- */

/* Row tiles whose block of A (mt × K) fits well inside L2 next to a
 * panel; column tiles of 4 panels, so each row block is reused 4 times. */
static void
choose_tiles (ConvData *d,
              size_t    mr,
              size_t    nr)
{
  const size_t k = d->kc * d->ks;
  size_t blocks = (256 * 1024) / (sizeof (float) * k * mr);

  d->mt = mr * CLAMP (blocks, 1, 16);
  d->nt = nr * 4;
}

LscOp *
_lsc_op_conv_plan (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  const LscKernelTable *kernels = request->plan->kernels;
  const gboolean dense = layer->ops == &lsc_layer_dense_ops;
  const LscShape *out = &request->shapes[request->node];
  g_autofree float *w = NULL;
  g_autofree float *bias = NULL;
  LscActivation activation;
  gboolean use_bias;
  ConvData *d;
  LscOp *op;
  size_t k, mr, nr;
  const char *kernel;

  if (node->n_inputs != 1)
    return NULL;

  d = g_new0 (ConvData, 1);
  d->zero = request->plan->zero;
  d->n = out->dims[out->ndim - 1];

  if (dense)
    {
      const LscDenseParams *p = layer->params;
      const LscShape *in = &request->shapes[node->inputs[0]];

      activation = p->activation;
      use_bias = p->use_bias;
      d->direct = TRUE;
      d->kc = in->dims[in->ndim - 1];
      d->ks = 1;
      d->rows = _lsc_shape_sample_size (in) / d->kc;
    }
  else
    {
      const LscConvParams *p = layer->params;
      const LscShape *padded_in = &request->shapes[node->inputs[0]];

      if (p->groups != 1)
        {
          g_free (d);
          return NULL;
        }
      activation = p->options.activation;
      use_bias = p->options.use_bias;
      d->geom = lsc_conv_forward_geometry (&p->options, padded_in, out);
      _lsc_request_fold_padding (request, &d->geom);
      d->kc = d->geom.in_c;
      d->ks = d->geom.kernel_h * d->geom.kernel_w;
      d->rows = d->geom.out_h * d->geom.out_w;
      d->direct = d->ks == 1 && d->geom.stride_h == 1 && d->geom.stride_w == 1
                  && d->geom.pad_top == 0 && d->geom.pad_left == 0
                  && d->geom.out_h == d->geom.in_h && d->geom.out_w == d->geom.in_w;
    }
  if (!_lsc_request_epilogue (request, activation, &d->epilogue))
    {
      /* A softmax of the layer itself runs over each finished row. */
      if (request->act_node != G_MAXUINT)
        {
          g_free (d);
          return NULL;
        }
      _lsc_epilogue_init (&d->epilogue, LSC_ACTIVATION_LINEAR);
      d->row_activation = activation;
    }

  d->kernel_clamp = d->epilogue.clamp;
  if (request->add_node != G_MAXUINT)
    {
      d->residual = TRUE;
      d->kernel_clamp.min = -INFINITY;
      d->kernel_clamp.max = INFINITY;
    }
  d->in_sample = _lsc_shape_sample_size (&request->shapes[_lsc_request_input (request)]);
  d->out_sample = _lsc_shape_sample_size (out);

  /* Weights: (kh, kw, cin, cout) or (in, units) is K × N row-major. Fold
   * BatchNormalization: w'[·, n] = w[·, n] s[n], b'[n] = b[n] s[n] + t[n]. */
  k = d->kc * d->ks;
  w = g_memdup2 (lsc_layer_get_weight (layer, 0)->data, k * d->n * sizeof (float));
  bias = g_new0 (float, d->n);
  if (use_bias)
    memcpy (bias, lsc_layer_get_weight (layer, 1)->data, d->n * sizeof (float));
  if (request->bn_node != G_MAXUINT)
    {
      g_autofree float *scale = g_new (float, d->n);
      g_autofree float *shift = g_new (float, d->n);
      const LscLayer *bn = _lsc_request_layer (request, request->bn_node);

      if (!_lsc_batch_norm_affine (bn, out->ndim, d->n, scale, shift))
        {
          g_free (d);
          return NULL;
        }
      for (size_t r = 0; r < k; r++)
        for (size_t c = 0; c < d->n; c++)
          w[r * d->n + c] *= scale[c];
      for (size_t c = 0; c < d->n; c++)
        bias[c] = bias[c] * scale[c] + shift[c];
    }

  mr = d->direct ? kernels->gemm.mr : kernels->igemm.mr;
  nr = kernels->gemm.nr;
  g_assert (kernels->igemm.nr == nr);
  d->mr = mr;
  d->packed = g_aligned_alloc (lsc_pack_gemm_size (nr, k, d->n), sizeof (float), 64);
  lsc_pack_gemm (nr, k, d->n, w, bias, d->packed);
  request->plan->packed_bytes += lsc_pack_gemm_size (nr, k, d->n) * sizeof (float);
  choose_tiles (d, mr, nr);

  kernel = d->direct ? kernels->gemm.name : kernels->igemm.name;
  op = _lsc_op_new_for_request (request, &conv_class, kernel);
  op->data = d;
  return op;
}
