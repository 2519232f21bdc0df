#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Geometry of a 2-D pooling over a (batch, in_h, in_w, channels) tensor,
 * channels last. 1-D pooling is the same with in_h = pool_h = stride_h = 1.
 * pad_top / pad_left are the cells of (virtual) padding before the first
 * row / column; the padding after is whatever makes out_h / out_w fit. */
typedef struct
{
  int64_t batch;
  int64_t in_h;
  int64_t in_w;
  int64_t channels;
  int64_t pool_h;
  int64_t pool_w;
  int64_t stride_h;
  int64_t stride_w;
  int64_t pad_top;
  int64_t pad_left;
  int64_t out_h;
  int64_t out_w;
} LscRefPool2dGeometry;

/* Maximum over each window; padded cells take no part (TF's SAME). */
void lsc_ref_max_pool_2d (const float                *input,
                          const LscRefPool2dGeometry *geometry,
                          float                      *output);

/* Mean over each window, divided by the number of cells of the window that
 * lie inside the input (TF's SAME: padded cells are not counted). */
void lsc_ref_avg_pool_2d (const float                *input,
                          const LscRefPool2dGeometry *geometry,
                          float                      *output);

/* Reductions over all the `spatial` positions of a (batch, spatial,
 * channels) tensor, giving (batch, channels). */
void lsc_ref_global_max_pool (const float *input,
                              int64_t      batch,
                              int64_t      spatial,
                              int64_t      channels,
                              float       *output);
void lsc_ref_global_avg_pool (const float *input,
                              int64_t      batch,
                              int64_t      spatial,
                              int64_t      channels,
                              float       *output);

G_END_DECLS
