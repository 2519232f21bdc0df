#include "lsc-table-cell.h"

GtkWidget *
lsc_table_cell_new (LscTableCellKind kind)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *box, *bar;

  switch (kind)
    {
    case LSC_TABLE_CELL_TEXT:
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      return label;

    case LSC_TABLE_CELL_NUMBER:
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
      return label;

    case LSC_TABLE_CELL_SHARE:
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      gtk_level_bar_set_mode (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_MODE_CONTINUOUS);
      /* No low/high/full offsets: the bar is a proportion, not a gauge. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (bar, "share-bar");
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_width_chars (GTK_LABEL (label), 6);
      gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (box), bar);
      gtk_box_append (GTK_BOX (box), label);
      return box;
    }
  g_assert_not_reached ();
}

GtkLabel *
lsc_table_cell_get_label (GtkWidget        *cell,
                          LscTableCellKind  kind)
{
  return GTK_LABEL (kind == LSC_TABLE_CELL_SHARE ? gtk_widget_get_last_child (cell) : cell);
}

GtkLevelBar *
lsc_table_cell_get_bar (GtkWidget *cell)
{
  return GTK_LEVEL_BAR (gtk_widget_get_first_child (cell));
}
