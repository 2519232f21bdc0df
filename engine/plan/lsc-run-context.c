#include "plan/lsc-run-context.h"

void
lsc_run_tiles (LscRunContext *ctx,
               gsize          n_tiles,
               LscTileFunc    fn,
               gpointer       data)
{
  if (ctx->pool != NULL && n_tiles > 1 && lsc_thread_pool_get_n_threads (ctx->pool) > 1)
    {
      lsc_thread_pool_parallel_for (ctx->pool, n_tiles, fn, data);
      return;
    }
  for (gsize t = 0; t < n_tiles; t++)
    fn (data, 0, t);
}

guint
lsc_run_context_get_n_workers (LscRunContext *ctx)
{
  return ctx->pool != NULL ? lsc_thread_pool_get_n_threads (ctx->pool) : 1;
}
