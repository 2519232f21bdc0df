#include "kernels/avx512/lsc-gemm-avx512.h"

#include <immintrin.h>

/* GEMM and IGEMM microkernels, MR × 32 register tiles: per k, two zmm of
 * packed weights are loaded and each row's A value is broadcast, 2 × MR
 * FMAs per 2 + MR loads. The table uses MR = 7: its 14 accumulators cover
 * the FMA latency of two 512-bit pipes, it measured fastest (or tied) on
 * every ResNet50 shape, and every ResNet / MobileNet spatial size (112²,
 * 56², 28², 14², 7²) is a whole number of 7-row tiles, so the 7² layers
 * (M = 49) waste no rows where 6 or 8 rows waste a tile's worth.
 *
 * The bodies are written once, for any MR, as always-inline functions that
 * each kernel instantiates with a constant: the compiler unrolls the row
 * loops and keeps acc[][] in registers. Rows past mr alias the last valid
 * row (XNNPACK's trick): they compute and store that row's values again,
 * so every load stays inside the caller's buffers and nothing past mr rows
 * is written. */

#define NR 32
#define MAX_MR 14

#define INLINE static inline __attribute__((always_inline))
/* Forced complete unrolling of the row loops, early enough that acc[][]
 * becomes registers instead of a stack array copied in and out. */
#define UNROLL _Pragma ("GCC unroll 16")

/* NV is the number of zmm columns computed: 2, or 1 when nc ≤ 16 (the
 * half-empty last panel of N = 16, 48, 144…: half the FMAs, the weights
 * still 32 floats apart). */
INLINE void
init_acc (size_t MR, size_t NV, __m512 acc[MAX_MR][2], const float *w)
{
  UNROLL for (size_t j = 0; j < NV; j++)
    {
      const __m512 b = _mm512_loadu_ps (w + 16 * j);

      UNROLL for (size_t r = 0; r < MR; r++)
        acc[r][j] = b;
    }
}

/* acc += A[MR × kc] · W[kc × 32]; returns w past the kc rows. */
INLINE const float *
accumulate (size_t MR, size_t NV, __m512 acc[MAX_MR][2], const float *rows[MAX_MR], size_t kc,
            const float *w)
{
  for (size_t k = 0; k < kc; k++, w += NR)
    {
      __m512 b[2];

      UNROLL for (size_t j = 0; j < NV; j++)
        b[j] = _mm512_loadu_ps (w + 16 * j);
      UNROLL for (size_t r = 0; r < MR; r++)
        {
          const __m512 a = _mm512_set1_ps (rows[r][k]);

          UNROLL for (size_t j = 0; j < NV; j++)
            acc[r][j] = _mm512_fmadd_ps (a, b[j], acc[r][j]);
        }
    }
  return w;
}

/* Clamp and store; max (min, x) and min (max, x) in this order keep NaN
 * (the scalar kernels' comparisons do too). A row aliased to the one
 * before holds the same values, so storing it twice is harmless. */
INLINE void
store_tile (size_t MR, size_t NV, __m512 acc[MAX_MR][2], float *out[MAX_MR], size_t nc,
            const LscMinMax *minmax)
{
  const __m512 vmin = _mm512_set1_ps (minmax->min);
  const __m512 vmax = _mm512_set1_ps (minmax->max);

  UNROLL for (size_t r = 0; r < MR; r++)
    UNROLL for (size_t j = 0; j < NV; j++)
      acc[r][j] = _mm512_min_ps (vmax, _mm512_max_ps (vmin, acc[r][j]));

  if (nc == 16 * NV)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        UNROLL for (size_t j = 0; j < NV; j++)
          _mm512_storeu_ps (out[r] + 16 * j, acc[r][j]);
    }
  else
    {
      __mmask16 mask[2];

      mask[0] = nc >= 16 ? 0xFFFF : (__mmask16) ((1u << nc) - 1);
      mask[1] = nc > 16 ? (__mmask16) ((1u << (nc - 16)) - 1) : 0;
      UNROLL for (size_t r = MR; r-- > 0;)
        UNROLL for (size_t j = 0; j < NV; j++)
          _mm512_mask_storeu_ps (out[r] + 16 * j, mask[j], acc[r][j]);
    }
}

INLINE void
gemm_nv (size_t MR, size_t NV, size_t nc, size_t kc, const float *rows[MAX_MR], const float *w,
         float *out[MAX_MR], const LscMinMax *minmax)
{
  __m512 acc[MAX_MR][2];

  init_acc (MR, NV, acc, w);
  accumulate (MR, NV, acc, rows, kc, w + NR);
  store_tile (MR, NV, acc, out, nc, minmax);
}

/* mr = 1 (a Dense layer or an RNN step at batch 1): the MR-row body would
 * compute that row MR times over, its FMAs waiting on each other. One row
 * instead, with four accumulator sets taking k mod 4, summed at the end. */
INLINE void
gemv_nv (size_t NV, size_t nc, size_t kc, const float *a, const float *w, float *c,
         const LscMinMax *minmax)
{
  __m512 acc[MAX_MR][2];
  float *out[MAX_MR] = { c };
  size_t k = 0;

  init_acc (1, NV, acc, w);
  UNROLL for (size_t s = 1; s < 4; s++)
    UNROLL for (size_t j = 0; j < NV; j++)
      acc[s][j] = _mm512_setzero_ps ();
  w += NR;
  for (; k + 4 <= kc; k += 4)
    UNROLL for (size_t s = 0; s < 4; s++, w += NR)
      {
        const __m512 av = _mm512_set1_ps (a[k + s]);

        UNROLL for (size_t j = 0; j < NV; j++)
          acc[s][j] = _mm512_fmadd_ps(av, _mm512_loadu_ps (w + 16 * j), acc[s][j]);
      }
  for (; k < kc; k++, w += NR)
    {
      const __m512 av = _mm512_set1_ps (a[k]);

      UNROLL for (size_t j = 0; j < NV; j++)
        acc[0][j] = _mm512_fmadd_ps(av, _mm512_loadu_ps (w + 16 * j), acc[0][j]);
    }
  UNROLL for (size_t j = 0; j < NV; j++)
    acc[0][j] = _mm512_add_ps (_mm512_add_ps (acc[0][j], acc[1][j]), _mm512_add_ps (acc[2][j], acc[3][j]));
  store_tile (1, NV, acc, out, nc, minmax);
}

INLINE void
gemm (size_t MR, size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride,
      const float *w, float *c, size_t c_stride, const LscMinMax *minmax)
{
  const float *rows[MAX_MR];
  float *out[MAX_MR];

  if (mr == 1)
    {
      if (nc > 16)
        gemv_nv (2, nc, kc, a, w, c, minmax);
      else
        gemv_nv (1, nc, kc, a, w, c, minmax);
      return;
    }
  rows[0] = a;
  out[0] = c;
  UNROLL for (size_t r = 1; r < MR; r++)
    {
      rows[r] = r < mr ? rows[r - 1] + a_stride : rows[r - 1];
      out[r] = r < mr ? out[r - 1] + c_stride : out[r - 1];
    }
  if (nc > 16)
    gemm_nv (MR, 2, nc, kc, rows, w, out, minmax);
  else
    gemm_nv (MR, 1, nc, kc, rows, w, out, minmax);
}

INLINE void
igemm_nv (size_t MR, size_t NV, size_t mr, size_t nc, size_t kc, size_t ks,
          const float *const *a, const float *w, float *out[MAX_MR], size_t a_offset,
          const float *zero, const LscMinMax *minmax)
{
  __m512 acc[MAX_MR][2];

  init_acc (MR, NV, acc, w);
  w += NR;
  for (size_t t = 0; t < ks; t++, a += MR)
    {
      const float *rows[MAX_MR];

      UNROLL for (size_t r = 0; r < MR; r++)
        {
          /* Rows past mr are not read (the contract): reuse row r - 1. */
          const float *p = r == 0 || r < mr ? a[r] : rows[r - 1];
          rows[r] = r >= mr || p == zero ? p : p + a_offset;
        }
      w = accumulate (MR, NV, acc, rows, kc, w);
    }
  store_tile (MR, NV, acc, out, nc, minmax);
}

INLINE void
igemm (size_t MR, size_t mr, size_t nc, size_t kc, size_t ks, const float *const *a,
       const float *w, float *c, size_t c_stride, size_t a_offset, const float *zero,
       const LscMinMax *minmax)
{
  float *out[MAX_MR];

  out[0] = c;
  UNROLL for (size_t r = 1; r < MR; r++)
    out[r] = r < mr ? out[r - 1] + c_stride : out[r - 1];
  if (nc > 16)
    igemm_nv (MR, 2, mr, nc, kc, ks, a, w, out, a_offset, zero, minmax);
  else
    igemm_nv (MR, 1, mr, nc, kc, ks, a, w, out, a_offset, zero, minmax);
}

#define DEFINE_KERNELS(MR)                                                      \
  void                                                                          \
  lsc_f32_gemm_##MR##x32__avx512 (size_t mr, size_t nc, size_t kc,              \
                                  const float *a, size_t a_stride,              \
                                  const float *w, float *c, size_t c_stride,    \
                                  const LscMinMax *minmax)                      \
  {                                                                             \
    gemm (MR, mr, nc, kc, a, a_stride, w, c, c_stride, minmax);                 \
  }                                                                             \
                                                                                \
  void                                                                          \
  lsc_f32_igemm_##MR##x32__avx512 (size_t mr, size_t nc, size_t kc, size_t ks,  \
                                   const float *const *a, const float *w,       \
                                   float *c, size_t c_stride, size_t a_offset,  \
                                   const float *zero, const LscMinMax *minmax)  \
  {                                                                             \
    igemm (MR, mr, nc, kc, ks, a, w, c, c_stride, a_offset, zero, minmax);      \
  }

DEFINE_KERNELS (6)
DEFINE_KERNELS (7)
DEFINE_KERNELS (8)
DEFINE_KERNELS (14)
