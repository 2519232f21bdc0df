#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Where the GResource keeps its files. Fixed, not derived from APP_ID, so
 * a .Devel build finds the same resources. */
#define LSC_UI_RESOURCE_BASE_PATH "/io/github/layerscope/Layerscope"
#define LSC_UI_RESOURCE_PATH      LSC_UI_RESOURCE_BASE_PATH "/"

/* Registers the application's GResource (templates, style sheet, icon) and
 * the widget types that templates name. Idempotent and cheap: every
 * templated widget calls it from class_init, so tests that build a single
 * widget need nothing else. Main thread only. */
void lsc_ui_init (void);

G_END_DECLS
