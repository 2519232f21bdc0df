#include "profile/lsc-session-file.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "model/lsc-hdf5.h"
#include "profile/lsc-session-format.h"

/* Reading a session file back into a sealed report, checking everything
 * on the way: a damaged or foreign file gives an error naming the file and
 * what is wrong, never a crash or a report that seals into nonsense. Every
 * HDF5 call happens under lsc_hdf5_lock (the library is not thread-safe,
 * and the window reads sessions off the UI thread), which also keeps HDF5
 * from printing its own error stack. */

/* Bounds that keep a damaged file from asking for absurd allocations. */
#define MAX_LAYERS 1000000u
#define MAX_WORKERS 65535u        /* LscProfileSlice.worker is 16 bits */
#define MAX_CPUS 65536u

typedef struct
{
  LscSessionTypes types;
  const char *path;
  hid_t       file;
  GError    **error;
} Reader;

static gboolean
fail (Reader     *r,
      int         code,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

/* Sets "PATH: MESSAGE" and returns FALSE. */
static gboolean
fail (Reader     *r,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (r->error, LSC_ENGINE_ERROR, code, "%s: %s", r->path, message);
  return FALSE;
}

static hid_t
open_group (Reader     *r,
            const char *name)
{
  hid_t g = -1;

  if (H5Lexists (r->file, name, H5P_DEFAULT) <= 0
      || H5Oexists_by_name (r->file, name, H5P_DEFAULT) <= 0
      || (g = H5Gopen2 (r->file, name, H5P_DEFAULT)) < 0)
    fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the session has no group /%s (damaged, or not written by layerscope?)",
          name);
  return g;
}

/* A numeric scalar (or one-element) attribute, converted to mem_type. */
static gboolean
read_number_attr (Reader     *r,
                  hid_t       object,
                  const char *object_name,
                  const char *name,
                  hid_t       mem_type,
                  void       *out)
{
  hid_t attr, type, space;
  H5T_class_t klass;
  hssize_t n;
  gboolean ok;

  if (H5Aexists (object, name) <= 0)
    return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "%s lacks the attribute “%s”", object_name, name);
  attr = H5Aopen (object, name, H5P_DEFAULT);
  if (attr < 0)
    return fail (r, LSC_ENGINE_ERROR_HDF5, "the attribute “%s” of %s cannot be opened", name, object_name);
  type = H5Aget_type (attr);
  space = H5Aget_space (attr);
  klass = H5Tget_class (type);
  n = H5Sget_simple_extent_npoints (space);
  if ((klass != H5T_INTEGER && klass != H5T_FLOAT) || n != 1)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the attribute “%s” of %s is not one number", name, object_name);
  else if (H5Aread (attr, mem_type, out) < 0)
    ok = fail (r, LSC_ENGINE_ERROR_HDF5, "the attribute “%s” of %s cannot be read", name, object_name);
  else
    ok = TRUE;
  H5Sclose (space);
  H5Tclose (type);
  H5Aclose (attr);
  return ok;
}

static gboolean
read_uint_attr (Reader     *r,
                hid_t       object,
                const char *object_name,
                const char *name,
                guint64     max,
                guint      *out)
{
  gint64 v;

  if (!read_number_attr (r, object, object_name, name, H5T_NATIVE_INT64, &v))
    return FALSE;
  if (v < 0 || (guint64) v > max)
    return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the attribute “%s” of %s is %" G_GINT64_FORMAT
                 ", outside 0…%" G_GUINT64_FORMAT, name, object_name, v, max);
  *out = (guint) v;
  return TRUE;
}

static gboolean
read_bool_attr (Reader     *r,
                hid_t       object,
                const char *object_name,
                const char *name,
                gboolean   *out)
{
  gint64 v;

  if (!read_number_attr (r, object, object_name, name, H5T_NATIVE_INT64, &v))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

/* An optional string attribute into *out (NULL when absent). */
static gboolean
read_string_attr (Reader     *r,
                  hid_t       object,
                  const char *object_name,
                  const char *name,
                  char      **out)
{
  g_autoptr(GError) local = NULL;

  *out = lsc_hdf5_read_string_attr (object, name, &local);
  if (local != NULL)
    return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "%s: %s", object_name, local->message);
  return TRUE;
}

/* Opens a dataset of ndim dimensions; expect[i] (or G_MAXUINT64 for any)
 * checks its size, dims gets it. */
static hid_t
open_dataset (Reader        *r,
              hid_t          parent,
              const char    *name,
              const char    *display,
              H5T_class_t    klass,
              int            ndim,
              const guint64 *expect,
              hsize_t       *dims)
{
  hid_t dset, space, type;
  int n;
  gboolean ok = TRUE;

  if (H5Lexists (parent, name, H5P_DEFAULT) <= 0 || (dset = H5Dopen2 (parent, name, H5P_DEFAULT)) < 0)
    {
      fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s is missing", display);
      return -1;
    }
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  n = H5Sget_simple_extent_ndims (space);
  if (H5Tget_class (type) != klass && !(klass == H5T_FLOAT && H5Tget_class (type) == H5T_INTEGER))
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s has the wrong type", display);
  else if (n != ndim)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s has %d dimensions, not %d", display, n, ndim);
  else
    {
      H5Sget_simple_extent_dims (space, dims, NULL);
      for (int i = 0; i < ndim && ok; i++)
        if (expect != NULL && expect[i] != G_MAXUINT64 && dims[i] != expect[i])
          ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT,
                     "the dataset %s has %" G_GUINT64_FORMAT " entries along dimension %d, "
                     "where the session needs %" G_GUINT64_FORMAT,
                     display, (guint64) dims[i], i + 1, expect[i]);
    }
  H5Tclose (type);
  H5Sclose (space);
  if (!ok)
    {
      H5Dclose (dset);
      return -1;
    }
  return dset;
}

/* Checks that a compound dataset has every member the memory type reads
 * (HDF5 would leave a missing one unset). */
static gboolean
check_members (Reader     *r,
               hid_t       dset,
               hid_t       mem_type,
               const char *display)
{
  hid_t type = H5Dget_type (dset);
  const int n = H5Tget_nmembers (mem_type);
  gboolean ok = TRUE;

  for (int i = 0; i < n && ok; i++)
    {
      char *name = H5Tget_member_name (mem_type, i);

      if (H5Tget_member_index (type, name) < 0)
        ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s has no field “%s”", display, name);
      H5free_memory (name);
    }
  H5Tclose (type);
  return ok;
}

/* Reads a whole dataset of n elements into out. */
static gboolean
read_all (Reader     *r,
          hid_t       dset,
          hid_t       mem_type,
          guint64     n,
          void       *out,
          const char *display)
{
  gboolean ok = n == 0 || H5Dread (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0;

  H5Dclose (dset);
  if (!ok)
    return fail (r, LSC_ENGINE_ERROR_HDF5, "the dataset %s cannot be read (truncated or damaged file?)", display);
  return TRUE;
}

/* A numeric dataset of known dims, converted to mem_type. */
static gboolean
read_numbers (Reader        *r,
              hid_t          parent,
              const char    *name,
              const char    *display,
              hid_t          mem_type,
              int            ndim,
              const guint64 *expect,
              void          *out)
{
  hsize_t dims[3];
  guint64 n = 1;
  hid_t dset = open_dataset (r, parent, name, display, H5T_FLOAT, ndim, expect, dims);

  if (dset < 0)
    return FALSE;
  for (int i = 0; i < ndim; i++)
    n *= dims[i];
  return read_all (r, dset, mem_type, n, out, display);
}

/* An optional scalar string dataset holding JSON; *out NULL when absent. */
static gboolean
read_json (Reader     *r,
           hid_t       parent,
           const char *name,
           const char *display,
           JsonNode  **out)
{
  g_autoptr(GError) parse_error = NULL;
  hid_t dset, space, type;
  char *text = NULL;
  gboolean ok;

  *out = NULL;
  if (H5Lexists (parent, name, H5P_DEFAULT) <= 0)
    return TRUE;
  if ((dset = H5Dopen2 (parent, name, H5P_DEFAULT)) < 0)
    return fail (r, LSC_ENGINE_ERROR_HDF5, "the dataset %s cannot be opened", display);
  space = H5Dget_space (dset);
  type = H5Dget_type (dset);
  if (H5Tget_class (type) != H5T_STRING || H5Tis_variable_str (type) <= 0
      || H5Sget_simple_extent_npoints (space) != 1)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s is not one string", display);
  else if (H5Dread (dset, r->types.string, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0)
    ok = fail (r, LSC_ENGINE_ERROR_HDF5, "the dataset %s cannot be read (truncated or damaged file?)", display);
  else if (text == NULL || (*out = json_from_string (text, &parse_error)) == NULL)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the dataset %s is not JSON: %s", display,
               parse_error != NULL ? parse_error->message : "empty");
  else
    ok = TRUE;
  if (text != NULL)
    H5free_memory (text);
  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (dset);
  return ok;
}

/* The marker and the schema; names what the file is when it is not a
 * session. */
static gboolean
read_header (Reader *r)
{
  gint64 schema;

  if (H5Aexists (r->file, LSC_SESSION_MARKER) <= 0)
    {
      if (H5Aexists (r->file, "model_config") > 0 || H5Lexists (r->file, "model_weights", H5P_DEFAULT) > 0)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT,
                     "this is a Keras model, not a profiling session "
                     "(“layerscope profile MODEL --session FILE” writes one)");
      return fail (r, LSC_ENGINE_ERROR_BAD_INPUT,
                   "this HDF5 file is not a Layerscope session (it has no “" LSC_SESSION_MARKER "” attribute)");
    }
  if (!read_number_attr (r, r->file, "the file", "schema", H5T_NATIVE_INT64, &schema))
    return FALSE;
  if (schema > LSC_PROFILE_SCHEMA_VERSION)
    return fail (r, LSC_ENGINE_ERROR_BAD_INPUT,
                 "the session was written with profile schema %" G_GINT64_FORMAT
                 ", newer than this Layerscope reads (schema %d): update Layerscope to open it",
                 schema, LSC_PROFILE_SCHEMA_VERSION);
  if (schema < 1)
    return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "the session's schema %" G_GINT64_FORMAT " is not valid", schema);
  return TRUE;
}

static gboolean
read_meta (Reader           *r,
           LscProfileReport *report)
{
  hid_t g;
  gboolean ok;

  ok = read_string_attr (r, r->file, "the file", "version", &report->layerscope_version)
       && read_string_attr (r, r->file, "the file", "created", &report->created)
       && read_string_attr (r, r->file, "the file", "host", &report->host);
  if (!ok)
    return FALSE;

  if ((g = open_group (r, "model")) < 0)
    return FALSE;
  ok = read_string_attr (r, g, "/model", "path", &report->model_path)
       && read_string_attr (r, g, "/model", "name", &report->model_name)
       && read_number_attr (r, g, "/model", "params", H5T_NATIVE_INT64, &report->model_params)
       && read_number_attr (r, g, "/model", "macs_per_sample", H5T_NATIVE_INT64, &report->model_macs);
  H5Gclose (g);
  if (!ok || (g = open_group (r, "config")) < 0)
    return FALSE;
  ok = read_uint_attr (r, g, "/config", "batch", G_MAXUINT32, &report->batch)
       && read_uint_attr (r, g, "/config", "threads", G_MAXUINT32, &report->n_threads)
       && read_string_attr (r, g, "/config", "strategy", &report->strategy)
       && read_string_attr (r, g, "/config", "pin", &report->pin)
       && read_string_attr (r, g, "/config", "isa", &report->isa)
       && read_bool_attr (r, g, "/config", "fused", &report->fused)
       && read_bool_attr (r, g, "/config", "cold", &report->cold)
       && read_uint_attr (r, g, "/config", "replicas", G_MAXUINT32, &report->n_replicas);
  H5Gclose (g);
  if (!ok || (g = open_group (r, "clock")) < 0)
    return FALSE;
  ok = read_string_attr (r, g, "/clock", "source", &report->clock_source)
       && read_string_attr (r, g, "/clock", "why", &report->clock_why)
       && read_number_attr (r, g, "/clock", "resolution_ns", H5T_NATIVE_DOUBLE, &report->clock_resolution_ns);
  H5Gclose (g);
  if (!ok || (g = open_group (r, "machine")) < 0)
    return FALSE;
  {
    hid_t attr = H5Aexists (g, "cache_bytes") > 0 ? H5Aopen (g, "cache_bytes", H5P_DEFAULT) : -1;
    hid_t space = attr >= 0 ? H5Aget_space (attr) : -1;

    if (attr < 0)
      ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/machine lacks the attribute “cache_bytes”");
    else if (H5Sget_simple_extent_npoints (space) != 3)
      ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/machine's “cache_bytes” does not hold 3 sizes (L1, L2, L3)");
    else if (H5Aread (attr, H5T_NATIVE_UINT64, report->cache_bytes) < 0)
      ok = fail (r, LSC_ENGINE_ERROR_HDF5, "/machine's “cache_bytes” cannot be read");
    if (space >= 0)
      H5Sclose (space);
    if (attr >= 0)
      H5Aclose (attr);
  }
  ok = ok && read_json (r, g, "json", "/machine/json", &report->machine);
  H5Gclose (g);
  return ok && read_json (r, r->file, "probe", "/probe", &report->probe);
}

/* /layers, /workers: their sizes make the report. */
static LscProfileReport *
read_shape (Reader *r)
{
  hsize_t layer_dims[1], worker_dims[1];
  hid_t layers, workers;
  LscProfileReport *report;

  layers = open_dataset (r, r->file, "layers", "/layers", H5T_COMPOUND, 1, NULL, layer_dims);
  if (layers < 0)
    return NULL;
  if (layer_dims[0] > MAX_LAYERS || !check_members (r, layers, r->types.layer, "/layers"))
    {
      if (layer_dims[0] > MAX_LAYERS)
        fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/layers has %" G_GUINT64_FORMAT " layers, more than %u",
              (guint64) layer_dims[0], MAX_LAYERS);
      H5Dclose (layers);
      return NULL;
    }
  workers = open_dataset (r, r->file, "workers", "/workers", H5T_INTEGER, 1, NULL, worker_dims);
  if (workers < 0 || worker_dims[0] > MAX_WORKERS)
    {
      if (workers >= 0)
        {
          fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/workers has %" G_GUINT64_FORMAT " workers, more than %u",
                (guint64) worker_dims[0], MAX_WORKERS);
          H5Dclose (workers);
        }
      H5Dclose (layers);
      return NULL;
    }

  report = lsc_profile_report_new ((guint) layer_dims[0], (guint) worker_dims[0]);
  {
    g_autofree LscSessionLayer *records = g_new0 (LscSessionLayer, MAX (report->n_layers, 1));
    g_autofree gint32 *cpus = g_new0 (gint32, MAX (report->n_workers, 1));
    hid_t space;

    if (!read_all (r, layers, r->types.layer, report->n_layers, records, "/layers")
        || !read_all (r, workers, H5T_NATIVE_INT32, report->n_workers, cpus, "/workers"))
      {
        lsc_profile_report_unref (report);
        return NULL;
      }
    for (guint l = 0; l < report->n_layers; l++)
      {
        LscProfileLayer *layer = &report->layers[l];

        layer->name = g_strdup (records[l].name);
        layer->layers = g_strdup (records[l].layers);
        layer->op = g_strdup (records[l].op);
        layer->kernel = g_strdup (records[l].kernel);
        layer->flops = records[l].flops;
        layer->weight_bytes = records[l].weight_bytes;
        layer->input_bytes = records[l].input_bytes;
        layer->output_bytes = records[l].output_bytes;
      }
    if (report->n_layers > 0)
      {
        hsize_t n = report->n_layers;

        space = H5Screate_simple (1, &n, NULL);
        H5Dvlen_reclaim (r->types.layer, space, H5P_DEFAULT, records);
        H5Sclose (space);
      }
    for (guint w = 0; w < report->n_workers; w++)
      {
        if (cpus[w] < -1)
          {
            fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/workers: worker %u is on CPU %d", w, cpus[w]);
            lsc_profile_report_unref (report);
            return NULL;
          }
        report->workers[w].cpu = cpus[w];
      }
  }
  return report;
}

static gboolean
read_runs (Reader           *r,
           LscProfileReport *report)
{
  hsize_t dims[1];
  hid_t dset = open_dataset (r, r->file, "runs", "/runs", H5T_COMPOUND, 1, NULL, dims);
  g_autofree LscSessionRun *runs = NULL;

  if (dset < 0)
    return FALSE;
  if (dims[0] > G_MAXUINT32 || !check_members (r, dset, r->types.run, "/runs"))
    {
      H5Dclose (dset);
      return dims[0] > G_MAXUINT32 ? fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/runs is too long") : FALSE;
    }
  runs = g_new0 (LscSessionRun, MAX (dims[0], 1));
  if (!read_all (r, dset, r->types.run, dims[0], runs, "/runs"))
    return FALSE;
  for (guint i = 0; i < dims[0]; i++)
    {
      if (runs[i].kind > LSC_RUN_TIMED)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/runs: run %u has an unknown kind (%u)", i, runs[i].kind);
      if (!isfinite (runs[i].start_ns) || !isfinite (runs[i].wall_ns) || runs[i].wall_ns < 0)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/runs: run %u has no valid start or wall time", i);
      lsc_profile_report_add_run (report, runs[i].kind, runs[i].start_ns, runs[i].wall_ns);
    }
  return TRUE;
}

/* The slices are read straight into the report's array (there may be
 * millions), then checked: indices in range, grouped by run in run order
 * as lsc_profile_report_seal needs them. */
static gboolean
read_slices (Reader           *r,
             LscProfileReport *report)
{
  hsize_t dims[1];
  hid_t dset = open_dataset (r, r->file, "slices", "/slices", H5T_COMPOUND, 1, NULL, dims);
  guint64 dropped = 0;
  guint32 last_run = 0;

  if (dset < 0)
    return FALSE;
  if (dims[0] > G_MAXUINT32 || !check_members (r, dset, r->types.slice, "/slices"))
    {
      H5Dclose (dset);
      return dims[0] > G_MAXUINT32 ? fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices is too long") : FALSE;
    }
  if (H5Aexists (dset, "dropped") > 0
      && !read_number_attr (r, dset, "/slices", "dropped", H5T_NATIVE_UINT64, &dropped))
    {
      H5Dclose (dset);
      return FALSE;
    }
  report->dropped_slices = dropped;
  g_array_set_size (report->slices, (guint) dims[0]);
  if (!read_all (r, dset, r->types.slice, dims[0], report->slices->data, "/slices"))
    return FALSE;

  for (guint i = 0; i < report->slices->len; i++)
    {
      const LscProfileSlice *s = &g_array_index (report->slices, LscProfileSlice, i);

      if (s->run >= report->runs->len)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u belongs to run %u, but there are %u runs",
                     i, s->run, report->runs->len);
      if (s->run < last_run)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u (run %u) comes after run %u's: "
                     "slices must be in run order", i, s->run, last_run);
      if (s->layer >= report->n_layers)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u is in layer %u, but there are %u layers",
                     i, s->layer, report->n_layers);
      if (s->worker >= report->n_workers)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u is on worker %u, but there are %u workers",
                     i, s->worker, report->n_workers);
      if (s->kind > LSC_SLICE_SPAN || s->cpu < -1)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u has kind %u and CPU %d", i, s->kind, s->cpu);
      if (!isfinite (s->t0_ns) || !isfinite (s->t1_ns) || s->t1_ns < s->t0_ns)
        return fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/slices: slice %u has no valid interval", i);
      last_run = s->run;
    }
  return TRUE;
}

static gboolean
read_counters (Reader           *r,
               LscProfileReport *report)
{
  const guint64 expect[3] = { report->n_workers, report->n_layers, LSC_N_COUNTERS };
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) local = NULL;
  hid_t g = open_group (r, "counters");
  gboolean ok;

  if (g < 0)
    return FALSE;
  /* The columns must be the counters this version knows, in its order. */
  names = lsc_hdf5_read_strings_attr (g, "names", &local);
  if (names == NULL)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/counters lacks the attribute “names”%s%s",
               local != NULL ? ": " : "", local != NULL ? local->message : "");
  else
    {
      ok = g_strv_length (names) == LSC_N_COUNTERS;
      for (guint c = 0; ok && c < LSC_N_COUNTERS; c++)
        ok = g_strcmp0 (names[c], lsc_counter_to_string (c)) == 0;
      if (!ok)
        {
          g_autofree char *have = g_strjoinv (", ", names);
          fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/counters holds the counters %s, not the ones this "
                "Layerscope knows", have);
        }
    }
  ok = ok
       && read_string_attr (r, g, "/counters", "backend", &report->counter_backend)
       && read_string_attr (r, g, "/counters", "reason", &report->counter_reason)
       && read_number_attr (r, g, "/counters", "mask", H5T_NATIVE_UINT32, &report->counter_mask)
       && read_bool_attr (r, g, "/counters", "multiplexed", &report->counter_multiplexed)
       && read_numbers (r, g, "counts", "/counters/counts", H5T_NATIVE_DOUBLE, 3, expect, report->counts);
  if (ok && (report->counter_mask >> LSC_N_COUNTERS) != 0)
    ok = fail (r, LSC_ENGINE_ERROR_BAD_INPUT, "/counters: the mask 0x%x names counters that do not exist",
               report->counter_mask);
  H5Gclose (g);
  return ok;
}

static gboolean
read_monitor (Reader           *r,
              LscProfileReport *report)
{
  hsize_t dims[1];
  hid_t g = open_group (r, "monitor"), dset;
  g_autofree double *t = NULL;
  g_autofree float *util = NULL, *other = NULL, *freq = NULL;
  guint64 expect[2];
  gboolean ok;
  guint n, nc;

  if (g < 0)
    return FALSE;
  ok = read_number_attr (r, g, "/monitor", "hz", H5T_NATIVE_DOUBLE, &report->monitor_hz)
       && read_string_attr (r, g, "/monitor", "reason", &report->monitor_reason)
       && read_uint_attr (r, g, "/monitor", "n_cpus", MAX_CPUS, &report->n_cpus);
  if (!ok || (dset = open_dataset (r, g, "t_ns", "/monitor/t_ns", H5T_FLOAT, 1, NULL, dims)) < 0)
    {
      H5Gclose (g);
      return FALSE;
    }
  n = dims[0] <= G_MAXUINT32 ? (guint) dims[0] : 0;
  nc = report->n_cpus;
  t = g_new (double, MAX (n, 1));
  util = g_new (float, (gsize) MAX ((guint64) n * nc, 1));
  other = g_new (float, (gsize) MAX ((guint64) n * nc, 1));
  freq = g_new (float, (gsize) MAX ((guint64) n * nc, 1));
  expect[0] = n;
  expect[1] = nc;
  ok = read_all (r, dset, H5T_NATIVE_DOUBLE, n, t, "/monitor/t_ns")
       && read_numbers (r, g, "util", "/monitor/util", H5T_NATIVE_FLOAT, 2, expect, util)
       && read_numbers (r, g, "other", "/monitor/other", H5T_NATIVE_FLOAT, 2, expect, other)
       && read_numbers (r, g, "freq_mhz", "/monitor/freq_mhz", H5T_NATIVE_FLOAT, 2, expect, freq);
  H5Gclose (g);
  if (!ok)
    return FALSE;
  for (guint i = 0; i < n; i++)
    lsc_profile_report_add_cpu_sample (report, t[i], util + (gsize) i * nc, other + (gsize) i * nc,
                                       freq + (gsize) i * nc);
  return TRUE;
}

static gboolean
read_off_wall (Reader           *r,
               LscProfileReport *report)
{
  hsize_t dims[1];
  hid_t dset = open_dataset (r, r->file, "off_wall_ns", "/off_wall_ns", H5T_FLOAT, 1, NULL, dims);

  if (dset < 0)
    return FALSE;
  g_array_set_size (report->off_wall_ns, dims[0] <= G_MAXUINT32 ? (guint) dims[0] : 0);
  return read_all (r, dset, H5T_NATIVE_DOUBLE, report->off_wall_ns->len, report->off_wall_ns->data,
                   "/off_wall_ns");
}

static LscProfileReport *
read_session (Reader *r)
{
  LscProfileReport *report;

  if (!read_header (r) || (report = read_shape (r)) == NULL)
    return NULL;
  if (!read_meta (r, report) || !read_runs (r, report) || !read_slices (r, report) || !read_counters (r, report)
      || !read_monitor (r, report) || !read_off_wall (r, report))
    {
      lsc_profile_report_unref (report);
      return NULL;
    }
  return report;
}

LscProfileReport *
lsc_session_file_read (const char *path,
                       GError    **error)
{
  Reader r = { .path = path, .error = error };
  LscProfileReport *report = NULL;
  htri_t is_hdf5;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such session file", path);
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "%s is a directory, not a session file", path);
      return NULL;
    }

  lsc_hdf5_lock ();
  is_hdf5 = H5Fis_hdf5 (path);
  if (is_hdf5 <= 0)
    fail (&r, LSC_ENGINE_ERROR_BAD_INPUT, "not an HDF5 file, so not a Layerscope session "
          "(sessions are written by “layerscope profile --session FILE”)");
  else if ((r.file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
    fail (&r, LSC_ENGINE_ERROR_HDF5, "the HDF5 library cannot open this file (truncated or damaged?)");
  else
    {
      lsc_session_types_init (&r.types);
      report = read_session (&r);
      lsc_session_types_clear (&r.types);
      H5Fclose (r.file);
    }
  lsc_hdf5_unlock ();

  if (report != NULL)
    lsc_profile_report_seal (report);
  return report;
}

gboolean
lsc_session_file_is_session (const char *path)
{
  gboolean result = FALSE;
  hid_t file;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  lsc_hdf5_lock ();
  if (H5Fis_hdf5 (path) > 0 && (file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT)) >= 0)
    {
      result = H5Aexists (file, LSC_SESSION_MARKER) > 0;
      H5Fclose (file);
    }
  lsc_hdf5_unlock ();
  return result;
}
