#pragma once

/* What an operation runs with: the kernel table, and the threads to split
 * its tiles over (none for a replica, which is one thread). */

#include <glib.h>

#include "kernels/lsc-kernels.h"
#include "threads/lsc-thread-pool.h"

G_BEGIN_DECLS

typedef struct
{
  const LscKernelTable *kernels;
  LscThreadPool        *pool;      /* NULL: the calling thread does everything */
} LscRunContext;

/* fn (data, worker, tile) for every tile in [0, n_tiles), on the pool's
 * workers or on the caller alone. */
void  lsc_run_tiles (LscRunContext *ctx,
                     gsize          n_tiles,
                     LscTileFunc    fn,
                     gpointer       data);
/* Workers that may run tiles at once (1 without a pool). */
guint lsc_run_context_get_n_workers (LscRunContext *ctx);

G_END_DECLS
