#include "profile/lsc-profile-report.h"

#include <math.h>
#include <string.h>

#include "probe/lsc-probe.h"

/* How long the thread pool's workers spin before they sleep
 * (lsc-thread-pool.c): the part of an idle gap that still burns a core. */
#define SPIN_NS 50000.0
/* Another process using more than this fraction of a CPU the profile runs
 * on during a run flags the run. */
#define INTERFERENCE_THRESHOLD 0.10

static const char *const run_kind_names[] = { "first", "warmup", "timed" };

const char *
lsc_run_kind_to_string (LscRunKind kind)
{
  g_return_val_if_fail (kind <= LSC_RUN_TIMED, "unknown");
  return run_kind_names[kind];
}

gboolean
lsc_run_kind_from_string (const char *name,
                          LscRunKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (run_kind_names); i++)
    if (g_strcmp0 (name, run_kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

LscProfileReport *
lsc_profile_report_new (guint n_layers,
                        guint n_workers)
{
  LscProfileReport *report = g_new0 (LscProfileReport, 1);

  g_atomic_ref_count_init (&report->ref_count);
  report->n_layers = n_layers;
  report->layers = g_new0 (LscProfileLayer, MAX (n_layers, 1));
  report->n_workers = n_workers;
  report->workers = g_new0 (LscProfileWorker, MAX (n_workers, 1));
  for (guint w = 0; w < n_workers; w++)
    report->workers[w].cpu = -1;
  report->runs = g_array_new (FALSE, TRUE, sizeof (LscProfileRun));
  report->slices = g_array_new (FALSE, TRUE, sizeof (LscProfileSlice));
  report->off_wall_ns = g_array_new (FALSE, TRUE, sizeof (double));
  report->cpu_samples = g_array_new (FALSE, TRUE, sizeof (LscProfileCpuSample));
  report->counts = g_new0 (double, (gsize) MAX (n_workers * n_layers, 1) * LSC_N_COUNTERS);
  report->overhead = NAN;
  report->max_other_cpu = -1;
  return report;
}

LscProfileReport *
lsc_profile_report_ref (LscProfileReport *report)
{
  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

void
lsc_profile_report_unref (LscProfileReport *report)
{
  if (report == NULL || !g_atomic_ref_count_dec (&report->ref_count))
    return;
  for (guint l = 0; l < report->n_layers; l++)
    {
      g_free (report->layers[l].name);
      g_free (report->layers[l].layers);
      g_free (report->layers[l].op);
      g_free (report->layers[l].kernel);
    }
  g_free (report->layers);
  g_free (report->workers);
  g_array_unref (report->runs);
  g_array_unref (report->slices);
  g_array_unref (report->off_wall_ns);
  for (guint i = 0; i < report->cpu_samples->len; i++)
    {
      LscProfileCpuSample *s = &g_array_index (report->cpu_samples, LscProfileCpuSample, i);
      g_free (s->util);
      g_free (s->other);
      g_free (s->freq_mhz);
    }
  g_array_unref (report->cpu_samples);
  g_free (report->counts);
  g_free (report->model_path);
  g_free (report->model_name);
  g_free (report->strategy);
  g_free (report->pin);
  g_free (report->isa);
  g_free (report->background_load);
  g_free (report->created);
  g_free (report->host);
  g_free (report->layerscope_version);
  g_free (report->clock_source);
  g_free (report->clock_why);
  g_clear_pointer (&report->machine, json_node_unref);
  g_clear_pointer (&report->probe, json_node_unref);
  g_free (report->counter_backend);
  g_free (report->counter_reason);
  g_free (report->monitor_reason);
  g_free (report);
}

guint
lsc_profile_report_add_run (LscProfileReport *report,
                            LscRunKind        kind,
                            double            start_ns,
                            double            wall_ns)
{
  LscProfileRun run = { kind, start_ns, wall_ns, 0.0, FALSE };

  g_return_val_if_fail (!report->sealed, 0);
  g_array_append_val (report->runs, run);
  return report->runs->len - 1;
}

void
lsc_profile_report_add_slice (LscProfileReport      *report,
                              const LscProfileSlice *slice)
{
  g_return_if_fail (!report->sealed);
  g_array_append_vals (report->slices, slice, 1);
}

void
lsc_profile_report_add_cpu_sample (LscProfileReport *report,
                                   double            t_ns,
                                   const float      *util,
                                   const float      *other,
                                   const float      *freq_mhz)
{
  LscProfileCpuSample s = {
    t_ns,
    g_memdup2 (util, report->n_cpus * sizeof (float)),
    g_memdup2 (other, report->n_cpus * sizeof (float)),
    g_memdup2 (freq_mhz, report->n_cpus * sizeof (float)),
  };

  g_return_if_fail (!report->sealed);
  g_array_append_val (report->cpu_samples, s);
}

double
lsc_profile_report_get_count (LscProfileReport *report,
                              guint             worker,
                              guint             layer,
                              LscCounter        counter)
{
  g_return_val_if_fail (worker < report->n_workers && layer < report->n_layers, NAN);
  if ((report->counter_mask & (1u << counter)) == 0)
    return NAN;
  return report->counts[((gsize) worker * report->n_layers + layer) * LSC_N_COUNTERS + counter];
}

guint
lsc_profile_report_count_runs (LscProfileReport *report,
                               LscRunKind        kind)
{
  guint n = 0;

  for (guint r = 0; r < report->runs->len; r++)
    n += g_array_index (report->runs, LscProfileRun, r).kind == kind;
  return n;
}

/* ---- sealing: statistics from the slices --------------------------------- */

/* Per-run scratch, reused for every run. */
typedef struct
{
  double *span_sum;     /* n_layers: Σ span durations over replicas */
  guint  *span_n;
  double *span_t0;      /* earliest start */
  double *span_t1;      /* latest end */
  double *busy;         /* n_workers × n_layers */
  double *last_end;     /* n_workers: end of the worker's last busy slice */
} RunScratch;

/* Per-layer accumulation over runs. */
typedef struct
{
  double *timed;        /* n_timed_runs × n_layers, run-major */
  double *warmup;
  double *eff_sum;      /* n_layers */
  guint  *eff_n;
  double *imb_sum;
  guint  *imb_n;
} LayerAcc;

static void
scratch_reset (LscProfileReport *report,
               RunScratch       *s)
{
  const guint nl = report->n_layers, nw = report->n_workers;

  memset (s->span_sum, 0, nl * sizeof (double));
  memset (s->span_n, 0, nl * sizeof (guint));
  memset (s->busy, 0, (gsize) nw * nl * sizeof (double));
  for (guint l = 0; l < nl; l++)
    {
      s->span_t0[l] = INFINITY;
      s->span_t1[l] = -INFINITY;
    }
  for (guint w = 0; w < nw; w++)
    s->last_end[w] = NAN;
}

/* Idle time in a gap of `gap` ns: the first SPIN_NS of it spin. */
static void
add_gap (LscProfileWorker *worker,
         double            gap)
{
  if (gap <= 0.0)
    return;
  worker->spin_ns += MIN (gap, SPIN_NS);
}

/* Folds one run's slices [first, end) into the run and the accumulators. */
static void
seal_run (LscProfileReport *report,
          guint             r,
          guint             first,
          guint             end,
          RunScratch       *s,
          LayerAcc         *acc,
          guint             timed_index,
          guint             warmup_index)
{
  LscProfileRun *run = &g_array_index (report->runs, LscProfileRun, r);
  const guint nl = report->n_layers, nw = report->n_workers;

  scratch_reset (report, s);
  for (guint i = first; i < end; i++)
    {
      const LscProfileSlice *sl = &g_array_index (report->slices, LscProfileSlice, i);
      const double d = sl->t1_ns - sl->t0_ns;

      if (sl->layer >= nl)
        continue;
      if (sl->kind == LSC_SLICE_SPAN)
        {
          s->span_sum[sl->layer] += d;
          s->span_n[sl->layer]++;
          s->span_t0[sl->layer] = MIN (s->span_t0[sl->layer], sl->t0_ns);
          s->span_t1[sl->layer] = MAX (s->span_t1[sl->layer], sl->t1_ns);
        }
      else if (sl->worker < nw)
        {
          s->busy[(gsize) sl->worker * nl + sl->layer] += d;
          if (run->kind == LSC_RUN_TIMED)
            {
              LscProfileWorker *w = &report->workers[sl->worker];

              w->busy_ns += d;
              add_gap (w, sl->t0_ns - (isnan (s->last_end[sl->worker]) ? run->start_ns : s->last_end[sl->worker]));
              s->last_end[sl->worker] = sl->t1_ns;
            }
        }
    }

  run->layers_ns = 0.0;
  for (guint l = 0; l < nl; l++)
    {
      const double t = s->span_n[l] > 0 ? s->span_sum[l] / s->span_n[l] : 0.0;
      const double wall = s->span_n[l] > 0 ? s->span_t1[l] - s->span_t0[l] : 0.0;
      double busy_sum = 0.0, busy_max = 0.0;

      run->layers_ns += t;
      if (run->kind == LSC_RUN_FIRST)
        report->layers[l].first_ns = t;
      else if (run->kind == LSC_RUN_WARMUP)
        acc->warmup[(gsize) warmup_index * nl + l] = t;
      if (run->kind != LSC_RUN_TIMED)
        continue;
      acc->timed[(gsize) timed_index * nl + l] = t;
      for (guint w = 0; w < nw; w++)
        {
          busy_sum += s->busy[(gsize) w * nl + l];
          busy_max = MAX (busy_max, s->busy[(gsize) w * nl + l]);
        }
      if (wall > 0.0 && busy_sum > 0.0)
        {
          acc->eff_sum[l] += busy_sum / (nw * wall);
          acc->eff_n[l]++;
          acc->imb_sum[l] += busy_max / (busy_sum / nw);
          acc->imb_n[l]++;
        }
    }

  if (run->kind == LSC_RUN_TIMED)
    for (guint w = 0; w < nw; w++)
      {
        LscProfileWorker *wk = &report->workers[w];
        const double end_ns = run->start_ns + run->wall_ns;

        add_gap (wk, end_ns - (isnan (s->last_end[w]) ? run->start_ns : s->last_end[w]));
      }
}

/* The CPUs whose load by other processes matters: those the workers were
 * pinned to, or every CPU when they were not pinned (they may be anywhere). */
static gboolean *
watched_cpus (LscProfileReport *report)
{
  gboolean *watched = g_new0 (gboolean, MAX (report->n_cpus, 1));
  gboolean pinned = FALSE;

  for (guint w = 0; w < report->n_workers; w++)
    if (report->workers[w].cpu >= 0)
      {
        pinned = TRUE;
        if ((guint) report->workers[w].cpu < report->n_cpus)
          watched[report->workers[w].cpu] = TRUE;
      }
  for (guint c = 0; !pinned && c < report->n_cpus; c++)
    watched[c] = TRUE;
  return watched;
}

/* The worst other-process load on a watched CPU during [t0, t1]: each
 * sample covers the time since the one before. Runs come in time order,
 * so *cursor (the first sample that can still overlap one) only moves
 * forward and sealing stays linear in runs + samples. */
static double
other_load_during (LscProfileReport *report,
                   const gboolean   *watched,
                   double            t0,
                   double            t1,
                   guint            *cursor,
                   int              *cpu_out)
{
  double worst = 0.0;

  while (*cursor < report->cpu_samples->len
         && g_array_index (report->cpu_samples, LscProfileCpuSample, *cursor).t_ns < t0)
    (*cursor)++;
  for (guint i = *cursor; i < report->cpu_samples->len; i++)
    {
      const LscProfileCpuSample *smp = &g_array_index (report->cpu_samples, LscProfileCpuSample, i);
      const double from = i > 0 ? g_array_index (report->cpu_samples, LscProfileCpuSample, i - 1).t_ns : -INFINITY;

      if (from > t1)
        break;
      for (guint c = 0; c < report->n_cpus; c++)
        if (watched[c] && smp->other[c] > worst)
          {
            worst = smp->other[c];
            *cpu_out = c;
          }
    }
  return worst;
}

/* The roofs for the report's ISA and threads, from the probe's JSON, and
 * each layer's attainable performance (the Cache-Aware Roofline Model: the
 * bandwidth of the level its working set fits in). */
static void
seal_roofline (LscProfileReport *report)
{
  g_autoptr(LscProbe) probe = NULL;
  LscIsa isa;

  report->roof_peak_gflops = NAN;
  for (int l = 0; l < 4; l++)
    report->roof_gbs[l] = NAN;
  for (guint i = 0; i < report->n_layers; i++)
    {
      report->layers[i].roof_gflops = NAN;
      report->layers[i].compute_bound = -1;
    }
  if (report->probe == NULL || report->isa == NULL || !lsc_isa_from_string (report->isa, &isa, NULL))
    return;
  probe = lsc_probe_from_json (report->probe, NULL);
  if (probe == NULL)
    return;
  report->roof_peak_gflops = lsc_probe_get_peak_gflops (probe, isa, report->n_threads);
  for (int l = 0; l < 4; l++)
    report->roof_gbs[l] = lsc_probe_get_bandwidth_gbs (probe, l, report->n_threads);
  for (guint i = 0; i < report->n_layers; i++)
    {
      LscProfileLayer *layer = &report->layers[i];
      const double bw = layer->fits >= 0 ? report->roof_gbs[layer->fits] : NAN;
      const double memory_roof = bw * layer->intensity;

      if (isnan (report->roof_peak_gflops) || isnan (memory_roof))
        continue;
      layer->compute_bound = report->roof_peak_gflops <= memory_roof;
      layer->roof_gflops = MIN (report->roof_peak_gflops, memory_roof);
    }
}

void
lsc_profile_report_seal (LscProfileReport *report)
{
  const guint nl = report->n_layers, nw = report->n_workers;
  const guint n_timed = lsc_profile_report_count_runs (report, LSC_RUN_TIMED);
  const guint n_warmup = lsc_profile_report_count_runs (report, LSC_RUN_WARMUP);
  g_autofree double *column = g_new (double, MAX (MAX (n_timed, n_warmup), report->off_wall_ns->len) + 1);
  RunScratch s = {
    g_new0 (double, MAX (nl, 1)), g_new0 (guint, MAX (nl, 1)), g_new0 (double, MAX (nl, 1)),
    g_new0 (double, MAX (nl, 1)), g_new0 (double, (gsize) MAX (nw * nl, 1)), g_new0 (double, MAX (nw, 1)),
  };
  LayerAcc acc = {
    g_new0 (double, (gsize) MAX (n_timed * nl, 1)), g_new0 (double, (gsize) MAX (n_warmup * nl, 1)),
    g_new0 (double, MAX (nl, 1)), g_new0 (guint, MAX (nl, 1)),
    g_new0 (double, MAX (nl, 1)), g_new0 (guint, MAX (nl, 1)),
  };
  guint slice = 0, timed = 0, warmup = 0, n;
  double sum_p50 = 0.0;
  g_autofree gboolean *watched = NULL;
  guint cursor = 0;

  g_return_if_fail (!report->sealed);

  for (guint w = 0; w < nw; w++)
    report->workers[w].busy_ns = report->workers[w].idle_ns = report->workers[w].spin_ns = 0.0;
  for (guint l = 0; l < nl; l++)
    report->layers[l].first_ns = NAN;

  /* Slices are grouped by run, in run order. */
  for (guint r = 0; r < report->runs->len; r++)
    {
      const guint first = slice;
      const LscProfileRun *run = &g_array_index (report->runs, LscProfileRun, r);

      while (slice < report->slices->len
             && g_array_index (report->slices, LscProfileSlice, slice).run == r)
        slice++;
      seal_run (report, r, first, slice, &s, &acc, timed, warmup);
      if (run->kind == LSC_RUN_TIMED)
        {
          for (guint w = 0; w < nw; w++)
            report->workers[w].idle_ns += run->wall_ns;
          timed++;
        }
      warmup += run->kind == LSC_RUN_WARMUP;
    }
  for (guint w = 0; w < nw; w++)
    report->workers[w].idle_ns = MAX (report->workers[w].idle_ns - report->workers[w].busy_ns, 0.0);

  for (guint l = 0; l < nl; l++)
    {
      LscProfileLayer *layer = &report->layers[l];
      const double bytes = layer->weight_bytes + layer->input_bytes + layer->output_bytes;

      for (guint i = 0; i < n_timed; i++)
        column[i] = acc.timed[(gsize) i * nl + l];
      lsc_stats_compute (&layer->time, column, n_timed);
      for (guint i = 0; i < n_warmup; i++)
        column[i] = acc.warmup[(gsize) i * nl + l];
      lsc_stats_compute (&layer->warmup, column, n_warmup);

      layer->working_set_bytes = bytes;
      layer->fits = -1;
      if (report->cache_bytes[0] > 0)
        {
          layer->fits = 3;
          for (int c = 2; c >= 0; c--)
            if (report->cache_bytes[c] > 0 && bytes <= (double) report->cache_bytes[c])
              layer->fits = c;
        }
      layer->intensity = bytes > 0.0 ? layer->flops / bytes : NAN;
      layer->gflops = layer->time.p50 > 0.0 ? layer->flops / layer->time.p50 : NAN;
      layer->gbs = layer->time.p50 > 0.0 ? bytes / layer->time.p50 : NAN;
      layer->efficiency = acc.eff_n[l] > 0 ? acc.eff_sum[l] / acc.eff_n[l] : NAN;
      layer->imbalance = acc.imb_n[l] > 0 ? acc.imb_sum[l] / acc.imb_n[l] : NAN;
      if (!isnan (layer->time.p50))
        sum_p50 += layer->time.p50;

      for (guint c = 0; c < LSC_N_COUNTERS; c++)
        {
          double total = 0.0;

          for (guint w = 0; w < nw; w++)
            total += report->counts[((gsize) w * nl + l) * LSC_N_COUNTERS + c];
          layer->counters[c] = (report->counter_mask & (1u << c)) ? total : NAN;
        }
    }
  for (guint l = 0; l < nl; l++)
    report->layers[l].share = sum_p50 > 0.0 ? report->layers[l].time.p50 / sum_p50 : NAN;

  /* Runs: wall statistics, interference. */
  watched = watched_cpus (report);
  n = 0;
  report->n_interfered = 0;
  report->max_other_load = 0.0;
  report->max_other_cpu = -1;
  for (guint r = 0; r < report->runs->len; r++)
    {
      LscProfileRun *run = &g_array_index (report->runs, LscProfileRun, r);
      int cpu = -1;
      double load;

      if (run->kind != LSC_RUN_TIMED)
        continue;
      column[n++] = run->wall_ns;
      load = other_load_during (report, watched, run->start_ns, run->start_ns + run->wall_ns, &cursor, &cpu);
      run->interfered = load > INTERFERENCE_THRESHOLD;
      report->n_interfered += run->interfered;
      if (load > report->max_other_load)
        {
          report->max_other_load = load;
          report->max_other_cpu = cpu;
        }
    }
  seal_roofline (report);
  lsc_stats_compute (&report->wall, column, n);
  memcpy (column, report->off_wall_ns->data, report->off_wall_ns->len * sizeof (double));
  lsc_stats_compute (&report->off_wall, column, report->off_wall_ns->len);
  report->overhead = report->off_wall.n > 0 && report->wall.n > 0
                     ? report->wall.p50 / report->off_wall.p50 - 1.0 : NAN;

  g_free (s.span_sum);
  g_free (s.span_n);
  g_free (s.span_t0);
  g_free (s.span_t1);
  g_free (s.busy);
  g_free (s.last_end);
  g_free (acc.timed);
  g_free (acc.warmup);
  g_free (acc.eff_sum);
  g_free (acc.eff_n);
  g_free (acc.imb_sum);
  g_free (acc.imb_n);
  report->sealed = TRUE;
}
