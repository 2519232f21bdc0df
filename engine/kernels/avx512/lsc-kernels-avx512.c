#include "kernels/scalar/lsc-kernels-scalar.h"
#include "kernels/avx512/lsc-simd-avx512.h"
#include "kernels/avx512/lsc-gemm-avx512.h"

/* The avx512 table: its own kernels where it has them, the scalar ones
 * elsewhere (their names say so). */
const LscKernelTable lsc_kernels_avx512 = {
  .isa = LSC_ISA_AVX512,
  .gemm = { lsc_f32_gemm_7x32__avx512, "f32_gemm_7x32__avx512", 7, 32 },
  .igemm = { lsc_f32_igemm_7x32__avx512, "f32_igemm_7x32__avx512", 7, 32 },
  .dwconv = LSC_KERNEL (f32_dwconv__avx512),
  .maxpool = LSC_KERNEL (f32_maxpool__avx512),
  .avgpool = LSC_KERNEL (f32_avgpool__avx512),
  .gavgpool = LSC_KERNEL (f32_gavgpool__avx512),
  .vadd = LSC_KERNEL (f32_vadd__avx512),
  .vsub = LSC_KERNEL (f32_vsub__avx512),
  .vmul = LSC_KERNEL (f32_vmul__avx512),
  .vmax = LSC_KERNEL (f32_vmax__avx512),
  .vmin = LSC_KERNEL (f32_vmin__avx512),
  .vclamp = LSC_KERNEL (f32_vclamp__avx512),
  .vlrelu = LSC_KERNEL (f32_vlrelu__avx512),
  .vsigmoid = LSC_KERNEL (f32_vsigmoid__avx512),
  .vswish = LSC_KERNEL (f32_vswish__avx512),
  .vtanh = LSC_KERNEL (f32_vtanh__avx512),
  .vaffine = LSC_KERNEL (f32_vaffine__avx512),
};
