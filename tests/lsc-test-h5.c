#include "lsc-test-h5.h"

#include <hdf5.h>
#include <string.h>

#include "model/lsc-hdf5.h"

static void
write_string_attr (hid_t       object,
                   const char *name,
                   const char *value)
{
  hid_t type = H5Tcopy (H5T_C_S1);
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attr;

  H5Tset_size (type, strlen (value) + 1);
  attr = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (attr, >=, 0);
  g_assert_cmpint (H5Awrite (attr, type, value), >=, 0);
  H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
}

static void
write_names_attr (hid_t              object,
                  const char        *name,
                  const char *const *values,
                  guint              n)
{
  size_t width = 1;
  g_autofree char *buf = NULL;
  hsize_t dims[1] = { n };
  hid_t type, space, attr;

  for (guint i = 0; i < n; i++)
    width = MAX (width, strlen (values[i]));
  buf = g_malloc0 (width * MAX (n, 1));
  for (guint i = 0; i < n; i++)
    memcpy (buf + i * width, values[i], strlen (values[i]));

  type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, width);
  H5Tset_strpad (type, H5T_STR_NULLPAD);
  space = H5Screate_simple (1, dims, NULL);
  attr = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (attr, >=, 0);
  if (n > 0)
    g_assert_cmpint (H5Awrite (attr, type, buf), >=, 0);
  H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
}

static void
write_dataset (hid_t            location,
               const char      *name,
               const LscTensor *t)
{
  hsize_t dims[LSC_MAX_DIMS];
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);
  hid_t space, dset;

  for (int d = 0; d < t->shape.ndim; d++)
    dims[d] = (hsize_t) t->shape.dims[d];
  H5Pset_create_intermediate_group (lcpl, 1);
  space = H5Screate_simple (t->shape.ndim, dims, NULL);
  dset = H5Dcreate2 (location, name, H5T_IEEE_F32LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dwrite (dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->data), >=, 0);
  H5Dclose (dset);
  H5Sclose (space);
  H5Pclose (lcpl);
}

void
lsc_test_h5_write_datasets (const char             *path,
                            const char *const      *names,
                            const LscTensor *const *tensors,
                            guint                   n)
{
  hid_t file;

  lsc_hdf5_lock ();
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  for (guint i = 0; i < n; i++)
    write_dataset (file, names[i], tensors[i]);
  H5Fclose (file);
  lsc_hdf5_unlock ();
}

void
lsc_test_h5_write (const char           *path,
                   const char           *config,
                   const char           *keras_version,
                   const LscTestWeights *layers,
                   guint                 n_layers)
{
  hid_t file, weights;
  const char *layer_names[64];

  g_assert_cmpuint (n_layers, <=, G_N_ELEMENTS (layer_names));

  lsc_hdf5_lock ();
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  if (config != NULL)
    write_string_attr (file, "model_config", config);
  write_string_attr (file, "keras_version", keras_version);
  write_string_attr (file, "backend", g_str_has_prefix (keras_version, "1.") ? "theano" : "tensorflow");

  weights = H5Gcreate2 (file, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (guint l = 0; l < n_layers; l++)
    {
      hid_t group = H5Gcreate2 (weights, layers[l].layer, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      guint n = 0;

      layer_names[l] = layers[l].layer;
      while (n < 8 && layers[l].names[n] != NULL)
        n++;
      if (layers[l].chunked)
        {
          /* Keras's form for lists longer than an HDF5 header allows. */
          write_names_attr (group, "weight_names0", layers[l].names, n / 2);
          write_names_attr (group, "weight_names1", layers[l].names + n / 2, n - n / 2);
        }
      else
        write_names_attr (group, "weight_names", layers[l].names, n);

      for (guint w = 0; w < n; w++)
        write_dataset (group, layers[l].names[w], layers[l].tensors[w]);
      H5Gclose (group);
    }
  write_names_attr (weights, "layer_names", layer_names, n_layers);
  H5Gclose (weights);
  H5Fclose (file);
  lsc_hdf5_unlock ();
}
