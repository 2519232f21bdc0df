#pragma once

/* The cells of Layerscope's column views (the layer table, the profile
 * view): text, a number, or a share drawn as a bar beside its percentage. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  LSC_TABLE_CELL_TEXT,      /* left-aligned, ellipsized */
  LSC_TABLE_CELL_NUMBER,    /* right-aligned, tabular figures */
  LSC_TABLE_CELL_SHARE,     /* a bar and a percentage */
} LscTableCellKind;

GtkWidget *lsc_table_cell_new       (LscTableCellKind  kind);
/* The label showing the cell's text. */
GtkLabel  *lsc_table_cell_get_label (GtkWidget        *cell,
                                     LscTableCellKind  kind);
/* A share cell's bar: fraction 0…1 of the longest bar. */
GtkLevelBar *lsc_table_cell_get_bar (GtkWidget        *cell);

G_END_DECLS
