#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Helpers shared by the readers of user files (.npy, labels, images). */

/* g_file_get_contents, with a failure reported in G_IO_ERROR (a missing file
 * is G_IO_ERROR_NOT_FOUND, as for models) and a message naming the file. */
gboolean lsc_io_read_file           (const char  *path,
                                     char       **contents,
                                     gsize       *length,
                                     GError     **error);
/* Moves a G_FILE_ERROR into G_IO_ERROR, keeping its message; other domains
 * pass through unchanged. Takes ownership of src. */
void     lsc_io_propagate_file_error (GError    **dest,
                                     GError     *src);

G_END_DECLS
