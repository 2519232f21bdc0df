#pragma once

/* The plain-C microkernels. Every other ISA's table falls back to these
 * for what it has no vector version of (the recorded name then says
 * "__scalar", so the profile never claims SIMD that did not run). */

#include "kernels/lsc-kernels.h"

G_BEGIN_DECLS

void lsc_f32_gemm_4x4__scalar        (size_t mr, size_t nc, size_t kc, const float *a, size_t a_stride,
                                      const float *w, float *c, size_t c_stride, const LscMinMax *minmax);
void lsc_f32_igemm_4x4__scalar       (size_t mr, size_t nc, size_t kc, size_t ks, const float *const *a,
                                      const float *w, float *c, size_t c_stride, size_t a_offset,
                                      const float *zero, const LscMinMax *minmax);
void lsc_f32_dwconv__scalar          (size_t channels, size_t output_width, size_t ks, const float *const *input,
                                      size_t input_stride, size_t input_offset, const float *zero,
                                      const float *w, float *output, const LscMinMax *minmax);
void lsc_f32_maxpool__scalar         (size_t channels, size_t output_width, size_t ks, const float *const *input,
                                      size_t input_stride, size_t input_offset, float *output,
                                      const LscMinMax *minmax);
void lsc_f32_avgpool__scalar         (size_t channels, size_t output_width, size_t ks, const float *const *input,
                                      size_t input_stride, size_t input_offset, const float *zero,
                                      const float *multiplier, float *output, const LscMinMax *minmax);
void lsc_f32_gavgpool__scalar        (size_t rows, size_t channels, const float *input, float scale, float *output);

void lsc_f32_vadd__scalar            (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vsub__scalar            (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmul__scalar            (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmax__scalar            (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);
void lsc_f32_vmin__scalar            (size_t n, const float *a, const float *b, float *y, const LscMinMax *minmax);

void lsc_f32_vclamp__scalar          (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vlrelu__scalar          (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vsigmoid__scalar        (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vswish__scalar          (size_t n, const float *x, float *y, const LscUnaryParams *params);
void lsc_f32_vtanh__scalar           (size_t n, const float *x, float *y, const LscUnaryParams *params);

void lsc_f32_vaffine__scalar         (size_t channels, const float *x, const float *scale, const float *shift,
                                      float *y, const LscMinMax *minmax);

G_END_DECLS
