#pragma once

/* AVX2 + FMA: the vector operations the shared kernel bodies in
 * engine/kernels/simd/ are written in (8 floats, tails through
 * vmaskmovps), and the kernels built from them. */

#include <immintrin.h>
#include <stdint.h>

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

typedef __m256 LscVec;
typedef __m256 LscVMask;        /* a comparison result, all-ones lanes */
typedef __m256i LscVTail;       /* the first n lanes */

#define LSC_VLEN 8
#define LSC_VREGS 16            /* vector registers */
#define LSC_SIMD_FMA 1
#define LSC_SIMD_KERNEL(op) lsc_f32_##op##__avx2

static inline LscVec lsc_v_load (const float *p) { return _mm256_loadu_ps (p); }
static inline void lsc_v_store (float *p, LscVec v) { _mm256_storeu_ps (p, v); }
static inline LscVec lsc_v_set1 (float f) { return _mm256_set1_ps (f); }
static inline LscVec lsc_v_zero (void) { return _mm256_setzero_ps (); }

/* 0 < n < LSC_VLEN: a window of 8 of {-1 × 8, 0 × 8}. Masked-off lanes are
 * neither read nor written, so a tail at the end of a mapping cannot
 * fault. */
static inline LscVTail
lsc_v_tail (size_t n)
{
  static const int32_t window[16] = { -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0 };

  return _mm256_loadu_si256 ((const __m256i *) (window + 8 - n));
}

static inline LscVec lsc_v_load_tail (const float *p, LscVTail t) { return _mm256_maskload_ps (p, t); }
static inline void lsc_v_store_tail (float *p, LscVec v, LscVTail t) { _mm256_maskstore_ps (p, t, v); }

static inline LscVec lsc_v_add (LscVec a, LscVec b) { return _mm256_add_ps (a, b); }
static inline LscVec lsc_v_sub (LscVec a, LscVec b) { return _mm256_sub_ps (a, b); }
static inline LscVec lsc_v_mul (LscVec a, LscVec b) { return _mm256_mul_ps (a, b); }
static inline LscVec lsc_v_div (LscVec a, LscVec b) { return _mm256_div_ps (a, b); }
/* a × b + c, one rounding. */
static inline LscVec lsc_v_fmadd (LscVec a, LscVec b, LscVec c) { return _mm256_fmadd_ps (a, b, c); }
/* x86 semantics: b when either is NaN. */
static inline LscVec lsc_v_max (LscVec a, LscVec b) { return _mm256_max_ps (a, b); }
static inline LscVec lsc_v_min (LscVec a, LscVec b) { return _mm256_min_ps (a, b); }

static inline LscVec lsc_v_or (LscVec a, LscVec b) { return _mm256_or_ps (a, b); }
/* ~a & b */
static inline LscVec lsc_v_andnot (LscVec a, LscVec b) { return _mm256_andnot_ps (a, b); }
static inline LscVec lsc_v_and (LscVec a, LscVec b) { return _mm256_and_ps (a, b); }

/* The bit pattern shifted left by 23 (an integer in the low mantissa bits
 * becomes the exponent). */
static inline LscVec
lsc_v_shl23 (LscVec a)
{
  return _mm256_castsi256_ps (_mm256_slli_epi32 (_mm256_castps_si256 (a), 23));
}

/* Ordered comparisons: false when either is NaN. */
static inline LscVMask lsc_v_lt (LscVec a, LscVec b) { return _mm256_cmp_ps (a, b, _CMP_LT_OQ); }
static inline LscVMask lsc_v_gt (LscVec a, LscVec b) { return _mm256_cmp_ps (a, b, _CMP_GT_OQ); }
/* Lane-wise m ? if_true : if_false. */
static inline LscVec
lsc_v_select (LscVMask m, LscVec if_false, LscVec if_true)
{
  return _mm256_blendv_ps (if_false, if_true, m);
}

void lsc_f32_dwconv__avx2   (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, const float *zero,
                             const float *w, float *output, const LscMinMax *minmax);
void lsc_f32_maxpool__avx2  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, float *output,
                             const LscMinMax *minmax);
void lsc_f32_avgpool__avx2  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, const float *zero,
                             const float *multiplier, float *output, const LscMinMax *minmax);
void lsc_f32_gavgpool__avx2 (size_t rows, size_t channels, const float *input, float scale, float *output);

void lsc_f32_vadd__avx2     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vsub__avx2     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmul__avx2     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmax__avx2     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmin__avx2     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);

void lsc_f32_vclamp__avx2   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vlrelu__avx2   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vsigmoid__avx2 (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vswish__avx2   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vtanh__avx2    (size_t n, const float *x, float *y, const LscUnaryParams *params);

void lsc_f32_vaffine__avx2  (size_t channels, const float *x, const float *scale, const float *shift,
                             float *y, const LscMinMax *minmax);

G_END_DECLS
