#pragma once

/* Depthwise convolution (LscDwconvUkernel) for the including ISA. */

#include "kernels/simd/lsc-simd-window.h"

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
  window_row (LSC_WINDOW_DWCONV, channels, output_width, ks, input, input_stride, input_offset,
              zero, w, NULL, output, minmax);
}
