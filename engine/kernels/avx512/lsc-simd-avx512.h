#pragma once

/* AVX-512F: the vector operations the shared kernel bodies in
 * engine/kernels/simd/ are written in (16 floats, masked tails), and the
 * kernels built from them. Only -mavx512f is assumed, so bitwise float ops
 * go through the integer forms (the float ones are AVX512DQ). */

#include <immintrin.h>

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

typedef __m512 LscVec;
typedef __mmask16 LscVMask;     /* a comparison result */
typedef __mmask16 LscVTail;     /* the first n lanes */

#define LSC_VLEN 16
#define LSC_VREGS 32            /* vector registers */
#define LSC_SIMD_FMA 1
#define LSC_SIMD_KERNEL(op) lsc_f32_##op##__avx512

static inline LscVec lsc_v_load (const float *p) { return _mm512_loadu_ps (p); }
static inline void lsc_v_store (float *p, LscVec v) { _mm512_storeu_ps (p, v); }
static inline LscVec lsc_v_set1 (float f) { return _mm512_set1_ps (f); }
static inline LscVec lsc_v_zero (void) { return _mm512_setzero_ps (); }

/* 0 < n < LSC_VLEN. Masked-off lanes are neither read nor written, so a
 * tail at the end of a mapping cannot fault. */
static inline LscVTail lsc_v_tail (size_t n) { return (__mmask16) ((1u << n) - 1u); }
static inline LscVec lsc_v_load_tail (const float *p, LscVTail t) { return _mm512_maskz_loadu_ps (t, p); }
static inline void lsc_v_store_tail (float *p, LscVec v, LscVTail t) { _mm512_mask_storeu_ps (p, t, v); }

static inline LscVec lsc_v_add (LscVec a, LscVec b) { return _mm512_add_ps (a, b); }
static inline LscVec lsc_v_sub (LscVec a, LscVec b) { return _mm512_sub_ps (a, b); }
static inline LscVec lsc_v_mul (LscVec a, LscVec b) { return _mm512_mul_ps (a, b); }
static inline LscVec lsc_v_div (LscVec a, LscVec b) { return _mm512_div_ps (a, b); }
/* a × b + c, one rounding. */
static inline LscVec lsc_v_fmadd (LscVec a, LscVec b, LscVec c) { return _mm512_fmadd_ps (a, b, c); }
/* x86 semantics: b when either is NaN. */
static inline LscVec lsc_v_max (LscVec a, LscVec b) { return _mm512_max_ps (a, b); }
static inline LscVec lsc_v_min (LscVec a, LscVec b) { return _mm512_min_ps (a, b); }

static inline LscVec
lsc_v_or (LscVec a, LscVec b)
{
  return _mm512_castsi512_ps (_mm512_or_si512 (_mm512_castps_si512 (a), _mm512_castps_si512 (b)));
}

/* ~a & b */
static inline LscVec
lsc_v_andnot (LscVec a, LscVec b)
{
  return _mm512_castsi512_ps (_mm512_andnot_si512 (_mm512_castps_si512 (a), _mm512_castps_si512 (b)));
}

static inline LscVec
lsc_v_and (LscVec a, LscVec b)
{
  return _mm512_castsi512_ps (_mm512_and_si512 (_mm512_castps_si512 (a), _mm512_castps_si512 (b)));
}

/* The bit pattern shifted left by 23 (an integer in the low mantissa bits
 * becomes the exponent). */
static inline LscVec
lsc_v_shl23 (LscVec a)
{
  return _mm512_castsi512_ps (_mm512_slli_epi32 (_mm512_castps_si512 (a), 23));
}

/* Ordered comparisons: false when either is NaN. */
static inline LscVMask lsc_v_lt (LscVec a, LscVec b) { return _mm512_cmp_ps_mask (a, b, _CMP_LT_OQ); }
static inline LscVMask lsc_v_gt (LscVec a, LscVec b) { return _mm512_cmp_ps_mask (a, b, _CMP_GT_OQ); }
/* Lane-wise m ? if_true : if_false. */
static inline LscVec
lsc_v_select (LscVMask m, LscVec if_false, LscVec if_true)
{
  return _mm512_mask_blend_ps (m, if_false, if_true);
}

void lsc_f32_dwconv__avx512   (size_t channels, size_t output_width, size_t ks, const float *const *input,
                               size_t input_stride, size_t input_offset, const float *zero,
                               const float *w, float *output, const LscMinMax *minmax);
void lsc_f32_maxpool__avx512  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                               size_t input_stride, size_t input_offset, float *output,
                               const LscMinMax *minmax);
void lsc_f32_avgpool__avx512  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                               size_t input_stride, size_t input_offset, const float *zero,
                               const float *multiplier, float *output, const LscMinMax *minmax);
void lsc_f32_gavgpool__avx512 (size_t rows, size_t channels, const float *input, float scale, float *output);

void lsc_f32_vadd__avx512     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vsub__avx512     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmul__avx512     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmax__avx512     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmin__avx512     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);

void lsc_f32_vclamp__avx512   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vlrelu__avx512   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vsigmoid__avx512 (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vswish__avx512   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vtanh__avx512    (size_t n, const float *x, float *y, const LscUnaryParams *params);

void lsc_f32_vaffine__avx512  (size_t channels, const float *x, const float *scale, const float *shift,
                               float *y, const LscMinMax *minmax);

G_END_DECLS
