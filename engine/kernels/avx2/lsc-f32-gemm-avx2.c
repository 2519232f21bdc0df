#include "kernels/avx2/lsc-gemm-avx2.h"

#include <immintrin.h>

/* GEMM and IGEMM microkernels, MR × 16 register tiles with FMA: per k, two
 * ymm of packed weights and one broadcast per row, 2 × MR FMAs. MR = 6 is
 * the most the 16 ymm registers hold (12 accumulators, 2 weights, 1
 * broadcast), enough independent FMAs to cover the latency of two pipes.
 *
 * Written once for any MR as always-inline bodies, instantiated with
 * constants (see the AVX-512 file for the row-aliasing rule). */

#define NR 16
#define MAX_MR 6

#define INLINE static inline __attribute__((always_inline))
/* Forced complete unrolling of the row loops, early enough that acc[][]
 * becomes registers instead of a stack array copied in and out. */
#define UNROLL _Pragma ("GCC unroll 16")

/* NV is the number of ymm columns computed: 2, or 1 when nc ≤ 8 (the
 * half-empty last panel of N = 8, 24, 40…: half the FMAs, the weights
 * still 16 floats apart). */
INLINE void
init_acc (size_t MR, size_t NV, __m256 acc[MAX_MR][2], const float *w)
{
  UNROLL for (size_t j = 0; j < NV; j++)
    {
      const __m256 b = _mm256_loadu_ps (w + 8 * j);

      UNROLL for (size_t r = 0; r < MR; r++)
        acc[r][j] = b;
    }
}

/* acc += A[MR × kc] · W[kc × 16]; returns w past the kc rows. */
INLINE const float *
accumulate (size_t MR, size_t NV, __m256 acc[MAX_MR][2], const float *rows[MAX_MR], size_t kc,
            const float *w)
{
  for (size_t k = 0; k < kc; k++, w += NR)
    {
      __m256 b[2];

      UNROLL for (size_t j = 0; j < NV; j++)
        b[j] = _mm256_loadu_ps (w + 8 * j);
      UNROLL for (size_t r = 0; r < MR; r++)
        {
          const __m256 a = _mm256_broadcast_ss (rows[r] + k);

          UNROLL for (size_t j = 0; j < NV; j++)
            acc[r][j] = _mm256_fmadd_ps (a, b[j], acc[r][j]);
        }
    }
  return w;
}

/* Clamp (max (min, x), min (max, x): NaN stays NaN as in the scalar
 * kernels) and store nc ≤ 8 × NV columns of each row. A row aliased to
 * the one before holds the same values, so storing it twice is harmless. */
INLINE void
store_tile (size_t MR, size_t NV, __m256 acc[MAX_MR][2], float *out[MAX_MR], size_t nc,
            const LscMinMax *minmax)
{
  const __m256 vmin = _mm256_set1_ps (minmax->min);
  const __m256 vmax = _mm256_set1_ps (minmax->max);

  UNROLL for (size_t r = 0; r < MR; r++)
    UNROLL for (size_t j = 0; j < NV; j++)
      acc[r][j] = _mm256_min_ps (vmax, _mm256_max_ps (vmin, acc[r][j]));

  if (nc == 8 * NV)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        UNROLL for (size_t j = 0; j < NV; j++)
          _mm256_storeu_ps (out[r] + 8 * j, acc[r][j]);
      return;
    }

  /* Partial: write 8, 4, 2, 1 columns as the bits of nc say, shifting the
   * remaining columns down each time. */
  if (NV == 2 && (nc & 8))
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm256_storeu_ps (out[r], acc[r][0]);
          acc[r][0] = acc[r][1];
          out[r] += 8;
        }
    }
  __m128 half[MAX_MR];
  UNROLL for (size_t r = 0; r < MR; r++)
    half[r] = _mm256_castps256_ps128 (acc[r][0]);
  if (nc & 4)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm_storeu_ps (out[r], half[r]);
          half[r] = _mm256_extractf128_ps (acc[r][0], 1);
          out[r] += 4;
        }
    }
  if (nc & 2)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm_storel_pi ((__m64 *) out[r], half[r]);
          half[r] = _mm_movehl_ps (half[r], half[r]);
          out[r] += 2;
        }
    }
  if (nc & 1)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        _mm_store_ss (out[r], half[r]);
    }
}

INLINE void
gemm_nv (size_t MR, size_t NV, size_t nc, size_t kc, const float *rows[MAX_MR], const float *w,
         float *out[MAX_MR], const LscMinMax *minmax)
{
  __m256 acc[MAX_MR][2];

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
  __m256 acc[MAX_MR][2];
  float *out[MAX_MR] = { c };
  size_t k = 0;

  init_acc (1, NV, acc, w);
  UNROLL for (size_t s = 1; s < 4; s++)
    UNROLL for (size_t j = 0; j < NV; j++)
      acc[s][j] = _mm256_setzero_ps ();
  w += NR;
  for (; k + 4 <= kc; k += 4)
    UNROLL for (size_t s = 0; s < 4; s++, w += NR)
      {
        const __m256 av = _mm256_set1_ps (a[k + s]);

        UNROLL for (size_t j = 0; j < NV; j++)
          acc[s][j] = _mm256_fmadd_ps(av, _mm256_loadu_ps (w + 8 * j), acc[s][j]);
      }
  for (; k < kc; k++, w += NR)
    {
      const __m256 av = _mm256_set1_ps (a[k]);

      UNROLL for (size_t j = 0; j < NV; j++)
        acc[0][j] = _mm256_fmadd_ps(av, _mm256_loadu_ps (w + 8 * j), acc[0][j]);
    }
  UNROLL for (size_t j = 0; j < NV; j++)
    acc[0][j] = _mm256_add_ps (_mm256_add_ps (acc[0][j], acc[1][j]), _mm256_add_ps (acc[2][j], acc[3][j]));
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
      if (nc > 8)
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
  if (nc > 8)
    gemm_nv (MR, 2, nc, kc, rows, w, out, minmax);
  else
    gemm_nv (MR, 1, nc, kc, rows, w, out, minmax);
}

INLINE void
igemm_nv (size_t MR, size_t NV, size_t mr, size_t nc, size_t kc, size_t ks,
          const float *const *a, const float *w, float *out[MAX_MR], size_t a_offset,
          const float *zero, const LscMinMax *minmax)
{
  __m256 acc[MAX_MR][2];

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
  if (nc > 8)
    igemm_nv (MR, 2, mr, nc, kc, ks, a, w, out, a_offset, zero, minmax);
  else
    igemm_nv (MR, 1, mr, nc, kc, ks, a, w, out, a_offset, zero, minmax);
}

#define DEFINE_KERNELS(MR)                                                      \
  void                                                                          \
  lsc_f32_gemm_##MR##x16__avx2 (size_t mr, size_t nc, size_t kc,                \
                                const float *a, size_t a_stride,                \
                                const float *w, float *c, size_t c_stride,      \
                                const LscMinMax *minmax)                        \
  {                                                                             \
    gemm (MR, mr, nc, kc, a, a_stride, w, c, c_stride, minmax);                 \
  }                                                                             \
                                                                                \
  void                                                                          \
  lsc_f32_igemm_##MR##x16__avx2 (size_t mr, size_t nc, size_t kc, size_t ks,    \
                                 const float *const *a, const float *w,         \
                                 float *c, size_t c_stride, size_t a_offset,    \
                                 const float *zero, const LscMinMax *minmax)    \
  {                                                                             \
    igemm (MR, mr, nc, kc, ks, a, w, c, c_stride, a_offset, zero, minmax);      \
  }

DEFINE_KERNELS (4)
DEFINE_KERNELS (6)
