#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lsc-cli.h"
#ifdef LSC_WITH_GUI
#include "lsc-application.h"
#endif

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

#ifdef LSC_WITH_GUI
  return lsc_application_run_gui (argc, argv);
#else
  g_printerr ("layerscope: built without the window (-Dgui=false)\n");
  return 1;
#endif
}
