/* Micro-benchmark of the spatial kernels, per ISA: 3×3 depthwise
 * convolution (with ReLU6) at the shapes of MobileNetV2's depthwise layers
 * (224×224 input), two 5×5 ones of EfficientNet-B0, and a 3×3 / 2 max
 * pooling (ResNet's stem). Not a test: it prints numbers, asserts nothing.
 *
 *   bench-spatial [isa…]        (default: every ISA this CPU runs)
 *
 * Times are the best of 7 runs of as many whole layers as fill ≥ 20 ms,
 * one thread, in the thread's CPU time (so that time the thread spends
 * descheduled on a shared machine does not count). GB/s counts the compulsory traffic, input + output +
 * weights once (what a layer must move through memory at least); L1 GB/s
 * counts every load and store the kernel issues (each input pixel is read
 * by up to 9 windows, weights once per pixel). The machine may be shared:
 * repeat and compare best values only. */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kernels/lsc-kernels.h"
#include "kernels/lsc-pack.h"

typedef struct
{
  int h, w, c, stride, k;
} DwShape;

/* MobileNetV2 (alpha 1, 224×224): the input of each depthwise layer. */
static const DwShape shapes[] = {
  { 112, 112, 32, 1, 3 },
  { 112, 112, 96, 2, 3 },
  { 56, 56, 144, 1, 3 },
  { 56, 56, 144, 2, 3 },
  { 28, 28, 192, 1, 3 },
  { 28, 28, 192, 2, 3 },
  { 14, 14, 384, 1, 3 },
  { 14, 14, 576, 1, 3 },
  { 14, 14, 576, 2, 3 },
  { 7, 7, 960, 1, 3 },
  /* EfficientNet-B0's 5×5 layers at 28×28 and 7×7. */
  { 28, 28, 240, 1, 5 },
  { 7, 7, 1152, 1, 5 },
};

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* A k×k SAME window layer over an h × w × c image: the indirection of all
 * output rows (out_h × out_w × k², pixel-major), padding taps at the zero
 * buffer, or for max pooling (zero NULL) at the window's centre, always
 * inside. */
typedef struct
{
  int ks, out_h, out_w;
  const float **indirection;
} Window;

static Window
window_new (const DwShape *s,
            const float   *image,
            const float   *zero)
{
  Window win;
  const int ks = s->k * s->k;
  const int pad_h = MAX ((((s->h + s->stride - 1) / s->stride) - 1) * s->stride + s->k - s->h, 0) / 2;
  const int pad_w = MAX ((((s->w + s->stride - 1) / s->stride) - 1) * s->stride + s->k - s->w, 0) / 2;

  win.ks = ks;
  win.out_h = (s->h + s->stride - 1) / s->stride;
  win.out_w = (s->w + s->stride - 1) / s->stride;
  win.indirection = g_new (const float *, (size_t) win.out_h * win.out_w * ks);
  for (int oy = 0; oy < win.out_h; oy++)
    for (int ox = 0; ox < win.out_w; ox++)
      for (int t = 0; t < ks; t++)
        {
          const int iy = oy * s->stride - pad_h + t / s->k;
          const int ix = ox * s->stride - pad_w + t % s->k;
          const int cy = CLAMP (oy * s->stride - pad_h + s->k / 2, 0, s->h - 1);
          const int cx = CLAMP (ox * s->stride - pad_w + s->k / 2, 0, s->w - 1);
          const float **p = &win.indirection[((size_t) oy * win.out_w + ox) * ks + t];

          if (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w)
            *p = image + ((size_t) iy * s->w + ix) * s->c;
          else
            *p = zero != NULL ? zero : image + ((size_t) cy * s->w + cx) * s->c;
        }
  return win;
}

typedef enum
{
  RUN_DWCONV,
  RUN_MAXPOOL,
} RunKind;

typedef struct
{
  RunKind               kind;
  const LscKernelTable *table;
  const DwShape        *shape;
  const Window         *win;
  const float          *zero;
  const float          *packed;
  float                *output;
} Layer;

static void
layer_run (const Layer *l)
{
  const LscMinMax relu6 = { 0.0f, 6.0f };
  const LscMinMax none = { -INFINITY, INFINITY };
  const size_t c = (size_t) l->shape->c;

  for (int oy = 0; oy < l->win->out_h; oy++)
    {
      const size_t ks = (size_t) l->win->ks;
      const float *const *ind = l->win->indirection + (size_t) oy * l->win->out_w * ks;
      float *out = l->output + (size_t) oy * l->win->out_w * c;

      if (l->kind == RUN_DWCONV)
        l->table->dwconv.fn (c, l->win->out_w, ks, ind, ks, 0, l->zero, l->packed, out, &relu6);
      else
        l->table->maxpool.fn (c, l->win->out_w, ks, ind, ks, 0, out, &none);
    }
}

/* Best seconds per layer. */
static double
time_layer (const Layer *l)
{
  double best = G_MAXDOUBLE;
  int reps = 1;
  double t0, t;

  /* Calibrate (and warm up): enough repetitions for ≥ 20 ms. */
  for (;;)
    {
      t0 = now_s ();
      for (int r = 0; r < reps; r++)
        layer_run (l);
      t = now_s () - t0;
      if (t >= 0.02)
        break;
      reps *= 2;
    }
  for (int run = 0; run < 7; run++)
    {
      t0 = now_s ();
      for (int r = 0; r < reps; r++)
        layer_run (l);
      best = MIN (best, (now_s () - t0) / reps);
    }
  return best;
}

static void
bench_table (const LscKernelTable *table)
{
  GRand *rand = g_rand_new_with_seed (1);

  printf ("\n%s: %s, %s\n", lsc_isa_to_string (table->isa), table->dwconv.name, table->maxpool.name);
  printf ("  %-22s %9s %8s %8s %8s\n", "layer", "µs", "GB/s", "L1 GB/s", "GFLOP/s");

  for (guint i = 0; i <= G_N_ELEMENTS (shapes); i++)
    {
      /* The last line: ResNet's 3×3 / 2 max pooling at 112×112×64. */
      const DwShape resnet_pool = { 112, 112, 64, 2, 3 };
      const gboolean is_pool = i == G_N_ELEMENTS (shapes);
      const DwShape *s = is_pool ? &resnet_pool : &shapes[i];
      const int ks = s->k * s->k;
      const size_t in_n = (size_t) s->h * s->w * s->c;
      /* 64-byte aligned, as the engine's arena is: misaligned 512-bit
       * loads each touch two cache lines. */
      float *input = g_aligned_alloc (in_n, sizeof (float), 64);
      float *zero = g_new0 (float, s->c);
      float *w = g_new (float, ks * s->c);
      float *packed = g_aligned_alloc (lsc_pack_dwconv_size (s->c, ks), sizeof (float), 64);
      Window win = window_new (s, input, is_pool ? NULL : zero);
      const size_t out_n = (size_t) win.out_h * win.out_w * s->c;
      float *output = g_aligned_alloc (out_n, sizeof (float), 64);
      Layer layer = { is_pool ? RUN_MAXPOOL : RUN_DWCONV, table, s, &win, zero, packed, output };
      double secs, compulsory, issued, flops;
      char label[64];

      for (size_t k = 0; k < in_n; k++)
        input[k] = (float) g_rand_double_range (rand, -1.0, 1.0);
      for (int k = 0; k < ks * s->c; k++)
        w[k] = (float) g_rand_double_range (rand, -1.0, 1.0);
      lsc_pack_dwconv (s->c, ks, w, NULL, packed);

      secs = time_layer (&layer);
      compulsory = 4.0 * (in_n + out_n + (is_pool ? 0 : (ks + 1.0) * s->c));
      /* Per output value: ks input loads (+ ks weights + bias for dwconv)
       * and a store, as the general kernels issue them. */
      issued = 4.0 * out_n * (is_pool ? ks + 1.0 : 2.0 * ks + 2.0);
      flops = (is_pool ? 1.0 : 2.0) * ks * out_n;

      g_snprintf (label, sizeof label, "%s%d %d×%d×%d /%d", is_pool ? "maxpool" : "dwconv", s->k, s->h,
                  s->w, s->c, s->stride);
      printf ("  %-22s %9.1f %8.2f %8.2f %8.2f\n", label, secs * 1e6, compulsory / secs * 1e-9,
              issued / secs * 1e-9, flops / secs * 1e-9);

      g_aligned_free (input);
      g_free (zero);
      g_free (w);
      g_aligned_free (packed);
      g_free (win.indirection);
      g_aligned_free (output);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  const LscKernelTable *const tables[] = {
    &lsc_kernels_scalar,
#if defined(__x86_64__)
    &lsc_kernels_sse4,
    &lsc_kernels_avx2,
    &lsc_kernels_avx512,
#endif
  };

  printf ("Depthwise convolution (ReLU6, SAME) at MobileNetV2 / EfficientNet-B0 shapes, "
          "max pooling; best of 7, one thread, CPU time\n");
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      const char *name = lsc_isa_to_string (tables[i]->isa);
      gboolean wanted = argc <= 1;

      for (int a = 1; a < argc; a++)
        wanted |= strcmp (argv[a], name) == 0;
      if (!wanted)
        continue;
      if (!lsc_isa_is_supported (tables[i]->isa))
        {
          printf ("\n%s: not supported by this CPU, skipped\n", name);
          continue;
        }
      bench_table (tables[i]);
    }
  return 0;
}
