#pragma once

/* Where the thread pool's workers run: one worker per core, never two on
 * one core, chosen from an hwloc topology by a policy. The plan is a pure
 * function of the topology, so tests check it on synthetic machines. */

#include <glib.h>
#include <hwloc.h>

G_BEGIN_DECLS

typedef enum
{
  LSC_PIN_COMPACT, /* cores in order: fill one package / L3 before the next */
  LSC_PIN_SCATTER, /* round-robin across packages, then L3 / L2 groups in them */
  LSC_PIN_NONE,    /* no binding: the OS scheduler places the threads */
} LscPinPolicy;

/* "compact", "scatter", "none". */
const char *lsc_pin_policy_to_string   (LscPinPolicy      policy);
/* The reverse; an unknown name is LSC_ENGINE_ERROR_BAD_CONFIG naming the
 * value and the choices. */
gboolean    lsc_pin_policy_from_string (const char       *name,
                                        LscPinPolicy     *out,
                                        GError          **error);

/* Number of cores (hwloc CORE objects; PUs if the topology has no cores). */
guint       lsc_topology_count_cores   (hwloc_topology_t  topology);

/* For n_threads workers on topology, the cpuset each worker is bound to:
 * one core each, the core's whole cpuset (all its hardware threads).
 * compact = cores in topology order; scatter = consecutive workers as far
 * apart as possible (alternating packages, then L3 / L2 groups inside them).
 * n_threads must be 1 .. number of cores, otherwise
 * LSC_ENGINE_ERROR_BAD_CONFIG (the machine is never oversubscribed). For
 * LSC_PIN_NONE every cpuset is NULL. cpusets_out has n_threads entries; the
 * caller frees each with hwloc_bitmap_free. Nothing is allocated on error. */
gboolean    lsc_pin_plan               (hwloc_topology_t  topology,
                                        guint             n_threads,
                                        LscPinPolicy      policy,
                                        hwloc_bitmap_t   *cpusets_out,
                                        GError          **error);

G_END_DECLS
