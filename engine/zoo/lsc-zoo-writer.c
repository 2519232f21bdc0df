#include "lsc-zoo-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "model/lsc-hdf5.h"

/* Weights are written in blocks of whole rows of about this many values, so
 * VGG16's 100-million-value fc1 never sits in memory at once. */
#define BLOCK_VALUES (1 << 20)

/* A small deterministic generator (splitmix64), seeded per weight from the
 * zoo seed and "layer/weight", so a weight's values do not depend on the
 * other layers of the model. */
typedef struct
{
  guint64 state;
} Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 random bits. */
static double
rng_uniform (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static double
rng_range (Rng    *rng,
           double  low,
           double  high)
{
  return low + (high - low) * rng_uniform (rng);
}

static Rng
rng_for_weight (guint32     seed,
                const char *layer_name,
                const char *weight_name)
{
  /* FNV-1a over "layer/weight", mixed with the seed. */
  guint64 hash = G_GUINT64_CONSTANT (0xCBF29CE484222325);
  const char *parts[] = { layer_name, "/", weight_name };
  Rng rng;

  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    for (const char *c = parts[p]; *c != '\0'; c++)
      hash = (hash ^ (guchar) *c) * G_GUINT64_CONSTANT (0x100000001B3);
  rng.state = hash ^ ((guint64) seed * G_GUINT64_CONSTANT (0xD1342543DE82EF95));
  rng_next (&rng);
  return rng;
}

/* The value of element index (in row-major order) of weight; rng advances
 * once per element for the random fills. */
static double
fill_value (const LscZooWeight *weight,
            Rng                *rng,
            int64_t             index)
{
  double limit;

  switch (weight->fill)
    {
    case LSC_ZOO_FILL_HE:
      /* Uniform in [-a, a) has std a / sqrt (3): He's sqrt (2 / fan_in). */
      limit = sqrt (6.0 / MAX (weight->fan_in, 1.0));
      return rng_range (rng, -limit, limit);
    case LSC_ZOO_FILL_GLOROT:
      limit = sqrt (6.0 / MAX (weight->fan_in + weight->fan_out, 1.0));
      return rng_range (rng, -limit, limit);
    case LSC_ZOO_FILL_BIAS:
      return rng_range (rng, -0.01, 0.01);
    case LSC_ZOO_FILL_LSTM_BIAS:
      /* Gates i, f, c, o: Keras's unit_forget_bias starts f at 1. */
      return index / (weight->dims[0] / 4) == 1 ? 1.0 : 0.0;
    case LSC_ZOO_FILL_EMBEDDING:
      return rng_range (rng, -0.05, 0.05);
    case LSC_ZOO_FILL_BN_GAMMA:
      return rng_range (rng, 0.9, 1.1);
    case LSC_ZOO_FILL_BN_BETA:
      return rng_range (rng, -0.05, 0.05);
    case LSC_ZOO_FILL_BN_MEAN:
      return rng_range (rng, -0.05, 0.05);
    case LSC_ZOO_FILL_BN_VARIANCE:
      return weight->scale * rng_range (rng, 0.8, 1.2);
    case LSC_ZOO_FILL_VALUES:
      return weight->values[index];
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  const char *path;
  GError    **error;
} Writer;

static gboolean
hdf5_failed (Writer     *writer,
             const char *what)
{
  g_set_error (writer->error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
               "Cannot write “%s”: HDF5 failed to %s", writer->path, what);
  return FALSE;
}

/* A scalar variable-length string, as h5py writes a Python str (UTF-8) or
 * bytes (ASCII) attribute. */
static gboolean
write_string_attribute (Writer     *writer,
                        hid_t       location,
                        const char *name,
                        const char *value,
                        H5T_cset_t  cset)
{
  hid_t type = H5Tcopy (H5T_C_S1);
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attribute = -1;
  gboolean ok;

  ok = type >= 0 && space >= 0 &&
       H5Tset_size (type, H5T_VARIABLE) >= 0 &&
       H5Tset_cset (type, cset) >= 0 &&
       (attribute = H5Acreate2 (location, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
       H5Awrite (attribute, type, &value) >= 0;
  if (attribute >= 0)
    H5Aclose (attribute);
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  return ok ? TRUE : hdf5_failed (writer, "write an attribute");
}

/* A list of names as tf.keras writes it (numpy bytes: fixed-length,
 * null-padded ASCII); an empty list is numpy's empty float64 array. */
static gboolean
write_names_attribute (Writer          *writer,
                       hid_t            location,
                       const char      *name,
                       const GPtrArray *names)
{
  hsize_t n = names->len;
  hid_t type, space, attribute = -1;
  g_autofree char *buffer = NULL;
  size_t width = 1;
  gboolean ok;

  for (guint i = 0; i < names->len; i++)
    width = MAX (width, strlen (g_ptr_array_index (names, i)));

  if (n == 0)
    type = H5Tcopy (H5T_IEEE_F64LE);
  else
    {
      type = H5Tcopy (H5T_C_S1);
      if (type >= 0 &&
          (H5Tset_size (type, width) < 0 ||
           H5Tset_strpad (type, H5T_STR_NULLPAD) < 0 ||
           H5Tset_cset (type, H5T_CSET_ASCII) < 0))
        {
          H5Tclose (type);
          type = -1;
        }
      buffer = g_malloc0 (n * width);
      for (guint i = 0; i < names->len; i++)
        {
          const char *s = g_ptr_array_index (names, i);
          memcpy (buffer + i * width, s, strlen (s));
        }
    }
  space = H5Screate_simple (1, &n, NULL);

  ok = type >= 0 && space >= 0 &&
       (attribute = H5Acreate2 (location, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
       (n == 0 || H5Awrite (attribute, type, buffer) >= 0);
  if (attribute >= 0)
    H5Aclose (attribute);
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  return ok ? TRUE : hdf5_failed (writer, "write a name list");
}

/* Writes one float weight (rank >= 1) in blocks of whole rows along dims[0]. */
static gboolean
write_float_blocks (hid_t               dataset,
                    hid_t               file_space,
                    const LscZooWeight *weight,
                    Rng                *rng)
{
  hsize_t numel = (hsize_t) lsc_zoo_weight_numel (weight);
  hsize_t rows = (hsize_t) weight->dims[0];
  hsize_t row_size = rows > 0 ? numel / rows : 1;
  hsize_t rows_per_block = MAX (1, BLOCK_VALUES / MAX (row_size, 1));
  g_autofree float *block = NULL;
  hsize_t start[4] = { 0 }, count[4];
  int64_t index = 0;

  if (numel == 0)
    return TRUE;
  block = g_new (float, MIN (rows, rows_per_block) * row_size);
  for (int i = 0; i < weight->ndim; i++)
    count[i] = weight->dims[i];

  for (hsize_t row = 0; row < rows; row += rows_per_block)
    {
      hsize_t n_rows = MIN (rows_per_block, rows - row);
      hsize_t n_values = n_rows * row_size;
      hid_t memory_space;
      herr_t status;

      for (hsize_t k = 0; k < n_values; k++, index++)
        block[k] = (float) fill_value (weight, rng, index);

      start[0] = row;
      count[0] = n_rows;
      if (H5Sselect_hyperslab (file_space, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        return FALSE;
      memory_space = H5Screate_simple (1, &n_values, NULL);
      if (memory_space < 0)
        return FALSE;
      status = H5Dwrite (dataset, H5T_NATIVE_FLOAT, memory_space, file_space, H5P_DEFAULT, block);
      H5Sclose (memory_space);
      if (status < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_weight (Writer             *writer,
              hid_t               layer_group,
              hid_t               link_plist,
              const char         *layer_name,
              const LscZooWeight *weight,
              guint32             seed)
{
  g_autofree char *dataset_path = g_strdup_printf ("%s/%s:0", layer_name, weight->name);
  hsize_t dims[4];
  hid_t space, dataset = -1;
  Rng rng = rng_for_weight (seed, layer_name, weight->name);
  gboolean ok = FALSE;

  for (int i = 0; i < weight->ndim; i++)
    dims[i] = weight->dims[i];
  space = weight->ndim == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (weight->ndim, dims, NULL);
  if (space >= 0)
    dataset = H5Dcreate2 (layer_group, dataset_path,
                          weight->is_int64 ? H5T_STD_I64LE : H5T_IEEE_F32LE,
                          space, link_plist, H5P_DEFAULT, H5P_DEFAULT);
  if (dataset >= 0)
    {
      if (weight->is_int64)
        {
          /* Normalization's count: a scalar int64. */
          int64_t value = (int64_t) fill_value (weight, &rng, 0);
          ok = H5Dwrite (dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) >= 0;
        }
      else
        ok = write_float_blocks (dataset, space, weight, &rng);
      H5Dclose (dataset);
    }
  if (space >= 0)
    H5Sclose (space);
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf ("write weight %s", dataset_path);
      return hdf5_failed (writer, what);
    }
  return TRUE;
}

/* model_weights/LAYER: weight_names, then the datasets LAYER/VAR:0. */
static gboolean
write_layer_weights (Writer      *writer,
                     hid_t        weights_group,
                     hid_t        link_plist,
                     LscZooLayer *layer,
                     guint32      seed)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hid_t group = H5Gcreate2 (weights_group, layer->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok;

  if (group < 0)
    return hdf5_failed (writer, "create a layer group");
  for (guint w = 0; w < layer->weights->len; w++)
    {
      LscZooWeight *weight = g_ptr_array_index (layer->weights, w);
      g_ptr_array_add (names, g_strdup_printf ("%s/%s:0", layer->name, weight->name));
    }
  ok = write_names_attribute (writer, group, "weight_names", names);
  for (guint w = 0; ok && w < layer->weights->len; w++)
    ok = write_weight (writer, group, link_plist, layer->name,
                       g_ptr_array_index (layer->weights, w), seed);
  H5Gclose (group);
  return ok;
}

static gboolean
write_model_weights (Writer      *writer,
                     hid_t        file,
                     LscZooGraph *graph,
                     guint32      seed)
{
  g_autoptr(GArray) order = lsc_zoo_graph_keras_order (graph);
  g_autoptr(GPtrArray) layer_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) no_names = g_ptr_array_new ();
  hid_t group, top_level = -1, link_plist;
  gboolean ok;

  group = H5Gcreate2 (file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group < 0)
    return hdf5_failed (writer, "create model_weights");
  link_plist = H5Pcreate (H5P_LINK_CREATE);
  if (link_plist < 0 || H5Pset_create_intermediate_group (link_plist, 1) < 0)
    {
      if (link_plist >= 0)
        H5Pclose (link_plist);
      H5Gclose (group);
      return hdf5_failed (writer, "set up link creation");
    }

  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (layer_names, lsc_zoo_graph_get_layer (graph, g_array_index (order, guint, i))->name);

  ok = write_string_attribute (writer, group, "backend", "tensorflow", H5T_CSET_ASCII) &&
       write_string_attribute (writer, group, "keras_version", LSC_ZOO_KERAS_VERSION, H5T_CSET_ASCII) &&
       write_names_attribute (writer, group, "layer_names", layer_names);
  for (guint i = 0; ok && i < order->len; i++)
    ok = write_layer_weights (writer, group, link_plist,
                              lsc_zoo_graph_get_layer (graph, g_array_index (order, guint, i)), seed);

  /* tf.keras 2.15 also writes an empty group for weights the model holds
   * outside its layers. */
  if (ok)
    {
      top_level = H5Gcreate2 (group, "top_level_model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ok = top_level >= 0 ? write_names_attribute (writer, top_level, "weight_names", no_names)
                          : hdf5_failed (writer, "create top_level_model_weights");
      if (top_level >= 0)
        H5Gclose (top_level);
    }

  H5Pclose (link_plist);
  H5Gclose (group);
  return ok;
}

gboolean
lsc_zoo_writer_write (LscZooGraph  *graph,
                      guint32       seed,
                      const char   *path,
                      GError      **error)
{
  Writer writer = { path, error };
  g_autofree char *model_config = NULL;
  hid_t file;
  gboolean ok;
  int fd;

  g_return_val_if_fail (graph != NULL && path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Opening the path ourselves first gives the OS's reason (no such
   * directory, permission denied, …) rather than HDF5's error stack. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot write “%s”: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);

  model_config = lsc_zoo_graph_to_json (graph);

  /* The library is not thread-safe: the loader's lock serialises every
   * use, and also keeps HDF5 from printing (errors go through GError). */
  lsc_hdf5_lock ();

  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0)
    ok = hdf5_failed (&writer, "create the file");
  else
    {
      /* What h5py makes of Keras's attribute values: str → UTF-8,
       * bytes (the JSON config) → ASCII. */
      ok = write_string_attribute (&writer, file, "keras_version", LSC_ZOO_KERAS_VERSION, H5T_CSET_UTF8) &&
           write_string_attribute (&writer, file, "backend", "tensorflow", H5T_CSET_UTF8) &&
           write_string_attribute (&writer, file, "model_config", model_config, H5T_CSET_ASCII) &&
           write_model_weights (&writer, file, graph, seed);
      if (H5Fclose (file) < 0 && ok)
        ok = hdf5_failed (&writer, "close the file");
    }

  lsc_hdf5_unlock ();

  if (!ok)
    g_unlink (path);
  return ok;
}
