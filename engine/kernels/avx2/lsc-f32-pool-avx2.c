/* Max, average and global average pooling, avx2: the shared body over this ISA's vectors. */

#include "kernels/avx2/lsc-simd-avx2.h"

#include "kernels/simd/lsc-f32-pool-simd.h"
