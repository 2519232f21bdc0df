#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LSC_TYPE_WINDOW (lsc_window_get_type ())

G_DECLARE_FINAL_TYPE (LscWindow, lsc_window, LSC, WINDOW, AdwApplicationWindow)

LscWindow *lsc_window_new             (AdwApplication  *application);
/* Loads the zoo's architecture (writing it to the cache first when needed). */
void       lsc_window_open_zoo_model  (LscWindow       *self,
                                       const char      *zoo_name);
void       lsc_window_open_model      (LscWindow       *self,
                                       GFile           *file);
/* Reads a session file (`layerscope profile --session`) off the UI thread
 * and shows its report in the profile view. */
void       lsc_window_open_session    (LscWindow       *self,
                                       GFile           *file);
/* Appends images and runs the model on them once it is loaded. */
void       lsc_window_add_images      (LscWindow       *self,
                                       GFile *const    *files,
                                       guint            n_files);
/* Sorts files by kind: the first model file opens, the first session file
 * shows its profile, images are added, a .txt becomes the labels. Returns
 * FALSE when none was usable (a toast says why). Used by drag-and-drop and by `layerscope FILE…`. */
gboolean   lsc_window_open_files      (LscWindow       *self,
                                       GFile *const    *files,
                                       guint            n_files);
/* TRUE once a model is shown or loading (so a second open goes elsewhere). */
gboolean   lsc_window_has_model       (LscWindow       *self);

G_END_DECLS
