#include "config.h"

#include <glib/gi18n.h>

#include "lsc-window-private.h"

/* File choosers. GtkFileDialog is GTK 4.10; on 4.8 the native chooser goes
 * through the portal when there is one and is a GtkFileChooserDialog
 * otherwise. The chooser is kept alive by its own reference until it
 * answers. */

typedef void (*ChooserDone) (LscWindow *self,
                             GListModel *files);

static void
chooser_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  LscWindow *self = user_data;
  ChooserDone done = (ChooserDone) g_object_get_data (G_OBJECT (native), "lsc-done");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      done (self, files);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (self);
}

static void
run_chooser (LscWindow      *self,
             const char     *title,
             gboolean        multiple,
             GtkFileFilter **filters,
             guint           n_filters,
             const char     *folder_key,
             ChooserDone     done)
{
  GtkFileChooserNative *native;
  g_autoptr(GFile) folder = NULL;

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), multiple);
  for (guint i = 0; i < n_filters; i++)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filters[i]);
  if (n_filters > 0)
    gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filters[0]);

  if (folder_key != NULL && (folder = _lsc_window_dup_folder (self, folder_key)) != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);

  g_object_set_data (G_OBJECT (native), "lsc-done", (gpointer) done);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static GtkFileFilter *
all_files_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All Files"));
  gtk_file_filter_add_pattern (filter, "*");
  return filter;
}

/* The dialog opens models and session files alike; the file says which. */
static void
open_model_done (LscWindow  *self,
                 GListModel *files)
{
  g_autoptr(GFile) file = g_list_model_get_item (files, 0);

  if (file == NULL)
    return;
  if (_lsc_file_kind_guess (file) == LSC_FILE_KIND_SESSION)
    lsc_window_open_session (self, file);
  else
    lsc_window_open_model (self, file);
}

static void
open_model_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  GtkFileFilter *filters[3];

  filters[0] = gtk_file_filter_new ();
  gtk_file_filter_set_name (filters[0], _("Keras Models (.h5, .keras)"));
  gtk_file_filter_add_suffix (filters[0], "h5");
  gtk_file_filter_add_suffix (filters[0], "hdf5");
  gtk_file_filter_add_suffix (filters[0], "keras");
  /* `layerscope profile --session` writes HDF5; .lsc.h5 is the habit. */
  filters[1] = gtk_file_filter_new ();
  gtk_file_filter_set_name (filters[1], _("Layerscope Sessions (.lsc.h5, .h5)"));
  gtk_file_filter_add_pattern (filters[1], "*.lsc.h5");
  gtk_file_filter_add_pattern (filters[1], "*.h5");
  filters[2] = all_files_filter ();

  run_chooser (LSC_WINDOW (widget), _("Open a Keras Model or a Session"), FALSE,
               filters, G_N_ELEMENTS (filters), "last-model-folder", open_model_done);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    g_object_unref (filters[i]);
}

static void
open_zoo_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  lsc_window_open_zoo_model (LSC_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
open_images_done (LscWindow  *self,
                  GListModel *files)
{
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (files);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  lsc_window_add_images (self, (GFile *const *) array->pdata, array->len);
}

static void
open_images_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  GtkFileFilter *filters[2];

  filters[0] = gtk_file_filter_new ();
  gtk_file_filter_set_name (filters[0], _("Images"));
  /* What gdk-pixbuf, and therefore the engine's image loader, can read. */
  gtk_file_filter_add_pixbuf_formats (filters[0]);
  filters[1] = all_files_filter ();

  run_chooser (LSC_WINDOW (widget), _("Add Images"), TRUE,
               filters, G_N_ELEMENTS (filters), "last-image-folder", open_images_done);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    g_object_unref (filters[i]);
}

static void
choose_labels_done (LscWindow  *self,
                    GListModel *files)
{
  g_autoptr(GFile) file = g_list_model_get_item (files, 0);

  if (file != NULL)
    _lsc_window_load_labels_file (self, file);
}

static void
choose_labels_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  GtkFileFilter *filters[2];

  filters[0] = gtk_file_filter_new ();
  gtk_file_filter_set_name (filters[0], _("Labels (one class name per line)"));
  gtk_file_filter_add_suffix (filters[0], "txt");
  gtk_file_filter_add_mime_type (filters[0], "text/plain");
  filters[1] = all_files_filter ();

  run_chooser (LSC_WINDOW (widget), _("Choose a Labels File"), FALSE,
               filters, G_N_ELEMENTS (filters), "last-model-folder", choose_labels_done);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    g_object_unref (filters[i]);
}

static void
clear_images_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  _lsc_window_clear_images (LSC_WINDOW (widget));
}

static void
profile_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  _lsc_window_start_profile (LSC_WINDOW (widget));
}

static void
cancel_profile_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  _lsc_window_cancel_profile (LSC_WINDOW (widget));
}

static void
show_error_details_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  _lsc_window_show_last_error (LSC_WINDOW (widget));
}

void
_lsc_window_class_actions_init (LscWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open-model", NULL, open_model_action);
  gtk_widget_class_install_action (widget_class, "win.open-zoo", "s", open_zoo_action);
  gtk_widget_class_install_action (widget_class, "win.open-images", NULL, open_images_action);
  gtk_widget_class_install_action (widget_class, "win.choose-labels", NULL, choose_labels_action);
  gtk_widget_class_install_action (widget_class, "win.clear-images", NULL, clear_images_action);
  gtk_widget_class_install_action (widget_class, "win.profile", NULL, profile_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-profile", NULL, cancel_profile_action);
  gtk_widget_class_install_action (widget_class, "win.show-error-details", NULL,
                                   show_error_details_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-model", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.open-images", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.choose-labels", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "win.clear-images", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "win.profile", NULL);
}

/* Enables what makes sense now: labels and images need a model to mean
 * anything, but images may be added before the first model is loaded. */
void
_lsc_window_actions_update (LscWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.choose-labels", self->model != NULL);
  gtk_widget_action_set_enabled (widget, "win.clear-images", self->images->len > 0);
  gtk_widget_action_set_enabled (widget, "win.profile",
                                 self->model != NULL && !self->loading && self->profile_cancellable == NULL);
  gtk_widget_action_set_enabled (widget, "win.cancel-profile", self->profile_cancellable != NULL);
}
