#pragma once

/* Drivers that cover a tile of a whole GEMM / convolution with a table's
 * microkernels. A tile is a range of rows (output pixels) and a range of
 * columns (output channels) whose start is a multiple of NR; the planner
 * splits an operation into tiles and hands them to the thread pool. */

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

/* C[m0 .. m0+mc, n0 .. n0+nc] = clamp (A · W + bias), A is M × k with rows
 * lda apart, packed by lsc_pack_gemm with the table's gemm.nr. */
void lsc_gemm_compute_tile  (const LscKernelTable *kernels,
                             size_t                m0,
                             size_t                mc,
                             size_t                n0,
                             size_t                nc,
                             size_t                k,
                             const float          *a,
                             size_t                lda,
                             const float          *packed,
                             float                *c,
                             size_t                ldc,
                             const LscMinMax      *minmax);

/* The same for a convolution through an indirection buffer: output pixel m
 * of tap t reads indirection[(m / MR × ks + t) × MR + m % MR] (MR the
 * table's igemm.mr; m0 must be a multiple of it), K = ks × kc. */
void lsc_igemm_compute_tile (const LscKernelTable *kernels,
                             size_t                m0,
                             size_t                mc,
                             size_t                n0,
                             size_t                nc,
                             size_t                kc,
                             size_t                ks,
                             const float *const   *indirection,
                             size_t                a_offset,
                             const float          *zero,
                             const float          *packed,
                             float                *c,
                             size_t                ldc,
                             const LscMinMax      *minmax);

G_END_DECLS
