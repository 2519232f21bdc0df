#include "lsc-zoo.h"

#include <gio/gio.h>
#include <math.h>

#include "core/lsc-error.h"
#include "zoo/lsc-zoo-private.h"
#include "zoo/lsc-zoo-writer.h"

/* Used when the caller leaves the seed at 0. */
#define DEFAULT_SEED 0x4C53435Au   /* "LSCZ" */

/* keras.applications refuses other input sizes ("should be no smaller
 * than 32"); above the maximum the file would be absurdly large. */
#define MIN_IMAGE_SIZE 32

/* Width multipliers keras.applications has ImageNet weights for; 0 ends. */
static const double mobilenet_alphas[] = { 0.25, 0.50, 0.75, 1.0, 0 };
static const double mobilenetv2_alphas[] = { 0.35, 0.50, 0.75, 1.0, 1.3, 1.4, 0 };

typedef struct
{
  const char   *name;
  const char   *description;
  const double *alphas;         /* NULL: no width multiplier */
  int           default_size;
  int           max_size;       /* 0: the input size is fixed */
  LscZooGraph *(*build) (double alpha,
                         int    size);
} Arch;

static LscZooGraph *
build_mnist_cnn (double alpha,
                 int    size)
{
  return lsc_zoo_build_mnist_cnn ();
}

static LscZooGraph *
build_lenet5 (double alpha,
              int    size)
{
  return lsc_zoo_build_lenet5 ();
}

static LscZooGraph *
build_resnet50 (double alpha,
                int    size)
{
  return lsc_zoo_build_resnet50 (size);
}

static LscZooGraph *
build_vgg16 (double alpha,
             int    size)
{
  return lsc_zoo_build_vgg16 (size);
}

static LscZooGraph *
build_efficientnetb0 (double alpha,
                      int    size)
{
  return lsc_zoo_build_efficientnetb0 (size);
}

static LscZooGraph *
build_text_lstm (double alpha,
                 int    size)
{
  return lsc_zoo_build_text_lstm ();
}

static const Arch archs[] = {
  { "mnist-cnn",
    "Keras's mnist_cnn example: two 3×3 convolutions, max pooling, dropout, "
    "dense 128, softmax over 10 digits (28×28×1, 1.2 M parameters)",
    NULL, 28, 0, build_mnist_cnn },
  { "lenet5",
    "LeNet-5: tanh convolutions and average pooling on 32×32×1 digits "
    "(61,706 parameters)",
    NULL, 32, 0, build_lenet5 },
  { "mobilenet",
    "MobileNet (v1) as keras.applications builds it; --alpha 0.25, 0.5, 0.75 "
    "or 1.0, --size from 32 (default 224; 4.25 M parameters at 1.0)",
    mobilenet_alphas, 224, 1024, lsc_zoo_build_mobilenet },
  { "mobilenetv2",
    "MobileNetV2 as keras.applications builds it; --alpha 0.35, 0.5, 0.75, "
    "1.0, 1.3 or 1.4, --size from 32 (default 224; 3.54 M parameters at 1.0)",
    mobilenetv2_alphas, 224, 1024, lsc_zoo_build_mobilenetv2 },
  { "resnet50",
    "ResNet50 as keras.applications builds it; --size from 32 "
    "(default 224; 25.6 M parameters)",
    NULL, 224, 1024, build_resnet50 },
  /* Flatten feeds fc1, so its weights grow with the square of the size:
   * 512 already gives a 2 GB file. */
  { "vgg16",
    "VGG16 as keras.applications builds it; --size from 32 "
    "(default 224; 138 M parameters, a 553 MB file)",
    NULL, 224, 512, build_vgg16 },
  { "efficientnetb0",
    "EfficientNetB0 as keras.applications builds it, with its Rescaling and "
    "Normalization stem; --size from 32 (default 224; 5.33 M parameters)",
    NULL, 224, 1024, build_efficientnetb0 },
  { "text-lstm",
    "A sentiment classifier: Embedding (20,000 words × 128) → LSTM 128 → "
    "sigmoid, on 80-token sequences (2.69 M parameters)",
    NULL, 80, 0, build_text_lstm },
};

static const Arch *
find_arch (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (archs); i++)
    if (g_str_equal (archs[i].name, name))
      return &archs[i];
  return NULL;
}

const char *const *
lsc_zoo_get_names (void)
{
  static const char *names[G_N_ELEMENTS (archs) + 1];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (archs); i++)
        names[i] = archs[i].name;
      g_once_init_leave (&initialized, 1);
    }
  return names;
}

const char *
lsc_zoo_get_description (const char *name)
{
  const Arch *arch = find_arch (name);

  return arch != NULL ? arch->description : NULL;
}

static char *
format_alphas (const double *alphas)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; alphas[i] != 0; i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append (text, alphas[i + 1] == 0 ? " or " : ", ");
      g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%g", alphas[i]));
    }
  return g_string_free (text, FALSE);
}

/* Picks the allowed alpha equal to the requested one (so 0.5 and 0.50 are
 * the same), or fails naming the allowed values. */
static gboolean
resolve_alpha (const Arch  *arch,
               double       requested,
               double      *alpha,
               GError     **error)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (requested == 0)
    requested = 1.0;
  g_ascii_formatd (buffer, sizeof buffer, "%g", requested);

  if (arch->alphas == NULL)
    {
      if (requested == 1.0)
        {
          *alpha = 1.0;
          return TRUE;
        }
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” has no width multiplier: alpha %s is not supported "
                   "(only mobilenet and mobilenetv2 take one)", arch->name, buffer);
      return FALSE;
    }

  for (guint i = 0; arch->alphas[i] != 0; i++)
    if (isfinite (requested) && fabs (requested - arch->alphas[i]) < 1e-9)
      {
        *alpha = arch->alphas[i];
        return TRUE;
      }

  {
    g_autofree char *allowed = format_alphas (arch->alphas);
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                 "alpha %s is not supported by “%s”: keras.applications allows %s",
                 buffer, arch->name, allowed);
  }
  return FALSE;
}

static gboolean
resolve_size (const Arch  *arch,
              int          requested,
              int         *size,
              GError     **error)
{
  if (requested == 0 || (arch->max_size == 0 && requested == arch->default_size))
    {
      *size = arch->default_size;
      return TRUE;
    }
  if (arch->max_size == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” has a fixed input size (%d); size %d is not supported",
                   arch->name, arch->default_size, requested);
      return FALSE;
    }
  if (requested < MIN_IMAGE_SIZE)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "size %d is too small for “%s”: keras.applications needs at least %d pixels",
                   requested, arch->name, MIN_IMAGE_SIZE);
      return FALSE;
    }
  if (requested > arch->max_size)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "size %d is too large for “%s” (at most %d pixels)",
                   requested, arch->name, arch->max_size);
      return FALSE;
    }
  *size = requested;
  return TRUE;
}

LscZooGraph *
lsc_zoo_build (const char          *name,
               const LscZooOptions *options,
               GError             **error)
{
  static const LscZooOptions defaults = { 0 };
  const Arch *arch = find_arch (name);
  g_autoptr(LscZooGraph) graph = NULL;
  double alpha;
  int size;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if (arch == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) lsc_zoo_get_names ());
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "Unknown zoo architecture “%s” (known: %s)",
                   name != NULL ? name : "(null)", known);
      return NULL;
    }
  if (!resolve_alpha (arch, options->alpha, &alpha, error) ||
      !resolve_size (arch, options->size, &size, error))
    return NULL;

  graph = arch->build (alpha, size);
  if (graph->error != NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "Cannot build “%s” at size %d: %s", arch->name, size, graph->error);
      return NULL;
    }
  return g_steal_pointer (&graph);
}

gboolean
lsc_zoo_write (const char          *name,
               const LscZooOptions *options,
               const char          *path,
               GError             **error)
{
  g_autoptr(LscZooGraph) graph = NULL;
  guint32 seed = options != NULL && options->seed != 0 ? options->seed : DEFAULT_SEED;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL || *path == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "No output file given for the zoo model");
      return FALSE;
    }
  graph = lsc_zoo_build (name, options, error);
  if (graph == NULL)
    return FALSE;
  return lsc_zoo_writer_write (graph, seed, path, error);
}
