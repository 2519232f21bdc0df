#pragma once

/* y = f (x) (LscVunaryUkernel) for the including ISA: clamp, leaky ReLU,
 * sigmoid, swish, tanh. y may be x. */

#include "kernels/simd/lsc-simd-math.h"

typedef enum
{
  LSC_VUNARY_CLAMP,
  LSC_VUNARY_LRELU,
  LSC_VUNARY_SIGMOID,
  LSC_VUNARY_SWISH,
  LSC_VUNARY_TANH,
} LscVunaryOp;

LSC_SIMD_INLINE LscVec
vunary_op (LscVunaryOp op,
           LscVec      x,
           LscVec      vmin,
           LscVec      vmax,
           LscVec      vslope)
{
  switch (op)
    {
    case LSC_VUNARY_CLAMP:
      return lsc_v_clamp (x, vmin, vmax);
    case LSC_VUNARY_LRELU:
      /* x < 0 exactly as the scalar kernel: -0 and NaN pass unscaled. */
      return lsc_v_select (lsc_v_lt (x, lsc_v_zero ()), x, lsc_v_mul (x, vslope));
    case LSC_VUNARY_SIGMOID:
      return lsc_v_sigmoid (x);
    case LSC_VUNARY_SWISH:
      return lsc_v_mul (x, lsc_v_sigmoid (x));
    case LSC_VUNARY_TANH:
    default:
      return lsc_v_tanh (x);
    }
}

LSC_SIMD_INLINE void
vunary (LscVunaryOp           op,
        size_t                n,
        const float          *x,
        float                *y,
        const LscUnaryParams *params)
{
  const gboolean clamp = op == LSC_VUNARY_CLAMP;
  const LscVec vmin = lsc_v_set1 (clamp ? params->min : 0.0f);
  const LscVec vmax = lsc_v_set1 (clamp ? params->max : 0.0f);
  const LscVec vslope = lsc_v_set1 (op == LSC_VUNARY_LRELU ? params->slope : 0.0f);

  /* Two vectors a step: the transcendental ones are long dependency
   * chains, and two give the core independent work. */
  for (; n >= 2 * LSC_VLEN; n -= 2 * LSC_VLEN, x += 2 * LSC_VLEN, y += 2 * LSC_VLEN)
    {
      const LscVec a = vunary_op (op, lsc_v_load (x), vmin, vmax, vslope);
      const LscVec b = vunary_op (op, lsc_v_load (x + LSC_VLEN), vmin, vmax, vslope);

      lsc_v_store (y, a);
      lsc_v_store (y + LSC_VLEN, b);
    }
  if (n >= LSC_VLEN)
    {
      lsc_v_store (y, vunary_op (op, lsc_v_load (x), vmin, vmax, vslope));
      n -= LSC_VLEN, x += LSC_VLEN, y += LSC_VLEN;
    }
  if (n > 0)
    {
      const LscVTail tail = lsc_v_tail (n);

      lsc_v_store_tail (y, vunary_op (op, lsc_v_load_tail (x, tail), vmin, vmax, vslope), tail);
    }
}

/* params may be NULL for the ones without parameters. */
#define LSC_DEFINE_VUNARY(name, op)                                                       \
  void                                                                                    \
  LSC_SIMD_KERNEL (name) (size_t n, const float *x, float *y, const LscUnaryParams *params) \
  {                                                                                       \
    vunary (op, n, x, y, params);                                                         \
  }

LSC_DEFINE_VUNARY (vclamp, LSC_VUNARY_CLAMP)
LSC_DEFINE_VUNARY (vlrelu, LSC_VUNARY_LRELU)
LSC_DEFINE_VUNARY (vsigmoid, LSC_VUNARY_SIGMOID)
LSC_DEFINE_VUNARY (vswish, LSC_VUNARY_SWISH)
LSC_DEFINE_VUNARY (vtanh, LSC_VUNARY_TANH)
