#include "plan/lsc-executor.h"

#include <string.h>

#include "plan/lsc-plan-private.h"
#include "profile/lsc-profile-recorder.h"

/* An arena with every op bound to it. Intra-op has one, run by all the
 * pool's threads together; replicas have one each, run by one worker each
 * (pinned to its own core by the pool). */
typedef struct
{
  float      *arena;
  LscBoundOp *bound;      /* one per op */
} Replica;

struct _LscExecutor
{
  LscPlan            *plan;
  LscExecutorOptions  options;
  LscThreadPool      *pool;
  Replica            *replicas;
  guint               n_replicas;
  LscProfileRecorder *recorder;     /* NULL: not profiling */
};

/* What one run hands to the replicas. */
typedef struct
{
  LscExecutor            *executor;
  const LscTensor *const *inputs;
  LscTensor             **outputs;
  int64_t                 batch;
  GCancellable           *cancellable;
  gint                    cancelled;
} RunJob;

static const char *const strategy_names[] = { "intra", "replicas" };

const char *
lsc_strategy_to_string (LscStrategy strategy)
{
  g_return_val_if_fail (strategy <= LSC_STRATEGY_REPLICAS, "unknown");
  return strategy_names[strategy];
}

gboolean
lsc_strategy_from_string (const char  *name,
                          LscStrategy *out,
                          GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (strategy_names); i++)
    if (g_strcmp0 (name, strategy_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "unknown strategy “%s” (choose intra or replicas)", name);
  return FALSE;
}

void
lsc_executor_options_init (LscExecutorOptions *options)
{
  options->n_threads = 1;
  options->pin = LSC_PIN_COMPACT;
  options->strategy = LSC_STRATEGY_INTRA;
}

static float *
storage_address (LscPlan *plan,
                 float   *arena,
                 guint    value)
{
  const LscValue *v = &g_array_index (plan->values, LscValue, value);
  const LscStorage *s = &g_array_index (plan->storages, LscStorage, v->storage);

  return arena + s->offset;
}

static void
replica_bind (LscPlan *plan,
              Replica *replica)
{
  /* At least one cache line, so that an empty plan still has an arena. */
  replica->arena = g_aligned_alloc0 (MAX (plan->arena_floats, 16), sizeof (float), 64);
  replica->bound = g_new0 (LscBoundOp, plan->ops->len);
  for (guint o = 0; o < plan->ops->len; o++)
    {
      const LscOp *op = g_ptr_array_index (plan->ops, o);
      LscBoundOp *b = &replica->bound[o];

      for (guint k = 0; k < op->n_inputs; k++)
        b->in[k] = storage_address (plan, replica->arena, op->inputs[k]);
      b->out = storage_address (plan, replica->arena, op->output);
      if (op->klass->bind != NULL)
        b->state = op->klass->bind (op, b);
    }
}

static void
replica_unbind (LscPlan *plan,
                Replica *replica)
{
  for (guint o = 0; replica->bound != NULL && o < plan->ops->len; o++)
    {
      const LscOp *op = g_ptr_array_index (plan->ops, o);
      if (op->klass->unbind != NULL && replica->bound[o].state != NULL)
        op->klass->unbind (replica->bound[o].state);
    }
  g_free (replica->bound);
  g_aligned_free (replica->arena);
}

LscExecutor *
lsc_executor_new (LscPlan                  *plan,
                  const LscExecutorOptions *options,
                  GError                  **error)
{
  g_autoptr(LscExecutor) executor = g_new0 (LscExecutor, 1);

  g_return_val_if_fail (plan != NULL && options != NULL, NULL);

  executor->plan = lsc_plan_ref (plan);
  executor->options = *options;
  if (options->n_threads < 1)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "the thread count must be at least 1 (got %u)", options->n_threads);
      return NULL;
    }
  executor->pool = lsc_thread_pool_new (options->n_threads, options->pin, NULL, error);
  if (executor->pool == NULL)
    return NULL;

  executor->n_replicas = options->strategy == LSC_STRATEGY_REPLICAS ? options->n_threads : 1;
  executor->replicas = g_new0 (Replica, executor->n_replicas);
  for (guint r = 0; r < executor->n_replicas; r++)
    replica_bind (plan, &executor->replicas[r]);
  return g_steal_pointer (&executor);
}

void
lsc_executor_free (LscExecutor *executor)
{
  if (executor == NULL)
    return;
  for (guint r = 0; executor->replicas != NULL && r < executor->n_replicas; r++)
    replica_unbind (executor->plan, &executor->replicas[r]);
  g_free (executor->replicas);
  g_clear_pointer (&executor->pool, lsc_thread_pool_free);
  lsc_plan_unref (executor->plan);
  g_free (executor);
}

LscPlan *
lsc_executor_get_plan (LscExecutor *executor)
{
  return executor->plan;
}

const LscExecutorOptions *
lsc_executor_get_options (LscExecutor *executor)
{
  return &executor->options;
}

guint
lsc_executor_get_n_replicas (LscExecutor *executor)
{
  return executor->n_replicas;
}

LscThreadPool *
lsc_executor_get_pool (LscExecutor *executor)
{
  return executor->pool;
}

void
lsc_executor_set_recorder (LscExecutor        *executor,
                           LscProfileRecorder *recorder)
{
  executor->recorder = recorder;
  lsc_thread_pool_set_job_hook (executor->pool,
                                recorder != NULL && executor->n_replicas == 1 ? lsc_profile_recorder_job_hook : NULL,
                                recorder);
}

/* ---- running ------------------------------------------------------------ */

static gboolean
check_inputs (LscExecutor            *executor,
              const LscTensor *const *inputs,
              guint                   n_inputs,
              GError                **error)
{
  LscPlan *plan = executor->plan;
  LscModel *model = plan->model;

  if (n_inputs != lsc_model_get_n_inputs (model))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "the model takes %u inputs, %u given", lsc_model_get_n_inputs (model), n_inputs);
      return FALSE;
    }
  for (guint i = 0; i < n_inputs; i++)
    {
      const LscShape *want = &plan->input_shapes[i];
      const LscShape *have = &inputs[i]->shape;
      gboolean ok = have->ndim == want->ndim && have->dims[0] >= 1
                    && have->dims[0] <= plan->batch && have->dims[0] == inputs[0]->shape.dims[0];

      for (int d = 1; ok && d < want->ndim; d++)
        ok = have->dims[d] == want->dims[d];
      if (!ok)
        {
          g_autofree char *h = lsc_shape_to_string (have);
          g_autofree char *w = lsc_shape_to_string (want);
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "input %u has shape %s but the plan was made for %s "
                       "(any batch from 1 to %" G_GINT64_FORMAT ")",
                       i, h, w, (gint64) plan->batch);
          return FALSE;
        }
    }
  return TRUE;
}

/* Samples [first, first + count) of the run through one replica. */
static void
run_replica (RunJob        *job,
             guint          index,
             int64_t        first,
             int64_t        count,
             LscRunContext *ctx)
{
  Replica *replica = &job->executor->replicas[index];
  LscProfileRecorder *recorder = job->executor->recorder;
  LscPlan *plan = job->executor->plan;
  LscModel *model = plan->model;

  if (count <= 0)
    return;
  for (guint i = 0; i < lsc_model_get_n_inputs (model); i++)
    {
      const int64_t sample = _lsc_shape_sample_size (&job->inputs[i]->shape);
      memcpy (storage_address (plan, replica->arena, lsc_model_get_input_node (model, i)),
              job->inputs[i]->data + first * sample, count * sample * sizeof (float));
    }
  for (guint o = 0; o < plan->ops->len; o++)
    {
      const LscOp *op = g_ptr_array_index (plan->ops, o);

      if (g_atomic_int_get (&job->cancelled)
          || (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable)))
        {
          g_atomic_int_set (&job->cancelled, TRUE);
          return;
        }
      if (G_UNLIKELY (recorder != NULL))
        lsc_profile_recorder_op_begin (recorder, index, o);
      op->klass->run (op, &replica->bound[o], ctx, count);
      if (G_UNLIKELY (recorder != NULL))
        lsc_profile_recorder_op_end (recorder, index, o);
    }
  for (guint i = 0; i < lsc_model_get_n_outputs (model); i++)
    {
      const guint node = lsc_model_get_output_node (model, i);
      const int64_t sample = _lsc_shape_sample_size (&job->outputs[i]->shape);
      memcpy (job->outputs[i]->data + first * sample,
              storage_address (plan, replica->arena, node), count * sample * sizeof (float));
    }
}

static void
replica_worker (gpointer user_data,
                guint    worker,
                gsize    tile)
{
  RunJob *job = user_data;
  LscExecutor *executor = job->executor;
  const int64_t chunk = (job->batch + executor->n_replicas - 1) / executor->n_replicas;
  const int64_t first = (int64_t) tile * chunk;
  LscRunContext ctx = { executor->plan->kernels, NULL };

  run_replica (job, tile, first, MIN (chunk, job->batch - first), &ctx);
}

gboolean
lsc_executor_run (LscExecutor            *executor,
                  const LscTensor *const *inputs,
                  guint                   n_inputs,
                  LscTensor             **outputs,
                  GCancellable           *cancellable,
                  GError                **error)
{
  LscPlan *plan = executor->plan;
  LscModel *model = plan->model;
  const guint n_outputs = lsc_model_get_n_outputs (model);
  /* Which outputs this run created (freed again on failure); no heap
   * allocation for the usual few outputs, so a steady-state run allocates
   * nothing at all. */
  gboolean created_small[16] = { FALSE };
  g_autofree gboolean *created_large = n_outputs > G_N_ELEMENTS (created_small) ? g_new0 (gboolean, n_outputs) : NULL;
  gboolean *created = created_large != NULL ? created_large : created_small;
  RunJob job = { executor, inputs, outputs, 0, cancellable, FALSE };

  if (!check_inputs (executor, inputs, n_inputs, error))
    return FALSE;
  job.batch = inputs[0]->shape.dims[0];

  for (guint i = 0; i < n_outputs; i++)
    {
      const guint node = lsc_model_get_output_node (model, i);
      LscShape shape = g_array_index (plan->values, LscValue, node).shape;

      shape.dims[0] = job.batch;
      if (outputs[i] == NULL)
        {
          outputs[i] = lsc_tensor_new (&shape);
          created[i] = TRUE;
        }
      else if (!lsc_shape_equal (&outputs[i]->shape, &shape))
        {
          g_autofree char *h = lsc_shape_to_string (&outputs[i]->shape);
          g_autofree char *w = lsc_shape_to_string (&shape);
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "output %u has shape %s but the run makes %s", i, h, w);
          goto fail;
        }
    }

  if (executor->n_replicas > 1)
    lsc_thread_pool_run_on_each (executor->pool, replica_worker, &job);
  else
    {
      LscRunContext ctx = { plan->kernels, executor->pool };
      /* Pinned once for all the layers, not once per layer. */
      lsc_thread_pool_enter (executor->pool);
      run_replica (&job, 0, 0, job.batch, &ctx);
      lsc_thread_pool_leave (executor->pool);
    }

  if (job.cancelled)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_CANCELLED, "the run was cancelled");
      goto fail;
    }
  return TRUE;

fail:
  for (guint i = 0; i < n_outputs; i++)
    if (created[i])
      g_clear_pointer (&outputs[i], lsc_tensor_free);
  return FALSE;
}
