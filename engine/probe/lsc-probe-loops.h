#pragma once

/* The timed inner loops of the probe, one set per instruction set, each
 * compiled with only that set's flags (engine/probe/meson.build) from one
 * source, lsc-probe-loops-isa.c. */

#include <glib.h>

#include "kernels/lsc-isa.h"

G_BEGIN_DECLS

typedef struct
{
  /* `iterations` rounds of acc = acc * m + c on n_chains independent
   * vector accumulators (a fused multiply-add where the set has one, a
   * multiply and an add otherwise): flops_per_iteration each. Pick m just
   * below 1 and c small: the accumulators converge instead of overflowing.
   * Returns their sum, so nothing is optimised away. */
  float  (*peak)   (guint64 iterations,
                    float   m,
                    float   c);
  double   flops_per_iteration;
  /* Loads n_bytes of data (64-byte aligned, a multiple of 1 KiB) `passes`
   * times into independent vector sums, and returns their total. */
  float  (*stream) (const float *data,
                    gsize        n_bytes,
                    guint64      passes);
} LscProbeLoops;

/* The loops for isa, or NULL when this build has none (SIMD sets on other
 * architectures). The caller checks lsc_isa_is_supported first. */
const LscProbeLoops *lsc_probe_loops_for_isa (LscIsa isa);

extern const LscProbeLoops lsc_probe_loops_scalar;
extern const LscProbeLoops lsc_probe_loops_sse4;
extern const LscProbeLoops lsc_probe_loops_avx2;
extern const LscProbeLoops lsc_probe_loops_avx512;

G_END_DECLS
