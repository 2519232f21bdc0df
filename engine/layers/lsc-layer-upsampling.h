#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_UPSAMPLING_NEAREST,    /* repeat each cell */
  LSC_UPSAMPLING_BILINEAR,   /* tf.image.resize bilinear, half-pixel centres, no antialias */
} LscUpsamplingInterpolation;

/* UpSampling1D/2D. size is indexed by spatial axis: (rows, cols) for 2-D,
 * (steps) for 1-D. */
typedef struct
{
  int                        rank;     /* spatial dims: 1 or 2 */
  int64_t                    size[2];
  LscUpsamplingInterpolation interpolation;
} LscUpsamplingParams;

G_END_DECLS
