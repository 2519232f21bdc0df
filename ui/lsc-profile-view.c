#include "config.h"

#include "lsc-profile-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lsc-format.h"
#include "lsc-profile-row.h"
#include "lsc-table-cell.h"
#include "lsc-ui.h"
#include "profile/lsc-profile-export.h"

struct _LscProfileView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  GtkWidget           *header_box;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkBox              *stats_box;
  GtkGrid             *facts_grid;
  GtkColumnView       *column_view;
  GtkSortListModel    *sort_model;

  /* Owned */
  LscProfileReport    *report;
  GListStore          *rows;

  /* Not owned: the column view holds it. Shown only when IPC is known. */
  GtkColumnViewColumn *ipc_column;

  /* The largest layer's share: bars are drawn relative to it, so the
   * layers that dominate stand out in a 150-layer model. */
  double               max_share;
};

G_DEFINE_FINAL_TYPE (LscProfileView, lsc_profile_view, GTK_TYPE_WIDGET)

/* The columns, in order. Cells get their text from `text`; numeric
 * columns sort by `key` (NAN last), text columns by a property. */
typedef struct
{
  const char *title;
  LscTableCellKind kind;
  char     *(*text) (LscProfileRow *row);
  double    (*key)  (LscProfileRow *row);
  const char *sort_property;
  int         percentile;        /* 90, 99: dimmed when it has too few samples */
  gboolean    expand;
  int         fixed_width;       /* -1: natural */
  const char *tooltip;           /* of the column's header */
} ColumnSpec;

/* value with `decimals` decimals and a suffix; "—" when not measured. */
static char *
format_number (double      value,
               int         decimals,
               const char *suffix)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return g_strdup_printf ("%.*f%s", decimals, value, suffix);
}

#define L(row) lsc_profile_row_get_layer (row)

static double
key_index (LscProfileRow *row)
{
  return lsc_profile_row_get_index (row);
}

static double
key_median (LscProfileRow *row)
{
  return L (row)->time.p50;
}

static double
key_p90 (LscProfileRow *row)
{
  return L (row)->time.p90;
}

static double
key_p99 (LscProfileRow *row)
{
  return L (row)->time.p99;
}

static double
key_share (LscProfileRow *row)
{
  return L (row)->share;
}

static double
key_gflops (LscProfileRow *row)
{
  return L (row)->gflops;
}

static double
key_gbs (LscProfileRow *row)
{
  return L (row)->gbs;
}

static double
key_intensity (LscProfileRow *row)
{
  return L (row)->intensity;
}

static double
key_working_set (LscProfileRow *row)
{
  return L (row)->working_set_bytes;
}

static double
key_efficiency (LscProfileRow *row)
{
  return L (row)->efficiency;
}

static double
key_imbalance (LscProfileRow *row)
{
  return L (row)->imbalance;
}

static double
key_ipc (LscProfileRow *row)
{
  return lsc_profile_row_get_ipc (row);
}


static char *
text_index (LscProfileRow *row)
{
  return g_strdup_printf ("%u", lsc_profile_row_get_index (row) + 1);
}

static char *
text_name (LscProfileRow *row)
{
  return g_strdup (lsc_profile_row_get_name (row));
}

static char *
text_kernel (LscProfileRow *row)
{
  return g_strdup (lsc_profile_row_get_kernel (row));
}

static char *
text_median (LscProfileRow *row)
{
  return lsc_format_duration (L (row)->time.p50);
}

static char *
text_p90 (LscProfileRow *row)
{
  return lsc_format_duration (L (row)->time.p90);
}

static char *
text_p99 (LscProfileRow *row)
{
  return lsc_format_duration (L (row)->time.p99);
}

static char *
text_gflops (LscProfileRow *row)
{
  return format_number (L (row)->gflops, 1, "");
}

static char *
text_gbs (LscProfileRow *row)
{
  return format_number (L (row)->gbs, 1, "");
}

static char *
text_intensity (LscProfileRow *row)
{
  return format_number (L (row)->intensity, 1, "");
}

static char *
text_ipc (LscProfileRow *row)
{
  return format_number (lsc_profile_row_get_ipc (row), 2, "");
}


static char *
text_share (LscProfileRow *row)
{
  return format_number (100.0 * L (row)->share, 1, " %");
}

static char *
text_efficiency (LscProfileRow *row)
{
  return format_number (100.0 * L (row)->efficiency, 0, " %");
}

static char *
text_imbalance (LscProfileRow *row)
{
  return format_number (L (row)->imbalance, 2, "×");
}

static char *
text_working_set (LscProfileRow *row)
{
  const char *fits = lsc_profile_fits_to_string (L (row)->fits);
  g_autofree char *bytes = lsc_format_bytes (L (row)->working_set_bytes);

  if (fits == NULL)
    return g_steal_pointer (&bytes);
  return g_strdup_printf ("%s · %s", bytes, fits);
}

#undef L

static const ColumnSpec column_specs[] = {
  { "#", LSC_TABLE_CELL_NUMBER, text_index, key_index, NULL, 0, FALSE, 44,
    N_("The layer's place in the plan") },
  { N_("Layer"), LSC_TABLE_CELL_TEXT, text_name, NULL, "name", 0, TRUE, 180,
    N_("The operation of the plan, named after its first Keras layer") },
  { N_("Kernel"), LSC_TABLE_CELL_TEXT, text_kernel, NULL, "kernel", 0, FALSE, 184,
    N_("The kernel variant that ran it") },
  { N_("Median"), LSC_TABLE_CELL_NUMBER, text_median, key_median, NULL, 0, FALSE, 80,
    N_("Median time over the timed runs") },
  { N_("p90"), LSC_TABLE_CELL_NUMBER, text_p90, key_p90, NULL, 90, FALSE, 80,
    N_("90th percentile (nearest rank); dimmed with fewer than 64 timed runs") },
  { N_("p99"), LSC_TABLE_CELL_NUMBER, text_p99, key_p99, NULL, 99, FALSE, 80,
    N_("99th percentile (nearest rank); dimmed with fewer than 662 timed runs") },
  { N_("Share"), LSC_TABLE_CELL_SHARE, text_share, key_share, NULL, 0, FALSE, 124,
    N_("Of the sum of the layers' median times") },
  { N_("GFLOP/s"), LSC_TABLE_CELL_NUMBER, text_gflops, key_gflops, NULL, 0, FALSE, 76,
    N_("Floating-point operations per second at the median time") },
  { N_("GB/s"), LSC_TABLE_CELL_NUMBER, text_gbs, key_gbs, NULL, 0, FALSE, 62,
    N_("Weights, inputs and output moved per second at the median time") },
  { N_("FLOP/B"), LSC_TABLE_CELL_NUMBER, text_intensity, key_intensity, NULL, 0, FALSE, 66,
    N_("Arithmetic intensity: operations per byte moved") },
  { N_("Working Set"), LSC_TABLE_CELL_NUMBER, text_working_set, key_working_set, NULL, 0, FALSE, 118,
    N_("Weights + inputs + output, and the smallest cache that holds them") },
  { N_("Efficiency"), LSC_TABLE_CELL_NUMBER, text_efficiency, key_efficiency, NULL, 0, FALSE, 80,
    N_("Busy time of all workers / (workers × layer time)") },
  { N_("Imbalance"), LSC_TABLE_CELL_NUMBER, text_imbalance, key_imbalance, NULL, 0, FALSE, 84,
    N_("Slowest worker's busy time / the mean worker's") },
  { N_("IPC"), LSC_TABLE_CELL_NUMBER, text_ipc, key_ipc, NULL, 0, FALSE, 56,
    N_("Instructions per cycle, from the hardware counters") },
};

/* What a column's factory callbacks need; the view owns the factories, so
 * it outlives them. */
typedef struct
{
  const ColumnSpec *spec;
  LscProfileView   *view;
} CellContext;

static void
cell_context_free (gpointer  data,
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

static char *
working_set_tooltip (LscProfileReport      *report,
                     const LscProfileLayer *layer)
{
  g_autofree char *weights = lsc_format_bytes (layer->weight_bytes);
  g_autofree char *inputs = lsc_format_bytes (layer->input_bytes);
  g_autofree char *output = lsc_format_bytes (layer->output_bytes);
  const char *fits = lsc_profile_fits_to_string (layer->fits);

  if (fits == NULL)
    return g_strdup_printf (_("Weights %s + inputs %s + output %s; the cache sizes are unknown"),
                            weights, inputs, output);
  if (layer->fits >= 0 && layer->fits < 3 && report->cache_bytes[layer->fits] > 0)
    {
      g_autofree char *cache = lsc_format_bytes ((double) report->cache_bytes[layer->fits]);

      return g_strdup_printf (_("Weights %s + inputs %s + output %s: fits in %s (%s)"),
                              weights, inputs, output, fits, cache);
    }
  return g_strdup_printf (_("Weights %s + inputs %s + output %s: larger than every cache"),
                          weights, inputs, output);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const ColumnSpec *spec = ((CellContext *) user_data)->spec;
  LscProfileView *self = ((CellContext *) user_data)->view;
  LscProfileRow *row = gtk_list_item_get_item (item);
  const LscProfileLayer *layer = lsc_profile_row_get_layer (row);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autofree char *text = spec->text (row);
  g_autofree char *tooltip = NULL;
  GtkWidget *label = GTK_WIDGET (lsc_table_cell_get_label (child, spec->kind));
  gboolean dim = FALSE;

  if (spec->kind == LSC_TABLE_CELL_SHARE)
    {
      gtk_level_bar_set_value (lsc_table_cell_get_bar (child),
                               self->max_share > 0.0 && isfinite (layer->share)
                               ? CLAMP (layer->share / self->max_share, 0.0, 1.0) : 0.0);
    }

  /* A percentile with too few samples is computed but not trustworthy. */
  if ((spec->percentile == 90 && !layer->time.p90_ok) || (spec->percentile == 99 && !layer->time.p99_ok))
    {
      dim = TRUE;
      tooltip = g_strdup_printf (_("Only %u timed runs: a p%d needs at least %d to be trusted"),
                                 layer->time.n, spec->percentile,
                                 spec->percentile == 90 ? LSC_STATS_P90_MIN_SAMPLES
                                                        : LSC_STATS_P99_MIN_SAMPLES);
    }
  else if (spec->text == text_name)
    tooltip = g_strdup_printf (_("Keras layers: %s"),
                               layer->layers != NULL && layer->layers[0] != '\0'
                               ? layer->layers : lsc_profile_row_get_name (row));
  else if (spec->text == text_kernel && layer->op != NULL)
    tooltip = g_strdup_printf (_("%s (%s)"), lsc_profile_row_get_kernel (row), layer->op);
  else if (spec->text == text_working_set)
    tooltip = working_set_tooltip (lsc_profile_row_get_report (row), layer);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, tooltip);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

/* NAN (not measured) sorts after every number, either way round the
 * column view flips it. */
static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const ColumnSpec *spec = user_data;
  double ka = spec->key (LSC_PROFILE_ROW ((gpointer) a));
  double kb = spec->key (LSC_PROFILE_ROW ((gpointer) b));

  if (isnan (ka) || isnan (kb))
    return isnan (ka) - isnan (kb);
  return (ka > kb) - (ka < kb);
}

static GtkSorter *
create_sorter (const ColumnSpec *spec)
{
  if (spec->sort_property != NULL)
    return GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (LSC_TYPE_PROFILE_ROW, NULL,
                                                                           spec->sort_property)));
  if (spec->key != NULL)
    return GTK_SORTER (gtk_custom_sorter_new (compare_keys, (gpointer) spec, NULL));
  return NULL;
}

static void
add_columns (LscProfileView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_specs); i++)
    {
      const ColumnSpec *spec = &column_specs[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = create_sorter (spec);
      CellContext *context = g_new (CellContext, 1);

      context->spec = spec;
      context->view = self;
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
      if (spec->text == text_ipc)
        self->ipc_column = column;
      gtk_column_view_append_column (self->column_view, column);
    }
}

static void
lsc_profile_view_dispose (GObject *object)
{
  GtkWidget *child;
  LscProfileView *self = LSC_PROFILE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), LSC_TYPE_PROFILE_VIEW);
  /* dispose_template only unparents the children it binds. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->ipc_column = NULL;
  g_clear_pointer (&self->report, lsc_profile_report_unref);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (lsc_profile_view_parent_class)->dispose (object);
}

static void
lsc_profile_view_class_init (LscProfileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lsc_profile_view_dispose;

  lsc_ui_init ();
  gtk_widget_class_set_template_from_resource (widget_class, LSC_UI_RESOURCE_PATH
                                               "ui/lsc-profile-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, header_box);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, title_label);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, stats_box);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, facts_grid);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, column_view);
  gtk_widget_class_bind_template_child (widget_class, LscProfileView, sort_model);
  gtk_widget_class_set_css_name (widget_class, "profileview");
}

static void
lsc_profile_view_init (LscProfileView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (LSC_TYPE_PROFILE_ROW);
  gtk_sort_list_model_set_model (self->sort_model, G_LIST_MODEL (self->rows));
  gtk_sort_list_model_set_sorter (self->sort_model,
                                  gtk_column_view_get_sorter (self->column_view));
  add_columns (self);
  gtk_column_view_column_set_visible (self->ipc_column, FALSE);
  gtk_widget_set_visible (self->header_box, FALSE);
}

GtkWidget *
lsc_profile_view_new (void)
{
  return g_object_new (LSC_TYPE_PROFILE_VIEW, NULL);
}

/* ---- the header ---------------------------------------------------------- */

static void
remove_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    {
      if (GTK_IS_BOX (widget))
        gtk_box_remove (GTK_BOX (widget), child);
      else
        gtk_grid_remove (GTK_GRID (widget), child);
    }
}

/* A caption over a big value, as the layer table's header has them. */
static void
add_stat (LscProfileView *self,
          const char     *caption,
          const char     *value,
          const char     *tooltip,
          gboolean        dim)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *caption_label = gtk_label_new (caption);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (caption_label), 0.0);
  gtk_widget_add_css_class (caption_label, "caption-heading");
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0.0);
  gtk_widget_add_css_class (value_label, "stat-value");
  gtk_widget_add_css_class (value_label, "numeric");
  if (dim)
    gtk_widget_add_css_class (value_label, "dim-label");
  gtk_widget_set_tooltip_text (box, tooltip);
  gtk_box_append (GTK_BOX (box), caption_label);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_box_append (self->stats_box, box);
}

/* A line of the facts grid: a caption and a sentence. */
static void
add_fact (LscProfileView *self,
          int             row,
          const char     *caption,
          const char     *text)
{
  GtkWidget *caption_label = gtk_label_new (caption);
  GtkWidget *text_label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (caption_label), 0.0);
  gtk_label_set_yalign (GTK_LABEL (caption_label), 0.0);
  gtk_widget_add_css_class (caption_label, "fact-caption");
  gtk_label_set_xalign (GTK_LABEL (text_label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (text_label), TRUE);
  gtk_widget_set_hexpand (text_label, TRUE);
  gtk_grid_attach (self->facts_grid, caption_label, 0, row, 1, 1);
  gtk_grid_attach (self->facts_grid, text_label, 1, row, 1, 1);
}

static char *
percentile_tooltip (const LscStats *stats,
                    int             p,
                    gboolean        ok)
{
  if (ok)
    return g_strdup_printf (_("%dth percentile of %u timed runs (nearest rank)"), p, stats->n);
  return g_strdup_printf (_("Only %u timed runs: a p%d needs at least %d to be trusted"),
                          stats->n, p, p == 90 ? LSC_STATS_P90_MIN_SAMPLES : LSC_STATS_P99_MIN_SAMPLES);
}

static char *
describe_setup (LscProfileReport *r)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, ngettext ("batch %u", "batch %u", r->batch), r->batch);
  g_string_append_printf (s, ngettext (" · %u thread", " · %u threads", r->n_threads), r->n_threads);
  g_string_append_printf (s, _(" (%s, pinned %s)"), r->strategy != NULL ? r->strategy : "?",
                          r->pin != NULL ? r->pin : "?");
  g_string_append_printf (s, _(" · %s kernels"), r->isa != NULL ? r->isa : "?");
  g_string_append (s, r->fused ? _(" · fused") : _(" · unfused"));
  g_string_append (s, r->cold ? _(" · cold caches (evicted before each run)") : _(" · warm caches"));
  return g_string_free (s, FALSE);
}

static char *
describe_counters (LscProfileReport *r)
{
  GString *s = g_string_new (NULL);

  if (r->counter_mask == 0)
    {
      g_string_append_printf (s, _("Unavailable (%s): %s"),
                              r->counter_backend != NULL ? r->counter_backend : _("no backend"),
                              r->counter_reason != NULL ? r->counter_reason
                                                        : _("no counter could be opened"));
      return g_string_free (s, FALSE);
    }
  for (guint c = 0, n = 0; c < LSC_N_COUNTERS; c++)
    if (r->counter_mask & (1u << c))
      g_string_append_printf (s, "%s%s", n++ > 0 ? ", " : "", lsc_counter_to_string (c));
  g_string_append_printf (s, " (%s)", r->counter_backend != NULL ? r->counter_backend : "?");
  if (r->counter_multiplexed)
    g_string_append (s, _("; multiplexed, scaled"));
  if (r->counter_reason != NULL)
    g_string_append_printf (s, "; %s", r->counter_reason);
  return g_string_free (s, FALSE);
}

static char *
describe_machine (LscProfileReport *r)
{
  if (r->cpu_samples == NULL || r->cpu_samples->len == 0)
    return g_strdup_printf (_("No CPU monitor: %s"),
                            r->monitor_reason != NULL ? r->monitor_reason : _("no samples"));
  if (r->n_interfered > 0)
    return g_strdup_printf (_("%u of %u timed runs disturbed: other processes kept CPU %d up to %.0f %% busy"),
                            r->n_interfered, r->wall.n, r->max_other_cpu, 100.0 * r->max_other_load);
  return g_strdup_printf (_("Quiet: other processes used at most %.0f %% of a CPU the profile ran on "
                            "(%u samples at %.0f Hz)"),
                          100.0 * r->max_other_load, r->cpu_samples->len, r->monitor_hz);
}

static void
update_header (LscProfileView *self)
{
  LscProfileReport *r = self->report;
  g_autofree char *subtitle = NULL, *median = NULL, *p90 = NULL, *p99 = NULL;
  g_autofree char *p90_tip = NULL, *p99_tip = NULL, *runs = NULL, *runs_tip = NULL;
  g_autofree char *overhead = NULL, *overhead_tip = NULL;
  g_autofree char *setup = NULL, *clock = NULL, *counters = NULL, *machine = NULL;
  GString *sub;

  remove_children (GTK_WIDGET (self->stats_box));
  remove_children (GTK_WIDGET (self->facts_grid));
  gtk_widget_set_visible (self->header_box, r != NULL);
  if (r == NULL)
    return;

  sub = g_string_new (_("Profiled"));
  if (r->created != NULL)
    {
      g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (r->created, NULL);
      g_autoptr(GDateTime) local = created != NULL ? g_date_time_to_local (created) : NULL;
      g_autofree char *when = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M")
                                            : g_strdup (r->created);

      g_string_append_printf (sub, " %s", when);
    }
  if (r->host != NULL)
    g_string_append_printf (sub, _(" on %s"), r->host);
  if (r->model_path != NULL)
    g_string_append_printf (sub, " · %s", r->model_path);
  subtitle = g_string_free (sub, FALSE);

  gtk_label_set_text (self->title_label, r->model_name != NULL ? r->model_name : _("Unnamed model"));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle);

  median = lsc_format_duration (r->wall.p50);
  p90 = lsc_format_duration (r->wall.p90);
  p99 = lsc_format_duration (r->wall.p99);
  p90_tip = percentile_tooltip (&r->wall, 90, r->wall.p90_ok);
  p99_tip = percentile_tooltip (&r->wall, 99, r->wall.p99_ok);
  runs = g_strdup_printf ("%u", r->wall.n);
  runs_tip = g_strdup_printf (_("%u timed runs after %u warm-up runs and a first run"),
                              r->wall.n, lsc_profile_report_count_runs (r, LSC_RUN_WARMUP));
  if (isnan (r->overhead))
    {
      overhead = g_strdup (_("—"));
      overhead_tip = g_strdup (_("Not measured: no unprofiled runs"));
    }
  else
    {
      g_autofree char *off = lsc_format_duration (r->off_wall.p50);

      overhead = g_strdup_printf ("%+.1f %%", 100.0 * r->overhead);
      overhead_tip = g_strdup_printf (_("What profiling costs: median %s profiled against %s "
                                        "unprofiled, %u runs each, interleaved"),
                                      median, off, r->off_wall.n);
    }

  add_stat (self, _("Median"), median, _("Median wall time of a run, end to end"), FALSE);
  add_stat (self, _("p90"), p90, p90_tip, !r->wall.p90_ok);
  add_stat (self, _("p99"), p99, p99_tip, !r->wall.p99_ok);
  add_stat (self, _("Timed Runs"), runs, runs_tip, FALSE);
  add_stat (self, _("Overhead"), overhead, overhead_tip, FALSE);

  setup = describe_setup (r);
  clock = g_strdup_printf (_("%s (%s), resolution %.2f ns"),
                           r->clock_source != NULL ? r->clock_source : "?",
                           r->clock_why != NULL ? r->clock_why : "?", r->clock_resolution_ns);
  counters = describe_counters (r);
  machine = describe_machine (r);
  add_fact (self, 0, _("Setup"), setup);
  add_fact (self, 1, _("Clock"), clock);
  add_fact (self, 2, _("Counters"), counters);
  add_fact (self, 3, _("Machine"), machine);
}

void
lsc_profile_view_set_report (LscProfileView   *self,
                             LscProfileReport *report)
{
  g_autoptr(GPtrArray) rows = NULL;
  const guint32 ipc_mask = (1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_INSTRUCTIONS);

  g_return_if_fail (LSC_IS_PROFILE_VIEW (self));
  g_return_if_fail (report == NULL || report->sealed);

  if (report == self->report)
    return;

  g_clear_pointer (&self->report, lsc_profile_report_unref);
  if (report != NULL)
    self->report = lsc_profile_report_ref (report);

  rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_share = 0.0;
  for (guint i = 0; report != NULL && i < report->n_layers; i++)
    {
      if (isfinite (report->layers[i].share))
        self->max_share = MAX (self->max_share, report->layers[i].share);
      g_ptr_array_add (rows, lsc_profile_row_new (report, i));
    }
  gtk_column_view_column_set_visible (self->ipc_column,
                                      report != NULL && (report->counter_mask & ipc_mask) == ipc_mask);

  /* One splice, so the view sees one change instead of one per layer. */
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  update_header (self);
}

LscProfileReport *
lsc_profile_view_get_report (LscProfileView *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_VIEW (self), NULL);
  return self->report;
}

GListModel *
lsc_profile_view_get_rows (LscProfileView *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_VIEW (self), NULL);
  return G_LIST_MODEL (self->rows);
}

GtkColumnView *
lsc_profile_view_get_column_view (LscProfileView *self)
{
  g_return_val_if_fail (LSC_IS_PROFILE_VIEW (self), NULL);
  return self->column_view;
}
