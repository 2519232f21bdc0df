#include "lsc-cli-report.h"

#include <math.h>
#include <unistd.h>

#include "profile/lsc-profile-export.h"
#include "profile/lsc-session-file.h"

void
lsc_cli_export_options_add (LscCliExportOptions *options,
                            GOptionContext      *context)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &options->json,
      "Write the profile as JSON (schema in docs/profile-json.md; - for standard output)", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &options->csv,
      "Write a CSV row per layer (- for standard output)", "FILE" },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &options->trace,
      "Write a Chrome trace, a lane per worker (Perfetto, chrome://tracing; - for standard output)", "FILE" },
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &options->session,
      "Write a session file (HDF5) that the Layerscope window opens", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

void
lsc_cli_export_options_clear (LscCliExportOptions *options)
{
  g_clear_pointer (&options->json, g_free);
  g_clear_pointer (&options->csv, g_free);
  g_clear_pointer (&options->trace, g_free);
  g_clear_pointer (&options->session, g_free);
}

gboolean
lsc_cli_export_options_use_stdout (const LscCliExportOptions *o)
{
  return g_strcmp0 (o->json, "-") == 0 || g_strcmp0 (o->csv, "-") == 0 || g_strcmp0 (o->trace, "-") == 0;
}

gboolean
lsc_cli_export_options_check (const LscCliExportOptions *o,
                              GError                   **error)
{
  const int n = (g_strcmp0 (o->json, "-") == 0) + (g_strcmp0 (o->csv, "-") == 0) + (g_strcmp0 (o->trace, "-") == 0);

  if (n > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "only one of --json, --csv and --trace can write to standard output (-)");
      return FALSE;
    }
  if (g_strcmp0 (o->session, "-") == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--session needs a file name: an HDF5 file cannot go to standard output");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_json (const char *path,
            JsonNode   *node,
            GError    **error)
{
  g_autofree char *text = lsc_profile_json_to_text (node);

  json_node_unref (node);
  return lsc_profile_write_text (path, text, error);
}

gboolean
lsc_cli_export_report (const LscCliExportOptions *o,
                       LscProfileReport          *report,
                       GError                   **error)
{
  if (o->json != NULL && !write_json (o->json, lsc_profile_report_to_json (report), error))
    return FALSE;
  if (o->trace != NULL && !write_json (o->trace, lsc_profile_report_to_trace (report), error))
    return FALSE;
  if (o->csv != NULL)
    {
      g_autofree char *text = lsc_profile_report_to_csv (report);

      if (!lsc_profile_write_text (o->csv, text, error))
        return FALSE;
    }
  if (o->session != NULL && !lsc_session_file_write (report, o->session, error))
    return FALSE;
  return TRUE;
}

/* ---- the table ------------------------------------------------------------ */

static void
print_ms (GString *s,
          double   ns)
{
  if (isnan (ns))
    g_string_append (s, "—");
  else if (ns >= 1e6)
    g_string_append_printf (s, "%.2f ms", ns / 1e6);
  else
    g_string_append_printf (s, "%.1f µs", ns / 1e3);
}

static char *
format_ms (double ns)
{
  GString *s = g_string_new (NULL);

  print_ms (s, ns);
  return g_string_free (s, FALSE);
}

static char *
format_bytes (double bytes)
{
  if (bytes >= 1 << 20)
    return g_strdup_printf ("%.1f MiB", bytes / (1 << 20));
  if (bytes >= 1 << 10)
    return g_strdup_printf ("%.0f KiB", bytes / (1 << 10));
  return g_strdup_printf ("%.0f B", bytes);
}

/* A percentile with too few samples gets a star (explained below the
 * table). */
static char *
format_percentile (double   ns,
                   gboolean ok)
{
  g_autofree char *v = format_ms (ns);

  return g_strdup_printf ("%s%s", v, ok ? " " : "*");
}

static void
print_summary (FILE             *out,
               LscProfileReport *r)
{
  const guint n_warm = lsc_profile_report_count_runs (r, LSC_RUN_WARMUP);
  g_autofree char *first = NULL, *warm = NULL, *p50 = NULL, *p90 = NULL, *p99 = NULL;
  g_autofree char *mn = NULL, *mx = NULL, *sd = NULL;
  double first_ns = NAN, warm_sum = 0.0;

  for (guint i = 0; i < r->runs->len; i++)
    {
      const LscProfileRun *run = &g_array_index (r->runs, LscProfileRun, i);

      if (run->kind == LSC_RUN_FIRST)
        first_ns = run->wall_ns;
      else if (run->kind == LSC_RUN_WARMUP)
        warm_sum += run->wall_ns;
    }
  first = format_ms (first_ns);
  warm = format_ms (n_warm > 0 ? warm_sum / n_warm : NAN);
  p50 = format_ms (r->wall.p50);
  p90 = format_percentile (r->wall.p90, r->wall.p90_ok);
  p99 = format_percentile (r->wall.p99, r->wall.p99_ok);
  mn = format_ms (r->wall.min);
  mx = format_ms (r->wall.max);
  sd = format_ms (r->wall.sd);

  fprintf (out, "Model     %s: %'" G_GINT64_FORMAT " parameters, %.1f M MACs per sample\n",
           r->model_name, r->model_params, r->model_macs / 1e6);
  fprintf (out, "Setup     batch %u, %u thread%s (%s, pinned %s), %s kernels, %s, %s caches\n",
           r->batch, r->n_threads, r->n_threads == 1 ? "" : "s", r->strategy, r->pin, r->isa,
           r->fused ? "fused" : "unfused", r->cold ? "cold (evicted before each run)" : "warm");
  if (r->background_load != NULL)
    fprintf (out, "Load      background load %s during the runs\n", r->background_load);
  fprintf (out, "Clock     %s (%s), resolution %.2f ns\n", r->clock_source, r->clock_why, r->clock_resolution_ns);
  fprintf (out, "Runs      first %s; %u warm-up (mean %s); %u timed: median %s, p90 %s, p99 %s, "
                "min %s, max %s, sd %s\n",
           first, n_warm, warm, r->wall.n, p50, p90, p99, mn, mx, sd);
  if (isnan (r->overhead))
    fprintf (out, "Overhead  not measured (--no-overhead)\n");
  else
    {
      g_autofree char *off = format_ms (r->off_wall.p50);
      fprintf (out, "Overhead  profiling costs %+.1f %% (median %s profiled vs %s unprofiled, %u runs each, "
                    "interleaved)\n", 100.0 * r->overhead, p50, off, r->off_wall.n);
    }
  if (r->counter_mask != 0)
    {
      fprintf (out, "Counters  %s:", r->counter_backend);
      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        if (r->counter_mask & (1u << c))
          fprintf (out, " %s", lsc_counter_to_string (c));
      fprintf (out, "%s%s%s\n", r->counter_multiplexed ? " (multiplexed, scaled)" : "",
               r->counter_reason != NULL ? "; " : "", r->counter_reason != NULL ? r->counter_reason : "");
    }
  else
    fprintf (out, "Counters  unavailable (%s): %s\n", r->counter_backend,
             r->counter_reason != NULL ? r->counter_reason : "no counter could be opened");
  if (r->cpu_samples->len == 0)
    fprintf (out, "Machine   no CPU monitor: %s\n", r->monitor_reason != NULL ? r->monitor_reason : "no samples");
  else if (r->n_interfered > 0)
    fprintf (out, "Machine   %u of %u timed runs disturbed: other processes kept CPU %d up to %.0f %% busy\n",
             r->n_interfered, r->wall.n, r->max_other_cpu, 100.0 * r->max_other_load);
  else
    fprintf (out, "Machine   quiet: other processes used at most %.0f %% of a CPU we ran on (%u samples at %.0f Hz)\n",
             100.0 * r->max_other_load, r->cpu_samples->len, r->monitor_hz);
  if (isnan (r->roof_peak_gflops))
    fprintf (out, "Roofs     none: no machine probe for this CPU yet (“layerscope probe” measures them, ~10 s)\n");
  else
    fprintf (out, "Roofs     peak %.1f GFLOP/s (%s, %u thread%s); loads from L1 %.0f, L2 %.0f, L3 %.0f, DRAM %.1f GB/s\n",
             r->roof_peak_gflops, r->isa, r->n_threads, r->n_threads == 1 ? "" : "s",
             r->roof_gbs[0], r->roof_gbs[1], r->roof_gbs[2], r->roof_gbs[3]);
  for (guint w = 0; w < r->n_workers; w++)
    {
      const LscProfileWorker *wk = &r->workers[w];
      const double total = wk->busy_ns + wk->idle_ns;

      if (wk->cpu >= 0)
        fprintf (out, "Worker %-2u CPU %-3d", w, wk->cpu);
      else
        fprintf (out, "Worker %-2u unpinned", w);
      fprintf (out, " busy %.0f %%, idle %.0f %% (of which spinning %.0f %%)\n",
               total > 0 ? 100.0 * wk->busy_ns / total : 0.0, total > 0 ? 100.0 * wk->idle_ns / total : 0.0,
               total > 0 ? 100.0 * wk->spin_ns / total : 0.0);
    }
  if (r->dropped_slices > 0)
    fprintf (out, "Note      %" G_GUINT64_FORMAT " busy intervals did not fit the buffers (they grew after)\n",
             r->dropped_slices);
}

void
lsc_cli_print_report (FILE             *out,
                      LscProfileReport *r)
{
  print_summary (out, r);
  fprintf (out, "\n%4s  %-28s %-24s %10s %11s %11s %6s %8s %7s %6s %9s %5s %6s %5s %5s\n",
           "#", "layer", "kernel", "median", "p90", "p99", "share", "GFLOP/s", "GB/s", "FLOP/B",
           "working", "fits", "%roof", "eff", "imb");
  for (guint i = 0; i < r->n_layers; i++)
    {
      const LscProfileLayer *l = &r->layers[i];
      g_autofree char *p50 = format_ms (l->time.p50);
      g_autofree char *p90 = format_percentile (l->time.p90, l->time.p90_ok);
      g_autofree char *p99 = format_percentile (l->time.p99, l->time.p99_ok);
      g_autofree char *ws = format_bytes (l->working_set_bytes);
      const char *fits = lsc_profile_fits_to_string (l->fits);

      fprintf (out, "%4u  %-28.28s %-24.24s %10s %11s %11s %5.1f%% %8.1f %7.1f %6.1f %9s %5s %5.0f%% %5.2f %5.2f\n",
               i, l->name, l->kernel, p50, p90, p99, 100.0 * l->share, l->gflops, l->gbs, l->intensity,
               ws, fits != NULL ? fits : "?", 100.0 * l->gflops / l->roof_gflops, l->efficiency, l->imbalance);
    }
  if (r->counter_mask != 0)
    {
      const guint timed = MAX (r->wall.n, 1);

      fprintf (out, "\n%4s  %-28s %12s %6s %10s %10s %10s %10s   (per run; misses per 1000 instructions)\n",
               "#", "layer", "cycles", "IPC", "L1D", "L2", "LLC", "dTLB");
      for (guint i = 0; i < r->n_layers; i++)
        {
          const double *c = r->layers[i].counters;
          const double kinst = c[LSC_COUNTER_INSTRUCTIONS] / 1000.0;

          fprintf (out, "%4u  %-28.28s %12.0f %6.2f %10.2f %10.2f %10.2f %10.2f\n", i, r->layers[i].name,
                   c[LSC_COUNTER_CYCLES] / timed, c[LSC_COUNTER_INSTRUCTIONS] / c[LSC_COUNTER_CYCLES],
                   c[LSC_COUNTER_L1D_MISSES] / kinst, c[LSC_COUNTER_L2_MISSES] / kinst,
                   c[LSC_COUNTER_LLC_MISSES] / kinst, c[LSC_COUNTER_DTLB_MISSES] / kinst);
        }
    }
  fprintf (out, "\n* fewer timed runs than the percentile needs to be trusted (p90: %d, p99: %d); "
                "shown, but do not rely on it.\n", LSC_STATS_P90_MIN_SAMPLES, LSC_STATS_P99_MIN_SAMPLES);
  fprintf (out, "  %%roof: GFLOP/s against the roofline at the layer's intensity (peak, or the bandwidth of the\n"
                "  level its working set fits in); ");
  fprintf (out, "eff: busy time of all workers / (workers × layer time); imb: slowest worker / mean worker.\n");
}

/* ---- progress ----------------------------------------------------------- */

static gboolean progress_drawn;

void
lsc_cli_progress (double      fraction,
                  const char *what,
                  gpointer    user_data)
{
  const char *label = user_data;
  char bar[21];
  const int filled = (int) (CLAMP (fraction, 0.0, 1.0) * 20.0);

  if (!isatty (STDERR_FILENO))
    return;
  for (int i = 0; i < 20; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[20] = '\0';
  fprintf (stderr, "\r\033[K%s%s[%s] %3.0f %% %s", label != NULL ? label : "", label != NULL ? " " : "",
           bar, 100.0 * fraction, what);
  fflush (stderr);
  progress_drawn = TRUE;
}

void
lsc_cli_progress_done (void)
{
  if (progress_drawn)
    fprintf (stderr, "\r\033[K");
  progress_drawn = FALSE;
}
