#include "config.h"

#include "lsc-prediction-list.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lsc-ui.h"

#define THUMBNAIL_SIZE 80

/* The widgets of one image's row; the row itself is owned by the list box. */
typedef struct
{
  GtkWidget *row;
  GtkWidget *thumbnail;
  GtkWidget *stack;        /* "pending", "predictions", "error" */
  GtkWidget *grid;
  GtkWidget *error_label;
} ImageRow;

struct _LscPredictionList
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkListBox *list_box;

  /* Owned */
  GPtrArray  *rows;        /* ImageRow *, in list order */
};

G_DEFINE_FINAL_TYPE (LscPredictionList, lsc_prediction_list, GTK_TYPE_WIDGET)

static void
lsc_prediction_list_dispose (GObject *object)
{
  GtkWidget *child;
  LscPredictionList *self = LSC_PREDICTION_LIST (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LSC_TYPE_PREDICTION_LIST);
  /* dispose_template only unparents the children it binds. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (lsc_prediction_list_parent_class)->dispose (object);
}

static void
lsc_prediction_list_class_init (LscPredictionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lsc_prediction_list_dispose;

  lsc_ui_init ();
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, LSC_UI_RESOURCE_PATH
                                               "ui/lsc-prediction-list.ui");
  gtk_widget_class_bind_template_child (widget_class, LscPredictionList, stack);
  gtk_widget_class_bind_template_child (widget_class, LscPredictionList, list_box);
  gtk_widget_class_set_css_name (widget_class, "predictionlist");
}

static void
lsc_prediction_list_init (LscPredictionList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
lsc_prediction_list_new (void)
{
  return g_object_new (LSC_TYPE_PREDICTION_LIST, NULL);
}

static ImageRow *
get_image_row (LscPredictionList *self,
               guint              index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, index);
}

void
lsc_prediction_list_clear (LscPredictionList *self)
{
  g_return_if_fail (LSC_IS_PREDICTION_LIST (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      ImageRow *image_row = g_ptr_array_index (self->rows, i);

      gtk_list_box_remove (self->list_box, image_row->row);
    }
  g_ptr_array_set_size (self->rows, 0);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

guint
lsc_prediction_list_append (LscPredictionList *self,
                            const char        *title)
{
  ImageRow *image_row;
  GtkWidget *hbox, *vbox, *title_label, *pending, *spinner, *waiting;

  g_return_val_if_fail (LSC_IS_PREDICTION_LIST (self), 0);
  g_return_val_if_fail (title != NULL, 0);

  image_row = g_new0 (ImageRow, 1);

  hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (hbox, "prediction-row");

  /* A GtkImage draws a paintable at its pixel size, keeping the aspect ratio. */
  image_row->thumbnail = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (image_row->thumbnail), THUMBNAIL_SIZE);
  gtk_widget_set_valign (image_row->thumbnail, GTK_ALIGN_START);
  gtk_widget_add_css_class (image_row->thumbnail, "thumbnail");
  gtk_widget_add_css_class (image_row->thumbnail, "dim-label");
  gtk_box_append (GTK_BOX (hbox), image_row->thumbnail);

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (hbox), vbox);

  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (title_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_tooltip_text (title_label, title);
  gtk_widget_add_css_class (title_label, "heading");
  gtk_box_append (GTK_BOX (vbox), title_label);

  image_row->stack = gtk_stack_new ();
  gtk_stack_set_hhomogeneous (GTK_STACK (image_row->stack), FALSE);
  gtk_stack_set_vhomogeneous (GTK_STACK (image_row->stack), FALSE);
  gtk_box_append (GTK_BOX (vbox), image_row->stack);

  pending = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  waiting = gtk_label_new (_("Waiting for the model…"));
  gtk_widget_add_css_class (waiting, "dim-label");
  gtk_box_append (GTK_BOX (pending), spinner);
  gtk_box_append (GTK_BOX (pending), waiting);
  gtk_stack_add_named (GTK_STACK (image_row->stack), pending, "pending");

  image_row->grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (image_row->grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (image_row->grid), 4);
  gtk_stack_add_named (GTK_STACK (image_row->stack), image_row->grid, "predictions");

  image_row->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (image_row->error_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (image_row->error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (image_row->error_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (image_row->error_label), TRUE);
  gtk_widget_add_css_class (image_row->error_label, "error");
  gtk_stack_add_named (GTK_STACK (image_row->stack), image_row->error_label, "error");
  gtk_stack_set_visible_child_name (GTK_STACK (image_row->stack), "pending");

  image_row->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (image_row->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (image_row->row), hbox);
  gtk_list_box_append (self->list_box, image_row->row);

  g_ptr_array_add (self->rows, image_row);
  gtk_stack_set_visible_child_name (self->stack, "list");
  return self->rows->len - 1;
}

guint
lsc_prediction_list_get_n_images (LscPredictionList *self)
{
  g_return_val_if_fail (LSC_IS_PREDICTION_LIST (self), 0);
  return self->rows->len;
}

void
lsc_prediction_list_set_thumbnail (LscPredictionList *self,
                                   guint              index,
                                   GdkPaintable      *paintable)
{
  ImageRow *image_row;

  g_return_if_fail (LSC_IS_PREDICTION_LIST (self));
  g_return_if_fail (paintable == NULL || GDK_IS_PAINTABLE (paintable));

  if ((image_row = get_image_row (self, index)) == NULL)
    return;

  if (paintable != NULL)
    {
      gtk_image_set_from_paintable (GTK_IMAGE (image_row->thumbnail), paintable);
      gtk_widget_remove_css_class (image_row->thumbnail, "dim-label");
    }
  else
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (image_row->thumbnail), "image-x-generic-symbolic");
      gtk_widget_add_css_class (image_row->thumbnail, "dim-label");
    }
}

static void
clear_grid (GtkWidget *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (grid)) != NULL)
    gtk_grid_remove (GTK_GRID (grid), child);
}

void
lsc_prediction_list_set_predictions (LscPredictionList *self,
                                     guint              index,
                                     const char *const *labels,
                                     const guint       *classes,
                                     const float       *scores,
                                     guint              n)
{
  ImageRow *image_row;
  gboolean probabilities = TRUE;

  g_return_if_fail (LSC_IS_PREDICTION_LIST (self));
  g_return_if_fail (n == 0 || scores != NULL);

  if ((image_row = get_image_row (self, index)) == NULL)
    return;

  for (guint i = 0; i < n; i++)
    if (!(scores[i] >= 0.0f && scores[i] <= 1.0f))
      probabilities = FALSE;

  clear_grid (image_row->grid);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *fallback = NULL;
      g_autofree char *score_text = NULL;
      const char *label_text = labels != NULL ? labels[i] : NULL;
      GtkWidget *label, *bar, *score;

      if (label_text == NULL)
        {
          if (classes != NULL)
            fallback = g_strdup_printf (_("Class %u"), classes[i]);
          else
            fallback = g_strdup_printf (_("Prediction %u"), i + 1);
          label_text = fallback;
        }

      label = gtk_label_new (label_text);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_tooltip_text (label, label_text);
      if (i == 0)
        gtk_widget_add_css_class (label, "top-prediction");
      gtk_grid_attach (GTK_GRID (image_row->grid), label, 0, (int) i, 1, 1);

      bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), probabilities ? scores[i] : 0.0);
      gtk_widget_set_size_request (bar, 40, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (bar, probabilities);
      gtk_widget_add_css_class (bar, "share-bar");
      gtk_grid_attach (GTK_GRID (image_row->grid), bar, 1, (int) i, 1, 1);

      if (probabilities)
        score_text = g_strdup_printf ("%.1f %%", 100.0 * scores[i]);
      else
        score_text = g_strdup_printf ("%.4g", scores[i]);
      score = gtk_label_new (score_text);
      gtk_label_set_xalign (GTK_LABEL (score), 1.0);
      gtk_label_set_width_chars (GTK_LABEL (score), 6);
      gtk_widget_add_css_class (score, "numeric");
      if (i != 0)
        gtk_widget_add_css_class (score, "dim-label");
      gtk_grid_attach (GTK_GRID (image_row->grid), score, 2, (int) i, 1, 1);
    }

  gtk_stack_set_visible_child_name (GTK_STACK (image_row->stack), "predictions");
}

void
lsc_prediction_list_set_error (LscPredictionList *self,
                               guint              index,
                               const char        *message)
{
  ImageRow *image_row;

  g_return_if_fail (LSC_IS_PREDICTION_LIST (self));
  g_return_if_fail (message != NULL);

  if ((image_row = get_image_row (self, index)) == NULL)
    return;

  gtk_label_set_text (GTK_LABEL (image_row->error_label), message);
  gtk_stack_set_visible_child_name (GTK_STACK (image_row->stack), "error");
}

void
lsc_prediction_list_set_pending (LscPredictionList *self,
                                 guint              index)
{
  ImageRow *image_row;

  g_return_if_fail (LSC_IS_PREDICTION_LIST (self));

  if ((image_row = get_image_row (self, index)) == NULL)
    return;

  gtk_stack_set_visible_child_name (GTK_STACK (image_row->stack), "pending");
}

GtkWidget *
lsc_prediction_list_get_row (LscPredictionList *self,
                             guint              index)
{
  g_return_val_if_fail (LSC_IS_PREDICTION_LIST (self), NULL);

  if (index >= self->rows->len)
    return NULL;
  return ((ImageRow *) g_ptr_array_index (self->rows, index))->row;
}
