#pragma once

#include "layers/lsc-layer.h"
#include "layers/lsc-layer-pool.h"

G_BEGIN_DECLS

/* GlobalMaxPooling1D/2D and GlobalAveragePooling1D/2D: a max or mean over
 * every spatial position, per channel. */
typedef struct
{
  LscPoolOp op;
  int       rank;        /* spatial dims: 1 or 2 */
  gboolean  keepdims;    /* keep the spatial axes with length 1 */
} LscGlobalPoolParams;

G_END_DECLS
