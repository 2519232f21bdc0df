#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the application's GResource (templates, style sheet, icon) and
 * the widget types that templates name. Idempotent and cheap: every
 * templated widget calls it from class_init, so tests that build a single
 * widget need nothing else. Main thread only. */
void lsc_ui_init (void);

G_END_DECLS
