#pragma once

/* The microkernel contract: what every instruction set provides, with the
 * data layouts the planner prepares for them. One LscKernelTable per ISA
 * (engine/kernels/<isa>/lsc-kernels-<isa>.c), each compiled with its own
 * flags; the planner picks a table at run time with lsc_kernels_for_isa().
 *
 * All tensors are float32, channels last. Strides are in elements. A
 * microkernel never writes outside the rows × columns it was given. */

#include <stddef.h>
#include <glib.h>

#include "kernels/lsc-isa.h"

G_BEGIN_DECLS

/* The fused epilogue every output-producing kernel applies: clamp to
 * [min, max] (linear: ±INFINITY, ReLU: [0, ∞), ReLU6: [0, 6]). */
typedef struct
{
  float min;
  float max;
} LscMinMax;

/* Parameters of the elementwise unary kernels (which ones are used depends
 * on the kernel: slope for leaky ReLU, min / max for clamp). */
typedef struct
{
  float min;
  float max;
  float slope;
} LscUnaryParams;

/* GEMM: C[mr × nc] = clamp (A[mr × kc] · B + bias).
 * w is one packed panel of NR columns (lsc_pack_gemm): NR bias values, then
 * kc rows of NR weights. mr ≤ MR, nc ≤ NR (the columns past nc in the panel
 * are zero padding and are not stored). */
typedef void (*LscGemmUkernel)   (size_t            mr,
                                  size_t            nc,
                                  size_t            kc,
                                  const float      *a,
                                  size_t            a_stride,
                                  const float      *w,
                                  float            *c,
                                  size_t            c_stride,
                                  const LscMinMax  *minmax);

/* Indirect GEMM (convolution): like GEMM with K = ks × kc, where row r of A
 * for tap t is the kc floats at a[t × MR + r] (+ a_offset unless that
 * pointer is `zero`, a buffer of kc zeros standing for padding). Pointers of
 * rows r ≥ mr are not read. w is packed as for GEMM with K = ks × kc, tap
 * major (the Keras (kh, kw, cin, cout) kernel order). */
typedef void (*LscIgemmUkernel)  (size_t              mr,
                                  size_t              nc,
                                  size_t              kc,
                                  size_t              ks,
                                  const float *const *a,
                                  const float        *w,
                                  float              *c,
                                  size_t              c_stride,
                                  size_t              a_offset,
                                  const float        *zero,
                                  const LscMinMax    *minmax);

/* Depthwise convolution (multiplier 1) of output_width pixels of one output
 * row: pixel x reads its ks taps at input[x × input_stride + t] (each a
 * pointer to `channels` floats, + input_offset unless it is `zero`), and
 * writes `channels` floats at output + x × channels.
 * w (lsc_pack_dwconv): channels bias values, then ks × channels weights. */
typedef void (*LscDwconvUkernel) (size_t              channels,
                                  size_t              output_width,
                                  size_t              ks,
                                  const float *const *input,
                                  size_t              input_stride,
                                  size_t              input_offset,
                                  const float        *zero,
                                  const float        *w,
                                  float              *output,
                                  const LscMinMax    *minmax);

/* Max pooling, same input layout as dwconv. Padding taps must point at a
 * valid tap of the same window (max ignores duplicates), never at zeros. */
typedef void (*LscMaxpoolUkernel) (size_t              channels,
                                   size_t              output_width,
                                   size_t              ks,
                                   const float *const *input,
                                   size_t              input_stride,
                                   size_t              input_offset,
                                   float              *output,
                                   const LscMinMax    *minmax);

/* Average pooling, same input layout as dwconv; padding taps point at
 * `zero` and multiplier[x] is 1 / (valid taps of pixel x), as Keras
 * divides by the valid cells only. */
typedef void (*LscAvgpoolUkernel) (size_t              channels,
                                   size_t              output_width,
                                   size_t              ks,
                                   const float *const *input,
                                   size_t              input_stride,
                                   size_t              input_offset,
                                   const float        *zero,
                                   const float        *multiplier,
                                   float              *output,
                                   const LscMinMax    *minmax);

/* Global average pooling: output[c] = scale × Σ_r input[r × channels + c]. */
typedef void (*LscGavgpoolUkernel) (size_t          rows,
                                    size_t          channels,
                                    const float    *input,
                                    float           scale,
                                    float          *output);

/* y[i] = clamp (a[i] op b[i]) for i < n; y may alias a or b. */
typedef void (*LscVbinaryUkernel) (size_t           n,
                                   const float     *a,
                                   const float     *b,
                                   float           *y,
                                   const LscMinMax *minmax);

/* y[i] = f (x[i]) for i < n; y may alias x. */
typedef void (*LscVunaryUkernel)  (size_t                n,
                                   const float          *x,
                                   float                *y,
                                   const LscUnaryParams *params);

/* One row of a per-channel affine map (BatchNormalization at inference):
 * y[c] = clamp (x[c] × scale[c] + shift[c]); y may alias x. */
typedef void (*LscVaffineUkernel) (size_t           channels,
                                   const float     *x,
                                   const float     *scale,
                                   const float     *shift,
                                   float           *y,
                                   const LscMinMax *minmax);

/* A kernel with the name recorded per layer, "f32_gemm_6x32__avx512". */
#define LSC_KERNEL_ENTRY(type) struct { type fn; const char *name; }

typedef struct
{
  LscIsa isa;

  /* GEMM and IGEMM share NR (and so the packed weights); MR may differ. */
  struct { LscGemmUkernel fn; const char *name; guint mr, nr; } gemm;
  struct { LscIgemmUkernel fn; const char *name; guint mr, nr; } igemm;

  LSC_KERNEL_ENTRY (LscDwconvUkernel)   dwconv;
  LSC_KERNEL_ENTRY (LscMaxpoolUkernel)  maxpool;
  LSC_KERNEL_ENTRY (LscAvgpoolUkernel)  avgpool;
  LSC_KERNEL_ENTRY (LscGavgpoolUkernel) gavgpool;

  LSC_KERNEL_ENTRY (LscVbinaryUkernel)  vadd;
  LSC_KERNEL_ENTRY (LscVbinaryUkernel)  vsub;
  LSC_KERNEL_ENTRY (LscVbinaryUkernel)  vmul;
  LSC_KERNEL_ENTRY (LscVbinaryUkernel)  vmax;
  LSC_KERNEL_ENTRY (LscVbinaryUkernel)  vmin;

  LSC_KERNEL_ENTRY (LscVunaryUkernel)   vclamp;     /* min, max */
  LSC_KERNEL_ENTRY (LscVunaryUkernel)   vlrelu;     /* slope */
  LSC_KERNEL_ENTRY (LscVunaryUkernel)   vsigmoid;
  LSC_KERNEL_ENTRY (LscVunaryUkernel)   vswish;     /* x · sigmoid (x) */
  LSC_KERNEL_ENTRY (LscVunaryUkernel)   vtanh;

  LSC_KERNEL_ENTRY (LscVaffineUkernel)  vaffine;
} LscKernelTable;

/* An entry for lsc_<id>, named "<id>": LSC_KERNEL (f32_vadd__scalar). */
#define LSC_KERNEL(id) { lsc_##id, #id }

/* The table for an ISA (which must be supported: lsc_isa_is_supported). */
const LscKernelTable *lsc_kernels_for_isa (LscIsa isa);

/* The tables themselves, for tests that run every variant. */
extern const LscKernelTable lsc_kernels_scalar;
extern const LscKernelTable lsc_kernels_sse4;
extern const LscKernelTable lsc_kernels_avx2;
extern const LscKernelTable lsc_kernels_avx512;

G_END_DECLS
