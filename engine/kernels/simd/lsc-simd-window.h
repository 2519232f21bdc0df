/* The body shared by depthwise convolution, max pooling and average
 * pooling: one output row through an indirection buffer of tap pointers
 * (lsc-kernels.h). The channels go in register blocks of 4, 2, 1 vectors
 * and a partial one; a block accumulates all the taps of one pixel in
 * registers, applies the epilogue and is stored once.
 *
 * The block is the outer loop and the pixels of the row the inner one:
 * the kernels are bound by loads (ks inputs and, for dwconv, ks weights
 * per output vector), and so a block's weights stay in L1 and the inputs
 * that neighbouring windows share are still there for the next pixel,
 * where pixel-major order would stream all channels' weights and taps
 * through L1 for every pixel (72 KiB per pixel at 960 channels).
 *
 * Tap pointers are resolved (+ input_offset unless `zero`) as they are
 * used: a compare and a conditional move on the scalar ports, beside the
 * vector work. */

#include "kernels/simd/lsc-simd-common.h"

typedef enum
{
  LSC_WINDOW_DWCONV,    /* bias + Σ tap × weight */
  LSC_WINDOW_MAX,       /* max over taps (no zero taps) */
  LSC_WINDOW_AVG,       /* multiplier × Σ tap */
} LscWindowKind;

/* Channels [c, c + nv × LSC_VLEN) of one pixel, the last vector only
 * `tail` lanes when `partial`. taps: the pixel's ks tap pointers; w (dwconv
 * only): packed bias and weights. */
LSC_SIMD_INLINE void
window_block (LscWindowKind       kind,
              int                 nv,
              gboolean            partial,
              LscVTail            tail,
              size_t              c,
              size_t              channels,
              size_t              ks,
              const float *const *taps,
              size_t              input_offset,
              const float        *zero,
              const float        *w,
              float              *out,
              LscVec              vscale,
              LscVec              vmin,
              LscVec              vmax)
{
  const float *k = NULL;
  LscVec acc[4];
  size_t t = 0;

  switch (kind)
    {
    case LSC_WINDOW_DWCONV:
      for (int j = 0; j < nv; j++)
        acc[j] = lsc_v_load_part (w + c + j * LSC_VLEN, partial && j == nv - 1, tail);
      k = w + channels + c;
      break;
    case LSC_WINDOW_MAX:
      /* Padding taps point at valid cells: always offset. */
      for (int j = 0; j < nv; j++)
        acc[j] = lsc_v_load_part (taps[0] + input_offset + c + j * LSC_VLEN, partial && j == nv - 1, tail);
      t = 1;
      break;
    case LSC_WINDOW_AVG:
      for (int j = 0; j < nv; j++)
        acc[j] = lsc_v_zero ();
      break;
    }

  for (; t < ks; t++)
    {
      const float *in = taps[t];

      in = kind == LSC_WINDOW_MAX || in != zero ? in + input_offset : zero;
      in += c;
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

/* One channel block down the whole row. */
LSC_SIMD_INLINE void
window_columns (LscWindowKind       kind,
                int                 nv,
                gboolean            partial,
                LscVTail            tail,
                size_t              c,
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
                LscVec              vmin,
                LscVec              vmax)
{
  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    window_block (kind, nv, partial, tail, c, channels, ks, input, input_offset, zero, w, output,
                  kind == LSC_WINDOW_AVG ? lsc_v_set1 (multiplier[x]) : vmin, vmin, vmax);
}

/* A whole output row. w: dwconv's packed weights (bias, then ks × channels);
 * multiplier: avg's per-pixel scale; zero: unused by max (whose padding
 * taps point at valid cells). Max needs ks ≥ 1; dwconv and avg write the
 * bias / zeros (clamped) for ks = 0. */
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
  const LscVTail none = lsc_v_tail (1);
  size_t c = 0;

  for (; c + 4 * LSC_VLEN <= channels; c += 4 * LSC_VLEN)
    window_columns (kind, 4, FALSE, none, c, channels, output_width, ks, input, input_stride,
                    input_offset, zero, w, multiplier, output, vmin, vmax);
  if (c + 2 * LSC_VLEN <= channels)
    {
      window_columns (kind, 2, FALSE, none, c, channels, output_width, ks, input, input_stride,
                      input_offset, zero, w, multiplier, output, vmin, vmax);
      c += 2 * LSC_VLEN;
    }
  if (c + LSC_VLEN <= channels)
    {
      window_columns (kind, 1, FALSE, none, c, channels, output_width, ks, input, input_stride,
                      input_offset, zero, w, multiplier, output, vmin, vmax);
      c += LSC_VLEN;
    }
  if (c < channels)
    window_columns (kind, 1, TRUE, lsc_v_tail (channels - c), c, channels, output_width, ks, input,
                    input_stride, input_offset, zero, w, multiplier, output, vmin, vmax);
}
