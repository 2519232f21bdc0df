/* Pooling, global pooling, zero padding / cropping, upsampling, Flatten,
 * Reshape and Permute against hand-computed values (arithmetic in the
 * comments) and, for the larger pooling cases, a naive loop written
 * independently here. Images are channels last: (batch, rows, cols, channels). */

#include <math.h>
#include <string.h>

#include "lsc-test-util.h"
#include "kernels/ref/lsc-ref-upsample.h"

/* SHAPE (1, 3, 3, 1): an LscShape from int literals (the compound literal
 * converts them to int64_t, which the varargs helpers would not). */
#define SHAPE(...) \
  shape_of ((const int64_t[]) { __VA_ARGS__ }, \
            (int) (sizeof ((const int64_t[]) { __VA_ARGS__ }) / sizeof (int64_t)))
#define UNK LSC_DIM_UNKNOWN

static LscShape
shape_of (const int64_t *dims,
          int            ndim)
{
  LscShape shape = { .ndim = ndim };

  memcpy (shape.dims, dims, (size_t) ndim * sizeof (int64_t));
  return shape;
}

static void
assert_shape (const LscShape *actual,
              LscShape        expected)
{
  if (!lsc_shape_equal (actual, &expected))
    {
      g_autofree char *a = lsc_shape_to_string (actual);
      g_autofree char *e = lsc_shape_to_string (&expected);
      g_error ("shape %s, expected %s", a, e);
    }
}

/* Builds the layer, runs it on one input of `shape` filled from `data`,
 * checks the output shape and values (to 1e-6 relative). */
static void
check_layer (const char  *json,
             LscShape     shape,
             const float *data,
             LscShape     expected_shape,
             const float *expected)
{
  g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
  g_autoptr(LscTensor) input = lsc_tensor_new_from_data (&shape, data);
  const LscTensor *inputs[] = { input };
  g_autoptr(LscTensor) output = lsc_test_layer_run (layer, inputs, 1);

  assert_shape (&output->shape, expected_shape);
  lsc_test_assert_tensor_close (output, expected, lsc_shape_numel (&expected_shape), 1e-6f);
}

static LscShape
infer_ok (const char *json,
          LscShape    input)
{
  g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
  g_autoptr(GError) error = NULL;
  LscShape output = { 0 };

  g_assert_true (layer->ops->infer (layer, &input, 1, &output, &error));
  g_assert_no_error (error);
  return output;
}

static void
expect_infer_error (const char *json,
                    LscShape    input,
                    int         code)
{
  g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
  g_autoptr(GError) error = NULL;
  LscShape output = { 0 };

  g_assert_false (layer->ops->infer (layer, &input, 1, &output, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, code);
}

static void
expect_parse_error (const char *json,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscLayer) layer = lsc_test_layer_try_new (json, 2, &error);

  g_assert_null (layer);
  g_assert_error (error, LSC_ENGINE_ERROR, code);
}

/* ---------------------------------------------------------------- pooling */

static void
test_max_pool_2d_valid (void)
{
  /* 4x4, pool 2, strides null (= pool size):
   *   1  2  3  4
   *   5  6  7  8        max of each 2x2 block:  6  8
   *   9 10 11 12                               14 16
   *  13 14 15 16 */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  const float y[] = { 6, 8, 14, 16 };

  check_layer ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [2, 2], \"strides\": null, \"padding\": \"valid\", "
               "\"data_format\": \"channels_last\"}}",
               SHAPE (1, 4, 4, 1), x, SHAPE (1, 2, 2, 1), y);
}

static void
test_max_pool_2d_same_odd (void)
{
  /* 3x3, pool 2, stride 2, same: out ceil(3/2) = 2, total padding
   * (2-1)*2 + 2 - 3 = 1, all of it after (bottom/right). Windows are rows
   * {0,1},{2} x cols {0,1},{2}. All values negative, so a zero-padded max
   * would give 0 at the border:
   *   -1 -2 -3
   *   -4 -5 -6     max(-1,-2,-4,-5) = -1   max(-3,-6) = -3
   *   -7 -8 -9     max(-7,-8)       = -7   max(-9)    = -9 */
  const float x[] = { -1, -2, -3, -4, -5, -6, -7, -8, -9 };
  const float y[] = { -1, -3, -7, -9 };

  check_layer ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"same\"}}",
               SHAPE (1, 3, 3, 1), x, SHAPE (1, 2, 2, 1), y);
}

static void
test_avg_pool_2d_same_odd (void)
{
  /* Same windows as above on 1..9; the divisor is the number of cells
   * inside the input:
   *   1 2 3
   *   4 5 6     (1+2+4+5)/4 = 3     (3+6)/2 = 4.5
   *   7 8 9     (7+8)/2     = 7.5   9/1     = 9
   * (dividing by 4 everywhere would give 3, 2.25, 3.75, 2.25). */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const float y[] = { 3, 4.5f, 7.5f, 9 };

  check_layer ("{\"class_name\": \"AveragePooling2D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"same\"}}",
               SHAPE (1, 3, 3, 1), x, SHAPE (1, 2, 2, 1), y);
}

static void
test_avg_pool_2d_same_channels (void)
{
  /* 2x2 image with 2 channels (c1 = 10 * c0), pool 3, stride 1, same:
   * out 2x2, total padding (2-1)*1 + 3 - 2 = 2, one before and one after,
   * so every window covers the whole 2x2 image: c0 (1+2+3+4)/4 = 2.5,
   * c1 25 everywhere. */
  const float x[] = { 1, 10, 2, 20, 3, 30, 4, 40 };
  const float y[] = { 2.5f, 25, 2.5f, 25, 2.5f, 25, 2.5f, 25 };

  check_layer ("{\"class_name\": \"AvgPool2D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": 3, \"strides\": 1, \"padding\": \"same\"}}",
               SHAPE (1, 2, 2, 2), x, SHAPE (1, 2, 2, 2), y);
}

static void
test_pool_1d_same_even (void)
{
  /* Length 4, pool 4, stride 1, same: out 4, total padding 3*1 + 4 - 4 = 3,
   * split 1 before, 2 after (TF: floor(3/2) before). Output i covers input
   * cells i-1 … i+2:
   *   i=0: {0,1,2}  i=1: {0,1,2,3}  i=2: {1,2,3}  i=3: {2,3}
   * avg of 1 2 3 4: 6/3 = 2, 10/4 = 2.5, 9/3 = 3, 7/2 = 3.5
   * (2 before, 1 after would give 1.5, 2, 2.5, 3).
   * max of 4 1 2 3: 4, 4, 3, 3 (2 before would give 4, 4, 4, 3). */
  const float x_avg[] = { 1, 2, 3, 4 };
  const float y_avg[] = { 2, 2.5f, 3, 3.5f };
  const float x_max[] = { 4, 1, 2, 3 };
  const float y_max[] = { 4, 4, 3, 3 };

  check_layer ("{\"class_name\": \"AveragePooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [4], \"strides\": [1], \"padding\": \"same\"}}",
               SHAPE (1, 4, 1), x_avg, SHAPE (1, 4, 1), y_avg);
  check_layer ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": 4, \"strides\": 1, \"padding\": \"same\"}}",
               SHAPE (1, 4, 1), x_max, SHAPE (1, 4, 1), y_max);
}

static void
test_pool_1d_strides (void)
{
  /* x = 1 5 2 0 3 7 4 (length 7). */
  const float x[] = { 1, 5, 2, 0, 3, 7, 4 };
  /* pool 3, stride 2, valid: out (7-3)/2 + 1 = 3, windows {0,1,2} {2,3,4} {4,5,6}:
   * max 5, 3, 7; avg 8/3, 5/3, 14/3. */
  const float max_3_2[] = { 5, 3, 7 };
  const float avg_3_2[] = { 8.0f / 3, 5.0f / 3, 14.0f / 3 };
  /* pool 2, stride 3 (stride > pool), valid: out (7-2)/3 + 1 = 2, windows
   * {0,1} {3,4}: avg 3, 1.5. */
  const float avg_2_3_valid[] = { 3, 1.5f };
  /* Same: out ceil(7/3) = 3, padding (3-1)*3 + 2 - 7 = 1, after: windows
   * {0,1} {3,4} {6}: avg 3, 1.5, 4/1 = 4. */
  const float avg_2_3_same[] = { 3, 1.5f, 4 };

  check_layer ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [3], \"strides\": [2], \"padding\": \"valid\"}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 3, 1), max_3_2);
  check_layer ("{\"class_name\": \"AvgPool1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": 3, \"strides\": 2}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 3, 1), avg_3_2);
  check_layer ("{\"class_name\": \"AveragePooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": 2, \"strides\": 3, \"padding\": \"valid\"}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 2, 1), avg_2_3_valid);
  check_layer ("{\"class_name\": \"AveragePooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": 2, \"strides\": 3, \"padding\": \"same\"}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 3, 1), avg_2_3_same);
}

static void
test_pool_keras1_config (void)
{
  /* Keras 1 wrote pool_length / stride / border_mode for 1-D pooling and
   * border_mode / dim_ordering for 2-D. Default pool 2 stride 2 on
   * 1 5 2 0 3 7 4 (valid): windows {0,1} {2,3} {4,5}: max 5, 2, 7. */
  const float x[] = { 1, 5, 2, 0, 3, 7, 4 };
  const float y_default[] = { 5, 2, 7 };
  /* pool_length 3, stride 2, border_mode same: out 4, padding
   * (4-1)*2 + 3 - 7 = 2, one before: windows {0,1} {1,2,3} {3,4,5} {5,6}:
   * max 5, 5, 7, 7. */
  const float y_same[] = { 5, 5, 7, 7 };
  /* 2-D, 3x3 of 1..9, pool 2 stride 1 valid: 2x2 of maxima 5 6 8 9. */
  const float x2[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const float y2[] = { 5, 6, 8, 9 };

  check_layer ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\"}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 3, 1), y_default);
  check_layer ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\", "
               "\"pool_length\": 3, \"stride\": 2, \"border_mode\": \"same\"}}",
               SHAPE (1, 7, 1), x, SHAPE (1, 4, 1), y_same);
  check_layer ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
               "\"pool_size\": [2, 2], \"strides\": [1, 1], \"border_mode\": \"valid\", "
               "\"dim_ordering\": \"tf\"}}",
               SHAPE (1, 3, 3, 1), x2, SHAPE (1, 2, 2, 1), y2);
}

/* Pooling written from the definition, independently of the kernels: for
 * each output cell, each window offset, skip offsets that fall in the
 * padding. */
static void
naive_pool_2d (const float *x,
               int          n,
               int          h,
               int          w,
               int          c,
               int          ph,
               int          pw,
               int          sh,
               int          sw,
               gboolean     same,
               gboolean     is_max,
               float       *y,
               int         *out_h,
               int         *out_w)
{
  int oh = same ? (h + sh - 1) / sh : (h - ph) / sh + 1;
  int ow = same ? (w + sw - 1) / sw : (w - pw) / sw + 1;
  int top = same ? MAX ((oh - 1) * sh + ph - h, 0) / 2 : 0;
  int left = same ? MAX ((ow - 1) * sw + pw - w, 0) / 2 : 0;

  for (int b = 0; b < n; b++)
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++)
        for (int ch = 0; ch < c; ch++)
          {
            double acc = is_max ? -1e30 : 0.0;
            int count = 0;

            for (int ky = 0; ky < ph; ky++)
              for (int kx = 0; kx < pw; kx++)
                {
                  int iy = oy * sh - top + ky;
                  int ix = ox * sw - left + kx;
                  double v;

                  if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                    continue;
                  v = x[((b * h + iy) * w + ix) * c + ch];
                  acc = is_max ? MAX (acc, v) : acc + v;
                  count++;
                }
            y[((b * oh + oy) * ow + ox) * c + ch] = (float) (is_max ? acc : acc / count);
          }
  *out_h = oh;
  *out_w = ow;
}

static void
test_pool_2d_naive (void)
{
  /* Batch 2, 7x6 images with 3 channels, pool (3, 2), strides (2, 3), both
   * paddings, both ops: odd and even sizes, strides unlike the pool. */
  const int n = 2, h = 7, w = 6, c = 3;
  float x[2 * 7 * 6 * 3];
  float expected[2 * 4 * 2 * 3];
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) g_rand_double_range (rand, -2.0, 2.0);

  for (int same = 0; same <= 1; same++)
    for (int is_max = 0; is_max <= 1; is_max++)
      {
        g_autofree char *json =
          g_strdup_printf ("{\"class_name\": \"%s\", \"config\": {\"name\": \"p\", "
                           "\"pool_size\": [3, 2], \"strides\": [2, 3], \"padding\": \"%s\"}}",
                           is_max ? "MaxPooling2D" : "AveragePooling2D",
                           same ? "same" : "valid");
        int oh, ow;

        naive_pool_2d (x, n, h, w, c, 3, 2, 2, 3, same, is_max, expected, &oh, &ow);
        /* valid: (7-3)/2+1 = 3 x (6-2)/3+1 = 2; same: ceil(7/2) = 4 x ceil(6/3) = 2 */
        g_assert_cmpint (oh, ==, same ? 4 : 3);
        g_assert_cmpint (ow, ==, 2);
        check_layer (json, SHAPE (n, h, w, c), x, SHAPE (n, oh, ow, c), expected);
      }
}

static void
test_pool_batch (void)
{
  /* Batch 2 of 2x2x1, pool 2: sample 0 max(1,2,3,4) = 4, sample 1
   * max(-1,-5,-2,-3) = -1; averages 2.5 and -2.75. */
  const float x[] = { 1, 2, 3, 4, -1, -5, -2, -3 };
  const float y_max[] = { 4, -1 };
  const float y_avg[] = { 2.5f, -2.75f };

  check_layer ("{\"class_name\": \"MaxPool2D\", \"config\": {\"name\": \"p\"}}",
               SHAPE (2, 2, 2, 1), x, SHAPE (2, 1, 1, 1), y_max);
  check_layer ("{\"class_name\": \"AveragePooling2D\", \"config\": {\"name\": \"p\"}}",
               SHAPE (2, 2, 2, 1), x, SHAPE (2, 1, 1, 1), y_avg);
}

static void
test_pool_shapes_and_errors (void)
{
  const char *max2d = "{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
                      "\"pool_size\": [2, 2], \"padding\": \"same\"}}";
  LscShape out;

  /* Unknown batch and rows stay unknown; cols ceil(5/2) = 3. */
  out = infer_ok (max2d, SHAPE (UNK, UNK, 5, 3));
  assert_shape (&out, SHAPE (UNK, UNK, 3, 3));
  /* A variable-length sequence. */
  out = infer_ok ("{\"class_name\": \"AveragePooling1D\", \"config\": {\"name\": \"p\"}}",
                  SHAPE (UNK, UNK, 8));
  assert_shape (&out, SHAPE (UNK, UNK, 8));

  /* Wrong rank. */
  expect_infer_error (max2d, SHAPE (1, 4, 4), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_infer_error ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\"}}",
                      SHAPE (1, 4, 4, 1), LSC_ENGINE_ERROR_BAD_SHAPE);
  /* Input shorter than the window with valid padding. */
  expect_infer_error ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
                      "\"pool_size\": 3}}", SHAPE (1, 2, 5, 1), LSC_ENGINE_ERROR_BAD_SHAPE);

  expect_parse_error ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
                      "\"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"AveragePooling2D\", \"config\": {\"name\": \"p\", "
                      "\"dim_ordering\": \"th\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"MaxPooling1D\", \"config\": {\"name\": \"p\", "
                      "\"padding\": \"causal\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
                      "\"pool_size\": [2, 0]}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\", "
                      "\"strides\": [1, 2, 3]}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG);
}

/* --------------------------------------------------------- global pooling */

static void
test_global_pool_2d (void)
{
  /* Batch 2, 2x2 images, 2 channels:
   *   sample 0: c0 = 1 2 3 4,     c1 = -1 -2 -3 -4
   *   sample 1: c0 = 0 8 0 0,     c1 = 5 5 5 6
   * mean: (2.5, -2.5), (2, 5.25); max: (4, -1), (8, 6). */
  const float x[] = { 1, -1, 2, -2, 3, -3, 4, -4,
                      0, 5, 8, 5, 0, 5, 0, 6 };
  const float avg[] = { 2.5f, -2.5f, 2, 5.25f };
  const float max[] = { 4, -1, 8, 6 };

  check_layer ("{\"class_name\": \"GlobalAveragePooling2D\", \"config\": {\"name\": \"g\", "
               "\"data_format\": \"channels_last\"}}",
               SHAPE (2, 2, 2, 2), x, SHAPE (2, 2), avg);
  check_layer ("{\"class_name\": \"GlobalAvgPool2D\", \"config\": {\"name\": \"g\", "
               "\"keepdims\": true}}",
               SHAPE (2, 2, 2, 2), x, SHAPE (2, 1, 1, 2), avg);
  check_layer ("{\"class_name\": \"GlobalMaxPooling2D\", \"config\": {\"name\": \"g\", "
               "\"keepdims\": false}}",
               SHAPE (2, 2, 2, 2), x, SHAPE (2, 2), max);
  check_layer ("{\"class_name\": \"GlobalMaxPool2D\", \"config\": {\"name\": \"g\", "
               "\"keepdims\": true}}",
               SHAPE (2, 2, 2, 2), x, SHAPE (2, 1, 1, 2), max);
}

static void
test_global_pool_1d (void)
{
  /* One sequence of 3 steps, 2 channels: c0 = 1 4 -2, c1 = -3 -1 -7:
   * mean (1, -11/3), max (4, -1). */
  const float x[] = { 1, -3, 4, -1, -2, -7 };
  const float avg[] = { 1, -11.0f / 3 };
  const float max[] = { 4, -1 };
  LscShape out;

  check_layer ("{\"class_name\": \"GlobalAveragePooling1D\", \"config\": {\"name\": \"g\"}}",
               SHAPE (1, 3, 2), x, SHAPE (1, 2), avg);
  check_layer ("{\"class_name\": \"GlobalAvgPool1D\", \"config\": {\"name\": \"g\", "
               "\"keepdims\": true}}",
               SHAPE (1, 3, 2), x, SHAPE (1, 1, 2), avg);
  check_layer ("{\"class_name\": \"GlobalMaxPooling1D\", \"config\": {\"name\": \"g\"}}",
               SHAPE (1, 3, 2), x, SHAPE (1, 2), max);
  check_layer ("{\"class_name\": \"GlobalMaxPool1D\", \"config\": {\"name\": \"g\", "
               "\"keepdims\": true}}",
               SHAPE (1, 3, 2), x, SHAPE (1, 1, 2), max);

  /* A variable-length sequence pools to a known width. */
  out = infer_ok ("{\"class_name\": \"GlobalAveragePooling1D\", \"config\": {\"name\": \"g\"}}",
                  SHAPE (UNK, UNK, 16));
  assert_shape (&out, SHAPE (UNK, 16));

  expect_infer_error ("{\"class_name\": \"GlobalAveragePooling1D\", \"config\": {\"name\": \"g\"}}",
                      SHAPE (1, 2, 2, 16), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_infer_error ("{\"class_name\": \"GlobalMaxPooling2D\", \"config\": {\"name\": \"g\"}}",
                      SHAPE (1, 2, 16), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_parse_error ("{\"class_name\": \"GlobalAveragePooling2D\", \"config\": {\"name\": \"g\", "
                      "\"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
}

/* ---------------------------------------------------- padding / cropping */

static void
test_zero_padding_1d (void)
{
  /* (1, 2, 2): steps (1, 2) and (3, 4). */
  const float x[] = { 1, 2, 3, 4 };
  /* Default padding 1 each side: 0 0 | 1 2 | 3 4 | 0 0. */
  const float y_default[] = { 0, 0, 1, 2, 3, 4, 0, 0 };
  /* (2, 1): two steps before, one after. */
  const float y_pair[] = { 0, 0, 0, 0, 1, 2, 3, 4, 0, 0 };
  /* Keras 1 dict: left_pad 0, right_pad 2. */
  const float y_dict[] = { 1, 2, 3, 4, 0, 0, 0, 0 };

  check_layer ("{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\"}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 4, 2), y_default);
  check_layer ("{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\", \"padding\": 1}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 4, 2), y_default);
  check_layer ("{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [2, 1]}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 5, 2), y_pair);
  check_layer ("{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\", "
               "\"padding\": {\"left_pad\": 0, \"right_pad\": 2}}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 4, 2), y_dict);
}

static void
test_zero_padding_2d (void)
{
  /* 2x2 image [[1, 2], [3, 4]], one channel. */
  const float x[] = { 1, 2, 3, 4 };
  /* padding 1: 4x4 with the image in the middle. */
  const float y_int[] = { 0, 0, 0, 0,
                          0, 1, 2, 0,
                          0, 3, 4, 0,
                          0, 0, 0, 0 };
  /* (1, 2): one row above and below, two columns left and right: 4x6. */
  const float y_sym[] = { 0, 0, 0, 0, 0, 0,
                          0, 0, 1, 2, 0, 0,
                          0, 0, 3, 4, 0, 0,
                          0, 0, 0, 0, 0, 0 };
  /* ((0, 1), (0, 1)) as MobileNet's Conv1_pad: one row below, one column
   * right: 3x3. */
  const float y_pairs[] = { 1, 2, 0,
                            3, 4, 0,
                            0, 0, 0 };
  /* ((2, 0), (1, 0)): two rows above, one column left: 4x3. */
  const float y_before[] = { 0, 0, 0,
                             0, 0, 0,
                             0, 1, 2,
                             0, 3, 4 };

  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", \"padding\": 1}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 4, 4, 1), y_int);
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\"}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 4, 4, 1), y_int);
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [1, 2]}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 4, 6, 1), y_sym);
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [[0, 1], [0, 1]], \"data_format\": \"channels_last\"}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 3, 3, 1), y_pairs);
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [[2, 0], [1, 0]]}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 4, 3, 1), y_before);
  /* Keras 1: (top, bottom, left, right) and the dict form. */
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [2, 0, 1, 0], \"dim_ordering\": \"tf\"}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 4, 3, 1), y_before);
  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": {\"bottom_pad\": 1, \"right_pad\": 1}}}",
               SHAPE (1, 2, 2, 1), x, SHAPE (1, 3, 3, 1), y_pairs);
}

static void
test_zero_padding_2d_batch_channels (void)
{
  /* Batch 2 of 1x1 images with 2 channels, padding ((0, 1), (1, 0)):
   * 2x2 images with the pixel at row 0, column 1. */
  const float x[] = { 1, 2, 3, 4 };
  const float y[] = { 0, 0, 1, 2, 0, 0, 0, 0,
                      0, 0, 3, 4, 0, 0, 0, 0 };
  LscShape out;

  check_layer ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
               "\"padding\": [[0, 1], [1, 0]]}}",
               SHAPE (2, 1, 1, 2), x, SHAPE (2, 2, 2, 2), y);

  out = infer_ok ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
                  "\"padding\": [[0, 1], [1, 2]]}}", SHAPE (UNK, UNK, 5, 3));
  assert_shape (&out, SHAPE (UNK, UNK, 8, 3));
}

static void
test_cropping_1d (void)
{
  /* Steps 1 2 3 4 5, one channel. */
  const float x[] = { 1, 2, 3, 4, 5 };
  const float y_default[] = { 2, 3, 4 };       /* default (1, 1) */
  const float y_int[] = { 3 };                 /* 2 each side */
  const float y_pair[] = { 1, 2 };             /* (0, 3) */

  check_layer ("{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"c\"}}",
               SHAPE (1, 5, 1), x, SHAPE (1, 3, 1), y_default);
  check_layer ("{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"c\", \"cropping\": 2}}",
               SHAPE (1, 5, 1), x, SHAPE (1, 1, 1), y_int);
  check_layer ("{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"c\", "
               "\"cropping\": [0, 3]}}",
               SHAPE (1, 5, 1), x, SHAPE (1, 2, 1), y_pair);
  /* 1 + 4 = 5 cells of 5: nothing left. */
  expect_infer_error ("{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"c\", "
                      "\"cropping\": [1, 4]}}", SHAPE (1, 5, 1), LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_cropping_2d (void)
{
  /* 3x4 image, one channel:
   *   1  2  3  4
   *   5  6  7  8
   *   9 10 11 12 */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  const float y_int[] = { 6, 7 };                   /* 1 on every side: 1x2 */
  const float y_sym[] = { 2, 3, 6, 7, 10, 11 };     /* (0, 1): 3x2 */
  const float y_pairs[] = { 6, 7, 8, 10, 11, 12 };  /* ((1, 0), (1, 0)): 2x3 */
  const float y_none[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };  /* default */
  LscShape out;

  check_layer ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", \"cropping\": 1}}",
               SHAPE (1, 3, 4, 1), x, SHAPE (1, 1, 2, 1), y_int);
  check_layer ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
               "\"cropping\": [0, 1]}}",
               SHAPE (1, 3, 4, 1), x, SHAPE (1, 3, 2, 1), y_sym);
  check_layer ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
               "\"cropping\": [[1, 0], [1, 0]]}}",
               SHAPE (1, 3, 4, 1), x, SHAPE (1, 2, 3, 1), y_pairs);
  check_layer ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\"}}",
               SHAPE (1, 3, 4, 1), x, SHAPE (1, 3, 4, 1), y_none);

  out = infer_ok ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
                  "\"cropping\": [[1, 1], [0, 2]]}}", SHAPE (UNK, 6, UNK, 4));
  assert_shape (&out, SHAPE (UNK, 4, UNK, 4));

  /* Rows: 2 + 1 = 3 of 3. */
  expect_infer_error ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
                      "\"cropping\": [[2, 1], [0, 0]]}}",
                      SHAPE (1, 3, 4, 1), LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_padding_errors (void)
{
  expect_parse_error ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
                      "\"padding\": [1, 2, 3]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"ZeroPadding1D\", \"config\": {\"name\": \"z\", "
                      "\"padding\": -1}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
                      "\"cropping\": [[1, 2], \"x\"]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\", "
                      "\"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"Cropping2D\", \"config\": {\"name\": \"c\", "
                      "\"dim_ordering\": \"th\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_infer_error ("{\"class_name\": \"ZeroPadding2D\", \"config\": {\"name\": \"z\"}}",
                      SHAPE (1, 4, 4), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_infer_error ("{\"class_name\": \"Cropping1D\", \"config\": {\"name\": \"c\"}}",
                      SHAPE (1, 4, 4, 1), LSC_ENGINE_ERROR_BAD_SHAPE);
}

/* ------------------------------------------------------------- upsampling */

static void
test_upsampling_1d (void)
{
  /* Steps (1, 2), (3, 4): each repeated 3 times. Keras 1's key is "length". */
  const float x[] = { 1, 2, 3, 4 };
  const float y3[] = { 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4 };
  const float y2[] = { 1, 2, 1, 2, 3, 4, 3, 4 };
  LscShape out;

  check_layer ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\", \"size\": 3}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 6, 2), y3);
  check_layer ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\"}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 4, 2), y2);
  check_layer ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\", \"length\": 2}}",
               SHAPE (1, 2, 2), x, SHAPE (1, 4, 2), y2);

  out = infer_ok ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\"}}",
                  SHAPE (UNK, UNK, 5));
  assert_shape (&out, SHAPE (UNK, UNK, 5));
}

static void
test_upsampling_2d_nearest (void)
{
  /* Batch 2 of [[1, 2], [3, 4]] and [[5, 6], [7, 8]], size (2, 3): each
   * cell becomes a 2x3 block. */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  const float y[] = { 1, 1, 1, 2, 2, 2,
                      1, 1, 1, 2, 2, 2,
                      3, 3, 3, 4, 4, 4,
                      3, 3, 3, 4, 4, 4,
                      5, 5, 5, 6, 6, 6,
                      5, 5, 5, 6, 6, 6,
                      7, 7, 7, 8, 8, 8,
                      7, 7, 7, 8, 8, 8 };
  /* Default size (2, 2), two channels: pixel (a, b) repeated in a 2x2 block. */
  const float x2[] = { 1, -1, 2, -2 };   /* 1x2 image */
  const float y2[] = { 1, -1, 1, -1, 2, -2, 2, -2,
                       1, -1, 1, -1, 2, -2, 2, -2 };

  check_layer ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
               "\"size\": [2, 3], \"interpolation\": \"nearest\", "
               "\"data_format\": \"channels_last\"}}",
               SHAPE (2, 2, 2, 1), x, SHAPE (2, 4, 6, 1), y);
  check_layer ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\"}}",
               SHAPE (1, 1, 2, 2), x2, SHAPE (1, 2, 4, 2), y2);
}

static void
test_upsampling_2d_bilinear (void)
{
  /* [[1, 2], [3, 8]] to 4x4 (size 2). tf.image.resize bilinear samples
   * output i at (i + 0.5) * 2/4 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to
   * the input: positions 0, 0.25, 0.75, 1 on both axes. The bilinear
   * surface through the corners is f(x, y) = 1 + x + 2y + 4xy:
   *   y = 0:     1 + x         → 1     1.25  1.75  2
   *   y = 0.25:  1.5 + 2x      → 1.5   2     3     3.5
   *   y = 0.75:  2.5 + 4x      → 2.5   3.5   5.5   6.5
   *   y = 1:     3 + 5x        → 3     4.25  6.75  8
   * Channel 1 holds -10 times channel 0; batch 2 repeats sample 0 + 1. */
  const float f[16] = { 1, 1.25f, 1.75f, 2,
                        1.5f, 2, 3, 3.5f,
                        2.5f, 3.5f, 5.5f, 6.5f,
                        3, 4.25f, 6.75f, 8 };
  const float corners[4] = { 1, 2, 3, 8 };
  float x[2 * 4 * 2];
  float y[2 * 16 * 2];

  for (int b = 0; b < 2; b++)
    {
      for (int i = 0; i < 4; i++)
        {
          x[(b * 4 + i) * 2] = corners[i] + b;
          x[(b * 4 + i) * 2 + 1] = -10 * (corners[i] + b);
        }
      /* Adding a constant commutes with interpolation. */
      for (int i = 0; i < 16; i++)
        {
          y[(b * 16 + i) * 2] = f[i] + b;
          y[(b * 16 + i) * 2 + 1] = -10 * (f[i] + b);
        }
    }

  check_layer ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
               "\"size\": [2, 2], \"interpolation\": \"bilinear\"}}",
               SHAPE (2, 2, 2, 2), x, SHAPE (2, 4, 4, 2), y);
}

static void
test_upsampling_2d_bilinear_factor3 (void)
{
  /* A 1x2 row [0, 3] with size (1, 3): columns sample (i + 0.5)/3 - 0.5 =
   * -1/3, 0, 1/3, 2/3, 1, 4/3 → clamped 0, 0, 1/3, 2/3, 1, 1, so
   * 0, 0, 1, 2, 3, 3; the single row samples (0 + 0.5) * 1 - 0.5 = 0. */
  const float x[] = { 0, 3 };
  const float y[] = { 0, 0, 1, 2, 3, 3 };

  check_layer ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
               "\"size\": [1, 3], \"interpolation\": \"bilinear\"}}",
               SHAPE (1, 1, 2, 1), x, SHAPE (1, 1, 6, 1), y);
}

static void
test_resize_bilinear_legacy (void)
{
  /* The kernel's TF 1 mode (no half-pixel centres) samples i * 2/4 =
   * 0, 0.5, 1, 1.5 → 0, 0.5, 1, 1 on [[1, 2], [3, 8]], f as above:
   *   y = 0:    1 + x   → 1    1.5  2  2
   *   y = 0.5:  2 + 3x  → 2    3.5  5  5
   *   y = 1:    3 + 5x  → 3    5.5  8  8   (twice) */
  const float x[] = { 1, 2, 3, 8 };
  const float expected[] = { 1, 1.5f, 2, 2,
                             2, 3.5f, 5, 5,
                             3, 5.5f, 8, 8,
                             3, 5.5f, 8, 8 };
  float y[16];

  lsc_ref_resize_bilinear (x, 1, 2, 2, 1, 4, 4, FALSE, y);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat_with_epsilon (y[i], expected[i], 1e-6f);
}

static void
test_upsampling_errors (void)
{
  LscShape out;

  out = infer_ok ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
                  "\"size\": [2, 3]}}", SHAPE (UNK, 4, UNK, 3));
  assert_shape (&out, SHAPE (UNK, 8, UNK, 3));

  expect_parse_error ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
                      "\"interpolation\": \"bicubic\"}}", LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\", "
                      "\"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\", "
                      "\"size\": 0}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_infer_error ("{\"class_name\": \"UpSampling2D\", \"config\": {\"name\": \"u\"}}",
                      SHAPE (1, 2, 2), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_infer_error ("{\"class_name\": \"UpSampling1D\", \"config\": {\"name\": \"u\"}}",
                      SHAPE (1, 2, 2, 2), LSC_ENGINE_ERROR_BAD_SHAPE);
}

/* ------------------------------------------------ Flatten, Reshape, Permute */

static void
test_flatten (void)
{
  /* Batch 2 of 2x1x2: channels last, the row-major data is already the
   * flattened order. */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  LscShape out;

  check_layer ("{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\", "
               "\"data_format\": \"channels_last\"}}",
               SHAPE (2, 2, 1, 2), x, SHAPE (2, 4), x);
  /* (batch,) becomes (batch, 1). */
  check_layer ("{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\"}}",
               SHAPE (2), x, SHAPE (2, 1), x);

  out = infer_ok ("{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\"}}",
                  SHAPE (UNK, 28, 28, 1));
  assert_shape (&out, SHAPE (UNK, 784));
  out = infer_ok ("{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\"}}",
                  SHAPE (UNK, UNK, 3));
  assert_shape (&out, SHAPE (UNK, UNK));

  expect_parse_error ("{\"class_name\": \"Flatten\", \"config\": {\"name\": \"f\", "
                      "\"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
}

static void
test_reshape (void)
{
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  LscShape out;

  /* Batch 2 of (2, 3) to (3, -1): -1 = 6 / 3 = 2. */
  check_layer ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
               "\"target_shape\": [3, -1]}}",
               SHAPE (2, 2, 3), x, SHAPE (2, 3, 2), x);
  /* As in mnist_cnn_bn_reshape: (784,) to (28, 28, 1). */
  out = infer_ok ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                  "\"target_shape\": [28, 28, 1]}}", SHAPE (UNK, 784));
  assert_shape (&out, SHAPE (UNK, 28, 28, 1));
  /* -1 first: 12 / (2 * 2) = 3. */
  out = infer_ok ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                  "\"target_shape\": [-1, 2, 2]}}", SHAPE (UNK, 3, 4));
  assert_shape (&out, SHAPE (UNK, 3, 2, 2));
  /* An unknown input dim leaves -1 unknown and the count unchecked. */
  out = infer_ok ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                  "\"target_shape\": [-1, 3]}}", SHAPE (UNK, UNK, 6));
  assert_shape (&out, SHAPE (UNK, UNK, 3));
  out = infer_ok ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                  "\"target_shape\": [2, 3]}}", SHAPE (UNK, UNK, 6));
  assert_shape (&out, SHAPE (UNK, 2, 3));

  /* 6 values per sample: not 4, and not a multiple of 4. */
  expect_infer_error ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                      "\"target_shape\": [4]}}", SHAPE (UNK, 2, 3), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_infer_error ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                      "\"target_shape\": [4, -1]}}", SHAPE (2, 2, 3), LSC_ENGINE_ERROR_BAD_SHAPE);
  expect_parse_error ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                      "\"target_shape\": [-1, -1]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\", "
                      "\"target_shape\": [0, 3]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"Reshape\", \"config\": {\"name\": \"r\"}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG);
}

static void
test_permute (void)
{
  /* Batch 2 of 2x3 matrices, dims (2, 1): transpose each to 3x2.
   *   [[1 2 3] [4 5 6]]      → [[1 4] [2 5] [3 6]]
   *   [[7 8 9] [10 11 12]]   → [[7 10] [8 11] [9 12]] */
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  const float y[] = { 1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12 };
  /* dims (1, 2) is the identity. */
  float x4[2 * 3 * 4];
  float y4[2 * 3 * 4];

  check_layer ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", \"dims\": [2, 1]}}",
               SHAPE (2, 2, 3), x, SHAPE (2, 3, 2), y);
  check_layer ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", \"dims\": [1, 2]}}",
               SHAPE (2, 2, 3), x, SHAPE (2, 2, 3), x);

  /* dims (3, 1, 2) on (1, 2, 3, 4): output (1, 4, 2, 3) with
   * out[0, c, h, w] = in[0, h, w, c]; in[h, w, c] = 100h + 10w + c. */
  for (int h = 0; h < 2; h++)
    for (int w = 0; w < 3; w++)
      for (int c = 0; c < 4; c++)
        {
          x4[(h * 3 + w) * 4 + c] = 100 * h + 10 * w + c;
          y4[(c * 2 + h) * 3 + w] = 100 * h + 10 * w + c;
        }
  check_layer ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", \"dims\": [3, 1, 2]}}",
               SHAPE (1, 2, 3, 4), x4, SHAPE (1, 4, 2, 3), y4);

  {
    LscShape out = infer_ok ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", "
                             "\"dims\": [2, 1]}}", SHAPE (UNK, UNK, 7));
    assert_shape (&out, SHAPE (UNK, 7, UNK));
  }

  expect_parse_error ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", "
                      "\"dims\": [1, 1]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", "
                      "\"dims\": [0, 1]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", "
                      "\"dims\": [1, 3]}}", LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_infer_error ("{\"class_name\": \"Permute\", \"config\": {\"name\": \"p\", "
                      "\"dims\": [2, 1]}}", SHAPE (1, 2, 3, 4), LSC_ENGINE_ERROR_BAD_SHAPE);
}

/* ---------------------------------------------------------------- registry */

static void
test_weights_rejected (void)
{
  /* These layers have no weights; a file that gives one is wrong. */
  g_autoptr(LscLayer) layer =
    lsc_test_layer_new ("{\"class_name\": \"MaxPooling2D\", \"config\": {\"name\": \"p\"}}", 2);
  g_autoptr(GError) error = NULL;
  const float w[] = { 1 };
  LscShape in = SHAPE (1, 4, 4, 1);
  LscShape out;

  lsc_test_layer_add_weight (layer, w, 1, (int64_t) 1);
  g_assert_false (layer->ops->infer (layer, &in, 1, &out, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_WEIGHTS);
}

static void
test_registry (void)
{
  static const struct {
    const char  *name;
    const char  *canonical;
    LscLayerKind kind;
  } rows[] = {
    { "MaxPooling1D", "MaxPooling1D", LSC_LAYER_KIND_POOL },
    { "MaxPool1D", "MaxPooling1D", LSC_LAYER_KIND_POOL },
    { "MaxPooling2D", "MaxPooling2D", LSC_LAYER_KIND_POOL },
    { "MaxPool2D", "MaxPooling2D", LSC_LAYER_KIND_POOL },
    { "AveragePooling1D", "AveragePooling1D", LSC_LAYER_KIND_POOL },
    { "AvgPool1D", "AveragePooling1D", LSC_LAYER_KIND_POOL },
    { "AveragePooling2D", "AveragePooling2D", LSC_LAYER_KIND_POOL },
    { "AvgPool2D", "AveragePooling2D", LSC_LAYER_KIND_POOL },
    { "GlobalMaxPooling1D", "GlobalMaxPooling1D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalMaxPool1D", "GlobalMaxPooling1D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalMaxPooling2D", "GlobalMaxPooling2D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalMaxPool2D", "GlobalMaxPooling2D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalAveragePooling1D", "GlobalAveragePooling1D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalAvgPool1D", "GlobalAveragePooling1D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalAveragePooling2D", "GlobalAveragePooling2D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "GlobalAvgPool2D", "GlobalAveragePooling2D", LSC_LAYER_KIND_GLOBAL_POOL },
    { "ZeroPadding1D", "ZeroPadding1D", LSC_LAYER_KIND_PADDING },
    { "ZeroPadding2D", "ZeroPadding2D", LSC_LAYER_KIND_PADDING },
    { "Cropping1D", "Cropping1D", LSC_LAYER_KIND_PADDING },
    { "Cropping2D", "Cropping2D", LSC_LAYER_KIND_PADDING },
    { "UpSampling1D", "UpSampling1D", LSC_LAYER_KIND_UPSAMPLING },
    { "UpSampling2D", "UpSampling2D", LSC_LAYER_KIND_UPSAMPLING },
    { "Flatten", "Flatten", LSC_LAYER_KIND_RESHAPE },
    { "Reshape", "Reshape", LSC_LAYER_KIND_RESHAPE },
    { "Permute", "Permute", LSC_LAYER_KIND_RESHAPE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const LscLayerOps *ops = lsc_layer_ops_lookup (rows[i].name);

      g_assert_nonnull (ops);
      g_assert_cmpstr (ops->class_name, ==, rows[i].canonical);
      g_assert_cmpint (ops->kind, ==, rows[i].kind);
      g_assert_nonnull (ops->parse);
      g_assert_nonnull (ops->infer);
      g_assert_nonnull (ops->run);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layers/spatial/pool/max-2d-valid", test_max_pool_2d_valid);
  g_test_add_func ("/layers/spatial/pool/max-2d-same-odd", test_max_pool_2d_same_odd);
  g_test_add_func ("/layers/spatial/pool/avg-2d-same-odd", test_avg_pool_2d_same_odd);
  g_test_add_func ("/layers/spatial/pool/avg-2d-same-channels", test_avg_pool_2d_same_channels);
  g_test_add_func ("/layers/spatial/pool/1d-same-even", test_pool_1d_same_even);
  g_test_add_func ("/layers/spatial/pool/1d-strides", test_pool_1d_strides);
  g_test_add_func ("/layers/spatial/pool/keras1-config", test_pool_keras1_config);
  g_test_add_func ("/layers/spatial/pool/2d-naive", test_pool_2d_naive);
  g_test_add_func ("/layers/spatial/pool/batch", test_pool_batch);
  g_test_add_func ("/layers/spatial/pool/shapes-errors", test_pool_shapes_and_errors);
  g_test_add_func ("/layers/spatial/global-pool/2d", test_global_pool_2d);
  g_test_add_func ("/layers/spatial/global-pool/1d", test_global_pool_1d);
  g_test_add_func ("/layers/spatial/padding/zero-1d", test_zero_padding_1d);
  g_test_add_func ("/layers/spatial/padding/zero-2d", test_zero_padding_2d);
  g_test_add_func ("/layers/spatial/padding/zero-2d-batch", test_zero_padding_2d_batch_channels);
  g_test_add_func ("/layers/spatial/padding/crop-1d", test_cropping_1d);
  g_test_add_func ("/layers/spatial/padding/crop-2d", test_cropping_2d);
  g_test_add_func ("/layers/spatial/padding/errors", test_padding_errors);
  g_test_add_func ("/layers/spatial/upsampling/1d", test_upsampling_1d);
  g_test_add_func ("/layers/spatial/upsampling/2d-nearest", test_upsampling_2d_nearest);
  g_test_add_func ("/layers/spatial/upsampling/2d-bilinear", test_upsampling_2d_bilinear);
  g_test_add_func ("/layers/spatial/upsampling/2d-bilinear-factor3", test_upsampling_2d_bilinear_factor3);
  g_test_add_func ("/layers/spatial/upsampling/resize-bilinear-legacy", test_resize_bilinear_legacy);
  g_test_add_func ("/layers/spatial/upsampling/errors", test_upsampling_errors);
  g_test_add_func ("/layers/spatial/reshape/flatten", test_flatten);
  g_test_add_func ("/layers/spatial/reshape/reshape", test_reshape);
  g_test_add_func ("/layers/spatial/reshape/permute", test_permute);
  g_test_add_func ("/layers/spatial/weights-rejected", test_weights_rejected);
  g_test_add_func ("/layers/spatial/registry", test_registry);

  return g_test_run ();
}
