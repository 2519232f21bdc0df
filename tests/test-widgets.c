/* The reusable widgets of ui/ with a real model: the layer table's rows and
 * cells, and the prediction list fed with the model's own top-5 output.
 * The zoo's mnist-cnn (small) is written to a temporary folder once.
 *
 * Needs a display: every widget test skips itself, saying so, when
 * gtk_init_check() fails (the lead runs this suite under Xvfb). The number
 * formatting tests need none and always run. */

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "io/lsc-image.h"
#include "io/lsc-labels.h"
#include "lsc-format.h"
#include "lsc-layer-row.h"
#include "lsc-layer-table.h"
#include "lsc-prediction-list.h"
#include "lsc-profile-row.h"
#include "lsc-profile-view.h"
#include "lsc-window.h"
#include "model/lsc-model.h"
#include "profile/lsc-session-file.h"
#include "zoo/lsc-zoo.h"

static gboolean have_display;
static char *tmp_dir;
static LscModel *mnist;

#define SKIP_WITHOUT_DISPLAY()                                                     \
  G_STMT_START {                                                                   \
    if (!have_display)                                                             \
      {                                                                            \
        g_test_skip ("no display: gtk_init_check() failed (run under Xvfb)");      \
        return;                                                                    \
      }                                                                            \
  } G_STMT_END

static LscModel *
get_mnist (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (mnist != NULL)
    return mnist;

  path = g_build_filename (tmp_dir, "mnist-cnn.h5", NULL);
  g_assert_true (lsc_zoo_write ("mnist-cnn", NULL, path, &error));
  g_assert_no_error (error);
  mnist = lsc_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mnist);
  return mnist;
}

/* Every GtkLabel's text under widget, depth first. */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  return find_label (widget, text) != NULL;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until `text` shows up as a label under widget (list
 * cells are created when the view is laid out), or 5 s pass. */
static gboolean
wait_for_label (GtkWidget  *widget,
                const char *text)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (5000, timeout_cb, &timed_out);

  while (!timed_out && !has_label (widget, text))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return has_label (widget, text);
}

static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  return window;
}

static void
test_format_count (void)
{
  static const struct { int64_t value; const char *text; } cases[] = {
    { 0, "0" },
    { 7, "7" },
    { 999, "999" },
    { 1000, "1,000" },
    { 34826, "34,826" },
    { 100000, "100,000" },
    { 3538984, "3,538,984" },
    { 300774272, "300,774,272" },
    { -1234567, "-1,234,567" },
    { G_MININT64, "-9,223,372,036,854,775,808" },
  };

  /* The C locale has no grouping; the table falls back to ",". */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lsc_format_count (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_count_short (void)
{
  static const struct { int64_t value; const char *text; } cases[] = {
    { 950, "950" },
    { 12345, "12.3 k" },
    { 3538984, "3.54 M" },          /* 3.538984 → 3 significant figures */
    { 300774272, "301 M" },
    { 1210000000, "1.21 G" },
    { -2500, "-2.50 k" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lsc_format_count_short (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_layer_table_rows (void)
{
  LscModel *model;
  GtkWidget *table;
  GListModel *rows;
  guint n_nodes;
  int64_t sum_params = 0, sum_macs = 0;
  double sum_fractions = 0.0;

  SKIP_WITHOUT_DISPLAY ();

  model = get_mnist ();
  table = g_object_ref_sink (lsc_layer_table_new ());
  rows = lsc_layer_table_get_rows (LSC_LAYER_TABLE (table));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);

  lsc_layer_table_set_model (LSC_LAYER_TABLE (table), model);
  g_assert_true (lsc_layer_table_get_model (LSC_LAYER_TABLE (table)) == model);

  /* One row per node, in the model's order, each a copy of the node. */
  n_nodes = lsc_model_get_n_nodes (model);
  g_assert_cmpuint (n_nodes, >, 2);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(LscLayerRow) row = g_list_model_get_item (rows, i);
      const LscNode *node = lsc_model_get_node (model, i);
      g_autofree char *shape = lsc_shape_to_string (&node->output_shape);

      g_assert_cmpuint (lsc_layer_row_get_index (row), ==, i);
      g_assert_cmpstr (lsc_layer_row_get_name (row), ==, node->name);
      g_assert_cmpstr (lsc_layer_row_get_class_name (row), ==, node->layer->class_name);
      g_assert_cmpstr (lsc_layer_row_get_output_shape (row), ==, shape);
      g_assert_cmpint (lsc_layer_row_get_params (row), ==, lsc_model_get_node_params (model, i));
      g_assert_cmpint (lsc_layer_row_get_macs (row), ==, lsc_model_get_node_macs (model, i));
      sum_params += lsc_layer_row_get_params (row);
      if (lsc_layer_row_get_macs (row) > 0)
        sum_macs += lsc_layer_row_get_macs (row);
      sum_fractions += lsc_layer_row_get_macs_fraction (row);
    }
  /* The rows add up to the model's totals, and the shares to one. */
  g_assert_cmpint (sum_params, ==, lsc_model_get_n_params (model));
  g_assert_cmpint (sum_macs, ==, lsc_model_get_n_macs (model));
  g_assert_cmpint (lsc_model_get_n_macs (model), >, 0);
  g_assert_cmpfloat_with_epsilon (sum_fractions, 1.0, 1e-9);

  /* A mnist CNN has a Conv2D and a Dense layer. */
  {
    gboolean has_conv = FALSE, has_dense = FALSE;

    for (guint i = 0; i < n_nodes; i++)
      {
        g_autoptr(LscLayerRow) row = g_list_model_get_item (rows, i);

        has_conv |= g_str_equal (lsc_layer_row_get_class_name (row), "Conv2D");
        has_dense |= g_str_equal (lsc_layer_row_get_class_name (row), "Dense");
      }
    g_assert_true (has_conv);
    g_assert_true (has_dense);
  }

  lsc_layer_table_set_model (LSC_LAYER_TABLE (table), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_null (lsc_layer_table_get_model (LSC_LAYER_TABLE (table)));

  g_object_unref (table);
}

static void
test_layer_table_cells (void)
{
  LscModel *model;
  GtkWidget *table;
  GtkWindow *window;
  g_autofree char *total_params = NULL;
  g_autofree char *total_macs = NULL;
  guint n_nodes, biggest = 0;

  SKIP_WITHOUT_DISPLAY ();

  model = get_mnist ();
  n_nodes = lsc_model_get_n_nodes (model);
  table = lsc_layer_table_new ();
  lsc_layer_table_set_model (LSC_LAYER_TABLE (table), model);
  window = show_in_window (table, 1000, 600);

  /* The header: model name and the totals, grouped by thousands. */
  total_params = lsc_format_count (lsc_model_get_n_params (model));
  total_macs = lsc_format_count (lsc_model_get_n_macs (model));
  g_assert_true (has_label (table, lsc_model_get_name (model)));
  g_assert_true (has_label (table, total_params));
  g_assert_true (has_label (table, total_macs));
  if (lsc_model_get_n_params (model) >= 1000)
    g_assert_nonnull (strchr (total_params, ','));

  /* Cells: every node's name is drawn (the model fits in 600 px), and the
   * numeric columns are right-aligned. */
  g_assert_true (wait_for_label (table, lsc_model_get_node (model, n_nodes - 1)->name));
  for (guint i = 0; i < n_nodes; i++)
    {
      g_assert_true (has_label (table, lsc_model_get_node (model, i)->name));
      if (lsc_model_get_node_params (model, i) > lsc_model_get_node_params (model, biggest))
        biggest = i;
    }
  {
    g_autofree char *params = lsc_format_count (lsc_model_get_node_params (model, biggest));
    GtkLabel *cell = find_label (table, params);

    g_assert_nonnull (cell);
    g_assert_cmpfloat (gtk_label_get_xalign (cell), ==, 1.0f);
  }

  gtk_window_destroy (window);
}

static void
test_prediction_list_rows (void)
{
  GtkWidget *list;
  GtkWindow *window;
  static const char *const labels[] = { "seven", NULL, "one" };
  static const guint classes[] = { 7, 3, 1 };
  static const float probabilities[] = { 0.9f, 0.06f, 0.04f };
  static const float logits[] = { 12.5f, -3.25f };
  GtkWidget *row;

  SKIP_WITHOUT_DISPLAY ();

  list = lsc_prediction_list_new ();
  window = show_in_window (list, 420, 600);
  g_assert_cmpuint (lsc_prediction_list_get_n_images (LSC_PREDICTION_LIST (list)), ==, 0);

  g_assert_cmpuint (lsc_prediction_list_append (LSC_PREDICTION_LIST (list), "a.png"), ==, 0);
  g_assert_cmpuint (lsc_prediction_list_append (LSC_PREDICTION_LIST (list), "b.png"), ==, 1);
  g_assert_cmpuint (lsc_prediction_list_append (LSC_PREDICTION_LIST (list), "c.png"), ==, 2);
  g_assert_cmpuint (lsc_prediction_list_get_n_images (LSC_PREDICTION_LIST (list)), ==, 3);

  /* Probabilities show as percentages; a missing label shows its class. */
  lsc_prediction_list_set_predictions (LSC_PREDICTION_LIST (list), 0, labels, classes,
                                       probabilities, 3);
  row = lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 0);
  g_assert_true (has_label (row, "a.png"));
  g_assert_true (has_label (row, "seven"));
  g_assert_true (has_label (row, "Class 3"));
  g_assert_true (has_label (row, "one"));
  g_assert_true (has_label (row, "90.0 %"));
  g_assert_true (has_label (row, "6.0 %"));
  g_assert_true (has_label (row, "4.0 %"));

  /* Scores outside [0, 1] are not probabilities: shown as numbers. */
  lsc_prediction_list_set_predictions (LSC_PREDICTION_LIST (list), 1, NULL, classes, logits, 2);
  row = lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 1);
  g_assert_true (has_label (row, "Class 7"));
  g_assert_true (has_label (row, "12.5"));
  g_assert_true (has_label (row, "-3.25"));
  g_assert_false (has_label (row, "1250.0 %"));

  lsc_prediction_list_set_error (LSC_PREDICTION_LIST (list), 2, "c.png: not an image");
  row = lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 2);
  g_assert_true (has_label (row, "c.png: not an image"));

  /* New predictions replace the old ones rather than adding to them. */
  lsc_prediction_list_set_predictions (LSC_PREDICTION_LIST (list), 0, labels, classes,
                                       probabilities, 1);
  row = lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 0);
  g_assert_true (has_label (row, "seven"));
  g_assert_false (has_label (row, "one"));

  g_assert_null (lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 3));
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*index < self->rows->len*");
  lsc_prediction_list_set_error (LSC_PREDICTION_LIST (list), 3, "out of range");
  g_test_assert_expected_messages ();

  lsc_prediction_list_clear (LSC_PREDICTION_LIST (list));
  g_assert_cmpuint (lsc_prediction_list_get_n_images (LSC_PREDICTION_LIST (list)), ==, 0);

  gtk_window_destroy (window);
}

/* A 28×28 grayscale "1": a bright vertical bar on black, as MNIST draws. */
static char *
write_digit_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, "one.png", NULL);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        guchar v = (x >= 12 && x <= 15 && y >= 4 && y <= 23) ? 255 : 0;

        pixels[y * stride + x * 3 + 0] = v;
        pixels[y * stride + x * 3 + 1] = v;
        pixels[y * stride + x * 3 + 2] = v;
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
  return path;
}

/* What the window does for an image: load, run, top 5, show. */
static void
test_prediction_list_with_model (void)
{
  LscModel *model;
  const LscShape *in_shape;
  g_autofree char *png = NULL;
  g_autoptr(LscTensor) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree LscPrediction *top = NULL;
  LscTensor *outputs[1] = { NULL };
  const char *paths[1];
  const char *names[5];
  guint classes[5];
  float scores[5];
  guint k = 0;
  GtkWidget *list, *row;
  GtkWindow *window;

  SKIP_WITHOUT_DISPLAY ();

  model = get_mnist ();
  g_assert_cmpuint (lsc_model_get_n_inputs (model), ==, 1);
  g_assert_cmpuint (lsc_model_get_n_outputs (model), ==, 1);
  in_shape = &lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
  g_assert_cmpint (in_shape->ndim, ==, 4);

  png = write_digit_png ();
  paths[0] = png;
  batch = lsc_image_load_batch (paths, 1, in_shape->dims[1], in_shape->dims[2],
                                in_shape->dims[3], LSC_RESIZE_NEAREST, LSC_PREPROCESS_UNIT,
                                &error);
  g_assert_no_error (error);
  g_assert_true (lsc_model_run (model, (const LscTensor *const *) &batch, 1, outputs, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outputs[0]->shape.ndim, ==, 2);
  g_assert_cmpint (outputs[0]->shape.dims[1], ==, 10);

  top = lsc_predictions_top_k (outputs[0], 5, &k);
  g_assert_cmpuint (k, ==, 5);
  for (guint i = 0; i < k; i++)
    {
      names[i] = NULL;
      classes[i] = top[i].index;
      scores[i] = top[i].score;
      g_assert_cmpuint (top[i].index, <, 10);
      if (i > 0)
        g_assert_cmpfloat (top[i - 1].score, >=, top[i].score);
    }

  list = lsc_prediction_list_new ();
  window = show_in_window (list, 420, 600);
  lsc_prediction_list_append (LSC_PREDICTION_LIST (list), "one.png");
  lsc_prediction_list_set_predictions (LSC_PREDICTION_LIST (list), 0, names, classes, scores, k);
  row = lsc_prediction_list_get_row (LSC_PREDICTION_LIST (list), 0);

  /* Five rows, best first, named by class number (no labels given). */
  for (guint i = 0; i < k; i++)
    {
      g_autofree char *name = g_strdup_printf ("Class %u", classes[i]);
      g_autofree char *score = NULL;

      g_assert_true (has_label (row, name));
      /* mnist-cnn ends in a softmax: its scores are probabilities. */
      g_assert_cmpfloat (scores[i], >=, 0.0f);
      g_assert_cmpfloat (scores[i], <=, 1.0f);
      score = g_strdup_printf ("%.1f %%", 100.0 * scores[i]);
      g_assert_true (has_label (row, score));
    }
  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new ();

    collect_labels (row, texts);
    /* The title, then label and score for each of the five. */
    g_assert_cmpuint (texts->len, >=, 1 + 2 * k);
  }

  gtk_window_destroy (window);
  lsc_tensor_free (outputs[0]);
  g_unlink (png);
}

/* ---- the profile view ------------------------------------------------------ */

static void
add_slice (LscProfileReport *r,
           guint             run,
           guint             layer,
           LscSliceKind      kind,
           double            t0,
           double            t1)
{
  LscProfileSlice s = { run, layer, 0, 0, kind, t0, t1 };

  lsc_profile_report_add_slice (r, &s);
}

#define HAND_TIMED_RUNS 70

/* One worker, three layers, 70 timed runs (enough for a p90, not for a
 * p99). Run i: "stem" takes 20 µs + 10 i ns, "body" 1.5 ms + 1 i µs,
 * "head" 300 µs, one after the other. Nearest rank over 70 samples: the
 * median is sample 35 (i = 34), p90 sample 63 (i = 62), p99 sample 70
 * (i = 69). So stem 20.34 µs; body 1.534, 1.562 and 1.569 ms. With
 * counters, stem ran 2 instructions per cycle and body 0.5. */
static LscProfileReport *
hand_report (gboolean with_counters)
{
  LscProfileReport *r = lsc_profile_report_new (3, 1);
  static const char *const names[3] = { "stem", "body", "head" };
  static const char *const layers[3] = { "stem + stem_bn + stem_relu", "body", "head + softmax" };

  r->model_name = g_strdup ("hand_net");
  r->model_path = g_strdup ("/nowhere/hand_net.h5");
  r->batch = 1;
  r->n_threads = 1;
  r->n_replicas = 1;
  r->strategy = g_strdup ("intra");
  r->pin = g_strdup ("compact");
  r->isa = g_strdup ("avx2");
  r->fused = TRUE;
  r->clock_source = g_strdup ("monotonic");
  r->clock_why = g_strdup ("a test");
  r->clock_resolution_ns = 1.0;
  r->workers[0].cpu = 0;
  r->cache_bytes[0] = 32 << 10;
  r->cache_bytes[1] = 1 << 20;
  r->cache_bytes[2] = 32 << 20;
  for (guint l = 0; l < 3; l++)
    {
      r->layers[l].name = g_strdup (names[l]);
      r->layers[l].layers = g_strdup (layers[l]);
      r->layers[l].op = g_strdup ("conv");
      r->layers[l].kernel = g_strdup_printf ("f32_gemm_%u__avx2", l);
      r->layers[l].flops = 1e6 * (l + 1);
      r->layers[l].weight_bytes = 4096;
      r->layers[l].input_bytes = 4096;
      r->layers[l].output_bytes = 4096;
    }
  r->counter_backend = g_strdup ("fake");
  if (with_counters)
    {
      r->counter_mask = (1u << LSC_COUNTER_CYCLES) | (1u << LSC_COUNTER_INSTRUCTIONS);
      r->counts[0 * LSC_N_COUNTERS + LSC_COUNTER_CYCLES] = 1000;
      r->counts[0 * LSC_N_COUNTERS + LSC_COUNTER_INSTRUCTIONS] = 2000;
      r->counts[1 * LSC_N_COUNTERS + LSC_COUNTER_CYCLES] = 1000;
      r->counts[1 * LSC_N_COUNTERS + LSC_COUNTER_INSTRUCTIONS] = 500;
    }
  else
    r->counter_reason = g_strdup ("no counters in this test");
  r->monitor_reason = g_strdup ("not asked for");

  for (guint i = 0; i < HAND_TIMED_RUNS; i++)
    {
      const double s = 1e7 * (i + 1);
      const double d[3] = { 20000 + 10.0 * i, 1.5e6 + 1000.0 * i, 300000 };
      double t = s;
      guint run = lsc_profile_report_add_run (r, LSC_RUN_TIMED, s, d[0] + d[1] + d[2]);

      for (guint l = 0; l < 3; l++)
        {
          add_slice (r, run, l, LSC_SLICE_SPAN, t, t + d[l]);
          add_slice (r, run, l, LSC_SLICE_BUSY, t, t + d[l]);
          t += d[l];
        }
    }
  lsc_profile_report_seal (r);
  return r;
}

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;   /* the view keeps it alive */
    }
  return NULL;
}

/* The layer indices in the order the table shows them. */
static void
assert_shown_order (GtkColumnView *view,
                    const guint   *expected,
                    guint          n)
{
  GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (view));

  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LscProfileRow) row = g_list_model_get_item (shown, i);

      g_assert_cmpuint (lsc_profile_row_get_index (row), ==, expected[i]);
    }
}

static void
test_profile_view_rows (void)
{
  g_autoptr(LscProfileReport) report = hand_report (FALSE);
  GtkWidget *view;
  GtkWindow *window;
  GtkColumnView *columns;
  GtkLabel *cell;
  GListModel *rows;
  static const guint by_median_down[3] = { 1, 2, 0 };
  static const guint by_median_up[3] = { 0, 2, 1 };

  SKIP_WITHOUT_DISPLAY ();

  /* The report is what the table shows: check the hand values first. */
  g_assert_cmpuint (report->layers[0].time.n, ==, HAND_TIMED_RUNS);
  g_assert_cmpfloat_with_epsilon (report->layers[0].time.p50, 20340, 1e-6);
  g_assert_cmpfloat_with_epsilon (report->layers[1].time.p99, 1.569e6, 1e-6);
  g_assert_true (report->layers[1].time.p90_ok);
  g_assert_false (report->layers[1].time.p99_ok);

  view = lsc_profile_view_new ();
  lsc_profile_view_set_report (LSC_PROFILE_VIEW (view), report);
  g_assert_true (lsc_profile_view_get_report (LSC_PROFILE_VIEW (view)) == report);
  window = show_in_window (view, 1500, 700);

  /* One row per layer, in the plan's order. */
  rows = lsc_profile_view_get_rows (LSC_PROFILE_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LscProfileRow) row = g_list_model_get_item (rows, i);

      g_assert_cmpuint (lsc_profile_row_get_index (row), ==, i);
      g_assert_cmpstr (lsc_profile_row_get_name (row), ==, report->layers[i].name);
    }

  /* The header: the model, and the median wall time (run i takes
   * 1.82 ms + 1010 i ns: 1.85434 ms at the median run). */
  g_assert_true (has_label (view, "hand_net"));
  g_assert_true (has_label (view, "1.85 ms"));
  g_assert_true (has_label (view, "70"));

  /* Cells: names, medians as µs below a millisecond and ms above it. */
  g_assert_true (wait_for_label (view, "head"));
  g_assert_true (has_label (view, "stem"));
  g_assert_true (has_label (view, "f32_gemm_1__avx2"));
  g_assert_true (has_label (view, "20.3 µs"));
  g_assert_true (has_label (view, "1.53 ms"));
  g_assert_true (has_label (view, "300.0 µs"));

  /* The name's tooltip lists the Keras layers fused into it. */
  cell = find_label (view, "stem");
  g_assert_nonnull (cell);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)), "stem + stem_bn + stem_relu"));

  /* 70 runs make a p90 but not a p99: the p99 is dimmed and says why. */
  cell = find_label (view, "1.57 ms");
  g_assert_nonnull (cell);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (cell), "dim-label"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (cell)), "662"));
  cell = find_label (view, "1.56 ms");
  g_assert_nonnull (cell);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (cell), "dim-label"));

  /* Share: body's 1.534 / (0.02034 + 1.534 + 0.3) of the medians. */
  {
    g_autofree char *share = g_strdup_printf ("%.1f %%", 100.0 * 1.534 / (0.02034 + 1.534 + 0.3));

    g_assert_true (has_label (view, share));
  }

  /* No counters: no IPC column. */
  columns = lsc_profile_view_get_column_view (LSC_PROFILE_VIEW (view));
  g_assert_nonnull (find_column (columns, "IPC"));
  g_assert_false (gtk_column_view_column_get_visible (find_column (columns, "IPC")));

  /* Sorting by the median, both ways; the rows keep the plan's order. */
  gtk_column_view_sort_by_column (columns, find_column (columns, "Median"), GTK_SORT_DESCENDING);
  assert_shown_order (columns, by_median_down, 3);
  gtk_column_view_sort_by_column (columns, find_column (columns, "Median"), GTK_SORT_ASCENDING);
  assert_shown_order (columns, by_median_up, 3);
  {
    g_autoptr(LscProfileRow) first = g_list_model_get_item (rows, 0);

    g_assert_cmpuint (lsc_profile_row_get_index (first), ==, 0);
  }

  /* With counters the IPC column shows instructions / cycles. */
  {
    g_autoptr(LscProfileReport) counted = hand_report (TRUE);

    lsc_profile_view_set_report (LSC_PROFILE_VIEW (view), counted);
    g_assert_true (gtk_column_view_column_get_visible (find_column (columns, "IPC")));
    g_assert_true (wait_for_label (view, "2.00"));
    g_assert_true (has_label (view, "0.50"));
  }

  lsc_profile_view_set_report (LSC_PROFILE_VIEW (view), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  g_assert_null (lsc_profile_view_get_report (LSC_PROFILE_VIEW (view)));

  gtk_window_destroy (window);
}

/* ---- the window ------------------------------------------------------------ */

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The header bar's Profile button (insensitive while win.profile is
 * disabled). */
static GtkWidget *
find_profile_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Profile") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_profile_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until condition holds or `seconds` pass. */
static gboolean
wait_until (Condition condition,
            gpointer  data,
            guint     seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (!timed_out && !condition (data))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return condition (data);
}

static gboolean
profile_shown (gpointer data)
{
  LscProfileView *view = data;

  return lsc_profile_view_get_report (view) != NULL && gtk_widget_get_mapped (GTK_WIDGET (view));
}

static gboolean
model_loaded (gpointer data)
{
  return lsc_layer_table_get_model (data) != NULL;
}

static gboolean
error_shown (gpointer data)
{
  return has_label (data, "Could Not Open the Session");
}

static LscWindow *
new_window (void)
{
  LscWindow *window = g_object_new (LSC_TYPE_WINDOW, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* A session file, given as `layerscope FILE` or dropped, shows its report
 * in the profile view, read off the UI thread. */
static void
test_window_session (void)
{
  g_autoptr(LscProfileReport) report = hand_report (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "hand.h5", NULL);
  g_autofree char *broken = g_build_filename (tmp_dir, "broken.lsc.h5", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
  LscWindow *window;
  LscProfileView *view;
  LscProfileReport *shown;

  SKIP_WITHOUT_DISPLAY ();

  /* Named .h5 like a model: the marker inside tells it apart. */
  g_assert_true (lsc_session_file_write (report, path, &error));
  g_assert_no_error (error);

  window = new_window ();
  view = LSC_PROFILE_VIEW (find_widget (GTK_WIDGET (window), LSC_TYPE_PROFILE_VIEW));
  g_assert_nonnull (view);
  g_assert_true (lsc_window_open_files (window, &file, 1));
  g_assert_true (wait_until (profile_shown, view, 20));

  shown = lsc_profile_view_get_report (view);
  g_assert_true (shown != report);    /* read back, not the one written */
  g_assert_cmpstr (shown->model_name, ==, "hand_net");
  g_assert_cmpuint (shown->n_layers, ==, 3);
  g_assert_cmpfloat_with_epsilon (shown->layers[1].time.p50, report->layers[1].time.p50, 1e-6);
  g_assert_true (has_label (GTK_WIDGET (view), "hand_net"));
  g_assert_true (wait_for_label (GTK_WIDGET (view), "1.53 ms"));
  /* No model: no layer table to switch to, nothing to profile. */
  g_assert_false (lsc_window_has_model (window));
  {
    AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
    GtkWidget *table = find_widget (GTK_WIDGET (window), LSC_TYPE_LAYER_TABLE);

    g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "profile");
    g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, table)));
  }
  g_assert_false (gtk_widget_get_sensitive (find_profile_button (GTK_WIDGET (window))));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A damaged session: the error names the file. */
  g_assert_true (g_file_set_contents (broken, "not HDF5 at all", -1, NULL));
  window = new_window ();
  lsc_window_open_session (window, broken_file);
  g_assert_true (wait_until (error_shown, window, 20));
  {
    g_autofree char *expected = g_strdup ("broken.lsc.h5");
    g_autoptr(GPtrArray) texts = g_ptr_array_new ();
    gboolean named = FALSE;

    collect_labels (GTK_WIDGET (window), texts);
    for (guint i = 0; i < texts->len; i++)
      named |= strstr (g_ptr_array_index (texts, i), expected) != NULL;
    g_assert_true (named);
  }
  gtk_window_destroy (GTK_WINDOW (window));

  g_unlink (path);
  g_unlink (broken);
}

/* The Profile action on a loaded model: a report of that model, with a row
 * per operation of the plan, shown in the profile view. */
static void
test_window_profile (void)
{
  g_autoptr(GFile) file = NULL;
  LscWindow *window;
  LscProfileView *view;
  LscLayerTable *table;
  LscProfileReport *report;

  SKIP_WITHOUT_DISPLAY ();

  file = g_file_new_for_path (lsc_model_get_path (get_mnist ()));
  window = new_window ();
  view = LSC_PROFILE_VIEW (find_widget (GTK_WIDGET (window), LSC_TYPE_PROFILE_VIEW));
  table = LSC_LAYER_TABLE (find_widget (GTK_WIDGET (window), LSC_TYPE_LAYER_TABLE));

  /* Nothing to profile before the model is there. */
  g_assert_false (gtk_widget_get_sensitive (find_profile_button (GTK_WIDGET (window))));
  lsc_window_open_model (window, file);
  g_assert_true (wait_until (model_loaded, table, 30));
  g_assert_true (gtk_widget_get_sensitive (find_profile_button (GTK_WIDGET (window))));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.profile", NULL));
  g_assert_true (wait_until (profile_shown, view, 120));
  report = lsc_profile_view_get_report (view);
  g_assert_true (report->sealed);
  g_assert_cmpstr (report->model_name, ==, lsc_model_get_name (get_mnist ()));
  g_assert_cmpuint (report->batch, ==, 1);
  g_assert_cmpuint (report->n_threads, ==, 1);
  g_assert_cmpuint (report->wall.n, ==, 50);
  g_assert_cmpuint (report->n_layers, >, 2);
  g_assert_cmpuint (g_list_model_get_n_items (lsc_profile_view_get_rows (view)), ==, report->n_layers);
  for (guint i = 0; i < report->n_layers; i++)
    g_assert_cmpfloat (report->layers[i].time.p50, >, 0.0);
  g_assert_true (wait_for_label (GTK_WIDGET (view), report->layers[0].name));

  /* Profiling again and closing the window meanwhile cancels it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.profile", NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Keep the C locale (fixed number formats) and a plain setup that works
   * on any X server: no accessibility bus, software rendering. */
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  else
    g_test_message ("no display: the widget tests will be skipped");

  tmp_dir = g_dir_make_tmp ("lsc-test-widgets-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/ui/format/count", test_format_count);
  g_test_add_func ("/ui/format/count-short", test_format_count_short);
  g_test_add_func ("/ui/layer-table/rows", test_layer_table_rows);
  g_test_add_func ("/ui/layer-table/cells", test_layer_table_cells);
  g_test_add_func ("/ui/prediction-list/rows", test_prediction_list_rows);
  g_test_add_func ("/ui/prediction-list/with-model", test_prediction_list_with_model);
  g_test_add_func ("/ui/profile-view/rows", test_profile_view_rows);
  g_test_add_func ("/ui/window/session", test_window_session);
  g_test_add_func ("/ui/window/profile", test_window_profile);

  status = g_test_run ();

  if (mnist != NULL)
    {
      g_autofree char *path = g_strdup (lsc_model_get_path (mnist));

      g_clear_pointer (&mnist, lsc_model_unref);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
