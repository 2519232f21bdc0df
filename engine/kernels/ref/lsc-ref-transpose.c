/* Transpose reference kernel: walks the output in order and computes each
 * element's input offset from its multi-index. */

#include "lsc-ref-transpose.h"

#include "core/lsc-tensor.h"

void
lsc_ref_transpose (const float   *input,
                   int            ndim,
                   const int64_t *in_dims,
                   const int     *perm,
                   float         *output)
{
  int64_t in_strides[LSC_MAX_DIMS];
  int64_t out_dims[LSC_MAX_DIMS];
  int64_t index[LSC_MAX_DIMS] = { 0 };
  int64_t numel = 1;

  g_return_if_fail (ndim >= 1 && ndim <= LSC_MAX_DIMS);

  for (int k = ndim - 1; k >= 0; k--)
    {
      in_strides[k] = numel;
      numel *= in_dims[k];
    }
  for (int k = 0; k < ndim; k++)
    out_dims[k] = in_dims[perm[k]];

  for (int64_t o = 0; o < numel; o++)
    {
      int64_t offset = 0;

      for (int k = 0; k < ndim; k++)
        offset += index[k] * in_strides[perm[k]];
      output[o] = input[offset];

      /* Next output multi-index, last dim fastest. */
      for (int k = ndim - 1; k >= 0; k--)
        {
          if (++index[k] < out_dims[k])
            break;
          index[k] = 0;
        }
    }
}
