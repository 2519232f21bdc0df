#pragma once

/* y = clamp (a op b) (LscVbinaryUkernel) for the including ISA: add, sub,
 * mul, max, min. y may be a or b: every vector is loaded before the same
 * vector is stored. */

#include "kernels/simd/lsc-simd-common.h"

typedef enum
{
  LSC_VBINARY_ADD,
  LSC_VBINARY_SUB,
  LSC_VBINARY_MUL,
  LSC_VBINARY_MAX,
  LSC_VBINARY_MIN,
} LscVbinaryOp;

LSC_SIMD_INLINE LscVec
vbinary_op (LscVbinaryOp op,
            LscVec       a,
            LscVec       b)
{
  switch (op)
    {
    case LSC_VBINARY_ADD:
      return lsc_v_add (a, b);
    case LSC_VBINARY_SUB:
      return lsc_v_sub (a, b);
    case LSC_VBINARY_MUL:
      return lsc_v_mul (a, b);
    /* b when either is NaN, as the scalar `a > b ? a : b`. */
    case LSC_VBINARY_MAX:
      return lsc_v_max (a, b);
    case LSC_VBINARY_MIN:
    default:
      return lsc_v_min (a, b);
    }
}

/* nv vectors at i, the last one `tail` lanes when partial. */
LSC_SIMD_INLINE void
vbinary_block (LscVbinaryOp  op,
               int           nv,
               gboolean      partial,
               LscVTail      tail,
               const float  *a,
               const float  *b,
               float        *y,
               LscVec        vmin,
               LscVec        vmax)
{
  LscVec r[4];

  for (int j = 0; j < nv; j++)
    {
      const gboolean part = partial && j == nv - 1;

      r[j] = vbinary_op (op, lsc_v_load_part (a + j * LSC_VLEN, part, tail),
                         lsc_v_load_part (b + j * LSC_VLEN, part, tail));
    }
  for (int j = 0; j < nv; j++)
    lsc_v_store_part (y + j * LSC_VLEN, lsc_v_clamp (r[j], vmin, vmax), partial && j == nv - 1, tail);
}

LSC_SIMD_INLINE void
vbinary (LscVbinaryOp     op,
         size_t           n,
         const float     *a,
         const float     *b,
         float           *y,
         const LscMinMax *minmax)
{
  const LscVec vmin = lsc_v_set1 (minmax->min);
  const LscVec vmax = lsc_v_set1 (minmax->max);
  const LscVTail none = lsc_v_tail (1);

  for (; n >= 4 * LSC_VLEN; n -= 4 * LSC_VLEN, a += 4 * LSC_VLEN, b += 4 * LSC_VLEN, y += 4 * LSC_VLEN)
    vbinary_block (op, 4, FALSE, none, a, b, y, vmin, vmax);
  for (; n >= LSC_VLEN; n -= LSC_VLEN, a += LSC_VLEN, b += LSC_VLEN, y += LSC_VLEN)
    vbinary_block (op, 1, FALSE, none, a, b, y, vmin, vmax);
  if (n > 0)
    vbinary_block (op, 1, TRUE, lsc_v_tail (n), a, b, y, vmin, vmax);
}

#define LSC_DEFINE_VBINARY(name, op)                                                      \
  void                                                                                    \
  LSC_SIMD_KERNEL (name) (size_t n, const float *a, const float *b, float *y,             \
                          const LscMinMax *minmax)                                        \
  {                                                                                       \
    vbinary (op, n, a, b, y, minmax);                                                     \
  }

LSC_DEFINE_VBINARY (vadd, LSC_VBINARY_ADD)
LSC_DEFINE_VBINARY (vsub, LSC_VBINARY_SUB)
LSC_DEFINE_VBINARY (vmul, LSC_VBINARY_MUL)
LSC_DEFINE_VBINARY (vmax, LSC_VBINARY_MAX)
LSC_DEFINE_VBINARY (vmin, LSC_VBINARY_MIN)
