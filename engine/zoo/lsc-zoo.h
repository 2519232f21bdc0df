#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The built-in model zoo: standard architectures written in Keras's own
 * legacy HDF5 layout, exactly as tf.keras 2.x writes it, with deterministic
 * seeded weights. */
typedef struct
{
  double  alpha;   /* width multiplier (mobilenet, mobilenetv2); 0 → 1.0 */
  int     size;    /* input height = width; 0 → the architecture's default */
  guint32 seed;    /* weight seed; 0 → the zoo's fixed default */
} LscZooOptions;

/* NULL-terminated list of architecture names ("mnist-cnn", "lenet5",
 * "mobilenet", "mobilenetv2", "resnet50", "vgg16", "efficientnetb0",
 * "text-lstm"). */
const char *const *lsc_zoo_get_names       (void);
/* One line describing the architecture, for --help and the UI. */
const char        *lsc_zoo_get_description (const char          *name);
/* Writes the architecture to path (an .h5 file). options may be NULL.
 * Errors name the architecture or the option that is wrong (unknown name,
 * alpha not supported by the architecture, size too small, …). */
gboolean           lsc_zoo_write           (const char          *name,
                                            const LscZooOptions *options,
                                            const char          *path,
                                            GError             **error);

G_END_DECLS
