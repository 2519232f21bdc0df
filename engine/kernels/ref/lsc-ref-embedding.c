#include "lsc-ref-embedding.h"

#include <math.h>
#include <string.h>

void
lsc_ref_embedding (const float *ids,
                   int64_t      n_ids,
                   const float *table,
                   int64_t      input_dim,
                   int64_t      output_dim,
                   gboolean     wrap_negative,
                   float       *y)
{
  for (int64_t i = 0; i < n_ids; i++)
    {
      /* Range-check in floating point first: converting a NaN or a huge
       * value to an integer is undefined in C. */
      double id = trunc ((double) ids[i]);
      float *row = y + i * output_dim;

      if (wrap_negative && id < 0.0 && id >= (double) -input_dim)
        id += (double) input_dim;

      if (id >= 0.0 && id < (double) input_dim)
        memcpy (row, table + (int64_t) id * output_dim, (size_t) output_dim * sizeof (float));
      else
        memset (row, 0, (size_t) output_dim * sizeof (float));
    }
}
