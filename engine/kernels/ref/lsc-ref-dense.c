#include "lsc-ref-dense.h"

void
lsc_ref_dense (const float *x,
               int64_t      rows,
               int64_t      in,
               const float *kernel,
               const float *bias,
               int64_t      units,
               float       *y)
{
  for (int64_t r = 0; r < rows; r++)
    {
      const float *row = x + r * in;

      for (int64_t u = 0; u < units; u++)
        {
          double sum = 0.0;

          for (int64_t i = 0; i < in; i++)
            sum += (double) row[i] * (double) kernel[i * units + u];
          if (bias != NULL)
            sum += bias[u];
          y[r * units + u] = (float) sum;
        }
    }
}
