/* Zero padding and cropping reference kernels. */

#include "lsc-ref-pad.h"

#include <string.h>

void
lsc_ref_zero_pad_2d (const float *input,
                     int64_t      batch,
                     int64_t      in_h,
                     int64_t      in_w,
                     int64_t      channels,
                     int64_t      top,
                     int64_t      bottom,
                     int64_t      left,
                     int64_t      right,
                     float       *output)
{
  int64_t out_h = top + in_h + bottom;
  int64_t out_w = left + in_w + right;

  for (int64_t b = 0; b < batch; b++)
    for (int64_t y = 0; y < out_h; y++)
      for (int64_t x = 0; x < out_w; x++)
        {
          float *out = output + ((b * out_h + y) * out_w + x) * channels;
          int64_t iy = y - top;
          int64_t ix = x - left;

          if (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w)
            memset (out, 0, (size_t) channels * sizeof (float));
          else
            memcpy (out, input + ((b * in_h + iy) * in_w + ix) * channels,
                    (size_t) channels * sizeof (float));
        }
}

void
lsc_ref_crop_2d (const float *input,
                 int64_t      batch,
                 int64_t      in_h,
                 int64_t      in_w,
                 int64_t      channels,
                 int64_t      top,
                 int64_t      bottom,
                 int64_t      left,
                 int64_t      right,
                 float       *output)
{
  int64_t out_h = in_h - top - bottom;
  int64_t out_w = in_w - left - right;

  for (int64_t b = 0; b < batch; b++)
    for (int64_t y = 0; y < out_h; y++)
      for (int64_t x = 0; x < out_w; x++)
        memcpy (output + ((b * out_h + y) * out_w + x) * channels,
                input + ((b * in_h + y + top) * in_w + x + left) * channels,
                (size_t) channels * sizeof (float));
}
