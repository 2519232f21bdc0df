#pragma once

/* What hwloc says about a machine, in the few numbers the probe and the
 * roofline need: counts, the size and sharing of each cache level, memory.
 * A pure function of the topology, so tests check it on synthetic ones. */

#include <glib.h>
#include <hwloc.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Index into cache_bytes / cache_cores. */
typedef enum
{
  LSC_CACHE_L1D,
  LSC_CACHE_L2,
  LSC_CACHE_L3,
  LSC_N_CACHE_LEVELS
} LscCacheLevel;

typedef struct
{
  char    *cpu_model;           /* hwloc's CPUModel, else /proc/cpuinfo, else a description */
  guint    n_packages, n_cores, n_pus, n_numa_nodes;   /* each at least 1 */
  guint64  cache_bytes[LSC_N_CACHE_LEVELS];  /* one instance (the first); 0 when absent */
  guint    cache_cores[LSC_N_CACHE_LEVELS];  /* cores sharing one instance; 0 when absent */
  guint64  memory_bytes;        /* total NUMA memory */
} LscMachine;

/* "L1d", "L2", "L3". */
const char *lsc_cache_level_to_string    (LscCacheLevel     level);

/* Reads the topology (a loaded one: this machine's or synthetic). The CPU
 * model of a synthetic topology is "synthetic: DESCRIPTION". Fails
 * (LSC_ENGINE_ERROR_FAILED) only on a topology without PUs. */
LscMachine *lsc_machine_new_from_topology (hwloc_topology_t   topology,
                                           GError           **error);
/* This machine's, from a topology loaded and freed here. */
LscMachine *lsc_machine_new_for_this_system (GError         **error);
LscMachine *lsc_machine_copy              (const LscMachine  *machine);
void        lsc_machine_free              (LscMachine        *machine);
gboolean    lsc_machine_equal             (const LscMachine  *a,
                                           const LscMachine  *b);

/* Instances of a cache level on the machine (cores / cores sharing one,
 * rounded up); 0 when the level is absent. */
guint       lsc_machine_count_caches      (const LscMachine  *machine,
                                           LscCacheLevel      level);

/* {"cpu_model", "packages", "cores", "pus", "numa_nodes", "cache_bytes":
 * [L1d, L2, L3], "cache_cores": [L1d, L2, L3], "memory_bytes"}. */
JsonNode   *lsc_machine_to_json           (const LscMachine  *machine);
/* The reverse; a missing member or a value of the wrong type or range is
 * LSC_ENGINE_ERROR_BAD_INPUT naming it. */
LscMachine *lsc_machine_from_json         (JsonNode          *node,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LscMachine, lsc_machine_free)

G_END_DECLS
