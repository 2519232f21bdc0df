#include "kernels/scalar/lsc-kernels-scalar.h"
#include "kernels/avx2/lsc-simd-avx2.h"
#include "kernels/avx2/lsc-gemm-avx2.h"

/* The avx2 table: its own kernels where it has them, the scalar ones
 * elsewhere (their names say so). */
const LscKernelTable lsc_kernels_avx2 = {
  .isa = LSC_ISA_AVX2,
  .gemm = { lsc_f32_gemm_6x16__avx2, "f32_gemm_6x16__avx2", 6, 16 },
  .igemm = { lsc_f32_igemm_6x16__avx2, "f32_igemm_6x16__avx2", 6, 16 },
  .dwconv = LSC_KERNEL (f32_dwconv__avx2),
  .maxpool = LSC_KERNEL (f32_maxpool__avx2),
  .avgpool = LSC_KERNEL (f32_avgpool__avx2),
  .gavgpool = LSC_KERNEL (f32_gavgpool__avx2),
  .vadd = LSC_KERNEL (f32_vadd__avx2),
  .vsub = LSC_KERNEL (f32_vsub__avx2),
  .vmul = LSC_KERNEL (f32_vmul__avx2),
  .vmax = LSC_KERNEL (f32_vmax__avx2),
  .vmin = LSC_KERNEL (f32_vmin__avx2),
  .vclamp = LSC_KERNEL (f32_vclamp__avx2),
  .vlrelu = LSC_KERNEL (f32_vlrelu__avx2),
  .vsigmoid = LSC_KERNEL (f32_vsigmoid__avx2),
  .vswish = LSC_KERNEL (f32_vswish__avx2),
  .vtanh = LSC_KERNEL (f32_vtanh__avx2),
  .vaffine = LSC_KERNEL (f32_vaffine__avx2),
};
