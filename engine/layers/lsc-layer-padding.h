#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_PAD_OP_ZERO_PAD,   /* ZeroPadding1D/2D: add zeros */
  LSC_PAD_OP_CROP,       /* Cropping1D/2D: drop cells */
} LscPadOp;

/* ZeroPadding1D/2D and Cropping1D/2D. Arrays are indexed by spatial axis:
 * 2-D layers (rows, cols), so before = (top, left), after = (bottom, right);
 * 1-D layers (steps), before = left, after = right. */
typedef struct
{
  LscPadOp op;
  int      rank;          /* spatial dims: 1 or 2 */
  int64_t  before[2];
  int64_t  after[2];
} LscPaddingParams;

G_END_DECLS
