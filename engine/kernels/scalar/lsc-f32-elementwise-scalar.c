#include "kernels/scalar/lsc-kernels-scalar.h"

#include <math.h>

static inline float
clampf (float v, const LscMinMax *minmax)
{
  v = v < minmax->min ? minmax->min : v;
  return v > minmax->max ? minmax->max : v;
}

#define DEFINE_VBINARY(name, expr)                                              \
  void                                                                          \
  lsc_f32_##name##__scalar (size_t n, const float *a, const float *b, float *y, \
                            const LscMinMax *minmax)                            \
  {                                                                             \
    for (size_t i = 0; i < n; i++)                                              \
      {                                                                         \
        const float x = a[i], z = b[i];                                         \
        y[i] = clampf (expr, minmax);                                           \
      }                                                                         \
  }

DEFINE_VBINARY (vadd, x + z)
DEFINE_VBINARY (vsub, x - z)
DEFINE_VBINARY (vmul, x * z)
DEFINE_VBINARY (vmax, x > z ? x : z)
DEFINE_VBINARY (vmin, x < z ? x : z)

void
lsc_f32_vclamp__scalar (size_t n, const float *x, float *y, const LscUnaryParams *params)
{
  for (size_t i = 0; i < n; i++)
    {
      const float v = x[i] < params->min ? params->min : x[i];
      y[i] = v > params->max ? params->max : v;
    }
}

void
lsc_f32_vlrelu__scalar (size_t n, const float *x, float *y, const LscUnaryParams *params)
{
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] < 0.0f ? x[i] * params->slope : x[i];
}

void
lsc_f32_vsigmoid__scalar (size_t n, const float *x, float *y, const LscUnaryParams *params)
{
  for (size_t i = 0; i < n; i++)
    y[i] = 1.0f / (1.0f + expf (-x[i]));
}

void
lsc_f32_vswish__scalar (size_t n, const float *x, float *y, const LscUnaryParams *params)
{
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] / (1.0f + expf (-x[i]));
}

void
lsc_f32_vtanh__scalar (size_t n, const float *x, float *y, const LscUnaryParams *params)
{
  for (size_t i = 0; i < n; i++)
    y[i] = tanhf (x[i]);
}

void
lsc_f32_vaffine__scalar (size_t channels, const float *x, const float *scale, const float *shift,
                         float *y, const LscMinMax *minmax)
{
  for (size_t c = 0; c < channels; c++)
    y[c] = clampf (x[c] * scale[c] + shift[c], minmax);
}
