/* layerscope predict MODEL IMAGE… [--labels F] [--top K] [--preprocess M] */

#include "lsc-cli.h"

#include "lsc-cli-engine.h"

#include <string.h>

#include "io/lsc-image.h"
#include "io/lsc-labels.h"
#include "model/lsc-model.h"

/* A labels file beside the model that cannot be read is no reason to
 * refuse to predict: classes then show their index. */
static GStrv
find_labels_beside (const char *model_path)
{
  g_autofree char *path = lsc_labels_find_beside (model_path);

  return path != NULL ? lsc_labels_load (path, NULL) : NULL;
}

int
lsc_cli_predict (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("MODEL IMAGE…");
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LscTensor) batch = NULL;
  g_autoptr(LscTensor) scores = NULL;
  g_autofree LscPrediction *top = NULL;
  g_autofree char *labels_path = NULL;
  g_autofree char *preprocess_name = NULL;
  g_autofree char *resize_name = NULL;
  g_auto(GStrv) labels = NULL;
  const LscNode *input, *output;
  LscPreprocess preprocess = LSC_PREPROCESS_UNIT;
  LscResize resize = LSC_RESIZE_NEAREST;
  int top_k = 5;
  gboolean invert = FALSE;
  guint k, n_labels = 0, n_classes;
  int64_t height, width, channels;
  g_auto(LscCliEngineOptions) engine = { 0 };
  const GOptionEntry entries[] = {
    { "labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels_path,
      "Class names: one per line, or Teachable Machine's “0 name” lines", "FILE" },
    { "top", 'k', 0, G_OPTION_ARG_INT, &top_k, "How many classes to show per image (default 5)", "K" },
    { "preprocess", 'p', 0, G_OPTION_ARG_STRING, &preprocess_name,
      "raw (0–255), unit ([0,1], default), tf ([-1,1]), caffe (BGR − ImageNet means), torch (ImageNet mean/std)", "MODE" },
    { "resize", 0, 0, G_OPTION_ARG_STRING, &resize_name,
      "nearest (Keras load_img's default) or bilinear", "METHOD" },
    { "invert", 0, 0, G_OPTION_ARG_NONE, &invert,
      "Invert pixel values (255 − v) first: dark-on-light digits for MNIST-style models", NULL },
    { NULL }
  };

  g_option_context_set_summary (context,
                                "Classify images: each is converted to the model's channels, resized to its\n"
                                "input size, preprocessed, and the batch is run; prints the top-k classes.\n"
                                "Labels come from --labels, a labels file beside the model, or the ImageNet\n"
                                "class names for 1000-class outputs.");
  g_option_context_add_main_entries (context, entries, NULL);
  lsc_cli_engine_options_add (&engine, context, TRUE);
  if (!lsc_cli_parse (context, &argc, &argv))
    return 1;
  if (argc < 3)
    return lsc_cli_fail_message ("predict needs a MODEL and at least one IMAGE (see “layerscope predict --help”)");
  if (top_k < 1)
    return lsc_cli_fail_message ("--top must be at least 1, not %d", top_k);
  if (preprocess_name != NULL && !lsc_preprocess_from_name (preprocess_name, &preprocess, &error))
    return lsc_cli_fail (error);
  if (resize_name != NULL)
    {
      if (g_str_equal (resize_name, "nearest"))
        resize = LSC_RESIZE_NEAREST;
      else if (g_str_equal (resize_name, "bilinear"))
        resize = LSC_RESIZE_BILINEAR;
      else
        return lsc_cli_fail_message ("--resize must be nearest or bilinear, not “%s”", resize_name);
    }

  model = lsc_model_load (argv[1], &error);
  if (model == NULL)
    return lsc_cli_fail (error);

  if (lsc_model_get_n_inputs (model) != 1 || lsc_model_get_n_outputs (model) != 1)
    return lsc_cli_fail_message ("%s has %u inputs and %u outputs; predict needs an image model with one of each "
                                 "(use “layerscope run” for other models)", argv[1],
                                 lsc_model_get_n_inputs (model), lsc_model_get_n_outputs (model));
  input = lsc_model_get_node (model, lsc_model_get_input_node (model, 0));
  output = lsc_model_get_node (model, lsc_model_get_output_node (model, 0));
  if (input->output_shape.ndim != 4 || input->output_shape.dims[3] < 1 || input->output_shape.dims[3] > 4)
    {
      g_autofree char *s = lsc_shape_to_string (&input->output_shape);
      return lsc_cli_fail_message ("%s takes input %s, not images (batch, height, width, 1–4 channels)", argv[1], s);
    }
  if (output->output_shape.ndim != 2)
    {
      g_autofree char *s = lsc_shape_to_string (&output->output_shape);
      return lsc_cli_fail_message ("%s outputs %s, not class scores (batch, classes)", argv[1], s);
    }

  height = input->output_shape.dims[1];
  width = input->output_shape.dims[2];
  channels = input->output_shape.dims[3];
  /* A None height or width takes each image at its own size. */
  batch = lsc_image_load_batch_with_flags ((const char *const *) argv + 2, (guint) (argc - 2),
                                           height, width, channels, resize, preprocess,
                                           invert ? LSC_IMAGE_FLAGS_INVERT : LSC_IMAGE_FLAGS_NONE,
                                           &error);
  if (batch == NULL)
    return lsc_cli_fail (error);

  if (!lsc_cli_engine_run_once (&engine, model, (const LscTensor *const *) &batch, 1, &scores, &error))
    return lsc_cli_fail (error);

  n_classes = (guint) scores->shape.dims[1];
  if (labels_path != NULL)
    {
      labels = lsc_labels_load (labels_path, &error);
      if (labels == NULL)
        return lsc_cli_fail (error);
    }
  else
    labels = find_labels_beside (argv[1]);
  n_labels = labels ? g_strv_length (labels) : 0;
  if (labels != NULL && n_labels != n_classes)
    g_printerr ("layerscope: warning: %u labels for %u classes; classes without a label show their index\n",
                n_labels, n_classes);

  top = lsc_predictions_top_k (scores, (guint) top_k, &k);
  for (int64_t b = 0; b < scores->shape.dims[0]; b++)
    {
      g_print ("%s\n", argv[2 + b]);
      for (guint j = 0; j < k; j++)
        {
          const LscPrediction *p = &top[b * k + j];
          const char *label = NULL;

          if (p->index < n_labels)
            label = labels[p->index];
          else if (labels == NULL && n_classes == 1000)
            label = lsc_labels_imagenet (p->index);

          if (label != NULL)
            g_print ("  %u. %-32s %8.4f  (class %u)\n", j + 1, label, p->score, p->index);
          else
            g_print ("  %u. class %-26u %8.4f\n", j + 1, p->index, p->score);
        }
    }
  return 0;
}
