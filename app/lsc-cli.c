#include "config.h"

#include "lsc-cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "bench", lsc_cli_bench, "Time inference (median, min, p90) with the planned SIMD engine" },
  { "info", lsc_cli_info, "Show a model's layers, output shapes, parameters and MACs" },
  { "predict", lsc_cli_predict, "Classify images with a model and print the top-k classes" },
  { "run", lsc_cli_run, "Run a model on .npy inputs and write .npy outputs" },
  { "zoo", lsc_cli_zoo, "Write a built-in architecture (MobileNetV2, ResNet50, …) as a Keras .h5 file" },
  { "sweep", lsc_cli_sweep, "Profile at several thread counts, batch sizes, ISAs, strategies or pinnings" },
  { "profile", lsc_cli_profile, "Profile per layer and per worker: time distributions, efficiency, roofline data" },
  { "report", lsc_cli_report, "Print a saved profiling session (--session) again, or export it as JSON, CSV or a trace" },


};

int
lsc_cli_fail (const GError *error)
{
  g_printerr ("layerscope: %s\n", error->message);
  return 1;
}

int
lsc_cli_fail_message (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("layerscope: %s\n", message);
  return 1;
}

gboolean
lsc_cli_parse (GOptionContext *context,
               int            *argc,
               char         ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("layerscope %s: %s\nTry “layerscope %s --help”.\n",
                  (*argv)[0], error->message, (*argv)[0]);
      return FALSE;
    }
  return TRUE;
}

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  layerscope [MODEL]              open the window (on MODEL, or the zoo's MobileNetV2)\n"
           "  layerscope COMMAND [OPTION…]    run a command without a window\n"
           "\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
  fprintf (out, "\n“layerscope COMMAND --help” describes a command's options.\n");
}

gboolean
lsc_cli_dispatch (int    argc,
                  char **argv,
                  int   *exit_status)
{
  if (argc < 2)
    return FALSE;

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      *exit_status = 0;
      return TRUE;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("layerscope %s\n", PACKAGE_VERSION);
      *exit_status = 0;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      {
        *exit_status = subcommands[i].run (argc - 1, argv + 1);
        return TRUE;
      }

  /* A word that is neither a command nor an existing file is a typo, not a
   * model to open: say so instead of opening a window. */
  if (argv[1][0] != '-' && !g_file_test (argv[1], G_FILE_TEST_EXISTS) && strchr (argv[1], '.') == NULL)
    {
      g_printerr ("layerscope: unknown command “%s”\n\n", argv[1]);
      print_usage (stderr);
      *exit_status = 1;
      return TRUE;
    }
  return FALSE;
}
