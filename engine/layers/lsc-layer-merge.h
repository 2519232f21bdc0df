#pragma once

#include "layers/lsc-layer.h"
#include "kernels/ref/lsc-ref-merge.h"

G_BEGIN_DECLS

/* Add, Subtract, Multiply, Average, Maximum, Minimum: elementwise over
 * inputs that broadcast against each other the way Keras's Merge layers
 * allow — inputs of lower rank get size-1 axes inserted after the batch
 * (Keras's expand_dims at axis 1), then equal-rank numpy broadcasting of
 * size-1 dims; the batch sizes must agree. */
typedef struct
{
  LscMergeOp op;
} LscMergeParams;

/* Concatenate: along `axis` (negative counts from the end, default -1);
 * every input has the same rank and the same size on all other axes. */
typedef struct
{
  int64_t axis;
} LscConcatenateParams;

G_END_DECLS
