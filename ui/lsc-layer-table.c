#include "config.h"

#include "lsc-layer-table.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lsc-format.h"
#include "lsc-layer-row.h"
#include "lsc-table-cell.h"
#include "lsc-ui.h"

struct _LscLayerTable
{
  GtkWidget         parent_instance;

  /* Template widgets */
  GtkWidget        *header_box;
  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkLabel         *layers_value;
  GtkLabel         *params_value;
  GtkLabel         *macs_value;
  GtkLabel         *input_value;
  GtkColumnView    *column_view;
  GtkSortListModel *sort_model;

  /* Owned */
  LscModel         *model;
  GListStore       *rows;

  /* The largest node's share of the MACs: share bars are drawn relative to
   * it, so the layers that dominate stand out even in a 150-layer model. */
  double            max_macs_fraction;
};

G_DEFINE_FINAL_TYPE (LscLayerTable, lsc_layer_table, GTK_TYPE_WIDGET)

/* The columns, in order. Cell text is produced by `text` from a row. */
typedef struct
{
  const char *title;
  LscTableCellKind kind;
  char     *(*text) (LscLayerRow *row);
  const char *sort_property;     /* NULL: not sortable */
  gboolean    sort_as_number;
  gboolean    expand;
  int         fixed_width;       /* -1: natural */
} ColumnSpec;

static char *
row_index_text (LscLayerRow *row)
{
  return g_strdup_printf ("%u", lsc_layer_row_get_index (row) + 1);
}

static char *
row_name_text (LscLayerRow *row)
{
  return g_strdup (lsc_layer_row_get_name (row));
}

static char *
row_class_text (LscLayerRow *row)
{
  return g_strdup (lsc_layer_row_get_class_name (row));
}

static char *
row_shape_text (LscLayerRow *row)
{
  return g_strdup (lsc_layer_row_get_output_shape (row));
}

static char *
row_params_text (LscLayerRow *row)
{
  return lsc_format_count (lsc_layer_row_get_params (row));
}

static char *
row_macs_text (LscLayerRow *row)
{
  int64_t macs = lsc_layer_row_get_macs (row);

  /* Unknown when a dimension is None: say so rather than print 0. */
  if (macs < 0)
    return g_strdup ("—");
  return lsc_format_count (macs);
}

static char *
row_share_text (LscLayerRow *row)
{
  if (lsc_layer_row_get_macs (row) <= 0)
    return g_strdup ("");
  return g_strdup_printf ("%.1f %%", 100.0 * lsc_layer_row_get_macs_fraction (row));
}

static const ColumnSpec column_specs[] = {
  { "#",                 LSC_TABLE_CELL_NUMBER, row_index_text,  "index",         TRUE,  FALSE, 52 },
  { N_("Name"),          LSC_TABLE_CELL_TEXT,   row_name_text,   "name",          FALSE, TRUE,  200 },
  { N_("Class"),         LSC_TABLE_CELL_TEXT,   row_class_text,  "class-name",    FALSE, FALSE, 160 },
  { N_("Output Shape"),  LSC_TABLE_CELL_TEXT,   row_shape_text,  NULL,            FALSE, FALSE, 150 },
  { N_("Params"),        LSC_TABLE_CELL_NUMBER, row_params_text, "params",        TRUE,  FALSE, 90 },
  { N_("MACs"),          LSC_TABLE_CELL_NUMBER, row_macs_text,   "macs",          TRUE,  FALSE, 115 },
  { N_("Share"),         LSC_TABLE_CELL_SHARE,  row_share_text,  "macs-fraction", TRUE,  FALSE, 110 },
};

/* What a column's factory callbacks need; the table owns the factories, so
 * it outlives them. */
typedef struct
{
  const ColumnSpec *spec;
  LscLayerTable    *table;
} CellContext;

static void
cell_context_free (gpointer data,
                   GClosure *closure)
{
  g_free (data);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  const ColumnSpec *spec = ((CellContext *) user_data)->spec;

  gtk_list_item_set_child (item, lsc_table_cell_new (spec->kind));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const ColumnSpec *spec = ((CellContext *) user_data)->spec;
  LscLayerTable *self = ((CellContext *) user_data)->table;
  LscLayerRow *row = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autofree char *text = spec->text (row);
  GtkWidget *label = GTK_WIDGET (lsc_table_cell_get_label (child, spec->kind));

  if (spec->kind == LSC_TABLE_CELL_SHARE)
    {
      GtkLevelBar *bar = lsc_table_cell_get_bar (child);
      double fraction = lsc_layer_row_get_macs_fraction (row);

      gtk_level_bar_set_value (bar, self->max_macs_fraction > 0.0
                                    ? MIN (fraction / self->max_macs_fraction, 1.0) : 0.0);
      gtk_widget_set_visible (GTK_WIDGET (bar), lsc_layer_row_get_macs (row) > 0);
    }

  gtk_label_set_text (GTK_LABEL (label), text);

  /* Nested models are flattened; the scope says where a node came from. */
  if (spec->text == row_name_text && lsc_layer_row_get_scope (row)[0] != '\0')
    {
      g_autofree char *tip = g_strdup_printf (_("%s (in %s)"),
                                              lsc_layer_row_get_name (row),
                                              lsc_layer_row_get_scope (row));
      gtk_widget_set_tooltip_text (label, tip);
    }
  else if (spec->text == row_name_text)
    gtk_widget_set_tooltip_text (label, lsc_layer_row_get_name (row));
}

static GtkSorter *
create_sorter (const ColumnSpec *spec)
{
  GtkExpression *expression;

  if (spec->sort_property == NULL)
    return NULL;

  expression = gtk_property_expression_new (LSC_TYPE_LAYER_ROW, NULL, spec->sort_property);
  if (spec->sort_as_number)
    return GTK_SORTER (gtk_numeric_sorter_new (expression));
  return GTK_SORTER (gtk_string_sorter_new (expression));
}

static void
add_columns (LscLayerTable *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_specs); i++)
    {
      const ColumnSpec *spec = &column_specs[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = create_sorter (spec);

      CellContext *context = g_new (CellContext, 1);

      context->spec = spec;
      context->table = self;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), context);
      g_signal_connect_data (factory, "bind", G_CALLBACK (bind_cell), context,
                             cell_context_free, 0);

      column = gtk_column_view_column_new (g_dgettext (GETTEXT_PACKAGE, spec->title), factory);
      gtk_column_view_column_set_expand (column, spec->expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (spec->fixed_width > 0)
        gtk_column_view_column_set_fixed_width (column, spec->fixed_width);
      if (sorter != NULL)
        gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_append_column (self->column_view, column);
    }
}

static void
lsc_layer_table_dispose (GObject *object)
{
  GtkWidget *child;
  LscLayerTable *self = LSC_LAYER_TABLE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LSC_TYPE_LAYER_TABLE);
  /* dispose_template only unparents the children it binds. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->model, lsc_model_unref);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (lsc_layer_table_parent_class)->dispose (object);
}

static void
lsc_layer_table_class_init (LscLayerTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lsc_layer_table_dispose;

  lsc_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class, LSC_UI_RESOURCE_PATH
                                               "ui/lsc-layer-table.ui");
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, header_box);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, title_label);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, layers_value);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, params_value);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, macs_value);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, input_value);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, column_view);
  gtk_widget_class_bind_template_child (widget_class, LscLayerTable, sort_model);
  gtk_widget_class_set_css_name (widget_class, "layertable");
}

static void
lsc_layer_table_init (LscLayerTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (LSC_TYPE_LAYER_ROW);
  gtk_sort_list_model_set_model (self->sort_model, G_LIST_MODEL (self->rows));
  gtk_sort_list_model_set_sorter (self->sort_model,
                                  gtk_column_view_get_sorter (self->column_view));
  add_columns (self);
  gtk_widget_set_visible (self->header_box, FALSE);
}

GtkWidget *
lsc_layer_table_new (void)
{
  return g_object_new (LSC_TYPE_LAYER_TABLE, NULL);
}

static const char *
format_name (LscModelFormat format)
{
  switch (format)
    {
    case LSC_MODEL_FORMAT_HDF5:
      return _("HDF5 (.h5)");
    case LSC_MODEL_FORMAT_KERAS_ZIP:
      return _("Keras v3 zip (.keras)");
    default:
      return _("Unknown format");
    }
}

/* "~/models/x.h5" for a path under the home folder, as GNOME shows paths. */
static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize n = home != NULL ? strlen (home) : 0;

  if (n > 1 && strncmp (path, home, n) == 0 && path[n] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + n, NULL);
  return g_strdup (path);
}

static char *
describe_inputs (LscModel *model)
{
  GString *text = g_string_new (NULL);
  guint n_inputs = lsc_model_get_n_inputs (model);

  for (guint i = 0; i < n_inputs; i++)
    {
      const LscNode *node = lsc_model_get_node (model, lsc_model_get_input_node (model, i));
      g_autofree char *shape = lsc_shape_to_string (&node->output_shape);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, shape);
    }
  return g_string_free (text, FALSE);
}

static void
update_header (LscLayerTable *self)
{
  LscModel *model = self->model;
  const char *version;
  g_autofree char *subtitle = NULL;
  g_autofree char *n_layers = NULL;
  g_autofree char *params = NULL;
  g_autofree char *params_short = NULL;
  g_autofree char *macs = NULL;
  g_autofree char *macs_short = NULL;
  g_autofree char *inputs = NULL;
  g_autofree char *path = NULL;

  gtk_widget_set_visible (self->header_box, model != NULL);
  if (model == NULL)
    return;

  path = display_path (lsc_model_get_path (model));
  version = lsc_model_get_keras_version (model);
  if (version == NULL || version[0] == '\0')
    subtitle = g_strdup_printf (_("Keras version unknown · %s · %s"),
                                format_name (lsc_model_get_format (model)), path);
  else
    subtitle = g_strdup_printf (_("Keras %s · %s · %s"), version,
                                format_name (lsc_model_get_format (model)), path);

  n_layers = lsc_format_count (lsc_model_get_n_nodes (model));
  params = lsc_format_count (lsc_model_get_n_params (model));
  params_short = lsc_format_count_short (lsc_model_get_n_params (model));
  macs = lsc_format_count (lsc_model_get_n_macs (model));
  macs_short = lsc_format_count_short (lsc_model_get_n_macs (model));
  /* The total leaves out nodes whose MACs depend on a None dimension. */
  for (guint i = 0; i < lsc_model_get_n_nodes (model); i++)
    {
      if (lsc_model_get_node_macs (model, i) < 0)
        {
          g_autofree char *known = g_steal_pointer (&macs);

          macs = g_strdup_printf ("≥ %s", known);
          g_free (macs_short);
          macs_short = g_strdup (_("Layers marked — depend on a dimension that is unknown "
                                   "(None) until the model runs; they are not counted"));
          break;
        }
    }
  inputs = describe_inputs (model);

  gtk_label_set_text (self->title_label, lsc_model_get_name (model));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), lsc_model_get_path (model));
  gtk_label_set_text (self->layers_value, n_layers);
  gtk_label_set_text (self->params_value, params);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->params_value), params_short);
  gtk_label_set_text (self->macs_value, macs);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->macs_value), macs_short);
  gtk_label_set_text (self->input_value, inputs);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->input_value), inputs);
}

void
lsc_layer_table_set_model (LscLayerTable *self,
                           LscModel      *model)
{
  g_autoptr(GPtrArray) rows = NULL;
  int64_t total_macs;
  guint n_nodes;

  g_return_if_fail (LSC_IS_LAYER_TABLE (self));

  if (model == self->model)
    return;

  g_clear_pointer (&self->model, lsc_model_unref);
  if (model != NULL)
    self->model = lsc_model_ref (model);

  rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_macs_fraction = 0.0;
  if (model != NULL)
    {
      total_macs = lsc_model_get_n_macs (model);
      n_nodes = lsc_model_get_n_nodes (model);
      for (guint i = 0; i < n_nodes; i++)
        {
          const LscNode *node = lsc_model_get_node (model, i);
          g_autofree char *shape = lsc_shape_to_string (&node->output_shape);
          int64_t macs = lsc_model_get_node_macs (model, i);
          double fraction = total_macs > 0 && macs > 0 ? (double) macs / (double) total_macs : 0.0;

          self->max_macs_fraction = MAX (self->max_macs_fraction, fraction);

          g_ptr_array_add (rows, lsc_layer_row_new (i, node->name, node->scope,
                                                    node->layer->class_name, shape,
                                                    lsc_model_get_node_params (model, i),
                                                    macs, fraction));
        }
    }

  /* One splice, so the view sees one change instead of one per node. */
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  update_header (self);
}

LscModel *
lsc_layer_table_get_model (LscLayerTable *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_TABLE (self), NULL);
  return self->model;
}

GListModel *
lsc_layer_table_get_rows (LscLayerTable *self)
{
  g_return_val_if_fail (LSC_IS_LAYER_TABLE (self), NULL);
  return G_LIST_MODEL (self->rows);
}
