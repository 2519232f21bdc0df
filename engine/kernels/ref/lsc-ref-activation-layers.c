#include "lsc-ref-activation-layers.h"

#include <math.h>

#include "lsc-ref-index.h"

void
lsc_ref_relu (const float *x,
              int64_t      n,
              gboolean     has_max_value,
              float        max_value,
              float        negative_slope,
              float        threshold,
              float       *y)
{
  for (int64_t i = 0; i < n; i++)
    {
      float v = x[i];
      float positive;

      if (threshold != 0.0f)
        positive = v > threshold ? v : 0.0f;
      else
        positive = v > 0.0f ? v : 0.0f;
      if (has_max_value)
        positive = fminf (fmaxf (positive, 0.0f), max_value);

      if (negative_slope != 0.0f)
        {
          float negative = threshold - v > 0.0f ? threshold - v : 0.0f;
          positive -= negative_slope * negative;
        }
      y[i] = positive;
    }
}

void
lsc_ref_leaky_relu (const float *x,
                    int64_t      n,
                    float        negative_slope,
                    float       *y)
{
  for (int64_t i = 0; i < n; i++)
    y[i] = x[i] > 0.0f ? x[i] : negative_slope * x[i];
}

void
lsc_ref_prelu (const float   *x,
               int            ndim,
               const int64_t *dims,
               const float   *alpha,
               const int64_t *alpha_strides,
               float         *y)
{
  int64_t n = 1;

  for (int d = 0; d < ndim; d++)
    n *= dims[d];

  for (int64_t i = 0; i < n; i++)
    {
      float a = alpha[lsc_ref_broadcast_offset (ndim, dims, alpha_strides, i)];
      float pos = x[i] > 0.0f ? x[i] : 0.0f;
      float neg = -x[i] > 0.0f ? -x[i] : 0.0f;

      y[i] = pos + (-a) * neg;
    }
}

void
lsc_ref_elu (const float *x,
             int64_t      n,
             float        alpha,
             float       *y)
{
  for (int64_t i = 0; i < n; i++)
    y[i] = x[i] > 0.0f ? x[i] : alpha * expm1f (x[i]);
}

void
lsc_ref_thresholded_relu (const float *x,
                          int64_t      n,
                          float        theta,
                          float       *y)
{
  for (int64_t i = 0; i < n; i++)
    y[i] = x[i] > theta ? x[i] : 0.0f;
}

void
lsc_ref_softmax (const float    *x,
                 int             ndim,
                 const int64_t  *dims,
                 const gboolean *axes,
                 float          *y)
{
  LscRefAxisGroups groups;

  lsc_ref_axis_groups_init (&groups, ndim, dims, axes);

  for (int64_t g = 0; g < groups.n_groups; g++)
    {
      const float *xg = x + groups.group_base[g];
      float *yg = y + groups.group_base[g];
      double max, sum = 0.0;

      if (groups.group_size == 0)
        continue;

      max = xg[groups.member_offset[0]];
      for (int64_t j = 1; j < groups.group_size; j++)
        max = fmax (max, xg[groups.member_offset[j]]);
      for (int64_t j = 0; j < groups.group_size; j++)
        sum += exp (xg[groups.member_offset[j]] - max);
      for (int64_t j = 0; j < groups.group_size; j++)
        yg[groups.member_offset[j]] = (float) (exp (xg[groups.member_offset[j]] - max) / sum);
    }

  lsc_ref_axis_groups_clear (&groups);
}
