#pragma once

/* The kernel bodies in this directory are written once over the vector
 * operations of one ISA's private header (lsc-simd-<isa>.h: LscVec,
 * LSC_VLEN, lsc_v_load, …) and compiled once per ISA library: a file
 * engine/kernels/<isa>/lsc-f32-<family>-<isa>.c includes its ISA header,
 * then the family's body. Include an ISA header before this one. */

#ifndef LSC_VLEN
#error "include kernels/<isa>/lsc-simd-<isa>.h first"
#endif

/* The bodies take a constant kind / vector count and are specialised by
 * inlining, so they must always be inlined. */
#define LSC_SIMD_INLINE static inline __attribute__ ((always_inline))

/* clamp to [min, max] that keeps a NaN (x86 max / min return their second
 * operand when either is NaN), like the scalar kernels. */
LSC_SIMD_INLINE LscVec
lsc_v_clamp (LscVec v,
             LscVec vmin,
             LscVec vmax)
{
  return lsc_v_min (vmax, lsc_v_max (vmin, v));
}

/* A full vector, or the first lanes of one (`partial`, `tail` lanes): the
 * last vector of a row. */
LSC_SIMD_INLINE LscVec
lsc_v_load_part (const float *p,
                 gboolean     partial,
                 LscVTail     tail)
{
  return partial ? lsc_v_load_tail (p, tail) : lsc_v_load (p);
}

LSC_SIMD_INLINE void
lsc_v_store_part (float    *p,
                  LscVec    v,
                  gboolean  partial,
                  LscVTail  tail)
{
  if (partial)
    lsc_v_store_tail (p, v, tail);
  else
    lsc_v_store (p, v);
}
