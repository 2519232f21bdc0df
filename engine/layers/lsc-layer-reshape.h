#pragma once

#include "layers/lsc-layer.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_RESHAPE_OP_FLATTEN,    /* Flatten: (batch, product of the rest) */
  LSC_RESHAPE_OP_RESHAPE,    /* Reshape: (batch, target_shape…) */
  LSC_RESHAPE_OP_PERMUTE,    /* Permute: reorders the non-batch axes */
} LscReshapeOp;

/* Flatten, Reshape and Permute. Channels last, Flatten and Reshape keep the
 * row-major data as it is; Permute moves it. */
typedef struct
{
  LscReshapeOp op;
  int          n_dims;               /* entries used in dims (0 for Flatten) */
  /* Reshape: target shape without the batch, at most one -1 (inferred).
   * Permute: for each output axis, the 1-based input axis it takes
   * (the batch, axis 0, never moves). */
  int64_t      dims[LSC_MAX_DIMS - 1];
} LscReshapeParams;

G_END_DECLS
