#pragma once

/* Depthwise convolution (LscDwconvUkernel) for the including ISA.
 *
 * The general body (lsc-simd-window.h) loads a weight vector for every
 * input vector. With 32 vector registers (AVX-512), the weights of a
 * 2-vector channel block of a 9-tap (3 × 3) window fit in registers for the
 * whole row (18 weights, 2 biases, 2 accumulators): half the vector loads,
 * and the kernel is bound by loads (measured 1.4 to 2.2 times faster on
 * Zen 4 at MobileNetV2's shapes). Not for 25 taps (5 × 5): one vector's
 * weights fit, but then one chain of 25 dependent FMAs per pixel is slower
 * than the general body. With 16 registers (SSE4, AVX2) only one vector's
 * 3 × 3 weights fit, and the tap pointers, reloaded per block, then cost as
 * many loads as the weights save. */

#include "kernels/simd/lsc-simd-window.h"

#if LSC_VREGS >= 32

/* Channels [c, c + nv × LSC_VLEN) down the whole row, the weights of the
 * 9 taps held in registers. */
LSC_SIMD_INLINE void
dwconv9_columns (int                 nv,
                 gboolean            partial,
                 LscVTail            tail,
                 size_t              c,
                 size_t              channels,
                 size_t              output_width,
                 const float *const *input,
                 size_t              input_stride,
                 size_t              input_offset,
                 const float        *zero,
                 const float        *w,
                 float              *output,
                 LscVec              vmin,
                 LscVec              vmax)
{
  LscVec bias[2], k[9][2];

  for (int j = 0; j < nv; j++)
    {
      const gboolean part = partial && j == nv - 1;

      bias[j] = lsc_v_load_part (w + c + j * LSC_VLEN, part, tail);
      for (int t = 0; t < 9; t++)
        k[t][j] = lsc_v_load_part (w + channels + t * channels + c + j * LSC_VLEN, part, tail);
    }

  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    {
      LscVec acc[2];

      for (int j = 0; j < nv; j++)
        acc[j] = bias[j];
      for (int t = 0; t < 9; t++)
        {
          const float *in = input[t];

          in = in != zero ? in + input_offset : zero;
          in += c;
          for (int j = 0; j < nv; j++)
            acc[j] = lsc_v_fmadd (lsc_v_load_part (in + j * LSC_VLEN, partial && j == nv - 1, tail),
                                  k[t][j], acc[j]);
        }
      for (int j = 0; j < nv; j++)
        lsc_v_store_part (output + c + j * LSC_VLEN, lsc_v_clamp (acc[j], vmin, vmax),
                          partial && j == nv - 1, tail);
    }
}

/* A whole row of a 9-tap window: blocks of 2 vectors, then 1, then a
 * partial one. */
LSC_SIMD_INLINE void
dwconv9_row (size_t              channels,
             size_t              output_width,
             const float *const *input,
             size_t              input_stride,
             size_t              input_offset,
             const float        *zero,
             const float        *w,
             float              *output,
             const LscMinMax    *minmax)
{
  const LscVec vmin = lsc_v_set1 (minmax->min);
  const LscVec vmax = lsc_v_set1 (minmax->max);
  const LscVTail none = lsc_v_tail (1);
  size_t c = 0;

  for (; c + 2 * LSC_VLEN <= channels; c += 2 * LSC_VLEN)
    dwconv9_columns (2, FALSE, none, c, channels, output_width, input, input_stride, input_offset, zero,
                     w, output, vmin, vmax);
  if (c + LSC_VLEN <= channels)
    {
      dwconv9_columns (1, FALSE, none, c, channels, output_width, input, input_stride, input_offset,
                       zero, w, output, vmin, vmax);
      c += LSC_VLEN;
    }
  if (c < channels)
    dwconv9_columns (1, TRUE, lsc_v_tail (channels - c), c, channels, output_width, input, input_stride,
                     input_offset, zero, w, output, vmin, vmax);
}

#endif

void
LSC_SIMD_KERNEL (dwconv) (size_t              channels,
                          size_t              output_width,
                          size_t              ks,
                          const float *const *input,
                          size_t              input_stride,
                          size_t              input_offset,
                          const float        *zero,
                          const float        *w,
                          float              *output,
                          const LscMinMax    *minmax)
{
#if LSC_VREGS >= 32
  /* (The weights are loaded before the first pixel: none for width 0.) */
  if (ks == 9 && output_width > 0)
    {
      dwconv9_row (channels, output_width, input, input_stride, input_offset, zero, w, output, minmax);
      return;
    }
#endif
  window_row (LSC_WINDOW_DWCONV, channels, output_width, ks, input, input_stride, input_offset,
              zero, w, NULL, output, minmax);
}
