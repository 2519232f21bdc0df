#pragma once

/* Max, average and global average pooling (LscMaxpoolUkernel,
 * LscAvgpoolUkernel, LscGavgpoolUkernel) for the including ISA. */

#include "kernels/simd/lsc-simd-window.h"

void
LSC_SIMD_KERNEL (maxpool) (size_t              channels,
                           size_t              output_width,
                           size_t              ks,
                           const float *const *input,
                           size_t              input_stride,
                           size_t              input_offset,
                           float              *output,
                           const LscMinMax    *minmax)
{
  window_row (LSC_WINDOW_MAX, channels, output_width, ks, input, input_stride, input_offset,
              NULL, NULL, NULL, output, minmax);
}

void
LSC_SIMD_KERNEL (avgpool) (size_t              channels,
                           size_t              output_width,
                           size_t              ks,
                           const float *const *input,
                           size_t              input_stride,
                           size_t              input_offset,
                           const float        *zero,
                           const float        *multiplier,
                           float              *output,
                           const LscMinMax    *minmax)
{
  window_row (LSC_WINDOW_AVG, channels, output_width, ks, input, input_stride, input_offset,
              zero, NULL, multiplier, output, minmax);
}

/* Channels [c, c + nv × LSC_VLEN) summed down all the rows. */
LSC_SIMD_INLINE void
gavgpool_block (int          nv,
                gboolean     partial,
                LscVTail     tail,
                size_t       c,
                size_t       rows,
                size_t       channels,
                const float *input,
                LscVec       vscale,
                float       *output)
{
  LscVec acc[4];

  for (int j = 0; j < nv; j++)
    acc[j] = lsc_v_zero ();
  input += c;
  for (size_t r = 0; r < rows; r++, input += channels)
    for (int j = 0; j < nv; j++)
      acc[j] = lsc_v_add (acc[j], lsc_v_load_part (input + j * LSC_VLEN, partial && j == nv - 1, tail));
  for (int j = 0; j < nv; j++)
    lsc_v_store_part (output + c + j * LSC_VLEN, lsc_v_mul (acc[j], vscale), partial && j == nv - 1, tail);
}

void
LSC_SIMD_KERNEL (gavgpool) (size_t       rows,
                            size_t       channels,
                            const float *input,
                            float        scale,
                            float       *output)
{
  const LscVec vscale = lsc_v_set1 (scale);
  const LscVTail none = lsc_v_tail (1);
  size_t c = 0;

  for (; c + 4 * LSC_VLEN <= channels; c += 4 * LSC_VLEN)
    gavgpool_block (4, FALSE, none, c, rows, channels, input, vscale, output);
  if (c + 2 * LSC_VLEN <= channels)
    {
      gavgpool_block (2, FALSE, none, c, rows, channels, input, vscale, output);
      c += 2 * LSC_VLEN;
    }
  if (c + LSC_VLEN <= channels)
    {
      gavgpool_block (1, FALSE, none, c, rows, channels, input, vscale, output);
      c += LSC_VLEN;
    }
  if (c < channels)
    gavgpool_block (1, TRUE, lsc_v_tail (channels - c), c, rows, channels, input, vscale, output);
}
