#include "plan/lsc-plan-private.h"

#include <math.h>
#include <string.h>

#include "kernels/lsc-gemm.h"
#include "kernels/lsc-pack.h"
#include "kernels/ref/lsc-ref-rnn.h"
#include "layers/lsc-layer-bidirectional.h"
#include "layers/lsc-layer-registry.h"
#include "layers/lsc-layer-rnn.h"

/* SimpleRNN, LSTM, GRU (and their CuDNN forms), alone or in both directions
 * of a Bidirectional wrapper.
 *
 * A recurrence cannot be parallelised over time, but its input projection
 * can: x_t W + b does not depend on h, so ONE GEMM computes it for every
 * (sample, step) row before the time loop (parallel tiles over the pool).
 * The loop then only adds h U (a GEMM with M = batch) and the gate math per
 * step.
 *
 * So that a step splits over threads without a second pass, the G gate
 * columns of W, U and the biases are permuted at plan time into blocks of
 * `ub` units: block k holds gate 0 of units [j0, j0 + w), then gate 1 of the
 * same units, …, and starts at column G·j0. One tile of a step computes the
 * h U columns of its block, then its units' gates, c and h, and writes
 * h_next for exactly those units; h is double-buffered so that other tiles
 * still read h_prev. ub is a multiple of the GEMM's NR so every block starts
 * on a packed panel.
 *
 * The GRU with reset_after=False is the one cell that needs all of r before
 * any candidate ((r ∘ h) U_h): its steps take two passes, z, r and r ∘ h per
 * block, then (r ∘ h) U_h and h per block.
 *
 * Threads: samples are independent, so with several samples each thread
 * runs the whole recurrence of its share of them (no barrier per step).
 * One sample splits each step's unit blocks over the pool, when a step is
 * big enough to pay for waking it every step.
 *
 * All scratch (x W + b of every step, h, c, gates) is allocated per arena
 * when an executor binds the op, for the plan's batch. */

typedef struct
{
  LscRnnCell    cell;
  gboolean      two_pass;          /* GRU with reset_after FALSE */
  LscActivation activation;
  LscActivation recurrent_activation;
  gboolean      go_backwards;
  size_t        units;
  size_t        gates;             /* G: columns of W are G × units */
  size_t        rec_gates;         /* columns of packed_u are rec_gates × units */
  size_t        n_blocks;
  float        *packed_w;          /* in × G·u, input bias folded in */
  float        *packed_u;          /* u × rec_gates·u (GRU reset_after: its recurrent bias) */
  float        *packed_uh;         /* two-pass GRU: u × u, the candidate's U_h */
} Direction;

typedef struct
{
  guint                 n_dirs;
  Direction             dirs[2];
  gboolean              bidirectional;
  LscBidirectionalMerge merge;
  gboolean              return_sequences;
  size_t                time, input_dim;
  size_t                ub;                  /* units per block, a multiple of NR */
  size_t                mt, nt;              /* input GEMM tile: rows, columns */
} RnnData;

/* Per arena and direction, for the plan's batch. */
typedef struct
{
  float *xw;          /* batch × time × G·u: x W + b, consumed step by step */
  float *hu;          /* batch × rec_gates·u: h U (+ recurrent bias), then the gates */
  float *h[2];        /* batch × u each: h_prev, h_next (swapped every step) */
  float *c;           /* batch × u: LSTM cell state */
  float *rh;          /* batch × u: two-pass GRU r ∘ h_prev */
  float *hh;          /* batch × u: two-pass GRU (r ∘ h) U_h, then the candidate */
  float *seq;         /* Bidirectional: this direction's output before the merge */
} DirectionState;

typedef struct
{
  float          *block;
  DirectionState  dirs[2];
} RnnState;

static const LscMinMax no_clamp = { -INFINITY, INFINITY };

static void
rnn_data_free (gpointer data)
{
  RnnData *d = data;

  for (guint i = 0; i < d->n_dirs; i++)
    {
      g_aligned_free (d->dirs[i].packed_w);
      g_aligned_free (d->dirs[i].packed_u);
      g_aligned_free (d->dirs[i].packed_uh);
    }
  g_free (d);
}

static size_t
block_width (const RnnData   *d,
             const Direction *dir,
             size_t           k)
{
  return MIN (d->ub, dir->units - k * d->ub);
}

/* ---- per-arena scratch --------------------------------------------------- */

static size_t
round16 (size_t n)
{
  return (n + 15) & ~(size_t) 15;
}

/* Floats of each buffer of one direction; NULL `state` only counts. */
static size_t
direction_layout (const RnnData   *d,
                  const Direction *dir,
                  size_t           batch,
                  float           *base,
                  DirectionState  *state)
{
  const size_t u = dir->units;
  const size_t t_out = d->return_sequences ? d->time : 1;
  const size_t sizes[8] = {
    batch * d->time * dir->gates * u,
    batch * dir->rec_gates * u,
    batch * u,
    batch * u,
    dir->cell == LSC_RNN_CELL_LSTM ? batch * u : 0,
    dir->two_pass ? batch * u : 0,
    dir->two_pass ? batch * u : 0,
    d->bidirectional ? batch * t_out * u : 0,
  };
  float **slots[8];
  size_t offset = 0;

  if (state != NULL)
    {
      float **s[8] = { &state->xw, &state->hu, &state->h[0], &state->h[1],
                       &state->c, &state->rh, &state->hh, &state->seq };
      memcpy (slots, s, sizeof slots);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      if (state != NULL)
        *slots[i] = sizes[i] > 0 ? base + offset : NULL;
      offset += round16 (sizes[i]);
    }
  return offset;
}

/* All scratch is allocated here, once per arena: a run allocates nothing. */
static gpointer
rnn_bind (const LscOp      *op,
          const LscBoundOp *bound)
{
  const RnnData *d = op->data;
  const size_t batch = op->in_shapes[0].dims[0];
  RnnState *state = g_new0 (RnnState, 1);
  size_t total = 0, offset = 0;

  for (guint i = 0; i < d->n_dirs; i++)
    total += direction_layout (d, &d->dirs[i], batch, NULL, NULL);
  state->block = g_aligned_alloc0 (MAX (total, 16), sizeof (float), 64);
  for (guint i = 0; i < d->n_dirs; i++)
    offset += direction_layout (d, &d->dirs[i], batch, state->block + offset, &state->dirs[i]);
  return state;
}

static void
rnn_unbind (gpointer data)
{
  RnnState *state = data;

  g_aligned_free (state->block);
  g_free (state);
}

/* ---- gate math ----------------------------------------------------------- */

/* In place on n values: the table's vector kernels where it has one for
 * the function, the reference implementation otherwise (hard_sigmoid …). */
static void
activate (const LscKernelTable *k,
          LscActivation         activation,
          float                *x,
          size_t                n)
{
  LscUnaryParams params = { -INFINITY, INFINITY, 0.0f };

  switch (activation)
    {
    case LSC_ACTIVATION_LINEAR:
      return;
    case LSC_ACTIVATION_SIGMOID:
      k->vsigmoid.fn (n, x, x, &params);
      return;
    case LSC_ACTIVATION_TANH:
      k->vtanh.fn (n, x, x, &params);
      return;
    case LSC_ACTIVATION_RELU:
      params.min = 0.0f;
      k->vclamp.fn (n, x, x, &params);
      return;
    case LSC_ACTIVATION_RELU6:
      params.min = 0.0f;
      params.max = 6.0f;
      k->vclamp.fn (n, x, x, &params);
      return;
    default:
      lsc_activation_apply (activation, x, n, n);
      return;
    }
}

static void
add_into (float       *y,
          const float *x,
          size_t       n)
{
  for (size_t i = 0; i < n; i++)
    y[i] += x[i];
}

/* ---- the input projection ------------------------------------------------ */

typedef struct
{
  const RnnData        *d;
  const LscKernelTable *kernels;
  const float          *x;
  RnnState             *state;
  size_t                rows;         /* batch × time */
  size_t                m_tiles;
  size_t                n_tiles[2];
} ProjectionRun;

static void
projection_tile (gpointer user_data,
                 guint    worker,
                 gsize    tile)
{
  const ProjectionRun *run = user_data;
  const RnnData *d = run->d;
  guint i = 0;

  while (tile >= run->m_tiles * run->n_tiles[i])
    tile -= run->m_tiles * run->n_tiles[i++];
  {
    const Direction *dir = &d->dirs[i];
    const size_t n = dir->gates * dir->units;
    const size_t m0 = tile / run->n_tiles[i] * d->mt;
    const size_t n0 = tile % run->n_tiles[i] * d->nt;

    lsc_gemm_compute_tile (run->kernels, m0, MIN (d->mt, run->rows - m0), n0, MIN (d->nt, n - n0),
                           d->input_dim, run->x, d->input_dim, dir->packed_w,
                           run->state->dirs[i].xw, n, &no_clamp);
  }
}

/* ---- the time loop ------------------------------------------------------- */

typedef struct
{
  const RnnData        *d;
  const LscKernelTable *kernels;
  RnnState             *state;
  float                *out;          /* the op's output (one direction only) */
  size_t                b0, rows;     /* the samples this loop computes */
  size_t                step;         /* steps taken so far */
  guint                 pass;         /* 0, or 1 for the two-pass GRU's second */
  guint                 cur;          /* h[cur] is h_prev */
} StepRun;

/* Where sample b's output of this step goes with return_sequences. */
static float *
step_output (const StepRun  *run,
             guint           dir_index,
             size_t          b)
{
  const Direction *dir = &run->d->dirs[dir_index];
  float *base = run->d->bidirectional ? run->state->dirs[dir_index].seq : run->out;

  return base + (b * run->d->time + run->step) * dir->units;
}

/* The cell functions compute one block (units [j0, j0 + w)) of sample b:
 * xrow is its x W + b, g its h U, both G gate chunks of w values; they
 * write h_next (and c) for those units. */
static void
lstm_block (const StepRun   *run,
            const Direction *dir,
            DirectionState  *s,
            const float     *xrow,
            float           *g,
            size_t           b,
            size_t           j0,
            size_t           w)
{
  const LscKernelTable *k = run->kernels;
  const size_t u = dir->units;
  float *c = s->c + b * u + j0;
  float *h = s->h[run->cur ^ 1] + b * u + j0;
  float *gi = g, *gf = g + w, *gc = g + 2 * w, *go = g + 3 * w;

  add_into (g, xrow, 4 * w);
  activate (k, dir->recurrent_activation, gi, 2 * w);    /* i and f are adjacent */
  activate (k, dir->activation, gc, w);
  activate (k, dir->recurrent_activation, go, w);
  for (size_t j = 0; j < w; j++)
    {
      c[j] = gf[j] * c[j] + gi[j] * gc[j];
      gc[j] = c[j];
    }
  activate (k, dir->activation, gc, w);
  for (size_t j = 0; j < w; j++)
    h[j] = go[j] * gc[j];
}

static void
gru_block (const StepRun   *run,
           const Direction *dir,
           DirectionState  *s,
           const float     *xrow,
           float           *g,
           size_t           b,
           size_t           j0,
           size_t           w)
{
  const LscKernelTable *k = run->kernels;
  const size_t u = dir->units;
  const float *h_prev = s->h[run->cur] + b * u + j0;
  float *h = s->h[run->cur ^ 1] + b * u + j0;
  float *z = g, *r = g + w;

  /* z and r: x W + b + h U (+ recurrent bias). */
  add_into (g, xrow, 2 * w);
  activate (k, dir->recurrent_activation, g, 2 * w);

  if (dir->two_pass)
    {
      float *rh = s->rh + b * u + j0;
      for (size_t j = 0; j < w; j++)
        rh[j] = r[j] * h_prev[j];
      return;
    }

  /* reset_after: hh = a (x Wh + bh + r ∘ (h Uh + rbh)). */
  {
    float *hh = g + 2 * w;
    for (size_t j = 0; j < w; j++)
      hh[j] = xrow[2 * w + j] + r[j] * hh[j];
    activate (k, dir->activation, hh, w);
    for (size_t j = 0; j < w; j++)
      h[j] = z[j] * h_prev[j] + (1.0f - z[j]) * hh[j];
  }
}

/* The second pass of the two-pass GRU: hh = a (x Wh + bh + (r ∘ h) Uh). */
static void
gru_candidate_block (const StepRun   *run,
                     const Direction *dir,
                     DirectionState  *s,
                     const float     *xrow,
                     const float     *g,
                     size_t           b,
                     size_t           j0,
                     size_t           w)
{
  const size_t u = dir->units;
  const float *h_prev = s->h[run->cur] + b * u + j0;
  float *h = s->h[run->cur ^ 1] + b * u + j0;
  float *hh = s->hh + b * u + j0;
  const float *z = g;

  add_into (hh, xrow + 2 * w, w);
  activate (run->kernels, dir->activation, hh, w);
  for (size_t j = 0; j < w; j++)
    h[j] = z[j] * h_prev[j] + (1.0f - z[j]) * hh[j];
}

static void
step_tile (gpointer user_data,
           guint    worker,
           gsize    tile)
{
  const StepRun *run = user_data;
  const RnnData *d = run->d;
  const LscKernelTable *k = run->kernels;
  guint i = 0;

  while (tile >= d->dirs[i].n_blocks)
    tile -= d->dirs[i++].n_blocks;
  {
    const Direction *dir = &d->dirs[i];
    DirectionState *s = &run->state->dirs[i];
    const size_t u = dir->units;
    const size_t j0 = tile * d->ub, w = block_width (d, dir, tile);
    const size_t gu = dir->gates * u, ru = dir->rec_gates * u;
    const size_t t = dir->go_backwards ? d->time - 1 - run->step : run->step;
    const float *h_prev = s->h[run->cur];

    if (dir->two_pass && run->pass == 1)
      lsc_gemm_compute_tile (k, run->b0, run->rows, j0, w, u, s->rh, u, dir->packed_uh,
                             s->hh, u, &no_clamp);
    else if (!dir->two_pass && run->pass == 1)
      return;
    else
      lsc_gemm_compute_tile (k, run->b0, run->rows, dir->rec_gates * j0, dir->rec_gates * w, u,
                             h_prev, u, dir->packed_u, s->hu, ru, &no_clamp);

    for (size_t b = run->b0; b < run->b0 + run->rows; b++)
      {
        const float *xrow = s->xw + (b * d->time + t) * gu + dir->gates * j0;
        float *g = s->hu + b * ru + dir->rec_gates * j0;
        float *h = s->h[run->cur ^ 1] + b * u + j0;

        switch (dir->cell)
          {
          case LSC_RNN_CELL_LSTM:
            lstm_block (run, dir, s, xrow, g, b, j0, w);
            break;
          case LSC_RNN_CELL_GRU:
            if (run->pass == 0)
              gru_block (run, dir, s, xrow, g, b, j0, w);
            else
              gru_candidate_block (run, dir, s, xrow, g, b, j0, w);
            if (dir->two_pass && run->pass == 0)
              continue;   /* h is written by the second pass */
            break;
          case LSC_RNN_CELL_SIMPLE:
          default:
            for (size_t j = 0; j < w; j++)
              h[j] = xrow[j] + g[j];
            activate (k, dir->activation, h, w);
            break;
          }
        if (d->return_sequences)
          memcpy (step_output (run, i, b) + j0, h, w * sizeof (float));
      }
  }
}

/* The whole time loop for samples [run->b0, b0 + rows): the unit blocks of
 * each step on the pool when `ctx` is given, else here. */
static void
time_loop (StepRun       *run,
           LscRunContext *ctx)
{
  const RnnData *d = run->d;
  gsize n_tiles = 0;
  gboolean two_pass = FALSE;

  for (guint i = 0; i < d->n_dirs; i++)
    {
      n_tiles += d->dirs[i].n_blocks;
      two_pass |= d->dirs[i].two_pass;
    }
  /* Both directions advance together: one pass over the tiles per step. */
  for (run->step = 0; run->step < d->time; run->step++)
    {
      for (run->pass = 0; run->pass < (two_pass ? 2u : 1u); run->pass++)
        if (ctx != NULL)
          lsc_run_tiles (ctx, n_tiles, step_tile, run);
        else
          for (gsize tile = 0; tile < n_tiles; tile++)
            step_tile (run, 0, tile);
      run->cur ^= 1;
    }
}

typedef struct
{
  StepRun whole;          /* every sample */
  size_t  chunk;          /* samples per tile */
} ChunkRun;

static void
chunk_tile (gpointer user_data,
            guint    worker,
            gsize    tile)
{
  const ChunkRun *chunks = user_data;
  StepRun run = chunks->whole;

  run.b0 = tile * chunks->chunk;
  run.rows = MIN (chunks->chunk, chunks->whole.rows - run.b0);
  time_loop (&run, NULL);
}

/* One step's h U multiply-accumulates for `batch` samples. */
static size_t
step_macs (const RnnData *d,
           size_t         batch)
{
  size_t macs = 0;

  for (guint i = 0; i < d->n_dirs; i++)
    macs += batch * d->dirs[i].units * d->dirs[i].gates * d->dirs[i].units;
  return macs;
}

/* Below this much work per thread and step, waking the pool every step
 * costs more than it saves, and on a busy machine a descheduled worker
 * stalls every step. Measured on 2 threads with the scalar 4×4 GEMM: a
 * 128-unit LSTM (65,536 MACs a step) gains 1.3× when the machine is
 * quiet but loses 10× or more when other processes keep the cores busy;
 * a 32-unit GRU (3,072) loses 15×. Faster GEMM kernels shrink the gain,
 * so steps split only from 65,536 MACs per thread. */
#define MIN_STEP_MACS_PER_WORKER 65536

static void
rnn_run (const LscOp      *op,
         const LscBoundOp *bound,
         LscRunContext    *ctx,
         int64_t           batch)
{
  const RnnData *d = op->data;
  RnnState *state = bound->state;
  ProjectionRun projection = { d, ctx->kernels, bound->in[0], state, batch * d->time, 0, { 0, 0 } };
  StepRun step = { d, ctx->kernels, state, bound->out, 0, batch, 0, 0, 0 };
  const guint workers = lsc_run_context_get_n_workers (ctx);
  gsize tiles = 0;

  /* x W + b for every (sample, step) row of every direction at once. */
  projection.m_tiles = (projection.rows + d->mt - 1) / d->mt;
  for (guint i = 0; i < d->n_dirs; i++)
    {
      const Direction *dir = &d->dirs[i];
      projection.n_tiles[i] = (dir->gates * dir->units + d->nt - 1) / d->nt;
      tiles += projection.m_tiles * projection.n_tiles[i];
      memset (state->dirs[i].h[0], 0, batch * dir->units * sizeof (float));
      if (state->dirs[i].c != NULL)
        memset (state->dirs[i].c, 0, batch * dir->units * sizeof (float));
    }
  lsc_run_tiles (ctx, tiles, projection_tile, &projection);

  /* Samples are independent: with several, each thread runs the whole
   * recurrence of its share, with no barrier per step. A single sample
   * splits each step's units over the threads when a step is big enough. */
  if (workers > 1 && batch > 1)
    {
      ChunkRun chunks = { step, (batch + workers - 1) / workers };
      lsc_run_tiles (ctx, (batch + chunks.chunk - 1) / chunks.chunk, chunk_tile, &chunks);
    }
  else
    time_loop (&step, workers > 1 && step_macs (d, batch) >= MIN_STEP_MACS_PER_WORKER * workers
                      ? ctx : NULL);

  /* After `time` swaps, h[time % 2] holds the last step's output. */
  if (!d->return_sequences)
    for (guint i = 0; i < d->n_dirs; i++)
      memcpy (d->bidirectional ? state->dirs[i].seq : bound->out, state->dirs[i].h[d->time & 1],
              batch * d->dirs[i].units * sizeof (float));

  if (d->bidirectional)
    lsc_ref_bidirectional_merge (d->merge, state->dirs[0].seq, state->dirs[1].seq, batch,
                                 d->return_sequences ? d->time : 1,
                                 d->dirs[0].units, d->dirs[1].units, d->return_sequences,
                                 bound->out);
}

static const LscOpClass rnn_class = {
  .name = "rnn",
  .bind = rnn_bind,
  .unbind = rnn_unbind,
  .run = rnn_run,
  .free = rnn_data_free,
};

/* ---- planning ------------------------------------------------------------ */

/* Columns of the K × gates·u matrix src (row stride src_stride, starting at
 * column src_col) reordered into unit blocks, as dst (K × gates·u). */
static void
permute_columns (const float *src,
                 size_t       src_stride,
                 size_t       src_col,
                 size_t       k,
                 size_t       gates,
                 size_t       units,
                 size_t       ub,
                 float       *dst)
{
  const size_t n = gates * units;

  for (size_t r = 0; r < k; r++)
    for (size_t j0 = 0; j0 < units; j0 += ub)
      {
        const size_t w = MIN (ub, units - j0);
        for (size_t g = 0; g < gates; g++)
          memcpy (dst + r * n + gates * j0 + g * w,
                  src + r * src_stride + src_col + g * units + j0, w * sizeof (float));
      }
}

/* Packs k × gates·u weights (columns from src_col of rows src_stride apart)
 * and an optional bias of the same columns, permuted into blocks. */
static float *
pack_permuted (LscPlan     *plan,
               const float *w,
               size_t       src_stride,
               size_t       src_col,
               const float *bias,
               size_t       k,
               size_t       gates,
               size_t       units,
               size_t       ub)
{
  const size_t nr = plan->kernels->gemm.nr;
  const size_t n = gates * units;
  const size_t size = lsc_pack_gemm_size (nr, k, n);
  g_autofree float *pw = g_new (float, k * n);
  g_autofree float *pb = NULL;
  float *packed = g_aligned_alloc (size, sizeof (float), 64);

  permute_columns (w, src_stride, src_col, k, gates, units, ub, pw);
  if (bias != NULL)
    {
      pb = g_new (float, n);
      permute_columns (bias, 0, src_col, 1, gates, units, ub, pb);
    }
  lsc_pack_gemm (nr, k, n, pw, pb, packed);
  plan->packed_bytes += size * sizeof (float);
  return packed;
}

static gboolean
activation_is_elementwise (LscActivation activation)
{
  /* The softmax family normalises over all units at once: not block by
   * block. */
  return activation != LSC_ACTIVATION_SOFTMAX && activation != LSC_ACTIVATION_LOG_SOFTMAX;
}

static const char *
cell_name (LscRnnCell cell)
{
  switch (cell)
    {
    case LSC_RNN_CELL_LSTM:
      return "lstm";
    case LSC_RNN_CELL_GRU:
      return "gru";
    case LSC_RNN_CELL_SIMPLE:
    default:
      return "simple_rnn";
    }
}

/* The configuration of one direction; FALSE when the op does not cover it. */
static gboolean
direction_init (const LscLayer *layer,
                Direction      *dir)
{
  const LscRnnParams *p = layer->params;

  if (!lsc_layer_is_rnn (layer) || p->units <= 0
      || !activation_is_elementwise (p->activation)
      || (p->cell != LSC_RNN_CELL_SIMPLE && !activation_is_elementwise (p->recurrent_activation)))
    return FALSE;
  dir->cell = p->cell;
  dir->two_pass = p->cell == LSC_RNN_CELL_GRU && !p->reset_after;
  dir->activation = p->activation;
  dir->recurrent_activation = p->recurrent_activation;
  dir->go_backwards = p->go_backwards;
  dir->units = p->units;
  dir->gates = p->cell == LSC_RNN_CELL_LSTM ? 4 : p->cell == LSC_RNN_CELL_GRU ? 3 : 1;
  dir->rec_gates = dir->two_pass ? 2 : dir->gates;
  return TRUE;
}

/* The packed weights of a direction whose blocks are `ub` units. */
static void
direction_pack (LscPlan        *plan,
                const LscLayer *layer,
                size_t          input_dim,
                size_t          ub,
                Direction      *dir)
{
  LscRnnStandardWeights w;
  const size_t u = dir->units, gu = dir->gates * u;

  lsc_rnn_gather_standard_weights (layer, input_dim, &w);
  dir->n_blocks = (u + ub - 1) / ub;
  dir->packed_w = pack_permuted (plan, w.kernel, gu, 0, w.input_bias, input_dim, dir->gates, u, ub);
  if (dir->two_pass)
    {
      /* U_zr for the first pass; U_h (one gate: no permutation) for the
       * second. There is no recurrent bias without reset_after. */
      dir->packed_u = pack_permuted (plan, w.recurrent_kernel, gu, 0, NULL, u, 2, u, ub);
      dir->packed_uh = pack_permuted (plan, w.recurrent_kernel, gu, 2 * u, NULL, u, 1, u, ub);
    }
  else
    dir->packed_u = pack_permuted (plan, w.recurrent_kernel, gu, 0, w.recurrent_bias,
                                   u, dir->gates, u, ub);
  lsc_rnn_standard_weights_clear (&w);
}

/* Blocks of about an eighth of the units (so that two threads split a
 * step evenly), at least 16, on NR boundaries. */
static size_t
choose_block (size_t units,
              size_t nr)
{
  size_t ub = MAX (16, (units + 7) / 8);

  ub = (ub + nr - 1) / nr * nr;
  return MIN (ub, (units + nr - 1) / nr * nr);
}

LscOp *
_lsc_op_rnn_plan (const LscOpRequest *request)
{
  const LscLayer *layer = _lsc_request_layer (request, request->node);
  const LscNode *node = lsc_model_get_node (request->model, request->node);
  LscPlan *plan = request->plan;
  const size_t nr = plan->kernels->gemm.nr, mr = plan->kernels->gemm.mr;
  const LscLayer *inner[2] = { layer, NULL };
  const LscShape *in;
  g_autofree char *kernel = NULL;
  RnnData *d;
  LscOp *op;
  size_t max_units = 0;

  if (node->n_inputs != 1 || request->pad_node != G_MAXUINT || request->bn_node != G_MAXUINT
      || request->act_node != G_MAXUINT || request->add_node != G_MAXUINT)
    return NULL;
  in = &request->shapes[node->inputs[0]];
  if (in->ndim != 3 || in->dims[1] <= 0 || in->dims[2] <= 0)
    return NULL;

  d = g_new0 (RnnData, 1);
  d->time = in->dims[1];
  d->input_dim = in->dims[2];
  if (layer->ops == &lsc_layer_bidirectional_ops)
    {
      const LscBidirectionalParams *bp = layer->params;

      d->bidirectional = TRUE;
      d->merge = bp->merge;
      d->n_dirs = 2;
      inner[0] = lsc_bidirectional_get_forward (layer);
      inner[1] = lsc_bidirectional_get_backward (layer);
    }
  else
    d->n_dirs = 1;

  for (guint i = 0; i < d->n_dirs; i++)
    if (!direction_init (inner[i], &d->dirs[i]))
      {
        g_free (d);
        return NULL;
      }
  d->return_sequences = ((const LscRnnParams *) inner[0]->params)->return_sequences;

  for (guint i = 0; i < d->n_dirs; i++)
    max_units = MAX (max_units, d->dirs[i].units);
  d->ub = choose_block (max_units, nr);
  for (guint i = 0; i < d->n_dirs; i++)
    direction_pack (plan, inner[i], d->input_dim, d->ub, &d->dirs[i]);

  /* The input GEMM's tiles, as the convolutions choose them. */
  d->mt = mr * CLAMP ((256 * 1024) / (sizeof (float) * d->input_dim * mr), 1, 16);
  d->nt = nr * 4;

  if (d->bidirectional && d->dirs[0].cell != d->dirs[1].cell)
    kernel = g_strdup_printf ("bidirectional_%s_%s(%s)", cell_name (d->dirs[0].cell),
                              cell_name (d->dirs[1].cell), plan->kernels->gemm.name);
  else
    kernel = g_strdup_printf ("%s%s(%s)", d->bidirectional ? "bidirectional_" : "",
                              cell_name (d->dirs[0].cell), plan->kernels->gemm.name);
  op = _lsc_op_new_for_request (request, &rnn_class, kernel);
  op->data = d;
  return op;
}
