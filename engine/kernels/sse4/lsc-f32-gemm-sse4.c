#include "kernels/sse4/lsc-gemm-sse4.h"

#include <smmintrin.h>

/* GEMM and IGEMM microkernels, MR × 8 register tiles: per k, two xmm of
 * packed weights and one broadcast per row, then a multiply and an add per
 * accumulator (SSE has no FMA). 4 × 8 and 6 × 8 measured the same (the
 * broadcast shuffles, not the multiplies, limit both); the table uses 4.
 *
 * Written once for any MR as always-inline bodies, instantiated with
 * constants (see the AVX-512 file for the row-aliasing rule). */

#define NR 8
#define MAX_MR 6

#define INLINE static inline __attribute__((always_inline))
/* Forced complete unrolling of the row loops, early enough that acc[][]
 * becomes registers instead of a stack array copied in and out. */
#define UNROLL _Pragma ("GCC unroll 16")

INLINE void
init_acc (size_t MR, __m128 acc[MAX_MR][2], const float *w)
{
  const __m128 b0 = _mm_loadu_ps (w);
  const __m128 b1 = _mm_loadu_ps (w + 4);

  UNROLL for (size_t r = 0; r < MR; r++)
    {
      acc[r][0] = b0;
      acc[r][1] = b1;
    }
}

/* acc += A[MR × kc] · W[kc × 8]; returns w past the kc rows. (Loading 4
 * A values per row and spreading them with pshufd was measured slower.) */
INLINE const float *
accumulate (size_t MR, __m128 acc[MAX_MR][2], const float *rows[MAX_MR], size_t kc,
            const float *w)
{
  for (size_t k = 0; k < kc; k++, w += NR)
    {
      const __m128 b0 = _mm_loadu_ps (w);
      const __m128 b1 = _mm_loadu_ps (w + 4);

      UNROLL for (size_t r = 0; r < MR; r++)
        {
          const __m128 a = _mm_load1_ps (rows[r] + k);
          acc[r][0] = _mm_add_ps (acc[r][0], _mm_mul_ps (a, b0));
          acc[r][1] = _mm_add_ps (acc[r][1], _mm_mul_ps (a, b1));
        }
    }
  return w;
}

/* Clamp (max (min, x), min (max, x): NaN stays NaN as in the scalar
 * kernels) and store nc ≤ 8 columns of each row, highest row first. */
INLINE void
store_tile (size_t MR, __m128 acc[MAX_MR][2], float *out[MAX_MR], size_t nc,
            const LscMinMax *minmax)
{
  const __m128 vmin = _mm_set1_ps (minmax->min);
  const __m128 vmax = _mm_set1_ps (minmax->max);

  UNROLL for (size_t r = 0; r < MR; r++)
    UNROLL for (size_t j = 0; j < 2; j++)
      acc[r][j] = _mm_min_ps (vmax, _mm_max_ps (vmin, acc[r][j]));

  if (nc == NR)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm_storeu_ps (out[r], acc[r][0]);
          _mm_storeu_ps (out[r] + 4, acc[r][1]);
        }
      return;
    }

  /* Partial: write 4, 2, 1 columns as the bits of nc say, shifting the
   * remaining columns down each time. */
  if (nc & 4)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm_storeu_ps (out[r], acc[r][0]);
          acc[r][0] = acc[r][1];
          out[r] += 4;
        }
    }
  if (nc & 2)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        {
          _mm_storel_pi ((__m64 *) out[r], acc[r][0]);
          acc[r][0] = _mm_movehl_ps (acc[r][0], acc[r][0]);
          out[r] += 2;
        }
    }
  if (nc & 1)
    {
      UNROLL for (size_t r = MR; r-- > 0;)
        _mm_store_ss (out[r], acc[r][0]);
    }
}

/* mr = 1 (a Dense layer or an RNN step at batch 1): the MR-row body would
 * compute that row MR times over, its adds waiting on each other. One row
 * instead, with four accumulator sets taking k mod 4, summed at the end. */
INLINE void
gemv (size_t nc, size_t kc, const float *a, const float *w, float *c, const LscMinMax *minmax)
{
  __m128 acc[MAX_MR][2];
  float *out[MAX_MR] = { c };
  size_t k = 0;

  init_acc (1, acc, w);
  UNROLL for (size_t s = 1; s < 4; s++)
    acc[s][0] = acc[s][1] = _mm_setzero_ps ();
  w += NR;
  for (; k + 4 <= kc; k += 4)
    UNROLL for (size_t s = 0; s < 4; s++, w += NR)
      {
        const __m128 av = _mm_load1_ps (a + k + s);

        acc[s][0] = _mm_add_ps (acc[s][0], _mm_mul_ps (av, _mm_loadu_ps (w)));
        acc[s][1] = _mm_add_ps (acc[s][1], _mm_mul_ps (av, _mm_loadu_ps (w + 4)));
      }
  for (; k < kc; k++, w += NR)
    {
      const __m128 av = _mm_load1_ps (a + k);

      acc[0][0] = _mm_add_ps (acc[0][0], _mm_mul_ps (av, _mm_loadu_ps (w)));
      acc[0][1] = _mm_add_ps (acc[0][1], _mm_mul_ps (av, _mm_loadu_ps (w + 4)));
    }
  UNROLL for (size_t j = 0; j < 2; j++)
    acc[0][j] = _mm_add_ps (_mm_add_ps (acc[0][j], acc[1][j]), _mm_add_ps (acc[2][j], acc[3][j]));
  store_tile (1, acc, out, nc, minmax);
}

INLINE void
gemm (size_t MR, size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride,
      const float *w, float *c, size_t c_stride, const LscMinMax *minmax)
{
  const float *rows[MAX_MR];
  float *out[MAX_MR];
  __m128 acc[MAX_MR][2];

  if (mr == 1)
    {
      gemv (nc, kc, a, w, c, minmax);
      return;
    }
  rows[0] = a;
  out[0] = c;
  UNROLL for (size_t r = 1; r < MR; r++)
    {
      rows[r] = r < mr ? rows[r - 1] + a_stride : rows[r - 1];
      out[r] = r < mr ? out[r - 1] + c_stride : out[r - 1];
    }
  init_acc (MR, acc, w);
  accumulate (MR, acc, rows, kc, w + NR);
  store_tile (MR, acc, out, nc, minmax);
}

INLINE void
igemm (size_t MR, size_t mr, size_t nc, size_t kc, size_t ks, const float *const *a,
       const float *w, float *c, size_t c_stride, size_t a_offset, const float *zero,
       const LscMinMax *minmax)
{
  float *out[MAX_MR];
  __m128 acc[MAX_MR][2];

  out[0] = c;
  UNROLL for (size_t r = 1; r < MR; r++)
    out[r] = r < mr ? out[r - 1] + c_stride : out[r - 1];
  init_acc (MR, acc, w);
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
      w = accumulate (MR, acc, rows, kc, w);
    }
  store_tile (MR, acc, out, nc, minmax);
}

#define DEFINE_KERNELS(MR)                                                      \
  void                                                                          \
  lsc_f32_gemm_##MR##x8__sse4 (size_t mr, size_t nc, size_t kc,                \
                                const float *a, size_t a_stride,                \
                                const float *w, float *c, size_t c_stride,      \
                                const LscMinMax *minmax)                        \
  {                                                                             \
    gemm (MR, mr, nc, kc, a, a_stride, w, c, c_stride, minmax);                 \
  }                                                                             \
                                                                                \
  void                                                                          \
  lsc_f32_igemm_##MR##x8__sse4 (size_t mr, size_t nc, size_t kc, size_t ks,    \
                                 const float *const *a, const float *w,         \
                                 float *c, size_t c_stride, size_t a_offset,    \
                                 const float *zero, const LscMinMax *minmax)    \
  {                                                                             \
    igemm (MR, mr, nc, kc, ks, a, w, c, c_stride, a_offset, zero, minmax);      \
  }

DEFINE_KERNELS (4)
DEFINE_KERNELS (6)
