/* The depthwise convolution and pooling microkernels of every kernel table
 * this machine runs.
 *
 * Kernel level: random indirection buffers over a pool of input rows, with
 * zero taps, overlapping windows (input_stride < ks), input_offset ≠ 0 (the
 * pointers point at a NaN-filled first image, so a forgotten offset shows,
 * and the zero buffer is followed by NaN at the offset, so an offset added
 * to it shows), every clamp range, channel counts that hit every register
 * block and tail, 1 to 70 taps (9: the 3 × 3 path that keeps weights in
 * registers), inputs and weights ending at an inaccessible page and
 * outputs inside canaries; against naive loops written here.
 *
 * Layer level: whole depthwise convolutions and poolings (SAME and VALID,
 * strides 1 and 2, odd sizes, batch 2 through input_offset) driven row by
 * row through indirection buffers built here, against lsc_ref_*. */

#include <float.h>

#include "kernels/lsc-pack.h"
#include "kernels/ref/lsc-ref-conv.h"
#include "kernels/ref/lsc-ref-pool.h"

#include "lsc-test-kernels.h"

static const size_t channel_counts[] = { 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 127 };
static const size_t tap_counts[] = { 1, 4, 9, 25, 40, 70 };
static const size_t widths[] = { 1, 2, 5 };

typedef enum
{
  OP_DWCONV,
  OP_MAXPOOL,
  OP_AVGPOOL,
} WindowOp;

/* ---- Kernel level ---- */

/* One random case: a pool of `rows` input rows of `channels` floats in the
 * second of two images (the first all NaN), the indirection pointing into
 * the first, a zero buffer, weights and multipliers. */
typedef struct
{
  size_t channels, width, ks, stride, rows, offset;
  LscTestGuarded g_images, g_zero, g_weights;
  float *images;                /* 2 × rows × channels */
  float *zero_region;           /* zero buffer, then NaN at zero + offset */
  const float *zero;
  float *packed;                /* lsc_pack_dwconv layout */
  float *multiplier;            /* width */
  const float **indirection;    /* (width - 1) × stride + ks */
  size_t n_indirection;
} Case;

static void
case_init (Case    *k,
           GRand   *rand,
           WindowOp op,
           size_t   channels,
           size_t   width,
           size_t   ks,
           size_t   stride,
           gboolean with_offset)
{
  g_autofree float *w = NULL, *bias = NULL;

  k->channels = channels, k->width = width, k->ks = ks, k->stride = stride;
  k->rows = 13;
  k->offset = with_offset ? k->rows * channels : 0;

  k->images = lsc_test_guarded_new (&k->g_images, 2 * k->rows * channels);
  for (size_t i = 0; i < k->rows * channels; i++)
    k->images[i] = NAN;
  lsc_test_fill_random (rand, k->images + k->rows * channels, k->rows * channels, -1.0, 1.0);

  k->zero_region = lsc_test_guarded_new (&k->g_zero, k->offset + channels);
  for (size_t i = 0; i < k->offset + channels; i++)
    k->zero_region[i] = i < channels ? 0.0f : NAN;
  k->zero = k->zero_region;

  w = g_new (float, ks * channels);
  bias = g_new (float, channels);
  lsc_test_fill_random (rand, w, ks * channels, -1.0, 1.0);
  lsc_test_fill_random (rand, bias, channels, -0.5, 0.5);
  /* Packed weights end at the inaccessible page: the last tap's tail. */
  k->packed = lsc_test_guarded_new (&k->g_weights, lsc_pack_dwconv_size (channels, ks));
  lsc_pack_dwconv (channels, ks, w, bias, k->packed);

  k->multiplier = g_new (float, width);
  lsc_test_fill_random (rand, k->multiplier, width, 0.05, 1.0);

  k->n_indirection = (width - 1) * stride + ks;
  k->indirection = g_new (const float *, k->n_indirection);
  for (size_t i = 0; i < k->n_indirection; i++)
    {
      const size_t row = (size_t) g_rand_int_range (rand, 0, (gint32) k->rows);
      /* With no offset, the pointers point straight at the real image. */
      const float *base = k->images + (with_offset ? 0 : k->rows * channels);

      if (op != OP_MAXPOOL && g_rand_int_range (rand, 0, 5) == 0)
        k->indirection[i] = k->zero;
      else
        k->indirection[i] = base + row * channels;
    }
  /* The last row (whose end is the page end) is always used. */
  if (k->indirection[k->n_indirection - 1] != k->zero)
    k->indirection[k->n_indirection - 1] = (with_offset ? k->images : k->images + k->rows * channels)
                                           + (k->rows - 1) * channels;
}

static void
case_clear (Case *k)
{
  lsc_test_guarded_free (&k->g_images);
  lsc_test_guarded_free (&k->g_zero);
  lsc_test_guarded_free (&k->g_weights);
  g_free (k->multiplier);
  g_free (k->indirection);
}

/* The value tap t of pixel x reads at channel c, as the contract says. */
static float
case_tap (const Case *k,
          size_t      x,
          size_t      t,
          size_t      c)
{
  const float *p = k->indirection[x * k->stride + t];

  return p == k->zero ? 0.0f : p[k->offset + c];
}

/* Naive value of (x, c) before the clamp, and the sum of the magnitudes of
 * its terms (for the rounding tolerance). */
static double
case_naive (const Case *k,
            WindowOp    op,
            size_t      x,
            size_t      c,
            double     *magnitude)
{
  double acc = op == OP_DWCONV ? k->packed[c] : 0.0;

  *magnitude = fabs (acc);
  for (size_t t = 0; t < k->ks; t++)
    {
      const double v = case_tap (k, x, t, c);

      switch (op)
        {
        case OP_DWCONV:
          acc += v * k->packed[k->channels + t * k->channels + c];
          *magnitude += fabs (v * k->packed[k->channels + t * k->channels + c]);
          break;
        case OP_MAXPOOL:
          acc = t == 0 || v > acc ? v : acc;
          break;
        case OP_AVGPOOL:
          acc += v;
          *magnitude += fabs (v);
          break;
        }
    }
  if (op == OP_AVGPOOL)
    {
      acc *= k->multiplier[x];
      *magnitude *= k->multiplier[x];
    }
  return acc;
}

static void
case_run (const Case           *k,
          const LscKernelTable *table,
          WindowOp              op,
          const LscMinMax      *minmax,
          float                *y)
{
  switch (op)
    {
    case OP_DWCONV:
      table->dwconv.fn (k->channels, k->width, k->ks, k->indirection, k->stride, k->offset, k->zero,
                        k->packed, y, minmax);
      break;
    case OP_MAXPOOL:
      table->maxpool.fn (k->channels, k->width, k->ks, k->indirection, k->stride, k->offset, y, minmax);
      break;
    case OP_AVGPOOL:
      table->avgpool.fn (k->channels, k->width, k->ks, k->indirection, k->stride, k->offset, k->zero,
                         k->multiplier, y, minmax);
      break;
    }
}

static const char *
kernel_name (const LscKernelTable *table,
             WindowOp              op)
{
  return op == OP_DWCONV ? table->dwconv.name : op == OP_MAXPOOL ? table->maxpool.name : table->avgpool.name;
}

static void
check_window_kernels (WindowOp op)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (21 + op);

  for (guint ci = 0; ci < G_N_ELEMENTS (channel_counts); ci++)
    for (guint wi = 0; wi < G_N_ELEMENTS (widths); wi++)
      for (guint ki = 0; ki < G_N_ELEMENTS (tap_counts); ki++)
        for (guint si = 0; si < 3; si++)
          for (int with_offset = 0; with_offset <= 1; with_offset++)
            {
              const size_t channels = channel_counts[ci], width = widths[wi], ks = tap_counts[ki];
              /* Disjoint windows, windows sharing all but one tap, gaps. */
              const size_t stride = si == 0 ? ks : si == 1 ? 1 : ks + 3;
              const size_t n = width * channels;
              g_autofree double *expected = g_new (double, n);
              g_autofree double *magnitude = g_new (double, n);
              const LscKernelTable *table;
              Case k;

              case_init (&k, rand, op, channels, width, ks, stride, with_offset);
              for (size_t x = 0; x < width; x++)
                for (size_t c = 0; c < channels; c++)
                  expected[x * channels + c] = case_naive (&k, op, x, c, &magnitude[x * channels + c]);

              LSC_TEST_FOREACH_TABLE (table)
                for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
                  {
                    const LscMinMax *mm = &lsc_test_clamps[m];
                    float *y = lsc_test_canary_new (n);

                    case_run (&k, table, op, mm, y);
                    for (size_t i = 0; i < n; i++)
                      {
                        const float want = lsc_test_clamp (expected[i], mm);
                        /* Max is exact; sums round once per term. */
                        const double tol = op == OP_MAXPOOL ? 0.0 : (ks + 2) * FLT_EPSILON * magnitude[i];

                        if (!(fabs ((double) y[i] - want) <= tol))
                          g_error ("%s: channels %zu width %zu ks %zu stride %zu offset %zu clamp %u: "
                                   "[%zu, %zu] = %.9g, expected %.9g",
                                   kernel_name (table, op), channels, width, ks, stride, k.offset, m,
                                   i / channels, i % channels, y[i], want);
                      }
                    lsc_test_canary_check_free (y, n);
                  }
              case_clear (&k);
            }
}

static void
test_dwconv_kernel (void)
{
  check_window_kernels (OP_DWCONV);
}

static void
test_maxpool_kernel (void)
{
  check_window_kernels (OP_MAXPOOL);
}

static void
test_avgpool_kernel (void)
{
  check_window_kernels (OP_AVGPOOL);
}

/* Widths of 0 write nothing. */
static void
test_window_empty (void)
{
  const LscKernelTable *table;
  const LscMinMax none = { -INFINITY, INFINITY };

  LSC_TEST_FOREACH_TABLE (table)
    {
      float *y = lsc_test_canary_new (0);

      table->dwconv.fn (8, 0, 9, NULL, 9, 0, NULL, NULL, y, &none);
      table->maxpool.fn (8, 0, 9, NULL, 9, 0, y, &none);
      table->avgpool.fn (8, 0, 9, NULL, 9, 0, NULL, NULL, y, &none);
      lsc_test_canary_check_free (y, 0);
    }
}

/* NaN in max pooling as in the scalar kernel (`tap > acc ? tap : acc`): a
 * NaN first tap stays, a later NaN tap is skipped; avg and dwconv carry
 * any NaN to the output (through the clamp). */
static void
test_window_nan (void)
{
  const size_t channels = 37, ks = 3;
  g_autofree float *rows = g_new (float, ks * channels);
  g_autofree float *packed = g_new (float, lsc_pack_dwconv_size (channels, ks));
  g_autofree float *zero = g_new0 (float, channels);
  const float *indirection[3] = { rows, rows + channels, rows + 2 * channels };
  const float multiplier = 1.0f / 3.0f;
  const LscMinMax relu6 = { 0.0f, 6.0f };
  float expected[37], y[37];
  const LscKernelTable *table;

  for (size_t t = 0; t < ks; t++)
    for (size_t c = 0; c < channels; c++)
      rows[t * channels + c] = (c + t) % 3 == 0 && c % 2 == 0 ? NAN : (float) (c % 7) - 2.5f;
  for (size_t i = 0; i < lsc_pack_dwconv_size (channels, ks); i++)
    packed[i] = 0.5f;

  LSC_TEST_FOREACH_TABLE (table)
    {
      lsc_kernels_scalar.maxpool.fn (channels, 1, ks, indirection, ks, 0, expected, &relu6);
      table->maxpool.fn (channels, 1, ks, indirection, ks, 0, y, &relu6);
      for (size_t c = 0; c < channels; c++)
        if (!lsc_test_same_float (y[c], expected[c]))
          g_error ("%s [%zu] = %g, f32_maxpool__scalar %g", table->maxpool.name, c, y[c], expected[c]);

      for (int op = 0; op < 2; op++)
        {
          if (op == 0)
            table->avgpool.fn (channels, 1, ks, indirection, ks, 0, zero, &multiplier, y, &relu6);
          else
            table->dwconv.fn (channels, 1, ks, indirection, ks, 0, zero, packed, y, &relu6);
          for (size_t c = 0; c < channels; c++)
            {
              gboolean any_nan = FALSE;

              for (size_t t = 0; t < ks; t++)
                any_nan |= isnan (rows[t * channels + c]) != 0;
              if ((isnan (y[c]) != 0) != any_nan)
                g_error ("%s [%zu] = %g", op == 0 ? table->avgpool.name : table->dwconv.name, c, y[c]);
            }
        }
    }
}

static void
test_gavgpool_kernel (void)
{
  const size_t row_counts[] = { 0, 1, 2, 7, 49 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (24);

  for (guint ri = 0; ri < G_N_ELEMENTS (row_counts); ri++)
    for (guint ci = 0; ci < G_N_ELEMENTS (channel_counts); ci++)
      {
        const size_t rows = row_counts[ri], channels = channel_counts[ci];
        const float scale = rows > 0 ? 1.0f / (float) rows : 0.5f;
        LscTestGuarded g;
        float *input = lsc_test_guarded_new (&g, rows * channels);
        g_autofree float *ref = g_new (float, channels);
        const LscKernelTable *table;

        lsc_test_fill_random (rand, input, rows * channels, -2.0, 2.0);
        if (rows > 0)
          lsc_ref_global_avg_pool (input, 1, (int64_t) rows, (int64_t) channels, ref);

        LSC_TEST_FOREACH_TABLE (table)
          {
            float *y = lsc_test_canary_new (channels);

            table->gavgpool.fn (rows, channels, input, scale, y);
            for (size_t c = 0; c < channels; c++)
              {
                double sum = 0.0, magnitude = 0.0;

                for (size_t r = 0; r < rows; r++)
                  {
                    sum += input[r * channels + c];
                    magnitude += fabs (input[r * channels + c]);
                  }
                if (!(fabs (y[c] - sum * scale) <= (rows + 2) * FLT_EPSILON * magnitude * scale)
                    || (rows > 0 && !(fabs (y[c] - ref[c]) <= (rows + 2) * FLT_EPSILON * magnitude * scale)))
                  g_error ("%s rows %zu channels %zu [%zu] = %.9g, naive %.9g, lsc_ref_global_avg_pool %.9g",
                           table->gavgpool.name, rows, channels, c, y[c], sum * scale,
                           rows > 0 ? ref[c] : 0.0f);
              }
            lsc_test_canary_check_free (y, channels);
          }
        lsc_test_guarded_free (&g);
      }
}

/* ---- Layer level ---- */

typedef struct
{
  int64_t in_h, in_w, channels;
  int64_t kh, kw, stride;
  gboolean same;
} LayerSpec;

static const LayerSpec layers[] = {
  { 7, 9, 17, 3, 3, 1, TRUE },
  { 7, 9, 8, 3, 3, 2, TRUE },
  { 8, 8, 33, 3, 3, 2, TRUE },
  { 9, 7, 3, 5, 5, 1, FALSE },
  { 9, 7, 16, 5, 5, 2, TRUE },
  { 6, 10, 100, 2, 2, 2, TRUE },
  { 5, 5, 1, 1, 1, 1, FALSE },
  { 11, 13, 31, 3, 3, 2, FALSE },
  { 4, 4, 7, 3, 3, 1, TRUE },
  { 3, 5, 64, 5, 5, 1, TRUE },
};

typedef struct
{
  int64_t out_h, out_w, pad_top, pad_left;
} Padding;

/* TensorFlow's output size and leading padding. */
static Padding
layer_padding (const LayerSpec *l)
{
  Padding p;

  if (l->same)
    {
      p.out_h = (l->in_h + l->stride - 1) / l->stride;
      p.out_w = (l->in_w + l->stride - 1) / l->stride;
      p.pad_top = MAX ((p.out_h - 1) * l->stride + l->kh - l->in_h, 0) / 2;
      p.pad_left = MAX ((p.out_w - 1) * l->stride + l->kw - l->in_w, 0) / 2;
    }
  else
    {
      p.out_h = (l->in_h - l->kh) / l->stride + 1;
      p.out_w = (l->in_w - l->kw) / l->stride + 1;
      p.pad_top = p.pad_left = 0;
    }
  return p;
}

/* The indirection of output row oy: pixel ox, tap (ky, kx) at
 * [ox × ks + ky × kw + kx], pointing into image 0. Cells outside the input
 * are `zero`, or for max pooling (zero == NULL) the window's first valid
 * cell. multiplier[ox] = 1 / valid cells. */
static void
layer_indirection (const LayerSpec *l,
                   const Padding   *p,
                   int64_t          oy,
                   const float     *image,
                   const float     *zero,
                   const float    **indirection,
                   float           *multiplier)
{
  const int64_t ks = l->kh * l->kw;

  for (int64_t ox = 0; ox < p->out_w; ox++)
    {
      const float *first_valid = NULL;
      int valid = 0;

      for (int64_t t = 0; t < ks; t++)
        {
          const int64_t iy = oy * l->stride - p->pad_top + t / l->kw;
          const int64_t ix = ox * l->stride - p->pad_left + t % l->kw;

          if (iy >= 0 && iy < l->in_h && ix >= 0 && ix < l->in_w)
            {
              indirection[ox * ks + t] = image + (iy * l->in_w + ix) * l->channels;
              if (first_valid == NULL)
                first_valid = indirection[ox * ks + t];
              valid++;
            }
          else
            indirection[ox * ks + t] = zero;
        }
      g_assert_nonnull (first_valid);
      if (zero == NULL)
        for (int64_t t = 0; t < ks; t++)
          if (indirection[ox * ks + t] == NULL)
            indirection[ox * ks + t] = first_valid;
      multiplier[ox] = 1.0f / (float) valid;
    }
}

static void
check_layers (WindowOp op)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31 + op);

  for (guint li = 0; li < G_N_ELEMENTS (layers); li++)
    {
      const LayerSpec *l = &layers[li];
      const Padding p = layer_padding (l);
      const int64_t batch = 2, c = l->channels, ks = l->kh * l->kw;
      const size_t image = (size_t) (l->in_h * l->in_w * c);
      const size_t out_n = (size_t) (batch * p.out_h * p.out_w * c);
      LscTestGuarded g_input;
      float *input = lsc_test_guarded_new (&g_input, batch * image);
      g_autofree float *kernel = g_new (float, ks * c);
      g_autofree float *bias = g_new (float, c);
      g_autofree float *packed = g_new (float, lsc_pack_dwconv_size (c, ks));
      g_autofree float *zero = g_new0 (float, c);
      g_autofree float *ref = g_new (float, out_n);
      g_autofree const float **indirection = g_new (const float *, p.out_w * ks);
      g_autofree float *multiplier = g_new (float, p.out_w);
      const LscKernelTable *table;

      lsc_test_fill_random (rand, input, batch * image, -1.0, 1.0);
      lsc_test_fill_random (rand, kernel, ks * c, -1.0, 1.0);
      lsc_test_fill_random (rand, bias, c, -0.5, 0.5);
      lsc_pack_dwconv (c, ks, kernel, bias, packed);

      if (op == OP_DWCONV)
        {
          const LscRefConvGeometry geom = {
            .batch = batch, .in_h = l->in_h, .in_w = l->in_w, .in_c = c,
            .out_h = p.out_h, .out_w = p.out_w, .out_c = c,
            .kernel_h = l->kh, .kernel_w = l->kw, .stride_h = l->stride, .stride_w = l->stride,
            .dilation_h = 1, .dilation_w = 1, .pad_top = p.pad_top, .pad_left = p.pad_left,
          };

          lsc_ref_depthwise_conv2d (&geom, 1, input, kernel, bias, ref);
        }
      else
        {
          const LscRefPool2dGeometry geom = {
            .batch = batch, .in_h = l->in_h, .in_w = l->in_w, .channels = c,
            .pool_h = l->kh, .pool_w = l->kw, .stride_h = l->stride, .stride_w = l->stride,
            .pad_top = p.pad_top, .pad_left = p.pad_left, .out_h = p.out_h, .out_w = p.out_w,
          };

          if (op == OP_MAXPOOL)
            lsc_ref_max_pool_2d (input, &geom, ref);
          else
            lsc_ref_avg_pool_2d (input, &geom, ref);
        }

      LSC_TEST_FOREACH_TABLE (table)
        for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
          {
            const LscMinMax *mm = &lsc_test_clamps[m];
            float *y = lsc_test_canary_new (out_n);

            for (int64_t oy = 0; oy < p.out_h; oy++)
              {
                layer_indirection (l, &p, oy, input, op == OP_MAXPOOL ? NULL : zero, indirection, multiplier);
                for (int64_t b = 0; b < batch; b++)
                  {
                    float *row = y + (b * p.out_h + oy) * p.out_w * c;
                    const size_t offset = (size_t) b * image;

                    switch (op)
                      {
                      case OP_DWCONV:
                        table->dwconv.fn (c, p.out_w, ks, indirection, ks, offset, zero, packed, row, mm);
                        break;
                      case OP_MAXPOOL:
                        table->maxpool.fn (c, p.out_w, ks, indirection, ks, offset, row, mm);
                        break;
                      case OP_AVGPOOL:
                        table->avgpool.fn (c, p.out_w, ks, indirection, ks, offset, zero, multiplier, row, mm);
                        break;
                      }
                  }
              }

            for (size_t i = 0; i < out_n; i++)
              {
                const float want = lsc_test_clamp (ref[i], mm);
                const double tol = op == OP_MAXPOOL ? 0.0 : (ks + 2) * 4 * FLT_EPSILON * MAX (1.0, fabs (ref[i]));

                if (!(fabs ((double) y[i] - want) <= tol))
                  g_error ("%s: layer %u (%" G_GINT64_FORMAT "×%" G_GINT64_FORMAT "×%" G_GINT64_FORMAT
                           ", %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT " /%" G_GINT64_FORMAT " %s) clamp %u: "
                           "[%zu] = %.9g, lsc_ref_* %.9g",
                           kernel_name (table, op), li, l->in_h, l->in_w, c, l->kh, l->kw, l->stride,
                           l->same ? "SAME" : "VALID", m, i, y[i], want);
              }
            lsc_test_canary_check_free (y, out_n);
          }
      lsc_test_guarded_free (&g_input);
    }
}

static void
test_dwconv_layers (void)
{
  check_layers (OP_DWCONV);
}

static void
test_maxpool_layers (void)
{
  check_layers (OP_MAXPOOL);
}

static void
test_avgpool_layers (void)
{
  check_layers (OP_AVGPOOL);
}

static void
test_names (void)
{
  const LscKernelTable *table;

  LSC_TEST_FOREACH_TABLE (table)
    {
      g_autofree char *suffix = g_strconcat ("__", lsc_isa_to_string (table->isa), NULL);
      const char *names[] = { table->dwconv.name, table->maxpool.name, table->avgpool.name,
                              table->gavgpool.name };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_assert_true (g_str_has_prefix (names[i], "f32_"));
          g_assert_true (g_str_has_suffix (names[i], suffix));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kernels/spatial/dwconv/kernel", test_dwconv_kernel);
  g_test_add_func ("/kernels/spatial/maxpool/kernel", test_maxpool_kernel);
  g_test_add_func ("/kernels/spatial/avgpool/kernel", test_avgpool_kernel);
  g_test_add_func ("/kernels/spatial/empty", test_window_empty);
  g_test_add_func ("/kernels/spatial/nan", test_window_nan);
  g_test_add_func ("/kernels/spatial/gavgpool/kernel", test_gavgpool_kernel);
  g_test_add_func ("/kernels/spatial/dwconv/layers", test_dwconv_layers);
  g_test_add_func ("/kernels/spatial/maxpool/layers", test_maxpool_layers);
  g_test_add_func ("/kernels/spatial/avgpool/layers", test_avgpool_layers);
  g_test_add_func ("/kernels/spatial/names", test_names);
  return g_test_run ();
}
