/* Elementwise add, sub, mul, max, min, sse4: the shared body over this ISA's vectors. */

#include "kernels/sse4/lsc-simd-sse4.h"

#include "kernels/simd/lsc-f32-vbinary-simd.h"
