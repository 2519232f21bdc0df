#include "config.h"

#include <glib/gi18n.h>

#include "lsc-window-private.h"

/* Dropping files on the window: a Keras model opens, images are added, a
 * .txt becomes the labels (lsc_window_open_files sorts them). While a drag
 * hovers, the content gets the "drop-target" style so the user sees that
 * the window takes it. */

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         gpointer       user_data)
{
  LscWindow *self = user_data;
  GdkFileList *file_list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  GSList *list;

  gtk_widget_remove_css_class (GTK_WIDGET (self->toast_overlay), "drop-target");
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  file_list = g_value_get_boxed (value);
  list = gdk_file_list_get_files (file_list);
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);

  return lsc_window_open_files (self, (GFile *const *) files->pdata, files->len);
}

static GdkDragAction
enter_cb (GtkDropTarget *target,
          double         x,
          double         y,
          gpointer       user_data)
{
  LscWindow *self = user_data;

  gtk_widget_add_css_class (GTK_WIDGET (self->toast_overlay), "drop-target");
  return GDK_ACTION_COPY;
}

static void
leave_cb (GtkDropTarget *target,
          gpointer       user_data)
{
  LscWindow *self = user_data;

  gtk_widget_remove_css_class (GTK_WIDGET (self->toast_overlay), "drop-target");
}

void
_lsc_window_dnd_init (LscWindow *self)
{
  GtkDropTarget *target;

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  g_signal_connect_object (target, "enter", G_CALLBACK (enter_cb), self, 0);
  g_signal_connect_object (target, "leave", G_CALLBACK (leave_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->toast_overlay), GTK_EVENT_CONTROLLER (target));
}
