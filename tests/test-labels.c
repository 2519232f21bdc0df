/* Label files (plain and Teachable Machine), the ImageNet class names, and
 * top-k predictions. */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "io/lsc-labels.h"
#include "lsc-test-util.h"

static char *tmp_dir;

static GStrv
load_text (const char  *text,
           gsize        length,
           char       **path_out,
           GError     **error)
{
  static guint counter;
  char *path = g_strdup_printf ("%s/labels-%u.txt", tmp_dir, counter++);

  g_assert_true (g_file_set_contents (path, text, length, NULL));
  *path_out = path;
  return lsc_labels_load (path, error);
}

/* Loads text as a labels file and compares with the expected names. */
static void
check_labels (const char        *text,
              const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) labels = load_text (text, strlen (text), &path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (labels);
  g_assert_cmpstrv (labels, expected);
}

static void
test_labels_plain (void)
{
  const char *const names[] = { "cat", "dog", "hot dog", NULL };
  /* Leading spaces are part of a name; a blank line in the middle keeps
   * its index (class 1 has no name), only trailing blank lines go. */
  const char *const gap[] = { "  cat", "", "dog", NULL };
  /* MNIST-style labels are plain numbers and stay as they are. */
  const char *const digits[] = { "0", "1", "2", NULL };
  /* Numbers that are not their own line index are names. */
  const char *const not_indexed[] = { "1 cat", "2 dog", NULL };
  const char *const partly[] = { "0 cat", "dog", NULL };
  const char *const bom[] = { "tench", "goldfish", NULL };

  check_labels ("cat\ndog\nhot dog\n", names);
  check_labels ("cat\ndog\nhot dog", names);
  check_labels ("cat\r\ndog \t\r\nhot dog\r\n\r\n\n  \n", names);
  check_labels ("  cat\n\ndog\n\n", gap);
  check_labels ("0\n1\n2\n", digits);
  check_labels ("1 cat\n2 dog\n", not_indexed);
  check_labels ("0 cat\ndog\n", partly);
  check_labels ("\xef\xbb\xbftench\ngoldfish\n", bom);
}

static void
test_labels_teachable_machine (void)
{
  const char *const waste[] = { "cardboard", "plastic", "glass", "metal", NULL };
  /* Exactly one space goes with the index; further spaces are the name's.
   * A line that is only "N " (empty name) is trailing-stripped to "N". */
  const char *const spaces[] = { "a b", " c", NULL };
  const char *const ten[] = { "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10",
                              NULL };
  const char *const with_gap[] = { "cat", "", "dog", NULL };

  check_labels ("0 cardboard\n1 plastic\n2 glass\n3 metal\n", waste);
  check_labels ("0 cardboard\r\n1 plastic\r\n2 glass\r\n3 metal", waste);
  check_labels ("0 a b\n1  c\n", spaces);
  check_labels ("0 c0\n1 c1\n2 c2\n3 c3\n4 c4\n5 c5\n6 c6\n7 c7\n8 c8\n9 c9\n10 c10\n", ten);
  check_labels ("0 cat\n\n2 dog\n", with_gap);
}

static void
test_labels_real_teachable_machine_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *models = lsc_test_find_shared_models ();
  g_autofree char *path = NULL;
  g_auto(GStrv) labels = NULL;
  const char *const expected[] = { "cardboard", "plastic", "glass", "metal", NULL };

  if (models != NULL)
    path = g_build_filename (models, "tm_mobilenetv2_waste_4cls.labels.txt", NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared/models/tm_mobilenetv2_waste_4cls.labels.txt is not here");
      return;
    }

  labels = lsc_labels_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (labels, expected);
}

static void
test_labels_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.txt", NULL);

  g_assert_null (lsc_labels_load (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  {
    g_autofree char *path = NULL;
    g_assert_null (load_text ("", 0, &path, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, "no labels"));
    g_clear_error (&error);
  }
  {
    g_autofree char *path = NULL;
    g_assert_null (load_text ("\n \r\n\n", 5, &path, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_clear_error (&error);
  }
  {
    /* A binary file (here a PNG signature) is not labels. */
    g_autofree char *path = NULL;
    g_assert_null (load_text ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, &path, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_nonnull (strstr (error->message, "UTF-8"));
    g_clear_error (&error);
  }
}

static void
test_labels_imagenet (void)
{
  guint n = 0;

  g_assert_cmpstr (lsc_labels_imagenet (0), ==, "tench");
  g_assert_cmpstr (lsc_labels_imagenet (1), ==, "goldfish");
  g_assert_cmpstr (lsc_labels_imagenet (2), ==, "great_white_shark");
  g_assert_cmpstr (lsc_labels_imagenet (281), ==, "tabby");
  g_assert_cmpstr (lsc_labels_imagenet (999), ==, "toilet_tissue");
  g_assert_null (lsc_labels_imagenet (1000));
  g_assert_null (lsc_labels_imagenet (G_MAXUINT));

  /* Keras's file names two classes twice; they are kept as Keras has them. */
  g_assert_cmpstr (lsc_labels_imagenet (134), ==, "crane");
  g_assert_cmpstr (lsc_labels_imagenet (517), ==, "crane");
  g_assert_cmpstr (lsc_labels_imagenet (638), ==, "maillot");
  g_assert_cmpstr (lsc_labels_imagenet (639), ==, "maillot");
  /* Entries that some public copies of the file have renamed. */
  g_assert_cmpstr (lsc_labels_imagenet (619), ==, "lampshade");
  g_assert_cmpstr (lsc_labels_imagenet (765), ==, "rocking_chair");
  g_assert_cmpstr (lsc_labels_imagenet (831), ==, "studio_couch");
  g_assert_cmpstr (lsc_labels_imagenet (846), ==, "table_lamp");

  g_assert_cmpstr (lsc_labels_imagenet_wnid (0), ==, "n01440764");
  g_assert_cmpstr (lsc_labels_imagenet_wnid (999), ==, "n15075141");
  g_assert_null (lsc_labels_imagenet_wnid (1000));

  /* The table's order is the WordNet ids sorted, as in Keras's file: a
   * line moved or dropped while transcribing breaks this. */
  for (guint i = 0; lsc_labels_imagenet (i) != NULL; i++)
    {
      const char *wnid = lsc_labels_imagenet_wnid (i);

      g_assert_cmpuint (strlen (wnid), ==, 9);
      g_assert_cmpint (wnid[0], ==, 'n');
      g_assert_cmpstr (lsc_labels_imagenet (i), !=, "");
      if (i > 0)
        g_assert_cmpint (strcmp (lsc_labels_imagenet_wnid (i - 1), wnid), <, 0);
      n++;
    }
  g_assert_cmpuint (n, ==, LSC_IMAGENET_N_CLASSES);
  g_assert_cmpuint (n, ==, 1000);
}

static void
test_top_k (void)
{
  /* Row 0 has a tie between classes 1 and 3 (0.3): the lower index first.
   * Row 1 has a NaN, which ranks last, and a -inf. */
  const float scores[] = {
    0.1f, 0.3f, 0.05f, 0.3f, 0.25f,
    NAN, -1.0f, 2.0f, -INFINITY, 2.0f,
  };
  LscShape shape = lsc_shape_make (2, (int64_t) 2, (int64_t) 5);
  g_autoptr(LscTensor) tensor = lsc_tensor_new_from_data (&shape, scores);
  g_autofree LscPrediction *top = NULL;
  g_autofree LscPrediction *all = NULL;
  g_autofree LscPrediction *more = NULL;
  guint k = 0;

  top = lsc_predictions_top_k (tensor, 3, &k);
  g_assert_cmpuint (k, ==, 3);
  g_assert_cmpuint (top[0].index, ==, 1);
  g_assert_cmpfloat (top[0].score, ==, 0.3f);
  g_assert_cmpuint (top[1].index, ==, 3);
  g_assert_cmpuint (top[2].index, ==, 4);
  g_assert_cmpfloat (top[2].score, ==, 0.25f);
  g_assert_cmpuint (top[3].index, ==, 2);   /* row 1: the 2.0 tie, 2 before 4 */
  g_assert_cmpuint (top[4].index, ==, 4);
  g_assert_cmpuint (top[5].index, ==, 1);
  g_assert_cmpfloat (top[5].score, ==, -1.0f);

  /* k larger than the class count gives every class, best first. */
  all = lsc_predictions_top_k (tensor, 10, &k);
  g_assert_cmpuint (k, ==, 5);
  g_assert_cmpuint (all[0].index, ==, 1);
  g_assert_cmpuint (all[1].index, ==, 3);
  g_assert_cmpuint (all[2].index, ==, 4);
  g_assert_cmpuint (all[3].index, ==, 0);
  g_assert_cmpuint (all[4].index, ==, 2);
  g_assert_cmpuint (all[5].index, ==, 2);
  g_assert_cmpuint (all[6].index, ==, 4);
  g_assert_cmpuint (all[7].index, ==, 1);
  g_assert_cmpuint (all[8].index, ==, 3);
  g_assert_cmpfloat (all[8].score, ==, -INFINITY);
  g_assert_cmpuint (all[9].index, ==, 0);
  g_assert_true (isnan (all[9].score));

  /* k = 0: nothing. */
  more = lsc_predictions_top_k (tensor, 0, &k);
  g_assert_null (more);
  g_assert_cmpuint (k, ==, 0);
}

/* Against a naive selection written independently: repeatedly take the
 * best remaining entry by (score desc, index asc). */
static void
test_top_k_naive (void)
{
  const int64_t batch = 7, classes = 50;
  LscShape shape = lsc_shape_make (2, batch, classes);
  g_autoptr(LscTensor) tensor = lsc_tensor_new (&shape);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  g_autofree LscPrediction *top = NULL;
  guint k = 0;

  /* Few distinct values, so that ties are common. */
  for (int64_t i = 0; i < batch * classes; i++)
    tensor->data[i] = (float) g_rand_int_range (rand, 0, 8) / 4.0f;

  top = lsc_predictions_top_k (tensor, 12, &k);
  g_assert_cmpuint (k, ==, 12);

  for (int64_t b = 0; b < batch; b++)
    {
      gboolean taken[50] = { FALSE };

      for (guint i = 0; i < k; i++)
        {
          int best = -1;

          for (int c = 0; c < classes; c++)
            if (!taken[c] && (best < 0 || tensor->data[b * classes + c]
                                           > tensor->data[b * classes + best]))
              best = c;
          taken[best] = TRUE;
          g_assert_cmpuint (top[b * k + i].index, ==, (guint) best);
          g_assert_cmpfloat (top[b * k + i].score, ==, tensor->data[b * classes + best]);
        }
    }
}

static void
touch_in (const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "a\nb\n", -1, NULL));
}

static void
assert_found (const char *dir,
              const char *model,
              const char *expected)
{
  g_autofree char *model_path = g_build_filename (dir, model, NULL);
  g_autofree char *found = lsc_labels_find_beside (model_path);
  g_autofree char *want = expected ? g_build_filename (dir, expected, NULL) : NULL;

  g_assert_cmpstr (found, ==, want);
}

static void
test_labels_find_beside (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "beside", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  assert_found (dir, "model.h5", NULL);
  touch_in (dir, "labels.txt");
  assert_found (dir, "model.h5", "labels.txt");
  /* The real Teachable Machine pair: the labels file drops the suffix. */
  touch_in (dir, "tm_waste.labels.txt");
  touch_in (dir, "tm.labels.txt");
  assert_found (dir, "tm_waste_tfkeras24.h5", "tm_waste.labels.txt");
  /* A prefix must end at a separator: "tmx" is not "tm" + "_…". */
  assert_found (dir, "tmx_model.h5", "labels.txt");
  touch_in (dir, "tm_waste_tfkeras24.labels.txt");
  assert_found (dir, "tm_waste_tfkeras24.h5", "tm_waste_tfkeras24.labels.txt");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = lsc_test_make_tmp_dir ();

  g_test_add_func ("/labels/plain", test_labels_plain);
  g_test_add_func ("/labels/teachable-machine", test_labels_teachable_machine);
  g_test_add_func ("/labels/real-teachable-machine-file", test_labels_real_teachable_machine_file);
  g_test_add_func ("/labels/errors", test_labels_errors);
  g_test_add_func ("/labels/imagenet", test_labels_imagenet);
  g_test_add_func ("/labels/top-k", test_top_k);
  g_test_add_func ("/labels/find-beside", test_labels_find_beside);
  g_test_add_func ("/labels/top-k-naive", test_top_k_naive);

  status = g_test_run ();

  lsc_test_remove_tmp_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
