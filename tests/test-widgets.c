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
#include "model/lsc-model.h"
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
