#include "kernels/scalar/lsc-kernels-scalar.h"
#include "kernels/sse4/lsc-gemm-sse4.h"

/* The sse4 table: its own kernels where it has them, the scalar ones
 * elsewhere (their names say so). */
const LscKernelTable lsc_kernels_sse4 = {
  .isa = LSC_ISA_SSE4,
  .gemm = { lsc_f32_gemm_4x8__sse4, "f32_gemm_4x8__sse4", 4, 8 },
  .igemm = { lsc_f32_igemm_4x8__sse4, "f32_igemm_4x8__sse4", 4, 8 },
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
