#pragma once

#include <glib.h>

#include "core/lsc-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  LSC_RESIZE_NEAREST,   /* Keras load_img's default */
  LSC_RESIZE_BILINEAR,
} LscResize;

/* How pixel values 0..255 become model inputs (keras.applications' modes). */
typedef enum
{
  LSC_PREPROCESS_RAW,     /* 0..255 unchanged */
  LSC_PREPROCESS_UNIT,    /* x / 255 → [0, 1] */
  LSC_PREPROCESS_TF,      /* x / 127.5 - 1 → [-1, 1] (MobileNet, EfficientNet-less) */
  LSC_PREPROCESS_CAFFE,   /* RGB→BGR, minus ImageNet means (103.939, 116.779, 123.68) */
  LSC_PREPROCESS_TORCH,   /* x / 255, minus mean (0.485, 0.456, 0.406), / std (0.229, 0.224, 0.225) */
} LscPreprocess;

/* "raw", "unit" (also "0-1"), "tf", "caffe", "torch"; FALSE with an error listing the choices. */
gboolean  lsc_preprocess_from_name (const char     *name,
                                    LscPreprocess  *out,
                                    GError        **error);

/* Loads the images (any format gdk-pixbuf reads), converts each to the
 * channel count (1 = grayscale by ITU-R 601 luma, 3 = RGB; alpha dropped),
 * resizes to height × width, applies the preprocessing and stacks them into
 * a (n, height, width, channels) batch. Errors name the file.
 * Also: channels 4 = RGBA (opaque when the file has no alpha); a height or
 * width of LSC_DIM_UNKNOWN keeps each image's own size, which must then be
 * the same for all. Pixel values are Pillow's, as keras.utils.load_img
 * computes them (see lsc-image.c). */
LscTensor *lsc_image_load_batch    (const char *const *paths,
                                    guint             n_paths,
                                    int64_t           height,
                                    int64_t           width,
                                    int64_t           channels,
                                    LscResize         resize,
                                    LscPreprocess     preprocess,
                                    GError          **error);

typedef enum
{
  LSC_IMAGE_FLAGS_NONE = 0,
  /* 255 − value before preprocessing: dark-on-light drawings for models
   * trained on light-on-dark data such as MNIST. */
  LSC_IMAGE_FLAGS_INVERT = 1 << 0,
} LscImageFlags;

/* lsc_image_load_batch with extra steps. */
LscTensor *lsc_image_load_batch_with_flags (const char *const *paths,
                                            guint             n_paths,
                                            int64_t           height,
                                            int64_t           width,
                                            int64_t           channels,
                                            LscResize         resize,
                                            LscPreprocess     preprocess,
                                            LscImageFlags     flags,
                                            GError          **error);

G_END_DECLS
