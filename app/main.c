#include "config.h"

#include "lsc-application.h"

/* Placeholder until the command-line interface lands: the lead's main.c
 * dispatches `layerscope <subcommand>` and otherwise calls this. */
int
main (int    argc,
      char **argv)
{
  return lsc_application_run_gui (argc, argv);
}
