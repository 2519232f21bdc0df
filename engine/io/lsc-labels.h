#pragma once

#include <glib.h>

#include "core/lsc-tensor.h"

G_BEGIN_DECLS

/* Class labels: a plain file with one name per line, or Teachable
 * Machine's labels.txt ("0 name" lines). Returns a GStrv; errors name the file. */
GStrv        lsc_labels_load          (const char      *path,
                                       GError         **error);
#define LSC_IMAGENET_N_CLASSES 1000

/* The labels file that goes with the model: NAME.labels.txt, else the
 * longest PREFIX.labels.txt where NAME is PREFIX followed by "_", "-" or
 * "." (model_v2.h5 takes model.labels.txt), else labels.txt (how Teachable
 * Machine and most tutorials ship them). NULL when there is none. */
char        *lsc_labels_find_beside   (const char      *model_path);

/* The 1000 ImageNet class names in Keras's order (imagenet_class_index.json). */
const char  *lsc_labels_imagenet      (guint            index);
/* The WordNet id of the same class ("n01440764" for 0, "tench"). NULL past
 * the end, as lsc_labels_imagenet. */
const char  *lsc_labels_imagenet_wnid (guint            index);

typedef struct
{
  guint  index;
  float  score;
} LscPrediction;

/* The k highest scores of each row of a (batch, classes) output, best first;
 * ties keep the lower index first. Returns batch * MIN (k, classes)
 * entries; *k_out receives MIN (k, classes). */
LscPrediction *lsc_predictions_top_k  (const LscTensor *scores,
                                       guint            k,
                                       guint           *k_out);

G_END_DECLS
