/* Upsampling reference kernels. */

#include "lsc-ref-upsample.h"

#include <math.h>
#include <string.h>

void
lsc_ref_upsample_nearest_2d (const float *input,
                             int64_t      batch,
                             int64_t      in_h,
                             int64_t      in_w,
                             int64_t      channels,
                             int64_t      factor_h,
                             int64_t      factor_w,
                             float       *output)
{
  int64_t out_h = in_h * factor_h;
  int64_t out_w = in_w * factor_w;

  for (int64_t b = 0; b < batch; b++)
    for (int64_t y = 0; y < out_h; y++)
      for (int64_t x = 0; x < out_w; x++)
        memcpy (output + ((b * out_h + y) * out_w + x) * channels,
                input + ((b * in_h + y / factor_h) * in_w + x / factor_w) * channels,
                (size_t) channels * sizeof (float));
}

/* One axis of TF's compute_interpolation_weights: the two neighbouring
 * input cells and the weight of the upper one. The source position is
 * computed in float, as TF does. */
static void
interpolation_weights (int64_t   out_index,
                       int64_t   in_size,
                       int64_t   out_size,
                       gboolean  half_pixel_centers,
                       int64_t  *lower,
                       int64_t  *upper,
                       float    *lerp)
{
  float scale = (float) in_size / (float) out_size;
  float in = half_pixel_centers
             ? ((float) out_index + 0.5f) * scale - 0.5f
             : (float) out_index * scale;
  float in_floor = floorf (in);

  /* Before the first centre the floor is -1: both neighbours clamp to cell
   * 0, so the lerp weight does not matter there. */
  *lower = MAX ((int64_t) in_floor, 0);
  *upper = MIN ((int64_t) ceilf (in), in_size - 1);
  *lerp = in - in_floor;
}

void
lsc_ref_resize_bilinear (const float *input,
                         int64_t      batch,
                         int64_t      in_h,
                         int64_t      in_w,
                         int64_t      channels,
                         int64_t      out_h,
                         int64_t      out_w,
                         gboolean     half_pixel_centers,
                         float       *output)
{
  for (int64_t b = 0; b < batch; b++)
    for (int64_t y = 0; y < out_h; y++)
      {
        int64_t top, bottom;
        float y_lerp;

        interpolation_weights (y, in_h, out_h, half_pixel_centers, &top, &bottom, &y_lerp);
        for (int64_t x = 0; x < out_w; x++)
          {
            int64_t left, right;
            float x_lerp;
            const float *in_b = input + b * in_h * in_w * channels;
            float *out = output + ((b * out_h + y) * out_w + x) * channels;

            interpolation_weights (x, in_w, out_w, half_pixel_centers, &left, &right, &x_lerp);
            for (int64_t c = 0; c < channels; c++)
              {
                float top_left = in_b[(top * in_w + left) * channels + c];
                float top_right = in_b[(top * in_w + right) * channels + c];
                float bottom_left = in_b[(bottom * in_w + left) * channels + c];
                float bottom_right = in_b[(bottom * in_w + right) * channels + c];
                /* The same order of operations as TF's kernel. */
                float top_row = top_left + (top_right - top_left) * x_lerp;
                float bottom_row = bottom_left + (bottom_right - bottom_left) * x_lerp;

                out[c] = top_row + (bottom_row - top_row) * y_lerp;
              }
          }
      }
}
