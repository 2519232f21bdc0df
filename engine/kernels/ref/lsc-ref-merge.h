#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The elementwise merges, in Keras's order of operations: the output starts
 * as input 0 and each further input is folded in left to right (float32);
 * Average divides the sum by the number of inputs at the end. */
typedef enum
{
  LSC_MERGE_ADD,
  LSC_MERGE_SUBTRACT,    /* exactly two inputs: a - b */
  LSC_MERGE_MULTIPLY,
  LSC_MERGE_AVERAGE,
  LSC_MERGE_MAXIMUM,
  LSC_MERGE_MINIMUM,
} LscMergeOp;

/* Output of `ndim` dims; input k is read through input_strides[k] (its
 * broadcast strides against the output, see lsc-ref-index.h). */
void lsc_ref_merge       (LscMergeOp            op,
                          guint                 n_inputs,
                          const float *const   *inputs,
                          const int64_t *const *input_strides,
                          int                   ndim,
                          const int64_t        *dims,
                          float                *y);

/* Concatenation on one axis: every input is viewed as (outer, axis_sizes[k],
 * inner) and the output as (outer, sum of axis_sizes, inner). */
void lsc_ref_concatenate (guint                 n_inputs,
                          const float *const   *inputs,
                          const int64_t        *axis_sizes,
                          int64_t               outer,
                          int64_t               inner,
                          float                *y);

G_END_DECLS
