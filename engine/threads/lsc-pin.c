#include "lsc-pin.h"

#include "core/lsc-error.h"

const char *
lsc_pin_policy_to_string (LscPinPolicy policy)
{
  switch (policy)
    {
    case LSC_PIN_COMPACT:
      return "compact";
    case LSC_PIN_SCATTER:
      return "scatter";
    case LSC_PIN_NONE:
      return "none";
    default:
      g_return_val_if_reached ("invalid");
    }
}

gboolean
lsc_pin_policy_from_string (const char    *name,
                            LscPinPolicy  *out,
                            GError       **error)
{
  static const LscPinPolicy policies[] = { LSC_PIN_COMPACT, LSC_PIN_SCATTER, LSC_PIN_NONE };

  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (policies); i++)
    if (g_str_equal (name, lsc_pin_policy_to_string (policies[i])))
      {
        *out = policies[i];
        return TRUE;
      }

  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "unknown thread pinning policy “%s” (choices: compact, scatter, none)",
               name != NULL ? name : "(null)");
  return FALSE;
}

/* The unit a worker owns: a core, or a PU on topologies that list no cores
 * (some virtual machines and synthetic descriptions). */
static hwloc_obj_type_t
worker_unit_type (hwloc_topology_t topology)
{
  return hwloc_get_nbobjs_by_type (topology, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

guint
lsc_topology_count_cores (hwloc_topology_t topology)
{
  int n;

  g_return_val_if_fail (topology != NULL, 0);

  n = hwloc_get_nbobjs_by_type (topology, worker_unit_type (topology));
  return n > 0 ? (guint) n : 0;
}

/* The units below obj in placement order. Compact concatenates the
 * children's orders (depth first, so one package / cache is filled before the
 * next); scatter deals them out round-robin, one unit from each child in
 * turn, and since every child's own order is dealt the same way, workers
 * i and i+1 end up under different children at the highest level that has
 * several. Single-child levels pass straight through. */
static GPtrArray *
order_units (hwloc_obj_t      obj,
             hwloc_obj_type_t unit_type,
             LscPinPolicy     policy)
{
  GPtrArray *order = g_ptr_array_new ();
  g_autoptr(GPtrArray) child_orders = NULL;
  guint longest = 0;

  if (obj->type == unit_type)
    {
      g_ptr_array_add (order, obj);
      return order;
    }

  child_orders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < obj->arity; i++)
    {
      GPtrArray *child_order = order_units (obj->children[i], unit_type, policy);

      longest = MAX (longest, child_order->len);
      g_ptr_array_add (child_orders, child_order);
    }

  if (policy == LSC_PIN_SCATTER)
    {
      for (guint round = 0; round < longest; round++)
        for (guint i = 0; i < child_orders->len; i++)
          {
            GPtrArray *child_order = g_ptr_array_index (child_orders, i);

            if (round < child_order->len)
              g_ptr_array_add (order, g_ptr_array_index (child_order, round));
          }
    }
  else
    {
      for (guint i = 0; i < child_orders->len; i++)
        {
          GPtrArray *child_order = g_ptr_array_index (child_orders, i);

          for (guint j = 0; j < child_order->len; j++)
            g_ptr_array_add (order, g_ptr_array_index (child_order, j));
        }
    }

  return order;
}

gboolean
lsc_pin_plan (hwloc_topology_t  topology,
              guint             n_threads,
              LscPinPolicy      policy,
              hwloc_bitmap_t   *cpusets_out,
              GError          **error)
{
  g_autoptr(GPtrArray) order = NULL;
  hwloc_obj_type_t unit_type;
  guint n_cores;

  g_return_val_if_fail (topology != NULL, FALSE);
  g_return_val_if_fail (cpusets_out != NULL || n_threads == 0, FALSE);

  if (policy != LSC_PIN_COMPACT && policy != LSC_PIN_SCATTER && policy != LSC_PIN_NONE)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "invalid thread pinning policy %d", (int) policy);
      return FALSE;
    }

  n_cores = lsc_topology_count_cores (topology);
  if (n_threads == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "asked for 0 threads; at least 1 is needed");
      return FALSE;
    }
  /* More threads than cores would put two compute-bound workers on one
   * core, each waiting for the other at every barrier. */
  if (n_threads > n_cores)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "asked for %u threads, this machine has %u cores", n_threads, n_cores);
      return FALSE;
    }

  if (policy == LSC_PIN_NONE)
    {
      for (guint i = 0; i < n_threads; i++)
        cpusets_out[i] = NULL;
      return TRUE;
    }

  unit_type = worker_unit_type (topology);
  order = order_units (hwloc_get_root_obj (topology), unit_type, policy);
  /* Every core hangs below the root; a shorter list would be an hwloc bug. */
  if (order->len < n_threads)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "the topology lists %u cores but only %u are in its tree",
                   n_cores, order->len);
      return FALSE;
    }

  for (guint i = 0; i < n_threads; i++)
    {
      hwloc_obj_t unit = g_ptr_array_index (order, i);

      cpusets_out[i] = hwloc_bitmap_dup (unit->cpuset);
    }
  return TRUE;
}
