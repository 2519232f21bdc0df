#include "lsc-ref-merge.h"

#include <string.h>

#include "lsc-ref-index.h"

static inline float
merge_pair (LscMergeOp op,
            float      a,
            float      b)
{
  switch (op)
    {
    case LSC_MERGE_ADD:
    case LSC_MERGE_AVERAGE:
      return a + b;
    case LSC_MERGE_SUBTRACT:
      return a - b;
    case LSC_MERGE_MULTIPLY:
      return a * b;
    case LSC_MERGE_MAXIMUM:
      return a >= b ? a : b;
    case LSC_MERGE_MINIMUM:
      return a <= b ? a : b;
    default:
      g_return_val_if_reached (a);
    }
}

void
lsc_ref_merge (LscMergeOp            op,
               guint                 n_inputs,
               const float *const   *inputs,
               const int64_t *const *input_strides,
               int                   ndim,
               const int64_t        *dims,
               float                *y)
{
  int64_t n = 1;

  g_return_if_fail (n_inputs >= 1);

  for (int d = 0; d < ndim; d++)
    n *= dims[d];

  for (int64_t i = 0; i < n; i++)
    {
      float acc = inputs[0][lsc_ref_broadcast_offset (ndim, dims, input_strides[0], i)];

      for (guint k = 1; k < n_inputs; k++)
        acc = merge_pair (op, acc, inputs[k][lsc_ref_broadcast_offset (ndim, dims, input_strides[k], i)]);
      if (op == LSC_MERGE_AVERAGE)
        acc /= (float) n_inputs;
      y[i] = acc;
    }
}

void
lsc_ref_concatenate (guint               n_inputs,
                     const float *const *inputs,
                     const int64_t      *axis_sizes,
                     int64_t             outer,
                     int64_t             inner,
                     float              *y)
{
  int64_t out_axis = 0;

  for (guint k = 0; k < n_inputs; k++)
    out_axis += axis_sizes[k];

  for (int64_t o = 0; o < outer; o++)
    {
      float *dst = y + o * out_axis * inner;

      for (guint k = 0; k < n_inputs; k++)
        {
          size_t count = (size_t) (axis_sizes[k] * inner);

          memcpy (dst, inputs[k] + o * count, count * sizeof (float));
          dst += count;
        }
    }
}
