#pragma once

/* The AVX-512F GEMM / IGEMM microkernels (lsc-f32-gemm-avx512.c). The
 * table uses 7x32; the other tile heights are kept for bench-kernels
 * --variants (which measured them) and are tested like it. */

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

#define LSC_DECLARE_GEMM_AVX512(MR)                                                          \
  void lsc_f32_gemm_##MR##x32__avx512  (size_t mr, size_t nc, size_t kc, const float *a,     \
                                        size_t a_stride, const float *w, float *c,            \
                                        size_t c_stride, const LscMinMax *minmax);            \
  void lsc_f32_igemm_##MR##x32__avx512 (size_t mr, size_t nc, size_t kc, size_t ks,          \
                                        const float *const *a, const float *w, float *c,      \
                                        size_t c_stride, size_t a_offset, const float *zero,  \
                                        const LscMinMax *minmax);

LSC_DECLARE_GEMM_AVX512 (6)
LSC_DECLARE_GEMM_AVX512 (7)
LSC_DECLARE_GEMM_AVX512 (8)
LSC_DECLARE_GEMM_AVX512 (14)

G_END_DECLS
