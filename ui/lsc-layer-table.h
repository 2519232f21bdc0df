#pragma once

#include <gtk/gtk.h>

#include "model/lsc-model.h"

G_BEGIN_DECLS

#define LSC_TYPE_LAYER_TABLE (lsc_layer_table_get_type ())

G_DECLARE_FINAL_TYPE (LscLayerTable, lsc_layer_table, LSC, LAYER_TABLE, GtkWidget)

/* The nodes of a model in a sortable GtkColumnView (#, name, class, output
 * shape, params, MACs, share of the MACs) under a header with the model's
 * name, Keras version, format, path and totals. */
GtkWidget  *lsc_layer_table_new       (void);
/* Takes a reference on model (NULL clears the table). The rows are a
 * snapshot taken here; the model is only kept for get_model. */
void        lsc_layer_table_set_model (LscLayerTable *self,
                                       LscModel      *model);
/* Borrowed; NULL when none. */
LscModel   *lsc_layer_table_get_model (LscLayerTable *self);
/* Borrowed: the LscLayerRow items in the model's topological order,
 * whatever column the user sorts by. */
GListModel *lsc_layer_table_get_rows  (LscLayerTable *self);

G_END_DECLS
