/* A steady-state run allocates nothing: once an executor has run (its
 * outputs allocated by the first run and passed back in), further runs —
 * intra-op on several threads and replicas — make no call to malloc,
 * calloc, realloc or the aligned allocators. The test binary interposes
 * those functions (glibc lets a program define them) to count calls. */

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "plan/lsc-executor.h"
#include "zoo/lsc-zoo.h"

#include "lsc-test-util.h"

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *p, size_t size);
extern void *__libc_memalign (size_t alignment, size_t size);

static atomic_int counting;
static atomic_int n_allocations;

static void
count (void)
{
  if (atomic_load (&counting))
    atomic_fetch_add (&n_allocations, 1);
}

void *malloc (size_t size);
void *calloc (size_t n, size_t size);
void *realloc (void *p, size_t size);
void *memalign (size_t alignment, size_t size);
void *aligned_alloc (size_t alignment, size_t size);
int   posix_memalign (void **out, size_t alignment, size_t size);

void *
malloc (size_t size)
{
  count ();
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  count ();
  return __libc_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  count ();
  return __libc_realloc (p, size);
}

void *
memalign (size_t alignment, size_t size)
{
  count ();
  return __libc_memalign (alignment, size);
}

void *
aligned_alloc (size_t alignment, size_t size)
{
  count ();
  return __libc_memalign (alignment, size);
}

int
posix_memalign (void **out, size_t alignment, size_t size)
{
  count ();
  *out = __libc_memalign (alignment, size);
  return *out != NULL ? 0 : 12; /* ENOMEM */
}

static void
test_steady_state_allocates_nothing (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = lsc_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  LscZooOptions zoo = { g_str_equal (name, "mobilenetv2") ? 0.35 : 0, g_str_equal (name, "text-lstm") ? 0 : 32, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LscModel) model = NULL;

  g_assert_true (lsc_zoo_write (name, g_str_equal (name, "text-lstm") || g_str_equal (name, "lenet5") ? NULL : &zoo,
                                path, &error));
  g_assert_no_error (error);
  model = lsc_model_load (path, &error);
  g_assert_no_error (error);
  lsc_test_remove_tmp_dir (dir);

  for (LscStrategy strategy = LSC_STRATEGY_INTRA; strategy <= LSC_STRATEGY_REPLICAS; strategy++)
    {
      LscShape shape = lsc_model_get_node (model, lsc_model_get_input_node (model, 0))->output_shape;
      LscPlanOptions plan_options;
      LscExecutorOptions options;
      g_autoptr(LscPlan) plan = NULL;
      g_autoptr(LscExecutor) executor = NULL;
      g_autoptr(LscTensor) input = NULL;
      LscTensor *output = NULL;

      shape.dims[0] = 2;
      input = lsc_tensor_new (&shape);
      lsc_plan_options_init (&plan_options);
      lsc_executor_options_init (&options);
      options.n_threads = MIN (2, g_get_num_processors ());
      options.strategy = strategy;
      plan = lsc_plan_new (model, &shape, 1, &plan_options, &error);
      g_assert_no_error (error);
      executor = lsc_executor_new (plan, &options, &error);
      g_assert_no_error (error);

      g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &output, NULL, &error));
      atomic_store (&n_allocations, 0);
      atomic_store (&counting, 1);
      for (int r = 0; r < 5; r++)
        g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &output, NULL, NULL));
      atomic_store (&counting, 0);
      g_assert_no_error (error);
      g_assert_cmpint (atomic_load (&n_allocations), ==, 0);

      /* The counter works: the same run asked for a new output allocates. */
      lsc_tensor_free (output);
      output = NULL;
      atomic_store (&counting, 1);
      g_assert_true (lsc_executor_run (executor, (const LscTensor *const *) &input, 1, &output, NULL, &error));
      atomic_store (&counting, 0);
      g_assert_cmpint (atomic_load (&n_allocations), >, 0);
      lsc_tensor_free (output);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/plan/no-allocation/mobilenetv2", "mobilenetv2", test_steady_state_allocates_nothing);
  g_test_add_data_func ("/plan/no-allocation/resnet50", "resnet50", test_steady_state_allocates_nothing);
  g_test_add_data_func ("/plan/no-allocation/lenet5", "lenet5", test_steady_state_allocates_nothing);
  g_test_add_data_func ("/plan/no-allocation/text-lstm", "text-lstm", test_steady_state_allocates_nothing);
  return g_test_run ();
}
