#pragma once

/* SSE4.1: the vector operations the shared kernel bodies in
 * engine/kernels/simd/ are written in (4 floats; no FMA, so a × b + c is
 * two roundings; tails of 1 to 3 floats through 64- and 32-bit moves), and
 * the kernels built from them. */

#include <smmintrin.h>

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

typedef __m128 LscVec;
typedef __m128 LscVMask;        /* a comparison result, all-ones lanes */
typedef size_t LscVTail;        /* the first n lanes */

#define LSC_VLEN 4
#define LSC_VREGS 16            /* vector registers */
#define LSC_SIMD_FMA 0
#define LSC_SIMD_KERNEL(op) lsc_f32_##op##__sse4

static inline LscVec lsc_v_load (const float *p) { return _mm_loadu_ps (p); }
static inline void lsc_v_store (float *p, LscVec v) { _mm_storeu_ps (p, v); }
static inline LscVec lsc_v_set1 (float f) { return _mm_set1_ps (f); }
static inline LscVec lsc_v_zero (void) { return _mm_setzero_ps (); }

/* 0 < n < LSC_VLEN. Only the n floats are read or written, so a tail at the
 * end of a mapping cannot fault. */
static inline LscVTail lsc_v_tail (size_t n) { return n; }

static inline LscVec
lsc_v_load_tail (const float *p, LscVTail n)
{
  __m128 lo;

  if (n == 1)
    return _mm_load_ss (p);
  lo = _mm_castsi128_ps (_mm_loadl_epi64 ((const __m128i *) p));
  return n == 2 ? lo : _mm_movelh_ps (lo, _mm_load_ss (p + 2));
}

static inline void
lsc_v_store_tail (float *p, LscVec v, LscVTail n)
{
  if (n == 1)
    {
      _mm_store_ss (p, v);
      return;
    }
  _mm_storel_pi ((__m64 *) p, v);
  if (n == 3)
    _mm_store_ss (p + 2, _mm_movehl_ps (v, v));
}

static inline LscVec lsc_v_add (LscVec a, LscVec b) { return _mm_add_ps (a, b); }
static inline LscVec lsc_v_sub (LscVec a, LscVec b) { return _mm_sub_ps (a, b); }
static inline LscVec lsc_v_mul (LscVec a, LscVec b) { return _mm_mul_ps (a, b); }
static inline LscVec lsc_v_div (LscVec a, LscVec b) { return _mm_div_ps (a, b); }
/* a × b + c, two roundings (SSE4.1 has no FMA). */
static inline LscVec lsc_v_fmadd (LscVec a, LscVec b, LscVec c) { return _mm_add_ps (_mm_mul_ps (a, b), c); }
/* x86 semantics: b when either is NaN. */
static inline LscVec lsc_v_max (LscVec a, LscVec b) { return _mm_max_ps (a, b); }
static inline LscVec lsc_v_min (LscVec a, LscVec b) { return _mm_min_ps (a, b); }

static inline LscVec lsc_v_or (LscVec a, LscVec b) { return _mm_or_ps (a, b); }
/* ~a & b */
static inline LscVec lsc_v_andnot (LscVec a, LscVec b) { return _mm_andnot_ps (a, b); }
static inline LscVec lsc_v_and (LscVec a, LscVec b) { return _mm_and_ps (a, b); }

/* The bit pattern shifted left by 23 (an integer in the low mantissa bits
 * becomes the exponent). */
static inline LscVec
lsc_v_shl23 (LscVec a)
{
  return _mm_castsi128_ps (_mm_slli_epi32 (_mm_castps_si128 (a), 23));
}

/* Ordered comparisons: false when either is NaN. */
static inline LscVMask lsc_v_lt (LscVec a, LscVec b) { return _mm_cmplt_ps (a, b); }
static inline LscVMask lsc_v_gt (LscVec a, LscVec b) { return _mm_cmpgt_ps (a, b); }
/* Lane-wise m ? if_true : if_false. */
static inline LscVec
lsc_v_select (LscVMask m, LscVec if_false, LscVec if_true)
{
  return _mm_blendv_ps (if_false, if_true, m);
}

void lsc_f32_dwconv__sse4   (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, const float *zero,
                             const float *w, float *output, const LscMinMax *minmax);
void lsc_f32_maxpool__sse4  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, float *output,
                             const LscMinMax *minmax);
void lsc_f32_avgpool__sse4  (size_t channels, size_t output_width, size_t ks, const float *const *input,
                             size_t input_stride, size_t input_offset, const float *zero,
                             const float *multiplier, float *output, const LscMinMax *minmax);
void lsc_f32_gavgpool__sse4 (size_t rows, size_t channels, const float *input, float scale, float *output);

void lsc_f32_vadd__sse4     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vsub__sse4     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmul__sse4     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmax__sse4     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmin__sse4     (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);

void lsc_f32_vclamp__sse4   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vlrelu__sse4   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vsigmoid__sse4 (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vswish__sse4   (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vtanh__sse4    (size_t n, const float *x, float *y, const LscUnaryParams *params);

void lsc_f32_vaffine__sse4  (size_t channels, const float *x, const float *scale, const float *shift,
                             float *y, const LscMinMax *minmax);

G_END_DECLS
