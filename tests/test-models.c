/* Every real Keras model in ../shared/models loads and matches the outputs
 * that an independent Keras implementation computed for the stored inputs:
 * max |ours − ref| ≤ 1e-4 × max (1, max |ref|) for every output — with the
 * reference executor, and planned for every ISA this machine has, 1 and 2
 * threads, both strategies, fusion on and off. */

#include <math.h>
#include <string.h>

#include "model/lsc-hdf5.h"
#include "model/lsc-model.h"
#include "plan/lsc-executor.h"

#include "lsc-test-util.h"

typedef struct
{
  GPtrArray *inputs;    /* LscTensor * */
  GPtrArray *outputs;   /* LscTensor * */
} RefCase;

static void
ref_case_clear (RefCase *c)
{
  g_clear_pointer (&c->inputs, g_ptr_array_unref);
  g_clear_pointer (&c->outputs, g_ptr_array_unref);
}

static GPtrArray *
read_group (hid_t       file,
            const char *group)
{
  GPtrArray *tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) lsc_tensor_free);

  for (guint i = 0;; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%u", group, i);
      g_autoptr(GError) error = NULL;
      LscTensor *t;

      if (H5Lexists (file, group, H5P_DEFAULT) <= 0 || H5Lexists (file, path, H5P_DEFAULT) <= 0)
        break;
      t = lsc_hdf5_read_tensor (file, path, &error);
      g_assert_no_error (error);
      g_ptr_array_add (tensors, t);
    }
  return tensors;
}

static void
read_ref (const char *path,
          RefCase    *c)
{
  g_autoptr(GError) error = NULL;
  hid_t file;

  lsc_hdf5_lock ();
  file = lsc_hdf5_open_file (path, &error);
  g_assert_no_error (error);
  c->inputs = read_group (file, "inputs");
  c->outputs = read_group (file, "outputs");
  H5Fclose (file);
  lsc_hdf5_unlock ();
  g_assert_cmpuint (c->inputs->len, >, 0);
  g_assert_cmpuint (c->outputs->len, >, 0);
}

static void
assert_outputs_match (const char *what,
                      RefCase    *ref,
                      LscTensor **outputs)
{
  for (guint o = 0; o < ref->outputs->len; o++)
    {
      const LscTensor *want = g_ptr_array_index (ref->outputs, o);
      float max_ref = 0.0f, max_diff = 0.0f;

      g_assert_true (lsc_shape_equal (&outputs[o]->shape, &want->shape));
      for (int64_t i = 0; i < lsc_tensor_numel (want); i++)
        {
          max_ref = fmaxf (max_ref, fabsf (want->data[i]));
          max_diff = fmaxf (max_diff, fabsf (outputs[o]->data[i] - want->data[i]));
        }
      if (g_test_verbose ())
        g_test_message ("%s output %u: max |diff| %.3g (max |ref| %.3g)", what, o, max_diff, max_ref);
      if (!(max_diff <= 1e-4f * fmaxf (1.0f, max_ref)))
        g_error ("%s output %u: max |diff| %g > 1e-4 × max (1, %g)", what, o, max_diff, max_ref);
      g_clear_pointer (&outputs[o], lsc_tensor_free);
    }
}

static void
test_model_planned (gconstpointer data)
{
  const char *model_path = data;
  g_autofree char *ref_path = g_strconcat (model_path, ".ref.h5", NULL);
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree LscTensor **outputs = NULL;
  g_autofree LscShape *shapes = NULL;
  const guint max_threads = MIN (2, g_get_num_processors ());
  RefCase ref = { 0 };
  guint n_configs = 0;

  model = lsc_model_load (model_path, &error);
  g_assert_no_error (error);
  read_ref (ref_path, &ref);
  outputs = g_new0 (LscTensor *, ref.outputs->len);
  shapes = g_new0 (LscShape, ref.inputs->len);
  for (guint i = 0; i < ref.inputs->len; i++)
    shapes[i] = ((LscTensor *) g_ptr_array_index (ref.inputs, i))->shape;

  for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
    for (int fuse = 0; fuse <= 1; fuse++)
      {
        LscPlanOptions plan_options = { isa, fuse };
        g_autoptr(LscPlan) plan = NULL;

        if (!lsc_isa_is_supported (isa))
          continue;
        plan = lsc_plan_new (model, shapes, ref.inputs->len, &plan_options, &error);
        g_assert_no_error (error);

        for (guint threads = 1; threads <= max_threads; threads++)
          for (LscStrategy strategy = LSC_STRATEGY_INTRA; strategy <= LSC_STRATEGY_REPLICAS; strategy++)
            {
              LscExecutorOptions options = { threads, LSC_PIN_COMPACT, strategy };
              g_autoptr(LscExecutor) executor = lsc_executor_new (plan, &options, &error);
              g_autofree char *what = g_strdup_printf ("%s [%s, %s, %u thread(s), %s]", model_path,
                                                       lsc_isa_to_string (isa),
                                                       fuse ? "fused" : "unfused", threads,
                                                       lsc_strategy_to_string (strategy));
              g_assert_no_error (error);
              g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) ref.inputs->pdata,
                                               ref.inputs->len, outputs, NULL, &error));
              g_assert_no_error (error);
              assert_outputs_match (what, &ref, outputs);
              n_configs++;
            }
      }
  g_assert_cmpuint (n_configs, >=, 4);
  ref_case_clear (&ref);
}

static void
test_model_matches_reference (gconstpointer data)
{
  const char *model_path = data;
  g_autofree char *ref_path = g_strconcat (model_path, ".ref.h5", NULL);
  g_autoptr(LscModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree LscTensor **outputs = NULL;
  RefCase ref = { 0 };

  model = lsc_model_load (model_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  read_ref (ref_path, &ref);
  g_assert_cmpuint (lsc_model_get_n_inputs (model), ==, ref.inputs->len);
  g_assert_cmpuint (lsc_model_get_n_outputs (model), ==, ref.outputs->len);

  outputs = g_new0 (LscTensor *, ref.outputs->len);
  g_assert_true (lsc_model_run (model, (const LscTensor *const *) ref.inputs->pdata,
                                ref.inputs->len, outputs, &error));
  g_assert_no_error (error);

  assert_outputs_match (model_path, &ref, outputs);
  ref_case_clear (&ref);
}

static void
test_textvectorization_refused (gconstpointer data)
{
  const char *model_path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = lsc_model_load (model_path, &error);

  g_assert_null (model);
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER);
  g_assert_nonnull (strstr (error->message, "TextVectorization"));
  g_assert_nonnull (strstr (error->message, "text_vectorization"));
}

static void
test_no_shared_models (void)
{
  g_test_skip ("../shared/models is absent (a fresh clone): the real-model tests need it");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  g_test_init (&argc, &argv, NULL);

  dir = lsc_test_find_shared_models ();
  if (dir == NULL)
    {
      g_test_add_func ("/models/shared-models-absent", test_no_shared_models);
      return g_test_run ();
    }

  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((entry = g_dir_read_name (listing)) != NULL)
    if ((g_str_has_suffix (entry, ".h5") || g_str_has_suffix (entry, ".keras")) &&
        !g_str_has_suffix (entry, ".ref.h5"))
      g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      char *model_path = g_build_filename (dir, name, NULL);
      g_autofree char *ref_path = g_strconcat (model_path, ".ref.h5", NULL);
      g_autofree char *test_path = g_strdup_printf ("/models/%s", name);

      if (g_file_test (ref_path, G_FILE_TEST_EXISTS))
        {
          g_autofree char *planned_path = g_strdup_printf ("/models/planned/%s", name);
          g_test_add_data_func_full (planned_path, g_strdup (model_path), test_model_planned, g_free);
          g_test_add_data_func_full (test_path, model_path, test_model_matches_reference, g_free);
        }
      else if (strstr (name, "textvec") != NULL)
        g_test_add_data_func_full (test_path, model_path, test_textvectorization_refused, g_free);
      else
        g_free (model_path);
    }

  return g_test_run ();
}
