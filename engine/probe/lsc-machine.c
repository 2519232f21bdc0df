#include "probe/lsc-machine.h"

#include <errno.h>
#include <string.h>

#include "core/lsc-error.h"
#include "probe/lsc-json-read.h"
#include "threads/lsc-pin.h"

static const char *const cache_level_names[LSC_N_CACHE_LEVELS] = { "L1d", "L2", "L3" };

const char *
lsc_cache_level_to_string (LscCacheLevel level)
{
  g_return_val_if_fail (level < LSC_N_CACHE_LEVELS, "unknown");
  return cache_level_names[level];
}

/* "model name" of the first processor in /proc/cpuinfo, for the rare
 * hwloc backend that does not fill in CPUModel. */
static char *
cpuinfo_model_name (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }
  return NULL;
}

static char *
cpu_model (hwloc_topology_t topology)
{
  hwloc_obj_t root = hwloc_get_root_obj (topology);
  hwloc_obj_t package = hwloc_get_obj_by_type (topology, HWLOC_OBJ_PACKAGE, 0);
  const char *model = NULL, *synthetic;

  if (package != NULL)
    model = hwloc_obj_get_info_by_name (package, "CPUModel");
  if (model == NULL)
    model = hwloc_obj_get_info_by_name (root, "CPUModel");
  if (model != NULL && *model != '\0')
    return g_strstrip (g_strdup (model));

  /* Never this machine's /proc/cpuinfo for someone else's topology. */
  if (hwloc_topology_is_thissystem (topology))
    {
      char *name = cpuinfo_model_name ();

      if (name != NULL && *name != '\0')
        return name;
      g_free (name);
    }
  synthetic = hwloc_obj_get_info_by_name (root, "SyntheticDescription");
  if (synthetic != NULL)
    return g_strdup_printf ("synthetic: %s", synthetic);
  return g_strdup ("unknown CPU");
}

static guint
count_type (hwloc_topology_t topology,
            hwloc_obj_type_t type)
{
  int n = hwloc_get_nbobjs_by_type (topology, type);

  return n > 0 ? (guint) n : 0;
}

LscMachine *
lsc_machine_new_from_topology (hwloc_topology_t   topology,
                               GError           **error)
{
  static const hwloc_obj_type_t cache_types[LSC_N_CACHE_LEVELS] = {
    HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
  };
  g_autoptr(LscMachine) machine = NULL;
  /* A core is what a worker owns; topologies without core objects (some
   * VMs, synthetic descriptions) count PUs, as lsc-pin does. */
  const hwloc_obj_type_t core_type =
    count_type (topology, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
  hwloc_obj_t root;

  g_return_val_if_fail (topology != NULL, NULL);

  if (count_type (topology, HWLOC_OBJ_PU) == 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "the hwloc topology lists no processing units (is it loaded?)");
      return NULL;
    }

  machine = g_new0 (LscMachine, 1);
  machine->cpu_model = cpu_model (topology);
  machine->n_packages = MAX (count_type (topology, HWLOC_OBJ_PACKAGE), 1);
  machine->n_cores = lsc_topology_count_cores (topology);
  machine->n_pus = count_type (topology, HWLOC_OBJ_PU);
  machine->n_numa_nodes = MAX (count_type (topology, HWLOC_OBJ_NUMANODE), 1);

  for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
    {
      hwloc_obj_t cache = hwloc_get_obj_by_type (topology, cache_types[level], 0);
      int sharing;

      if (cache == NULL || cache->attr == NULL || cache->attr->cache.size == 0)
        continue;
      sharing = hwloc_get_nbobjs_inside_cpuset_by_type (topology, cache->cpuset, core_type);
      machine->cache_bytes[level] = cache->attr->cache.size;
      machine->cache_cores[level] = sharing > 0 ? (guint) sharing : 1;
    }

  root = hwloc_get_root_obj (topology);
  machine->memory_bytes = root->total_memory;
  if (machine->memory_bytes == 0)
    for (hwloc_obj_t node = hwloc_get_obj_by_type (topology, HWLOC_OBJ_NUMANODE, 0);
         node != NULL; node = node->next_cousin)
      machine->memory_bytes += node->attr->numanode.local_memory;

  return g_steal_pointer (&machine);
}

LscMachine *
lsc_machine_new_for_this_system (GError **error)
{
  hwloc_topology_t topology;
  LscMachine *machine;

  if (hwloc_topology_init (&topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not initialise the hwloc topology: %s", g_strerror (errno));
      return NULL;
    }
  if (hwloc_topology_load (topology) < 0)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_FAILED,
                   "could not read this machine's topology with hwloc: %s", g_strerror (errno));
      hwloc_topology_destroy (topology);
      return NULL;
    }
  machine = lsc_machine_new_from_topology (topology, error);
  hwloc_topology_destroy (topology);
  return machine;
}

LscMachine *
lsc_machine_copy (const LscMachine *machine)
{
  LscMachine *copy = g_memdup2 (machine, sizeof (LscMachine));

  copy->cpu_model = g_strdup (machine->cpu_model);
  return copy;
}

void
lsc_machine_free (LscMachine *machine)
{
  if (machine == NULL)
    return;
  g_free (machine->cpu_model);
  g_free (machine);
}

gboolean
lsc_machine_equal (const LscMachine *a,
                   const LscMachine *b)
{
  return g_strcmp0 (a->cpu_model, b->cpu_model) == 0 &&
         a->n_packages == b->n_packages && a->n_cores == b->n_cores &&
         a->n_pus == b->n_pus && a->n_numa_nodes == b->n_numa_nodes &&
         memcmp (a->cache_bytes, b->cache_bytes, sizeof a->cache_bytes) == 0 &&
         memcmp (a->cache_cores, b->cache_cores, sizeof a->cache_cores) == 0 &&
         a->memory_bytes == b->memory_bytes;
}

guint
lsc_machine_count_caches (const LscMachine *machine,
                          LscCacheLevel     level)
{
  g_return_val_if_fail (level < LSC_N_CACHE_LEVELS, 0);

  if (machine->cache_bytes[level] == 0 || machine->cache_cores[level] == 0)
    return 0;
  return (machine->n_cores + machine->cache_cores[level] - 1) / machine->cache_cores[level];
}

JsonNode *
lsc_machine_to_json (const LscMachine *machine)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cpu_model");
  json_builder_add_string_value (b, machine->cpu_model);
  json_builder_set_member_name (b, "packages");
  json_builder_add_int_value (b, machine->n_packages);
  json_builder_set_member_name (b, "cores");
  json_builder_add_int_value (b, machine->n_cores);
  json_builder_set_member_name (b, "pus");
  json_builder_add_int_value (b, machine->n_pus);
  json_builder_set_member_name (b, "numa_nodes");
  json_builder_add_int_value (b, machine->n_numa_nodes);
  json_builder_set_member_name (b, "cache_bytes");
  json_builder_begin_array (b);
  for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
    json_builder_add_int_value (b, (gint64) machine->cache_bytes[level]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "cache_cores");
  json_builder_begin_array (b);
  for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
    json_builder_add_int_value (b, machine->cache_cores[level]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "memory_bytes");
  json_builder_add_int_value (b, (gint64) machine->memory_bytes);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Limits far beyond any machine, so garbage is refused but nothing real. */
#define MAX_COUNT (1u << 20)
#define MAX_BYTES (G_GUINT64_CONSTANT (1) << 56)

static gboolean
read_count (JsonObject  *object,
            const char  *name,
            guint       *out,
            GError     **error)
{
  guint64 value;

  if (!lsc_json_read_uint (object, name, 1, MAX_COUNT, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* cache_bytes or cache_cores: three integers. */
static gboolean
read_levels (JsonObject  *object,
             const char  *name,
             guint64      max,
             guint64     *out,
             GError     **error)
{
  JsonArray *array = lsc_json_read_array (object, name, LSC_N_CACHE_LEVELS, error);

  if (array == NULL)
    return FALSE;
  for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
    {
      JsonNode *node = json_array_get_element (array, level);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 0 || (guint64) json_node_get_int (node) > max)
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "“%s” must hold three integers from 0 to %" G_GUINT64_FORMAT, name, max);
          return FALSE;
        }
      out[level] = (guint64) json_node_get_int (node);
    }
  return TRUE;
}

LscMachine *
lsc_machine_from_json (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(LscMachine) machine = g_new0 (LscMachine, 1);
  JsonObject *object = lsc_json_read_object (node, "machine", error);
  const char *model;
  guint64 cores[LSC_N_CACHE_LEVELS];

  if (object == NULL)
    return NULL;
  if (!lsc_json_read_string (object, "cpu_model", &model, error) ||
      !read_count (object, "packages", &machine->n_packages, error) ||
      !read_count (object, "cores", &machine->n_cores, error) ||
      !read_count (object, "pus", &machine->n_pus, error) ||
      !read_count (object, "numa_nodes", &machine->n_numa_nodes, error) ||
      !read_levels (object, "cache_bytes", MAX_BYTES, machine->cache_bytes, error) ||
      !read_levels (object, "cache_cores", MAX_COUNT, cores, error) ||
      !lsc_json_read_uint (object, "memory_bytes", 0, MAX_BYTES, &machine->memory_bytes, error))
    {
      g_prefix_error (error, "machine: ");
      return NULL;
    }
  machine->cpu_model = g_strdup (model);
  for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
    {
      machine->cache_cores[level] = (guint) cores[level];
      /* A size without sharing (or the reverse) cannot come from
       * lsc_machine_new_from_topology. */
      if ((machine->cache_bytes[level] == 0) != (machine->cache_cores[level] == 0))
        {
          g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                       "machine: the %s cache has a size of %" G_GUINT64_FORMAT
                       " bytes but is shared by %u cores",
                       cache_level_names[level], machine->cache_bytes[level],
                       machine->cache_cores[level]);
          return NULL;
        }
    }
  if (machine->n_pus < machine->n_cores)
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT,
                   "machine: %u PUs cannot hold %u cores", machine->n_pus, machine->n_cores);
      return NULL;
    }
  return g_steal_pointer (&machine);
}
