/* The elementwise microkernels (binary, unary, affine) of every kernel
 * table this machine runs, against naive loops written here, the reference
 * merge kernel and the scalar activation functions: every length from 0
 * to 70 (all the vector tails), output aliasing an input, every clamp
 * range, inputs ending at an inaccessible page, outputs inside canaries,
 * and accuracy sweeps of sigmoid, swish and tanh against double precision
 * with their saturation and NaN cases. */

#include <float.h>

#include "kernels/ref/lsc-ref-merge.h"
#include "layers/lsc-activation.h"

#include "lsc-test-kernels.h"

#define MAX_N 70

typedef enum
{
  ALIAS_NONE,
  ALIAS_A,      /* y is the first input */
  ALIAS_B,      /* y is the second input */
} Alias;

/* ---- Binary ---- */

typedef struct
{
  const char *name;
  LscMergeOp  merge;
} BinaryOp;

static const BinaryOp binary_ops[] = {
  { "vadd", LSC_MERGE_ADD },
  { "vsub", LSC_MERGE_SUBTRACT },
  { "vmul", LSC_MERGE_MULTIPLY },
  { "vmax", LSC_MERGE_MAXIMUM },
  { "vmin", LSC_MERGE_MINIMUM },
};

static LscVbinaryUkernel
binary_kernel (const LscKernelTable *t,
               guint                 op,
               const char          **name)
{
  switch (op)
    {
    case 0: *name = t->vadd.name; return t->vadd.fn;
    case 1: *name = t->vsub.name; return t->vsub.fn;
    case 2: *name = t->vmul.name; return t->vmul.fn;
    case 3: *name = t->vmax.name; return t->vmax.fn;
    default: *name = t->vmin.name; return t->vmin.fn;
    }
}

static float
binary_naive (guint op,
              float a,
              float b)
{
  switch (op)
    {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a > b ? a : b;
    default: return a < b ? a : b;
    }
}

/* Runs one binary kernel on a and b (guarded arrays of n) with the given
 * aliasing; returns the result in a new canary array (checked and freed by
 * the caller). */
static float *
run_binary (LscVbinaryUkernel  fn,
            size_t             n,
            const float       *a,
            const float       *b,
            Alias              alias,
            const LscMinMax   *minmax)
{
  float *y = lsc_test_canary_new (n);

  switch (alias)
    {
    case ALIAS_NONE:
      fn (n, a, b, y, minmax);
      break;
    case ALIAS_A:
      memcpy (y, a, n * sizeof (float));
      fn (n, y, b, y, minmax);
      break;
    case ALIAS_B:
      memcpy (y, b, n * sizeof (float));
      fn (n, a, y, y, minmax);
      break;
    }
  return y;
}

static void
test_binary_lengths (void)
{
  const LscKernelTable *table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  LSC_TEST_FOREACH_TABLE (table)
    for (guint op = 0; op < G_N_ELEMENTS (binary_ops); op++)
      for (size_t n = 0; n <= MAX_N; n++)
        {
          LscTestGuarded ga, gb;
          float *a = lsc_test_guarded_new (&ga, n);
          float *b = lsc_test_guarded_new (&gb, n);
          float *ref = g_new (float, n + 1);
          const float *inputs[2] = { a, b };
          const int64_t stride1[1] = { 1 };
          const int64_t *strides[2] = { stride1, stride1 };
          const int64_t dims[1] = { (int64_t) n };
          const char *name;
          LscVbinaryUkernel fn = binary_kernel (table, op, &name);

          lsc_test_fill_random (rand, a, n, -4.0, 4.0);
          lsc_test_fill_random (rand, b, n, -4.0, 4.0);
          /* Some equal pairs, where max / min must not invent anything. */
          for (size_t i = 0; i < n; i += 5)
            b[i] = a[i];
          lsc_ref_merge (binary_ops[op].merge, 2, inputs, strides, 1, dims, ref);

          for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
            for (Alias alias = ALIAS_NONE; alias <= ALIAS_B; alias++)
              {
                const LscMinMax *mm = &lsc_test_clamps[m];
                float *y = run_binary (fn, n, a, b, alias, mm);

                for (size_t i = 0; i < n; i++)
                  {
                    const float naive = lsc_test_clamp (binary_naive (op, a[i], b[i]), mm);
                    const float merged = lsc_test_clamp (ref[i], mm);

                    if (y[i] != naive || y[i] != merged)
                      g_error ("%s n=%zu clamp=%u alias=%d [%zu]: %g, naive %g, lsc_ref_merge %g",
                               name, n, m, alias, i, y[i], naive, merged);
                  }
                lsc_test_canary_check_free (y, n);
              }
          g_free (ref);
          lsc_test_guarded_free (&ga);
          lsc_test_guarded_free (&gb);
        }
}

/* inf, NaN and signed zeros behave as in the scalar kernels (the
 * definition): a NaN stays NaN through add / sub / mul and the clamp, and
 * max / min return b when either is NaN. */
static void
test_binary_special (void)
{
  const float nan = NAN, inf = INFINITY;
  const float a_vals[] = { nan, 1.0f, nan, inf, -inf, -0.0f, 0.0f, 2.0f, -3.0f, inf, 5.0f, nan, -inf,
                           1.0f, nan, -0.0f, 7.0f };
  const float b_vals[] = { 1.0f, nan, nan, inf, inf, 0.0f, -0.0f, -inf, nan, -inf, 5.0f, 0.0f, 3.0f,
                           -inf, -2.0f, -0.0f, inf };
  const size_t n = G_N_ELEMENTS (a_vals);
  const LscKernelTable *table;

  G_STATIC_ASSERT (G_N_ELEMENTS (a_vals) == G_N_ELEMENTS (b_vals));

  LSC_TEST_FOREACH_TABLE (table)
    for (guint op = 0; op < G_N_ELEMENTS (binary_ops); op++)
      for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
        {
          const LscMinMax *mm = &lsc_test_clamps[m];
          const char *name, *scalar_name;
          LscVbinaryUkernel fn = binary_kernel (table, op, &name);
          LscVbinaryUkernel scalar = binary_kernel (&lsc_kernels_scalar, op, &scalar_name);
          float *y = lsc_test_canary_new (n);
          float expected[G_N_ELEMENTS (a_vals)];

          fn (n, a_vals, b_vals, y, mm);
          scalar (n, a_vals, b_vals, expected, mm);
          for (size_t i = 0; i < n; i++)
            {
              if (!lsc_test_same_float (y[i], expected[i]))
                g_error ("%s clamp=%u: %g %s %g = %g, %s says %g", name, m, a_vals[i],
                         binary_ops[op].name, b_vals[i], y[i], scalar_name, expected[i]);
              /* And the scalar kernel itself against the naive loop. */
              g_assert_true (lsc_test_same_float (expected[i],
                                                  lsc_test_clamp (binary_naive (op, a_vals[i], b_vals[i]), mm)));
            }
          lsc_test_canary_check_free (y, n);
        }
}

/* ---- Clamp and leaky ReLU: exact ---- */

static void
test_clamp_lrelu (void)
{
  const LscKernelTable *table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  const float slopes[] = { 0.2f, 0.0f, 1.5f, -0.5f };

  LSC_TEST_FOREACH_TABLE (table)
    for (size_t n = 0; n <= MAX_N; n++)
      {
        LscTestGuarded gx;
        float *x = lsc_test_guarded_new (&gx, n);

        lsc_test_fill_random (rand, x, n, -8.0, 8.0);
        for (Alias alias = ALIAS_NONE; alias <= ALIAS_A; alias++)
          {
            for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
              {
                const LscUnaryParams params = { lsc_test_clamps[m].min, lsc_test_clamps[m].max, 0.0f };
                float *y = lsc_test_canary_new (n);

                if (alias == ALIAS_A)
                  {
                    memcpy (y, x, n * sizeof (float));
                    table->vclamp.fn (n, y, y, &params);
                  }
                else
                  table->vclamp.fn (n, x, y, &params);
                for (size_t i = 0; i < n; i++)
                  if (y[i] != lsc_test_clamp (x[i], &lsc_test_clamps[m]))
                    g_error ("%s n=%zu [%zu]: clamp (%g) = %g", table->vclamp.name, n, i, x[i], y[i]);
                lsc_test_canary_check_free (y, n);
              }
            for (guint s = 0; s < G_N_ELEMENTS (slopes); s++)
              {
                const LscUnaryParams params = { 0.0f, 0.0f, slopes[s] };
                float *y = lsc_test_canary_new (n);

                if (alias == ALIAS_A)
                  {
                    memcpy (y, x, n * sizeof (float));
                    table->vlrelu.fn (n, y, y, &params);
                  }
                else
                  table->vlrelu.fn (n, x, y, &params);
                for (size_t i = 0; i < n; i++)
                  {
                    const float expected = x[i] < 0.0f ? x[i] * slopes[s] : x[i];

                    if (y[i] != expected)
                      g_error ("%s slope %g n=%zu [%zu]: lrelu (%g) = %g, expected %g", table->vlrelu.name,
                               slopes[s], n, i, x[i], y[i], expected);
                  }
                lsc_test_canary_check_free (y, n);
              }
          }
        lsc_test_guarded_free (&gx);
      }
}

/* Clamp keeps NaN and ±inf lands on the bounds; the Keras leaky ReLU
 * activation (slope 0.2) matches lsc_activation_scalar. */
static void
test_clamp_lrelu_special (void)
{
  const float x[] = { NAN, INFINITY, -INFINITY, -0.0f, 0.0f, 6.5f, -1.0f, 3.0f, -2.5f, -1e-35f, 1e-35f };
  const size_t n = G_N_ELEMENTS (x);
  const LscUnaryParams relu6 = { 0.0f, 6.0f, 0.0f };
  const LscUnaryParams keras = { 0.0f, 0.0f, 0.2f };
  const LscKernelTable *table;

  LSC_TEST_FOREACH_TABLE (table)
    {
      float y[G_N_ELEMENTS (x)];

      table->vclamp.fn (n, x, y, &relu6);
      g_assert_true (isnan (y[0]));
      g_assert_cmpfloat (y[1], ==, 6.0f);
      g_assert_cmpfloat (y[2], ==, 0.0f);
      g_assert_cmpfloat (y[5], ==, 6.0f);
      g_assert_cmpfloat (y[6], ==, 0.0f);
      g_assert_cmpfloat (y[7], ==, 3.0f);

      table->vlrelu.fn (n, x, y, &keras);
      g_assert_true (isnan (y[0]));
      for (size_t i = 1; i < n; i++)
        g_assert_cmpfloat (y[i], ==, lsc_activation_scalar (LSC_ACTIVATION_LEAKY_RELU, x[i]));
    }
}

/* ---- Sigmoid, swish, tanh: accuracy ---- */

typedef enum
{
  FN_SIGMOID,
  FN_SWISH,
  FN_TANH,
} Transcendental;

static const LscActivation fn_activation[] = {
  [FN_SIGMOID] = LSC_ACTIVATION_SIGMOID,
  [FN_SWISH] = LSC_ACTIVATION_SWISH,
  [FN_TANH] = LSC_ACTIVATION_TANH,
};

static double
fn_exact (Transcendental f,
          double         x)
{
  switch (f)
    {
    case FN_SIGMOID:
      return 1.0 / (1.0 + exp (-x));
    case FN_SWISH:
      return x / (1.0 + exp (-x));
    case FN_TANH:
    default:
      return tanh (x);
    }
}

static LscVunaryUkernel
fn_kernel (const LscKernelTable *t,
           Transcendental        f,
           const char          **name)
{
  switch (f)
    {
    case FN_SIGMOID: *name = t->vsigmoid.name; return t->vsigmoid.fn;
    case FN_SWISH: *name = t->vswish.name; return t->vswish.fn;
    case FN_TANH:
    default: *name = t->vtanh.name; return t->vtanh.fn;
    }
}

/* Relative error, with an absolute floor where the exact value is not a
 * normal float (sigmoid and swish far left). */
static double
rel_error (float  y,
           double exact)
{
  return fabs ((double) y - exact) / MAX (fabs (exact), (double) FLT_MIN);
}

/* Every 1/4096 of [-30, 30], and a log sweep of small magnitudes
 * (1e-30 .. 1) on both sides, against double precision: relative error
 * ≤ 1e-6, and ≤ 4e-6 against the float activation functions of the
 * reference layers. */
static void
test_transcendental_accuracy (void)
{
  const size_t n_grid = 60 * 4096 + 1;
  const size_t n_small = 2 * 301;
  const size_t n = n_grid + n_small;
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, n);
  const LscKernelTable *table;

  for (size_t i = 0; i < n_grid; i++)
    x[i] = -30.0f + (float) i / 4096.0f;
  for (size_t i = 0; i < n_small / 2; i++)
    {
      x[n_grid + 2 * i] = (float) pow (10.0, -30.0 + i / 10.0);
      x[n_grid + 2 * i + 1] = -x[n_grid + 2 * i];
    }

  LSC_TEST_FOREACH_TABLE (table)
    for (Transcendental f = FN_SIGMOID; f <= FN_TANH; f++)
      {
        const char *name;
        LscVunaryUkernel fn = fn_kernel (table, f, &name);
        double worst = 0.0, worst_ref = 0.0;
        size_t worst_i = 0;

        fn (n, x, y, NULL);
        for (size_t i = 0; i < n; i++)
          {
            const double err = rel_error (y[i], fn_exact (f, x[i]));
            const double err_ref = rel_error (y[i], lsc_activation_scalar (fn_activation[f], x[i]));

            if (err > worst)
              worst = err, worst_i = i;
            worst_ref = MAX (worst_ref, err_ref);
          }
        g_test_message ("%s: max relative error %.3g (at %g), %.3g against lsc_activation_scalar",
                        name, worst, x[worst_i], worst_ref);
        if (worst > 1e-6)
          g_error ("%s: relative error %.3g at x = %.9g (%.9g, exact %.9g)", name, worst, x[worst_i],
                   y[worst_i], fn_exact (f, x[worst_i]));
        g_assert_cmpfloat (worst_ref, <=, 4e-6);
      }
}

/* Every length and aliasing, with the canaries: each element must be the
 * value the kernel gives for that x alone (same vector lane or not), and
 * accurate. */
static void
test_transcendental_lengths (void)
{
  const LscKernelTable *table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);

  LSC_TEST_FOREACH_TABLE (table)
    for (Transcendental f = FN_SIGMOID; f <= FN_TANH; f++)
      for (size_t n = 0; n <= MAX_N; n++)
        for (Alias alias = ALIAS_NONE; alias <= ALIAS_A; alias++)
          {
            const char *name;
            LscVunaryUkernel fn = fn_kernel (table, f, &name);
            LscTestGuarded gx;
            float *x = lsc_test_guarded_new (&gx, n);
            float *y = lsc_test_canary_new (n);

            lsc_test_fill_random (rand, x, n, -12.0, 12.0);
            if (alias == ALIAS_A)
              {
                memcpy (y, x, n * sizeof (float));
                fn (n, y, y, NULL);
              }
            else
              fn (n, x, y, NULL);
            for (size_t i = 0; i < n; i++)
              {
                float one;

                fn (1, &x[i], &one, NULL);
                if (!(y[i] == one && rel_error (y[i], fn_exact (f, x[i])) <= 1e-6))
                  g_error ("%s n=%zu alias=%d [%zu]: f (%g) = %.9g, alone %.9g, exact %.9g", name, n, alias,
                           i, x[i], y[i], one, fn_exact (f, x[i]));
              }
            lsc_test_canary_check_free (y, n);
            lsc_test_guarded_free (&gx);
          }
}

/* Saturation, infinities, NaN and zeros. */
static void
test_transcendental_special (void)
{
  const float x[] = { 100.0f, -100.0f, INFINITY, -INFINITY, NAN, 20.0f, -20.0f, 0.0f, -0.0f, 88.0f,
                      -88.0f, 9.5f, -9.5f, 1e-30f, -1e-30f, 1e-40f };
  const size_t n = G_N_ELEMENTS (x);
  const LscKernelTable *table;

  LSC_TEST_FOREACH_TABLE (table)
    {
      float s[G_N_ELEMENTS (x)], w[G_N_ELEMENTS (x)], t[G_N_ELEMENTS (x)];

      table->vsigmoid.fn (n, x, s, NULL);
      table->vswish.fn (n, x, w, NULL);
      table->vtanh.fn (n, x, t, NULL);

      g_test_message ("%s", table->vsigmoid.name);
      g_assert_cmpfloat (s[0], ==, 1.0f);
      g_assert_cmpfloat (s[1], >=, 0.0f);
      g_assert_cmpfloat (s[1], <, 1e-40f);
      g_assert_cmpfloat (s[2], ==, 1.0f);
      g_assert_cmpfloat (s[3], ==, 0.0f);
      g_assert_true (isnan (s[4]));
      g_assert_cmpfloat (s[7], ==, 0.5f);
      g_assert_cmpfloat (s[8], ==, 0.5f);
      g_assert_cmpfloat (s[9], ==, 1.0f);
      g_assert_cmpfloat (s[10], <, 1e-37f);
      g_assert_cmpfloat (s[13], ==, 0.5f);

      g_test_message ("%s", table->vswish.name);
      g_assert_cmpfloat (w[0], ==, 100.0f);
      g_assert_cmpfloat (fabsf (w[1]), <, 1e-38f);
      g_assert_cmpfloat (w[2], ==, INFINITY);
      g_assert_true (isnan (w[4]));
      g_assert_cmpfloat (w[5], ==, 20.0f);
      g_assert_cmpfloat (w[7], ==, 0.0f);
      g_assert_cmpfloat (w[13], ==, 0.5e-30f);

      g_test_message ("%s", table->vtanh.name);
      g_assert_cmpfloat (t[0], ==, 1.0f);
      g_assert_cmpfloat (t[1], ==, -1.0f);
      g_assert_cmpfloat (t[2], ==, 1.0f);
      g_assert_cmpfloat (t[3], ==, -1.0f);
      g_assert_true (isnan (t[4]));
      g_assert_cmpfloat (t[5], ==, 1.0f);
      g_assert_cmpfloat (t[6], ==, -1.0f);
      g_assert_true (t[7] == 0.0f && !signbit (t[7]));
      g_assert_true (t[8] == 0.0f && signbit (t[8]));
      g_assert_cmpfloat (t[11], ==, 1.0f);
      g_assert_cmpfloat (t[12], ==, -1.0f);
      g_assert_cmpfloat (t[13], ==, 1e-30f);
      g_assert_cmpfloat (t[14], ==, -1e-30f);
      g_assert_cmpfloat (t[15], ==, 1e-40f);
    }
}

/* ---- Affine ---- */

static void
test_affine (void)
{
  const LscKernelTable *table;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);

  LSC_TEST_FOREACH_TABLE (table)
    for (size_t n = 0; n <= MAX_N; n++)
      {
        LscTestGuarded gx, gs, gh;
        float *x = lsc_test_guarded_new (&gx, n);
        float *scale = lsc_test_guarded_new (&gs, n);
        float *shift = lsc_test_guarded_new (&gh, n);

        lsc_test_fill_random (rand, x, n, -3.0, 3.0);
        lsc_test_fill_random (rand, scale, n, -2.0, 2.0);
        lsc_test_fill_random (rand, shift, n, -1.0, 1.0);
        for (guint m = 0; m < G_N_ELEMENTS (lsc_test_clamps); m++)
          for (Alias alias = ALIAS_NONE; alias <= ALIAS_A; alias++)
            {
              const LscMinMax *mm = &lsc_test_clamps[m];
              float *y = lsc_test_canary_new (n);

              if (alias == ALIAS_A)
                {
                  memcpy (y, x, n * sizeof (float));
                  table->vaffine.fn (n, y, scale, shift, y, mm);
                }
              else
                table->vaffine.fn (n, x, scale, shift, y, mm);
              for (size_t i = 0; i < n; i++)
                {
                  const double exact = (double) x[i] * scale[i] + shift[i];
                  const float expected = lsc_test_clamp (exact, mm);

                  /* One rounding with FMA, two without. */
                  if (!(fabs (y[i] - expected) <= 2.0 * FLT_EPSILON * (fabs ((double) x[i] * scale[i]) + fabs (shift[i]))))
                    g_error ("%s n=%zu clamp=%u alias=%d [%zu]: %g × %g + %g = %.9g, expected %.9g",
                             table->vaffine.name, n, m, alias, i, x[i], scale[i], shift[i], y[i], expected);
                }
              lsc_test_canary_check_free (y, n);
            }
        lsc_test_guarded_free (&gx);
        lsc_test_guarded_free (&gs);
        lsc_test_guarded_free (&gh);
      }
}

/* The names recorded per layer say which ISA ran: "f32_<op>__<isa>". */
static void
test_names (void)
{
  const LscKernelTable *table;

  LSC_TEST_FOREACH_TABLE (table)
    {
      g_autofree char *suffix = g_strconcat ("__", lsc_isa_to_string (table->isa), NULL);
      const char *names[] = { table->vadd.name, table->vsub.name, table->vmul.name, table->vmax.name,
                              table->vmin.name, table->vclamp.name, table->vlrelu.name,
                              table->vsigmoid.name, table->vswish.name, table->vtanh.name,
                              table->vaffine.name };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_assert_true (g_str_has_prefix (names[i], "f32_v"));
          g_assert_true (g_str_has_suffix (names[i], suffix));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kernels/elementwise/binary/lengths", test_binary_lengths);
  g_test_add_func ("/kernels/elementwise/binary/special", test_binary_special);
  g_test_add_func ("/kernels/elementwise/clamp-lrelu", test_clamp_lrelu);
  g_test_add_func ("/kernels/elementwise/clamp-lrelu/special", test_clamp_lrelu_special);
  g_test_add_func ("/kernels/elementwise/transcendental/accuracy", test_transcendental_accuracy);
  g_test_add_func ("/kernels/elementwise/transcendental/lengths", test_transcendental_lengths);
  g_test_add_func ("/kernels/elementwise/transcendental/special", test_transcendental_special);
  g_test_add_func ("/kernels/elementwise/affine", test_affine);
  g_test_add_func ("/kernels/elementwise/names", test_names);
  return g_test_run ();
}
