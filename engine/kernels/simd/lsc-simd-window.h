#pragma once

/* The body shared by depthwise convolution, max pooling and average
 * pooling: one output row through an indirection buffer of tap pointers
 * (lsc-kernels.h). For each output pixel, the channels go in register
 * blocks of 4, 2, 1 vectors and a partial one; a block accumulates all the
 * taps in registers, applies the epilogue and is stored once. The kernels
 * are bound by loads (ks inputs and, for dwconv, ks weights per output), so
 * the block is kept simple.
 *
 * The tap pointers of a pixel are resolved (offset, or the zero buffer)
 * once into a stack array of at most LSC_WINDOW_CHUNK; a larger window is
 * done in several passes that keep the partial results in the output and
 * apply the epilogue in the last pass only. */

#include <math.h>

#include "kernels/simd/lsc-simd-common.h"

typedef enum
{
  LSC_WINDOW_DWCONV,    /* bias + Σ tap × weight */
  LSC_WINDOW_MAX,       /* max over taps (no zero taps) */
  LSC_WINDOW_AVG,       /* multiplier × Σ tap */
} LscWindowKind;

#define LSC_WINDOW_CHUNK 32

/* Channels [c, c + nv × LSC_VLEN), the last vector only `tail` lanes when
 * `partial`. The accumulators start from `init` (bias, first tap or the
 * previous pass's partial result), or zero when it is NULL; k (dwconv
 * only) is the first tap's weights. */
LSC_SIMD_INLINE void
window_block (LscWindowKind       kind,
              int                 nv,
              gboolean            partial,
              LscVTail            tail,
              size_t              c,
              size_t              channels,
              size_t              nt,
              const float *const *taps,
              const float        *init,
              const float        *k,
              float              *out,
              LscVec              vscale,
              LscVec              vmin,
              LscVec              vmax)
{
  LscVec acc[4];

  for (int j = 0; j < nv; j++)
    acc[j] = init != NULL ? lsc_v_load_part (init + c + j * LSC_VLEN, partial && j == nv - 1, tail)
                          : lsc_v_zero ();

  if (kind == LSC_WINDOW_DWCONV)
    k += c;
  for (size_t t = 0; t < nt; t++)
    {
      const float *in = taps[t] + c;

      for (int j = 0; j < nv; j++)
        {
          const gboolean part = partial && j == nv - 1;
          const LscVec v = lsc_v_load_part (in + j * LSC_VLEN, part, tail);

          switch (kind)
            {
            case LSC_WINDOW_DWCONV:
              acc[j] = lsc_v_fmadd (v, lsc_v_load_part (k + j * LSC_VLEN, part, tail), acc[j]);
              break;
            case LSC_WINDOW_MAX:
              /* A NaN accumulator stays NaN, a NaN tap is skipped: the
               * scalar kernel's `in > acc ? in : acc`. */
              acc[j] = lsc_v_max (v, acc[j]);
              break;
            case LSC_WINDOW_AVG:
              acc[j] = lsc_v_add (acc[j], v);
              break;
            }
        }
      if (kind == LSC_WINDOW_DWCONV)
        k += channels;
    }

  for (int j = 0; j < nv; j++)
    {
      LscVec v = acc[j];

      if (kind == LSC_WINDOW_AVG)
        v = lsc_v_mul (v, vscale);
      v = lsc_v_clamp (v, vmin, vmax);
      lsc_v_store_part (out + c + j * LSC_VLEN, v, partial && j == nv - 1, tail);
    }
}

/* One pass of nt taps over all the channels of one pixel. */
LSC_SIMD_INLINE void
window_pass (LscWindowKind       kind,
             size_t              channels,
             size_t              nt,
             const float *const *taps,
             const float        *init,
             const float        *k,
             float              *out,
             LscVec              vscale,
             LscVec              vmin,
             LscVec              vmax)
{
  const LscVTail none = lsc_v_tail (1);
  size_t c = 0;

  for (; c + 4 * LSC_VLEN <= channels; c += 4 * LSC_VLEN)
    window_block (kind, 4, FALSE, none, c, channels, nt, taps, init, k, out, vscale, vmin, vmax);
  if (c + 2 * LSC_VLEN <= channels)
    {
      window_block (kind, 2, FALSE, none, c, channels, nt, taps, init, k, out, vscale, vmin, vmax);
      c += 2 * LSC_VLEN;
    }
  if (c + LSC_VLEN <= channels)
    {
      window_block (kind, 1, FALSE, none, c, channels, nt, taps, init, k, out, vscale, vmin, vmax);
      c += LSC_VLEN;
    }
  if (c < channels)
    window_block (kind, 1, TRUE, lsc_v_tail (channels - c), c, channels, nt, taps, init, k, out,
                  vscale, vmin, vmax);
}

/* A whole output row. w: dwconv's packed weights (bias, then ks × channels);
 * multiplier: avg's per-pixel scale; zero: NULL for max (whose padding taps
 * point at valid cells and always take the offset). Max needs ks ≥ 1. */
LSC_SIMD_INLINE void
window_row (LscWindowKind       kind,
            size_t              channels,
            size_t              output_width,
            size_t              ks,
            const float *const *input,
            size_t              input_stride,
            size_t              input_offset,
            const float        *zero,
            const float        *w,
            const float        *multiplier,
            float              *output,
            const LscMinMax    *minmax)
{
  const LscVec vmin = lsc_v_set1 (minmax->min);
  const LscVec vmax = lsc_v_set1 (minmax->max);
  const LscVec vnone_min = lsc_v_set1 (-INFINITY);
  const LscVec vnone_max = lsc_v_set1 (INFINITY);
  const LscVec vone = lsc_v_set1 (1.0f);

  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    {
      size_t t0 = 0;

      /* At least one pass, so that ks = 0 still writes bias / zeros. */
      do
        {
          const float *taps[LSC_WINDOW_CHUNK];
          const size_t nt = MIN (ks - t0, LSC_WINDOW_CHUNK);
          const gboolean last = t0 + nt == ks;
          const float *const *first = taps;
          size_t n = nt;
          const float *init;

          for (size_t t = 0; t < nt; t++)
            {
              const float *p = input[t0 + t];

              taps[t] = kind != LSC_WINDOW_MAX && p == zero ? zero : p + input_offset;
            }

          if (t0 > 0)
            init = output;
          else if (kind == LSC_WINDOW_DWCONV)
            init = w;
          else if (kind == LSC_WINDOW_MAX)
            {
              init = taps[0];
              first++;
              n--;
            }
          else
            init = NULL;

          window_pass (kind, channels, n, first, init,
                       w != NULL ? w + channels + t0 * channels : NULL, output,
                       last && multiplier != NULL ? lsc_v_set1 (multiplier[x]) : vone,
                       last ? vmin : vnone_min, last ? vmax : vnone_max);
          t0 += nt;
        }
      while (t0 < ks);
    }
}
