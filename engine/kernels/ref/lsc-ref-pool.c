/* Pooling reference kernels: plain loops, one output cell at a time. */

#include "lsc-ref-pool.h"

#include <math.h>

/* Visits the cells of the window of output (oy, ox) that lie inside the
 * input; returns the first input row/col and the window's in-bounds extent. */
static void
window_bounds (const LscRefPool2dGeometry *g,
               int64_t                     oy,
               int64_t                     ox,
               int64_t                    *y0,
               int64_t                    *y1,
               int64_t                    *x0,
               int64_t                    *x1)
{
  int64_t start_y = oy * g->stride_h - g->pad_top;
  int64_t start_x = ox * g->stride_w - g->pad_left;

  *y0 = MAX (start_y, 0);
  *y1 = MIN (start_y + g->pool_h, g->in_h);
  *x0 = MAX (start_x, 0);
  *x1 = MIN (start_x + g->pool_w, g->in_w);
}

void
lsc_ref_max_pool_2d (const float                *input,
                     const LscRefPool2dGeometry *g,
                     float                      *output)
{
  for (int64_t b = 0; b < g->batch; b++)
    for (int64_t oy = 0; oy < g->out_h; oy++)
      for (int64_t ox = 0; ox < g->out_w; ox++)
        {
          const float *in_b = input + b * g->in_h * g->in_w * g->channels;
          float *out = output + ((b * g->out_h + oy) * g->out_w + ox) * g->channels;
          int64_t y0, y1, x0, x1;

          window_bounds (g, oy, ox, &y0, &y1, &x0, &x1);
          for (int64_t c = 0; c < g->channels; c++)
            {
              float best = -INFINITY;
              gboolean any = FALSE;

              for (int64_t y = y0; y < y1; y++)
                for (int64_t x = x0; x < x1; x++)
                  {
                    float v = in_b[(y * g->in_w + x) * g->channels + c];
                    if (!any || v > best)
                      best = v;
                    any = TRUE;
                  }
              /* A window always holds at least one input cell with Keras's
               * output lengths; 0 keeps a degenerate geometry defined. */
              out[c] = any ? best : 0.0f;
            }
        }
}

void
lsc_ref_avg_pool_2d (const float                *input,
                     const LscRefPool2dGeometry *g,
                     float                      *output)
{
  for (int64_t b = 0; b < g->batch; b++)
    for (int64_t oy = 0; oy < g->out_h; oy++)
      for (int64_t ox = 0; ox < g->out_w; ox++)
        {
          const float *in_b = input + b * g->in_h * g->in_w * g->channels;
          float *out = output + ((b * g->out_h + oy) * g->out_w + ox) * g->channels;
          int64_t y0, y1, x0, x1;
          int64_t count;

          window_bounds (g, oy, ox, &y0, &y1, &x0, &x1);
          count = MAX (y1 - y0, 0) * MAX (x1 - x0, 0);
          for (int64_t c = 0; c < g->channels; c++)
            {
              double sum = 0.0;

              for (int64_t y = y0; y < y1; y++)
                for (int64_t x = x0; x < x1; x++)
                  sum += in_b[(y * g->in_w + x) * g->channels + c];
              out[c] = count > 0 ? (float) (sum / (double) count) : 0.0f;
            }
        }
}

void
lsc_ref_global_max_pool (const float *input,
                         int64_t      batch,
                         int64_t      spatial,
                         int64_t      channels,
                         float       *output)
{
  for (int64_t b = 0; b < batch; b++)
    for (int64_t c = 0; c < channels; c++)
      {
        float best = -INFINITY;

        for (int64_t s = 0; s < spatial; s++)
          {
            float v = input[(b * spatial + s) * channels + c];
            if (s == 0 || v > best)
              best = v;
          }
        output[b * channels + c] = best;
      }
}

void
lsc_ref_global_avg_pool (const float *input,
                         int64_t      batch,
                         int64_t      spatial,
                         int64_t      channels,
                         float       *output)
{
  for (int64_t b = 0; b < batch; b++)
    for (int64_t c = 0; c < channels; c++)
      {
        double sum = 0.0;

        for (int64_t s = 0; s < spatial; s++)
          sum += input[(b * spatial + s) * channels + c];
        output[b * channels + c] = spatial > 0 ? (float) (sum / (double) spatial) : 0.0f;
      }
}
