/* Reference convolutions: the textbook loops, one output value at a time.
 * Sums are accumulated in double so that the result is the correctly
 * rounded value whatever order a fast kernel adds in; tests of fast kernels
 * then only need a float tolerance. */

#include "lsc-ref-conv.h"

#include <string.h>

/* Index of element (n, y, x, c) in an NHWC tensor of h x w x c. */
static inline int64_t
nhwc (int64_t n,
      int64_t y,
      int64_t x,
      int64_t c,
      int64_t h,
      int64_t w,
      int64_t channels)
{
  return ((n * h + y) * w + x) * channels + c;
}

void
lsc_ref_conv2d (const LscRefConvGeometry *geom,
                int64_t                   groups,
                const float              *input,
                const float              *kernel,
                const float              *bias,
                float                    *output)
{
  const int64_t group_in = geom->in_c / groups;
  const int64_t group_out = geom->out_c / groups;

  for (int64_t n = 0; n < geom->batch; n++)
    for (int64_t oy = 0; oy < geom->out_h; oy++)
      for (int64_t ox = 0; ox < geom->out_w; ox++)
        for (int64_t o = 0; o < geom->out_c; o++)
          {
            const int64_t first_in = (o / group_out) * group_in;
            double sum = bias != NULL ? bias[o] : 0.0;

            for (int64_t ky = 0; ky < geom->kernel_h; ky++)
              {
                int64_t iy = oy * geom->stride_h - geom->pad_top + ky * geom->dilation_h;

                if (iy < 0 || iy >= geom->in_h)
                  continue;   /* a padding row: zeros */
                for (int64_t kx = 0; kx < geom->kernel_w; kx++)
                  {
                    int64_t ix = ox * geom->stride_w - geom->pad_left + kx * geom->dilation_w;

                    if (ix < 0 || ix >= geom->in_w)
                      continue;
                    for (int64_t c = 0; c < group_in; c++)
                      {
                        float x = input[nhwc (n, iy, ix, first_in + c,
                                              geom->in_h, geom->in_w, geom->in_c)];
                        float w = kernel[((ky * geom->kernel_w + kx) * group_in + c) * geom->out_c + o];
                        sum += (double) x * (double) w;
                      }
                  }
              }
            output[nhwc (n, oy, ox, o, geom->out_h, geom->out_w, geom->out_c)] = (float) sum;
          }
}

void
lsc_ref_depthwise_conv2d (const LscRefConvGeometry *geom,
                          int64_t                   depth_multiplier,
                          const float              *input,
                          const float              *kernel,
                          const float              *bias,
                          float                    *output)
{
  g_assert (geom->out_c == geom->in_c * depth_multiplier);

  for (int64_t n = 0; n < geom->batch; n++)
    for (int64_t oy = 0; oy < geom->out_h; oy++)
      for (int64_t ox = 0; ox < geom->out_w; ox++)
        for (int64_t c = 0; c < geom->in_c; c++)
          for (int64_t m = 0; m < depth_multiplier; m++)
            {
              const int64_t o = c * depth_multiplier + m;
              double sum = bias != NULL ? bias[o] : 0.0;

              for (int64_t ky = 0; ky < geom->kernel_h; ky++)
                {
                  int64_t iy = oy * geom->stride_h - geom->pad_top + ky * geom->dilation_h;

                  if (iy < 0 || iy >= geom->in_h)
                    continue;
                  for (int64_t kx = 0; kx < geom->kernel_w; kx++)
                    {
                      int64_t ix = ox * geom->stride_w - geom->pad_left + kx * geom->dilation_w;
                      float x, w;

                      if (ix < 0 || ix >= geom->in_w)
                        continue;
                      x = input[nhwc (n, iy, ix, c, geom->in_h, geom->in_w, geom->in_c)];
                      w = kernel[((ky * geom->kernel_w + kx) * geom->in_c + c) * depth_multiplier + m];
                      sum += (double) x * (double) w;
                    }
                }
              output[nhwc (n, oy, ox, o, geom->out_h, geom->out_w, geom->out_c)] = (float) sum;
            }
}

void
lsc_ref_separable_conv2d (const LscRefConvGeometry *geom,
                          int64_t                   depth_multiplier,
                          const float              *input,
                          const float              *depthwise_kernel,
                          const float              *pointwise_kernel,
                          const float              *bias,
                          float                    *output)
{
  LscRefConvGeometry depthwise = *geom;
  LscRefConvGeometry pointwise = { 0 };
  g_autofree float *middle = NULL;

  /* TF rounds the depthwise result to float32 before the pointwise step;
   * so do we, by storing it. */
  depthwise.out_c = geom->in_c * depth_multiplier;
  middle = g_new (float, geom->batch * geom->out_h * geom->out_w * depthwise.out_c);
  lsc_ref_depthwise_conv2d (&depthwise, depth_multiplier, input, depthwise_kernel, NULL, middle);

  pointwise.batch = geom->batch;
  pointwise.in_h = pointwise.out_h = geom->out_h;
  pointwise.in_w = pointwise.out_w = geom->out_w;
  pointwise.in_c = depthwise.out_c;
  pointwise.out_c = geom->out_c;
  pointwise.kernel_h = pointwise.kernel_w = 1;
  pointwise.stride_h = pointwise.stride_w = 1;
  pointwise.dilation_h = pointwise.dilation_w = 1;
  lsc_ref_conv2d (&pointwise, 1, middle, pointwise_kernel, bias, output);
}

void
lsc_ref_conv2d_transpose (const LscRefConvGeometry *geom,
                          const float              *input,
                          const float              *kernel,
                          const float              *bias,
                          float                    *output)
{
  const int64_t n_out = geom->batch * geom->out_h * geom->out_w * geom->out_c;
  g_autofree double *sum = g_new0 (double, n_out);

  for (int64_t n = 0; n < geom->batch; n++)
    for (int64_t iy = 0; iy < geom->in_h; iy++)
      for (int64_t ix = 0; ix < geom->in_w; ix++)
        for (int64_t ky = 0; ky < geom->kernel_h; ky++)
          {
            int64_t oy = iy * geom->stride_h - geom->pad_top + ky * geom->dilation_h;

            if (oy < 0 || oy >= geom->out_h)
              continue;   /* cropped away */
            for (int64_t kx = 0; kx < geom->kernel_w; kx++)
              {
                int64_t ox = ix * geom->stride_w - geom->pad_left + kx * geom->dilation_w;

                if (ox < 0 || ox >= geom->out_w)
                  continue;
                for (int64_t o = 0; o < geom->out_c; o++)
                  for (int64_t c = 0; c < geom->in_c; c++)
                    {
                      float x = input[nhwc (n, iy, ix, c, geom->in_h, geom->in_w, geom->in_c)];
                      float w = kernel[((ky * geom->kernel_w + kx) * geom->out_c + o) * geom->in_c + c];
                      sum[nhwc (n, oy, ox, o, geom->out_h, geom->out_w, geom->out_c)] +=
                        (double) x * (double) w;
                    }
              }
          }

  for (int64_t i = 0; i < n_out; i++)
    output[i] = (float) (sum[i] + (bias != NULL ? bias[i % geom->out_c] : 0.0));
}
