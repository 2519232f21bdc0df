#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "io/lsc-image.h"
#include "io/lsc-labels.h"
#include "model/lsc-model.h"
#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

/* Engine work that must not run on the UI thread (writing a zoo model,
 * loading a model, reading a labels file, running the model on images),
 * each as a GTask in a worker thread. Callbacks come back on the thread
 * default main context of the caller, as GIO's do. */

#define LSC_N_TOP_PREDICTIONS 5

/* Where the zoo's architecture `name` (default options) is cached:
 * $XDG_CACHE_HOME/layerscope/zoo/NAME….h5. Caller frees. */
char          *lsc_zoo_cache_path          (const char           *zoo_name);

typedef struct
{
  LscModel *model;
  char     *path;
  char     *zoo_name;       /* the zoo architecture, NULL for a user's file */
  GStrv     labels;         /* NAME.labels.txt or labels.txt beside the model, or NULL */
  char     *labels_path;
} LscLoadResult;

void           lsc_load_result_free        (LscLoadResult        *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscLoadResult, lsc_load_result_free)

/* Loads file, or when file is NULL the zoo's zoo_name, writing it to the
 * cache first when it is not there yet. */
void           lsc_load_model_async        (GFile                *file,
                                            const char           *zoo_name,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
LscLoadResult *lsc_load_model_finish       (GAsyncResult         *result,
                                            GError              **error);

void           lsc_load_labels_async       (GFile                *file,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GStrv          lsc_load_labels_finish      (GAsyncResult         *result,
                                            GError              **error);

/* What a model wants as an image: one input of shape (None, H, W, C) with
 * C 1 or 3, or (None, H, W) for grayscale; one output of shape
 * (None, classes). Otherwise FALSE with an error that says why. H and W
 * may be LSC_DIM_UNKNOWN (None): each image then keeps its own size. */
typedef struct
{
  int64_t height;
  int64_t width;
  int64_t channels;
  int     rank;             /* of the input, batch included: 3 or 4 */
  int64_t n_classes;
} LscImageInput;

gboolean       lsc_image_input_from_model  (LscModel             *model,
                                            LscImageInput        *input,
                                            GError              **error);

/* Called on the caller's main context once per image, in order, unless the
 * run was cancelled meanwhile. thumbnail (≤ 192 px, may be NULL) is
 * borrowed; so are top (k entries, best first) and error (set when this
 * image failed: it cannot be read, or the model refused it). */
typedef void (*LscImageDoneFunc) (guint                 index,
                                  GdkPixbuf            *thumbnail,
                                  const LscPrediction  *top,
                                  guint                 k,
                                  const GError         *error,
                                  gpointer              user_data);

/* Runs model on each file, one at a time (batch 1, so one bad image does
 * not spoil the others), resizing as Keras's load_img does (nearest);
 * flags as lsc_image_load_batch_with_flags takes them (invert). */
void           lsc_classify_images_async   (GObject              *source_object,
                                            LscModel             *model,
                                            GFile *const         *files,
                                            guint                 n_files,
                                            LscPreprocess         preprocess,
                                            LscImageFlags         flags,
                                            LscImageDoneFunc      each,
                                            gpointer              each_data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean       lsc_classify_images_finish  (GAsyncResult         *result,
                                            GError              **error);

/* Reads a session file (`layerscope profile --session`) in a worker
 * thread; the sealed report it returns may be read on any thread. */
void              lsc_read_session_async   (GFile                *file,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
LscProfileReport *lsc_read_session_finish  (GAsyncResult         *result,
                                            GError              **error);

/* How the window profiles a model. */
typedef struct
{
  guint    batch;           /* samples per run (seeded random inputs) */
  guint    n_threads;
  guint    runs;            /* timed runs */
  gboolean monitor;         /* sample /proc/stat meanwhile */
} LscProfileTaskOptions;

/* Batch 1, one thread, 50 runs, no CPU monitor. */
void              lsc_profile_task_options_init (LscProfileTaskOptions *options);

/* Called on the caller's main context while the profile runs (not after
 * it was cancelled); what: "run 17/50". */
typedef void (*LscProfileTaskProgress) (double      fraction,
                                        const char *what,
                                        gpointer    user_data);

/* Plans model for the options, starts an executor and profiles it with
 * the default counter backend (LSC_COUNTERS), in a worker thread. One run
 * at a time with the image classification, so the two do not compete for
 * the cores. progress_data must stay valid until the callback. */
void              lsc_profile_model_async  (LscModel                    *model,
                                            const LscProfileTaskOptions *options,
                                            LscProfileTaskProgress       progress,
                                            gpointer                     progress_data,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data);
LscProfileReport *lsc_profile_model_finish (GAsyncResult                *result,
                                            GError                     **error);

G_END_DECLS
