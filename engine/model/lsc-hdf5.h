#pragma once

#include <glib.h>
#include <hdf5.h>

#include "core/lsc-error.h"
#include "core/lsc-tensor.h"

G_BEGIN_DECLS

/* Debian's HDF5 is not built thread-safe: every use of the library, by
 * the loader or the zoo writer, from any thread, happens under this lock.
 * lsc_hdf5_lock() also silences HDF5's own error printing once: errors are
 * reported through GError instead. */
void       lsc_hdf5_lock              (void);
void       lsc_hdf5_unlock            (void);

/* Opens a file or an in-memory file image (read-only). */
hid_t      lsc_hdf5_open_file         (const char     *path,
                                       GError        **error);
hid_t      lsc_hdf5_open_image        (const void     *data,
                                       gsize           size,
                                       const char     *display_name,
                                       GError        **error);

/* A string attribute (fixed-length or variable-length, scalar or
 * one-element). NULL without error when absent. */
char      *lsc_hdf5_read_string_attr  (hid_t           object,
                                       const char     *name,
                                       GError        **error);
/* A 1-D string array attribute; also joins the chunked form Keras uses for
 * long lists (name0, name1, …). NULL without error when absent. */
GStrv      lsc_hdf5_read_strings_attr (hid_t           object,
                                       const char     *name,
                                       GError        **error);
/* Reads any numeric dataset as float32. */
LscTensor *lsc_hdf5_read_tensor       (hid_t           location,
                                       const char     *path,
                                       GError        **error);

G_END_DECLS
