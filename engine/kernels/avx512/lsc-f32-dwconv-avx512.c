/* Depthwise convolution, avx512: the shared body over this ISA's vectors. */

#include "kernels/avx512/lsc-simd-avx512.h"

#include "kernels/simd/lsc-f32-dwconv-simd.h"
