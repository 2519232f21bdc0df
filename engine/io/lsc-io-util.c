#include "lsc-io-util.h"

#include <gio/gio.h>

void
lsc_io_propagate_file_error (GError **dest,
                             GError  *src)
{
  if (src->domain == G_FILE_ERROR)
    {
      GError *io_error = g_error_new_literal (G_IO_ERROR,
                                              g_io_error_from_file_error (src->code),
                                              src->message);
      g_error_free (src);
      src = io_error;
    }
  g_propagate_error (dest, src);
}

gboolean
lsc_io_read_file (const char  *path,
                  char       **contents,
                  gsize       *length,
                  GError     **error)
{
  GError *local_error = NULL;

  /* GLib's message already reads "Failed to open file “path”: …". */
  if (!g_file_get_contents (path, contents, length, &local_error))
    {
      lsc_io_propagate_file_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}
