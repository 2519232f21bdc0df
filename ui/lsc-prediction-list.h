#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LSC_TYPE_PREDICTION_LIST (lsc_prediction_list_get_type ())

G_DECLARE_FINAL_TYPE (LscPredictionList, lsc_prediction_list, LSC, PREDICTION_LIST, GtkWidget)

/* A list of images, each with a thumbnail and the model's best guesses.
 * An image is appended as pending (a spinner) and later given its
 * predictions or an error, so rows can fill in while a run progresses.
 * Scores that are all within [0, 1] show as percentages with a bar;
 * others (logits) show as plain numbers. */
GtkWidget *lsc_prediction_list_new               (void);
void       lsc_prediction_list_clear             (LscPredictionList  *self);
/* Returns the new row's index. */
guint      lsc_prediction_list_append            (LscPredictionList  *self,
                                                  const char         *title);
guint      lsc_prediction_list_get_n_images      (LscPredictionList  *self);
/* paintable may be NULL (a generic image icon). */
void       lsc_prediction_list_set_thumbnail     (LscPredictionList  *self,
                                                  guint               index,
                                                  GdkPaintable       *paintable);
/* labels[i] and scores[i] for i < n, best first; a NULL label shows the
 * class index from `classes` (may be NULL). */
void       lsc_prediction_list_set_predictions   (LscPredictionList  *self,
                                                  guint               index,
                                                  const char *const  *labels,
                                                  const guint        *classes,
                                                  const float        *scores,
                                                  guint               n);
void       lsc_prediction_list_set_error         (LscPredictionList  *self,
                                                  guint               index,
                                                  const char         *message);
/* Back to the spinner (a new run over the same images). */
void       lsc_prediction_list_set_pending       (LscPredictionList  *self,
                                                  guint               index);
/* The row widget of an image (NULL when out of range), for tests. */
GtkWidget *lsc_prediction_list_get_row           (LscPredictionList  *self,
                                                  guint               index);

G_END_DECLS
