/* Dense, the normalization layers, the activation layers, the merges and
 * Embedding against hand-computed values (the arithmetic is in the
 * comments), plus the errors for bad configs, weights and shapes. */

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "lsc-test-util.h"
#include "layers/lsc-layer-registry.h"

#define TOL 1e-6f

/* Builds {"class_name": CLASS, "config": {"name": "t", CONFIG}} where CONFIG
 * is written with single quotes for readability. */
static char *
layer_json (const char *class_name,
            const char *config)
{
  g_autofree char *body = g_strdup (config);

  g_strdelimit (body, "'", '"');
  return g_strdup_printf ("{\"class_name\": \"%s\", \"config\": {\"name\": \"t\"%s%s}}",
                          class_name, *body ? ", " : "", body);
}

static LscLayer *
layer_new (const char *class_name,
           const char *config,
           int         keras_major)
{
  g_autofree char *json = layer_json (class_name, config);

  return lsc_test_layer_new (json, keras_major);
}

static void
assert_parse_error (const char     *class_name,
                    const char     *config,
                    int             keras_major,
                    LscEngineError  code)
{
  g_autofree char *json = layer_json (class_name, config);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscLayer) layer = lsc_test_layer_try_new (json, keras_major, &error);

  g_assert_null (layer);
  g_assert_error (error, LSC_ENGINE_ERROR, (int) code);
}

static void
assert_infer_error (LscLayer       *layer,
                    const LscShape *shapes,
                    guint           n_shapes,
                    LscEngineError  code)
{
  g_autoptr(GError) error = NULL;
  LscShape out;

  g_assert_false (layer->ops->infer (layer, shapes, n_shapes, &out, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, (int) code);
}

static LscShape
infer_ok (LscLayer       *layer,
          const LscShape *shapes,
          guint           n_shapes)
{
  g_autoptr(GError) error = NULL;
  LscShape out = { 0 };

  g_assert_true (layer->ops->infer (layer, shapes, n_shapes, &out, &error));
  g_assert_no_error (error);
  return out;
}

static void
assert_shape (const LscShape *shape,
              int             ndim,
              ...)
{
  va_list ap;

  g_assert_cmpint (shape->ndim, ==, ndim);
  va_start (ap, ndim);
  for (int d = 0; d < ndim; d++)
    g_assert_cmpint (shape->dims[d], ==, va_arg (ap, int64_t));
  va_end (ap);
}

/* Runs a one-input layer and compares with expected (n values). */
static void
check_run1 (LscLayer    *layer,
            LscTensor   *input,
            const float *expected,
            int64_t      n)
{
  const LscTensor *inputs[] = { input };
  g_autoptr(LscTensor) out = lsc_test_layer_run (layer, inputs, 1);

  g_assert_true (lsc_shape_equal (&out->shape, &input->shape));
  lsc_test_assert_tensor_close (out, expected, n, TOL);
}

#define S(...) lsc_shape_make (__VA_ARGS__)

/* ---- Dense ------------------------------------------------------------- */

static void
test_dense_3d (void)
{
  g_autoptr(LscLayer) layer = layer_new ("Dense", "'units': 2, 'activation': 'linear', 'use_bias': true", 3);
  /* kernel (3, 2) = [[1, 0], [0, 1], [1, -1]], bias = [0.5, -1] */
  const float kernel[] = { 1, 0, 0, 1, 1, -1 };
  const float bias[] = { 0.5f, -1 };
  /* input (2, 2, 3): batch 2, 2 rows of 3 features */
  const float x[] = { 1, 2, 3,   -1, 0, 1,
                      0, 0, 0,    2, 2, 2 };
  /* row [1,2,3]:  u0 = 1 + 0 + 3 + 0.5 = 4.5;  u1 = 0 + 2 - 3 - 1 = -2
   * row [-1,0,1]: u0 = -1 + 0 + 1 + 0.5 = 0.5; u1 = 0 + 0 - 1 - 1 = -2
   * row [0,0,0]:  bias only: 0.5, -1
   * row [2,2,2]:  u0 = 2 + 2 + 0.5 = 4.5;      u1 = 2 - 2 - 1 = -1 */
  const float expected[] = { 4.5f, -2, 0.5f, -2, 0.5f, -1, 4.5f, -1 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 2, (int64_t) 2, (int64_t) 3);
  const LscTensor *inputs[] = { input };
  g_autoptr(LscTensor) out = NULL;
  LscShape unknown = S (3, (int64_t) -1, (int64_t) -1, (int64_t) 3);
  LscShape one = S (3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  LscShape inferred;

  lsc_test_layer_add_weight (layer, kernel, 2, (int64_t) 3, (int64_t) 2);
  lsc_test_layer_add_weight (layer, bias, 1, (int64_t) 2);

  out = lsc_test_layer_run (layer, inputs, 1);
  assert_shape (&out->shape, 3, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  lsc_test_assert_tensor_close (out, expected, 8, TOL);

  /* Unknown batch and sequence length propagate. */
  inferred = infer_ok (layer, &unknown, 1);
  assert_shape (&inferred, 3, (int64_t) -1, (int64_t) -1, (int64_t) 2);

  /* One sample: 2 rows × 3 inputs × 2 units = 12 MACs. */
  g_assert_cmpint (layer->ops->count_macs (layer, &one, 1, &inferred), ==, 12);
}

static void
test_dense_activation_no_bias (void)
{
  /* Keras 1 spelling: output_dim and bias. */
  g_autoptr(LscLayer) layer = layer_new ("Dense", "'output_dim': 2, 'bias': false, 'activation': 'relu'", 1);
  const float kernel[] = { 1, -1, 2, 1 };   /* [[1, -1], [2, 1]] */
  const float x[] = { 1, 1, -1, 0 };
  /* [1, 1]:  u0 = 1 + 2 = 3,  u1 = -1 + 1 = 0  → relu → 3, 0
   * [-1, 0]: u0 = -1,         u1 = 1           → relu → 0, 1 */
  const float expected[] = { 3, 0, 0, 1 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 2, (int64_t) 2);
  const LscTensor *inputs[] = { input };
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, kernel, 2, (int64_t) 2, (int64_t) 2);
  out = lsc_test_layer_run (layer, inputs, 1);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_dense_errors (void)
{
  const float zeros[16] = { 0 };
  LscShape in4 = S (2, (int64_t) -1, (int64_t) 4);
  LscShape in3 = S (2, (int64_t) -1, (int64_t) 3);
  LscShape rank1 = S (1, (int64_t) 3);
  g_autoptr(LscLayer) layer = layer_new ("Dense", "'units': 2", 3);
  g_autoptr(LscLayer) no_bias = layer_new ("Dense", "'units': 2", 3);

  /* kernel (3, 2) but the input has 4 features. */
  lsc_test_layer_add_weight (layer, zeros, 2, (int64_t) 3, (int64_t) 2);
  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 2);
  assert_infer_error (layer, &in4, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  infer_ok (layer, &in3, 1);
  assert_infer_error (layer, &rank1, 1, LSC_ENGINE_ERROR_BAD_SHAPE);

  /* use_bias (default) but only a kernel in the file. */
  lsc_test_layer_add_weight (no_bias, zeros, 2, (int64_t) 3, (int64_t) 2);
  assert_infer_error (no_bias, &in3, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);

  assert_parse_error ("Dense", "'units': 2, 'activation': 'frobnicate'", 3,
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  assert_parse_error ("Dense", "'units': 2, 'dtype': {'class_name': 'QuantizedDTypePolicy', "
                      "'config': {'name': 'int8_from_float32'}}", 3,
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  assert_parse_error ("Dense", "'activation': 'relu'", 3, LSC_ENGINE_ERROR_BAD_CONFIG);
}

/* ---- BatchNormalization ------------------------------------------------ */

static void
test_batch_norm_last_axis (void)
{
  g_autoptr(LscLayer) layer = layer_new ("BatchNormalization", "'axis': -1", 3);
  const float gamma[] = { 2, 0.5f }, beta[] = { 1, -1 };
  const float mean[] = { 1, -2 }, var[] = { 0.999f, 3.999f };
  const float x[] = { 3, 2, -1, -6 };
  /* epsilon defaults to 1e-3: var + eps = 1 and 4, so the divisors are 1, 2.
   * ch0: 2 * (3 - 1) / 1 + 1 = 5;      2 * (-1 - 1) / 1 + 1 = -3
   * ch1: 0.5 * (2 + 2) / 2 - 1 = 0;    0.5 * (-6 + 2) / 2 - 1 = -2 */
  const float expected[] = { 5, 0, -3, -2 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 2, (int64_t) 2);

  lsc_test_layer_add_weight (layer, gamma, 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, beta, 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, mean, 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, var, 1, (int64_t) 2);
  check_run1 (layer, input, expected, 4);
}

static void
test_batch_norm_center_scale (void)
{
  const float gamma[] = { 3 }, beta[] = { 10 }, mean[] = { 1 }, var[] = { 3.5f };
  const float x[] = { 5, 1, -3 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 3, (int64_t) 1);
  /* epsilon 0.5: sqrt (3.5 + 0.5) = 2, so (x - 1) / 2 = 2, 0, -2. */
  const float plain[] = { 2, 0, -2 };
  const float scaled[] = { 6, 0, -6 };        /* × gamma 3 */
  const float centered[] = { 12, 10, 8 };     /* + beta 10 */
  g_autoptr(LscLayer) neither = layer_new ("BatchNormalization",
                                           "'epsilon': 0.5, 'center': false, 'scale': false", 3);
  g_autoptr(LscLayer) scale_only = layer_new ("BatchNormalization",
                                              "'epsilon': 0.5, 'center': false", 3);
  g_autoptr(LscLayer) center_only = layer_new ("BatchNormalization",
                                               "'epsilon': 0.5, 'scale': false", 3);

  /* Weights: gamma?, beta?, moving_mean, moving_variance. */
  lsc_test_layer_add_weight (neither, mean, 1, (int64_t) 1);
  lsc_test_layer_add_weight (neither, var, 1, (int64_t) 1);
  check_run1 (neither, input, plain, 3);

  lsc_test_layer_add_weight (scale_only, gamma, 1, (int64_t) 1);
  lsc_test_layer_add_weight (scale_only, mean, 1, (int64_t) 1);
  lsc_test_layer_add_weight (scale_only, var, 1, (int64_t) 1);
  check_run1 (scale_only, input, scaled, 3);

  lsc_test_layer_add_weight (center_only, beta, 1, (int64_t) 1);
  lsc_test_layer_add_weight (center_only, mean, 1, (int64_t) 1);
  lsc_test_layer_add_weight (center_only, var, 1, (int64_t) 1);
  check_run1 (center_only, input, centered, 3);
}

static void
test_batch_norm_other_axes (void)
{
  /* Axis 1 of (1, 2, 3): channels are the rows. */
  g_autoptr(LscLayer) axis1 = layer_new ("BatchNormalization", "'axis': 1", 2);
  const float gamma[] = { 1, 2 }, beta[] = { 0, 1 }, mean[] = { 0, 1 }, var[] = { 0.999f, 0.999f };
  const float x[] = { 1, 2, 3, 4, 5, 6 };
  /* row 0: (x - 0) / 1 = 1, 2, 3;  row 1: 2 * (x - 1) / 1 + 1 = 7, 9, 11 */
  const float expected[] = { 1, 2, 3, 7, 9, 11 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  /* tf.keras axis list [1, 2]: weights of the input's rank, 1 elsewhere. */
  g_autoptr(LscLayer) multi = layer_new ("BatchNormalization", "'axis': [1, 2], 'center': false, 'scale': false", 2);
  const float mean4[] = { 0, 1, 2, 3 }, var4[] = { 0.999f, 0.999f, 0.999f, 0.999f };
  const float x4[] = { 10, 10, 10, 10 };
  const float expected4[] = { 10, 9, 8, 7 };   /* x - mean, divisor 1 */
  g_autoptr(LscTensor) input4 = lsc_test_tensor_new (x4, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);

  lsc_test_layer_add_weight (axis1, gamma, 1, (int64_t) 2);
  lsc_test_layer_add_weight (axis1, beta, 1, (int64_t) 2);
  lsc_test_layer_add_weight (axis1, mean, 1, (int64_t) 2);
  lsc_test_layer_add_weight (axis1, var, 1, (int64_t) 2);
  check_run1 (axis1, input, expected, 6);

  lsc_test_layer_add_weight (multi, mean4, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  lsc_test_layer_add_weight (multi, var4, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  check_run1 (multi, input4, expected4, 4);
}

static void
test_batch_norm_errors (void)
{
  const float zeros[8] = { 0 };
  LscShape in2 = S (2, (int64_t) -1, (int64_t) 2);
  LscShape rank2 = S (2, (int64_t) -1, (int64_t) 2);
  g_autoptr(LscLayer) wrong_shape = layer_new ("BatchNormalization", "", 3);
  g_autoptr(LscLayer) too_many = layer_new ("BatchNormalization", "'center': false", 3);
  g_autoptr(LscLayer) bad_axis = layer_new ("BatchNormalization", "'axis': 3", 3);

  for (int i = 0; i < 4; i++)
    lsc_test_layer_add_weight (wrong_shape, zeros, 1, (int64_t) 3);
  assert_infer_error (wrong_shape, &in2, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);

  /* center=False: gamma, mean, variance — a fourth array is one too many. */
  for (int i = 0; i < 4; i++)
    lsc_test_layer_add_weight (too_many, zeros, 1, (int64_t) 2);
  assert_infer_error (too_many, &in2, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);

  assert_infer_error (bad_axis, &rank2, 1, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_parse_error ("BatchNormalization", "'mode': 2", 1, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
}

/* ---- LayerNormalization ------------------------------------------------ */

static void
test_layer_norm_last_axis (void)
{
  g_autoptr(LscLayer) layer = layer_new ("LayerNormalization", "'epsilon': 0.75", 3);
  const float gamma[] = { 1, 2, 1, 2 }, beta[] = { 0, 0, 1, 1 };
  const float x[] = { 0, 1, 2, 3,   2, 2, 2, 2 };
  /* Row 1: mean 1.5, var (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, + 0.75 = 2:
   * (x - 1.5) / sqrt 2 = -1.06066017, -0.35355339, 0.35355339, 1.06066017
   * × gamma + beta = -1.06066017, -0.70710678, 1.35355339, 3.12132034.
   * Row 2: constant, so x - mean = 0 and only beta remains. */
  const float expected[] = { -1.06066017f, -0.70710678f, 1.35355339f, 3.12132034f,
                             0, 0, 1, 1 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 2, (int64_t) 4);

  lsc_test_layer_add_weight (layer, gamma, 1, (int64_t) 4);
  lsc_test_layer_add_weight (layer, beta, 1, (int64_t) 4);
  check_run1 (layer, input, expected, 8);
}

static void
test_layer_norm_two_axes (void)
{
  g_autoptr(LscLayer) layer = layer_new ("LayerNormalization", "'axis': [1, 2], 'epsilon': 0.75", 3);
  const float gamma[] = { 1, 2, 3, 4 }, beta[] = { 0.5f, 0.5f, 0.5f, 0.5f };
  const float x[] = { 0, 1, 2, 3 };
  /* All four values together: as above (x - 1.5) / sqrt 2, then
   * × [1, 2, 3, 4] + 0.5: -0.56066017, -0.20710678, 1.56066017, 4.74264069 */
  const float expected[] = { -0.56066017f, -0.20710678f, 1.56066017f, 4.74264069f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  /* One non-last axis: columns [0, 2] and [1, 3] each have mean ±1 from
   * their centre and variance 1; epsilon 0 → -1, -1, 1, 1, then gamma/beta
   * by row: row 0 × 2 + 0, row 1 × 3 + 1 → -2, -2, 4, 4. */
  g_autoptr(LscLayer) column = layer_new ("LayerNormalization", "'axis': -2, 'epsilon': 0.0", 3);
  const float gamma2[] = { 2, 3 }, beta2[] = { 0, 1 };
  const float expected2[] = { -2, -2, 4, 4 };
  /* Axes listed out of order: gamma has shape (3, 2) but Keras reshapes it
   * (no transpose) to (1, 2, 3), so its flat data runs over the input in
   * order. x = -1 × 3, 1 × 3: mean 0, var 1, epsilon 0 → x × gamma. */
  g_autoptr(LscLayer) unsorted = layer_new ("LayerNormalization",
                                            "'axis': [2, 1], 'epsilon': 0.0, 'center': false", 3);
  const float gamma3[] = { 1, 2, 3, 4, 5, 6 };
  const float x3[] = { -1, -1, -1, 1, 1, 1 };
  const float expected3[] = { -1, -2, -3, 4, 5, 6 };
  g_autoptr(LscTensor) input3 = lsc_test_tensor_new (x3, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  LscShape in3 = S (3, (int64_t) -1, (int64_t) 2, (int64_t) 3);

  lsc_test_layer_add_weight (layer, gamma, 2, (int64_t) 2, (int64_t) 2);
  lsc_test_layer_add_weight (layer, beta, 2, (int64_t) 2, (int64_t) 2);
  check_run1 (layer, input, expected, 4);

  lsc_test_layer_add_weight (column, gamma2, 1, (int64_t) 2);
  lsc_test_layer_add_weight (column, beta2, 1, (int64_t) 2);
  check_run1 (column, input, expected2, 4);

  lsc_test_layer_add_weight (unsorted, gamma3, 2, (int64_t) 3, (int64_t) 2);
  infer_ok (unsorted, &in3, 1);
  check_run1 (unsorted, input3, expected3, 6);
}

static void
test_layer_norm_rms_scaling (void)
{
  /* rms_scaling: only gamma (even with center=True), and Keras divides by
   * sqrt (variance + eps), the mean-centred variance: x = [1, 3] has
   * variance 1 (a true RMS would be sqrt 5), so y = x × gamma = [2, 1.5]. */
  g_autoptr(LscLayer) layer = layer_new ("LayerNormalization",
                                         "'epsilon': 0.0, 'center': true, 'rms_scaling': true", 3);
  const float gamma[] = { 2, 0.5f };
  const float x[] = { 1, 3 };
  const float expected[] = { 2, 1.5f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 2);

  lsc_test_layer_add_weight (layer, gamma, 1, (int64_t) 2);
  check_run1 (layer, input, expected, 2);
}

static void
test_layer_norm_errors (void)
{
  const float zeros[8] = { 0 };
  LscShape in = S (2, (int64_t) -1, (int64_t) 4);
  g_autoptr(LscLayer) layer = layer_new ("LayerNormalization", "", 3);

  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 4);
  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 3);
  assert_infer_error (layer, &in, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);
}

/* ---- Normalization ----------------------------------------------------- */

static void
test_normalization_weights (void)
{
  g_autoptr(LscLayer) layer = layer_new ("Normalization", "'axis': -1, 'mean': null, 'variance': null", 3);
  g_autoptr(LscLayer) inverted = layer_new ("Normalization", "'invert': true", 3);
  const float mean[] = { 1, -1 }, var[] = { 4, 0 }, count[] = { 10 };
  const float x[] = { 3, 5, -1, -1 };
  /* std = max (sqrt (var), 1e-7) = 2 and 1e-7.
   * ch0: (3 - 1) / 2 = 1;   (-1 - 1) / 2 = -1
   * ch1: (5 + 1) / 1e-7 = 6e7 (float 1e-7 makes it 59999999.3); (-1 + 1) / 1e-7 = 0 */
  const float expected[] = { 1, 59999999.3f, -1, 0 };
  /* invert: mean + x × std: 1 + 3 × 2 = 7;  -1 + 5e-7;  1 - 2 = -1;  -1 - 1e-7 */
  const float expected_inv[] = { 7, -0.9999995f, -1, -1.0000001f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 2, (int64_t) 2);

  lsc_test_layer_add_weight (layer, mean, 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, var, 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, count, 0);
  check_run1 (layer, input, expected, 4);

  lsc_test_layer_add_weight (inverted, mean, 1, (int64_t) 2);
  lsc_test_layer_add_weight (inverted, var, 1, (int64_t) 2);
  lsc_test_layer_add_weight (inverted, count, 0);
  check_run1 (inverted, input, expected_inv, 4);
}

static void
test_normalization_config (void)
{
  /* Kept axis 1 of (1, 3, 2); the config's [1, 2, 3] lines up with it
   * (right to left over the kept axes), not with the last axis. */
  g_autoptr(LscLayer) layer = layer_new ("Normalization",
                                         "'axis': 1, 'mean': [1, 2, 3], 'variance': [1, 4, 9]", 3);
  const float x[] = { 1, 1, 4, 4, 9, 0 };
  /* row 0: (x - 1) / 1 = 0, 0;  row 1: (4 - 2) / 2 = 1, 1;
   * row 2: (9 - 3) / 3 = 2, (0 - 3) / 3 = -1 */
  const float expected[] = { 0, 0, 1, 1, 2, -1 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 3, (int64_t) 2);
  /* axis None: one scalar mean and variance, here in Keras 3's serialized
   * numpy form: (x - 2) / 2. */
  g_autoptr(LscLayer) global = layer_new ("Normalization",
                                          "'axis': null, "
                                          "'mean': {'class_name': '__numpy__', 'config': {'value': 2.0, 'dtype': 'float32'}}, "
                                          "'variance': 4", 3);
  const float x2[] = { 0, 4, 6 };
  const float expected2[] = { -1, 1, 2 };
  g_autoptr(LscTensor) input2 = lsc_test_tensor_new (x2, 2, (int64_t) 1, (int64_t) 3);
  LscShape bad = S (3, (int64_t) -1, (int64_t) 4, (int64_t) 2);

  check_run1 (layer, input, expected, 6);
  check_run1 (global, input2, expected2, 3);

  /* Three means for a kept axis of size 4. */
  assert_infer_error (layer, &bad, 1, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_parse_error ("Normalization", "'mean': [1, 2]", 3, LSC_ENGINE_ERROR_BAD_CONFIG);
}

static void
test_normalization_errors (void)
{
  const float zeros[8] = { 0 };
  LscShape in = S (2, (int64_t) -1, (int64_t) 2);
  g_autoptr(LscLayer) layer = layer_new ("Normalization", "", 3);

  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 3);
  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 3);
  lsc_test_layer_add_weight (layer, zeros, 0);
  assert_infer_error (layer, &in, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);
}

/* ---- Rescaling --------------------------------------------------------- */

static void
test_rescaling (void)
{
  g_autoptr(LscLayer) scalar = layer_new ("Rescaling", "'scale': 0.5, 'offset': -1", 3);
  const float x[] = { 0, 2, 4 };
  const float expected[] = { -1, 0, 1 };   /* x × 0.5 - 1 */
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 3);
  /* Per channel: scale [1, 10], offset [0, 0.5] on the last axis. */
  g_autoptr(LscLayer) channels = layer_new ("Rescaling",
                                            "'scale': {'class_name': '__numpy__', 'config': {'value': [1, 10]}}, "
                                            "'offset': [0, 0.5]", 3);
  const float x2[] = { 1, 1, 2, 2 };
  const float expected2[] = { 1, 10.5f, 2, 20.5f };
  g_autoptr(LscTensor) input2 = lsc_test_tensor_new (x2, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  /* Default offset 0. */
  g_autoptr(LscLayer) no_offset = layer_new ("Rescaling", "'scale': 0.00392156862745098", 2);
  const float x3[] = { 255, 0 };
  const float expected3[] = { 1, 0 };
  g_autoptr(LscTensor) input3 = lsc_test_tensor_new (x3, 2, (int64_t) 1, (int64_t) 2);
  LscShape three = S (3, (int64_t) -1, (int64_t) 2, (int64_t) 3);

  check_run1 (scalar, input, expected, 3);
  check_run1 (channels, input2, expected2, 4);
  check_run1 (no_offset, input3, expected3, 2);
  assert_infer_error (channels, &three, 1, LSC_ENGINE_ERROR_BAD_SHAPE);
}

/* ---- Activation layers ------------------------------------------------- */

static const float relu_x[] = { -3, -1, -0.5f, 0, 0.5f, 1, 2, 5, 7 };

static void
check_relu (const char  *config,
            const float *expected)
{
  g_autoptr(LscLayer) layer = layer_new ("ReLU", config, 3);
  g_autoptr(LscTensor) input = lsc_test_tensor_new (relu_x, 2, (int64_t) 1, (int64_t) 9);

  check_run1 (layer, input, expected, 9);
}

static void
test_relu_options (void)
{
  /* x = -3, -1, -0.5, 0, 0.5, 1, 2, 5, 7 */
  /* Plain relu. */
  check_relu ("'max_value': null, 'negative_slope': 0.0, 'threshold': 0.0",
              (const float[]) { 0, 0, 0, 0, 0.5f, 1, 2, 5, 7 });
  /* max_value 6: 7 → 6. */
  check_relu ("'max_value': 6.0",
              (const float[]) { 0, 0, 0, 0, 0.5f, 1, 2, 5, 6 });
  /* negative_slope 0.1: 0.1 x below 0. */
  check_relu ("'negative_slope': 0.1",
              (const float[]) { -0.3f, -0.1f, -0.05f, 0, 0.5f, 1, 2, 5, 7 });
  /* threshold 1: x > 1 keeps x, everything else (x == 1 included) is 0. */
  check_relu ("'threshold': 1.0",
              (const float[]) { 0, 0, 0, 0, 0, 0, 2, 5, 7 });
  /* threshold 1, slope 0.5: below 1, -0.5 × (1 - x):
   * -3 → -2, -1 → -1, -0.5 → -0.75, 0 → -0.5, 0.5 → -0.25, 1 → 0 */
  check_relu ("'threshold': 1.0, 'negative_slope': 0.5",
              (const float[]) { -2, -1, -0.75f, -0.5f, -0.25f, 0, 2, 5, 7 });
  /* All three. */
  check_relu ("'threshold': 1.0, 'negative_slope': 0.5, 'max_value': 6",
              (const float[]) { -2, -1, -0.75f, -0.5f, -0.25f, 0, 2, 5, 6 });
  /* max_value and threshold. */
  check_relu ("'threshold': 1.0, 'max_value': 6",
              (const float[]) { 0, 0, 0, 0, 0, 0, 2, 5, 6 });
  /* max_value and slope. */
  check_relu ("'negative_slope': 0.1, 'max_value': 6",
              (const float[]) { -0.3f, -0.1f, -0.05f, 0, 0.5f, 1, 2, 5, 6 });
  /* A negative threshold keeps x in (-1, 0) ... */
  check_relu ("'threshold': -1.0",
              (const float[]) { 0, 0, -0.5f, 0, 0.5f, 1, 2, 5, 7 });
  /* ... unless a max_value clips the result to [0, max]. */
  check_relu ("'threshold': -1.0, 'max_value': 6",
              (const float[]) { 0, 0, 0, 0, 0.5f, 1, 2, 5, 6 });
}

static void
check_leaky (const char *config,
             int         keras_major,
             float       slope)
{
  g_autoptr(LscLayer) layer = layer_new ("LeakyReLU", config, keras_major);
  const float x[] = { -2, 0, 3 };
  const float expected[] = { -2 * slope, 0, 3 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 3);

  check_run1 (layer, input, expected, 3);
}

static void
test_leaky_relu (void)
{
  check_leaky ("'alpha': 0.1", 2, 0.1f);                   /* Keras 2 key */
  check_leaky ("", 2, 0.3f);                               /* Keras 2 default */
  check_leaky ("'alpha': 0.20000000298023224", 2, 0.2f);   /* as tf.keras writes it */
  check_leaky ("'negative_slope': 0.2", 3, 0.2f);          /* Keras 3 key */
  check_leaky ("", 3, 0.3f);                               /* Keras 3 default */
  check_leaky ("'negative_slope': [0.25]", 3, 0.25f);      /* one-element list form */
  check_leaky ("'alpha': 0.5", 3, 0.5f);                   /* Keras 3 still takes alpha */
}

static void
test_prelu (void)
{
  /* (1, 2, 2, 2) with shared_axes [1, 2]: alpha (1, 1, 2), one per channel. */
  g_autoptr(LscLayer) shared = layer_new ("PReLU", "'shared_axes': [1, 2]", 3);
  const float alpha[] = { 0.1f, 0.5f };
  const float x[] = { -1, -1,   2, -2,
                      -4,  3, -10, -10 };
  /* c0 × 0.1 below 0, c1 × 0.5 below 0, positives unchanged. */
  const float expected[] = { -0.1f, -0.5f,  2, -1,
                             -0.4f,  3,    -1, -5 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  /* No sharing: one alpha per value. */
  g_autoptr(LscLayer) full = layer_new ("PReLU", "'shared_axes': null", 2);
  const float alpha2[] = { 0.1f, 0.2f, 0.3f };
  const float x2[] = { -1, -1, 1 };
  const float expected2[] = { -0.1f, -0.2f, 1 };
  g_autoptr(LscTensor) input2 = lsc_test_tensor_new (x2, 2, (int64_t) 1, (int64_t) 3);
  g_autoptr(LscLayer) wrong = layer_new ("PReLU", "'shared_axes': [1, 2]", 3);
  LscShape in = S (4, (int64_t) -1, (int64_t) 2, (int64_t) 2, (int64_t) 2);

  lsc_test_layer_add_weight (shared, alpha, 3, (int64_t) 1, (int64_t) 1, (int64_t) 2);
  check_run1 (shared, input, expected, 8);

  lsc_test_layer_add_weight (full, alpha2, 1, (int64_t) 3);
  check_run1 (full, input2, expected2, 3);

  /* An unshared alpha (2, 2, 2) for a layer that shares axes 1 and 2. */
  lsc_test_layer_add_weight (wrong, x, 3, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  assert_infer_error (wrong, &in, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);
}

static void
test_elu_thresholded (void)
{
  g_autoptr(LscLayer) elu = layer_new ("ELU", "'alpha': 0.5", 3);
  g_autoptr(LscLayer) elu1 = layer_new ("ELU", "", 2);
  g_autoptr(LscLayer) thresholded = layer_new ("ThresholdedReLU", "'theta': 1.0", 2);
  const float x[] = { -1, 0, 2, 1 };
  /* 0.5 × (e^-1 - 1) = -0.31606028;  0 → 0.5 × expm1 (0) = 0 */
  const float expected[] = { -0.31606028f, 0, 2, 1 };
  const float expected1[] = { -0.63212056f, 0, 2, 1 };
  const float expected_t[] = { 0, 0, 2, 0 };   /* x > 1 only */
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 1, (int64_t) 4);

  check_run1 (elu, input, expected, 4);
  check_run1 (elu1, input, expected1, 4);
  check_run1 (thresholded, input, expected_t, 4);
}

static void
test_softmax (void)
{
  /* Axis 1 of (1, 2, 3): each column is normalised over the two rows.
   * col 0: (0, 0) → 0.5, 0.5;  col 1: (0, ln 3) → 1/4, 3/4;
   * col 2: (1, 1 + ln 9) → 1/10, 9/10 */
  g_autoptr(LscLayer) axis1 = layer_new ("Softmax", "'axis': 1", 3);
  const float x[] = { 0, 0, 1,   0, 1.0986122887f, 3.1972245773f };
  const float expected[] = { 0.5f, 0.25f, 0.1f,   0.5f, 0.75f, 0.9f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  /* Default axis -1: [0, ln 3] → 1/4, 3/4;  [5, 5] → 1/2, 1/2. */
  g_autoptr(LscLayer) last = layer_new ("Softmax", "", 2);
  const float x2[] = { 0, 1.0986122887f, 5, 5 };
  const float expected2[] = { 0.25f, 0.75f, 0.5f, 0.5f };
  g_autoptr(LscTensor) input2 = lsc_test_tensor_new (x2, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  /* Axes [1, 2] jointly: e^[0, 0, 0, ln 5] = 1, 1, 1, 5, sum 8. */
  g_autoptr(LscLayer) joint = layer_new ("Softmax", "'axis': [1, 2]", 3);
  const float x3[] = { 0, 0, 0, 1.6094379124f };
  const float expected3[] = { 0.125f, 0.125f, 0.125f, 0.625f };
  g_autoptr(LscTensor) input3 = lsc_test_tensor_new (x3, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  LscShape rank2 = S (2, (int64_t) -1, (int64_t) 3);

  check_run1 (axis1, input, expected, 6);
  check_run1 (last, input2, expected2, 4);
  check_run1 (joint, input3, expected3, 4);
  /* Axis 2 does not exist in a rank 2 input. */
  assert_infer_error (joint, &rank2, 1, LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_activation_layer (void)
{
  g_autoptr(LscLayer) relu = layer_new ("Activation", "'activation': 'relu'", 2);
  g_autoptr(LscLayer) softmax = layer_new ("Activation", "'activation': 'softmax'", 3);
  const float x[] = { -1, 2, 0, 1.0986122887f };
  const float expected_relu[] = { 0, 2, 0, 1.0986122887f };
  /* Softmax on the last axis: [-1, 2] → e^-3 / (1 + e^-3) = 0.04742587,
   * 0.95257413;  [0, ln 3] → 0.25, 0.75 */
  const float expected_softmax[] = { 0.04742587f, 0.95257413f, 0.25f, 0.75f };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 2, (int64_t) 2, (int64_t) 2);

  check_run1 (relu, input, expected_relu, 4);
  check_run1 (softmax, input, expected_softmax, 4);
  assert_parse_error ("Activation", "'activation': 'frobnicate'", 3,
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
}

/* ---- Merges ------------------------------------------------------------ */

static LscTensor *
run_merge (const char      *class_name,
           const char      *config,
           const LscTensor *a,
           const LscTensor *b,
           const LscTensor *c)
{
  g_autoptr(LscLayer) layer = layer_new (class_name, config, 3);
  const LscTensor *inputs[] = { a, b, c };

  return lsc_test_layer_run (layer, inputs, c != NULL ? 3 : 2);
}

static void
check_merge (const char      *class_name,
             const LscTensor *a,
             const LscTensor *b,
             const LscTensor *c,
             const float     *expected,
             int64_t          n)
{
  g_autoptr(LscTensor) out = run_merge (class_name, "", a, b, c);

  lsc_test_assert_tensor_close (out, expected, n, TOL);
}

static void
test_merge_elementwise (void)
{
  const float va[] = { 1, -2, 3, 4 }, vb[] = { 2, 2, -1, 0.5f }, vc[] = { 0, 1, 1, 2 };
  g_autoptr(LscTensor) a = lsc_test_tensor_new (va, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) b = lsc_test_tensor_new (vb, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) c = lsc_test_tensor_new (vc, 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscLayer) subtract = layer_new ("Subtract", "", 3);
  LscShape three[] = { a->shape, b->shape, c->shape };

  /* a = [1, -2, 3, 4], b = [2, 2, -1, 0.5], c = [0, 1, 1, 2] */
  check_merge ("Add", a, b, c, (const float[]) { 3, 1, 3, 6.5f }, 4);
  check_merge ("Subtract", a, b, NULL, (const float[]) { -1, -4, 4, 3.5f }, 4);
  check_merge ("Multiply", a, b, c, (const float[]) { 0, -4, -3, 4 }, 4);
  /* sums 3, 1, 3, 6.5 divided by 3 */
  check_merge ("Average", a, b, c, (const float[]) { 1, 0.33333333f, 1, 2.16666667f }, 4);
  check_merge ("Maximum", a, b, c, (const float[]) { 2, 2, 3, 4 }, 4);
  check_merge ("Minimum", a, b, c, (const float[]) { 0, -2, -1, 0.5f }, 4);

  /* Subtract takes exactly two inputs. */
  assert_infer_error (subtract, three, 3, LSC_ENGINE_ERROR_BAD_SHAPE);
  g_assert_cmpuint (lsc_layer_ops_lookup ("Subtract")->max_inputs, ==, 2);
  g_assert_cmpuint (lsc_layer_ops_lookup ("Add")->max_inputs, ==, G_MAXUINT);
}

static void
test_merge_broadcast (void)
{
  const float va[] = { 1, 2, 3, 4, 5, 6 }, vb[] = { 10, 20, 30 }, vc[] = { 100, 200 }, vd[] = { 1, 1, 1 };
  g_autoptr(LscTensor) a = lsc_test_tensor_new (va, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  g_autoptr(LscTensor) b = lsc_test_tensor_new (vb, 3, (int64_t) 1, (int64_t) 1, (int64_t) 3);
  g_autoptr(LscTensor) c = lsc_test_tensor_new (vc, 3, (int64_t) 1, (int64_t) 2, (int64_t) 1);
  g_autoptr(LscTensor) d = lsc_test_tensor_new (vd, 2, (int64_t) 1, (int64_t) 3);
  g_autoptr(LscTensor) ab = run_merge ("Add", "", a, b, NULL);
  g_autoptr(LscTensor) ac = run_merge ("Add", "", a, c, NULL);
  g_autoptr(LscTensor) bc = run_merge ("Add", "", b, c, NULL);
  g_autoptr(LscTensor) da = run_merge ("Subtract", "", d, a, NULL);
  g_autoptr(LscLayer) add = layer_new ("Add", "", 3);
  LscShape unknown[] = { S (3, (int64_t) -1, (int64_t) 2, (int64_t) 3),
                         S (3, (int64_t) -1, (int64_t) 1, (int64_t) 3) };
  LscShape mismatch[] = { S (3, (int64_t) 1, (int64_t) 2, (int64_t) 3),
                          S (3, (int64_t) 1, (int64_t) 2, (int64_t) 4) };
  LscShape batches[] = { S (2, (int64_t) 2, (int64_t) 3), S (2, (int64_t) 3, (int64_t) 3) };
  LscShape out;

  /* (1, 2, 3) + (1, 1, 3): b repeated over the rows. */
  assert_shape (&ab->shape, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  lsc_test_assert_tensor_close (ab, (const float[]) { 11, 22, 33, 14, 25, 36 }, 6, TOL);
  /* (1, 2, 3) + (1, 2, 1): c repeated over the columns. */
  lsc_test_assert_tensor_close (ac, (const float[]) { 101, 102, 103, 204, 205, 206 }, 6, TOL);
  /* (1, 1, 3) + (1, 2, 1) → (1, 2, 3), both broadcast. */
  assert_shape (&bc->shape, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  lsc_test_assert_tensor_close (bc, (const float[]) { 110, 120, 130, 210, 220, 230 }, 6, TOL);
  /* Rank 2 (1, 3) against rank 3: Keras expands it to (1, 1, 3).
   * 1 - [1..6] = 0, -1, -2, -3, -4, -5 */
  assert_shape (&da->shape, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  lsc_test_assert_tensor_close (da, (const float[]) { 0, -1, -2, -3, -4, -5 }, 6, TOL);

  out = infer_ok (add, unknown, 2);
  assert_shape (&out, 3, (int64_t) -1, (int64_t) 2, (int64_t) 3);
  assert_infer_error (add, mismatch, 2, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_infer_error (add, batches, 2, LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_concatenate (void)
{
  const float va[] = { 1, 2, 3, 4 }, vb[] = { 5, 6 }, vc[] = { 7, 8 };
  g_autoptr(LscTensor) a = lsc_test_tensor_new (va, 3, (int64_t) 1, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) b = lsc_test_tensor_new (vb, 3, (int64_t) 1, (int64_t) 1, (int64_t) 2);
  g_autoptr(LscTensor) c = lsc_test_tensor_new (vc, 3, (int64_t) 1, (int64_t) 2, (int64_t) 1);
  /* Axis 1: rows [1, 2], [3, 4], then [5, 6]. */
  g_autoptr(LscTensor) ab = run_merge ("Concatenate", "'axis': 1", a, b, NULL);
  /* Axis -1: each row gets c's value appended: [1, 2, 7], [3, 4, 8]. */
  g_autoptr(LscTensor) ac = run_merge ("Concatenate", "'axis': -1", a, c, NULL);
  /* No axis: -1. Three inputs: [1, 2, 7, 1, 2], [3, 4, 8, 3, 4]. */
  g_autoptr(LscTensor) aca = run_merge ("Concatenate", "", a, c, a);
  g_autoptr(LscLayer) last = layer_new ("Concatenate", "'axis': -1", 3);
  g_autoptr(LscLayer) axis1 = layer_new ("Concatenate", "'axis': 1", 3);
  LscShape mismatch[] = { a->shape, b->shape };
  LscShape unknown[] = { S (3, (int64_t) -1, (int64_t) 2, (int64_t) -1),
                         S (3, (int64_t) -1, (int64_t) 3, (int64_t) 4) };
  LscShape ranks[] = { a->shape, S (2, (int64_t) 1, (int64_t) 2) };
  LscShape out;

  assert_shape (&ab->shape, 3, (int64_t) 1, (int64_t) 3, (int64_t) 2);
  lsc_test_assert_tensor_close (ab, (const float[]) { 1, 2, 3, 4, 5, 6 }, 6, TOL);
  assert_shape (&ac->shape, 3, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  lsc_test_assert_tensor_close (ac, (const float[]) { 1, 2, 7, 3, 4, 8 }, 6, TOL);
  assert_shape (&aca->shape, 3, (int64_t) 1, (int64_t) 2, (int64_t) 5);
  lsc_test_assert_tensor_close (aca, (const float[]) { 1, 2, 7, 1, 2, 3, 4, 8, 3, 4 }, 10, TOL);

  /* (1, 2, 2) and (1, 1, 2) differ on axis 1, so not on the last axis. */
  assert_infer_error (last, mismatch, 2, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_infer_error (last, ranks, 2, LSC_ENGINE_ERROR_BAD_SHAPE);
  /* Unknown sizes: the concatenated axis adds up, others take the known one. */
  out = infer_ok (axis1, unknown, 2);
  assert_shape (&out, 3, (int64_t) -1, (int64_t) 5, (int64_t) 4);
}

/* ---- Embedding --------------------------------------------------------- */

static void
test_embedding (void)
{
  /* table (4, 2): row i = [10 i, 10 i + 1] */
  const float table[] = { 0, 1, 10, 11, 20, 21, 30, 31 };
  /* ids 1, 3, 0, 2.7 (truncated to 2 like Keras's cast), 4 and 7 (out of
   * range: zeros), -1 (Keras 3 wraps to row 3; Keras 2: zeros), NaN, -0.5
   * (truncates to 0). */
  const float ids[] = { 1, 3, 0, 2.7f, 4, 7, -1, NAN, -0.5f };
  const float expected3[] = { 10, 11, 30, 31, 0, 1, 20, 21, 0, 0, 0, 0, 30, 31, 0, 0, 0, 1 };
  const float expected2[] = { 10, 11, 30, 31, 0, 1, 20, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (ids, 2, (int64_t) 1, (int64_t) 9);
  const LscTensor *inputs[] = { input };
  g_autoptr(LscLayer) k3 = layer_new ("Embedding", "'input_dim': 4, 'output_dim': 2, 'mask_zero': true", 3);
  g_autoptr(LscLayer) k2 = layer_new ("Embedding", "'input_dim': 4, 'output_dim': 2, 'input_length': 9", 2);
  g_autoptr(LscLayer) wrong = layer_new ("Embedding", "'input_dim': 5, 'output_dim': 2", 3);
  g_autoptr(LscTensor) out3 = NULL;
  g_autoptr(LscTensor) out2 = NULL;
  LscShape unknown = S (2, (int64_t) -1, (int64_t) -1);
  LscShape out;

  lsc_test_layer_add_weight (k3, table, 2, (int64_t) 4, (int64_t) 2);
  lsc_test_layer_add_weight (k2, table, 2, (int64_t) 4, (int64_t) 2);
  lsc_test_layer_add_weight (wrong, table, 2, (int64_t) 4, (int64_t) 2);

  out3 = lsc_test_layer_run (k3, inputs, 1);
  assert_shape (&out3->shape, 3, (int64_t) 1, (int64_t) 9, (int64_t) 2);
  lsc_test_assert_tensor_close (out3, expected3, 18, TOL);
  out2 = lsc_test_layer_run (k2, inputs, 1);
  lsc_test_assert_tensor_close (out2, expected2, 18, TOL);

  out = infer_ok (k3, &unknown, 1);
  assert_shape (&out, 3, (int64_t) -1, (int64_t) -1, (int64_t) 2);
  assert_infer_error (wrong, &unknown, 1, LSC_ENGINE_ERROR_BAD_WEIGHTS);
}

/* ---- Registry ---------------------------------------------------------- */

static void
test_registry (void)
{
  const char *classes[] = {
    "Dense", "BatchNormalization", "LayerNormalization", "Normalization", "Rescaling",
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Embedding",
  };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      const LscLayerOps *ops = lsc_layer_ops_lookup (classes[i]);

      g_assert_nonnull (ops);
      g_assert_cmpstr (ops->class_name, ==, classes[i]);
    }
  g_assert_true (lsc_layer_ops_lookup ("BatchNormalizationV1") == &lsc_layer_batch_normalization_ops);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layers-core/dense/3d", test_dense_3d);
  g_test_add_func ("/layers-core/dense/activation-no-bias", test_dense_activation_no_bias);
  g_test_add_func ("/layers-core/dense/errors", test_dense_errors);
  g_test_add_func ("/layers-core/batch-norm/last-axis", test_batch_norm_last_axis);
  g_test_add_func ("/layers-core/batch-norm/center-scale", test_batch_norm_center_scale);
  g_test_add_func ("/layers-core/batch-norm/other-axes", test_batch_norm_other_axes);
  g_test_add_func ("/layers-core/batch-norm/errors", test_batch_norm_errors);
  g_test_add_func ("/layers-core/layer-norm/last-axis", test_layer_norm_last_axis);
  g_test_add_func ("/layers-core/layer-norm/two-axes", test_layer_norm_two_axes);
  g_test_add_func ("/layers-core/layer-norm/rms-scaling", test_layer_norm_rms_scaling);
  g_test_add_func ("/layers-core/layer-norm/errors", test_layer_norm_errors);
  g_test_add_func ("/layers-core/normalization/weights", test_normalization_weights);
  g_test_add_func ("/layers-core/normalization/config", test_normalization_config);
  g_test_add_func ("/layers-core/normalization/errors", test_normalization_errors);
  g_test_add_func ("/layers-core/rescaling", test_rescaling);
  g_test_add_func ("/layers-core/relu/options", test_relu_options);
  g_test_add_func ("/layers-core/leaky-relu", test_leaky_relu);
  g_test_add_func ("/layers-core/prelu", test_prelu);
  g_test_add_func ("/layers-core/elu-thresholded", test_elu_thresholded);
  g_test_add_func ("/layers-core/softmax", test_softmax);
  g_test_add_func ("/layers-core/activation", test_activation_layer);
  g_test_add_func ("/layers-core/merge/elementwise", test_merge_elementwise);
  g_test_add_func ("/layers-core/merge/broadcast", test_merge_broadcast);
  g_test_add_func ("/layers-core/concatenate", test_concatenate);
  g_test_add_func ("/layers-core/embedding", test_embedding);
  g_test_add_func ("/layers-core/registry", test_registry);
  return g_test_run ();
}
