#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LSC_TYPE_APPLICATION (lsc_application_get_type ())

G_DECLARE_FINAL_TYPE (LscApplication, lsc_application, LSC, APPLICATION, AdwApplication)

/* The GNOME application: one window per model. `layerscope` opens the
 * built-in MobileNetV2; `layerscope MODEL.h5 [IMAGE…] [labels.txt]` opens
 * those files (G_APPLICATION_HANDLES_OPEN). */
LscApplication *lsc_application_new     (void);

/* The GUI entry point for main.c: binds the translations, creates the
 * application and runs it with argc/argv. Returns the exit status. */
int             lsc_application_run_gui (int    argc,
                                         char **argv);

G_END_DECLS
