#include "lsc-hdf5.h"

#include <string.h>

static GMutex hdf5_mutex;

void
lsc_hdf5_lock (void)
{
  static gsize initialised = 0;

  g_mutex_lock (&hdf5_mutex);
  if (g_once_init_enter (&initialised))
    {
      H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

void
lsc_hdf5_unlock (void)
{
  g_mutex_unlock (&hdf5_mutex);
}

hid_t
lsc_hdf5_open_file (const char *path,
                    GError    **error)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);

  if (file < 0)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                 "%s: the HDF5 library cannot open this file (truncated or damaged?)", path);
  return file;
}

hid_t
lsc_hdf5_open_image (const void *data,
                     gsize       size,
                     const char *display_name,
                     GError    **error)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  hid_t file = -1;

  /* The core driver over a caller-owned buffer, read-only: no copy to disk. */
  if (H5Pset_fapl_core (fapl, 1 << 20, 0) >= 0 &&
      H5Pset_file_image (fapl, (void *) data, size) >= 0)
    file = H5Fopen (display_name, H5F_ACC_RDONLY, fapl);
  H5Pclose (fapl);

  if (file < 0)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                 "%s: the embedded HDF5 weights file cannot be opened (truncated or damaged?)",
                 display_name);
  return file;
}

/* Reads all strings of a string attribute. */
static GStrv
read_attr_strings (hid_t       attr,
                   const char *name,
                   GError    **error)
{
  hid_t type = H5Aget_type (attr);
  hid_t space = H5Aget_space (attr);
  hid_t mem = -1;
  hssize_t n = H5Sget_simple_extent_npoints (space);
  GStrv result = NULL;

  /* h5py writes an empty list as an empty float array. */
  if (n == 0)
    {
      result = g_new0 (char *, 1);
      goto out;
    }
  if (H5Tget_class (type) != H5T_STRING || n < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "HDF5 attribute “%s” is not a string", name);
      goto out;
    }

  mem = H5Tcopy (H5T_C_S1);
  H5Tset_cset (mem, H5Tget_cset (type));

  if (H5Tis_variable_str (type) > 0)
    {
      char **buf = g_new0 (char *, n + 1);

      H5Tset_size (mem, H5T_VARIABLE);
      if (H5Aread (attr, mem, buf) < 0)
        {
          g_free (buf);
          goto read_failed;
        }
      result = g_new0 (char *, n + 1);
      for (hssize_t i = 0; i < n; i++)
        result[i] = g_strdup (buf[i] ? buf[i] : "");
      H5Dvlen_reclaim (mem, space, H5P_DEFAULT, buf);
      g_free (buf);
    }
  else
    {
      size_t size = H5Tget_size (type);
      g_autofree char *buf = g_malloc0 ((size_t) n * size + 1);

      H5Tset_size (mem, size);
      H5Tset_strpad (mem, H5T_STR_NULLPAD);
      if (H5Aread (attr, mem, buf) < 0)
        goto read_failed;
      result = g_new0 (char *, n + 1);
      for (hssize_t i = 0; i < n; i++)
        result[i] = g_strndup (buf + i * size, size);
    }
  goto out;

read_failed:
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
               "HDF5 attribute “%s” cannot be read", name);
out:
  if (mem >= 0)
    H5Tclose (mem);
  H5Sclose (space);
  H5Tclose (type);
  return result;
}

static GStrv
read_attr_by_name (hid_t       object,
                   const char *name,
                   GError    **error)
{
  hid_t attr;
  GStrv strv;

  if (H5Aexists (object, name) <= 0)
    return NULL;
  attr = H5Aopen (object, name, H5P_DEFAULT);
  if (attr < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                   "HDF5 attribute “%s” cannot be opened", name);
      return NULL;
    }
  strv = read_attr_strings (attr, name, error);
  H5Aclose (attr);
  return strv;
}

char *
lsc_hdf5_read_string_attr (hid_t       object,
                           const char *name,
                           GError    **error)
{
  g_auto(GStrv) strv = read_attr_by_name (object, name, error);

  if (strv == NULL || strv[0] == NULL)
    return NULL;
  return g_strdup (strv[0]);
}

GStrv
lsc_hdf5_read_strings_attr (hid_t       object,
                            const char *name,
                            GError    **error)
{
  GStrv strv;
  g_autoptr(GStrvBuilder) builder = NULL;

  if (H5Aexists (object, name) > 0)
    return read_attr_by_name (object, name, error);

  /* Keras splits attributes over 64 KiB into name0, name1, … */
  builder = g_strv_builder_new ();
  for (guint chunk = 0;; chunk++)
    {
      g_autofree char *chunk_name = g_strdup_printf ("%s%u", name, chunk);
      g_auto(GStrv) part = NULL;

      if (H5Aexists (object, chunk_name) <= 0)
        {
          if (chunk == 0)
            return NULL;
          break;
        }
      part = read_attr_by_name (object, chunk_name, error);
      if (part == NULL)
        return NULL;
      g_strv_builder_addv (builder, (const char **) part);
    }
  strv = g_strv_builder_end (builder);
  return strv;
}

LscTensor *
lsc_hdf5_read_tensor (hid_t       location,
                      const char *path,
                      GError    **error)
{
  hid_t dset, space, type;
  LscShape shape = { 0 };
  hsize_t dims[LSC_MAX_DIMS];
  int ndim;
  LscTensor *tensor = NULL;
  H5T_class_t klass;

  if (H5Lexists (location, path, H5P_DEFAULT) <= 0 ||
      (dset = H5Dopen2 (location, path, H5P_DEFAULT)) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_MISSING_WEIGHTS,
                   "weight dataset “%s” is missing", path);
      return NULL;
    }

  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  klass = H5Tget_class (type);
  ndim = H5Sget_simple_extent_ndims (space);

  if (klass != H5T_FLOAT && klass != H5T_INTEGER)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                 "weight dataset “%s” is not numeric", path);
  else if (ndim < 0 || ndim > LSC_MAX_DIMS)
    g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_WEIGHTS,
                 "weight dataset “%s” has %d dimensions", path, ndim);
  else
    {
      H5Sget_simple_extent_dims (space, dims, NULL);
      shape.ndim = ndim;
      for (int i = 0; i < ndim; i++)
        shape.dims[i] = (int64_t) dims[i];
      tensor = lsc_tensor_new (&shape);
      if (lsc_shape_numel (&shape) > 0 &&
          H5Dread (dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor->data) < 0)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                       "weight dataset “%s” cannot be read (truncated file?)", path);
          g_clear_pointer (&tensor, lsc_tensor_free);
        }
    }

  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (dset);
  return tensor;
}
