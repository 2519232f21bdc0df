/* Elementwise add, sub, mul, max, min, avx2: the shared body over this ISA's vectors. */

#include "kernels/avx2/lsc-simd-avx2.h"

#include "kernels/simd/lsc-f32-vbinary-simd.h"
