/* Images into model inputs, against hand-computed pixels (images made here
 * with gdk-pixbuf), against Pillow's own output for a random image
 * (tests/data/images, from make-pil-references.py: keras.utils.load_img is
 * Pillow), and on the real photos in shared/images when they are there. */

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#ifdef LSC_HAVE_LIBWEBP
#include <webp/encode.h>
#endif

#include "core/lsc-error.h"
#include "io/lsc-image.h"
#include "io/lsc-npy.h"
#include "lsc-test-util.h"

static char *tmp_dir;

/* Saves width × height pixels (rows of RGB or RGBA bytes) as
 * tmp_dir/name in the given format ("png", "jpeg"). */
static char *
save_image (const char   *name,
            const char   *format,
            int           width,
            int           height,
            gboolean      has_alpha,
            const guint8 *pixels)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, has_alpha, 8, width, height);
  int channels = has_alpha ? 4 : 3;
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);
  char *path = g_build_filename (tmp_dir, name, NULL);

  for (int y = 0; y < height; y++)
    memcpy (dst + y * rowstride, pixels + y * width * channels, width * channels);

  if (g_str_equal (format, "jpeg"))
    gdk_pixbuf_save (pixbuf, path, format, &error, "quality", "100", NULL);
  else
    gdk_pixbuf_save (pixbuf, path, format, &error, NULL);
  g_assert_no_error (error);
  return path;
}

static LscTensor *
load_one (const char    *path,
          int64_t        height,
          int64_t        width,
          int64_t        channels,
          LscResize      resize,
          LscPreprocess  preprocess)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { path };
  LscTensor *tensor = lsc_image_load_batch (paths, 1, height, width, channels, resize, preprocess,
                                            &error);

  g_assert_no_error (error);
  g_assert_nonnull (tensor);
  g_assert_cmpint (tensor->shape.ndim, ==, 4);
  g_assert_cmpint (tensor->shape.dims[0], ==, 1);
  return tensor;
}

/* Exact comparison of a RAW (0…255) tensor with expected levels. */
static void
assert_levels (const LscTensor *tensor,
               const guint8    *expected,
               int64_t          height,
               int64_t          width,
               int64_t          channels)
{
  g_assert_cmpint (tensor->shape.dims[1], ==, height);
  g_assert_cmpint (tensor->shape.dims[2], ==, width);
  g_assert_cmpint (tensor->shape.dims[3], ==, channels);
  for (int64_t i = 0; i < height * width * channels; i++)
    if (tensor->data[i] != (float) expected[i])
      g_error ("pixel (%d, %d) channel %d: got %g, expected %u",
               (int) (i / channels / width), (int) (i / channels % width), (int) (i % channels),
               tensor->data[i], expected[i]);
}

static void
test_image_rgb_and_alpha (void)
{
  /* 2 × 1 RGBA: an opaque pixel and a fully transparent one whose colour
   * is still stored. RGB drops alpha without compositing (convert("RGB")). */
  const guint8 rgba[] = { 200, 100, 50, 255,   10, 20, 30, 0 };
  const guint8 rgb[] = { 200, 100, 50,   10, 20, 30 };
  const guint8 opaque[] = { 200, 100, 50, 255,   10, 20, 30, 255 };
  g_autofree char *rgba_path = save_image ("rgba.png", "png", 2, 1, TRUE, rgba);
  g_autofree char *rgb_path = save_image ("rgb.png", "png", 2, 1, FALSE, rgb);
  g_autoptr(LscTensor) as_rgb = load_one (rgba_path, 1, 2, 3, LSC_RESIZE_NEAREST,
                                          LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) as_rgba = load_one (rgba_path, 1, 2, 4, LSC_RESIZE_NEAREST,
                                           LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) rgb_as_rgba = load_one (rgb_path, 1, 2, 4, LSC_RESIZE_BILINEAR,
                                               LSC_PREPROCESS_RAW);

  assert_levels (as_rgb, rgb, 1, 2, 3);
  assert_levels (as_rgba, rgba, 1, 2, 4);
  /* An image without alpha becomes opaque RGBA. */
  assert_levels (rgb_as_rgba, opaque, 1, 2, 4);
}

static void
test_image_grayscale (void)
{
  /* Pillow's convert("L"): (R·19595 + G·38470 + B·7471 + 32768) >> 16.
   *   (0, 255, 0):   9809850 + 32768 = 9842618 >> 16 = 150 (R·299/1000… gives 149)
   *   (0, 0, 250):   1867750 + 32768 = 1900518 >> 16 = 28  (0.114·250 rounded is 29)
   *   (255, 0, 0):   4996725 + 32768 = 5029493 >> 16 = 76
   *   (10, 20, 30):  195950 + 769400 + 224130 + 32768 = 1222248 >> 16 = 18
   *   (7, 7, 7):     gray stays gray: 7 · 65536 + 32768 >> 16 = 7
   *   (255, 255, 255): 255
   * Alpha is ignored (the last pixel is transparent green). */
  const guint8 pixels[] = {
    0, 255, 0, 255,   0, 0, 250, 255,   255, 0, 0, 255,   10, 20, 30, 255,
    7, 7, 7, 255,   255, 255, 255, 255,   0, 255, 0, 0,   0, 0, 0, 255,
  };
  const guint8 expected[] = { 150, 28, 76, 18, 7, 255, 150, 0 };
  g_autofree char *path = save_image ("colours.png", "png", 4, 2, TRUE, pixels);
  g_autoptr(LscTensor) gray = load_one (path, 2, 4, 1, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);

  assert_levels (gray, expected, 2, 4, 1);
}

/* A width × height RGB image whose pixel (x, y) is (10 x, 10 y, 7). */
static char *
save_coordinates (const char *name,
                  int         width,
                  int         height)
{
  g_autofree guint8 *pixels = g_new (guint8, width * height * 3);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        pixels[(y * width + x) * 3 + 0] = 10 * x;
        pixels[(y * width + x) * 3 + 1] = 10 * y;
        pixels[(y * width + x) * 3 + 2] = 7;
      }
  return save_image (name, "png", width, height, FALSE, pixels);
}

/* Asserts that each output pixel is the source pixel (xs[x], ys[y]). */
static void
assert_picks (const LscTensor *tensor,
              const int       *xs,
              int              width,
              const int       *ys,
              int              height)
{
  g_assert_cmpint (tensor->shape.dims[1], ==, height);
  g_assert_cmpint (tensor->shape.dims[2], ==, width);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const float *p = tensor->data + (y * width + x) * 3;

        g_assert_cmpfloat (p[0], ==, 10.0f * xs[x]);
        g_assert_cmpfloat (p[1], ==, 10.0f * ys[y]);
        g_assert_cmpfloat (p[2], ==, 7.0f);
      }
}

static void
test_image_nearest (void)
{
  /* Source index floor ((i + 0.5) · in / out):
   *   3 → 2: 0.75, 2.25       → 0, 2
   *   4 → 2: 1, 3             → 1, 3
   *   5 → 3: 0.83, 2.5, 4.17  → 0, 2, 4
   *   2 → 4: 0.25 … 1.75      → 0, 0, 1, 1
   *   1 → 3                   → 0, 0, 0 */
  g_autofree char *p3x4 = save_coordinates ("coords-3x4.png", 3, 4);
  g_autofree char *p5x2 = save_coordinates ("coords-5x2.png", 5, 2);
  g_autofree char *p1x1 = save_coordinates ("coords-1x1.png", 1, 1);
  const int x3to2[] = { 0, 2 }, y4to2[] = { 1, 3 };
  const int x5to3[] = { 0, 2, 4 }, y2to4[] = { 0, 0, 1, 1 };
  const int zeros[] = { 0, 0, 0 };
  g_autoptr(LscTensor) a = load_one (p3x4, 2, 2, 3, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) b = load_one (p5x2, 4, 3, 3, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) c = load_one (p1x1, 3, 3, 3, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);

  assert_picks (a, x3to2, 2, y4to2, 2);
  assert_picks (b, x5to3, 3, y2to4, 4);
  assert_picks (c, zeros, 3, zeros, 3);
}

static void
test_image_bilinear (void)
{
  /* Pillow's BILINEAR, one axis at a time, weights in 22-bit fixed point,
   * each pass rounded to 8 bits (sum + 2^21) >> 22.
   *
   * Enlarging 2 → 4, centres at 0.25, 0.75, 1.25, 1.75 source pixels:
   *   [a, ¾a + ¼b, ¼a + ¾b, b]; a = 0, b = 201 → 0, 50.25 → 50, 150.75 → 151, 201 */
  const guint8 up_src[] = { 0, 0, 0,   201, 0, 0 };
  const guint8 up_expected[] = { 0, 50, 151, 201 };
  /* Shrinking 4 → 2: the triangle is widened to ±2 source pixels, so each
   * output averages three pixels with weights 3/7, 3/7, 1/7 (not the
   * two-pixel average of plain bilinear, which would give 35 and 175):
   *   (3·0 + 3·70 + 140) / 7 = 50, (70 + 3·140 + 3·210) / 7 = 160 */
  const guint8 down_src[] = { 0, 0, 0,   70, 0, 0,   140, 0, 0,   210, 0, 0 };
  const guint8 down_expected[] = { 50, 160 };
  /* 2 × 2 → 3 × 3: each axis gives [a, (a + b + 1) / 2, b] (rounded half
   * up), rows first. Rows: [0, 51, 101], [200, 228, 255]; then columns:
   * (0 + 200 + 1) / 2 = 100, (51 + 228 + 1) / 2 = 140, (101 + 255 + 1) / 2 = 178.
   * The centre is 140 where exact arithmetic gives 556 / 4 = 139. */
  const guint8 square_src[] = { 0, 0, 0,   101, 0, 0,
                                200, 0, 0,   255, 0, 0 };
  const guint8 square_expected[] = { 0, 51, 101,   100, 140, 178,   200, 228, 255 };
  g_autofree char *up = save_image ("up.png", "png", 2, 1, FALSE, up_src);
  g_autofree char *down = save_image ("down.png", "png", 4, 1, FALSE, down_src);
  g_autofree char *square = save_image ("square.png", "png", 2, 2, FALSE, square_src);
  g_autoptr(LscTensor) t_up = load_one (up, 1, 4, 3, LSC_RESIZE_BILINEAR, LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) t_down = load_one (down, 1, 2, 3, LSC_RESIZE_BILINEAR, LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) t_square = load_one (square, 3, 3, 3, LSC_RESIZE_BILINEAR,
                                            LSC_PREPROCESS_RAW);

  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (t_up->data[i * 3], ==, up_expected[i]);
  for (int i = 0; i < 2; i++)
    g_assert_cmpfloat (t_down->data[i * 3], ==, down_expected[i]);
  for (int i = 0; i < 9; i++)
    {
      g_assert_cmpfloat (t_square->data[i * 3], ==, square_expected[i]);
      g_assert_cmpfloat (t_square->data[i * 3 + 1], ==, 0.0f);
    }
}

static void
test_image_bilinear_rgba_premultiplied (void)
{
  /* 2 → 1 pixel: weights ½, ½. Pillow resizes RGBA as premultiplied RGBa:
   *   (200, 100, 0, 255) → (200, 100, 0)
   *   (0, 0, 200, 51)    → (0, 0, MULDIV255 (200, 51) = 40)
   *   average, rounded half up: (100, 50, 20), alpha (255 + 51 + 1) / 2 = 153
   *   back to straight: 255 · (100, 50, 20) / 153 = (166, 83, 33)
   * Averaging straight colours would give (100, 50, 100). NEAREST picks
   * pixel 1 (floor (0.5 · 2) = 1) as it is. */
  const guint8 src[] = { 200, 100, 0, 255,   0, 0, 200, 51 };
  const guint8 bilinear[] = { 166, 83, 33, 153 };
  const guint8 nearest[] = { 0, 0, 200, 51 };
  g_autofree char *path = save_image ("alpha-pair.png", "png", 2, 1, TRUE, src);
  g_autoptr(LscTensor) b = load_one (path, 1, 1, 4, LSC_RESIZE_BILINEAR, LSC_PREPROCESS_RAW);
  g_autoptr(LscTensor) n = load_one (path, 1, 1, 4, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);

  assert_levels (b, bilinear, 1, 1, 4);
  assert_levels (n, nearest, 1, 1, 4);
}

/* A random RGBA image against what Pillow made of it, every mode and
 * interpolation, sizes smaller, larger and mixed. */
static void
test_image_matches_pillow (void)
{
  static const char *modes[] = { NULL, "L", NULL, "RGB", "RGBA" };
  static const int sizes[][2] = { { 9, 11 }, { 40, 31 }, { 5, 30 } };
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "images",
                                                   "random-rgba-17x23.png", NULL);

  for (int interp = 0; interp < 2; interp++)
    for (int channels = 1; channels <= 4; channels++)
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *name = NULL;
          g_autofree char *path = NULL;
          g_autoptr(LscTensor) expected = NULL;
          g_autoptr(LscTensor) actual = NULL;
          int h = sizes[s][0], w = sizes[s][1];

          if (modes[channels] == NULL)
            continue;
          name = g_strdup_printf ("pil-%s-%s-%dx%d.npy", interp ? "bilinear" : "nearest",
                                  modes[channels], h, w);
          path = g_test_build_filename (G_TEST_DIST, "data", "images", name, NULL);
          expected = lsc_npy_read (path, &error);
          g_assert_no_error (error);

          actual = load_one (source, h, w, channels,
                             interp ? LSC_RESIZE_BILINEAR : LSC_RESIZE_NEAREST,
                             LSC_PREPROCESS_RAW);
          g_assert_cmpint (lsc_tensor_numel (actual), ==, lsc_tensor_numel (expected));
          for (int64_t i = 0; i < lsc_tensor_numel (expected); i++)
            if (actual->data[i] != expected->data[i])
              g_error ("%s: element %" G_GINT64_FORMAT " is %g, Pillow has %g", name,
                       (gint64) i, actual->data[i], expected->data[i]);
        }
}

static void
test_image_preprocess (void)
{
  /* One pixel (R, G, B) = (200, 100, 50), each of keras.applications'
   * modes, in float32 as preprocess_input computes them:
   *   unit:  200/255 = 0.784313725, 100/255 = 0.392156863, 50/255 = 0.196078431
   *   tf:    200/127.5 − 1 = 0.568627451, −0.215686275, −0.607843137
   *   caffe: BGR order minus (103.939, 116.779, 123.68):
   *          50 − 103.939 = −53.939, 100 − 116.779 = −16.779, 200 − 123.68 = 76.32
   *   torch: (200/255 − 0.485) / 0.229 = 1.307047272
   *          (100/255 − 0.456) / 0.224 = −0.285014006
   *          (50/255 − 0.406) / 0.225 = −0.932984749 */
  static const struct
  {
    LscPreprocess mode;
    float         expected[3];
  } cases[] = {
    { LSC_PREPROCESS_RAW, { 200.0f, 100.0f, 50.0f } },
    { LSC_PREPROCESS_UNIT, { 0.784313725f, 0.392156863f, 0.196078431f } },
    { LSC_PREPROCESS_TF, { 0.568627451f, -0.215686275f, -0.607843137f } },
    { LSC_PREPROCESS_CAFFE, { -53.939f, -16.779f, 76.32f } },
    { LSC_PREPROCESS_TORCH, { 1.307047272f, -0.285014006f, -0.932984749f } },
  };
  const guint8 pixel[] = { 200, 100, 50 };
  g_autofree char *path = save_image ("pixel.png", "png", 1, 1, FALSE, pixel);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LscTensor) t = load_one (path, 1, 1, 3, LSC_RESIZE_NEAREST, cases[i].mode);

      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat_with_epsilon (t->data[c], cases[i].expected[c],
                                        2e-6f * MAX (1.0f, fabsf (cases[i].expected[c])));
    }

  /* Grayscale with tf: luma (200, 100, 50) = (3919000 + 3847000 + 373550 +
   * 32768) >> 16 = 124; 124 / 127.5 − 1 = −0.02745098. */
  {
    g_autoptr(LscTensor) t = load_one (path, 1, 1, 1, LSC_RESIZE_NEAREST, LSC_PREPROCESS_TF);
    g_assert_cmpfloat_with_epsilon (t->data[0], -0.02745098f, 1e-7f);
  }
}

static void
test_image_invert (void)
{
  /* (200, 100, 50) inverted is (55, 155, 205), then preprocessed:
   * unit gives 55/255 = 0.215686275. For a grayscale model the luma
   * (124, see test_image_preprocess) is inverted: 255 − 124 = 131. */
  const guint8 pixel[] = { 200, 100, 50 };
  g_autofree char *path = save_image ("invert.png", "png", 1, 1, FALSE, pixel);
  const char *paths[] = { path };
  g_autoptr(GError) error = NULL;
  g_autoptr(LscTensor) rgb = lsc_image_load_batch_with_flags (paths, 1, 1, 1, 3, LSC_RESIZE_NEAREST,
                                                              LSC_PREPROCESS_UNIT,
                                                              LSC_IMAGE_FLAGS_INVERT, &error);
  g_autoptr(LscTensor) gray = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (rgb->data[0], 0.215686275f, 1e-7f);
  g_assert_cmpfloat_with_epsilon (rgb->data[1], 155.0f / 255.0f, 1e-7f);
  g_assert_cmpfloat_with_epsilon (rgb->data[2], 205.0f / 255.0f, 1e-7f);

  gray = lsc_image_load_batch_with_flags (paths, 1, 1, 1, 1, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW,
                                          LSC_IMAGE_FLAGS_INVERT, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (gray->data[0], ==, 255.0f - 124.0f);
}

static void
test_image_preprocess_names (void)
{
  static const struct
  {
    const char    *name;
    LscPreprocess  mode;
  } names[] = {
    { "raw", LSC_PREPROCESS_RAW },
    { "unit", LSC_PREPROCESS_UNIT },
    { "0-1", LSC_PREPROCESS_UNIT },
    { "tf", LSC_PREPROCESS_TF },
    { "caffe", LSC_PREPROCESS_CAFFE },
    { "Torch", LSC_PREPROCESS_TORCH },   /* names are case-insensitive */
  };
  g_autoptr(GError) error = NULL;
  LscPreprocess mode;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (lsc_preprocess_from_name (names[i].name, &mode, &error));
      g_assert_no_error (error);
      g_assert_cmpint (mode, ==, names[i].mode);
    }

  g_assert_false (lsc_preprocess_from_name ("imagenet", &mode, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_nonnull (strstr (error->message, "imagenet"));
  g_assert_nonnull (strstr (error->message, "caffe"));
}

static void
test_image_batch (void)
{
  /* Three images of different sizes, each resized to 2 × 2, in order. */
  const guint8 red[] = { 255, 0, 0 };
  const guint8 green4[] = { 0, 255, 0,  0, 255, 0,  0, 255, 0,  0, 255, 0,
                            0, 255, 0,  0, 255, 0,  0, 255, 0,  0, 255, 0,
                            0, 255, 0,  0, 255, 0,  0, 255, 0,  0, 255, 0 };
  const guint8 blue2[] = { 0, 0, 255,  0, 0, 255 };
  g_autofree char *p1 = save_image ("red.png", "png", 1, 1, FALSE, red);
  g_autofree char *p2 = save_image ("green.png", "png", 4, 3, FALSE, green4);
  g_autofree char *p3 = save_image ("blue.png", "png", 2, 1, FALSE, blue2);
  const char *paths[] = { p1, p2, p3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LscTensor) batch = lsc_image_load_batch (paths, 3, 2, 2, 3, LSC_RESIZE_BILINEAR,
                                                     LSC_PREPROCESS_UNIT, &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch->shape.ndim, ==, 4);
  g_assert_cmpint (batch->shape.dims[0], ==, 3);
  g_assert_cmpint (batch->shape.dims[1], ==, 2);
  g_assert_cmpint (batch->shape.dims[2], ==, 2);
  g_assert_cmpint (batch->shape.dims[3], ==, 3);
  for (int b = 0; b < 3; b++)
    for (int i = 0; i < 4; i++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat (batch->data[(b * 4 + i) * 3 + c], ==, c == b ? 1.0f : 0.0f);
}

static void
test_image_free_size (void)
{
  /* A model whose image size is None takes images at their own size. */
  const guint8 two[] = { 1, 2, 3,  4, 5, 6 };
  const guint8 three[] = { 1, 2, 3,  4, 5, 6,  7, 8, 9 };
  g_autofree char *p1 = save_image ("two.png", "png", 2, 1, FALSE, two);
  g_autofree char *p2 = save_image ("two-again.png", "png", 2, 1, FALSE, two);
  g_autofree char *p3 = save_image ("three.png", "png", 3, 1, FALSE, three);
  g_autoptr(GError) error = NULL;
  const char *same[] = { p1, p2 };
  const char *different[] = { p1, p3 };
  g_autoptr(LscTensor) batch = lsc_image_load_batch (same, 2, LSC_DIM_UNKNOWN, LSC_DIM_UNKNOWN, 3,
                                                     LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW,
                                                     &error);

  g_assert_no_error (error);
  g_assert_cmpint (batch->shape.dims[0], ==, 2);
  g_assert_cmpint (batch->shape.dims[1], ==, 1);
  g_assert_cmpint (batch->shape.dims[2], ==, 2);
  g_assert_cmpfloat (batch->data[6 + 5], ==, 6.0f);

  g_assert_null (lsc_image_load_batch (different, 2, LSC_DIM_UNKNOWN, LSC_DIM_UNKNOWN, 3,
                                       LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_nonnull (strstr (error->message, p1));
  g_assert_nonnull (strstr (error->message, p3));
}

static void
test_image_jpeg (void)
{
  /* JPEG is lossy, but a flat colour at quality 100 decodes to within a
   * level or two of itself, and luma of the decoded pixel stays near
   * luma (200, 100, 50) = 124. */
  guint8 pixels[16 * 16 * 3];
  g_autofree char *path = NULL;
  g_autoptr(LscTensor) rgb = NULL;
  g_autoptr(LscTensor) gray = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pixels); i += 3)
    {
      pixels[i] = 200;
      pixels[i + 1] = 100;
      pixels[i + 2] = 50;
    }
  path = save_image ("flat.jpg", "jpeg", 16, 16, FALSE, pixels);
  rgb = load_one (path, 4, 4, 3, LSC_RESIZE_BILINEAR, LSC_PREPROCESS_RAW);
  gray = load_one (path, 8, 8, 1, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);

  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpfloat_with_epsilon (rgb->data[i * 3 + 0], 200.0f, 3.0f);
      g_assert_cmpfloat_with_epsilon (rgb->data[i * 3 + 1], 100.0f, 3.0f);
      g_assert_cmpfloat_with_epsilon (rgb->data[i * 3 + 2], 50.0f, 3.0f);
    }
  for (int i = 0; i < 64; i++)
    g_assert_cmpfloat_with_epsilon (gray->data[i], 124.0f, 3.0f);
}

static void
test_image_webp (void)
{
#ifdef LSC_HAVE_LIBWEBP
  /* A lossless WebP under a .jpg name, as photos saved from the web often
   * are: gdk-pixbuf cannot read it, libwebp does, exactly. */
  const guint8 rgb[] = { 200, 100, 50,   10, 20, 30,   0, 255, 0,   255, 255, 255 };
  g_autofree char *path = g_build_filename (tmp_dir, "really-webp.jpg", NULL);
  uint8_t *encoded = NULL;
  size_t size = WebPEncodeLosslessRGB (rgb, 2, 2, 6, &encoded);
  g_autoptr(LscTensor) t = NULL;

  g_assert_cmpuint (size, >, 0);
  g_assert_true (g_file_set_contents (path, (const char *) encoded, size, NULL));
  WebPFree (encoded);

  t = load_one (path, 2, 2, 3, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW);
  assert_levels (t, rgb, 2, 2, 3);
#else
  g_test_skip ("built without libwebp");
#endif
}

static void
assert_load_fails (const char *path,
                   GQuark      domain,
                   int         code,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { path };

  g_assert_null (lsc_image_load_batch (paths, 1, 4, 4, 3, LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW,
                                       &error));
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, path));
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("expected “%s” in “%s”", fragment, error->message);
}

static void
test_image_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.png", NULL);
  g_autofree char *text = g_build_filename (tmp_dir, "notes.png", NULL);
  g_autofree char *truncated = g_build_filename (tmp_dir, "truncated.png", NULL);
  g_autofree char *directory = g_build_filename (tmp_dir, "a-directory.png", NULL);
  const guint8 pixel[] = { 1, 2, 3 };
  g_autofree char *good = save_image ("good.png", "png", 1, 1, FALSE, pixel);
  g_autofree char *good_bytes = NULL;
  gsize good_length;

  assert_load_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, NULL);

  g_assert_true (g_file_set_contents (text, "just some text\n", -1, NULL));
  assert_load_fails (text, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "not an image");

  g_assert_true (g_file_get_contents (good, &good_bytes, &good_length, NULL));
  g_assert_true (g_file_set_contents (truncated, good_bytes, good_length / 2, NULL));
  assert_load_fails (truncated, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "not an image");

  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);
  assert_load_fails (directory, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, NULL);
  g_rmdir (directory);

  /* The second file of a batch is named when it is the bad one. */
  {
    const char *paths[] = { good, text };

    g_assert_null (lsc_image_load_batch (paths, 2, 4, 4, 3, LSC_RESIZE_NEAREST,
                                         LSC_PREPROCESS_RAW, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, text));
    g_clear_error (&error);
  }

  /* Models the images cannot feed. */
  {
    const char *paths[] = { good };

    g_assert_null (lsc_image_load_batch (paths, 1, 4, 4, 2, LSC_RESIZE_NEAREST,
                                         LSC_PREPROCESS_RAW, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_clear_error (&error);

    g_assert_null (lsc_image_load_batch (paths, 1, 4, 4, 1, LSC_RESIZE_NEAREST,
                                         LSC_PREPROCESS_CAFFE, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, "caffe"));
    g_clear_error (&error);

    g_assert_null (lsc_image_load_batch (paths, 1, 4, 4, 4, LSC_RESIZE_NEAREST,
                                         LSC_PREPROCESS_TORCH, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_clear_error (&error);

    g_assert_null (lsc_image_load_batch (paths, 0, 4, 4, 3, LSC_RESIZE_NEAREST,
                                         LSC_PREPROCESS_RAW, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_clear_error (&error);
  }
}

/* The real photos: three hand-drawn digits (JPEG) and a disaster photo
 * that is a WebP file named .jpg. Sums and sample pixels are Pillow's
 * (make-pil-references.py --photos): the decoders here (libjpeg-turbo,
 * libwebp) are the ones Pillow uses, so the results must be equal. */
static void
test_image_real_photos (void)
{
  static const struct
  {
    const char *name;
    int         channels;
    int         size;
    LscResize   resize;
    gint64      sum;
    int         samples[4];
  } cases[] = {
    { "mnist_digit_img2.jpg", 1, 28, LSC_RESIZE_NEAREST, 196885, { 255, 255, 255, 255 } },
    { "mnist_digit_img2.jpg", 1, 28, LSC_RESIZE_BILINEAR, 196330, { 255, 255, 255, 255 } },
    { "mnist_digit_img2.jpg", 3, 224, LSC_RESIZE_NEAREST, 37695433, { 255, 255, 255, 255 } },
    { "mnist_digit_img2.jpg", 3, 224, LSC_RESIZE_BILINEAR, 37690163, { 255, 255, 255, 255 } },
    { "mnist_digit_img33.jpg", 1, 28, LSC_RESIZE_NEAREST, 197184, { 255, 255, 255, 255 } },
    { "mnist_digit_img33.jpg", 1, 28, LSC_RESIZE_BILINEAR, 196254, { 255, 255, 255, 255 } },
    { "mnist_digit_img33.jpg", 3, 224, LSC_RESIZE_NEAREST, 37679170, { 255, 255, 255, 255 } },
    { "mnist_digit_img33.jpg", 3, 224, LSC_RESIZE_BILINEAR, 37677203, { 255, 255, 255, 255 } },
    { "mnist_digit_img8.jpg", 1, 28, LSC_RESIZE_NEAREST, 197201, { 255, 255, 255, 255 } },
    { "mnist_digit_img8.jpg", 1, 28, LSC_RESIZE_BILINEAR, 197086, { 255, 253, 255, 255 } },
    { "mnist_digit_img8.jpg", 3, 224, LSC_RESIZE_NEAREST, 37840512, { 255, 255, 255, 255 } },
    { "mnist_digit_img8.jpg", 3, 224, LSC_RESIZE_BILINEAR, 37837246, { 255, 255, 255, 255 } },
    { "tm_mobilenetv2_disaster_test_image10.jpg", 1, 28, LSC_RESIZE_NEAREST, 97769,
      { 46, 242, 180, 172 } },
    { "tm_mobilenetv2_disaster_test_image10.jpg", 1, 28, LSC_RESIZE_BILINEAR, 97603,
      { 56, 223, 183, 139 } },
    { "tm_mobilenetv2_disaster_test_image10.jpg", 3, 224, LSC_RESIZE_NEAREST, 19227717,
      { 12, 218, 214, 124 } },
    { "tm_mobilenetv2_disaster_test_image10.jpg", 3, 224, LSC_RESIZE_BILINEAR, 19228432,
      { 14, 216, 216, 121 } },
  };
  g_autofree char *dir = lsc_test_find_shared_dir ("images");

  if (dir == NULL)
    {
      g_test_skip ("shared/images is not here");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr(LscTensor) t = NULL;
      int h = cases[i].size, w = cases[i].size, c = cases[i].channels;
      const int at[4][3] = { { 0, 0, 0 }, { h / 2, w / 2, 0 }, { h - 1, w - 1, c - 1 },
                             { h / 3, 2 * w / 3, c / 2 } };
      double sum = 0.0;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_message ("%s is not here; skipped", path);
          continue;
        }
#ifndef LSC_HAVE_LIBWEBP
      if (g_str_has_prefix (cases[i].name, "tm_"))
        {
          assert_load_fails (path, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT, "WebP");
          continue;
        }
#endif

      t = load_one (path, h, w, c, cases[i].resize, LSC_PREPROCESS_RAW);
      for (int64_t j = 0; j < lsc_tensor_numel (t); j++)
        sum += t->data[j];
      if (sum != (double) cases[i].sum)
        g_error ("%s (%d × %d × %d, %s): sum %.0f, Pillow's is %" G_GINT64_FORMAT
                 " (a different libjpeg-turbo would also explain this)", cases[i].name, h, w, c,
                 cases[i].resize == LSC_RESIZE_NEAREST ? "nearest" : "bilinear", sum,
                 cases[i].sum);
      for (int s = 0; s < 4; s++)
        g_assert_cmpfloat (t->data[(at[s][0] * w + at[s][1]) * c + at[s][2]], ==,
                           cases[i].samples[s]);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = lsc_test_make_tmp_dir ();

  g_test_add_func ("/image/rgb-and-alpha", test_image_rgb_and_alpha);
  g_test_add_func ("/image/grayscale", test_image_grayscale);
  g_test_add_func ("/image/nearest", test_image_nearest);
  g_test_add_func ("/image/bilinear", test_image_bilinear);
  g_test_add_func ("/image/bilinear-rgba-premultiplied", test_image_bilinear_rgba_premultiplied);
  g_test_add_func ("/image/matches-pillow", test_image_matches_pillow);
  g_test_add_func ("/image/preprocess", test_image_preprocess);
  g_test_add_func ("/image/preprocess-names", test_image_preprocess_names);
  g_test_add_func ("/image/invert", test_image_invert);
  g_test_add_func ("/image/batch", test_image_batch);
  g_test_add_func ("/image/free-size", test_image_free_size);
  g_test_add_func ("/image/jpeg", test_image_jpeg);
  g_test_add_func ("/image/webp", test_image_webp);
  g_test_add_func ("/image/errors", test_image_errors);
  g_test_add_func ("/image/real-photos", test_image_real_photos);

  status = g_test_run ();

  lsc_test_remove_tmp_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
