#pragma once

#include "layers/lsc-layer.h"
#include "layers/lsc-layer-config.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_POOL_MAX,
  LSC_POOL_AVERAGE,
} LscPoolOp;

/* MaxPooling1D/2D and AveragePooling1D/2D. Arrays are indexed by spatial
 * axis: (rows, cols) for 2-D layers, (steps) for 1-D layers. */
typedef struct
{
  LscPoolOp  op;
  int        rank;           /* spatial dims: 1 or 2 */
  int64_t    pool_size[2];
  int64_t    strides[2];     /* the config's null strides are pool_size */
  LscPadding padding;        /* VALID or SAME (TF split, extra cell after) */
} LscPoolParams;

G_END_DECLS
