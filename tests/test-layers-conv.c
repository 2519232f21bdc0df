/* The convolution family: Conv1D/2D, Conv1D/2DTranspose, DepthwiseConv1D/2D,
 * SeparableConv1D/2D. Small cases against values worked out by hand (the
 * arithmetic is in the comments), larger random cases against naive loops
 * written here independently of engine/kernels/ref (explicitly padded
 * input, gather-form transposed convolution), and the error paths. */

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "lsc-test-util.h"
#include "layers/lsc-layer-conv.h"
#include "layers/lsc-layer-conv-transpose.h"
#include "layers/lsc-layer-registry.h"

#define TOL 1e-5f

/* ---- Helpers ------------------------------------------------------------ */

static LscTensor *
run1 (LscLayer        *layer,
      const LscTensor *input)
{
  const LscTensor *inputs[1] = { input };

  return lsc_test_layer_run (layer, inputs, 1);
}

static void
assert_shape (const LscTensor *tensor,
              int              ndim,
              ...)
{
  va_list ap;

  g_assert_cmpint (tensor->shape.ndim, ==, ndim);
  va_start (ap, ndim);
  for (int i = 0; i < ndim; i++)
    g_assert_cmpint (tensor->shape.dims[i], ==, va_arg (ap, int64_t));
  va_end (ap);
}

/* Runs infer and asserts it fails with `code`. */
static void
assert_infer_fails (LscLayer       *layer,
                    const LscShape *input,
                    int             code)
{
  g_autoptr(GError) error = NULL;
  LscShape output;

  if (layer->ops->attach_weights != NULL)
    g_assert_true (layer->ops->attach_weights (layer, NULL));
  g_assert_false (layer->ops->infer (layer, input, 1, &output, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, code);
}

static void
assert_parse_fails (const char *json,
                    int         code,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  LscLayer *layer = lsc_test_layer_try_new (json, 2, &error);

  g_assert_null (layer);
  g_assert_error (error, LSC_ENGINE_ERROR, code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("error “%s” does not mention “%s”", error->message, message_part);
}

static float *
random_floats (GRand  *rand,
               int64_t n)
{
  float *data = g_new (float, n);

  for (int64_t i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  return data;
}

static int64_t
ceil_div (int64_t a,
          int64_t b)
{
  return (a + b - 1) / b;
}

/* ---- Naive loops, independent of the engine -------------------------------
 * Forward convolutions: build the zero-padded input explicitly with Keras's
 * rules, then slide a valid window over it. */

typedef struct
{
  int64_t kernel, stride, dilation;
  const char *padding;   /* "valid", "same", "causal" */
} Axis;

/* Keras output length and TF's padding for one axis. */
static void
axis_plan (const Axis *axis,
           int64_t     in,
           int64_t    *out,
           int64_t    *before,
           int64_t    *after)
{
  int64_t eff = (axis->kernel - 1) * axis->dilation + 1;

  if (g_str_equal (axis->padding, "valid"))
    {
      *out = ceil_div (in - eff + 1, axis->stride);
      *before = *after = 0;
    }
  else if (g_str_equal (axis->padding, "same"))
    {
      int64_t total;

      *out = ceil_div (in, axis->stride);
      total = MAX ((*out - 1) * axis->stride + eff - in, 0);
      *before = total / 2;
      *after = total - *before;
    }
  else /* causal */
    {
      *out = ceil_div (in, axis->stride);
      *before = eff - 1;
      *after = 0;
    }
}

/* Grouped conv on NHWC; kernel (kh, kw, cin / groups, cout). Returns the
 * output (caller frees) and its size. */
static float *
naive_conv2d (const float *x,
              int64_t      batch,
              int64_t      h,
              int64_t      w,
              int64_t      cin,
              const float *kernel,
              const float *bias,
              int64_t      cout,
              int64_t      groups,
              const Axis  *ay,
              const Axis  *ax,
              int64_t     *out_h,
              int64_t     *out_w)
{
  int64_t top, bottom, left, right, ph, pw, oh, ow;
  int64_t cin_g = cin / groups, cout_g = cout / groups;
  g_autofree float *padded = NULL;
  float *out;

  axis_plan (ay, h, &oh, &top, &bottom);
  axis_plan (ax, w, &ow, &left, &right);
  ph = h + top + bottom;
  pw = w + left + right;

  padded = g_new0 (float, batch * ph * pw * cin);
  for (int64_t n = 0; n < batch; n++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t xx = 0; xx < w; xx++)
        memcpy (&padded[((n * ph + y + top) * pw + xx + left) * cin],
                &x[((n * h + y) * w + xx) * cin], cin * sizeof (float));

  out = g_new0 (float, batch * oh * ow * cout);
  for (int64_t n = 0; n < batch; n++)
    for (int64_t g = 0; g < groups; g++)
      for (int64_t oc = 0; oc < cout_g; oc++)
        for (int64_t oy = 0; oy < oh; oy++)
          for (int64_t ox = 0; ox < ow; ox++)
            {
              int64_t o = g * cout_g + oc;
              double sum = 0.0;

              for (int64_t ic = 0; ic < cin_g; ic++)
                for (int64_t ky = 0; ky < ay->kernel; ky++)
                  for (int64_t kx = 0; kx < ax->kernel; kx++)
                    {
                      int64_t py = oy * ay->stride + ky * ay->dilation;
                      int64_t px = ox * ax->stride + kx * ax->dilation;

                      sum += (double) padded[((n * ph + py) * pw + px) * cin + g * cin_g + ic] *
                             kernel[((ky * ax->kernel + kx) * cin_g + ic) * cout + o];
                    }
              out[((n * oh + oy) * ow + ox) * cout + o] = (float) (sum + (bias ? bias[o] : 0.0));
            }
  *out_h = oh;
  *out_w = ow;
  return out;
}

/* Transposed conv, gather form: output position p receives in[i] *
 * kernel[k] for every i, k with i * stride + k * dilation = p + crop, where
 * the output length and crop come from Keras's deconv_output_length and
 * TF's SAME rule. kernel (kh, kw, cout, cin). */
static void
transpose_axis_plan (const Axis *axis,
                     int64_t     in,
                     int64_t     output_padding,   /* -1: none */
                     int64_t    *out,
                     int64_t    *crop)
{
  int64_t eff = (axis->kernel - 1) * axis->dilation + 1;
  gboolean same = g_str_equal (axis->padding, "same");

  if (output_padding < 0)
    *out = same ? in * axis->stride : in * axis->stride + MAX (eff - axis->stride, 0);
  else
    *out = (in - 1) * axis->stride + eff - 2 * (same ? eff / 2 : 0) + output_padding;
  *crop = same ? MAX (0, (in - 1) * axis->stride + eff - *out) / 2 : 0;
}

static float *
naive_conv2d_transpose (const float *x,
                        int64_t      batch,
                        int64_t      h,
                        int64_t      w,
                        int64_t      cin,
                        const float *kernel,
                        const float *bias,
                        int64_t      cout,
                        const Axis  *ay,
                        const Axis  *ax,
                        int64_t      op_h,
                        int64_t      op_w,
                        int64_t     *out_h,
                        int64_t     *out_w)
{
  int64_t oh, ow, crop_y, crop_x;
  float *out;

  transpose_axis_plan (ay, h, op_h, &oh, &crop_y);
  transpose_axis_plan (ax, w, op_w, &ow, &crop_x);
  out = g_new0 (float, batch * oh * ow * cout);

  for (int64_t n = 0; n < batch; n++)
    for (int64_t oy = 0; oy < oh; oy++)
      for (int64_t ox = 0; ox < ow; ox++)
        for (int64_t o = 0; o < cout; o++)
          {
            double sum = bias ? bias[o] : 0.0;

            for (int64_t ky = 0; ky < ay->kernel; ky++)
              for (int64_t kx = 0; kx < ax->kernel; kx++)
                {
                  int64_t ty = oy + crop_y - ky * ay->dilation;
                  int64_t tx = ox + crop_x - kx * ax->dilation;
                  int64_t iy, ix;

                  if (ty < 0 || tx < 0 || ty % ay->stride != 0 || tx % ax->stride != 0)
                    continue;
                  iy = ty / ay->stride;
                  ix = tx / ax->stride;
                  if (iy >= h || ix >= w)
                    continue;
                  for (int64_t c = 0; c < cin; c++)
                    sum += (double) x[((n * h + iy) * w + ix) * cin + c] *
                           kernel[((ky * ax->kernel + kx) * cout + o) * cin + c];
                }
            out[((n * oh + oy) * ow + ox) * cout + o] = (float) sum;
          }
  *out_h = oh;
  *out_w = ow;
  return out;
}

/* ---- Conv1D hand-computed ------------------------------------------------ */

static void
test_conv1d_valid (void)
{
  /* x = [1 2 3 4], kernel (2, 1, 1) = [2 1], bias 0.5:
   * y[t] = 2 x[t] + x[t+1] + 0.5 = [2+2, 4+3, 6+4] + 0.5 = [4.5 7.5 10.5] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [2], \"strides\": [1], \"padding\": \"valid\", \"use_bias\": true,"
    " \"activation\": \"linear\", \"data_format\": \"channels_last\"}}", 2);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 2, 1 };
  const float b[] = { 0.5f };
  const float expected[] = { 4.5f, 7.5f, 10.5f };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 4, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  lsc_test_layer_add_weight (layer, b, 1, (int64_t) 1);
  out = run1 (layer, in);
  assert_shape (out, 3, (int64_t) 1, (int64_t) 3, (int64_t) 1);
  lsc_test_assert_tensor_close (out, expected, 3, TOL);
}

static void
test_conv1d_same_even_kernel (void)
{
  /* in 4, kernel 2, same: out 4, total padding (4-1)*1 + 2 - 4 = 1, all of it
   * AFTER (TF: floor(1/2) = 0 before). kernel [2 1], no bias:
   * y = [2*1+2, 2*2+3, 2*3+4, 2*4+0] = [4 7 10 8]
   * (padding before would give y[0] = 0*2 + 1 = 1.) */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": 2, \"padding\": \"same\", \"use_bias\": false}}", 3);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 2, 1 };
  const float expected[] = { 4, 7, 10, 8 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 4, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_conv1d_same_stride2 (void)
{
  const char *json =
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [3], \"strides\": [2], \"padding\": \"same\", \"use_bias\": false}}";
  const float k[] = { 1, 10, 100 };

  /* Odd input 5, kernel 3, stride 2: out ceil(5/2) = 3, total (3-1)*2 + 3 - 5
   * = 2 → 1 before, 1 after. y[o] = x[2o-1] + 10 x[2o] + 100 x[2o+1]:
   * y0 = 0 + 10 + 200 = 210, y1 = 2 + 30 + 400 = 432, y2 = 4 + 50 + 0 = 54 */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    const float x[] = { 1, 2, 3, 4, 5 };
    const float expected[] = { 210, 432, 54 };
    g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 5, (int64_t) 1);
    g_autoptr(LscTensor) out = NULL;

    lsc_test_layer_add_weight (layer, k, 3, (int64_t) 3, (int64_t) 1, (int64_t) 1);
    out = run1 (layer, in);
    lsc_test_assert_tensor_close (out, expected, 3, TOL);
  }

  /* Even input 6: out 3, total (3-1)*2 + 3 - 6 = 1 → 0 before, 1 after.
   * y[o] = x[2o] + 10 x[2o+1] + 100 x[2o+2]:
   * y0 = 1 + 20 + 300 = 321, y1 = 3 + 40 + 500 = 543, y2 = 5 + 60 + 0 = 65 */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    const float x[] = { 1, 2, 3, 4, 5, 6 };
    const float expected[] = { 321, 543, 65 };
    g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 6, (int64_t) 1);
    g_autoptr(LscTensor) out = NULL;

    lsc_test_layer_add_weight (layer, k, 3, (int64_t) 3, (int64_t) 1, (int64_t) 1);
    out = run1 (layer, in);
    lsc_test_assert_tensor_close (out, expected, 3, TOL);
  }
}

static void
test_conv1d_causal_dilated (void)
{
  /* Causal, kernel 2, dilation 2: effective kernel 3, 2 zeros before.
   * y[t] = 1 x[t-2] + 10 x[t]: x = [1 2 3 4] → [10, 20, 1+30, 2+40] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [2], \"dilation_rate\": [2], \"padding\": \"causal\","
    " \"use_bias\": false}}", 2);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 1, 10 };
  const float expected[] = { 10, 20, 31, 42 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 4, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  assert_shape (out, 3, (int64_t) 1, (int64_t) 4, (int64_t) 1);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_conv1d_dilated_valid (void)
{
  /* Valid, kernel 2, dilation 2: in 5 → out 5 - 3 + 1 = 3.
   * y[t] = x[t] + 10 x[t+2] = [1+30, 2+40, 3+50] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [2], \"dilation_rate\": 2, \"use_bias\": false}}", 2);
  const float x[] = { 1, 2, 3, 4, 5 };
  const float k[] = { 1, 10 };
  const float expected[] = { 31, 42, 53 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 5, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 3, TOL);
}

/* ---- Conv2D hand-computed ------------------------------------------------ */

static void
test_conv2d_valid_bias_relu (void)
{
  /* x (3x3x1) = [[1 2 3] [4 5 6] [7 8 9]], 2x2 kernel, 2 filters:
   *   filter 0 = [[1 0] [0 1]]  → x[y,x] + x[y+1,x+1]
   *   filter 1 = [[0 1] [-1 0]] → x[y,x+1] - x[y+1,x]
   * bias [0.5, -1], then relu:
   *   (0,0): 1+5+0.5 = 6.5,  2-4-1 = -3 → 0
   *   (0,1): 2+6+0.5 = 8.5,  3-5-1 = -3 → 0
   *   (1,0): 4+8+0.5 = 12.5, 5-7-1 = -3 → 0
   *   (1,1): 5+9+0.5 = 14.5, 6-8-1 = -3 → 0
   * Kernel (kh, kw, cin, cout) flat: (ky*2+kx)*2 + o. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2,"
    " \"kernel_size\": [2, 2], \"strides\": [1, 1], \"padding\": \"valid\","
    " \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"relu\", \"use_bias\": true}}", 2);
  const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const float k[] = { 1, 0,   0, 1,   0, -1,   1, 0 };
  const float b[] = { 0.5f, -1 };
  const float expected[] = { 6.5f, 0, 8.5f, 0, 12.5f, 0, 14.5f, 0 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 3, (int64_t) 3, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 1, (int64_t) 2);
  lsc_test_layer_add_weight (layer, b, 1, (int64_t) 2);
  out = run1 (layer, in);
  assert_shape (out, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  lsc_test_assert_tensor_close (out, expected, 8, TOL);
}

static void
test_conv2d_same_even (void)
{
  /* x (2x2) = [[1 2] [3 4]], 2x2 all-ones kernel, same: total padding 1 per
   * axis, after (bottom / right). y[i,j] = sum of the 2x2 window at (i,j):
   * [[1+2+3+4, 2+4] [3+4, 4]] = [[10 6] [7 4]] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": 2, \"padding\": \"same\", \"use_bias\": false}}", 2);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 1, 1, 1, 1 };
  const float expected[] = { 10, 6, 7, 4 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_conv2d_stride2 (void)
{
  /* x (4x4) = 0..15 row-major, 2x2 ones, stride 2, valid → sums of blocks:
   * [[0+1+4+5, 2+3+6+7] [8+9+12+13, 10+11+14+15]] = [[10 18] [42 50]] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [2, 2], \"strides\": [2, 2], \"use_bias\": false}}", 3);
  float x[16];
  const float k[] = { 1, 1, 1, 1 };
  const float expected[] = { 10, 18, 42, 50 };
  g_autoptr(LscTensor) in = NULL;
  g_autoptr(LscTensor) out = NULL;

  for (int i = 0; i < 16; i++)
    x[i] = (float) i;
  in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 4, (int64_t) 4, (int64_t) 1);
  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  assert_shape (out, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 1);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_conv2d_groups (void)
{
  /* 1x1 input with 4 channels x = [1 2 3 4], 1x1 kernel, groups 2, 4
   * filters: kernel (1, 1, 2, 4), w[c][o] rows c=0: [1 10 100 1000],
   * c=1: [2 20 200 2000]. Filters 0,1 (group 0) see channels 0,1; filters
   * 2,3 (group 1) see channels 2,3 through the same two kernel rows:
   *   y0 = 1*1 + 2*2 = 5          y1 = 1*10 + 2*20 = 50
   *   y2 = 3*100 + 4*200 = 1100   y3 = 3*1000 + 4*2000 = 11000 */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 4,"
    " \"kernel_size\": [1, 1], \"groups\": 2, \"use_bias\": false}}", 3);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 1, 10, 100, 1000, 2, 20, 200, 2000 };
  const float expected[] = { 5, 50, 1100, 11000 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 4);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 1, (int64_t) 1, (int64_t) 2, (int64_t) 4);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_conv2d_1x1_input_same (void)
{
  /* 1x1 input, 3x3 kernel, same: total padding 2 per axis, 1 before, so only
   * the centre tap sees the pixel: y = 2 * w[1][1] + bias = 2 * 5 + 1 = 11,
   * for a batch of 2 (x = 2, then x = -1 → -5 + 1 = -4). */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [3, 3], \"padding\": \"same\", \"use_bias\": true}}", 2);
  const float x[] = { 2, -1 };
  const float k[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const float b[] = { 1 };
  const float expected[] = { 11, -4 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 2, (int64_t) 1, (int64_t) 1, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 1);
  lsc_test_layer_add_weight (layer, b, 1, (int64_t) 1);
  out = run1 (layer, in);
  assert_shape (out, 4, (int64_t) 2, (int64_t) 1, (int64_t) 1, (int64_t) 1);
  lsc_test_assert_tensor_close (out, expected, 2, TOL);
}

static void
test_conv2d_softmax_over_channels (void)
{
  /* 1x1 input x = 1, 1x1 kernel to 2 filters [0, ln 3]: logits [0, ln 3],
   * softmax over the channels = [1/4, 3/4]. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 2,"
    " \"kernel_size\": 1, \"activation\": \"softmax\", \"use_bias\": false}}", 2);
  const float x[] = { 1 };
  const float k[] = { 0, 1.0986122887f /* ln 3 */ };
  const float expected[] = { 0.25f, 0.75f };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 2);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 2, TOL);
}

/* ---- Transposed convolutions, hand-computed -------------------------------- */

static LscTensor *
run_conv1d_transpose (const char  *config,
                      const float *x,
                      int64_t      steps,
                      const float *kernel,
                      int64_t      kernel_size,
                      const float *bias)
{
  g_autofree char *json = g_strdup_printf (
    "{\"class_name\": \"Conv1DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
    " \"kernel_size\": %" G_GINT64_FORMAT ", \"use_bias\": %s, %s}}",
    (gint64) kernel_size, bias ? "true" : "false", config);
  g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, steps, (int64_t) 1);

  lsc_test_layer_add_weight (layer, kernel, 3, kernel_size, (int64_t) 1, (int64_t) 1);
  if (bias != NULL)
    lsc_test_layer_add_weight (layer, bias, 1, (int64_t) 1);
  return run1 (layer, in);
}

static void
test_conv1d_transpose_hand (void)
{
  const float x[] = { 1, 2, 3 };
  const float k3[] = { 1, 10, 100 };
  const float k4[] = { 1, 10, 100, 1000 };

  /* Stride 2, kernel 3: the full transposed result full[2i + k] += x[i] k[k]
   * has (3-1)*2 + 3 = 7 steps:
   *   full = [1, 10, 100+2, 20, 200+3, 30, 300]
   * same: out 3*2 = 6, crop max(0, 4 + 3 - 6)/2 = 0 before (1 after):
   *   [1 10 102 20 203 30] */
  {
    const float expected[] = { 1, 10, 102, 20, 203, 30 };
    g_autoptr(LscTensor) out = run_conv1d_transpose ("\"strides\": 2, \"padding\": \"same\"",
                                                     x, 3, k3, 3, NULL);
    assert_shape (out, 3, (int64_t) 1, (int64_t) 6, (int64_t) 1);
    lsc_test_assert_tensor_close (out, expected, 6, TOL);
  }

  /* valid: out 3*2 + max(3-2, 0) = 7, the whole of full, plus bias 0.5 */
  {
    const float b[] = { 0.5f };
    const float expected[] = { 1.5f, 10.5f, 102.5f, 20.5f, 203.5f, 30.5f, 300.5f };
    g_autoptr(LscTensor) out = run_conv1d_transpose ("\"strides\": [2], \"padding\": \"valid\"",
                                                     x, 3, k3, 3, b);
    lsc_test_assert_tensor_close (out, expected, 7, TOL);
  }

  /* valid with output_padding 1: out (3-1)*2 + 3 + 1 = 8; the last step
   * gets no product, only the bias: [… 300.5, 0.5] */
  {
    const float b[] = { 0.5f };
    const float expected[] = { 1.5f, 10.5f, 102.5f, 20.5f, 203.5f, 30.5f, 300.5f, 0.5f };
    g_autoptr(LscTensor) out = run_conv1d_transpose (
      "\"strides\": [2], \"padding\": \"valid\", \"output_padding\": [1]", x, 3, k3, 3, b);
    lsc_test_assert_tensor_close (out, expected, 8, TOL);
  }

  /* Kernel 4, stride 2: full[2i + k] has (3-1)*2 + 4 = 8 steps:
   *   full = [1, 10, 100+2, 1000+20, 200+3, 2000+30, 300, 3000]
   * same: out 6, crop max(0, 4 + 4 - 6)/2 = 1 before (and 1 after):
   *   [10 102 1020 203 2030 300] */
  {
    const float expected[] = { 10, 102, 1020, 203, 2030, 300 };
    g_autoptr(LscTensor) out = run_conv1d_transpose ("\"strides\": 2, \"padding\": \"same\"",
                                                     x, 3, k4, 4, NULL);
    lsc_test_assert_tensor_close (out, expected, 6, TOL);
  }

  /* same with output_padding 1: out (3-1)*2 + 4%2 + 1 = 5,
   * crop max(0, 4 + 4 - 5)/2 = 1: full[1..5] = [10 102 1020 203 2030] */
  {
    const float expected[] = { 10, 102, 1020, 203, 2030 };
    g_autoptr(LscTensor) out = run_conv1d_transpose (
      "\"strides\": 2, \"padding\": \"same\", \"output_padding\": 1", x, 3, k4, 4, NULL);
    assert_shape (out, 3, (int64_t) 1, (int64_t) 5, (int64_t) 1);
    lsc_test_assert_tensor_close (out, expected, 5, TOL);
  }

  /* Kernel 1 < stride 2, valid: out 3*2 + max(1-2, 0) = 6, the odd steps
   * get nothing: 2 x = [2 0 4 0 6 0] */
  {
    const float k1[] = { 2 };
    const float expected[] = { 2, 0, 4, 0, 6, 0 };
    g_autoptr(LscTensor) out = run_conv1d_transpose ("\"strides\": 2, \"padding\": \"valid\"",
                                                     x, 3, k1, 1, NULL);
    lsc_test_assert_tensor_close (out, expected, 6, TOL);
  }

  /* Dilation 2, stride 1, kernel 2, valid: effective 3, out 3 + 2 = 5,
   * out[i + 2k] += x[i] k[k] with k = [1 10]: [1, 2, 3+10, 20, 30] */
  {
    const float k2[] = { 1, 10 };
    const float expected[] = { 1, 2, 13, 20, 30 };
    g_autoptr(LscTensor) out = run_conv1d_transpose ("\"dilation_rate\": 2, \"padding\": \"valid\"",
                                                     x, 3, k2, 2, NULL);
    lsc_test_assert_tensor_close (out, expected, 5, TOL);
  }
}

static void
test_conv2d_transpose_hand (void)
{
  /* 2x2 input [[1 2] [3 4]], 2x2 kernel [[1 2] [3 4]], stride 2, valid:
   * out 4x4, out[2i+ky, 2j+kx] = x[i,j] w[ky,kx], plus bias 1:
   *   [[1 2 2 4] [3 4 6 8] [3 6 4 8] [9 12 12 16]] + 1 */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (
      "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
      " \"kernel_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"valid\","
      " \"output_padding\": null, \"dilation_rate\": [1, 1], \"groups\": 1, \"use_bias\": true}}", 2);
    const float x[] = { 1, 2, 3, 4 };
    const float k[] = { 1, 2, 3, 4 };
    const float b[] = { 1 };
    const float expected[] = { 2, 3, 3, 5,   4, 5, 7, 9,   4, 7, 5, 9,   10, 13, 13, 17 };
    g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 1);
    g_autoptr(LscTensor) out = NULL;

    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 1, (int64_t) 1);
    lsc_test_layer_add_weight (layer, b, 1, (int64_t) 1);
    out = run1 (layer, in);
    assert_shape (out, 4, (int64_t) 1, (int64_t) 4, (int64_t) 4, (int64_t) 1);
    lsc_test_assert_tensor_close (out, expected, 16, TOL);
  }

  /* The kernel is (kh, kw, filters, in): 1x1 input x = [1 10], 3 filters,
   * w[0][0][o][c] flat o*2 + c = [[1 2] [3 4] [5 6]]:
   *   y_o = w[o][0] * 1 + w[o][1] * 10 = [21 43 65]
   * (reading it as (in, filters) would give y0 = 1 + 40 = 41.) */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (
      "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 3,"
      " \"kernel_size\": 1, \"use_bias\": false}}", 3);
    const float x[] = { 1, 10 };
    const float k[] = { 1, 2, 3, 4, 5, 6 };
    const float expected[] = { 21, 43, 65 };
    g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 2);
    g_autoptr(LscTensor) out = NULL;

    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 1, (int64_t) 1, (int64_t) 3, (int64_t) 2);
    out = run1 (layer, in);
    lsc_test_assert_tensor_close (out, expected, 3, TOL);
  }
}

static void
test_conv_transpose_formulas (void)
{
  /* deconv_output_length: valid in*s + max(eff-s, 0); same in*s; with
   * output_padding (in-1)*s + eff - 2*pad + op, pad = eff/2 for same. */
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 2, 1, LSC_PADDING_VALID, -1), ==, 15);
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 2, 1, LSC_PADDING_SAME, -1), ==, 14);
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 2, 1, LSC_PADDING_SAME, 0), ==, 13);
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 2, 1, LSC_PADDING_SAME, 1), ==, 14);
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 2, 1, LSC_PADDING_VALID, 1), ==, 16);
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 1, 3, 1, LSC_PADDING_VALID, -1), ==, 21);
  /* kernel 3 dilation 2: eff 5; valid 7 + 4 = 11 */
  g_assert_cmpint (lsc_conv_transpose_output_length (7, 3, 1, 2, LSC_PADDING_VALID, -1), ==, 11);
  g_assert_cmpint (lsc_conv_transpose_output_length (LSC_DIM_UNKNOWN, 3, 2, 1, LSC_PADDING_SAME, -1),
                   ==, LSC_DIM_UNKNOWN);
  /* crop: same, in 7, k 3, s 2 → out 14: max(0, 12 + 3 - 14)/2 = 0;
   * out 13: (12 + 3 - 13)/2 = 1; k 4, out 14: (12 + 4 - 14)/2 = 1;
   * k 5 dil 1 s 1 out 7: (6 + 5 - 7)/2 = 2; valid: 0 */
  g_assert_cmpint (lsc_conv_transpose_crop_before (7, 14, 3, 2, 1, LSC_PADDING_SAME), ==, 0);
  g_assert_cmpint (lsc_conv_transpose_crop_before (7, 13, 3, 2, 1, LSC_PADDING_SAME), ==, 1);
  g_assert_cmpint (lsc_conv_transpose_crop_before (7, 14, 4, 2, 1, LSC_PADDING_SAME), ==, 1);
  g_assert_cmpint (lsc_conv_transpose_crop_before (7, 7, 5, 1, 1, LSC_PADDING_SAME), ==, 2);
  g_assert_cmpint (lsc_conv_transpose_crop_before (7, 15, 3, 2, 1, LSC_PADDING_VALID), ==, 0);
}

/* ---- Depthwise / separable, hand-computed --------------------------------- */

static void
test_depthwise_multiplier2 (void)
{
  /* 2x2 input, 2 channels: ch0 = [[1 2] [3 4]], ch1 = [[10 20] [30 40]];
   * 2x2 kernel, depth_multiplier 2, kernel (2, 2, 2, 2) w[ky][kx][c][m]:
   *   (c0,m0) = [[1 0] [0 0]]  → 1
   *   (c0,m1) = [[0 0] [0 1]]  → 4
   *   (c1,m0) = [[1 1] [1 1]]  → 10+20+30+40 = 100
   *   (c1,m1) = [[0 1] [0 0]]  → 20
   * output channel c*2 + m, bias [0 0 0 0.5] → [1 4 100 20.5]
   * (the m*cin + c order would put 100 second). groups 1 is accepted. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d\", \"kernel_size\": [2, 2],"
    " \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\","
    " \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"linear\", \"use_bias\": true,"
    " \"depth_multiplier\": 2}}", 2);
  /* NHWC: pixel by pixel, channels inner */
  const float x[] = { 1, 10,   2, 20,   3, 30,   4, 40 };
  /* (ky,kx) = (0,0): c0 [1 0], c1 [1 0]; (0,1): c0 [0 0], c1 [1 1];
   * (1,0): c0 [0 0], c1 [1 0]; (1,1): c0 [0 1], c1 [1 0] */
  const float k[] = { 1, 0, 1, 0,   0, 0, 1, 1,   0, 0, 1, 0,   0, 1, 1, 0 };
  const float b[] = { 0, 0, 0, 0.5f };
  const float expected[] = { 1, 4, 100, 20.5f };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 2, (int64_t) 2);
  lsc_test_layer_add_weight (layer, b, 1, (int64_t) 4);
  out = run1 (layer, in);
  assert_shape (out, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 4);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);
}

static void
test_separable1d_hand (void)
{
  /* 3 steps, 2 channels: ch0 = [1 2 3], ch1 = [10 20 30]; kernel 2, dm 1:
   * depthwise ch0 [1 1] → [3 5], ch1 [1 -1] → [-10 -10];
   * pointwise [2 1] + bias 1 → [6-10+1, 10-10+1] = [-3 1]; relu → [0 1] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"SeparableConv1D\", \"config\": {\"name\": \"s\", \"filters\": 1,"
    " \"kernel_size\": [2], \"depth_multiplier\": 1, \"activation\": \"relu\","
    " \"use_bias\": true}}", 3);
  const float x[] = { 1, 10,   2, 20,   3, 30 };
  const float dw[] = { 1, 1,   1, -1 };   /* (k, c, m): k0 [c0 1, c1 1], k1 [c0 1, c1 -1] */
  const float pw[] = { 2, 1 };
  const float b[] = { 1 };
  const float expected[] = { 0, 1 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 3, (int64_t) 2);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, dw, 3, (int64_t) 2, (int64_t) 2, (int64_t) 1);
  lsc_test_layer_add_weight (layer, pw, 3, (int64_t) 1, (int64_t) 2, (int64_t) 1);
  lsc_test_layer_add_weight (layer, b, 1, (int64_t) 1);
  out = run1 (layer, in);
  assert_shape (out, 3, (int64_t) 1, (int64_t) 2, (int64_t) 1);
  lsc_test_assert_tensor_close (out, expected, 2, TOL);
}

/* ---- Random cases against the naive loops --------------------------------- */

typedef struct
{
  int64_t batch, h, w, cin, cout;
  int64_t kh, kw, sh, sw, dh, dw, groups;
  const char *padding;
} ConvCase;

static const ConvCase conv2d_cases[] = {
  /* batch  h  w cin cout kh kw sh sw dh dw g  padding */
  {  2,     7, 6, 3,  4,   3, 3, 1, 1, 1, 1, 1, "same" },    /* odd and even sizes */
  {  2,     7, 6, 3,  4,   3, 2, 2, 2, 1, 1, 1, "same" },    /* stride 2, even kernel */
  {  1,     8, 9, 2,  5,   4, 4, 2, 2, 1, 1, 1, "same" },    /* asymmetric split */
  {  2,     9, 8, 3,  2,   3, 3, 1, 1, 2, 2, 1, "same" },    /* dilation 2 */
  {  1,     9, 7, 2,  3,   2, 3, 1, 1, 2, 1, 1, "valid" },   /* dilation, valid */
  {  2,     7, 7, 4,  6,   3, 3, 2, 2, 1, 1, 2, "valid" },   /* groups 2, stride 2 */
  {  1,     6, 5, 6,  9,   3, 3, 1, 1, 1, 1, 3, "same" },    /* groups 3 */
  {  2,     1, 1, 3,  4,   3, 3, 1, 1, 1, 1, 1, "same" },    /* 1x1 spatial */
  {  1,     5, 5, 3,  2,   5, 5, 1, 1, 1, 1, 1, "valid" },   /* kernel = input */
  {  1,    10, 3, 2,  2,   3, 1, 3, 1, 1, 1, 1, "same" },    /* stride 3 */
};

static void
test_conv2d_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);

  for (guint i = 0; i < G_N_ELEMENTS (conv2d_cases); i++)
    {
      const ConvCase *c = &conv2d_cases[i];
      Axis ay = { c->kh, c->sh, c->dh, c->padding };
      Axis ax = { c->kw, c->sw, c->dw, c->padding };
      g_autofree char *json = g_strdup_printf (
        "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c%u\", \"filters\": %" G_GINT64_FORMAT ","
        " \"kernel_size\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"strides\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"dilation_rate\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"groups\": %" G_GINT64_FORMAT ", \"padding\": \"%s\", \"use_bias\": true}}",
        i, (gint64) c->cout, (gint64) c->kh, (gint64) c->kw, (gint64) c->sh, (gint64) c->sw,
        (gint64) c->dh, (gint64) c->dw, (gint64) c->groups, c->padding);
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
      int64_t n_in = c->batch * c->h * c->w * c->cin;
      int64_t n_kernel = c->kh * c->kw * (c->cin / c->groups) * c->cout;
      g_autofree float *x = random_floats (rand, n_in);
      g_autofree float *k = random_floats (rand, n_kernel);
      g_autofree float *b = random_floats (rand, c->cout);
      g_autofree float *expected = NULL;
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, c->batch, c->h, c->w, c->cin);
      g_autoptr(LscTensor) out = NULL;
      int64_t oh, ow;

      expected = naive_conv2d (x, c->batch, c->h, c->w, c->cin, k, b, c->cout, c->groups,
                               &ay, &ax, &oh, &ow);
      lsc_test_layer_add_weight (layer, k, 4, c->kh, c->kw, c->cin / c->groups, c->cout);
      lsc_test_layer_add_weight (layer, b, 1, c->cout);
      out = run1 (layer, in);
      assert_shape (out, 4, c->batch, oh, ow, c->cout);
      lsc_test_assert_tensor_close (out, expected, c->batch * oh * ow * c->cout, TOL);
    }
}

static void
test_conv1d_random (void)
{
  /* Conv1D is the 2-D loop with height 1. */
  static const struct { int64_t steps, cin, cout, k, s, d, g; const char *padding; } cases[] = {
    { 11, 3, 4, 3, 1, 1, 1, "causal" },
    { 11, 3, 4, 3, 2, 1, 1, "causal" },
    { 12, 2, 3, 4, 1, 3, 1, "causal" },
    { 10, 4, 4, 3, 2, 1, 2, "same" },
    {  9, 3, 5, 2, 1, 2, 1, "valid" },
    {  8, 2, 2, 4, 3, 1, 1, "same" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Axis ay = { 1, 1, 1, "valid" };
      Axis ax = { cases[i].k, cases[i].s, cases[i].d, cases[i].padding };
      int64_t batch = 2, cin = cases[i].cin, cout = cases[i].cout, g = cases[i].g;
      g_autofree char *json = g_strdup_printf (
        "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c%u\", \"filters\": %" G_GINT64_FORMAT ","
        " \"kernel_size\": %" G_GINT64_FORMAT ", \"strides\": %" G_GINT64_FORMAT ","
        " \"dilation_rate\": %" G_GINT64_FORMAT ", \"groups\": %" G_GINT64_FORMAT ","
        " \"padding\": \"%s\", \"activation\": \"tanh\"}}",
        i, (gint64) cout, (gint64) cases[i].k, (gint64) cases[i].s, (gint64) cases[i].d,
        (gint64) g, cases[i].padding);
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 3);
      g_autofree float *x = random_floats (rand, batch * cases[i].steps * cin);
      g_autofree float *k = random_floats (rand, cases[i].k * (cin / g) * cout);
      g_autofree float *b = random_floats (rand, cout);
      g_autofree float *expected = NULL;
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, batch, cases[i].steps, cin);
      g_autoptr(LscTensor) out = NULL;
      int64_t oh, ow;

      expected = naive_conv2d (x, batch, 1, cases[i].steps, cin, k, b, cout, g, &ay, &ax, &oh, &ow);
      for (int64_t j = 0; j < batch * ow * cout; j++)
        expected[j] = tanhf (expected[j]);
      lsc_test_layer_add_weight (layer, k, 3, cases[i].k, cin / g, cout);
      lsc_test_layer_add_weight (layer, b, 1, cout);
      out = run1 (layer, in);
      assert_shape (out, 3, batch, ow, cout);
      lsc_test_assert_tensor_close (out, expected, batch * ow * cout, TOL);
    }
}

static void
test_conv2d_transpose_random (void)
{
  static const struct {
    int64_t batch, h, w, cin, cout, kh, kw, sh, sw, dh, dw, op_h, op_w;
    const char *padding;
  } cases[] = {
    /* batch h w cin cout kh kw sh sw dh dw op_h op_w padding */
    { 2, 3, 4, 2, 3, 3, 3, 2, 2, 1, 1, -1, -1, "valid" },
    { 2, 3, 4, 2, 3, 3, 3, 2, 2, 1, 1, -1, -1, "same" },
    { 1, 4, 3, 3, 2, 4, 4, 2, 2, 1, 1, -1, -1, "same" },
    { 1, 3, 3, 2, 2, 3, 4, 2, 2, 1, 1,  1,  1, "same" },
    { 1, 3, 3, 2, 2, 3, 3, 2, 3, 1, 1,  1,  2, "valid" },
    { 2, 4, 3, 2, 3, 5, 3, 3, 2, 1, 1,  0,  1, "same" },
    { 1, 5, 4, 2, 2, 3, 3, 1, 1, 2, 2, -1, -1, "same" },
    { 1, 5, 4, 2, 2, 3, 2, 1, 1, 2, 2, -1, -1, "valid" },
    { 1, 3, 3, 1, 2, 1, 1, 3, 3, 1, 1, -1, -1, "valid" },   /* kernel < stride */
    { 2, 1, 1, 3, 2, 3, 3, 2, 2, 1, 1, -1, -1, "same" },    /* 1x1 spatial */
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Axis ay = { cases[i].kh, cases[i].sh, cases[i].dh, cases[i].padding };
      Axis ax = { cases[i].kw, cases[i].sw, cases[i].dw, cases[i].padding };
      g_autofree char *op = cases[i].op_h < 0 ? g_strdup ("null")
        : g_strdup_printf ("[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                           (gint64) cases[i].op_h, (gint64) cases[i].op_w);
      g_autofree char *json = g_strdup_printf (
        "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t%u\","
        " \"filters\": %" G_GINT64_FORMAT ", \"kernel_size\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"strides\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"dilation_rate\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"output_padding\": %s, \"padding\": \"%s\", \"use_bias\": true}}",
        i, (gint64) cases[i].cout, (gint64) cases[i].kh, (gint64) cases[i].kw,
        (gint64) cases[i].sh, (gint64) cases[i].sw, (gint64) cases[i].dh, (gint64) cases[i].dw,
        op, cases[i].padding);
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
      int64_t batch = cases[i].batch, cin = cases[i].cin, cout = cases[i].cout;
      g_autofree float *x = random_floats (rand, batch * cases[i].h * cases[i].w * cin);
      g_autofree float *k = random_floats (rand, cases[i].kh * cases[i].kw * cout * cin);
      g_autofree float *b = random_floats (rand, cout);
      g_autofree float *expected = NULL;
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, batch, cases[i].h, cases[i].w, cin);
      g_autoptr(LscTensor) out = NULL;
      int64_t oh, ow;

      expected = naive_conv2d_transpose (x, batch, cases[i].h, cases[i].w, cin, k, b, cout,
                                         &ay, &ax, cases[i].op_h, cases[i].op_w, &oh, &ow);
      lsc_test_layer_add_weight (layer, k, 4, cases[i].kh, cases[i].kw, cout, cin);
      lsc_test_layer_add_weight (layer, b, 1, cout);
      out = run1 (layer, in);
      assert_shape (out, 4, batch, oh, ow, cout);
      lsc_test_assert_tensor_close (out, expected, batch * oh * ow * cout, TOL);
    }
}

/* A depthwise kernel (kh, kw, cin, dm) has the memory layout of the grouped
 * kernel (kh, kw, 1, cin × dm) with groups = cin, whose filter c × dm + m
 * sees channel c: the naive grouped loop checks it. */
static void
test_depthwise_random (void)
{
  static const ConvCase cases[] = {
    /* batch h  w cin dm  kh kw sh sw dh dw g  padding  (cout holds dm) */
    { 2,     7, 6, 3,  2,  3, 3, 1, 1, 1, 1, 1, "same" },
    { 2,     8, 7, 4,  1,  3, 3, 2, 2, 1, 1, 1, "same" },
    { 1,     9, 9, 2,  3,  3, 3, 1, 1, 2, 2, 1, "same" },
    { 1,     6, 7, 3,  2,  2, 4, 2, 1, 1, 1, 1, "valid" },
    { 2,     1, 1, 5,  1,  3, 3, 1, 1, 1, 1, 1, "same" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ConvCase *c = &cases[i];
      Axis ay = { c->kh, c->sh, c->dh, c->padding };
      Axis ax = { c->kw, c->sw, c->dw, c->padding };
      int64_t dm = c->cout, cout = c->cin * dm;
      g_autofree char *json = g_strdup_printf (
        "{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d%u\","
        " \"kernel_size\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"strides\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"dilation_rate\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"depth_multiplier\": %" G_GINT64_FORMAT ", \"padding\": \"%s\", \"use_bias\": true,"
        " \"activation\": \"relu6\"}}",
        i, (gint64) c->kh, (gint64) c->kw, (gint64) c->sh, (gint64) c->sw, (gint64) c->dh,
        (gint64) c->dw, (gint64) dm, c->padding);
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
      g_autofree float *x = random_floats (rand, c->batch * c->h * c->w * c->cin);
      g_autofree float *k = random_floats (rand, c->kh * c->kw * cout);
      g_autofree float *b = random_floats (rand, cout);
      g_autofree float *expected = NULL;
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, c->batch, c->h, c->w, c->cin);
      g_autoptr(LscTensor) out = NULL;
      int64_t oh, ow;

      /* Scale up so that relu6 clips some values. */
      for (int64_t j = 0; j < c->kh * c->kw * cout; j++)
        k[j] *= 4.0f;
      expected = naive_conv2d (x, c->batch, c->h, c->w, c->cin, k, b, cout, c->cin, &ay, &ax, &oh, &ow);
      for (int64_t j = 0; j < c->batch * oh * ow * cout; j++)
        expected[j] = CLAMP (expected[j], 0.0f, 6.0f);
      lsc_test_layer_add_weight (layer, k, 4, c->kh, c->kw, c->cin, dm);
      lsc_test_layer_add_weight (layer, b, 1, cout);
      out = run1 (layer, in);
      assert_shape (out, 4, c->batch, oh, ow, cout);
      lsc_test_assert_tensor_close (out, expected, c->batch * oh * ow * cout, TOL);
    }
}

static void
test_depthwise1d_causal (void)
{
  /* DepthwiseConv1D, causal, kernel 2: y[t, c] = w[0,c] x[t-1,c] + w[1,c] x[t,c].
   * ch0 x = [1 2 3], w = [1 10] → [10, 1+20, 2+30] = [10 21 32]
   * ch1 x = [4 5 6], w = [2 -1] → [-4, 8-5, 10-6] = [-4 3 4] */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"DepthwiseConv1D\", \"config\": {\"name\": \"d\", \"kernel_size\": 2,"
    " \"padding\": \"causal\", \"use_bias\": false}}", 3);
  const float x[] = { 1, 4,   2, 5,   3, 6 };
  const float k[] = { 1, 2,   10, -1 };   /* (k, c, m) */
  const float expected[] = { 10, -4,   21, 3,   32, 4 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 3, (int64_t) 2);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 2, (int64_t) 2, (int64_t) 1);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 6, TOL);
}

static void
test_separable2d_random (void)
{
  static const ConvCase cases[] = {
    /* batch h  w cin cout kh kw sh sw dh dw dm padding (groups field holds dm) */
    { 2,     7, 6, 3,  5,   3, 3, 1, 1, 1, 1, 2, "same" },
    { 1,     8, 8, 2,  4,   3, 3, 2, 2, 1, 1, 1, "same" },
    { 1,     9, 8, 3,  2,   3, 3, 1, 1, 2, 2, 3, "same" },    /* dilation on the depthwise step */
    { 2,     6, 7, 2,  3,   2, 3, 1, 2, 1, 1, 2, "valid" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ConvCase *c = &cases[i];
      Axis ay = { c->kh, c->sh, c->dh, c->padding };
      Axis ax = { c->kw, c->sw, c->dw, c->padding };
      Axis one = { 1, 1, 1, "valid" };
      int64_t dm = c->groups, middle = c->cin * dm;
      g_autofree char *json = g_strdup_printf (
        "{\"class_name\": \"SeparableConv2D\", \"config\": {\"name\": \"s%u\","
        " \"filters\": %" G_GINT64_FORMAT ", \"kernel_size\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"strides\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"dilation_rate\": [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "],"
        " \"depth_multiplier\": %" G_GINT64_FORMAT ", \"padding\": \"%s\", \"use_bias\": true,"
        " \"groups\": 1}}",
        i, (gint64) c->cout, (gint64) c->kh, (gint64) c->kw, (gint64) c->sh, (gint64) c->sw,
        (gint64) c->dh, (gint64) c->dw, (gint64) dm, c->padding);
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
      g_autofree float *x = random_floats (rand, c->batch * c->h * c->w * c->cin);
      g_autofree float *dk = random_floats (rand, c->kh * c->kw * middle);
      g_autofree float *pk = random_floats (rand, middle * c->cout);
      g_autofree float *b = random_floats (rand, c->cout);
      g_autofree float *mid = NULL;
      g_autofree float *expected = NULL;
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, c->batch, c->h, c->w, c->cin);
      g_autoptr(LscTensor) out = NULL;
      int64_t oh, ow, oh2, ow2;

      mid = naive_conv2d (x, c->batch, c->h, c->w, c->cin, dk, NULL, middle, c->cin, &ay, &ax, &oh, &ow);
      expected = naive_conv2d (mid, c->batch, oh, ow, middle, pk, b, c->cout, 1, &one, &one, &oh2, &ow2);
      lsc_test_layer_add_weight (layer, dk, 4, c->kh, c->kw, c->cin, dm);
      lsc_test_layer_add_weight (layer, pk, 4, (int64_t) 1, (int64_t) 1, middle, c->cout);
      lsc_test_layer_add_weight (layer, b, 1, c->cout);
      out = run1 (layer, in);
      assert_shape (out, 4, c->batch, oh, ow, c->cout);
      lsc_test_assert_tensor_close (out, expected, c->batch * oh * ow * c->cout, TOL);
    }
}

/* ---- Shapes, MACs, aliases, Keras 1 ------------------------------------- */

static void
test_infer_unknown_dims (void)
{
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c\", \"filters\": 8,"
    " \"kernel_size\": 3, \"padding\": \"causal\"}}", 2);
  g_autoptr(LscLayer) t = lsc_test_layer_new (
    "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 2,"
    " \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\"}}", 2);
  g_autoptr(GError) error = NULL;
  LscShape in = lsc_shape_make (3, (int64_t) LSC_DIM_UNKNOWN, (int64_t) LSC_DIM_UNKNOWN, (int64_t) 5);
  LscShape in2 = lsc_shape_make (4, (int64_t) LSC_DIM_UNKNOWN, (int64_t) LSC_DIM_UNKNOWN, (int64_t) 7, (int64_t) 4);
  LscShape out;
  g_autofree float *k = g_new0 (float, 3 * 5 * 8);
  g_autofree float *tk = g_new0 (float, 3 * 3 * 2 * 4);
  const float zeros[8] = { 0 };

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 3, (int64_t) 5, (int64_t) 8);
  lsc_test_layer_add_weight (layer, zeros, 1, (int64_t) 8);
  g_assert_true (layer->ops->infer (layer, &in, 1, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.ndim, ==, 3);
  g_assert_cmpint (out.dims[0], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (out.dims[1], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (out.dims[2], ==, 8);

  lsc_test_layer_add_weight (t, tk, 4, (int64_t) 3, (int64_t) 3, (int64_t) 2, (int64_t) 4);
  lsc_test_layer_add_weight (t, zeros, 1, (int64_t) 2);
  g_assert_true (t->ops->infer (t, &in2, 1, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.dims[1], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (out.dims[2], ==, 14);
  g_assert_cmpint (out.dims[3], ==, 2);
}

static void
test_count_macs (void)
{
  LscShape out;
  g_autoptr(LscLayer) conv = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 16,"
    " \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"use_bias\": false}}", 2);
  g_autoptr(LscLayer) grouped = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"g\", \"filters\": 8,"
    " \"kernel_size\": 3, \"groups\": 2, \"use_bias\": false}}", 2);
  g_autoptr(LscLayer) dw = lsc_test_layer_new (
    "{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d\", \"kernel_size\": 3,"
    " \"depth_multiplier\": 2, \"padding\": \"same\", \"use_bias\": false}}", 2);
  g_autoptr(LscLayer) sep = lsc_test_layer_new (
    "{\"class_name\": \"SeparableConv2D\", \"config\": {\"name\": \"s\", \"filters\": 5,"
    " \"kernel_size\": 3, \"depth_multiplier\": 2, \"padding\": \"same\", \"use_bias\": false}}", 2);
  g_autoptr(LscLayer) tr = lsc_test_layer_new (
    "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 6,"
    " \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"use_bias\": false}}", 2);
  g_autoptr(LscLayer) c1 = lsc_test_layer_new (
    "{\"class_name\": \"Conv1D\", \"config\": {\"name\": \"c1\", \"filters\": 7,"
    " \"kernel_size\": 5, \"use_bias\": false}}", 2);
  LscShape in224 = lsc_shape_make (4, (int64_t) 1, (int64_t) 224, (int64_t) 224, (int64_t) 3);
  LscShape in8 = lsc_shape_make (4, (int64_t) 1, (int64_t) 8, (int64_t) 8, (int64_t) 4);
  LscShape in8b2 = lsc_shape_make (4, (int64_t) 2, (int64_t) 8, (int64_t) 8, (int64_t) 4);
  LscShape in1d = lsc_shape_make (3, (int64_t) 1, (int64_t) 20, (int64_t) 3);

  /* Conv2D 3x3 stride 2 same on 224x224x3 → 112x112x16:
   * 112 * 112 * 16 * 3 * 3 * 3 = 5 419 008 */
  out = lsc_shape_make (4, (int64_t) 1, (int64_t) 112, (int64_t) 112, (int64_t) 16);
  g_assert_cmpint (conv->ops->count_macs (conv, &in224, 1, &out), ==, 5419008);

  /* groups 2, 8x8x4 → 6x6x8: 6*6*8 * 3*3 * (4/2) = 5184 */
  out = lsc_shape_make (4, (int64_t) 1, (int64_t) 6, (int64_t) 6, (int64_t) 8);
  g_assert_cmpint (grouped->ops->count_macs (grouped, &in8, 1, &out), ==, 5184);
  /* per batch: batch 2 doubles it */
  out.dims[0] = 2;
  g_assert_cmpint (grouped->ops->count_macs (grouped, &in8b2, 1, &out), ==, 10368);

  /* Depthwise dm 2, 8x8x4 same → 8x8x8: 8*8 * 4*2 * 3*3 = 4608 */
  out = lsc_shape_make (4, (int64_t) 1, (int64_t) 8, (int64_t) 8, (int64_t) 8);
  g_assert_cmpint (dw->ops->count_macs (dw, &in8, 1, &out), ==, 4608);

  /* Separable dm 2 → 5 filters: 4608 + 8*8 * 8 * 5 = 4608 + 2560 = 7168 */
  out = lsc_shape_make (4, (int64_t) 1, (int64_t) 8, (int64_t) 8, (int64_t) 5);
  g_assert_cmpint (sep->ops->count_macs (sep, &in8, 1, &out), ==, 7168);

  /* Transpose 8x8x4 → 16x16x6: in_h*in_w*cin*kh*kw*cout = 8*8*4*9*6 = 13824 */
  out = lsc_shape_make (4, (int64_t) 1, (int64_t) 16, (int64_t) 16, (int64_t) 6);
  g_assert_cmpint (tr->ops->count_macs (tr, &in8, 1, &out), ==, 13824);

  /* Conv1D 20x3, kernel 5, 7 filters → 16x7: 16 * 7 * 5 * 3 = 1680 */
  out = lsc_shape_make (3, (int64_t) 1, (int64_t) 16, (int64_t) 7);
  g_assert_cmpint (c1->ops->count_macs (c1, &in1d, 1, &out), ==, 1680);
}

static void
test_aliases (void)
{
  g_assert_true (lsc_layer_ops_lookup ("Conv1D") == &lsc_layer_conv1d_ops);
  g_assert_true (lsc_layer_ops_lookup ("Convolution1D") == &lsc_layer_conv1d_ops);
  g_assert_true (lsc_layer_ops_lookup ("AtrousConvolution1D") == &lsc_layer_conv1d_ops);
  g_assert_true (lsc_layer_ops_lookup ("Conv2D") == &lsc_layer_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("Convolution2D") == &lsc_layer_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("AtrousConvolution2D") == &lsc_layer_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("Conv2DTranspose") == &lsc_layer_conv2d_transpose_ops);
  g_assert_true (lsc_layer_ops_lookup ("Convolution2DTranspose") == &lsc_layer_conv2d_transpose_ops);
  g_assert_true (lsc_layer_ops_lookup ("Deconvolution2D") == &lsc_layer_conv2d_transpose_ops);
  g_assert_true (lsc_layer_ops_lookup ("Conv1DTranspose") == &lsc_layer_conv1d_transpose_ops);
  g_assert_true (lsc_layer_ops_lookup ("Convolution1DTranspose") == &lsc_layer_conv1d_transpose_ops);
  g_assert_true (lsc_layer_ops_lookup ("DepthwiseConv2D") == &lsc_layer_depthwise_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("DepthwiseConv1D") == &lsc_layer_depthwise_conv1d_ops);
  g_assert_true (lsc_layer_ops_lookup ("SeparableConv2D") == &lsc_layer_separable_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("SeparableConvolution2D") == &lsc_layer_separable_conv2d_ops);
  g_assert_true (lsc_layer_ops_lookup ("SeparableConv1D") == &lsc_layer_separable_conv1d_ops);
  g_assert_true (lsc_layer_ops_lookup ("SeparableConvolution1D") == &lsc_layer_separable_conv1d_ops);
}

static void
test_keras1_convolution2d (void)
{
  /* Keras 1 spelling of test_conv2d_same_even: nb_row/nb_col, border_mode,
   * subsample, dim_ordering "tf", bias. Same result [[10 6] [7 4]]. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Convolution2D\", \"config\": {\"name\": \"c\", \"nb_filter\": 1,"
    " \"nb_row\": 2, \"nb_col\": 2, \"border_mode\": \"same\", \"subsample\": [1, 1],"
    " \"dim_ordering\": \"tf\", \"bias\": false, \"activation\": \"linear\"}}", 1);
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 1, 1, 1, 1 };
  const float expected[] = { 10, 6, 7, 4 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 1);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 2, (int64_t) 1, (int64_t) 1);
  out = run1 (layer, in);
  lsc_test_assert_tensor_close (out, expected, 4, TOL);

  assert_parse_fails ("{\"class_name\": \"Convolution2D\", \"config\": {\"name\": \"c\","
                      " \"nb_filter\": 1, \"nb_row\": 2, \"nb_col\": 2, \"dim_ordering\": \"th\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "dim_ordering");
}

static void
test_keras1_convolution1d (void)
{
  /* Keras 1 Convolution1D stored its kernel as (k, 1, in, filters) (and
   * Keras 1.1 as (filters, in, k, 1)); both load as test_conv1d_valid:
   * y = [4.5 7.5 10.5] with an atrous_rate of 1. */
  const char *json =
    "{\"class_name\": \"AtrousConvolution1D\", \"config\": {\"name\": \"c\", \"nb_filter\": 1,"
    " \"filter_length\": 2, \"subsample_length\": 1, \"atrous_rate\": 1,"
    " \"border_mode\": \"valid\", \"bias\": true, \"activation\": \"linear\"}}";
  const float x[] = { 1, 2, 3, 4 };
  const float k[] = { 2, 1 };
  const float b[] = { 0.5f };
  const float expected[] = { 4.5f, 7.5f, 10.5f };

  for (int layout = 0; layout < 2; layout++)
    {
      g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 1);
      g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 3, (int64_t) 1, (int64_t) 4, (int64_t) 1);
      g_autoptr(LscTensor) out = NULL;

      if (layout == 0)
        lsc_test_layer_add_weight (layer, k, 4, (int64_t) 2, (int64_t) 1, (int64_t) 1, (int64_t) 1);
      else
        lsc_test_layer_add_weight (layer, k, 4, (int64_t) 1, (int64_t) 1, (int64_t) 2, (int64_t) 1);
      lsc_test_layer_add_weight (layer, b, 1, (int64_t) 1);
      out = run1 (layer, in);
      lsc_test_assert_tensor_close (out, expected, 3, TOL);
    }
}

static void
test_keras1_deconvolution2d (void)
{
  /* Keras 1 Deconvolution2D: kernel stored (kh, kw, in, filters), output
   * size from "output_shape". The 1x1 case of test_conv2d_transpose_hand
   * with the kernel written in that order: w[c][o] flat c*3 + o with
   * w[o][c] = [[1 2] [3 4] [5 6]] → [1 3 5 2 4 6]; y = [21 43 65]. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Deconvolution2D\", \"config\": {\"name\": \"t\", \"nb_filter\": 3,"
    " \"nb_row\": 1, \"nb_col\": 1, \"output_shape\": [null, 1, 1, 3], \"border_mode\": \"valid\","
    " \"subsample\": [1, 1], \"dim_ordering\": \"tf\", \"bias\": false}}", 1);
  const float x[] = { 1, 10 };
  const float k[] = { 1, 3, 5, 2, 4, 6 };
  const float expected[] = { 21, 43, 65 };
  g_autoptr(LscTensor) in = lsc_test_tensor_new (x, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 2);
  g_autoptr(LscTensor) out = NULL;

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 1, (int64_t) 1, (int64_t) 2, (int64_t) 3);
  out = run1 (layer, in);
  assert_shape (out, 4, (int64_t) 1, (int64_t) 1, (int64_t) 1, (int64_t) 3);
  lsc_test_assert_tensor_close (out, expected, 3, TOL);
}

/* ---- Errors --------------------------------------------------------------- */

static void
test_bad_weights (void)
{
  const char *json =
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 4,"
    " \"kernel_size\": [3, 3], \"use_bias\": true}}";
  LscShape in = lsc_shape_make (4, (int64_t) 1, (int64_t) 8, (int64_t) 8, (int64_t) 1);
  g_autofree float *k = g_new0 (float, 3 * 3 * 2 * 4);
  const float b[5] = { 0 };

  /* kernel for 2 input channels, input has 1 */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 2, (int64_t) 4);
    lsc_test_layer_add_weight (layer, b, 1, (int64_t) 4);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* bias of 5 for 4 filters */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 4);
    lsc_test_layer_add_weight (layer, b, 1, (int64_t) 5);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* use_bias but only the kernel */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 4);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* no weights at all */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (json, 2);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_MISSING_WEIGHTS);
  }
  /* Conv2DTranspose with a (kh, kw, in, filters) kernel: in 1, filters 4 */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (
      "{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 4,"
      " \"kernel_size\": [3, 3], \"use_bias\": false}}", 2);
    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 4);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* Depthwise with the multiplier axis wrong */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (
      "{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d\", \"kernel_size\": 3,"
      " \"depth_multiplier\": 2, \"use_bias\": false}}", 2);
    lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 4);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* Separable missing everything */
  {
    g_autoptr(LscLayer) layer = lsc_test_layer_new (
      "{\"class_name\": \"SeparableConv2D\", \"config\": {\"name\": \"s\", \"filters\": 2,"
      " \"kernel_size\": 3}}", 2);
    assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_MISSING_WEIGHTS);
  }
}

static void
test_bad_shapes (void)
{
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
    " \"kernel_size\": [3, 3], \"use_bias\": false}}", 2);
  g_autofree float *k = g_new0 (float, 9);
  LscShape rank3 = lsc_shape_make (3, (int64_t) 1, (int64_t) 8, (int64_t) 1);
  LscShape small = lsc_shape_make (4, (int64_t) 1, (int64_t) 2, (int64_t) 8, (int64_t) 1);
  LscShape no_channels = lsc_shape_make (4, (int64_t) 1, (int64_t) 8, (int64_t) 8, (int64_t) LSC_DIM_UNKNOWN);

  lsc_test_layer_add_weight (layer, k, 4, (int64_t) 3, (int64_t) 3, (int64_t) 1, (int64_t) 1);
  assert_infer_fails (layer, &rank3, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_infer_fails (layer, &small, LSC_ENGINE_ERROR_BAD_SHAPE);
  assert_infer_fails (layer, &no_channels, LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_transpose_inconsistent_size (void)
{
  /* Kernel 4, stride 2, same, output_padding 0: Keras asks for
   * (3-1)*2 + 4%2 + 0 = 4 steps, but a stride-2 SAME conv maps 4 steps to
   * ceil(4/2) = 2, not 3, so TF's conv2d_transpose refuses: so do we. */
  g_autoptr(LscLayer) layer = lsc_test_layer_new (
    "{\"class_name\": \"Conv1DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
    " \"kernel_size\": 4, \"strides\": 2, \"padding\": \"same\", \"output_padding\": 0,"
    " \"use_bias\": false}}", 2);
  const float k[4] = { 0 };
  LscShape in = lsc_shape_make (3, (int64_t) 1, (int64_t) 3, (int64_t) 1);

  lsc_test_layer_add_weight (layer, k, 3, (int64_t) 4, (int64_t) 1, (int64_t) 1);
  assert_infer_fails (layer, &in, LSC_ENGINE_ERROR_BAD_SHAPE);
}

static void
test_bad_configs (void)
{
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "channels_first");
  assert_parse_fails ("{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d\","
                      " \"kernel_size\": 3, \"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "channels_first");
  assert_parse_fails ("{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "channels_first");
  assert_parse_fails ("{\"class_name\": \"SeparableConv1D\", \"config\": {\"name\": \"s\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"data_format\": \"channels_first\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "channels_first");
  assert_parse_fails ("{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"d\","
                      " \"kernel_size\": 3, \"groups\": 2}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "groups");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"padding\": \"causal\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "causal");
  assert_parse_fails ("{\"class_name\": \"Conv1DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"padding\": \"causal\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "causal");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 3,"
                      " \"kernel_size\": 3, \"groups\": 2}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG, "groups");
  assert_parse_fails ("{\"class_name\": \"Conv2DTranspose\", \"config\": {\"name\": \"t\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"strides\": 2, \"output_padding\": [2, 1]}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG, "output_padding");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
                      " \"kernel_size\": [3, 3, 3]}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG, "kernel_size");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"strides\": 0}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG, "strides");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"kernel_size\": 3}}",
                      LSC_ENGINE_ERROR_BAD_CONFIG, "filters");
  assert_parse_fails ("{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"c\", \"filters\": 1,"
                      " \"kernel_size\": 3, \"activation\": \"frobnicate\"}}",
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG, "frobnicate");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/conv/conv1d/valid", test_conv1d_valid);
  g_test_add_func ("/conv/conv1d/same-even-kernel", test_conv1d_same_even_kernel);
  g_test_add_func ("/conv/conv1d/same-stride2", test_conv1d_same_stride2);
  g_test_add_func ("/conv/conv1d/causal-dilated", test_conv1d_causal_dilated);
  g_test_add_func ("/conv/conv1d/dilated-valid", test_conv1d_dilated_valid);
  g_test_add_func ("/conv/conv1d/random", test_conv1d_random);
  g_test_add_func ("/conv/conv2d/valid-bias-relu", test_conv2d_valid_bias_relu);
  g_test_add_func ("/conv/conv2d/same-even", test_conv2d_same_even);
  g_test_add_func ("/conv/conv2d/stride2", test_conv2d_stride2);
  g_test_add_func ("/conv/conv2d/groups", test_conv2d_groups);
  g_test_add_func ("/conv/conv2d/1x1-input-same", test_conv2d_1x1_input_same);
  g_test_add_func ("/conv/conv2d/softmax-over-channels", test_conv2d_softmax_over_channels);
  g_test_add_func ("/conv/conv2d/random", test_conv2d_random);
  g_test_add_func ("/conv/transpose/formulas", test_conv_transpose_formulas);
  g_test_add_func ("/conv/transpose/conv1d-hand", test_conv1d_transpose_hand);
  g_test_add_func ("/conv/transpose/conv2d-hand", test_conv2d_transpose_hand);
  g_test_add_func ("/conv/transpose/random", test_conv2d_transpose_random);
  g_test_add_func ("/conv/depthwise/multiplier2", test_depthwise_multiplier2);
  g_test_add_func ("/conv/depthwise/conv1d-causal", test_depthwise1d_causal);
  g_test_add_func ("/conv/depthwise/random", test_depthwise_random);
  g_test_add_func ("/conv/separable/conv1d-hand", test_separable1d_hand);
  g_test_add_func ("/conv/separable/random", test_separable2d_random);
  g_test_add_func ("/conv/infer-unknown-dims", test_infer_unknown_dims);
  g_test_add_func ("/conv/count-macs", test_count_macs);
  g_test_add_func ("/conv/aliases", test_aliases);
  g_test_add_func ("/conv/keras1/convolution2d", test_keras1_convolution2d);
  g_test_add_func ("/conv/keras1/convolution1d", test_keras1_convolution1d);
  g_test_add_func ("/conv/keras1/deconvolution2d", test_keras1_deconvolution2d);
  g_test_add_func ("/conv/errors/bad-weights", test_bad_weights);
  g_test_add_func ("/conv/errors/bad-shapes", test_bad_shapes);
  g_test_add_func ("/conv/errors/bad-configs", test_bad_configs);
  g_test_add_func ("/conv/errors/transpose-inconsistent-size", test_transpose_inconsistent_size);
  return g_test_run ();
}
