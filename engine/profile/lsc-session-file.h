#pragma once

/* The session file: a profile saved as HDF5, so a profile taken on a
 * server with `layerscope profile --session F` opens in the window on the
 * desktop (or is printed again with `layerscope report F`).
 *
 * It holds what was measured and the meta data only — slices, runs, counter
 * sums, CPU monitor samples, the model summary, machine and probe — never
 * the derived statistics: reading rebuilds the report and seals it, so the
 * statistics are recomputed by the same code and come out identical.
 *
 * Layout (schema LSC_PROFILE_SCHEMA_VERSION; h5py reads it as is):
 *   /                 attrs layerscope_session = "1" (the marker), schema,
 *                     generator, version, created, host
 *   /model            attrs path, name, params, macs_per_sample
 *   /config           attrs batch, threads, strategy, pin, isa, fused, cold, replicas
 *   /clock            attrs source, why, resolution_ns
 *   /machine          attr cache_bytes[3]; dataset json (string, absent when none)
 *   /probe            scalar string dataset, the probe's JSON (absent when none)
 *   /layers           compound[n_layers]: name, layers, op, kernel (UTF-8),
 *                     flops, weight_bytes, input_bytes, output_bytes
 *   /workers          int32[n_workers]: the CPU each was pinned to, -1 none
 *   /runs             compound[n_runs]: kind (enum first/warmup/timed), start_ns, wall_ns
 *   /slices           compound[n_slices], chunked, shuffled + deflated: run, layer,
 *                     worker, cpu, kind (enum busy/span), t0_ns, t1_ns;
 *                     attr dropped (slices lost to full buffers)
 *   /off_wall_ns      float64[n]: unprofiled runs
 *   /counters         attrs backend, reason, mask, multiplexed, names;
 *                     dataset counts float64[n_workers][n_layers][LSC_N_COUNTERS]
 *   /monitor          attrs hz, reason, n_cpus; datasets t_ns[n],
 *                     util, other, freq_mhz float32[n][n_cpus]
 * Optional strings (a NULL field) are absent attributes. */

#include <glib.h>

#include "profile/lsc-profile-report.h"

G_BEGIN_DECLS

/* Writes a sealed report to path, replacing it only once the whole file is
 * written. Errors: G_IO_ERROR for the file system, LSC_ENGINE_ERROR_HDF5. */
gboolean          lsc_session_file_write      (LscProfileReport  *report,
                                               const char        *path,
                                               GError           **error);
/* Reads a session file back into a sealed report. Errors name the file
 * and what is wrong: G_IO_ERROR_NOT_FOUND for a missing file,
 * LSC_ENGINE_ERROR_BAD_INPUT for a file that is no session (not HDF5, a
 * Keras model), one from a newer schema, or one whose data do not fit
 * together (missing datasets, wrong sizes, indices out of range), and
 * LSC_ENGINE_ERROR_HDF5 for one the library cannot read (truncated). */
LscProfileReport *lsc_session_file_read       (const char        *path,
                                               GError           **error);
/* Whether path is an HDF5 file carrying the session marker (the window
 * uses it to tell sessions from Keras models). */
gboolean          lsc_session_file_is_session (const char        *path);

G_END_DECLS
