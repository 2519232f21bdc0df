/* layerscope zoo NAME [--alpha A] [--size S] [--seed N] -o FILE */

#include "lsc-cli.h"

#include "zoo/lsc-zoo.h"

static char *
zoo_description (void)
{
  const char *const *names = lsc_zoo_get_names ();
  GString *s = g_string_new ("Architectures:\n");

  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (s, "  %-16s %s\n", names[i], lsc_zoo_get_description (names[i]));
  return g_string_free (s, FALSE);
}

int
lsc_cli_zoo (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("NAME");
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *description = zoo_description ();
  double alpha = 0.0;
  int size = 0;
  int seed = 0;
  gboolean list = FALSE;
  LscZooOptions options;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The .h5 file to write", "FILE" },
    { "alpha", 0, 0, G_OPTION_ARG_DOUBLE, &alpha, "Width multiplier (mobilenet, mobilenetv2)", "A" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Input height and width in pixels", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the deterministic weights", "N" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "List the architectures", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Write a standard architecture in Keras's own HDF5 layout (as tf.keras 2.x\n"
                                "writes it) with deterministic seeded weights.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;

  if (list)
    {
      g_print ("%s", description);
      return 0;
    }
  if (argc != 2)
    return lsc_cli_fail_message ("zoo takes exactly one architecture NAME (see “layerscope zoo --list”)");
  if (output == NULL)
    return lsc_cli_fail_message ("zoo needs an output file: -o FILE");
  if (size < 0 || seed < 0 || alpha < 0.0)
    return lsc_cli_fail_message ("--alpha, --size and --seed must not be negative");

  options.alpha = alpha;
  options.size = size;
  options.seed = (guint32) seed;
  if (!lsc_zoo_write (argv[1], &options, output, &error))
    return lsc_cli_fail (error);

  g_print ("Wrote %s (%s)\n", output, argv[1]);
  return 0;
}
