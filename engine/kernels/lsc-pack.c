#include "kernels/lsc-pack.h"

#include <string.h>

size_t
lsc_pack_gemm_size (size_t nr,
                    size_t k,
                    size_t n)
{
  return (n + nr - 1) / nr * nr * (k + 1);
}

void
lsc_pack_gemm (size_t       nr,
               size_t       k,
               size_t       n,
               const float *w,
               const float *bias,
               float       *packed)
{
  for (size_t n0 = 0; n0 < n; n0 += nr)
    {
      const size_t cols = MIN (nr, n - n0);

      for (size_t j = 0; j < nr; j++)
        *packed++ = j < cols && bias != NULL ? bias[n0 + j] : 0.0f;
      for (size_t kk = 0; kk < k; kk++)
        {
          memcpy (packed, w + kk * n + n0, cols * sizeof (float));
          memset (packed + cols, 0, (nr - cols) * sizeof (float));
          packed += nr;
        }
    }
}

size_t
lsc_pack_dwconv_size (size_t channels,
                      size_t ks)
{
  return channels * (ks + 1);
}

void
lsc_pack_dwconv (size_t       channels,
                 size_t       ks,
                 const float *w,
                 const float *bias,
                 float       *packed)
{
  if (bias != NULL)
    memcpy (packed, bias, channels * sizeof (float));
  else
    memset (packed, 0, channels * sizeof (float));
  memcpy (packed + channels, w, ks * channels * sizeof (float));
}
