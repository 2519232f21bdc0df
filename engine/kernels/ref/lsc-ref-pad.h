#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Zero padding and cropping of the two spatial axes of a (batch, in_h,
 * in_w, channels) tensor, channels last. 1-D layers use in_h = 1 with no
 * padding or cropping of that axis. */

/* Output is (batch, top + in_h + bottom, left + in_w + right, channels). */
void lsc_ref_zero_pad_2d (const float *input,
                          int64_t      batch,
                          int64_t      in_h,
                          int64_t      in_w,
                          int64_t      channels,
                          int64_t      top,
                          int64_t      bottom,
                          int64_t      left,
                          int64_t      right,
                          float       *output);

/* Output is (batch, in_h - top - bottom, in_w - left - right, channels);
 * the caller checks both are positive. */
void lsc_ref_crop_2d     (const float *input,
                          int64_t      batch,
                          int64_t      in_h,
                          int64_t      in_w,
                          int64_t      channels,
                          int64_t      top,
                          int64_t      bottom,
                          int64_t      left,
                          int64_t      right,
                          float       *output);

G_END_DECLS
