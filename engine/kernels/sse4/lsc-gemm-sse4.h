#pragma once

/* The SSE4.1 GEMM / IGEMM microkernels (lsc-f32-gemm-sse4.c). The table
 * uses 4x8; 6x8 is kept for bench-kernels --variants and tested like it. */

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

#define LSC_DECLARE_GEMM_SSE4(MR)                                                            \
  void lsc_f32_gemm_##MR##x8__sse4  (size_t mr, size_t nc, size_t kc, const float *a,       \
                                      size_t a_stride, const float *w, float *c,              \
                                      size_t c_stride, const LscMinMax *minmax);              \
  void lsc_f32_igemm_##MR##x8__sse4 (size_t mr, size_t nc, size_t kc, size_t ks,            \
                                      const float *const *a, const float *w, float *c,        \
                                      size_t c_stride, size_t a_offset, const float *zero,    \
                                      const LscMinMax *minmax);

LSC_DECLARE_GEMM_SSE4 (4)
LSC_DECLARE_GEMM_SSE4 (6)

G_END_DECLS
