/* Images into model inputs, computing what Keras computes for
 *
 *   img = keras.utils.load_img (path, color_mode=…, target_size=(h, w),
 *                               interpolation="nearest" | "bilinear")
 *   x = keras.applications.<model>.preprocess_input (img_to_array (img))
 *
 * load_img is Pillow: Image.convert to "L", "RGB" or "RGBA" first, then
 * Image.resize, both on 8-bit pixels, then float32. So this file follows
 * Pillow's integer arithmetic rather than textbook formulas:
 *
 * - Grayscale is Pillow's convert("L"): the ITU-R 601-2 luma in 16-bit fixed
 *   point, (R·19595 + G·38470 + B·7471 + 0x8000) >> 16 (Convert.c, L24).
 *   Pillow's documentation writes it as R·299/1000 + G·587/1000 + B·114/1000;
 *   the two differ by one level on some colours (pure green is 150, not 149),
 *   and the fixed-point form is what runs.
 * - NEAREST is Pillow's ImagingScaleAffine: the source index of output x is
 *   (int) ((x + 0.5) · in / out), computed as Pillow does by adding the
 *   double step in / out to 0.5 · step, so the rare exact ties round the same.
 * - BILINEAR is Pillow's ImagingResample with the bilinear (triangle) filter.
 *   When shrinking, Pillow widens the filter by in / out, so every source
 *   pixel under an output pixel is averaged (antialiasing); when enlarging it
 *   is the usual half-pixel-centre bilinear. Weights become 22-bit fixed
 *   point, rows are resampled first and rounded to 8 bits, then columns.
 *   This rather than plain half-pixel bilinear (what tf.image.resize does
 *   without antialias) because load_img — the path Keras documents for
 *   predicting on image files — resizes with Pillow.
 * - RGBA with BILINEAR is resized premultiplied, as Image.resize does for
 *   RGBA: RGBA → RGBa (MULDIV255), resample, RGBa → RGBA (255·c / a).
 *
 * Decoding is gdk-pixbuf's (libpng, libjpeg-turbo: what Pillow links too),
 * plus libwebp for WebP files when gdk-pixbuf has no WebP loader. Like
 * load_img, the EXIF orientation is not applied. With Debian 12's Pillow
 * 9.4 the results are equal byte for byte on PNG (RGB, RGBA, gray, gray +
 * alpha, palette), JPEG (colour, gray, subsampled) and WebP files, every
 * mode and many sizes. Not equal: 16-bit PNGs, which gdk-pixbuf reduces to
 * 8 bits while Pillow keeps 16-bit gray levels for color_mode="grayscale"
 * and clips them to 255 for "rgb". */

#include "lsc-image.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#ifdef LSC_HAVE_LIBWEBP
#include <webp/decode.h>
#endif

#include "core/lsc-error.h"
#include "lsc-io-util.h"

/* An 8-bit image with 1, 3 or 4 interleaved channels and no row padding:
 * Pillow's "L", "RGB" or "RGBA". */
typedef struct
{
  int     width;
  int     height;
  int     channels;
  guint8 *pixels;
} Image8;

static Image8 *
image8_new (int width,
            int height,
            int channels)
{
  Image8 *image = g_new0 (Image8, 1);

  image->width = width;
  image->height = height;
  image->channels = channels;
  image->pixels = g_malloc0_n ((gsize) width * height, channels);
  return image;
}

static void
image8_free (Image8 *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image8, image8_free)

static guint8 *
image8_pixel (const Image8 *image,
              int           x,
              int           y)
{
  return image->pixels + ((gsize) y * image->width + x) * image->channels;
}

gboolean
lsc_preprocess_from_name (const char     *name,
                          LscPreprocess  *out,
                          GError        **error)
{
  static const struct
  {
    const char    *name;
    LscPreprocess  preprocess;
  } names[] = {
    { "raw", LSC_PREPROCESS_RAW },
    { "unit", LSC_PREPROCESS_UNIT },
    { "0-1", LSC_PREPROCESS_UNIT },
    { "tf", LSC_PREPROCESS_TF },
    { "caffe", LSC_PREPROCESS_CAFFE },
    { "torch", LSC_PREPROCESS_TORCH },
  };

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        *out = names[i].preprocess;
        return TRUE;
      }

  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
               "Unknown preprocessing “%s”: choose raw (0…255), unit or 0-1 (÷255), "
               "tf (÷127.5 − 1), caffe (BGR minus ImageNet means) or torch "
               "(÷255, ImageNet mean and std)", name);
  return FALSE;
}

/* --- Decoding ----------------------------------------------------------- */

static gboolean
is_webp (const char *contents,
         gsize       length)
{
  return length >= 12 && memcmp (contents, "RIFF", 4) == 0 && memcmp (contents + 8, "WEBP", 4) == 0;
}

#ifdef LSC_HAVE_LIBWEBP
static void
free_webp_pixels (guchar   *pixels,
                  gpointer  user_data)
{
  WebPFree (pixels);
}

static GdkPixbuf *
decode_webp (const char  *path,
             const char  *contents,
             gsize        length,
             GError     **error)
{
  WebPBitstreamFeatures features;
  const uint8_t *data = (const uint8_t *) contents;
  uint8_t *pixels;
  int width, height;

  if (WebPGetFeatures (data, length, &features) != VP8_STATUS_OK)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is not an image that can be read: the WebP data is corrupt", path);
      return NULL;
    }
  if (features.has_animation)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is an animated WebP, which is not supported", path);
      return NULL;
    }

  if (features.has_alpha)
    pixels = WebPDecodeRGBA (data, length, &width, &height);
  else
    pixels = WebPDecodeRGB (data, length, &width, &height);
  if (pixels == NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is not an image that can be read: the WebP data is corrupt", path);
      return NULL;
    }

  return gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, features.has_alpha, 8,
                                   width, height, width * (features.has_alpha ? 4 : 3),
                                   free_webp_pixels, NULL);
}
#endif

static GdkPixbuf *
decode_file (const char  *path,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  GdkPixbuf *pixbuf;
  gsize length;

  pixbuf = gdk_pixbuf_new_from_file (path, &local_error);
  if (pixbuf != NULL)
    return pixbuf;

  if (local_error->domain == G_FILE_ERROR)
    {
      /* Missing or unreadable: G_IO_ERROR, GLib's message names the file. */
      lsc_io_propagate_file_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* gdk-pixbuf ships no WebP loader; photos saved from the web often are
   * WebP whatever their extension says. */
  if (g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE)
      && g_file_get_contents (path, &contents, &length, NULL)
      && is_webp (contents, length))
    {
#ifdef LSC_HAVE_LIBWEBP
      return decode_webp (path, contents, length, error);
#else
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is a WebP image, and this build can read WebP only with "
                   "gdk-pixbuf's WebP loader installed", path);
      return NULL;
#endif
    }

  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
               "“%s” is not an image that can be read: %s", path, local_error->message);
  return NULL;
}

/* --- Channel conversion (Image.convert) --------------------------------- */

/* Pillow's L24: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
static guint8
luma (const guint8 *rgb)
{
  return (guint8) ((rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) >> 16);
}

/* gdk-pixbuf gives 8-bit RGB or RGBA (grayscale files come as R = G = B,
 * which luma () maps back to the same level). */
static Image8 *
image_from_pixbuf (GdkPixbuf *pixbuf,
                   int        channels)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int in_channels = gdk_pixbuf_get_n_channels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *in = gdk_pixbuf_read_pixels (pixbuf);
  Image8 *image = image8_new (width, height, channels);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *src = in + (gsize) y * rowstride + (gsize) x * in_channels;
        guint8 *dst = image8_pixel (image, x, y);

        switch (channels)
          {
          case 1:   /* convert("L"): alpha ignored */
            dst[0] = luma (src);
            break;
          case 3:   /* convert("RGB"): alpha dropped, not composited */
            memcpy (dst, src, 3);
            break;
          case 4:   /* convert("RGBA"): opaque when there was no alpha */
            memcpy (dst, src, 3);
            dst[3] = in_channels == 4 ? src[3] : 255;
            break;
          default:
            g_assert_not_reached ();
          }
      }

  return image;
}

/* --- Resizing (Image.resize) -------------------------------------------- */

/* Pillow's ImagingScaleAffine with a = (in / out, 0, 0, 0, in / out, 0). */
static Image8 *
resize_nearest (const Image8 *in,
                int           out_width,
                int           out_height)
{
  Image8 *out = image8_new (out_width, out_height, in->channels);
  g_autofree int *x_source = g_new (int, out_width);
  double x_step = (double) in->width / out_width;
  double y_step = (double) in->height / out_height;
  double xo = x_step * 0.5;
  double yo = y_step * 0.5;

  /* Pillow accumulates the position rather than multiplying; a source
   * index past the edge (rounding can only reach it at an exact tie) is
   * filled with zeros, as Pillow does. */
  for (int x = 0; x < out_width; x++)
    {
      x_source[x] = (int) xo;
      xo += x_step;
    }

  for (int y = 0; y < out_height; y++)
    {
      int y_source = (int) yo;

      yo += y_step;
      if (y_source >= in->height)
        continue;
      for (int x = 0; x < out_width; x++)
        if (x_source[x] < in->width)
          memcpy (image8_pixel (out, x, y), image8_pixel (in, x_source[x], y_source),
                  in->channels);
    }

  return out;
}

/* Pillow's resampling weights for one axis (Resample.c, precompute_coeffs
 * and normalize_coeffs_8bpc with the bilinear filter). */
#define PRECISION_BITS (32 - 8 - 2)

typedef struct
{
  int  taps;      /* weights per output pixel (ksize) */
  int *first;     /* first source pixel of each output pixel */
  int *count;     /* source pixels used by each output pixel */
  int *weights;   /* out_size × taps fixed-point weights */
} Coefficients;

static double
triangle (double x)
{
  if (x < 0.0)
    x = -x;
  return x < 1.0 ? 1.0 - x : 0.0;
}

static void
coefficients_init (Coefficients *coeffs,
                   int           in_size,
                   int           out_size)
{
  double scale = (double) in_size / out_size;
  double filter_scale = MAX (scale, 1.0);
  double support = 1.0 * filter_scale;
  g_autofree double *k = NULL;

  coeffs->taps = (int) ceil (support) * 2 + 1;
  coeffs->first = g_new (int, out_size);
  coeffs->count = g_new (int, out_size);
  coeffs->weights = g_new0 (int, (gsize) out_size * coeffs->taps);
  k = g_new (double, coeffs->taps);

  for (int xx = 0; xx < out_size; xx++)
    {
      double center = (xx + 0.5) * scale;
      double ss = 1.0 / filter_scale;
      double ww = 0.0;
      /* (int) truncates toward zero, as in Pillow. */
      int xmin = (int) (center - support + 0.5);
      int xmax = (int) (center + support + 0.5);

      if (xmin < 0)
        xmin = 0;
      if (xmax > in_size)
        xmax = in_size;
      xmax -= xmin;

      for (int x = 0; x < xmax; x++)
        {
          k[x] = triangle ((x + xmin - center + 0.5) * ss);
          ww += k[x];
        }
      for (int x = 0; x < xmax; x++)
        {
          double w = ww != 0.0 ? k[x] / ww : k[x];
          int *fixed = &coeffs->weights[xx * coeffs->taps + x];

          if (w < 0)
            *fixed = (int) (-0.5 + w * (1 << PRECISION_BITS));
          else
            *fixed = (int) (0.5 + w * (1 << PRECISION_BITS));
        }
      coeffs->first[xx] = xmin;
      coeffs->count[xx] = xmax;
    }
}

static void
coefficients_clear (Coefficients *coeffs)
{
  g_free (coeffs->first);
  g_free (coeffs->count);
  g_free (coeffs->weights);
}

static guint8
clip8 (int sum)
{
  int value;

  if (sum < 0)
    return 0;
  value = sum >> PRECISION_BITS;
  return value > 255 ? 255 : (guint8) value;
}

/* One pass along x (horizontal) or y: each output sample is the rounded,
 * clipped fixed-point sum of its source samples, channel by channel. */
static Image8 *
resample_axis (const Image8 *in,
               int           out_size,
               gboolean      horizontal)
{
  Coefficients coeffs;
  int out_width = horizontal ? out_size : in->width;
  int out_height = horizontal ? in->height : out_size;
  Image8 *out = image8_new (out_width, out_height, in->channels);

  coefficients_init (&coeffs, horizontal ? in->width : in->height, out_size);

  for (int y = 0; y < out_height; y++)
    for (int x = 0; x < out_width; x++)
      {
        int o = horizontal ? x : y;
        const int *k = &coeffs.weights[o * coeffs.taps];
        guint8 *dst = image8_pixel (out, x, y);

        for (int c = 0; c < in->channels; c++)
          {
            int sum = 1 << (PRECISION_BITS - 1);

            for (int i = 0; i < coeffs.count[o]; i++)
              {
                int s = coeffs.first[o] + i;
                const guint8 *src = horizontal ? image8_pixel (in, s, y) : image8_pixel (in, x, s);
                sum += src[c] * k[i];
              }
            dst[c] = clip8 (sum);
          }
      }

  coefficients_clear (&coeffs);
  return out;
}

/* Pillow's MULDIV255: a · b / 255 rounded, in integers. */
static guint8
muldiv255 (guint a,
           guint b)
{
  guint tmp = a * b + 128;
  return (guint8) (((tmp >> 8) + tmp) >> 8);
}

/* Replaces *image by next, freeing the old one. */
static void
image8_replace (Image8 **image,
                Image8  *next)
{
  image8_free (*image);
  *image = next;
}

static Image8 *
resize_bilinear (const Image8 *in,
                 int           out_width,
                 int           out_height)
{
  g_autoptr(Image8) work = NULL;
  const Image8 *src = in;

  if (in->channels == 4)
    {
      /* Image.resize: RGBA is resampled as RGBa (Convert.c rgbA2rgba). */
      work = image8_new (in->width, in->height, 4);
      for (gsize i = 0; i < (gsize) in->width * in->height; i++)
        {
          const guint8 *p = in->pixels + 4 * i;
          guint8 *q = work->pixels + 4 * i;

          q[0] = muldiv255 (p[0], p[3]);
          q[1] = muldiv255 (p[1], p[3]);
          q[2] = muldiv255 (p[2], p[3]);
          q[3] = p[3];
        }
      src = work;
    }

  /* Horizontal pass first, then vertical; an axis that keeps its size is
   * skipped (its weights would be the identity anyway). The caller only
   * asks when at least one axis changes. */
  if (out_width != src->width)
    {
      image8_replace (&work, resample_axis (src, out_width, TRUE));
      src = work;
    }
  if (out_height != src->height)
    {
      image8_replace (&work, resample_axis (src, out_height, FALSE));
      src = work;
    }
  g_assert (work != NULL && src == work);

  if (in->channels == 4)
    {
      /* Back to straight alpha (Convert.c rgba2rgbA). */
      for (gsize i = 0; i < (gsize) work->width * work->height; i++)
        {
          guint8 *p = work->pixels + 4 * i;
          guint alpha = p[3];

          if (alpha != 0 && alpha != 255)
            for (int c = 0; c < 3; c++)
              p[c] = (guint8) MIN (255u, 255u * p[c] / alpha);
        }
    }

  return g_steal_pointer (&work);
}

/* Only called when the size changes: load_img does not resize, and
 * Image.resize only copies, when it does not. */
static Image8 *
resize (const Image8 *in,
        int           out_width,
        int           out_height,
        LscResize     method)
{
  switch (method)
    {
    case LSC_RESIZE_NEAREST:
      return resize_nearest (in, out_width, out_height);
    case LSC_RESIZE_BILINEAR:
      return resize_bilinear (in, out_width, out_height);
    default:
      g_assert_not_reached ();
    }
}

/* --- Preprocessing (keras.applications.imagenet_utils) ------------------ */

/* In float32, operation by operation, as preprocess_input does on a
 * float32 array. */
static void
preprocess (const Image8  *image,
            LscPreprocess  mode,
            float         *out)
{
  static const float caffe_mean_bgr[3] = { 103.939f, 116.779f, 123.68f };
  static const float torch_mean[3] = { 0.485f, 0.456f, 0.406f };
  static const float torch_std[3] = { 0.229f, 0.224f, 0.225f };
  gsize n_pixels = (gsize) image->width * image->height;
  int channels = image->channels;

  for (gsize i = 0; i < n_pixels; i++)
    {
      const guint8 *p = image->pixels + i * channels;
      float *x = out + i * channels;

      switch (mode)
        {
        case LSC_PREPROCESS_RAW:
          for (int c = 0; c < channels; c++)
            x[c] = p[c];
          break;
        case LSC_PREPROCESS_UNIT:
          for (int c = 0; c < channels; c++)
            x[c] = (float) p[c] / 255.0f;
          break;
        case LSC_PREPROCESS_TF:
          for (int c = 0; c < channels; c++)
            x[c] = (float) p[c] / 127.5f - 1.0f;
          break;
        case LSC_PREPROCESS_CAFFE:
          /* x[..., ::-1], then x[..., c] -= mean[c] in BGR order. */
          for (int c = 0; c < 3; c++)
            x[c] = (float) p[2 - c] - caffe_mean_bgr[c];
          break;
        case LSC_PREPROCESS_TORCH:
          for (int c = 0; c < 3; c++)
            {
              float v = (float) p[c] / 255.0f;
              v -= torch_mean[c];
              x[c] = v / torch_std[c];
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* --- The batch ---------------------------------------------------------- */

LscTensor *
lsc_image_load_batch (const char *const *paths,
                      guint              n_paths,
                      int64_t            height,
                      int64_t            width,
                      int64_t            channels,
                      LscResize          resize_method,
                      LscPreprocess      preprocess_mode,
                      GError           **error)
{
  return lsc_image_load_batch_with_flags (paths, n_paths, height, width, channels, resize_method,
                                          preprocess_mode, LSC_IMAGE_FLAGS_NONE, error);
}

LscTensor *
lsc_image_load_batch_with_flags (const char *const *paths,
                                 guint              n_paths,
                                 int64_t            height,
                                 int64_t            width,
                                 int64_t            channels,
                                 LscResize          resize_method,
                                 LscPreprocess      preprocess_mode,
                                 LscImageFlags      flags,
                                 GError           **error)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) image8_free);
  LscTensor *batch;
  LscShape shape;
  gsize image_floats;

  g_return_val_if_fail (paths != NULL || n_paths == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (resize_method == LSC_RESIZE_NEAREST
                        || resize_method == LSC_RESIZE_BILINEAR, NULL);
  g_return_val_if_fail (preprocess_mode >= LSC_PREPROCESS_RAW
                        && preprocess_mode <= LSC_PREPROCESS_TORCH, NULL);

  if (n_paths == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "No images to load");
      return NULL;
    }
  if (channels != 1 && channels != 3 && channels != 4)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "The model takes %" G_GINT64_FORMAT " channels; images give 1 (grayscale), "
                   "3 (RGB) or 4 (RGBA)", (gint64) channels);
      return NULL;
    }
  if ((preprocess_mode == LSC_PREPROCESS_CAFFE || preprocess_mode == LSC_PREPROCESS_TORCH)
      && channels != 3)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "The %s preprocessing needs 3-channel (RGB) input; the model takes %"
                   G_GINT64_FORMAT, preprocess_mode == LSC_PREPROCESS_CAFFE ? "caffe" : "torch",
                   (gint64) channels);
      return NULL;
    }
  if (height > G_MAXINT || width > G_MAXINT || height == 0 || width == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "The model's image size %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT
                   " cannot be loaded into", (gint64) height, (gint64) width);
      return NULL;
    }

  for (guint i = 0; i < n_paths; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(Image8) converted = NULL;
      Image8 *first = images->len > 0 ? g_ptr_array_index (images, 0) : NULL;
      int out_width, out_height;

      pixbuf = decode_file (paths[i], error);
      if (pixbuf == NULL)
        return NULL;
      if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
          || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "“%s” is not an 8-bit RGB image", paths[i]);
          return NULL;
        }

      converted = image_from_pixbuf (pixbuf, (int) channels);

      /* A model with a free (None) image size takes each image at its own
       * size; a batch then needs them all the same size. */
      out_width = width > 0 ? (int) width : converted->width;
      out_height = height > 0 ? (int) height : converted->height;
      if (first != NULL && (first->width != out_width || first->height != out_height))
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "“%s” is %d × %d pixels but “%s” is %d × %d; the model takes any "
                       "size, and a batch needs one", paths[i], out_width, out_height,
                       paths[0], first->width, first->height);
          return NULL;
        }

      if (converted->width != out_width || converted->height != out_height)
        image8_replace (&converted, resize (converted, out_width, out_height, resize_method));
      if (flags & LSC_IMAGE_FLAGS_INVERT)
        {
          gsize n = (gsize) converted->width * converted->height * converted->channels;
          for (gsize k = 0; k < n; k++)
            converted->pixels[k] = 255 - converted->pixels[k];
        }
      g_ptr_array_add (images, g_steal_pointer (&converted));
    }

  {
    Image8 *first = g_ptr_array_index (images, 0);

    shape = lsc_shape_make (4, (int64_t) n_paths, (int64_t) first->height,
                            (int64_t) first->width, channels);
    image_floats = (gsize) first->width * first->height * channels;
  }

  batch = lsc_tensor_new (&shape);
  for (guint i = 0; i < n_paths; i++)
    preprocess (g_ptr_array_index (images, i), preprocess_mode, batch->data + i * image_floats);

  return batch;
}
