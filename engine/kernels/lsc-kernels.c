#include "kernels/lsc-kernels.h"

const LscKernelTable *
lsc_kernels_for_isa (LscIsa isa)
{
  static const LscKernelTable *const tables[LSC_ISA_COUNT] = {
    [LSC_ISA_SCALAR] = &lsc_kernels_scalar,
#ifdef LSC_HAVE_SIMD_KERNELS
    [LSC_ISA_SSE4] = &lsc_kernels_sse4,
    [LSC_ISA_AVX2] = &lsc_kernels_avx2,
    [LSC_ISA_AVX512] = &lsc_kernels_avx512,
#endif
  };

  g_return_val_if_fail (isa < LSC_ISA_COUNT, &lsc_kernels_scalar);
  g_return_val_if_fail (lsc_isa_is_supported (isa), &lsc_kernels_scalar);
  return tables[isa] != NULL ? tables[isa] : &lsc_kernels_scalar;
}
