#include "probe/lsc-probe-loops.h"

const LscProbeLoops *
lsc_probe_loops_for_isa (LscIsa isa)
{
  static const LscProbeLoops *const loops[LSC_ISA_COUNT] = {
    [LSC_ISA_SCALAR] = &lsc_probe_loops_scalar,
#ifdef LSC_HAVE_SIMD_KERNELS
    [LSC_ISA_SSE4] = &lsc_probe_loops_sse4,
    [LSC_ISA_AVX2] = &lsc_probe_loops_avx2,
    [LSC_ISA_AVX512] = &lsc_probe_loops_avx512,
#endif
  };

  g_return_val_if_fail (isa < LSC_ISA_COUNT, NULL);
  return loops[isa];
}
