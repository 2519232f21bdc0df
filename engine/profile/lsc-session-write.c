#include "profile/lsc-session-file.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "core/lsc-error.h"
#include "model/lsc-hdf5.h"
#include "profile/lsc-session-format.h"

/* Writing a session file (layout in lsc-session-file.h): every HDF5 call
 * under lsc_hdf5_lock (the library is not thread-safe), which also keeps
 * HDF5 from printing its own error stack; the first failure is reported. */

/* Slices per chunk of /slices: ~0.5 MB uncompressed, small enough that
 * the window reading one run does not inflate much more. */
#define SLICE_CHUNK 16384

/* The first failure is kept; every later call does nothing. */
typedef struct
{
  LscSessionTypes types;
  const char *failed;       /* what could not be written, or NULL */
} Writer;

static gboolean
check (Writer     *w,
       herr_t      status,
       const char *what)
{
  if (status < 0 && w->failed == NULL)
    w->failed = what;
  return w->failed == NULL;
}

static hid_t
create_group (Writer     *w,
              hid_t       parent,
              const char *name)
{
  hid_t g;

  if (w->failed != NULL)
    return -1;
  g = H5Gcreate2 (parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  check (w, g, name);
  return g;
}

static void
close_group (hid_t g)
{
  if (g >= 0)
    H5Gclose (g);
}

static void
write_attr (Writer     *w,
            hid_t       object,
            const char *name,
            hid_t       type,
            hsize_t     n,          /* 0: scalar */
            const void *value)
{
  hid_t space, attr;

  if (w->failed != NULL || object < 0)
    return;
  space = n == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (1, &n, NULL);
  attr = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (check (w, attr, name))
    {
      check (w, H5Awrite (attr, type, value), name);
      H5Aclose (attr);
    }
  H5Sclose (space);
}

/* NULL strings are left out: absent means NULL when reading. */
static void
write_string_attr (Writer     *w,
                   hid_t       object,
                   const char *name,
                   const char *value)
{
  if (value != NULL)
    write_attr (w, object, name, w->types.string, 0, &value);
}

static void
write_double_attr (Writer     *w,
                   hid_t       object,
                   const char *name,
                   double      value)
{
  write_attr (w, object, name, H5T_NATIVE_DOUBLE, 0, &value);
}

static void
write_int_attr (Writer     *w,
                hid_t       object,
                const char *name,
                gint64      value)
{
  write_attr (w, object, name, H5T_NATIVE_INT64, 0, &value);
}

static void
write_bool_attr (Writer     *w,
                 hid_t       object,
                 const char *name,
                 gboolean    value)
{
  guint8 v = value != FALSE;

  write_attr (w, object, name, H5T_NATIVE_UINT8, 0, &v);
}

/* A dataset of ndim dims; chunked and compressed when chunk > 0 (then
 * growable along the first axis). */
static hid_t
create_dataset (Writer        *w,
                hid_t          parent,
                const char    *name,
                hid_t          file_type,
                int            ndim,
                const hsize_t *dims,
                hsize_t        chunk)
{
  hid_t space, dcpl = H5P_DEFAULT, dset;

  if (w->failed != NULL || parent < 0)
    return -1;
  if (chunk > 0)
    {
      hsize_t max[3] = { H5S_UNLIMITED, H5S_UNLIMITED, H5S_UNLIMITED };
      hsize_t chunks[3] = { chunk, 1, 1 };

      for (int i = 1; i < ndim; i++)
        chunks[i] = MAX (dims[i], 1);
      space = H5Screate_simple (ndim, dims, max);
      dcpl = H5Pcreate (H5P_DATASET_CREATE);
      H5Pset_chunk (dcpl, ndim, chunks);
      if (H5Zfilter_avail (H5Z_FILTER_DEFLATE) > 0)
        {
          H5Pset_shuffle (dcpl);
          H5Pset_deflate (dcpl, 6);
        }
    }
  else
    space = ndim == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (ndim, dims, NULL);
  dset = H5Dcreate2 (parent, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  check (w, dset, name);
  if (dcpl != H5P_DEFAULT)
    H5Pclose (dcpl);
  H5Sclose (space);
  return dset;
}

/* Writes n elements (skipped when there are none: HDF5 wants a buffer). */
static void
write_dataset (Writer     *w,
               hid_t       parent,
               const char *name,
               hid_t       mem_type,
               int         ndim,
               const hsize_t *dims,
               hsize_t     chunk,
               const void *data)
{
  hid_t file_type = H5Tcopy (mem_type);
  hid_t dset;
  hsize_t n = 1;

  /* Packed on disk: no padding between compound members. */
  if (H5Tget_class (file_type) == H5T_COMPOUND)
    H5Tpack (file_type);
  dset = create_dataset (w, parent, name, file_type, ndim, dims, chunk);
  for (int i = 0; i < ndim; i++)
    n *= dims[i];
  if (dset >= 0)
    {
      if (n > 0)
        check (w, H5Dwrite (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
      H5Dclose (dset);
    }
  H5Tclose (file_type);
}

static void
write_json (Writer     *w,
            hid_t       parent,
            const char *name,
            JsonNode   *node)
{
  g_autofree char *text = NULL;
  hid_t dset;

  if (node == NULL)
    return;
  text = json_to_string (node, FALSE);
  dset = create_dataset (w, parent, name, w->types.string, 0, NULL, 0);
  if (dset >= 0)
    {
      check (w, H5Dwrite (dset, w->types.string, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), name);
      H5Dclose (dset);
    }
}

static void
write_meta (Writer           *w,
            hid_t             file,
            LscProfileReport *r)
{
  const char *counter_names[LSC_N_COUNTERS];
  hid_t g;

  write_string_attr (w, file, LSC_SESSION_MARKER, LSC_SESSION_MARKER_VALUE);
  write_int_attr (w, file, "schema", LSC_PROFILE_SCHEMA_VERSION);
  write_string_attr (w, file, "generator", "layerscope");
  write_string_attr (w, file, "version", r->layerscope_version);
  write_string_attr (w, file, "created", r->created);
  write_string_attr (w, file, "host", r->host);

  g = create_group (w, file, "model");
  write_string_attr (w, g, "path", r->model_path);
  write_string_attr (w, g, "name", r->model_name);
  write_int_attr (w, g, "params", r->model_params);
  write_int_attr (w, g, "macs_per_sample", r->model_macs);
  close_group (g);

  g = create_group (w, file, "config");
  write_int_attr (w, g, "batch", r->batch);
  write_int_attr (w, g, "threads", r->n_threads);
  write_string_attr (w, g, "strategy", r->strategy);
  write_string_attr (w, g, "pin", r->pin);
  write_string_attr (w, g, "isa", r->isa);
  write_bool_attr (w, g, "fused", r->fused);
  write_bool_attr (w, g, "cold", r->cold);
  write_int_attr (w, g, "replicas", r->n_replicas);
  close_group (g);

  g = create_group (w, file, "clock");
  write_string_attr (w, g, "source", r->clock_source);
  write_string_attr (w, g, "why", r->clock_why);
  write_double_attr (w, g, "resolution_ns", r->clock_resolution_ns);
  close_group (g);

  g = create_group (w, file, "machine");
  write_attr (w, g, "cache_bytes", H5T_NATIVE_UINT64, 3, r->cache_bytes);
  write_json (w, g, "json", r->machine);
  close_group (g);
  write_json (w, file, "probe", r->probe);

  g = create_group (w, file, "counters");
  write_string_attr (w, g, "backend", r->counter_backend);
  write_string_attr (w, g, "reason", r->counter_reason);
  write_attr (w, g, "mask", H5T_NATIVE_UINT32, 0, &r->counter_mask);
  write_bool_attr (w, g, "multiplexed", r->counter_multiplexed);
  /* Which bit of mask and which column of counts is which counter. */
  for (guint c = 0; c < LSC_N_COUNTERS; c++)
    counter_names[c] = lsc_counter_to_string (c);
  write_attr (w, g, "names", w->types.string, LSC_N_COUNTERS, counter_names);
  {
    const hsize_t dims[3] = { r->n_workers, r->n_layers, LSC_N_COUNTERS };
    write_dataset (w, g, "counts", H5T_NATIVE_DOUBLE, 3, dims, 0, r->counts);
  }
  close_group (g);
}

static void
write_data (Writer           *w,
            hid_t             file,
            LscProfileReport *r)
{
  g_autofree LscSessionLayer *layers = g_new0 (LscSessionLayer, MAX (r->n_layers, 1));
  g_autofree gint32 *cpus = g_new0 (gint32, MAX (r->n_workers, 1));
  g_autofree LscSessionRun *runs = g_new0 (LscSessionRun, MAX (r->runs->len, 1));
  hsize_t dims[2];
  hid_t g, dset;

  for (guint l = 0; l < r->n_layers; l++)
    {
      const LscProfileLayer *src = &r->layers[l];

      layers[l] = (LscSessionLayer) { src->name, src->layers, src->op, src->kernel,
                                  src->flops, src->weight_bytes, src->input_bytes, src->output_bytes };
    }
  dims[0] = r->n_layers;
  write_dataset (w, file, "layers", w->types.layer, 1, dims, 0, layers);

  for (guint i = 0; i < r->n_workers; i++)
    cpus[i] = r->workers[i].cpu;
  dims[0] = r->n_workers;
  write_dataset (w, file, "workers", H5T_NATIVE_INT32, 1, dims, 0, cpus);

  for (guint i = 0; i < r->runs->len; i++)
    {
      const LscProfileRun *run = &g_array_index (r->runs, LscProfileRun, i);

      runs[i] = (LscSessionRun) { run->kind, run->start_ns, run->wall_ns };
    }
  dims[0] = r->runs->len;
  write_dataset (w, file, "runs", w->types.run, 1, dims, 0, runs);

  dims[0] = r->slices->len;
  write_dataset (w, file, "slices", w->types.slice, 1, dims, MIN (MAX (r->slices->len, 1), SLICE_CHUNK),
                 r->slices->data);
  if (w->failed == NULL && (dset = H5Dopen2 (file, "slices", H5P_DEFAULT)) >= 0)
    {
      write_attr (w, dset, "dropped", H5T_NATIVE_UINT64, 0, &r->dropped_slices);
      H5Dclose (dset);
    }

  dims[0] = r->off_wall_ns->len;
  write_dataset (w, file, "off_wall_ns", H5T_NATIVE_DOUBLE, 1, dims, 0, r->off_wall_ns->data);

  g = create_group (w, file, "monitor");
  write_double_attr (w, g, "hz", r->monitor_hz);
  write_string_attr (w, g, "reason", r->monitor_reason);
  write_int_attr (w, g, "n_cpus", r->n_cpus);
  {
    const guint n = r->cpu_samples->len, nc = r->n_cpus;
    g_autofree double *t = g_new (double, MAX (n, 1));
    g_autofree float *util = g_new (float, (gsize) MAX (n * nc, 1));
    g_autofree float *other = g_new (float, (gsize) MAX (n * nc, 1));
    g_autofree float *freq = g_new (float, (gsize) MAX (n * nc, 1));

    for (guint i = 0; i < n; i++)
      {
        const LscProfileCpuSample *s = &g_array_index (r->cpu_samples, LscProfileCpuSample, i);

        t[i] = s->t_ns;
        if (nc > 0)
          {
            memcpy (util + (gsize) i * nc, s->util, nc * sizeof (float));
            memcpy (other + (gsize) i * nc, s->other, nc * sizeof (float));
            memcpy (freq + (gsize) i * nc, s->freq_mhz, nc * sizeof (float));
          }
      }
    dims[0] = n;
    dims[1] = nc;
    write_dataset (w, g, "t_ns", H5T_NATIVE_DOUBLE, 1, dims, 0, t);
    write_dataset (w, g, "util", H5T_NATIVE_FLOAT, 2, dims, 0, util);
    write_dataset (w, g, "other", H5T_NATIVE_FLOAT, 2, dims, 0, other);
    write_dataset (w, g, "freq_mhz", H5T_NATIVE_FLOAT, 2, dims, 0, freq);
  }
  close_group (g);
}

gboolean
lsc_session_file_write (LscProfileReport *report,
                        const char       *path,
                        GError          **error)
{
  g_autofree char *part = g_strdup_printf ("%s.part", path);
  Writer w = { 0 };
  hid_t file;
  int fd, saved_errno;

  g_return_val_if_fail (report != NULL && report->sealed, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Written beside the target and renamed over it at the end, so a failed
   * write never destroys an older session. Opening it ourselves first
   * gives the system's reason when the directory is not writable. */
  fd = g_open (part, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot write the session file %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  lsc_hdf5_lock ();
  lsc_session_types_init (&w.types);
  file = H5Fcreate (part, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (check (&w, file, "the file"))
    {
      write_meta (&w, file, report);
      write_data (&w, file, report);
      check (&w, H5Fclose (file), "the file (closing it)");
    }
  lsc_session_types_clear (&w.types);
  lsc_hdf5_unlock ();

  if (w.failed != NULL)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_HDF5,
                   "writing the session file %s failed at “%s” (disk full?)", path, w.failed);
      g_unlink (part);
      return FALSE;
    }
  if (g_rename (part, path) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot replace %s with the new session file: %s", path, g_strerror (saved_errno));
      g_unlink (part);
      return FALSE;
    }
  return TRUE;
}

