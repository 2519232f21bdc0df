#pragma once

/* y = clamp (x × scale + shift) per channel (LscVaffineUkernel) for the
 * including ISA. y may be x. */

#include "kernels/simd/lsc-simd-common.h"

LSC_SIMD_INLINE void
vaffine_block (int              nv,
               gboolean         partial,
               LscVTail         tail,
               const float     *x,
               const float     *scale,
               const float     *shift,
               float           *y,
               LscVec           vmin,
               LscVec           vmax)
{
  LscVec r[4];

  for (int j = 0; j < nv; j++)
    {
      const gboolean part = partial && j == nv - 1;

      r[j] = lsc_v_fmadd (lsc_v_load_part (x + j * LSC_VLEN, part, tail),
                          lsc_v_load_part (scale + j * LSC_VLEN, part, tail),
                          lsc_v_load_part (shift + j * LSC_VLEN, part, tail));
    }
  for (int j = 0; j < nv; j++)
    lsc_v_store_part (y + j * LSC_VLEN, lsc_v_clamp (r[j], vmin, vmax), partial && j == nv - 1, tail);
}

void
LSC_SIMD_KERNEL (vaffine) (size_t           channels,
                           const float     *x,
                           const float     *scale,
                           const float     *shift,
                           float           *y,
                           const LscMinMax *minmax)
{
  const LscVec vmin = lsc_v_set1 (minmax->min);
  const LscVec vmax = lsc_v_set1 (minmax->max);
  const LscVTail none = lsc_v_tail (1);
  size_t n = channels;

  for (; n >= 4 * LSC_VLEN; n -= 4 * LSC_VLEN)
    {
      vaffine_block (4, FALSE, none, x, scale, shift, y, vmin, vmax);
      x += 4 * LSC_VLEN, scale += 4 * LSC_VLEN, shift += 4 * LSC_VLEN, y += 4 * LSC_VLEN;
    }
  for (; n >= LSC_VLEN; n -= LSC_VLEN)
    {
      vaffine_block (1, FALSE, none, x, scale, shift, y, vmin, vmax);
      x += LSC_VLEN, scale += LSC_VLEN, shift += LSC_VLEN, y += LSC_VLEN;
    }
  if (n > 0)
    vaffine_block (1, TRUE, lsc_v_tail (n), x, scale, shift, y, vmin, vmax);
}
