#include "kernels/scalar/lsc-kernels-scalar.h"

/* 4 × 4 register tile: small enough that a compiler without vector
 * registers keeps the 16 accumulators in the x86-64 scalar register file. */
#define MR 4
#define NR 4

static inline float
clampf (float v, const LscMinMax *minmax)
{
  v = v < minmax->min ? minmax->min : v;
  return v > minmax->max ? minmax->max : v;
}

static inline void
store_tile (float acc[MR][NR], size_t mr, size_t nc, float *c, size_t c_stride,
            const LscMinMax *minmax)
{
  for (size_t r = 0; r < mr; r++)
    for (size_t j = 0; j < nc; j++)
      c[r * c_stride + j] = clampf (acc[r][j], minmax);
}

void
lsc_f32_gemm_4x4__scalar (size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride,
                          const float *w, float *c, size_t c_stride, const LscMinMax *minmax)
{
  float acc[MR][NR];

  for (size_t r = 0; r < MR; r++)
    for (size_t j = 0; j < NR; j++)
      acc[r][j] = w[j];
  w += NR;
  for (size_t k = 0; k < kc; k++, w += NR)
    for (size_t r = 0; r < mr; r++)
      {
        const float av = a[r * a_stride + k];
        for (size_t j = 0; j < NR; j++)
          acc[r][j] += av * w[j];
      }
  store_tile (acc, mr, nc, c, c_stride, minmax);
}

void
lsc_f32_igemm_4x4__scalar (size_t mr, size_t nc, size_t kc, size_t ks, const float *const *a,
                           const float *w, float *c, size_t c_stride, size_t a_offset,
                           const float *zero, const LscMinMax *minmax)
{
  float acc[MR][NR];

  for (size_t r = 0; r < MR; r++)
    for (size_t j = 0; j < NR; j++)
      acc[r][j] = w[j];
  w += NR;
  for (size_t t = 0; t < ks; t++, a += MR)
    {
      const float *rows[MR];
      for (size_t r = 0; r < mr; r++)
        rows[r] = a[r] == zero ? zero : a[r] + a_offset;
      for (size_t k = 0; k < kc; k++, w += NR)
        for (size_t r = 0; r < mr; r++)
          {
            const float av = rows[r][k];
            for (size_t j = 0; j < NR; j++)
              acc[r][j] += av * w[j];
          }
    }
  store_tile (acc, mr, nc, c, c_stride, minmax);
}
