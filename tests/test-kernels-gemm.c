/* The GEMM and IGEMM (convolution) microkernels of every kernel table this
 * CPU runs, and the tile drivers of lsc-gemm.c, against naive
 * double-precision loops written here and against lsc_ref_conv2d.
 *
 * Every call runs with its inputs (A rows, packed weights, the zero
 * buffer, the indirection pointers) placed so that they end exactly at a
 * page the test made inaccessible: a kernel that reads one float too many
 * crashes the test. Outputs sit in a buffer of sentinels (before, after and
 * in the stride gaps between rows) that must come back untouched. */

#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernels/lsc-gemm.h"
#include "kernels/lsc-kernels.h"
#include "kernels/lsc-pack.h"
#include "kernels/ref/lsc-ref-conv.h"
#if defined(__x86_64__)
#include "kernels/avx2/lsc-gemm-avx2.h"
#include "kernels/avx512/lsc-gemm-avx512.h"
#include "kernels/sse4/lsc-gemm-sse4.h"
#endif

#define TOL 1e-5
#define SENTINEL_BITS 0x7fc0beefu  /* a quiet NaN no kernel computes */
#define GUARD 37                   /* sentinels before and after C */

/* One pair of microkernels: a table's, or a tile height the benchmark
 * compares (the same code instantiated with another MR). */
typedef struct
{
  const char      *name;
  LscIsa           isa;
  LscGemmUkernel   gemm;
  LscIgemmUkernel  igemm;
  guint            mr, nr;
  guint            igemm_mr;
  /* The table, for the tile-driver tests; NULL for extra tile heights. */
  const LscKernelTable *table;
} Variant;

static const LscMinMax clamps[] = {
  { -INFINITY, INFINITY },  /* linear */
  { 0.0f, INFINITY },       /* ReLU */
  { 0.0f, 6.0f },           /* ReLU6 */
};

/* ---- Guarded memory ------------------------------------------------------ */

/* A read-write region followed by an inaccessible page; tail() hands out
 * the last n bytes before it. */
typedef struct
{
  guint8 *base;
  size_t  size;
} Guarded;

static Guarded
guarded_new (size_t size)
{
  const size_t page = (size_t) sysconf (_SC_PAGESIZE);
  Guarded g;

  g.size = (size + page - 1) / page * page;
  g.base = mmap (NULL, g.size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g.base != MAP_FAILED);
  g_assert_cmpint (mprotect (g.base + g.size, page, PROT_NONE), ==, 0);
  return g;
}

static void
guarded_free (Guarded *g)
{
  munmap (g->base, g->size + (size_t) sysconf (_SC_PAGESIZE));
}

static void *
tail (Guarded *g,
      size_t   bytes)
{
  g_assert_cmpuint (bytes, <=, g->size);
  return g->base + g->size - bytes;
}

/* ---- Helpers ------------------------------------------------------------- */

static void
fill_random (GRand *rand,
             float *p,
             size_t n)
{
  for (size_t i = 0; i < n; i++)
    p[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
}

static void
fill_sentinel (float *p,
               size_t n)
{
  const guint32 bits = SENTINEL_BITS;

  for (size_t i = 0; i < n; i++)
    memcpy (p + i, &bits, sizeof bits);
}

static gboolean
is_sentinel (float v)
{
  guint32 bits;

  memcpy (&bits, &v, sizeof bits);
  return bits == SENTINEL_BITS;
}

static double
clampd (double v,
        const LscMinMax *minmax)
{
  v = v < minmax->min ? minmax->min : v;
  return v > minmax->max ? minmax->max : v;
}

/* Asserts got matches the expected sum within TOL relative to scale (the
 * sum of the magnitudes of its terms: the bound of float rounding). */
static void
assert_close (float       got,
              double      expected,
              double      scale,
              const char *what,
              size_t      row,
              size_t      col)
{
  if (!(fabs (got - expected) <= TOL * (scale + 1e-30)))
    g_error ("%s: C[%zu][%zu] = %.9g, expected %.9g (scale %g)", what, row, col, got, expected,
             scale);
}

/* C was `rows` rows of `cols` values ldc apart, inside a buffer with GUARD
 * sentinels before; checks every other float of the buffer (n floats in
 * all) is still a sentinel. */
static void
assert_canary (const float *buffer,
               size_t       n,
               size_t       rows,
               size_t       cols,
               size_t       ldc,
               const char  *what)
{
  for (size_t i = 0; i < n; i++)
    {
      const gboolean inside = i >= GUARD && (i - GUARD) / ldc < rows && (i - GUARD) % ldc < cols;

      if (!inside && !is_sentinel (buffer[i]))
        g_error ("%s: wrote outside C at float %zd (row %zd)", what, (gssize) i - GUARD,
                 ((gssize) i - GUARD) / (gssize) ldc);
    }
}

/* ---- Microkernels, called directly -------------------------------------- */

static const size_t kcs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 64, 255 };

static void
test_gemm_ukernel (gconstpointer data)
{
  const Variant *v = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  Guarded ga, gw;
  size_t n_cases = 0;

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  ga = guarded_new (v->mr * (255 + 3) * sizeof (float));
  gw = guarded_new (v->nr * (255 + 1) * sizeof (float));

  for (size_t ki = 0; ki < G_N_ELEMENTS (kcs); ki++)
    for (size_t mr = 1; mr <= v->mr; mr++)
      for (size_t nc = 1; nc <= v->nr; nc++, n_cases++)
        {
          const size_t kc = kcs[ki];
          const size_t a_stride = kc + 3;
          const size_t ldc = nc + 5;
          const size_t n_c = GUARD + mr * ldc + GUARD;
          const LscMinMax *minmax = &clamps[n_cases % G_N_ELEMENTS (clamps)];
          g_autofree float *b = g_new (float, kc * nc);
          g_autofree float *bias = g_new (float, nc);
          g_autofree float *cbuf = g_new (float, n_c);
          /* The last row ends at the guard: no reads past kc. */
          float *a = tail (&ga, ((mr - 1) * a_stride + kc) * sizeof (float));
          float *w = tail (&gw, lsc_pack_gemm_size (v->nr, kc, nc) * sizeof (float));

          fill_random (rand, a, (mr - 1) * a_stride + kc);
          fill_random (rand, b, kc * nc);
          fill_random (rand, bias, nc);
          lsc_pack_gemm (v->nr, kc, nc, b, bias, w);
          fill_sentinel (cbuf, n_c);

          v->gemm (mr, nc, kc, a, a_stride, w, cbuf + GUARD, ldc, minmax);

          for (size_t r = 0; r < mr; r++)
            for (size_t j = 0; j < nc; j++)
              {
                double sum = bias[j], scale = fabs (bias[j]);

                for (size_t k = 0; k < kc; k++)
                  {
                    sum += (double) a[r * a_stride + k] * b[k * nc + j];
                    scale += fabs ((double) a[r * a_stride + k] * b[k * nc + j]);
                  }
                assert_close (cbuf[GUARD + r * ldc + j], clampd (sum, minmax), scale, v->name, r,
                              j);
              }
          assert_canary (cbuf, n_c, mr, nc, ldc, v->name);
        }
  g_test_message ("%s: %zu gemm calls", v->name, n_cases);
  guarded_free (&ga);
  guarded_free (&gw);
}

/* Which taps of which rows read the zero buffer (padding): a pattern that
 * gives rows with no padding, some, and (for ks = 9) tap 0 of every row. */
static gboolean
tap_is_padding (size_t ks,
                size_t t,
                size_t r)
{
  return ks > 1 && (t == 0 || (t + r) % 4 == 1);
}

static void
test_igemm_ukernel (gconstpointer data)
{
  const Variant *v = data;
  static const size_t kss[] = { 1, 9 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  const size_t mr_max = v->igemm_mr;
  Guarded gbad, ga, gw, gz, gi;
  const float *bad;
  size_t n_cases = 0;

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  /* A bad address for the pointers the kernel must not read. */
  gbad = guarded_new (1);
  bad = tail (&gbad, 0);
  ga = guarded_new (9 * mr_max * 255 * sizeof (float));
  gw = guarded_new (v->nr * (9 * 255 + 1) * sizeof (float));
  gz = guarded_new (255 * sizeof (float));
  gi = guarded_new (9 * mr_max * sizeof (float *));

  for (size_t si = 0; si < G_N_ELEMENTS (kss); si++)
    for (size_t ki = 0; ki < G_N_ELEMENTS (kcs); ki++)
      for (size_t mr = 1; mr <= mr_max; mr++)
        for (size_t nc = 1; nc <= v->nr; nc++, n_cases++)
          {
            const size_t ks = kss[si], kc = kcs[ki];
            /* Alternate a zero and a nonzero offset: the kernel adds it to
             * every pointer but `zero` (which sits at the guard, so adding
             * an offset to it would fault). */
            const size_t a_offset = n_cases % 2 == 0 ? 0 : 1000 + kc;
            const size_t ldc = nc + 3;
            const size_t n_c = GUARD + mr * ldc + GUARD;
            const LscMinMax *minmax = &clamps[(n_cases / 2) % G_N_ELEMENTS (clamps)];
            g_autofree float *b = g_new (float, ks * kc * nc);
            g_autofree float *bias = g_new (float, nc);
            g_autofree float *cbuf = g_new (float, n_c);
            float *rows = tail (&ga, ks * mr * kc * sizeof (float));
            float *w = tail (&gw, lsc_pack_gemm_size (v->nr, ks * kc, nc) * sizeof (float));
            float *zero = tail (&gz, kc * sizeof (float));
            /* The last tap's pointers end at row mr - 1: rows past mr must
             * not even be looked up. */
            const float **ind = tail (&gi, ((ks - 1) * mr_max + mr) * sizeof (float *));

            memset (zero, 0, kc * sizeof (float));
            fill_random (rand, rows, ks * mr * kc);
            fill_random (rand, b, ks * kc * nc);
            fill_random (rand, bias, nc);
            lsc_pack_gemm (v->nr, ks * kc, nc, b, bias, w);
            fill_sentinel (cbuf, n_c);
            for (size_t t = 0; t < ks; t++)
              for (size_t r = 0; r < mr_max; r++)
                {
                  if (t == ks - 1 && r >= mr)
                    break;
                  if (r >= mr)
                    ind[t * mr_max + r] = bad;
                  else if (tap_is_padding (ks, t, r))
                    ind[t * mr_max + r] = zero;
                  else
                    ind[t * mr_max + r] = rows + (t * mr + r) * kc - a_offset;
                }

            v->igemm (mr, nc, kc, ks, ind, w, cbuf + GUARD, ldc, a_offset, zero, minmax);

            for (size_t r = 0; r < mr; r++)
              for (size_t j = 0; j < nc; j++)
                {
                  double sum = bias[j], scale = fabs (bias[j]);

                  for (size_t t = 0; t < ks; t++)
                    {
                      if (tap_is_padding (ks, t, r))
                        continue;
                      for (size_t k = 0; k < kc; k++)
                        {
                          const double p = (double) rows[(t * mr + r) * kc + k] * b[(t * kc + k) * nc + j];
                          sum += p;
                          scale += fabs (p);
                        }
                    }
                  assert_close (cbuf[GUARD + r * ldc + j], clampd (sum, minmax), scale, v->name,
                                r, j);
                }
            assert_canary (cbuf, n_c, mr, nc, ldc, v->name);
          }
  g_test_message ("%s: %zu igemm calls", v->name, n_cases);
  guarded_free (&gbad);
  guarded_free (&ga);
  guarded_free (&gw);
  guarded_free (&gz);
  guarded_free (&gi);
}

/* NaN in, NaN out (the clamp must not turn it into min or max), and the
 * clamp bounds themselves. */
static void
test_gemm_special_values (gconstpointer data)
{
  const Variant *v = data;
  const LscMinMax relu6 = { 0.0f, 6.0f };
  const size_t kc = 3;
  float a[3] = { 1.0f, 2.0f, 3.0f };
  g_autofree float *b = g_new0 (float, kc * v->nr);
  g_autofree float *bias = g_new0 (float, v->nr);
  g_autofree float *w = g_new (float, lsc_pack_gemm_size (v->nr, kc, v->nr));
  g_autofree float *c = g_new (float, v->nr);

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  /* Column j: bias j - 4 + a · (1, 0, 0), so 1 + j - 4 = j - 3 before the
   * clamp; column 1 gets NaN through its bias. */
  for (size_t j = 0; j < v->nr; j++)
    {
      bias[j] = (float) j - 4.0f;
      b[j] = 1.0f;
    }
  bias[1] = NAN;
  lsc_pack_gemm (v->nr, kc, v->nr, b, bias, w);
  v->gemm (1, v->nr, kc, a, kc, w, c, v->nr, &relu6);
  for (size_t j = 0; j < v->nr; j++)
    {
      if (j == 1)
        g_assert_true (isnan (c[j]));
      else
        g_assert_cmpfloat (c[j], ==, CLAMP ((float) j - 3.0f, 0.0f, 6.0f));
    }
}

/* ---- Tile drivers -------------------------------------------------------- */

static void
test_gemm_tile (gconstpointer data)
{
  const Variant *v = data;
  const LscKernelTable *kt = v->table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  /* M, N, K: M not a multiple of MR, N not one of NR, sub-tiles inside. */
  const size_t shapes[][3] = { { 1, 1, 1 }, { 23, 37, 19 }, { 50, 70, 64 }, { 9, 100, 255 } };

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const size_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
      const size_t lda = K + 5, ldc = N + 7;
      const size_t nr = kt->gemm.nr;
      /* The whole matrix, then a tile that starts inside it. */
      const size_t tiles[][4] = {
        { 0, M, 0, N },
        { M / 3, M - M / 3, N > nr ? nr : 0, N > nr ? N - nr : N },
      };
      g_autofree float *a = g_new (float, M * lda);
      g_autofree float *b = g_new (float, K * N);
      g_autofree float *bias = g_new (float, N);
      g_autofree float *w = g_new (float, lsc_pack_gemm_size (nr, K, N));
      const size_t n_c = GUARD + M * ldc + GUARD;
      g_autofree float *cbuf = g_new (float, n_c);

      fill_random (rand, a, M * lda);
      fill_random (rand, b, K * N);
      fill_random (rand, bias, N);
      lsc_pack_gemm (nr, K, N, b, bias, w);

      for (size_t ti = 0; ti < G_N_ELEMENTS (tiles); ti++)
        {
          const size_t m0 = tiles[ti][0], mc = tiles[ti][1];
          const size_t n0 = tiles[ti][2], nc = tiles[ti][3];
          const LscMinMax *minmax = &clamps[(s + ti) % G_N_ELEMENTS (clamps)];

          fill_sentinel (cbuf, n_c);
          lsc_gemm_compute_tile (kt, m0, mc, n0, nc, K, a, lda, w, cbuf + GUARD, ldc, minmax);
          for (size_t i = 0; i < n_c; i++)
            {
              const gssize off = (gssize) i - GUARD;
              const size_t row = (size_t) off / ldc, col = (size_t) off % ldc;

              if (off >= 0 && row >= m0 && row < m0 + mc && col >= n0 && col < n0 + nc)
                {
                  double sum = bias[col], scale = fabs (bias[col]);

                  for (size_t k = 0; k < K; k++)
                    {
                      sum += (double) a[row * lda + k] * b[k * N + col];
                      scale += fabs ((double) a[row * lda + k] * b[k * N + col]);
                    }
                  assert_close (cbuf[i], clampd (sum, minmax), scale, kt->gemm.name, row, col);
                }
              else if (!is_sentinel (cbuf[i]))
                g_error ("%s: tile (%zu+%zu, %zu+%zu) wrote outside it at row %zd", kt->gemm.name,
                         m0, mc, n0, nc, off / (gssize) ldc);
            }
        }
    }
}

/* ---- Convolution through the indirection buffer -------------------------- */

typedef struct
{
  int64_t batch, in_h, in_w, in_c, out_c;
  int64_t kernel_h, kernel_w, stride, dilation;
  gboolean same;
} ConvCase;

/* The indirection buffer of one image for the driver's layout: output
 * pixel m, tap t at [(m / MR × ks + t) × MR + m % MR]; padding taps point
 * at zero; the slots of the last block's missing rows stay NULL (the
 * kernels must not read them). */
static const float **
build_indirection (const LscRefConvGeometry *g,
                   const float              *input,
                   const float              *zero,
                   size_t                    mr)
{
  const size_t M = (size_t) (g->out_h * g->out_w);
  const size_t ks = (size_t) (g->kernel_h * g->kernel_w);
  const size_t blocks = (M + mr - 1) / mr;
  const float **ind = g_new0 (const float *, blocks * ks * mr);

  for (size_t m = 0; m < M; m++)
    {
      const int64_t oy = (int64_t) m / g->out_w, ox = (int64_t) m % g->out_w;

      for (int64_t ky = 0; ky < g->kernel_h; ky++)
        for (int64_t kx = 0; kx < g->kernel_w; kx++)
          {
            const size_t t = (size_t) (ky * g->kernel_w + kx);
            const int64_t iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
            const int64_t ix = ox * g->stride_w - g->pad_left + kx * g->dilation_w;
            const gboolean inside = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;

            ind[(m / mr * ks + t) * mr + m % mr] =
              inside ? input + (iy * g->in_w + ix) * g->in_c : zero;
          }
    }
  return ind;
}

static int64_t
out_size (int64_t  in,
          int64_t  kernel,
          int64_t  stride,
          int64_t  dilation,
          gboolean same,
          int64_t *pad_before)
{
  const int64_t span = (kernel - 1) * dilation + 1;
  const int64_t out = same ? (in + stride - 1) / stride : (in - span) / stride + 1;
  const int64_t total = MAX ((out - 1) * stride + span - in, 0);

  *pad_before = same ? total / 2 : 0;
  return out;
}

static void
test_conv (gconstpointer data)
{
  const Variant *v = data;
  const LscKernelTable *kt = v->table;
  static const ConvCase cases[] = {
    /* batch, in h w c, out_c, kernel h w, stride, dilation, SAME */
    { 1, 7, 5, 3, 33, 3, 3, 1, 1, TRUE },     /* odd sizes, Cin 3 */
    { 2, 9, 9, 17, 40, 3, 3, 2, 1, TRUE },    /* stride 2, batch 2 via a_offset */
    { 1, 11, 10, 5, 16, 3, 3, 1, 2, TRUE },   /* dilation 2 */
    { 2, 8, 7, 20, 70, 3, 3, 1, 1, FALSE },   /* VALID */
    { 1, 1, 1, 19, 24, 3, 3, 1, 1, TRUE },    /* 1×1 image: 8 of 9 taps pad */
    { 2, 6, 6, 64, 64, 1, 1, 1, 1, TRUE },    /* 1×1 kernel */
    { 1, 13, 13, 3, 8, 7, 7, 2, 1, TRUE },    /* a 7×7 stem */
    { 1, 5, 9, 9, 100, 2, 3, 2, 1, FALSE },   /* non-square kernel, stride 2 */
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  for (size_t ci = 0; ci < G_N_ELEMENTS (cases); ci++)
    {
      const ConvCase *cc = &cases[ci];
      const LscMinMax *minmax = &clamps[ci % G_N_ELEMENTS (clamps)];
      LscRefConvGeometry g = {
        .batch = cc->batch, .in_h = cc->in_h, .in_w = cc->in_w, .in_c = cc->in_c,
        .out_c = cc->out_c, .kernel_h = cc->kernel_h, .kernel_w = cc->kernel_w,
        .stride_h = cc->stride, .stride_w = cc->stride,
        .dilation_h = cc->dilation, .dilation_w = cc->dilation,
      };
      g.out_h = out_size (g.in_h, g.kernel_h, g.stride_h, g.dilation_h, cc->same, &g.pad_top);
      g.out_w = out_size (g.in_w, g.kernel_w, g.stride_w, g.dilation_w, cc->same, &g.pad_left);

      const size_t image_in = (size_t) (g.in_h * g.in_w * g.in_c);
      const size_t M = (size_t) (g.out_h * g.out_w), N = (size_t) g.out_c;
      const size_t ks = (size_t) (g.kernel_h * g.kernel_w), kc = (size_t) g.in_c;
      const size_t n_out = (size_t) g.batch * M * N;
      g_autofree float *input = g_new (float, (size_t) g.batch * image_in);
      g_autofree float *kernel = g_new (float, ks * kc * N);
      g_autofree float *bias = g_new (float, N);
      g_autofree float *expected = g_new (float, n_out);
      g_autofree float *zero = g_new0 (float, kc);
      g_autofree float *w = g_new (float, lsc_pack_gemm_size (kt->igemm.nr, ks * kc, N));
      g_autofree float *cbuf = g_new (float, GUARD + n_out + GUARD);
      g_autofree const float **ind = NULL;

      fill_random (rand, input, (size_t) g.batch * image_in);
      fill_random (rand, kernel, ks * kc * N);
      fill_random (rand, bias, N);
      lsc_ref_conv2d (&g, 1, input, kernel, bias, expected);
      lsc_pack_gemm (kt->igemm.nr, ks * kc, N, kernel, bias, w);
      ind = build_indirection (&g, input, zero, kt->igemm.mr);
      fill_sentinel (cbuf, GUARD + n_out + GUARD);

      /* Image b reuses image 0's indirection buffer, shifted by a_offset. */
      for (int64_t b = 0; b < g.batch; b++)
        lsc_igemm_compute_tile (kt, 0, M, 0, N, kc, ks, ind, (size_t) b * image_in, zero, w,
                                cbuf + GUARD + (size_t) b * M * N, N, minmax);

      for (size_t i = 0; i < n_out; i++)
        {
          const double want = clampd (expected[i], minmax);

          if (!(fabs (cbuf[GUARD + i] - want) <= 1e-4 * MAX (1.0, fabs (want))))
            g_error ("%s, case %zu: output %zu = %.9g, lsc_ref_conv2d %.9g", kt->igemm.name, ci, i,
                     cbuf[GUARD + i], want);
        }
      assert_canary (cbuf, GUARD + n_out + GUARD, 1, n_out, n_out, kt->igemm.name);
    }
}

/* A sub-tile of a convolution: rows from a multiple of MR, columns from a
 * multiple of NR, only that block written. */
static void
test_conv_tile (gconstpointer data)
{
  const Variant *v = data;
  const LscKernelTable *kt = v->table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  LscRefConvGeometry g = {
    .batch = 1, .in_h = 10, .in_w = 9, .in_c = 6, .out_h = 10, .out_w = 9, .out_c = 45,
    .kernel_h = 3, .kernel_w = 3, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
    .dilation_w = 1, .pad_top = 1, .pad_left = 1,
  };
  const size_t M = 90, N = 45, ks = 9, kc = 6, ldc = N + 3;
  const size_t mr = kt->igemm.mr, nr = kt->igemm.nr;
  const size_t m0 = mr, mc = M - 2 * mr - 1, n0 = N > nr ? nr : 0, nc = N - n0 - 1;
  const size_t n_c = GUARD + M * ldc + GUARD;
  g_autofree float *input = g_new (float, 90 * kc);
  g_autofree float *kernel = g_new (float, ks * kc * N);
  g_autofree float *bias = g_new (float, N);
  g_autofree float *expected = g_new (float, M * N);
  g_autofree float *zero = g_new0 (float, kc);
  g_autofree float *w = g_new (float, lsc_pack_gemm_size (nr, ks * kc, N));
  g_autofree float *cbuf = g_new (float, n_c);
  g_autofree const float **ind = NULL;

  if (!lsc_isa_is_supported (v->isa))
    {
      g_test_skip ("this CPU lacks the instruction set");
      return;
    }
  fill_random (rand, input, 90 * kc);
  fill_random (rand, kernel, ks * kc * N);
  fill_random (rand, bias, N);
  lsc_ref_conv2d (&g, 1, input, kernel, bias, expected);
  lsc_pack_gemm (nr, ks * kc, N, kernel, bias, w);
  ind = build_indirection (&g, input, zero, mr);
  fill_sentinel (cbuf, n_c);

  lsc_igemm_compute_tile (kt, m0, mc, n0, nc, kc, ks, ind, 0, zero, w, cbuf + GUARD, ldc,
                          &clamps[0]);
  for (size_t i = 0; i < n_c; i++)
    {
      const gssize off = (gssize) i - GUARD;
      const size_t row = (size_t) off / ldc, col = (size_t) off % ldc;

      if (off >= 0 && row >= m0 && row < m0 + mc && col >= n0 && col < n0 + nc)
        g_assert_cmpfloat_with_epsilon (cbuf[i], expected[row * N + col], 1e-4);
      else if (!is_sentinel (cbuf[i]))
        g_error ("%s: conv tile wrote outside it at row %zd", kt->igemm.name, off / (gssize) ldc);
    }
}

/* ---- The tables ---------------------------------------------------------- */

static void
test_table_contract (gconstpointer data)
{
  const Variant *v = data;
  const LscKernelTable *kt = v->table;

  /* gemm and igemm share the packed weights, so NR. */
  g_assert_cmpuint (kt->gemm.nr, ==, kt->igemm.nr);
  g_assert_cmpuint (kt->gemm.mr, >=, 1);
  g_assert_cmpuint (kt->igemm.mr, >=, 1);
  g_assert_nonnull (kt->gemm.fn);
  g_assert_nonnull (kt->igemm.fn);
  /* The name says which ISA ran (the scalar fallback says "scalar"). */
  g_assert_nonnull (strstr (kt->gemm.name, lsc_isa_to_string (kt->isa)));
  g_assert_nonnull (strstr (kt->igemm.name, lsc_isa_to_string (kt->isa)));
}

static void
add_variant (const Variant *v)
{
  g_autofree char *gemm_path = g_strdup_printf ("/kernels-gemm/%s/gemm", v->name);
  g_autofree char *igemm_path = g_strdup_printf ("/kernels-gemm/%s/igemm", v->name);
  g_autofree char *special_path = g_strdup_printf ("/kernels-gemm/%s/nan-and-clamp", v->name);

  g_test_add_data_func (gemm_path, v, test_gemm_ukernel);
  g_test_add_data_func (igemm_path, v, test_igemm_ukernel);
  g_test_add_data_func (special_path, v, test_gemm_special_values);
  if (v->table != NULL)
    {
      g_autofree char *contract_path = g_strdup_printf ("/kernels-gemm/%s/contract", v->name);
      g_autofree char *tile_path = g_strdup_printf ("/kernels-gemm/%s/gemm-tile", v->name);
      g_autofree char *conv_path = g_strdup_printf ("/kernels-gemm/%s/conv", v->name);
      g_autofree char *conv_tile_path = g_strdup_printf ("/kernels-gemm/%s/conv-tile", v->name);

      g_test_add_data_func (contract_path, v, test_table_contract);
      g_test_add_data_func (tile_path, v, test_gemm_tile);
      g_test_add_data_func (conv_path, v, test_conv);
      g_test_add_data_func (conv_tile_path, v, test_conv_tile);
    }
}

static Variant *
table_variant (const LscKernelTable *kt)
{
  Variant *v = g_new0 (Variant, 1);

  v->name = lsc_isa_to_string (kt->isa);
  v->isa = kt->isa;
  v->gemm = kt->gemm.fn;
  v->igemm = kt->igemm.fn;
  v->mr = kt->gemm.mr;
  v->nr = kt->gemm.nr;
  v->igemm_mr = kt->igemm.mr;
  v->table = kt;
  return v;
}

#if defined(__x86_64__)
#define EXTRA(isa, tag, MR, NR) \
  { #MR "x" #NR "__" #tag, isa, lsc_f32_gemm_##MR##x##NR##__##tag, \
    lsc_f32_igemm_##MR##x##NR##__##tag, MR, NR, MR, NULL }

/* The tile heights the tables do not use (bench-kernels --variants). */
static const Variant extra_variants[] = {
  EXTRA (LSC_ISA_SSE4, sse4, 6, 8),
  EXTRA (LSC_ISA_AVX2, avx2, 4, 16),
  EXTRA (LSC_ISA_AVX512, avx512, 6, 32),
  EXTRA (LSC_ISA_AVX512, avx512, 8, 32),
  EXTRA (LSC_ISA_AVX512, avx512, 14, 32),
};
#endif

int
main (int    argc,
      char **argv)
{
  static const LscKernelTable *const tables[] = {
    &lsc_kernels_scalar,
#if defined(__x86_64__)
    &lsc_kernels_sse4,
    &lsc_kernels_avx2,
    &lsc_kernels_avx512,
#endif
  };

  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (tables); i++)
    add_variant (table_variant (tables[i]));
#if defined(__x86_64__)
  for (size_t i = 0; i < G_N_ELEMENTS (extra_variants); i++)
    add_variant (&extra_variants[i]);
#endif
  return g_test_run ();
}
