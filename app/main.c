#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lsc-cli.h"

int
main (int   argc,
      char *argv[])
{
  int status = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("layerscope");

  if (lsc_cli_dispatch (argc, argv, &status))
    return status;

  g_printerr ("layerscope: the window is not built yet\n");
  return 1;
}
