#include "kernels/scalar/lsc-kernels-scalar.h"
#include "kernels/avx2/lsc-gemm-avx2.h"

/* The avx2 table: its own kernels where it has them, the scalar ones
 * elsewhere (their names say so). */
const LscKernelTable lsc_kernels_avx2 = {
  .isa = LSC_ISA_AVX2,
  .gemm = { lsc_f32_gemm_6x16__avx2, "f32_gemm_6x16__avx2", 6, 16 },
  .igemm = { lsc_f32_igemm_6x16__avx2, "f32_igemm_6x16__avx2", 6, 16 },
  .dwconv = LSC_KERNEL (f32_dwconv__scalar),
  .maxpool = LSC_KERNEL (f32_maxpool__scalar),
  .avgpool = LSC_KERNEL (f32_avgpool__scalar),
  .gavgpool = LSC_KERNEL (f32_gavgpool__scalar),
  .vadd = LSC_KERNEL (f32_vadd__scalar),
  .vsub = LSC_KERNEL (f32_vsub__scalar),
  .vmul = LSC_KERNEL (f32_vmul__scalar),
  .vmax = LSC_KERNEL (f32_vmax__scalar),
  .vmin = LSC_KERNEL (f32_vmin__scalar),
  .vclamp = LSC_KERNEL (f32_vclamp__scalar),
  .vlrelu = LSC_KERNEL (f32_vlrelu__scalar),
  .vsigmoid = LSC_KERNEL (f32_vsigmoid__scalar),
  .vswish = LSC_KERNEL (f32_vswish__scalar),
  .vtanh = LSC_KERNEL (f32_vtanh__scalar),
  .vaffine = LSC_KERNEL (f32_vaffine__scalar),
};
