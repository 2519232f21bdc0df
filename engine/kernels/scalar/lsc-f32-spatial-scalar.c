#include "kernels/scalar/lsc-kernels-scalar.h"

/* Depthwise convolution and pooling: one output row at a time through an
 * indirection buffer of tap pointers (see lsc-kernels.h). */

static inline float
clampf (float v, const LscMinMax *minmax)
{
  v = v < minmax->min ? minmax->min : v;
  return v > minmax->max ? minmax->max : v;
}

static inline const float *
tap (const float *p, size_t offset, const float *zero)
{
  return p == zero ? zero : p + offset;
}

void
lsc_f32_dwconv__scalar (size_t channels, size_t output_width, size_t ks, const float *const *input,
                        size_t input_stride, size_t input_offset, const float *zero,
                        const float *w, float *output, const LscMinMax *minmax)
{
  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    {
      for (size_t c = 0; c < channels; c++)
        output[c] = w[c];
      for (size_t t = 0; t < ks; t++)
        {
          const float *in = tap (input[t], input_offset, zero);
          const float *k = w + channels + t * channels;
          for (size_t c = 0; c < channels; c++)
            output[c] += in[c] * k[c];
        }
      for (size_t c = 0; c < channels; c++)
        output[c] = clampf (output[c], minmax);
    }
}

void
lsc_f32_maxpool__scalar (size_t channels, size_t output_width, size_t ks, const float *const *input,
                         size_t input_stride, size_t input_offset, float *output,
                         const LscMinMax *minmax)
{
  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    {
      const float *first = input[0] + input_offset;
      for (size_t c = 0; c < channels; c++)
        output[c] = first[c];
      for (size_t t = 1; t < ks; t++)
        {
          const float *in = input[t] + input_offset;
          for (size_t c = 0; c < channels; c++)
            output[c] = in[c] > output[c] ? in[c] : output[c];
        }
      for (size_t c = 0; c < channels; c++)
        output[c] = clampf (output[c], minmax);
    }
}

void
lsc_f32_avgpool__scalar (size_t channels, size_t output_width, size_t ks, const float *const *input,
                         size_t input_stride, size_t input_offset, const float *zero,
                         const float *multiplier, float *output, const LscMinMax *minmax)
{
  for (size_t x = 0; x < output_width; x++, input += input_stride, output += channels)
    {
      for (size_t c = 0; c < channels; c++)
        output[c] = 0.0f;
      for (size_t t = 0; t < ks; t++)
        {
          const float *in = tap (input[t], input_offset, zero);
          for (size_t c = 0; c < channels; c++)
            output[c] += in[c];
        }
      for (size_t c = 0; c < channels; c++)
        output[c] = clampf (output[c] * multiplier[x], minmax);
    }
}

void
lsc_f32_gavgpool__scalar (size_t rows, size_t channels, const float *input, float scale, float *output)
{
  for (size_t c = 0; c < channels; c++)
    output[c] = 0.0f;
  for (size_t r = 0; r < rows; r++, input += channels)
    for (size_t c = 0; c < channels; c++)
      output[c] += input[c];
  for (size_t c = 0; c < channels; c++)
    output[c] *= scale;
}
