#include "lsc-ref-normalization.h"

#include <math.h>

#include "lsc-ref-index.h"

void
lsc_ref_batch_norm_fold (int64_t      n,
                         const float *gamma,
                         const float *beta,
                         const float *mean,
                         const float *variance,
                         float        epsilon,
                         float       *scale,
                         float       *shift)
{
  for (int64_t i = 0; i < n; i++)
    {
      float inv = 1.0f / sqrtf (variance[i] + epsilon);

      if (gamma != NULL)
        inv *= gamma[i];
      scale[i] = inv;
      shift[i] = (beta != NULL ? beta[i] : 0.0f) - mean[i] * inv;
    }
}

void
lsc_ref_scale_shift (const float   *x,
                     int            ndim,
                     const int64_t *dims,
                     const float   *scale,
                     const int64_t *scale_strides,
                     const float   *shift,
                     const int64_t *shift_strides,
                     float         *y)
{
  int64_t n = 1;

  for (int d = 0; d < ndim; d++)
    n *= dims[d];

  for (int64_t i = 0; i < n; i++)
    {
      float s = scale[lsc_ref_broadcast_offset (ndim, dims, scale_strides, i)];
      float t = shift[lsc_ref_broadcast_offset (ndim, dims, shift_strides, i)];

      y[i] = x[i] * s + t;
    }
}

void
lsc_ref_layer_norm (const float    *x,
                    int             ndim,
                    const int64_t  *dims,
                    const gboolean *normalized,
                    const float    *gamma,
                    const float    *beta,
                    double          epsilon,
                    gboolean        rms_scaling,
                    float          *y)
{
  LscRefAxisGroups groups;

  lsc_ref_axis_groups_init (&groups, ndim, dims, normalized);

  for (int64_t g = 0; g < groups.n_groups; g++)
    {
      const float *xg = x + groups.group_base[g];
      float *yg = y + groups.group_base[g];
      double mean = 0.0, var = 0.0, inv;

      if (groups.group_size == 0)
        continue;

      for (int64_t j = 0; j < groups.group_size; j++)
        mean += xg[groups.member_offset[j]];
      mean /= (double) groups.group_size;
      for (int64_t j = 0; j < groups.group_size; j++)
        {
          double d = xg[groups.member_offset[j]] - mean;
          var += d * d;
        }
      var /= (double) groups.group_size;
      inv = 1.0 / sqrt (var + epsilon);

      for (int64_t j = 0; j < groups.group_size; j++)
        {
          double xj = xg[groups.member_offset[j]];
          double scale = inv * (gamma != NULL ? gamma[j] : 1.0);

          if (rms_scaling)
            yg[groups.member_offset[j]] = (float) (xj * scale);
          else
            yg[groups.member_offset[j]] =
              (float) ((xj - mean) * scale + (beta != NULL ? beta[j] : 0.0));
        }
    }

  lsc_ref_axis_groups_clear (&groups);
}

void
lsc_ref_normalization (const float   *x,
                       int            ndim,
                       const int64_t *dims,
                       const float   *mean,
                       const float   *variance,
                       const int64_t *param_strides,
                       gboolean       invert,
                       float         *y)
{
  int64_t n = 1;

  for (int d = 0; d < ndim; d++)
    n *= dims[d];

  for (int64_t i = 0; i < n; i++)
    {
      int64_t p = lsc_ref_broadcast_offset (ndim, dims, param_strides, i);
      float std = fmaxf (sqrtf (variance[p]), LSC_REF_KERAS_EPSILON);

      if (invert)
        y[i] = mean[p] + x[i] * std;
      else
        y[i] = (x[i] - mean[p]) / std;
    }
}
