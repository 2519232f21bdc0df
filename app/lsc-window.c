#include "config.h"

#include "lsc-window-private.h"

#include <glib/gi18n.h>

#include "io/lsc-labels.h"
#include "lsc-engine-tasks.h"
#include "lsc-ui.h"
#include "profile/lsc-session-file.h"
#include "zoo/lsc-zoo.h"

/* Not APP_ID: a .Devel build shares the user's settings. */
#define SETTINGS_SCHEMA_ID "io.github.layerscope.Layerscope"
#define DEFAULT_ZOO_MODEL  "mobilenetv2"

G_DEFINE_FINAL_TYPE (LscWindow, lsc_window, ADW_TYPE_APPLICATION_WINDOW)

/* The rows of the preprocessing combo, in the order of the .ui's items. */
static const struct
{
  LscPreprocess  mode;
  const char    *description;
} preprocess_modes[] = {
  { LSC_PREPROCESS_RAW,   N_("Pixel values 0…255 unchanged") },
  { LSC_PREPROCESS_UNIT,  N_("x ∕ 255, into 0…1") },
  { LSC_PREPROCESS_TF,    N_("x ∕ 127.5 − 1, into −1…1") },
  { LSC_PREPROCESS_CAFFE, N_("BGR, minus the ImageNet mean") },
  { LSC_PREPROCESS_TORCH, N_("x ∕ 255, minus the ImageNet mean, ∕ std") },
};

/* How keras.applications preprocesses each zoo architecture. */
static const struct
{
  const char    *zoo_name;
  LscPreprocess  mode;
} zoo_preprocess[] = {
  { "mnist-cnn",      LSC_PREPROCESS_UNIT },
  { "lenet5",         LSC_PREPROCESS_UNIT },
  { "mobilenet",      LSC_PREPROCESS_TF },
  { "mobilenetv2",    LSC_PREPROCESS_TF },
  { "resnet50",       LSC_PREPROCESS_CAFFE },
  { "vgg16",          LSC_PREPROCESS_CAFFE },
  { "efficientnetb0", LSC_PREPROCESS_RAW },   /* rescales inside the model */
};

/* One opened image and the outcome of the last run on it. */
typedef struct
{
  GFile         *file;
  LscPrediction  top[LSC_N_TOP_PREDICTIONS];
  guint          k;
  guint          done : 1;
} ImageEntry;

static void
image_entry_free (gpointer data)
{
  ImageEntry *entry = data;

  g_clear_object (&entry->file);
  g_free (entry);
}

static void run_classification (LscWindow *self,
                                guint      first);

/* The header spinner turns while anything runs, a superseded run included:
 * it still occupies the CPU until its current image is done. */
static void
update_busy (LscWindow *self)
{
  gboolean busy = self->loading || self->n_runs > 0 || self->n_label_loads > 0
                  || self->n_session_loads > 0 || self->profile_cancellable != NULL;

  /* Callbacks of cancelled tasks can arrive after dispose. */
  if (self->header_spinner == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->header_spinner), busy);
  gtk_spinner_set_spinning (self->header_spinner, busy);
}

static gboolean
shows_model (LscWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "model") == 0;
}

LscPreprocess
_lsc_window_get_preprocess (LscWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->preprocess_row);

  if (selected >= G_N_ELEMENTS (preprocess_modes))
    selected = 2;
  return preprocess_modes[selected].mode;
}

static void
update_preprocess_subtitle (LscWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->preprocess_row);

  if (selected < G_N_ELEMENTS (preprocess_modes))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->preprocess_row),
                                 _(preprocess_modes[selected].description));
}

static void
set_preprocess (LscWindow     *self,
                LscPreprocess  mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (preprocess_modes); i++)
    {
      if (preprocess_modes[i].mode == mode)
        {
          self->updating_preprocess = TRUE;
          adw_combo_row_set_selected (self->preprocess_row, i);
          self->updating_preprocess = FALSE;
        }
    }
  update_preprocess_subtitle (self);
}

static void
on_preprocess_selected (LscWindow *self)
{
  update_preprocess_subtitle (self);
  if (!self->updating_preprocess)
    run_classification (self, 0);
}

static void
on_invert_changed (LscWindow *self)
{
  run_classification (self, 0);
}

static LscPreprocess
default_preprocess (LscWindow *self)
{
  LscImageInput input;

  if (self->zoo_name != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (zoo_preprocess); i++)
      if (g_str_equal (zoo_preprocess[i].zoo_name, self->zoo_name))
        return zoo_preprocess[i].mode;

  /* A guess for users' files: grayscale models (MNIST) are mostly trained
   * on x / 255, colour ones (Teachable Machine, MobileNet) on −1…1. */
  if (self->model != NULL && lsc_image_input_from_model (self->model, &input, NULL)
      && input.channels == 1)
    return LSC_PREPROCESS_UNIT;
  return LSC_PREPROCESS_TF;
}

static int64_t
model_n_classes (LscWindow *self)
{
  LscImageInput input;

  if (self->model == NULL || !lsc_image_input_from_model (self->model, &input, NULL))
    return 0;
  return input.n_classes;
}

/* A class's name: the labels file's, ImageNet's for a 1000-class model
 * without one, or NULL (the list then shows the class number). */
static const char *
label_for_class (LscWindow *self,
                 guint      index)
{
  if (self->labels != NULL)
    return index < g_strv_length (self->labels) ? self->labels[index] : NULL;
  if (model_n_classes (self) == LSC_IMAGENET_N_CLASSES)
    return lsc_labels_imagenet (index);
  return NULL;
}

static void
show_entry (LscWindow *self,
            guint      index)
{
  ImageEntry *entry = g_ptr_array_index (self->images, index);
  const char *names[LSC_N_TOP_PREDICTIONS];
  guint classes[LSC_N_TOP_PREDICTIONS];
  float scores[LSC_N_TOP_PREDICTIONS];

  if (!entry->done)
    return;

  for (guint i = 0; i < entry->k; i++)
    {
      names[i] = label_for_class (self, entry->top[i].index);
      classes[i] = entry->top[i].index;
      scores[i] = entry->top[i].score;
    }
  lsc_prediction_list_set_predictions (self->prediction_list, index, names, classes,
                                       scores, entry->k);
}

static void
update_labels_row (LscWindow *self)
{
  g_autofree char *subtitle = NULL;
  int64_t n_classes = model_n_classes (self);

  if (self->labels != NULL)
    subtitle = g_strdup_printf (ngettext ("%s · %u name", "%s · %u names",
                                          g_strv_length (self->labels)),
                                self->labels_source, g_strv_length (self->labels));
  else if (n_classes == LSC_IMAGENET_N_CLASSES)
    subtitle = g_strdup (_("ImageNet class names"));
  else if (n_classes > 0)
    subtitle = g_strdup (_("None: predictions show class numbers"));
  else
    subtitle = g_strdup (_("None"));
  adw_action_row_set_subtitle (self->labels_row, subtitle);
}

void
_lsc_window_set_labels (LscWindow  *self,
                        GStrv       labels,
                        const char *source)
{
  int64_t n_classes = model_n_classes (self);

  g_strfreev (self->labels);
  self->labels = labels;
  g_free (self->labels_source);
  self->labels_source = g_strdup (source);
  update_labels_row (self);

  if (labels != NULL && n_classes > 0 && g_strv_length (labels) != (guint) n_classes)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("%s has %u names but the model has %u classes"),
                                 source, g_strv_length (labels), (guint) n_classes);
      _lsc_window_show_message (self, message);
    }

  for (guint i = 0; i < self->images->len; i++)
    show_entry (self, i);
}

/* The first line of message, at most 90 characters, escaped for markup. */
static char *
shorten_message (const char *message)
{
  const char *newline = strchr (message, '\n');
  g_autofree char *line = newline != NULL ? g_strndup (message, (gsize) (newline - message))
                                          : g_strdup (message);

  if (g_utf8_strlen (line, -1) > 90 || newline != NULL)
    {
      char *end = g_utf8_offset_to_pointer (line, MIN (g_utf8_strlen (line, -1), 89));
      g_autofree char *cut = g_strndup (line, (gsize) (end - line));

      g_free (line);
      line = g_strconcat (cut, "…", NULL);
    }
  return g_markup_escape_text (line, -1);
}

/* Errors: on the error page while there is no model to show, otherwise in
 * a toast whose Details button shows the whole message. */
void
_lsc_window_show_error (LscWindow    *self,
                        const char   *title,
                        const GError *error)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (error != NULL);
  escaped = g_markup_escape_text (error->message, -1);

  g_free (self->last_error_title);
  self->last_error_title = g_strdup (title);
  g_free (self->last_error_message);
  self->last_error_message = g_strdup (error->message);

  if (!shows_model (self))
    {
      adw_status_page_set_title (self->error_page, title);
      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
    }
  else
    {
      g_autofree char *short_message = NULL;
      AdwToast *toast;

      /* A toast has one line; Details shows the rest. */
      short_message = shorten_message (error->message);
      toast = adw_toast_new (short_message);
      adw_toast_set_timeout (toast, 10);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-error-details");
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

void
_lsc_window_show_last_error (LscWindow *self)
{
  AdwMessageDialog *dialog;

  if (self->last_error_message == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       self->last_error_title,
                                                       self->last_error_message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_lsc_window_show_message (LscWindow  *self,
                          const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

GFile *
_lsc_window_dup_folder (LscWindow  *self,
                        const char *key)
{
  g_autofree char *path = NULL;

  if (self->settings == NULL)
    return NULL;
  path = g_settings_get_string (self->settings, key);
  if (path[0] == '\0' || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_file_new_for_path (path);
}

void
_lsc_window_remember_folder (LscWindow  *self,
                             const char *key,
                             GFile      *file)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *path = NULL;

  if (self->settings == NULL || file == NULL)
    return;
  parent = g_file_get_parent (file);
  if (parent == NULL || (path = g_file_get_path (parent)) == NULL)
    return;
  g_settings_set_string (self->settings, key, path);
}

/* Model loading */

static void
dismiss_loading_toast (LscWindow *self)
{
  if (self->loading_toast != NULL)
    {
      adw_toast_dismiss (self->loading_toast);
      g_clear_object (&self->loading_toast);
    }
}

/* The layer table and the predictions need a model; a window that only
 * shows a session file has the profile alone. */
static void
update_model_pages (LscWindow *self)
{
  /* Callbacks of cancelled tasks can arrive after dispose. */
  if (self->view_stack == NULL)
    return;
  adw_view_stack_page_set_visible (self->layers_page, self->model != NULL);
  /* The profile's table is wide; the predictions go with the layers. */
  gtk_widget_set_visible (self->prediction_panel,
                          self->model != NULL
                          && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                                        "layers") == 0);
}

/* The profile page: the report when there is one, else an invitation. */
static void
show_profile_page (LscWindow *self)
{
  gtk_stack_set_visible_child_name (self->profile_stack,
                                    lsc_profile_view_get_report (self->profile_view) != NULL
                                    ? "report" : "empty");
}

static void
show_report (LscWindow        *self,
             LscProfileReport *report,
             GFile            *session)
{
  lsc_profile_view_set_report (self->profile_view, report);
  show_profile_page (self);
  update_model_pages (self);
  adw_view_stack_set_visible_child_name (self->view_stack, "profile");
  gtk_stack_set_visible_child_name (self->main_stack, "model");

  /* Without a model the window is the session's. */
  if (self->model == NULL && session != NULL)
    {
      g_autofree char *basename = g_file_get_basename (session);
      g_autofree char *title = g_strdup_printf ("%s — %s", report->model_name, _("Layerscope"));

      adw_view_switcher_title_set_title (self->window_title, report->model_name);
      adw_view_switcher_title_set_subtitle (self->window_title, basename);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  _lsc_window_actions_update (self);
}

/* Session files */

static void
read_session_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LscWindow) self = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(LscProfileReport) report = NULL;
  g_autoptr(GError) error = NULL;

  self = g_steal_pointer (&((gpointer *) user_data)[0]);
  file = g_steal_pointer (&((gpointer *) user_data)[1]);
  g_free (user_data);

  report = lsc_read_session_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* superseded by a newer session, or the window is closing */

  self->n_session_loads--;
  update_busy (self);
  dismiss_loading_toast (self);
  if (!self->loading)
    gtk_spinner_stop (self->loading_spinner);

  if (report == NULL)
    {
      _lsc_window_show_error (self, _("Could Not Open the Session"), error);
      return;
    }
  _lsc_window_remember_folder (self, "last-model-folder", file);
  show_report (self, report, file);
}

void
lsc_window_open_session (LscWindow *self,
                         GFile     *file)
{
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;
  gpointer *pair;

  g_return_if_fail (LSC_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->session_cancellable != NULL)
    {
      g_cancellable_cancel (self->session_cancellable);
      self->n_session_loads--;
    }
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();
  self->n_session_loads++;
  update_busy (self);

  basename = g_file_get_basename (file);
  title = g_strdup_printf (_("Opening “%s”…"), basename);
  if (!shows_model (self))
    {
      g_autofree char *detail = g_file_get_parse_name (file);

      gtk_label_set_text (self->loading_label, title);
      gtk_label_set_text (self->loading_detail, detail);
      gtk_spinner_start (self->loading_spinner);
      gtk_stack_set_visible_child_name (self->main_stack, "loading");
    }
  else
    _lsc_window_show_message (self, title);

  pair = g_new (gpointer, 2);
  pair[0] = g_object_ref (self);
  pair[1] = g_object_ref (file);
  lsc_read_session_async (file, self->session_cancellable, read_session_cb, pair);
}

/* Profiling the model shown */

static void
profile_progress_cb (double      fraction,
                     const char *what,
                     gpointer    user_data)
{
  LscWindow *self = user_data;
  g_autofree char *text = NULL;

  if (self->profile_progress == NULL)
    return;
  text = g_strdup_printf ("%s · %.0f %%", what, 100.0 * fraction);
  gtk_progress_bar_set_fraction (self->profile_progress, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->profile_progress, text);
}

static void
profile_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LscWindow) self = user_data;
  g_autoptr(LscProfileReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  report = lsc_profile_model_finish (result, &error);
  /* Only the profile running now may touch the window: a cancelled one
   * (a new model, the Cancel button, a closing window) has been replaced. */
  if (cancellable != self->profile_cancellable)
    return;
  g_clear_object (&self->profile_cancellable);
  update_busy (self);
  _lsc_window_actions_update (self);

  if (report == NULL)
    {
      show_profile_page (self);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _lsc_window_show_error (self, _("Could Not Profile the Model"), error);
      return;
    }
  show_report (self, report, NULL);
}

void
_lsc_window_start_profile (LscWindow *self)
{
  g_autofree char *title = NULL;

  if (self->model == NULL || self->loading || self->profile_cancellable != NULL)
    return;

  self->profile_cancellable = g_cancellable_new ();
  title = g_strdup_printf (_("Profiling %s…"), lsc_model_get_name (self->model));
  adw_status_page_set_title (self->profile_status, title);
  adw_status_page_set_description (self->profile_status,
                                   _("50 timed runs of batch 1 on one thread, after a first run "
                                     "and warm-up runs, each with as many unprofiled runs to "
                                     "measure what profiling costs"));
  gtk_progress_bar_set_fraction (self->profile_progress, 0.0);
  gtk_progress_bar_set_text (self->profile_progress, _("Planning…"));
  gtk_stack_set_visible_child_name (self->profile_stack, "running");
  adw_view_stack_set_visible_child_name (self->view_stack, "profile");
  update_busy (self);
  _lsc_window_actions_update (self);

  lsc_profile_model_async (self->model, NULL, profile_progress_cb, self,
                           self->profile_cancellable, profile_cb, g_object_ref (self));
}

void
_lsc_window_cancel_profile (LscWindow *self)
{
  if (self->profile_cancellable == NULL)
    return;
  g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->profile_cancellable);
  if (self->profile_stack != NULL)
    {
      show_profile_page (self);
      update_busy (self);
      _lsc_window_actions_update (self);
    }
}

static void
load_model_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LscWindow) self = user_data;
  g_autoptr(LscLoadResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *window_title = NULL;
  LscImageInput input;

  loaded = lsc_load_model_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* superseded by a newer load, or the window is closing */

  self->loading = FALSE;
  update_busy (self);
  dismiss_loading_toast (self);
  gtk_spinner_stop (self->loading_spinner);
  g_clear_object (&self->load_cancellable);

  if (loaded == NULL)
    {
      _lsc_window_show_error (self, _("Could Not Open the Model"), error);
      _lsc_window_actions_update (self);
      return;
    }

  g_clear_pointer (&self->model, lsc_model_unref);
  self->model = g_steal_pointer (&loaded->model);
  g_free (self->zoo_name);
  self->zoo_name = g_steal_pointer (&loaded->zoo_name);

  file = g_file_new_for_path (loaded->path);
  basename = g_file_get_basename (file);
  if (self->zoo_name == NULL)
    _lsc_window_remember_folder (self, "last-model-folder", file);

  adw_view_switcher_title_set_title (self->window_title, lsc_model_get_name (self->model));
  adw_view_switcher_title_set_subtitle (self->window_title,
                                        self->zoo_name != NULL ? _("Built-in model") : basename);
  window_title = g_strdup_printf ("%s — %s", lsc_model_get_name (self->model), _("Layerscope"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  /* A profile still running is one of the previous model. */
  _lsc_window_cancel_profile (self);
  lsc_layer_table_set_model (self->layer_table, self->model);
  update_model_pages (self);
  if (self->n_session_loads == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "layers");
  set_preprocess (self, default_preprocess (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->preprocess_row),
                            lsc_image_input_from_model (self->model, &input, NULL));
  gtk_widget_set_sensitive (GTK_WIDGET (self->invert_row),
                            lsc_image_input_from_model (self->model, &input, NULL));
  if (loaded->labels != NULL)
    {
      g_autofree char *labels_name = g_path_get_basename (loaded->labels_path);

      _lsc_window_set_labels (self, g_steal_pointer (&loaded->labels), labels_name);
    }
  else
    _lsc_window_set_labels (self, NULL, NULL);

  gtk_stack_set_visible_child_name (self->main_stack, "model");
  _lsc_window_actions_update (self);
  run_classification (self, 0);

  if (self->pending_labels != NULL)
    {
      g_autoptr(GFile) labels_file = g_steal_pointer (&self->pending_labels);

      _lsc_window_load_labels_file (self, labels_file);
    }
}

static void
start_load (LscWindow  *self,
            GFile      *file,
            const char *zoo_name)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  update_busy (self);
  _lsc_window_actions_update (self);

  if (file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);

      title = g_strdup_printf (_("Opening “%s”…"), basename);
      detail = g_file_get_parse_name (file);
    }
  else
    {
      g_autofree char *path = lsc_zoo_cache_path (zoo_name);

      title = g_strdup_printf (_("Preparing the built-in %s…"), zoo_name);
      detail = g_file_test (path, G_FILE_TEST_EXISTS) ? g_strdup (path)
                                                      : g_strdup_printf (_("Writing %s"), path);
    }

  /* With a model already shown it stays usable; the header spinner says
   * that another one is on its way. */
  if (!shows_model (self))
    {
      gtk_label_set_text (self->loading_label, title);
      gtk_label_set_text (self->loading_detail, detail);
      gtk_spinner_start (self->loading_spinner);
      gtk_stack_set_visible_child_name (self->main_stack, "loading");
    }
  else
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);
      AdwToast *toast = adw_toast_new (escaped);

      /* Dismissed when the load ends, so that an error toast is not queued
       * behind it. */
      dismiss_loading_toast (self);
      adw_toast_set_timeout (toast, 0);
      self->loading_toast = g_object_ref (toast);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  lsc_load_model_async (file, zoo_name, self->load_cancellable, load_model_cb,
                        g_object_ref (self));
}

void
lsc_window_open_zoo_model (LscWindow  *self,
                           const char *zoo_name)
{
  g_return_if_fail (LSC_IS_WINDOW (self));
  g_return_if_fail (zoo_name != NULL);

  start_load (self, NULL, zoo_name);
}

void
lsc_window_open_model (LscWindow *self,
                       GFile     *file)
{
  g_return_if_fail (LSC_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  start_load (self, file, NULL);
}

gboolean
lsc_window_has_model (LscWindow *self)
{
  g_return_val_if_fail (LSC_IS_WINDOW (self), FALSE);
  return self->model != NULL || self->loading;
}

/* Classification */

typedef struct
{
  LscWindow    *self;          /* kept alive as the task's source object */
  guint         first;         /* index of the run's first image */
  GCancellable *cancellable;
} ClassifyRun;

static void
on_image_done (guint                index,
               GdkPixbuf           *thumbnail,
               const LscPrediction *top,
               guint                k,
               const GError        *error,
               gpointer             user_data)
{
  ClassifyRun *run = user_data;
  LscWindow *self = run->self;
  guint row = run->first + index;
  ImageEntry *entry;

  if (row >= self->images->len)
    return;
  entry = g_ptr_array_index (self->images, row);

  if (thumbnail != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (thumbnail);

      lsc_prediction_list_set_thumbnail (self->prediction_list, row, GDK_PAINTABLE (texture));
    }

  if (error != NULL)
    {
      entry->done = FALSE;
      lsc_prediction_list_set_error (self->prediction_list, row, error->message);
      return;
    }

  entry->k = MIN (k, LSC_N_TOP_PREDICTIONS);
  memcpy (entry->top, top, entry->k * sizeof *top);
  entry->done = TRUE;
  show_entry (self, row);
}

static void
classify_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ClassifyRun *run = user_data;
  LscWindow *self = run->self;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = g_cancellable_is_cancelled (run->cancellable);

  if (!lsc_classify_images_finish (result, &error) && !cancelled
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _lsc_window_show_error (self, _("Could Not Run the Model"), error);

  self->n_runs--;
  update_busy (self);

  g_object_unref (run->cancellable);
  g_free (run);
}

static void
cancel_classification (LscWindow *self)
{
  if (self->classify_cancellable == NULL)
    return;

  g_cancellable_cancel (self->classify_cancellable);
  g_clear_object (&self->classify_cancellable);
}

/* Runs the model on images[first..]; first == 0 starts over (a new model or
 * preprocessing), cancelling what was running. */
static void
run_classification (LscWindow *self,
                    guint      first)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  LscImageInput input;
  ClassifyRun *run;

  if (first == 0)
    cancel_classification (self);
  if (self->model == NULL || self->loading || first >= self->images->len)
    return;

  if (!lsc_image_input_from_model (self->model, &input, &error))
    {
      for (guint i = first; i < self->images->len; i++)
        lsc_prediction_list_set_error (self->prediction_list, i, error->message);
      return;
    }

  files = g_ptr_array_new ();
  for (guint i = first; i < self->images->len; i++)
    {
      ImageEntry *entry = g_ptr_array_index (self->images, i);

      entry->done = FALSE;
      lsc_prediction_list_set_pending (self->prediction_list, i);
      g_ptr_array_add (files, entry->file);
    }

  if (self->classify_cancellable == NULL)
    self->classify_cancellable = g_cancellable_new ();

  run = g_new0 (ClassifyRun, 1);
  run->self = self;
  run->first = first;
  run->cancellable = g_object_ref (self->classify_cancellable);
  self->n_runs++;
  update_busy (self);
  lsc_classify_images_async (G_OBJECT (self), self->model,
                             (GFile *const *) files->pdata, files->len,
                             _lsc_window_get_preprocess (self),
                             gtk_switch_get_active (self->invert_switch)
                             ? LSC_IMAGE_FLAGS_INVERT : LSC_IMAGE_FLAGS_NONE,
                             on_image_done, run,
                             run->cancellable, classify_cb, run);
}

void
lsc_window_add_images (LscWindow    *self,
                       GFile *const *files,
                       guint         n_files)
{
  guint first;

  g_return_if_fail (LSC_IS_WINDOW (self));
  g_return_if_fail (files != NULL || n_files == 0);

  if (n_files == 0)
    return;

  first = self->images->len;
  for (guint i = 0; i < n_files; i++)
    {
      ImageEntry *entry = g_new0 (ImageEntry, 1);
      g_autofree char *basename = g_file_get_basename (files[i]);

      entry->file = g_object_ref (files[i]);
      g_ptr_array_add (self->images, entry);
      lsc_prediction_list_append (self->prediction_list, basename);
    }
  _lsc_window_remember_folder (self, "last-image-folder", files[0]);
  _lsc_window_actions_update (self);
  run_classification (self, first);
}

void
_lsc_window_clear_images (LscWindow *self)
{
  cancel_classification (self);
  g_ptr_array_set_size (self->images, 0);
  lsc_prediction_list_clear (self->prediction_list);
  _lsc_window_actions_update (self);
}

static void
load_labels_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LscWindow) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *basename = NULL;
  GStrv labels;

  self = g_steal_pointer (&((gpointer *) user_data)[0]);
  file = g_steal_pointer (&((gpointer *) user_data)[1]);
  g_free (user_data);

  labels = lsc_load_labels_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is closing */
  self->n_label_loads--;
  update_busy (self);
  if (labels == NULL)
    {
      _lsc_window_show_error (self, _("Could Not Read the Labels"), error);
      return;
    }
  basename = g_file_get_basename (file);
  _lsc_window_set_labels (self, labels, basename);
}

void
_lsc_window_load_labels_file (LscWindow *self,
                              GFile     *file)
{
  gpointer *pair = g_new (gpointer, 2);

  pair[0] = g_object_ref (self);
  pair[1] = g_object_ref (file);
  self->n_label_loads++;
  update_busy (self);
  lsc_load_labels_async (file, self->cancellable, load_labels_cb, pair);
}

/* Files from the command line or a drop */

LscFileKind
_lsc_file_kind_guess (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = NULL;
  g_autofree char *content_type = NULL;

  if (name == NULL)
    return LSC_FILE_KIND_OTHER;
  lower = g_utf8_strdown (name, -1);
  /* Sessions are HDF5 too: the name says so, or the file's marker (one
   * attribute read, cheap enough for the UI thread). */
  if (g_str_has_suffix (lower, ".lsc.h5"))
    return LSC_FILE_KIND_SESSION;
  if (g_str_has_suffix (lower, ".h5") || g_str_has_suffix (lower, ".hdf5"))
    {
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && lsc_session_file_is_session (path))
        return LSC_FILE_KIND_SESSION;
      return LSC_FILE_KIND_MODEL;
    }
  if (g_str_has_suffix (lower, ".keras"))
    return LSC_FILE_KIND_MODEL;
  if (g_str_has_suffix (lower, ".txt"))
    return LSC_FILE_KIND_LABELS;

  content_type = g_content_type_guess (name, NULL, 0, NULL);
  if (content_type != NULL && g_content_type_is_mime_type (content_type, "image/*"))
    return LSC_FILE_KIND_IMAGE;
  return LSC_FILE_KIND_OTHER;
}

gboolean
lsc_window_open_files (LscWindow    *self,
                       GFile *const *files,
                       guint         n_files)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  GFile *model = NULL;
  GFile *session = NULL;
  GFile *labels = NULL;
  guint n_ignored = 0;

  g_return_val_if_fail (LSC_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < n_files; i++)
    {
      switch (_lsc_file_kind_guess (files[i]))
        {
        case LSC_FILE_KIND_MODEL:
          if (model == NULL)
            model = files[i];
          else
            n_ignored++;
          break;
        case LSC_FILE_KIND_SESSION:
          if (session == NULL)
            session = files[i];
          else
            n_ignored++;
          break;
        case LSC_FILE_KIND_IMAGE:
          g_ptr_array_add (images, files[i]);
          break;
        case LSC_FILE_KIND_LABELS:
          labels = files[i];
          break;
        case LSC_FILE_KIND_OTHER:
        default:
          n_ignored++;
          break;
        }
    }

  if (model != NULL)
    lsc_window_open_model (self, model);
  if (session != NULL)
    lsc_window_open_session (self, session);
  /* A model load resets the labels to its own: with a model among the
   * files, the labels file waits until it is loaded. */
  g_clear_object (&self->pending_labels);
  if (labels != NULL && (model != NULL || self->loading))
    self->pending_labels = g_object_ref (labels);
  else if (labels != NULL)
    _lsc_window_load_labels_file (self, labels);
  lsc_window_add_images (self, (GFile *const *) images->pdata, images->len);

  if (n_ignored > 0)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (ngettext ("%u file is not a model, a session, an image or a labels file",
                                           "%u files are not models, sessions, images or labels files",
                                           n_ignored), n_ignored);
      _lsc_window_show_message (self, message);
    }
  return model != NULL || session != NULL || labels != NULL || images->len > 0;
}

/* GObject */

static void
fill_zoo_menu (LscWindow *self)
{
  const char *const *names = lsc_zoo_get_names ();

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-zoo",
                                               g_variant_new_string (names[i]));
      g_menu_append_item (self->zoo_menu, item);
    }
}

static void
restore_window_state (LscWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
lsc_window_close_request (GtkWindow *window)
{
  LscWindow *self = LSC_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (lsc_window_parent_class)->close_request (window);
}

static void
lsc_window_dispose (GObject *object)
{
  LscWindow *self = LSC_WINDOW (object);

  /* Pending callbacks see the cancellation and leave the widgets alone. */
  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->classify_cancellable != NULL)
    g_cancellable_cancel (self->classify_cancellable);
  if (self->session_cancellable != NULL)
    g_cancellable_cancel (self->session_cancellable);
  if (self->profile_cancellable != NULL)
    g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->classify_cancellable);
  g_clear_object (&self->session_cancellable);
  g_clear_object (&self->profile_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), LSC_TYPE_WINDOW);

  G_OBJECT_CLASS (lsc_window_parent_class)->dispose (object);
}

static void
lsc_window_finalize (GObject *object)
{
  LscWindow *self = LSC_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->loading_toast);
  g_clear_object (&self->pending_labels);
  g_clear_pointer (&self->model, lsc_model_unref);
  g_clear_pointer (&self->zoo_name, g_free);
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->labels_source, g_free);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->last_error_title, g_free);
  g_clear_pointer (&self->last_error_message, g_free);

  G_OBJECT_CLASS (lsc_window_parent_class)->finalize (object);
}

static void
lsc_window_class_init (LscWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lsc_window_dispose;
  object_class->finalize = lsc_window_finalize;
  window_class->close_request = lsc_window_close_request;

  lsc_ui_init ();
  g_type_ensure (LSC_TYPE_LAYER_TABLE);
  g_type_ensure (LSC_TYPE_PREDICTION_LIST);
  g_type_ensure (LSC_TYPE_PROFILE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, LSC_UI_RESOURCE_PATH
                                               "ui/lsc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LscWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, header_spinner);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, loading_detail);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, layers_page);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, layer_table);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, profile_stack);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, profile_status);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, profile_progress);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, profile_view);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, prediction_panel);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, prediction_list);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, preprocess_row);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, invert_row);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, invert_switch);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, labels_row);
  gtk_widget_class_bind_template_child (widget_class, LscWindow, zoo_menu);

  _lsc_window_class_actions_init (klass);
}

static void
lsc_window_init (LscWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->images = g_ptr_array_new_with_free_func (image_entry_free);
  self->cancellable = g_cancellable_new ();

  /* Running from the build folder the schema may not be installed; the
   * window then simply forgets its size and folders. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  restore_window_state (self);

  set_preprocess (self, LSC_PREPROCESS_TF);
  g_signal_connect_object (self->preprocess_row, "notify::selected",
                           G_CALLBACK (on_preprocess_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->invert_switch, "notify::active",
                           G_CALLBACK (on_invert_changed), self, G_CONNECT_SWAPPED);
  update_labels_row (self);
  fill_zoo_menu (self);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (update_model_pages), self, G_CONNECT_SWAPPED);
  update_model_pages (self);
  _lsc_window_dnd_init (self);
  _lsc_window_actions_update (self);
}

LscWindow *
lsc_window_new (AdwApplication *application)
{
  return g_object_new (LSC_TYPE_WINDOW, "application", application, NULL);
}
