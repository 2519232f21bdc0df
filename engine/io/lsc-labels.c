/* Class-label files and the top-k predictions shown next to them. */

#include "lsc-labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/lsc-error.h"
#include "lsc-io-util.h"

#define UTF8_BOM "\xef\xbb\xbf"

/* TRUE when line starts with the decimal index and a space ("3 metal"),
 * Teachable Machine's labels.txt form. A line that is only a number stays
 * a plain label: MNIST label files are "0" … "9". */
static gboolean
starts_with_index (const char *line,
                   guint       index)
{
  char prefix[32];
  int n = g_snprintf (prefix, sizeof prefix, "%u ", index);

  return strncmp (line, prefix, n) == 0;
}

GStrv
lsc_labels_load (const char  *path,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *text;
  gsize length;
  guint n_lines;
  gboolean indexed = TRUE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!lsc_io_read_file (path, &contents, &length, error))
    return NULL;

  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is not a labels file: it is not UTF-8 text", path);
      return NULL;
    }

  text = contents;
  if (g_str_has_prefix (text, UTF8_BOM))
    text += strlen (UTF8_BOM);

  /* One label per line; trailing whitespace (and the '\r' of CRLF files)
   * is not part of a name, and empty lines at the end are not classes.
   * Empty lines in the middle keep their index. */
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i < n_lines; i++)
    g_strchomp (lines[i]);
  while (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    {
      g_free (lines[n_lines - 1]);
      lines[--n_lines] = NULL;
    }

  if (n_lines == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "“%s” is not a labels file: it has no labels", path);
      return NULL;
    }

  /* Teachable Machine writes "0 cardboard", "1 plastic", … Strip the
   * index only when every line carries its own, so that a plain file whose
   * names happen to start with a number keeps them whole. */
  for (guint i = 0; i < n_lines && indexed; i++)
    if (lines[i][0] != '\0' && !starts_with_index (lines[i], i))
      indexed = FALSE;

  if (indexed)
    for (guint i = 0; i < n_lines; i++)
      if (lines[i][0] != '\0')
        {
          gsize prefix = strchr (lines[i], ' ') - lines[i] + 1;
          memmove (lines[i], lines[i] + prefix, strlen (lines[i] + prefix) + 1);
        }

  return g_steal_pointer (&lines);
}

typedef struct
{
  const float *scores;
} RowContext;

/* Best first: higher score, then lower index; NaN ranks below everything. */
static int
compare_predictions (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const RowContext *row = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  float sa = row->scores[ia];
  float sb = row->scores[ib];
  gboolean nan_a = isnan (sa);
  gboolean nan_b = isnan (sb);

  if (nan_a != nan_b)
    return nan_a ? 1 : -1;
  if (!nan_a && sa != sb)
    return sa > sb ? -1 : 1;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

LscPrediction *
lsc_predictions_top_k (const LscTensor *scores,
                       guint            k,
                       guint           *k_out)
{
  g_autofree guint *order = NULL;
  LscPrediction *predictions;
  int64_t batch;
  int64_t classes;
  guint kept;

  g_return_val_if_fail (scores != NULL, NULL);
  g_return_val_if_fail (scores->shape.ndim == 2, NULL);

  batch = scores->shape.dims[0];
  classes = scores->shape.dims[1];
  g_return_val_if_fail (classes <= G_MAXINT, NULL);
  kept = (guint) MIN ((int64_t) k, classes);
  if (k_out != NULL)
    *k_out = kept;
  if (kept == 0 || batch == 0)
    return NULL;

  predictions = g_new (LscPrediction, batch * kept);
  order = g_new (guint, classes);

  for (int64_t b = 0; b < batch; b++)
    {
      RowContext row = { scores->data + b * classes };

      for (guint c = 0; c < classes; c++)
        order[c] = c;
      /* The comparison is a total order, so an unstable sort is fine. */
      g_qsort_with_data (order, (gint) classes, sizeof *order, compare_predictions, &row);

      for (guint i = 0; i < kept; i++)
        {
          predictions[b * kept + i].index = order[i];
          predictions[b * kept + i].score = row.scores[order[i]];
        }
    }

  return predictions;
}

char *
lsc_labels_find_beside (const char *model_path)
{
  g_autofree char *dir = g_path_get_dirname (model_path);
  g_autofree char *base = g_path_get_basename (model_path);
  g_autofree char *exact = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *best = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *dot = strrchr (base, '.');
  const char *name;
  gsize stem_len = dot != NULL ? (gsize) (dot - base) : strlen (base);
  gsize best_len = 0;

  exact = g_strdup_printf ("%s%c%.*s.labels.txt", dir, G_DIR_SEPARATOR, (int) stem_len, base);
  if (g_file_test (exact, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&exact);

  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      gsize prefix_len;

      if (!g_str_has_suffix (name, ".labels.txt"))
        continue;
      prefix_len = strlen (name) - strlen (".labels.txt");
      if (prefix_len == 0 || prefix_len >= stem_len || prefix_len <= best_len
          || strncmp (name, base, prefix_len) != 0
          || strchr ("_-.", base[prefix_len]) == NULL)
        continue;
      g_free (best);
      best = g_build_filename (dir, name, NULL);
      best_len = prefix_len;
    }
  if (best != NULL)
    return g_steal_pointer (&best);

  plain = g_build_filename (dir, "labels.txt", NULL);
  if (g_file_test (plain, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&plain);
  return NULL;
}
