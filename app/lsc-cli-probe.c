/* layerscope probe [--json F] [--no-cache] [--threads N] [--seconds S]:
 * the machine's topology and its measured roofline ceilings (peak GFLOP/s
 * per instruction set, load bandwidth per memory level, for 1 … N pinned
 * threads, and the core clock), from the per-CPU-model cache when there is
 * one. */

#include "lsc-cli.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "core/lsc-error.h"
#include "probe/lsc-probe.h"
#include "profile/lsc-profile-export.h"

/* Progress on a terminal only: one line, redrawn. */
static void
on_progress (double      fraction,
             const char *what,
             gpointer    user_data)
{
  g_printerr ("\r\033[Kprobing the machine: %3.0f%%  %s", fraction * 100.0, what);
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
print_machine (const LscMachine *machine)
{
  g_autofree char *memory = format_bytes (machine->memory_bytes);

  g_print ("Machine     %s: %u package%s, %u core%s, %u PU%s, %u NUMA node%s, %s memory\n",
           machine->cpu_model,
           machine->n_packages, machine->n_packages == 1 ? "" : "s",
           machine->n_cores, machine->n_cores == 1 ? "" : "s",
           machine->n_pus, machine->n_pus == 1 ? "" : "s",
           machine->n_numa_nodes, machine->n_numa_nodes == 1 ? "" : "s", memory);
  g_print ("Caches     ");
  for (LscCacheLevel level = 0; level < LSC_N_CACHE_LEVELS; level++)
    {
      g_autofree char *size = NULL;

      if (machine->cache_bytes[level] == 0)
        {
          g_print (" %s none", lsc_cache_level_to_string (level));
          continue;
        }
      size = format_bytes (machine->cache_bytes[level]);
      if (machine->cache_cores[level] == 1)
        g_print (" %s %s per core", lsc_cache_level_to_string (level), size);
      else
        g_print (" %s %s shared by %u cores", lsc_cache_level_to_string (level), size,
                 machine->cache_cores[level]);
      g_print ("%s", level + 1 < LSC_N_CACHE_LEVELS ? " ·" : "");
    }
  g_print ("\n");
}

static void
print_header (const char  *title,
              const guint *counts,
              guint        n_counts)
{
  g_print ("\n%-22s", title);
  for (guint c = 0; c < n_counts; c++)
    {
      g_autofree char *label = g_strdup_printf ("%u thread%s", counts[c], counts[c] == 1 ? "" : "s");

      g_print (" %11s", label);
    }
}

static void
print_value (double value)
{
  if (isnan (value))
    g_print (" %11s", "—");
  else
    g_print (" %11.1f", value);
}

static void
print_probe (LscProbe *probe,
             guint     n_counts)
{
  const LscMachine *machine = lsc_probe_get_machine (probe);
  const guint *counts = lsc_probe_get_thread_counts (probe, NULL);
  const double ghz = lsc_probe_get_frequency_ghz (probe);
  g_autofree char *when = g_date_time_format (lsc_probe_get_measured_at (probe), "%Y-%m-%d %H:%M UTC");

  print_machine (machine);
  g_print ("Core clock  %.2f GHz (a chain of dependent integer adds, right after the peak loops)\n", ghz);
  if (lsc_probe_is_from_cache (probe))
    g_print ("Cached from %s (measured in %.1f s; %s; --no-cache measures again)\n",
             when, lsc_probe_get_seconds (probe), lsc_probe_get_cache_path (probe));
  else
    g_print ("Measured    %s in %.1f s%s%s\n", when, lsc_probe_get_seconds (probe),
             lsc_probe_get_cache_path (probe) != NULL ? ", cached in " : "",
             lsc_probe_get_cache_path (probe) != NULL ? lsc_probe_get_cache_path (probe) : "");

  {
    guint trials, disturbed = lsc_probe_get_disturbed_trials (probe, &trials);

    if (trials > 0 && disturbed * 10 > trials)
      g_print ("Note        other processes disturbed %u of %u trials: the shared L3 and DRAM\n"
               "            bandwidths may be low (run it again on an idle machine with --no-cache)\n",
               disturbed, trials);
  }

  print_header ("Peak GFLOP/s", counts, n_counts);
  g_print ("  FLOP/cycle, 1 thread\n");
  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    {
      g_print ("  %-20s", lsc_isa_to_string (isa));
      for (guint c = 0; c < n_counts; c++)
        print_value (lsc_probe_get_peak_gflops (probe, isa, counts[c]));
      if (!isnan (lsc_probe_get_peak_gflops (probe, isa, 1)) && ghz > 0.0)
        g_print ("  %.1f", lsc_probe_get_peak_gflops (probe, isa, 1) / ghz);
      g_print ("\n");
    }

  {
    g_autofree char *title = g_strdup_printf ("Load GB/s (%s loads)",
                                              lsc_isa_to_string (lsc_probe_get_bandwidth_isa (probe)));
    print_header (title, counts, n_counts);
    g_print ("\n");
  }
  for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
    {
      g_print ("  %-20s", lsc_mem_level_to_string (level));
      for (guint c = 0; c < n_counts; c++)
        print_value (lsc_probe_get_bandwidth_gbs (probe, level, counts[c]));
      g_print ("\n");
    }

  print_header ("Array per thread", counts, n_counts);
  g_print ("\n");
  for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
    {
      g_print ("  %-20s", lsc_mem_level_to_string (level));
      for (guint c = 0; c < n_counts; c++)
        {
          const guint64 bytes = lsc_probe_get_array_bytes (probe, level, counts[c]);
          g_autofree char *size = bytes > 0 ? format_bytes (bytes) : g_strdup ("—");

          g_print (" %11s", size);
        }
      g_print ("\n");
    }
}

static gboolean
write_json (LscProbe    *probe,
            const char  *path,
            GError     **error)
{
  g_autoptr(JsonNode) root = lsc_probe_to_json (probe);
  g_autofree char *text = lsc_profile_json_to_text (root);

  return lsc_profile_write_text (path, text, error);
}

int
lsc_cli_probe (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = NULL;
  g_autofree char *json = NULL, *seconds_text = NULL;
  gboolean no_cache = FALSE;
  int threads = G_MININT;
  LscProbeOptions options;
  guint n_counts, n_shown = 0;
  const guint *counts;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write the probe as JSON to F (“-”: standard output)", "F" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache, "Measure again even when a cached probe exists (and cache the new one)", NULL },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Measure 1 … N threads (default: every core)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_STRING, &seconds_text, "Time budget for the measuring (default 8)", "S" },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Show the machine's topology (hwloc) and its roofline ceilings, measured: peak\n"
                                "GFLOP/s for each instruction set and load bandwidth from L1, L2, L3 and DRAM,\n"
                                "for 1 … N threads pinned one per core, and the core clock. The result is cached\n"
                                "per CPU model in the user's cache directory.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 1)
    return lsc_cli_fail_message ("probe takes no arguments besides its options (see “layerscope probe --help”)");

  lsc_probe_options_init (&options);
  options.use_cache = !no_cache;
  if (threads != G_MININT)
    {
      if (threads < 1)
        return lsc_cli_fail_message ("--threads must be at least 1, not %d", threads);
      options.max_threads = (guint) threads;
    }
  if (seconds_text != NULL)
    {
      char *end = NULL;
      const double seconds = g_ascii_strtod (seconds_text, &end);

      if (end == seconds_text || *end != '\0' || !(seconds > 0.0 && seconds <= 600.0))
        return lsc_cli_fail_message ("--seconds must be a number of seconds above 0 and at most 600, not “%s”",
                                     seconds_text);
      options.seconds = seconds;
    }

  probe = lsc_probe_run (&options, isatty (STDERR_FILENO) ? on_progress : NULL, NULL, NULL, &error);
  if (isatty (STDERR_FILENO))
    g_printerr ("\r\033[K");
  if (probe == NULL)
    return lsc_cli_fail (error);

  if (json != NULL && !write_json (probe, json, &error))
    return lsc_cli_fail (error);
  if (json != NULL && g_str_equal (json, "-"))
    return 0;

  /* A cached probe may cover more threads than asked for: show those asked. */
  counts = lsc_probe_get_thread_counts (probe, &n_counts);
  while (n_shown < n_counts && (options.max_threads == 0 || counts[n_shown] <= options.max_threads))
    n_shown++;
  print_probe (probe, n_shown);
  return 0;
}
