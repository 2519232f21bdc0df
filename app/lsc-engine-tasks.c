#include "config.h"

#include "lsc-engine-tasks.h"

#include "plan/lsc-executor.h"
#include "kernels/lsc-isa.h"
#include "profile/lsc-profiler.h"
#include "profile/lsc-session-file.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <glib/gstdio.h>

#include "zoo/lsc-zoo.h"

#define THUMBNAIL_PIXELS 192

/* The engine promises an immutable model, but one run at a time keeps a
 * superseded run (the user changed the preprocessing) from competing with
 * the new one for the cores. */
static GMutex run_lock;

char *
lsc_zoo_cache_path (const char *zoo_name)
{
  g_autofree char *file_name = NULL;

  g_return_val_if_fail (zoo_name != NULL, NULL);

  /* The default demo's file name says which variant it is (alpha, size). */
  if (g_str_equal (zoo_name, "mobilenetv2"))
    file_name = g_strdup ("mobilenetv2-1.0-224.h5");
  else
    file_name = g_strconcat (zoo_name, ".h5", NULL);

  return g_build_filename (g_get_user_cache_dir (), "layerscope", "zoo", file_name, NULL);
}

void
lsc_load_result_free (LscLoadResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->model, lsc_model_unref);
  g_free (result->path);
  g_free (result->zoo_name);
  g_strfreev (result->labels);
  g_free (result->labels_path);
  g_free (result);
}

static gboolean
write_zoo_model (const char  *zoo_name,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *partial = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* Write beside and rename, so an interrupted write never leaves a broken
   * model where the next start would load it. */
  partial = g_strdup_printf ("%s.%08x.partial", path, g_random_int ());
  if (!lsc_zoo_write (zoo_name, NULL, partial, error))
    {
      g_unlink (partial);
      return FALSE;
    }
  if (g_rename (partial, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (partial);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
find_labels_beside (LscLoadResult *result)
{
  g_autofree char *path = lsc_labels_find_beside (result->path);

  /* A labels file that cannot be read is no reason to refuse the model. */
  if (path != NULL && (result->labels = lsc_labels_load (path, NULL)) != NULL)
    result->labels_path = g_steal_pointer (&path);
}

/* A zoo model is written on first use; a cached copy that no longer loads
 * (written by an older version, or damaged) is written again once. Two
 * windows may do this at once: each writes its own partial file and renames
 * it, and the engine serialises its HDF5 calls itself. */
static LscModel *
load_model (LscLoadResult  *result,
            GError        **error)
{
  g_autoptr(GError) stale_error = NULL;
  LscModel *model;

  if (result->zoo_name == NULL)
    return lsc_model_load (result->path, error);

  if (g_file_test (result->path, G_FILE_TEST_EXISTS))
    {
      model = lsc_model_load (result->path, &stale_error);
      if (model != NULL)
        return model;
      g_message ("Rewriting the cached %s: %s", result->zoo_name, stale_error->message);
    }
  if (!write_zoo_model (result->zoo_name, result->path, error))
    return NULL;
  return lsc_model_load (result->path, error);
}

static void
load_model_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LscLoadResult *result = task_data;
  g_autoptr(GError) error = NULL;

  result->model = load_model (result, &error);

  if (result->model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (result->zoo_name == NULL)
    find_labels_beside (result);

  /* The task data is freed with the task: hand its fields over to a copy,
   * which GTask frees itself if nobody takes it (a cancelled load). */
  g_task_return_pointer (task, g_memdup2 (result, sizeof *result),
                         (GDestroyNotify) lsc_load_result_free);
  memset (result, 0, sizeof *result);
}

void
lsc_load_model_async (GFile               *file,
                      const char          *zoo_name,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LscLoadResult *result;

  g_return_if_fail (file == NULL || G_IS_FILE (file));
  g_return_if_fail (file != NULL || zoo_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lsc_load_model_async);
  g_task_set_name (task, "[layerscope] load model");

  result = g_new0 (LscLoadResult, 1);
  if (file != NULL)
    {
      result->path = g_file_get_path (file);
      if (result->path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (file);

          lsc_load_result_free (result);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                   _("“%s” is not a local file"), uri);
          return;
        }
    }
  else
    {
      result->zoo_name = g_strdup (zoo_name);
      result->path = lsc_zoo_cache_path (zoo_name);
    }

  g_task_set_task_data (task, result, (GDestroyNotify) lsc_load_result_free);
  g_task_run_in_thread (task, load_model_thread);
}

LscLoadResult *
lsc_load_model_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_labels_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  GStrv labels = lsc_labels_load (path, &error);

  if (labels == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, labels, (GDestroyNotify) g_strfreev);
}

void
lsc_load_labels_async (GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *path;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lsc_load_labels_async);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The labels file is not a local file"));
      return;
    }
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, load_labels_thread);
}

GStrv
lsc_load_labels_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
lsc_image_input_from_model (LscModel       *model,
                            LscImageInput  *input,
                            GError        **error)
{
  const LscShape *in_shape, *out_shape;
  g_autofree char *in_text = NULL;
  g_autofree char *out_text = NULL;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);

  memset (input, 0, sizeof *input);

  if (lsc_model_get_n_inputs (model) != 1)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   _("This model takes %u inputs, not one image"),
                   lsc_model_get_n_inputs (model));
      return FALSE;
    }

  in_shape = &lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  in_text = lsc_shape_to_string (in_shape);
  /* A None height or width takes each image at its own size. */
  if (in_shape->ndim == 4 && in_shape->dims[1] != 0 && in_shape->dims[2] != 0
      && (in_shape->dims[3] == 1 || in_shape->dims[3] == 3))
    {
      input->rank = 4;
      input->height = in_shape->dims[1];
      input->width = in_shape->dims[2];
      input->channels = in_shape->dims[3];
    }
  else if (in_shape->ndim == 3 && in_shape->dims[1] != 0 && in_shape->dims[2] != 0)
    {
      input->rank = 3;
      input->height = in_shape->dims[1];
      input->width = in_shape->dims[2];
      input->channels = 1;
    }
  else
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   _("This model does not take images: its input is %s"), in_text);
      return FALSE;
    }

  out_shape = &lsc_model_get_node (model, lsc_model_get_output_node (model, 0))->output_shape;
  out_text = lsc_shape_to_string (out_shape);
  if (out_shape->ndim != 2 || out_shape->dims[1] <= 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   _("This model’s output %s is not a list of class scores"), out_text);
      return FALSE;
    }
  input->n_classes = out_shape->dims[1];
  return TRUE;
}

typedef struct
{
  LscModel          *model;
  GPtrArray         *files;        /* GFile * */
  LscPreprocess      preprocess;
  LscImageFlags      flags;
  LscImageInput      input;
  LscImageDoneFunc   each;
  gpointer           each_data;
} ClassifyData;

static void
classify_data_free (ClassifyData *data)
{
  g_clear_pointer (&data->model, lsc_model_unref);
  g_clear_pointer (&data->files, g_ptr_array_unref);
  g_free (data);
}

/* One image's outcome, carried from the worker to the main context. */
typedef struct
{
  GTask         *task;
  guint          index;
  GdkPixbuf     *thumbnail;
  LscPrediction *top;
  guint          k;
  GError        *error;
} ImageDone;

static void
image_done_free (gpointer user_data)
{
  ImageDone *done = user_data;

  g_clear_object (&done->task);
  g_clear_object (&done->thumbnail);
  g_free (done->top);
  g_clear_error (&done->error);
  g_free (done);
}

static gboolean
image_done_dispatch (gpointer user_data)
{
  ImageDone *done = user_data;
  ClassifyData *data = g_task_get_task_data (done->task);
  GCancellable *cancellable = g_task_get_cancellable (done->task);

  if (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    data->each (done->index, done->thumbnail, done->top, done->k, done->error, data->each_data);
  return G_SOURCE_REMOVE;
}

static void
free_pixels (guchar   *pixels,
             gpointer  user_data)
{
  g_free (pixels);
}

/* Through the engine's own loader, for formats it reads and gdk-pixbuf
 * does not (WebP without the pixbuf loader). */
static GdkPixbuf *
load_thumbnail_with_engine (const char *path)
{
  const char *paths[] = { path };
  g_autoptr(LscTensor) image = NULL;
  g_autoptr(GdkPixbuf) full = NULL;
  int64_t height, width, n;
  guchar *pixels;
  double scale;

  image = lsc_image_load_batch (paths, 1, LSC_DIM_UNKNOWN, LSC_DIM_UNKNOWN, 3,
                                LSC_RESIZE_NEAREST, LSC_PREPROCESS_RAW, NULL);
  if (image == NULL)
    return NULL;
  height = image->shape.dims[1];
  width = image->shape.dims[2];
  if (height <= 0 || width <= 0 || height > 16384 || width > 16384)
    return NULL;

  n = height * width * 3;
  pixels = g_malloc ((gsize) n);
  for (int64_t i = 0; i < n; i++)
    pixels[i] = (guchar) CLAMP (image->data[i] + 0.5f, 0.0f, 255.0f);
  full = gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, FALSE, 8, (int) width,
                                   (int) height, (int) width * 3, free_pixels, NULL);

  scale = MIN (1.0, THUMBNAIL_PIXELS / (double) MAX (height, width));
  return gdk_pixbuf_scale_simple (full, MAX (1, (int) (width * scale)),
                                  MAX (1, (int) (height * scale)), GDK_INTERP_BILINEAR);
}

static GdkPixbuf *
load_thumbnail (const char *path)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* No error: the model's run says why an unreadable image failed. */
  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, THUMBNAIL_PIXELS, THUMBNAIL_PIXELS,
                                              TRUE, NULL);
  if (pixbuf == NULL)
    return load_thumbnail_with_engine (path);
  return gdk_pixbuf_apply_embedded_orientation (pixbuf);
}


/* Predictions run on the planned SIMD engine with the best ISA, one
 * thread (the window stays responsive on the other cores). */
static gboolean
run_planned (LscModel   *model,
             LscTensor  *batch,
             LscTensor **outputs,
             GError    **error)
{
  LscPlanOptions plan_options;
  LscExecutorOptions options;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;

  lsc_plan_options_init (&plan_options);
  lsc_executor_options_init (&options);
  options.pin = LSC_PIN_NONE;
  plan = lsc_plan_new (model, &batch->shape, 1, &plan_options, error);
  if (plan == NULL)
    return FALSE;
  executor = lsc_executor_new (plan, &options, error);
  if (executor == NULL)
    return FALSE;
  return lsc_executor_run (executor, (const LscTensor *const *) &batch, 1, outputs, NULL, error);
}

static gboolean
classify_one (ClassifyData   *data,
              const char     *path,
              LscPrediction **top,
              guint          *k,
              GError        **error)
{
  const char *paths[] = { path };
  g_autoptr(LscTensor) batch = NULL;
  LscTensor **outputs;
  guint n_outputs = lsc_model_get_n_outputs (data->model);
  gboolean ok;

  batch = lsc_image_load_batch_with_flags (paths, 1, data->input.height, data->input.width,
                                           data->input.channels, LSC_RESIZE_NEAREST,
                                           data->preprocess, data->flags, error);
  if (batch == NULL)
    return FALSE;

  /* A (None, H, W) model takes the grayscale image without its channel axis. */
  if (data->input.rank == 3)
    batch->shape = lsc_shape_make (3, (int64_t) 1, batch->shape.dims[1], batch->shape.dims[2]);

  outputs = g_new0 (LscTensor *, MAX (n_outputs, 1));
  g_mutex_lock (&run_lock);
  ok = run_planned (data->model, batch, outputs, error);
  g_mutex_unlock (&run_lock);
  if (ok)
    *top = lsc_predictions_top_k (outputs[0], LSC_N_TOP_PREDICTIONS, k);
  for (guint i = 0; i < n_outputs; i++)
    g_clear_pointer (&outputs[i], lsc_tensor_free);
  g_free (outputs);
  return ok;
}

static void
classify_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ClassifyData *data = task_data;

  for (guint i = 0; i < data->files->len; i++)
    {
      GFile *file = g_ptr_array_index (data->files, i);
      g_autofree char *path = g_file_get_path (file);
      ImageDone *done;

      if (g_task_return_error_if_cancelled (task))
        return;

      done = g_new0 (ImageDone, 1);
      done->task = g_object_ref (task);
      done->index = i;
      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (file);

          g_set_error (&done->error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("“%s” is not a local file"), uri);
        }
      else
        {
          done->thumbnail = load_thumbnail (path);
          classify_one (data, path, &done->top, &done->k, &done->error);
        }

      g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                                  image_done_dispatch, done, image_done_free);
    }

  g_task_return_boolean (task, TRUE);
}

void
lsc_classify_images_async (GObject             *source_object,
                           LscModel            *model,
                           GFile *const        *files,
                           guint                n_files,
                           LscPreprocess        preprocess,
                           LscImageFlags        flags,
                           LscImageDoneFunc     each,
                           gpointer             each_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ClassifyData *data;

  g_return_if_fail (model != NULL);
  g_return_if_fail (files != NULL || n_files == 0);
  g_return_if_fail (each != NULL);

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, lsc_classify_images_async);
  g_task_set_name (task, "[layerscope] classify images");

  data = g_new0 (ClassifyData, 1);
  data->model = lsc_model_ref (model);
  data->files = g_ptr_array_new_full (n_files, g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (data->files, g_object_ref (files[i]));
  data->preprocess = preprocess;
  data->flags = flags;
  data->each = each;
  data->each_data = each_data;
  g_task_set_task_data (task, data, (GDestroyNotify) classify_data_free);

  if (!lsc_image_input_from_model (model, &data->input, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_run_in_thread (task, classify_thread);
}

gboolean
lsc_classify_images_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lsc_classify_images_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Session files */

static void
read_session_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  LscProfileReport *report = lsc_session_file_read (task_data, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) lsc_profile_report_unref);
}

void
lsc_read_session_async (GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *path;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lsc_read_session_async);
  g_task_set_name (task, "[layerscope] read session");
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“%s” is not a local file"), uri);
      return;
    }
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, read_session_thread);
}

LscProfileReport *
lsc_read_session_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Profiling */

void
lsc_profile_task_options_init (LscProfileTaskOptions *options)
{
  options->batch = 1;
  options->n_threads = 1;
  options->runs = 50;
  options->monitor = FALSE;
}

typedef struct
{
  LscModel               *model;
  LscProfileTaskOptions   options;
  LscProfileTaskProgress  progress;
  gpointer                progress_data;
  GMainContext           *context;        /* the caller's, for progress */
  GCancellable           *cancellable;
} ProfileTask;

static void
profile_task_free (ProfileTask *data)
{
  g_clear_pointer (&data->model, lsc_model_unref);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* One progress report on its way to the caller's thread. It holds the
 * task, so progress_data (the caller's, valid until the task's callback)
 * outlives it. */
typedef struct
{
  GTask  *task;
  double  fraction;
  char   *what;
} ProgressEvent;

static void
progress_event_free (gpointer user_data)
{
  ProgressEvent *event = user_data;

  g_object_unref (event->task);
  g_free (event->what);
  g_free (event);
}

static gboolean
progress_event_dispatch (gpointer user_data)
{
  ProgressEvent *event = user_data;
  ProfileTask *data = g_task_get_task_data (event->task);

  if (!g_cancellable_is_cancelled (data->cancellable))
    data->progress (event->fraction, event->what, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
profile_progress_cb (double      fraction,
                     const char *what,
                     gpointer    user_data)
{
  GTask *task = user_data;
  ProfileTask *data = g_task_get_task_data (task);
  ProgressEvent *event;

  if (data->progress == NULL)
    return;
  event = g_new0 (ProgressEvent, 1);
  event->task = g_object_ref (task);
  event->fraction = fraction;
  event->what = g_strdup (what);
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_event_dispatch,
                              event, progress_event_free);
}

static LscProfileReport *
profile_model (GTask        *task,
               ProfileTask  *data,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);
  g_autofree LscShape *shapes = NULL;
  g_autoptr(LscPlan) plan = NULL;
  g_autoptr(LscExecutor) executor = NULL;
  g_autoptr(LscCounterBackend) counters = NULL;
  LscPlanOptions plan_options;
  LscExecutorOptions exec_options;
  LscProfileOptions options;

  if (!lsc_model_make_random_inputs (data->model, MAX (data->options.batch, 1), inputs, error))
    return NULL;
  shapes = g_new0 (LscShape, MAX (inputs->len, 1));
  for (guint i = 0; i < inputs->len; i++)
    shapes[i] = ((LscTensor *) g_ptr_array_index (inputs, i))->shape;

  lsc_plan_options_init (&plan_options);
  if (!lsc_isa_resolve (NULL, &plan_options.isa, error))
    return NULL;
  plan = lsc_plan_new (data->model, shapes, inputs->len, &plan_options, error);
  if (plan == NULL)
    return NULL;
  lsc_executor_options_init (&exec_options);
  exec_options.n_threads = MAX (data->options.n_threads, 1);
  executor = lsc_executor_new (plan, &exec_options, error);
  if (executor == NULL)
    return NULL;

  counters = lsc_counter_backend_new_default ();
  lsc_profile_options_init (&options);
  options.runs = data->options.runs;
  options.monitor = data->options.monitor;
  options.counters = counters;
  options.version = PACKAGE_VERSION;
  options.progress = profile_progress_cb;
  options.progress_data = task;
  return lsc_profile_executor (executor, (const LscTensor *const *) inputs->pdata, inputs->len,
                               &options, cancellable, error);
}

static void
profile_model_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  LscProfileReport *report;

  g_mutex_lock (&run_lock);
  report = profile_model (task, task_data, cancellable, &error);
  g_mutex_unlock (&run_lock);

  /* The engine says LSC_ENGINE_ERROR_CANCELLED; callers look for GIO's. */
  if (report == NULL && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Profiling was cancelled"));
    }
  else if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) lsc_profile_report_unref);
}

void
lsc_profile_model_async (LscModel                    *model,
                         const LscProfileTaskOptions *options,
                         LscProfileTaskProgress       progress,
                         gpointer                     progress_data,
                         GCancellable                *cancellable,
                         GAsyncReadyCallback          callback,
                         gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  ProfileTask *data;

  g_return_if_fail (model != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lsc_profile_model_async);
  g_task_set_name (task, "[layerscope] profile");
  /* The report is what the caller wants, cancelled or not. */
  g_task_set_return_on_cancel (task, FALSE);

  data = g_new0 (ProfileTask, 1);
  data->model = lsc_model_ref (model);
  if (options != NULL)
    data->options = *options;
  else
    lsc_profile_task_options_init (&data->options);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) profile_task_free);
  g_task_run_in_thread (task, profile_model_thread);
}

LscProfileReport *
lsc_profile_model_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
