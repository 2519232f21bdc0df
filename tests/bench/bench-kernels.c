/* bench-kernels: the GEMM / IGEMM microkernels of every kernel table this
 * CPU runs, on the convolutions of ResNet50 and the 1×1 convolutions of
 * MobileNetV2 (batch 1, one thread), against OpenBLAS's cblas_sgemm on the
 * same M × N × K, and against the FMA peak measured here with a
 * register-only loop per instruction set.
 *
 * A convolution runs as the engine runs it: 1×1 stride-1 convolutions as
 * a plain GEMM over the input (lsc_gemm_compute_tile), the others as an
 * indirect GEMM over an indirection buffer built beforehand
 * (lsc_igemm_compute_tile), bias included. OpenBLAS gets an im2col'ed A
 * built beforehand and only the sgemm is timed (no bias).
 *
 * Usage: bench-kernels [--min-time S] [--reps N] [--isa LIST] [--shapes
 * resnet50|mobilenetv2|all] [--variants] [--best-call] [--no-blas]
 *   --min-time S  each run repeats the operation for at least S seconds
 *                 (default 0.2); the result is the best of --reps runs (5)
 *   --isa LIST    comma-separated subset of scalar,sse4,avx2,avx512
 *   --variants    also the tile heights the tables do not use
 *   --best-call   report the fastest single call instead of the best run's
 *                 mean (steadier on a machine other processes share) */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "kernels/avx2/lsc-gemm-avx2.h"
#include "kernels/avx512/lsc-gemm-avx512.h"
#include "kernels/lsc-gemm.h"
#include "kernels/lsc-kernels.h"
#include "kernels/lsc-pack.h"
#include "kernels/sse4/lsc-gemm-sse4.h"

#ifdef LSC_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif

/* ---- Options ------------------------------------------------------------- */

static double opt_min_time = 0.2;
static int opt_reps = 5;
static char *opt_isa = NULL;
static char *opt_shapes = NULL;
static gboolean opt_variants = FALSE;
static gboolean opt_best_call = FALSE;
static gboolean opt_no_blas = FALSE;

static GOptionEntry entries[] = {
  { "min-time", 0, 0, G_OPTION_ARG_DOUBLE, &opt_min_time, "Seconds per run (0.2)", "S" },
  { "reps", 0, 0, G_OPTION_ARG_INT, &opt_reps, "Runs per measurement, best kept (5)", "N" },
  { "isa", 0, 0, G_OPTION_ARG_STRING, &opt_isa, "Instruction sets (scalar,sse4,avx2,avx512)", "LIST" },
  { "shapes", 0, 0, G_OPTION_ARG_STRING, &opt_shapes, "resnet50, mobilenetv2 or all", "SET" },
  { "variants", 0, 0, G_OPTION_ARG_NONE, &opt_variants, "Also the tile heights the tables do not use", NULL },
  { "best-call", 0, 0, G_OPTION_ARG_NONE, &opt_best_call, "Fastest single call instead of best mean", NULL },
  { "no-blas", 0, 0, G_OPTION_ARG_NONE, &opt_no_blas, "Skip OpenBLAS", NULL },
  { NULL }
};

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* Seconds per call of fn (data): the best of opt_reps runs of at least
 * opt_min_time each (their mean per call, or the fastest call). */
static double
time_best (void (*fn) (gpointer), gpointer data)
{
  double best = INFINITY;

  fn (data);  /* warm the caches, fault the pages in */
  for (int rep = 0; rep < opt_reps; rep++)
    {
      const double start = now ();
      double t = start, fastest = INFINITY;
      long calls = 0;

      do
        {
          const double t0 = t;
          fn (data);
          t = now ();
          fastest = MIN (fastest, t - t0);
          calls++;
        }
      while (t - start < opt_min_time);
      best = MIN (best, opt_best_call ? fastest : (t - start) / (double) calls);
    }
  return best;
}

/* ---- FMA peak ------------------------------------------------------------ */

/* Twelve independent accumulator chains (more than latency × pipes on
 * current x86 cores) and nothing else in the loop, in assembly so that the
 * build type cannot change it. The registers hold zeros (no denormals).
 * Each returns the flops it did. */
#define PEAK_ITERS 1000000L

static double
peak_avx512 (void)
{
  long n = PEAK_ITERS;

  __asm__ volatile (
    "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
#define ZMM_ZERO(i) "vmovaps %%zmm0, %%zmm" #i "\n\t"
    ZMM_ZERO (1) ZMM_ZERO (2) ZMM_ZERO (3) ZMM_ZERO (4) ZMM_ZERO (5) ZMM_ZERO (6)
    ZMM_ZERO (7) ZMM_ZERO (8) ZMM_ZERO (9) ZMM_ZERO (10) ZMM_ZERO (11) ZMM_ZERO (12)
    ZMM_ZERO (13)
    "1:\n\t"
#define ZMM_FMA(i) "vfmadd231ps %%zmm12, %%zmm13, %%zmm" #i "\n\t"
    ZMM_FMA (0) ZMM_FMA (1) ZMM_FMA (2) ZMM_FMA (3) ZMM_FMA (4) ZMM_FMA (5)
    ZMM_FMA (6) ZMM_FMA (7) ZMM_FMA (8) ZMM_FMA (9) ZMM_FMA (10) ZMM_FMA (11)
    "dec %0\n\t"
    "jnz 1b\n\t"
    "vzeroupper\n\t"
    : "+r" (n)
    :
    : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
      "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  return PEAK_ITERS * 12.0 * 32.0;
}

static double
peak_avx2 (void)
{
  long n = PEAK_ITERS;

  __asm__ volatile (
    "vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
#define YMM_ZERO(i) "vmovaps %%ymm0, %%ymm" #i "\n\t"
    YMM_ZERO (1) YMM_ZERO (2) YMM_ZERO (3) YMM_ZERO (4) YMM_ZERO (5) YMM_ZERO (6)
    YMM_ZERO (7) YMM_ZERO (8) YMM_ZERO (9) YMM_ZERO (10) YMM_ZERO (11) YMM_ZERO (12)
    YMM_ZERO (13)
    "1:\n\t"
#define YMM_FMA(i) "vfmadd231ps %%ymm12, %%ymm13, %%ymm" #i "\n\t"
    YMM_FMA (0) YMM_FMA (1) YMM_FMA (2) YMM_FMA (3) YMM_FMA (4) YMM_FMA (5)
    YMM_FMA (6) YMM_FMA (7) YMM_FMA (8) YMM_FMA (9) YMM_FMA (10) YMM_FMA (11)
    "dec %0\n\t"
    "jnz 1b\n\t"
    "vzeroupper\n\t"
    : "+r" (n)
    :
    : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
      "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  return PEAK_ITERS * 12.0 * 16.0;
}

/* SSE has no FMA: the peak is separate multiplies and adds (a mulps and
 * an addps per chain, 8 flops). */
static double
peak_sse4 (void)
{
  long n = PEAK_ITERS;

  __asm__ volatile (
    "xorps %%xmm0, %%xmm0\n\t"
#define XMM_ZERO(i) "movaps %%xmm0, %%xmm" #i "\n\t"
    XMM_ZERO (1) XMM_ZERO (2) XMM_ZERO (3) XMM_ZERO (4) XMM_ZERO (5) XMM_ZERO (6)
    XMM_ZERO (7) XMM_ZERO (8) XMM_ZERO (9) XMM_ZERO (10) XMM_ZERO (11) XMM_ZERO (12)
    XMM_ZERO (13)
    "1:\n\t"
#define XMM_MULADD(i) "mulps %%xmm12, %%xmm" #i "\n\t" "addps %%xmm13, %%xmm" #i "\n\t"
    XMM_MULADD (0) XMM_MULADD (1) XMM_MULADD (2) XMM_MULADD (3) XMM_MULADD (4)
    XMM_MULADD (5) XMM_MULADD (6) XMM_MULADD (7) XMM_MULADD (8) XMM_MULADD (9)
    XMM_MULADD (10) XMM_MULADD (11)
    "dec %0\n\t"
    "jnz 1b\n\t"
    : "+r" (n)
    :
    : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
      "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  return PEAK_ITERS * 12.0 * 8.0;
}

/* The scalar kernels are plain C without FMA: mulss + addss. */
static double
peak_scalar (void)
{
  long n = PEAK_ITERS;

  __asm__ volatile (
    "xorps %%xmm0, %%xmm0\n\t"
    XMM_ZERO (1) XMM_ZERO (2) XMM_ZERO (3) XMM_ZERO (4) XMM_ZERO (5) XMM_ZERO (6)
    XMM_ZERO (7) XMM_ZERO (8) XMM_ZERO (9) XMM_ZERO (10) XMM_ZERO (11) XMM_ZERO (12)
    XMM_ZERO (13)
    "1:\n\t"
#define SS_MULADD(i) "mulss %%xmm12, %%xmm" #i "\n\t" "addss %%xmm13, %%xmm" #i "\n\t"
    SS_MULADD (0) SS_MULADD (1) SS_MULADD (2) SS_MULADD (3) SS_MULADD (4)
    SS_MULADD (5) SS_MULADD (6) SS_MULADD (7) SS_MULADD (8) SS_MULADD (9)
    SS_MULADD (10) SS_MULADD (11)
    "dec %0\n\t"
    "jnz 1b\n\t"
    : "+r" (n)
    :
    : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
      "xmm10", "xmm11", "xmm12", "xmm13", "cc");
  return PEAK_ITERS * 12.0 * 2.0;
}

/* GFLOP/s: the best of 100 short runs (a few ms each), so that one of
 * them likely runs undisturbed on a machine other processes share. */
static double
measure_peak (double (*fn) (void))
{
  double best = 0.0;

  for (int i = 0; i < 100; i++)
    {
      const double t0 = now ();
      const double flops = fn ();
      best = MAX (best, flops / (now () - t0) * 1e-9);
    }
  return best;
}

static double
cpu_mhz (void)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL)
      || (p = strstr (text, "cpu MHz")) == NULL || (p = strchr (p, ':')) == NULL)
    return 0.0;
  return g_ascii_strtod (p + 1, NULL);
}

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  const char *p, *end;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL)
      || (p = strstr (text, "model name")) == NULL || (p = strchr (p, ':')) == NULL)
    return g_strdup ("?");
  end = strchr (p, '\n');
  return g_strstrip (g_strndup (p + 1, end != NULL ? (size_t) (end - p - 1) : strlen (p + 1)));
}

/* ---- Shapes -------------------------------------------------------------- */

typedef struct
{
  const char *net;
  const char *name;
  int in_hw, cin, cout, kernel, stride;
} ConvShape;

/* Batch 1, SAME padding, square images and kernels; the classifiers (Dense
 * layers) as 1×1 convolutions of a 1×1 image. */
static const ConvShape shapes[] = {
  { "resnet50", "conv1 7x7/2", 224, 3, 64, 7, 2 },
  { "resnet50", "56 1x1 64>64", 56, 64, 64, 1, 1 },
  { "resnet50", "56 3x3 64", 56, 64, 64, 3, 1 },
  { "resnet50", "56 1x1 64>256", 56, 64, 256, 1, 1 },
  { "resnet50", "56 1x1 256>64", 56, 256, 64, 1, 1 },
  { "resnet50", "28 3x3 128", 28, 128, 128, 3, 1 },
  { "resnet50", "28 1x1 128>512", 28, 128, 512, 1, 1 },
  { "resnet50", "28 1x1 512>128", 28, 512, 128, 1, 1 },
  { "resnet50", "14 3x3 256", 14, 256, 256, 3, 1 },
  { "resnet50", "14 1x1 256>1024", 14, 256, 1024, 1, 1 },
  { "resnet50", "14 1x1 1024>256", 14, 1024, 256, 1, 1 },
  { "resnet50", "7 3x3 512", 7, 512, 512, 3, 1 },
  { "resnet50", "7 1x1 512>2048", 7, 512, 2048, 1, 1 },
  { "resnet50", "7 1x1 2048>512", 7, 2048, 512, 1, 1 },
  { "resnet50", "fc 2048>1000", 1, 2048, 1000, 1, 1 },   /* M = 1: the GEMV path */
  { "mobilenetv2", "112 1x1 32>16", 112, 32, 16, 1, 1 },
  { "mobilenetv2", "112 1x1 16>96", 112, 16, 96, 1, 1 },
  { "mobilenetv2", "56 1x1 96>24", 56, 96, 24, 1, 1 },
  { "mobilenetv2", "56 1x1 24>144", 56, 24, 144, 1, 1 },
  { "mobilenetv2", "56 1x1 144>24", 56, 144, 24, 1, 1 },
  { "mobilenetv2", "28 1x1 32>192", 28, 32, 192, 1, 1 },
  { "mobilenetv2", "28 1x1 192>32", 28, 192, 32, 1, 1 },
  { "mobilenetv2", "14 1x1 64>384", 14, 64, 384, 1, 1 },
  { "mobilenetv2", "14 1x1 384>64", 14, 384, 64, 1, 1 },
  { "mobilenetv2", "14 1x1 96>576", 14, 96, 576, 1, 1 },
  { "mobilenetv2", "7 1x1 160>960", 7, 160, 960, 1, 1 },
  { "mobilenetv2", "7 1x1 960>160", 7, 960, 160, 1, 1 },
  { "mobilenetv2", "7 1x1 320>1280", 7, 320, 1280, 1, 1 },
  { "mobilenetv2", "fc 1280>1000", 1, 1280, 1000, 1, 1 },
};

/* One convolution with its inputs, ready to run. */
typedef struct
{
  const ConvShape *shape;
  int out_hw, pad;
  size_t M, N, K, ks;
  float *input, *weights, *bias, *zero, *output;
  /* For the table being timed. */
  const LscKernelTable *table;
  float *packed;
  const float **indirection;
  /* For OpenBLAS. */
  float *im2col;
} Conv;

static void
fill_random (float *p, size_t n, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (size_t i = 0; i < n; i++)
    p[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
}

static gboolean
is_gemm (const Conv *conv)
{
  return conv->shape->kernel == 1 && conv->shape->stride == 1;
}

/* Input pixel of output pixel m, tap t, or NULL for padding. */
static const float *
tap (const Conv *conv, size_t m, size_t t)
{
  const ConvShape *s = conv->shape;
  const int oy = (int) (m / (size_t) conv->out_hw), ox = (int) (m % (size_t) conv->out_hw);
  const int iy = oy * s->stride - conv->pad + (int) t / s->kernel;
  const int ix = ox * s->stride - conv->pad + (int) t % s->kernel;

  if (iy < 0 || iy >= s->in_hw || ix < 0 || ix >= s->in_hw)
    return NULL;
  return conv->input + ((size_t) iy * (size_t) s->in_hw + (size_t) ix) * (size_t) s->cin;
}

static void
conv_init (Conv *conv, const ConvShape *s)
{
  memset (conv, 0, sizeof *conv);
  conv->shape = s;
  conv->out_hw = (s->in_hw + s->stride - 1) / s->stride;
  conv->pad = MAX ((conv->out_hw - 1) * s->stride + s->kernel - s->in_hw, 0) / 2;
  conv->M = (size_t) conv->out_hw * (size_t) conv->out_hw;
  conv->N = (size_t) s->cout;
  conv->ks = (size_t) s->kernel * (size_t) s->kernel;
  conv->K = conv->ks * (size_t) s->cin;
  conv->input = g_new (float, (size_t) s->in_hw * (size_t) s->in_hw * (size_t) s->cin);
  conv->weights = g_new (float, conv->K * conv->N);
  conv->bias = g_new (float, conv->N);
  conv->zero = g_new0 (float, (size_t) s->cin);
  conv->output = g_new0 (float, conv->M * conv->N);
  fill_random (conv->input, (size_t) s->in_hw * (size_t) s->in_hw * (size_t) s->cin, 1);
  fill_random (conv->weights, conv->K * conv->N, 2);
  fill_random (conv->bias, conv->N, 3);
}

static void
conv_set_table (Conv *conv, const LscKernelTable *table)
{
  const size_t nr = table->gemm.nr, mr = table->igemm.mr;

  g_free (conv->packed);
  g_free (conv->indirection);
  conv->table = table;
  conv->packed = g_new (float, lsc_pack_gemm_size (nr, conv->K, conv->N));
  lsc_pack_gemm (nr, conv->K, conv->N, conv->weights, conv->bias, conv->packed);
  conv->indirection = NULL;
  if (!is_gemm (conv))
    {
      const size_t blocks = (conv->M + mr - 1) / mr;

      conv->indirection = g_new0 (const float *, blocks * conv->ks * mr);
      for (size_t m = 0; m < conv->M; m++)
        for (size_t t = 0; t < conv->ks; t++)
          {
            const float *p = tap (conv, m, t);
            conv->indirection[(m / mr * conv->ks + t) * mr + m % mr] = p != NULL ? p : conv->zero;
          }
    }
}

static void
conv_free (Conv *conv)
{
  g_free (conv->input);
  g_free (conv->weights);
  g_free (conv->bias);
  g_free (conv->zero);
  g_free (conv->output);
  g_free (conv->packed);
  g_free (conv->indirection);
  g_free (conv->im2col);
}

static const LscMinMax linear = { -INFINITY, INFINITY };

static void
run_table (gpointer data)
{
  Conv *conv = data;

  if (is_gemm (conv))
    lsc_gemm_compute_tile (conv->table, 0, conv->M, 0, conv->N, conv->K, conv->input,
                           conv->K, conv->packed, conv->output, conv->N, &linear);
  else
    lsc_igemm_compute_tile (conv->table, 0, conv->M, 0, conv->N, (size_t) conv->shape->cin,
                            conv->ks, conv->indirection, 0, conv->zero, conv->packed,
                            conv->output, conv->N, &linear);
}

#ifdef LSC_BENCH_HAVE_OPENBLAS
static void
run_blas (gpointer data)
{
  Conv *conv = data;
  const float *a = conv->im2col != NULL ? conv->im2col : conv->input;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint) conv->M, (blasint) conv->N,
               (blasint) conv->K, 1.0f, a, (blasint) conv->K, conv->weights, (blasint) conv->N,
               0.0f, conv->output, (blasint) conv->N);
}

static void
conv_build_im2col (Conv *conv)
{
  const size_t cin = (size_t) conv->shape->cin;

  if (is_gemm (conv) || conv->im2col != NULL)
    return;
  conv->im2col = g_new (float, conv->M * conv->K);
  for (size_t m = 0; m < conv->M; m++)
    for (size_t t = 0; t < conv->ks; t++)
      {
        const float *p = tap (conv, m, t);
        float *row = conv->im2col + m * conv->K + t * cin;

        if (p != NULL)
          memcpy (row, p, cin * sizeof (float));
        else
          memset (row, 0, cin * sizeof (float));
      }
}
#endif

/* ---- Main ---------------------------------------------------------------- */

typedef struct
{
  const char *label;
  LscKernelTable table;
} Column;

static gboolean
isa_selected (LscIsa isa)
{
  g_auto(GStrv) names = NULL;

  if (opt_isa == NULL)
    return TRUE;
  names = g_strsplit (opt_isa, ",", -1);
  return g_strv_contains ((const char *const *) names, lsc_isa_to_string (isa));
}

/* A copy of a table with another tile height in its gemm / igemm rows. */
static Column
variant_column (const char *label, const LscKernelTable *base, LscGemmUkernel gemm,
                LscIgemmUkernel igemm, guint mr)
{
  Column c = { label, *base };

  c.table.gemm.fn = gemm;
  c.table.gemm.name = label;
  c.table.gemm.mr = mr;
  c.table.igemm.fn = igemm;
  c.table.igemm.name = label;
  c.table.igemm.mr = mr;
  return c;
}

int
main (int argc, char **argv)
{
  static const LscKernelTable *const tables[] = {
    &lsc_kernels_scalar, &lsc_kernels_sse4, &lsc_kernels_avx2, &lsc_kernels_avx512,
  };
  static double (*const peaks[LSC_ISA_COUNT]) (void) = {
    peak_scalar, peak_sse4, peak_avx2, peak_avx512,
  };
  static const char *const peak_kind[LSC_ISA_COUNT] = {
    "mulss+addss", "mulps+addps", "ymm FMA", "zmm FMA",
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- GEMM/IGEMM kernels against OpenBLAS");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (Column));
  g_autofree char *model = cpu_model ();
  double peak[LSC_ISA_COUNT] = { 0 };
  gboolean blas = FALSE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-kernels: %s\n", error->message);
      return 1;
    }
  if (opt_reps < 1 || !(opt_min_time >= 0.0))
    {
      g_printerr ("bench-kernels: --reps must be at least 1 and --min-time not negative\n");
      return 1;
    }

  for (size_t i = 0; i < G_N_ELEMENTS (tables); i++)
    if (lsc_isa_is_supported (tables[i]->isa) && isa_selected (tables[i]->isa))
      {
        Column c = { lsc_isa_to_string (tables[i]->isa), *tables[i] };

        g_array_append_val (columns, c);
        peak[tables[i]->isa] = measure_peak (peaks[tables[i]->isa]);
      }
  if (opt_variants)
    {
      const Column extra[] = {
        variant_column ("sse4 6x8", &lsc_kernels_sse4, lsc_f32_gemm_6x8__sse4, lsc_f32_igemm_6x8__sse4, 6),
        variant_column ("avx2 4x16", &lsc_kernels_avx2, lsc_f32_gemm_4x16__avx2, lsc_f32_igemm_4x16__avx2, 4),
        variant_column ("avx512 6x32", &lsc_kernels_avx512, lsc_f32_gemm_6x32__avx512, lsc_f32_igemm_6x32__avx512, 6),
        variant_column ("avx512 8x32", &lsc_kernels_avx512, lsc_f32_gemm_8x32__avx512, lsc_f32_igemm_8x32__avx512, 8),
        variant_column ("avx512 14x32", &lsc_kernels_avx512, lsc_f32_gemm_14x32__avx512, lsc_f32_igemm_14x32__avx512, 14),
      };

      for (size_t i = 0; i < G_N_ELEMENTS (extra); i++)
        if (lsc_isa_is_supported (extra[i].table.isa) && isa_selected (extra[i].table.isa))
          g_array_append_val (columns, extra[i]);
    }
#ifdef LSC_BENCH_HAVE_OPENBLAS
  blas = !opt_no_blas;
  if (blas)
    openblas_set_num_threads (1);
#endif

  g_print ("# bench-kernels: batch 1, one thread; GFLOP/s (2*M*N*K / time) and %% of the ISA's peak\n");
  g_print ("# time: %s of %d runs of >= %.2f s each\n",
           opt_best_call ? "the fastest single call" : "the best mean", opt_reps, opt_min_time);
  g_print ("# CPU: %s, %.0f MHz as /proc/cpuinfo reports it\n", model, cpu_mhz ());
  g_print ("# peak GFLOP/s, measured here (register-only asm loop, 12 chains, best of 100):");
  for (int isa = 0; isa < LSC_ISA_COUNT; isa++)
    if (peak[isa] > 0.0)
      g_print (" %s %.1f (%s)", lsc_isa_to_string ((LscIsa) isa), peak[isa], peak_kind[isa]);
  g_print ("\n");
  for (guint c = 0; c < columns->len; c++)
    {
      const Column *col = &g_array_index (columns, Column, c);
      g_print ("# %-13s gemm %s (%ux%u), igemm %s (%ux%u)\n", col->label, col->table.gemm.name,
               col->table.gemm.mr, col->table.gemm.nr, col->table.igemm.name, col->table.igemm.mr,
               col->table.igemm.nr);
    }
#ifdef LSC_BENCH_HAVE_OPENBLAS
  if (blas)
    {
      g_print ("# OpenBLAS %s, core %s, 1 thread; cblas_sgemm only (3x3/7x7: on an im2col'ed A, not timed)\n",
               openblas_get_config (), openblas_get_corename ());
      /* OpenBLAS reads it when the library loads, before main. */
      if (g_getenv ("OPENBLAS_CORETYPE") != NULL)
        g_print ("# note: OPENBLAS_CORETYPE=%s in the environment forces that core; run with "
                 "`env -u OPENBLAS_CORETYPE` for OpenBLAS's own choice\n", g_getenv ("OPENBLAS_CORETYPE"));
    }
#endif
  if (!blas)
    g_print ("# OpenBLAS: %s\n", opt_no_blas ? "skipped (--no-blas)" : "not built in (no openblas found)");

  g_print ("\n%-12s %-16s %6s %5s %5s", "net", "layer", "M", "N", "K");
  for (guint c = 0; c < columns->len; c++)
    g_print (" | %13s", g_array_index (columns, Column, c).label);
  if (blas)
    g_print (" | %8s", "openblas");
  g_print ("\n");

  for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      Conv conv;
      double flops;

      if (opt_shapes != NULL && strcmp (opt_shapes, "all") != 0
          && strcmp (opt_shapes, shapes[s].net) != 0)
        continue;
      conv_init (&conv, &shapes[s]);
      flops = 2.0 * (double) conv.M * (double) conv.N * (double) conv.K;
      g_print ("%-12s %-16s %6zu %5zu %5zu", shapes[s].net, shapes[s].name, conv.M, conv.N,
               conv.K);
      for (guint c = 0; c < columns->len; c++)
        {
          const Column *col = &g_array_index (columns, Column, c);
          double gflops;

          conv_set_table (&conv, &col->table);
          gflops = flops / time_best (run_table, &conv) * 1e-9;
          g_print (" | %6.1f %4.0f%%", gflops, 100.0 * gflops / peak[col->table.isa]);
        }
#ifdef LSC_BENCH_HAVE_OPENBLAS
      if (blas)
        {
          conv_build_im2col (&conv);
          g_print (" | %8.1f", flops / time_best (run_blas, &conv) * 1e-9);
        }
#endif
      g_print ("\n");
      conv_free (&conv);
    }
  return 0;
}
