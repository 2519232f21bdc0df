#include "kernels/scalar/lsc-kernels-scalar.h"
#include "kernels/sse4/lsc-simd-sse4.h"
#include "kernels/sse4/lsc-gemm-sse4.h"

/* The sse4 table: its own kernels where it has them, the scalar ones
 * elsewhere (their names say so). */
const LscKernelTable lsc_kernels_sse4 = {
  .isa = LSC_ISA_SSE4,
  .gemm = { lsc_f32_gemm_4x8__sse4, "f32_gemm_4x8__sse4", 4, 8 },
  .igemm = { lsc_f32_igemm_4x8__sse4, "f32_igemm_4x8__sse4", 4, 8 },
  .dwconv = LSC_KERNEL (f32_dwconv__sse4),
  .maxpool = LSC_KERNEL (f32_maxpool__sse4),
  .avgpool = LSC_KERNEL (f32_avgpool__sse4),
  .gavgpool = LSC_KERNEL (f32_gavgpool__sse4),
  .vadd = LSC_KERNEL (f32_vadd__sse4),
  .vsub = LSC_KERNEL (f32_vsub__sse4),
  .vmul = LSC_KERNEL (f32_vmul__sse4),
  .vmax = LSC_KERNEL (f32_vmax__sse4),
  .vmin = LSC_KERNEL (f32_vmin__sse4),
  .vclamp = LSC_KERNEL (f32_vclamp__sse4),
  .vlrelu = LSC_KERNEL (f32_vlrelu__sse4),
  .vsigmoid = LSC_KERNEL (f32_vsigmoid__sse4),
  .vswish = LSC_KERNEL (f32_vswish__sse4),
  .vtanh = LSC_KERNEL (f32_vtanh__sse4),
  .vaffine = LSC_KERNEL (f32_vaffine__sse4),
};
