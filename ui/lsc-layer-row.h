#pragma once

#include <glib-object.h>
#include <stdint.h>

G_BEGIN_DECLS

#define LSC_TYPE_LAYER_ROW (lsc_layer_row_get_type ())

G_DECLARE_FINAL_TYPE (LscLayerRow, lsc_layer_row, LSC, LAYER_ROW, GObject)

/* One node of a model as the layer table shows it: an immutable snapshot
 * taken from the LscModel, so the table never reaches back into the engine
 * while it draws. Every field is also a read-only property, for sorters
 * and expressions. macs is -1 when a dimension is unknown; macs_fraction is
 * the node's share of the model's total MACs (0 when unknown). */
LscLayerRow *lsc_layer_row_new               (guint        index,
                                              const char  *name,
                                              const char  *scope,
                                              const char  *class_name,
                                              const char  *output_shape,
                                              int64_t      params,
                                              int64_t      macs,
                                              double       macs_fraction);

guint        lsc_layer_row_get_index         (LscLayerRow *self);
const char  *lsc_layer_row_get_name          (LscLayerRow *self);
const char  *lsc_layer_row_get_scope         (LscLayerRow *self);
const char  *lsc_layer_row_get_class_name    (LscLayerRow *self);
const char  *lsc_layer_row_get_output_shape  (LscLayerRow *self);
int64_t      lsc_layer_row_get_params        (LscLayerRow *self);
int64_t      lsc_layer_row_get_macs          (LscLayerRow *self);
double       lsc_layer_row_get_macs_fraction (LscLayerRow *self);

G_END_DECLS
