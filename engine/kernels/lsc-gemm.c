#include "kernels/lsc-gemm.h"

/* Panels outer, rows inner: one packed panel (NR × K) stays in cache while
 * the tile's rows of A stream past it. */

void
lsc_gemm_compute_tile (const LscKernelTable *kernels,
                       size_t                m0,
                       size_t                mc,
                       size_t                n0,
                       size_t                nc,
                       size_t                k,
                       const float          *a,
                       size_t                lda,
                       const float          *packed,
                       float                *c,
                       size_t                ldc,
                       const LscMinMax      *minmax)
{
  const size_t mr = kernels->gemm.mr;
  const size_t nr = kernels->gemm.nr;
  const size_t panel = nr * (k + 1);

  g_assert (n0 % nr == 0);
  for (size_t n = n0; n < n0 + nc; n += nr)
    {
      const float *w = packed + n / nr * panel;
      const size_t cols = MIN (nr, n0 + nc - n);

      for (size_t m = m0; m < m0 + mc; m += mr)
        kernels->gemm.fn (MIN (mr, m0 + mc - m), cols, k, a + m * lda, lda,
                          w, c + m * ldc + n, ldc, minmax);
    }
}

void
lsc_igemm_compute_tile (const LscKernelTable *kernels,
                        size_t                m0,
                        size_t                mc,
                        size_t                n0,
                        size_t                nc,
                        size_t                kc,
                        size_t                ks,
                        const float *const   *indirection,
                        size_t                a_offset,
                        const float          *zero,
                        const float          *packed,
                        float                *c,
                        size_t                ldc,
                        const LscMinMax      *minmax)
{
  const size_t mr = kernels->igemm.mr;
  const size_t nr = kernels->igemm.nr;
  const size_t panel = nr * (ks * kc + 1);

  g_assert (n0 % nr == 0 && m0 % mr == 0);
  for (size_t n = n0; n < n0 + nc; n += nr)
    {
      const float *w = packed + n / nr * panel;
      const size_t cols = MIN (nr, n0 + nc - n);

      for (size_t m = m0; m < m0 + mc; m += mr)
        kernels->igemm.fn (MIN (mr, m0 + mc - m), cols, kc, ks,
                           indirection + m / mr * ks * mr,
                           w, c + m * ldc + n, ldc, a_offset, zero, minmax);
    }
}
