#pragma once

/* The AVX2 + FMA GEMM / IGEMM microkernels (lsc-f32-gemm-avx2.c). The
 * table uses 6x16; 4x16 is kept for bench-kernels --variants and tested
 * like it. */

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

#define LSC_DECLARE_GEMM_AVX2(MR)                                                            \
  void lsc_f32_gemm_##MR##x16__avx2  (size_t mr, size_t nc, size_t kc, const float *a,       \
                                      size_t a_stride, const float *w, float *c,              \
                                      size_t c_stride, const LscMinMax *minmax);              \
  void lsc_f32_igemm_##MR##x16__avx2 (size_t mr, size_t nc, size_t kc, size_t ks,            \
                                      const float *const *a, const float *w, float *c,        \
                                      size_t c_stride, size_t a_offset, const float *zero,    \
                                      const LscMinMax *minmax);

LSC_DECLARE_GEMM_AVX2 (4)
LSC_DECLARE_GEMM_AVX2 (6)

G_END_DECLS
