#pragma once

#include "lsc-window.h"

#include "io/lsc-image.h"
#include "lsc-layer-table.h"
#include "lsc-prediction-list.h"
#include "lsc-profile-view.h"
#include "model/lsc-model.h"

G_BEGIN_DECLS

struct _LscWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template Widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *window_title;
  GtkSpinner           *header_spinner;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  GtkLabel             *loading_label;
  GtkLabel             *loading_detail;
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *layers_page;
  LscLayerTable        *layer_table;
  GtkStack             *profile_stack;
  AdwStatusPage        *profile_status;
  GtkProgressBar       *profile_progress;
  LscProfileView       *profile_view;
  GtkWidget            *prediction_panel;
  LscPredictionList    *prediction_list;
  AdwComboRow          *preprocess_row;
  AdwActionRow         *invert_row;
  GtkSwitch            *invert_switch;
  AdwActionRow         *labels_row;
  GMenu                *zoo_menu;

  /* Owned References */
  GSettings            *settings;              /* NULL when the schema is not installed */
  LscModel             *model;                 /* the model shown, NULL before the first load */
  char                 *zoo_name;              /* set when model came from the zoo */
  GStrv                 labels;                /* NULL: class numbers (ImageNet's for 1000) */
  char                 *labels_source;         /* what the labels row says */
  GPtrArray            *images;                /* GFile *, in list order */
  GCancellable         *cancellable;           /* cancelled when the window goes */
  GCancellable         *load_cancellable;
  GCancellable         *classify_cancellable;
  GCancellable         *session_cancellable;   /* the session file being read */
  GCancellable         *profile_cancellable;   /* the profile running, NULL when none */
  GFile                *pending_labels;        /* dropped with a model, read once it is loaded */
  AdwToast             *loading_toast;         /* "Opening …" while a second model loads */
  char                 *last_error_title;
  char                 *last_error_message;

  guint                 n_runs;                /* classification tasks not yet finished */
  guint                 n_label_loads;
  guint                 n_session_loads;
  guint                 loading : 1;
  guint                 updating_preprocess : 1;
};

/* lsc-window-actions.c */
void          _lsc_window_class_actions_init (LscWindowClass *klass);
void          _lsc_window_actions_update     (LscWindow      *self);

/* lsc-window-dnd.c */
void          _lsc_window_dnd_init           (LscWindow      *self);

/* lsc-window.c */
void          _lsc_window_show_error         (LscWindow      *self,
                                              const char     *title,
                                              const GError   *error);
void          _lsc_window_show_message       (LscWindow      *self,
                                              const char     *message);
void          _lsc_window_set_labels         (LscWindow      *self,
                                              GStrv           labels,
                                              const char     *source);
void          _lsc_window_clear_images       (LscWindow      *self);
void          _lsc_window_show_last_error    (LscWindow      *self);
GFile        *_lsc_window_dup_folder         (LscWindow      *self,
                                              const char     *key);
void          _lsc_window_remember_folder    (LscWindow      *self,
                                              const char     *key,
                                              GFile          *file);
void          _lsc_window_load_labels_file   (LscWindow      *self,
                                              GFile          *file);
LscPreprocess _lsc_window_get_preprocess     (LscWindow      *self);
void          _lsc_window_start_profile      (LscWindow      *self);
void          _lsc_window_cancel_profile     (LscWindow      *self);

/* What a file dropped or passed on the command line is. */
typedef enum
{
  LSC_FILE_KIND_OTHER,
  LSC_FILE_KIND_MODEL,
  LSC_FILE_KIND_IMAGE,
  LSC_FILE_KIND_LABELS,
  LSC_FILE_KIND_SESSION,   /* a profile saved by `layerscope profile --session` */
} LscFileKind;

LscFileKind   _lsc_file_kind_guess           (GFile          *file);

G_END_DECLS
