#include "lsc-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>

LscLayer *
lsc_test_layer_try_new (const char  *json,
                        int          keras_major,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  LscLoadContext ctx = { .keras_major = keras_major, .keras_minor = 0 };
  g_autoptr(GError) parse_error = NULL;

  if (!json_parser_load_from_data (parser, json, -1, &parse_error))
    g_error ("test JSON does not parse: %s\n%s", parse_error->message, json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return lsc_layer_new_from_json (json_node_get_object (json_parser_get_root (parser)), &ctx, error);
}

LscLayer *
lsc_test_layer_new (const char *json,
                    int         keras_major)
{
  g_autoptr(GError) error = NULL;
  LscLayer *layer = lsc_test_layer_try_new (json, keras_major, &error);

  g_assert_no_error (error);
  g_assert_nonnull (layer);
  return layer;
}

static LscShape
shape_from_va (int     ndim,
               va_list ap)
{
  LscShape shape = { .ndim = ndim };

  for (int i = 0; i < ndim; i++)
    shape.dims[i] = va_arg (ap, int64_t);
  return shape;
}

void
lsc_test_layer_add_weight (LscLayer    *layer,
                           const float *data,
                           int          ndim,
                           ...)
{
  va_list ap;
  LscShape shape;
  g_autofree char *name = g_strdup_printf ("w%u", layer->weights->len);

  va_start (ap, ndim);
  shape = shape_from_va (ndim, ap);
  va_end (ap);

  lsc_layer_add_weight (layer, name, lsc_tensor_new_from_data (&shape, data));
}

LscTensor *
lsc_test_tensor_new (const float *data,
                     int          ndim,
                     ...)
{
  va_list ap;
  LscShape shape;

  va_start (ap, ndim);
  shape = shape_from_va (ndim, ap);
  va_end (ap);

  return lsc_tensor_new_from_data (&shape, data);
}

LscTensor *
lsc_test_layer_run (LscLayer         *layer,
                    const LscTensor **inputs,
                    guint             n_inputs)
{
  g_autoptr(GError) error = NULL;
  LscShape in_shapes[16];
  LscShape out_shape;
  LscTensor *output;

  g_assert_cmpuint (n_inputs, <=, G_N_ELEMENTS (in_shapes));
  for (guint i = 0; i < n_inputs; i++)
    in_shapes[i] = inputs[i]->shape;

  if (layer->ops->attach_weights != NULL)
    {
      g_assert_true (layer->ops->attach_weights (layer, &error));
      g_assert_no_error (error);
    }
  g_assert_true (layer->ops->infer (layer, in_shapes, n_inputs, &out_shape, &error));
  g_assert_no_error (error);

  output = lsc_tensor_new (&out_shape);
  layer->ops->run (layer, (const LscTensor *const *) inputs, n_inputs, output);
  return output;
}

void
lsc_test_assert_tensor_close (const LscTensor *actual,
                              const float     *expected,
                              int64_t          n,
                              float            tol)
{
  g_assert_cmpint (lsc_tensor_numel (actual), ==, n);
  for (int64_t i = 0; i < n; i++)
    {
      float bound = tol * MAX (1.0f, fabsf (expected[i]));
      if (!(fabsf (actual->data[i] - expected[i]) <= bound))
        g_error ("element %" G_GINT64_FORMAT ": got %.9g, expected %.9g (tolerance %g)",
                 (gint64) i, actual->data[i], expected[i], bound);
    }
}

char *
lsc_test_find_shared_dir (const char *name)
{
  const char *env = g_getenv ("LSC_SHARED_DIR");
  g_autofree char *dir = NULL;

  if (env != NULL)
    dir = g_build_filename (env, name, NULL);
  else
    dir = g_build_filename (g_test_get_dir (G_TEST_DIST), "..", "..", "shared", name, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_steal_pointer (&dir);
}

char *
lsc_test_find_shared_models (void)
{
  return lsc_test_find_shared_dir ("models");
}

char *
lsc_test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lsc-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
lsc_test_remove_tmp_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        lsc_test_remove_tmp_dir (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}
