#pragma once

/* Sigmoid and tanh on vectors: e^z by range reduction and a polynomial,
 * the approach of Cephes and XNNPACK, with coefficients fitted for this
 * file (near-minimax relative error, Lawson's iteration in double, then
 * rounded to float). Relative error against the exact functions is a few
 * ulp (the tests hold it under 1e-6); saturation and NaN are handled
 * explicitly, never by the polynomial.
 *
 * Reduction: z = n ln 2 + t with n = round (z / ln 2), |t| ≤ ln 2 / 2, so
 * e^z = 2^n e^t. ln 2 is split in a part with trailing zero bits and a
 * small rest (Cody–Waite) so that n ln 2 is exact enough without FMA. */

#include "kernels/simd/lsc-simd-common.h"

/* For z in [-126 ln 2, 0]: returns 2^n and sets *t. n is rounded by adding
 * 1.5 × 2^23 (floats there are integers), and that constant also carries
 * the exponent bias 127, so that the low bits of the sum are n + 127 and
 * shifted into the exponent field they make 2^n. */
LSC_SIMD_INLINE LscVec
lsc_v_exp_reduce (LscVec  z,
                  LscVec *t)
{
  const LscVec magic = lsc_v_set1 (0x1.8000FEp23f);
  const LscVec log2e = lsc_v_set1 (0x1.715476p+0f);
  const LscVec minus_ln2_hi = lsc_v_set1 (-0x1.62E400p-1f);
  const LscVec minus_ln2_lo = lsc_v_set1 (-0x1.7F7D1Cp-20f);
  LscVec n = lsc_v_fmadd (z, log2e, magic);
  const LscVec s = lsc_v_shl23 (n);

  n = lsc_v_sub (n, magic);
  *t = lsc_v_fmadd (n, minus_ln2_hi, z);
  *t = lsc_v_fmadd (n, minus_ln2_lo, *t);
  return s;
}

/* 1 / (1 + e^-x), computed as f = e^z / (1 + e^z) with z = -|x| (no
 * overflow, and no cancellation: for x > 0 the result is 1 - f, near 1).
 * Below z = -87.3365 e^z is not a normal float and f is flushed to 0,
 * which also gives sigmoid (±inf) = 1 / 0. A NaN stays NaN. */
LSC_SIMD_INLINE LscVec
lsc_v_sigmoid (LscVec x)
{
  const LscVec sign = lsc_v_set1 (-0.0f);
  const LscVec one = lsc_v_set1 (1.0f);
  const LscVec zero = lsc_v_zero ();
  const LscVec denorm_cutoff = lsc_v_set1 (-0x1.5D589Ep+6f);
  /* e^t ≈ 1 + t (c1 + c2 t + c3 t² + c4 t³ + c5 t⁴) on |t| ≤ ln 2 / 2. */
  const LscVec c1 = lsc_v_set1 (0x1.FFFFF6p-1f);
  const LscVec c2 = lsc_v_set1 (0x1.FFFDC6p-2f);
  const LscVec c3 = lsc_v_set1 (0x1.555A6Ap-3f);
  const LscVec c4 = lsc_v_set1 (0x1.573A54p-5f);
  const LscVec c5 = lsc_v_set1 (0x1.0FA834p-7f);
  const LscVec z = lsc_v_or (x, sign);
  LscVec t, p, e, f;
  const LscVec s = lsc_v_exp_reduce (z, &t);

  p = lsc_v_fmadd (c5, t, c4);
  p = lsc_v_fmadd (p, t, c3);
  p = lsc_v_fmadd (p, t, c2);
  p = lsc_v_fmadd (p, t, c1);
  /* 2^n (1 + t p), not 2^n + (2^n t) p: near the cutoff 2^n t is not a
   * normal float, and arithmetic on those is slow (the whole kernel was
   * 2.6 times slower on x in [-87, -86.6] on Zen 4). */
  e = lsc_v_mul (s, lsc_v_fmadd (t, p, one));
  f = lsc_v_div (e, lsc_v_add (e, one));
  f = lsc_v_select (lsc_v_lt (z, denorm_cutoff), f, zero);
  return lsc_v_select (lsc_v_gt (x, zero), f, lsc_v_sub (one, f));
}

/* tanh |x| = -expm1 (z) / (2 + expm1 (z)) with z = -2|x|, then x's sign.
 * expm1 and not e^z - 1, which would cancel for small |x|:
 * expm1 (z) = 2^n expm1 (t) + (2^n - 1), exact for n = 0. z is clamped
 * at -19, where the result rounds to 1, which also covers ±inf. A NaN
 * stays NaN (max returns its second operand, z, when it is NaN). */
LSC_SIMD_INLINE LscVec
lsc_v_tanh (LscVec x)
{
  const LscVec sign = lsc_v_set1 (-0.0f);
  const LscVec one = lsc_v_set1 (1.0f);
  const LscVec minus_two = lsc_v_set1 (-2.0f);
  const LscVec sat = lsc_v_set1 (-19.0f);
  /* expm1 (t) ≈ t + t² (c2 + c3 t + c4 t² + c5 t³ + c6 t⁴) on |t| ≤ ln 2 / 2. */
  const LscVec c2 = lsc_v_set1 (0x1.FFFFFEp-2f);
  const LscVec c3 = lsc_v_set1 (0x1.5554B0p-3f);
  const LscVec c4 = lsc_v_set1 (0x1.555674p-5f);
  const LscVec c5 = lsc_v_set1 (0x1.122768p-7f);
  const LscVec c6 = lsc_v_set1 (0x1.6BEC08p-10f);
  const LscVec minus_abs = lsc_v_or (x, sign);
  const LscVec z = lsc_v_max (sat, lsc_v_add (minus_abs, minus_abs));
  LscVec t, q, em1, y;
  const LscVec s = lsc_v_exp_reduce (z, &t);

  q = lsc_v_fmadd (c6, t, c5);
  q = lsc_v_fmadd (q, t, c4);
  q = lsc_v_fmadd (q, t, c3);
  q = lsc_v_fmadd (q, t, c2);
  q = lsc_v_fmadd (lsc_v_mul (t, t), q, t);                 /* expm1 (t) */
  em1 = lsc_v_fmadd (s, q, lsc_v_sub (s, one));
  y = lsc_v_div (em1, lsc_v_sub (minus_two, em1));          /* tanh |x|, ± 0 */
  return lsc_v_or (lsc_v_andnot (sign, y), lsc_v_and (sign, x));
}
