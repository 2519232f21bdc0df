/* Reference recurrent kernels: one sample, one step at a time, with the
 * products written out as plain loops. Keras computes each step as
 * matmuls of the step's input and the previous output, then the gate
 * activations; these loops do the same in the same order of operations
 * (x W, then h U, then the sum), in float32. */

#include "lsc-ref-rnn.h"

#include <string.h>

/* out[j] = sum_i v[i] * m[i][j] for an (n, cols) row-major matrix m. */
static void
vec_mat (const float *v,
         int64_t      n,
         const float *m,
         int64_t      cols,
         float       *out)
{
  memset (out, 0, (size_t) cols * sizeof (float));
  for (int64_t i = 0; i < n; i++)
    {
      const float vi = v[i];
      const float *row = m + i * cols;

      for (int64_t j = 0; j < cols; j++)
        out[j] += vi * row[j];
    }
}

/* The input index of the step-th step taken. */
static inline int64_t
step_input (const LscRefRnnConfig *config,
            int64_t                step)
{
  return config->go_backwards ? config->time - 1 - step : step;
}

/* Where the step-th output of sample b goes, or NULL when only the last
 * step is kept and this is not it. */
static inline float *
step_output (const LscRefRnnConfig *config,
             float                 *out,
             int64_t                b,
             int64_t                step)
{
  if (config->return_sequences)
    return out + (b * config->time + step) * config->units;
  if (step == config->time - 1)
    return out + b * config->units;
  return NULL;
}

void
lsc_ref_simple_rnn (const LscRefRnnConfig *config,
                    const float           *x,
                    const float           *kernel,
                    const float           *recurrent_kernel,
                    const float           *bias,
                    float                 *out)
{
  const int64_t u = config->units;
  const int64_t in = config->input_dim;
  g_autofree float *h = g_new0 (float, u);
  g_autofree float *xw = g_new (float, u);
  g_autofree float *hu = g_new (float, u);

  if (!config->return_sequences)
    memset (out, 0, (size_t) (config->batch * u) * sizeof (float));

  for (int64_t b = 0; b < config->batch; b++)
    {
      memset (h, 0, (size_t) u * sizeof (float));
      for (int64_t step = 0; step < config->time; step++)
        {
          const float *xt = x + (b * config->time + step_input (config, step)) * in;
          float *dest;

          vec_mat (xt, in, kernel, u, xw);
          if (bias != NULL)
            for (int64_t j = 0; j < u; j++)
              xw[j] += bias[j];
          vec_mat (h, u, recurrent_kernel, u, hu);
          for (int64_t j = 0; j < u; j++)
            h[j] = xw[j] + hu[j];
          lsc_activation_apply (config->activation, h, u, u);

          dest = step_output (config, out, b, step);
          if (dest != NULL)
            memcpy (dest, h, (size_t) u * sizeof (float));
        }
    }
}

void
lsc_ref_lstm (const LscRefRnnConfig *config,
              const float           *x,
              const float           *kernel,
              const float           *recurrent_kernel,
              const float           *bias,
              float                 *out)
{
  const int64_t u = config->units;
  const int64_t in = config->input_dim;
  g_autofree float *h = g_new0 (float, u);
  g_autofree float *c = g_new0 (float, u);
  g_autofree float *xw = g_new (float, 4 * u);
  g_autofree float *hu = g_new (float, 4 * u);
  g_autofree float *act_c = g_new (float, u);

  if (!config->return_sequences)
    memset (out, 0, (size_t) (config->batch * u) * sizeof (float));

  for (int64_t b = 0; b < config->batch; b++)
    {
      memset (h, 0, (size_t) u * sizeof (float));
      memset (c, 0, (size_t) u * sizeof (float));
      for (int64_t step = 0; step < config->time; step++)
        {
          const float *xt = x + (b * config->time + step_input (config, step)) * in;
          float *gate_i = xw, *gate_f = xw + u, *gate_c = xw + 2 * u, *gate_o = xw + 3 * u;
          float *dest;

          vec_mat (xt, in, kernel, 4 * u, xw);
          vec_mat (h, u, recurrent_kernel, 4 * u, hu);
          for (int64_t j = 0; j < 4 * u; j++)
            {
              xw[j] += hu[j];
              if (bias != NULL)
                xw[j] += bias[j];
            }

          /* Activations per gate vector, so a softmax activation sees the
           * units of one gate as Keras's (batch, units) tensor does. */
          lsc_activation_apply (config->recurrent_activation, gate_i, u, u);
          lsc_activation_apply (config->recurrent_activation, gate_f, u, u);
          lsc_activation_apply (config->activation, gate_c, u, u);
          lsc_activation_apply (config->recurrent_activation, gate_o, u, u);

          for (int64_t j = 0; j < u; j++)
            c[j] = gate_f[j] * c[j] + gate_i[j] * gate_c[j];
          memcpy (act_c, c, (size_t) u * sizeof (float));
          lsc_activation_apply (config->activation, act_c, u, u);
          for (int64_t j = 0; j < u; j++)
            h[j] = gate_o[j] * act_c[j];

          dest = step_output (config, out, b, step);
          if (dest != NULL)
            memcpy (dest, h, (size_t) u * sizeof (float));
        }
    }
}

void
lsc_ref_gru (const LscRefRnnConfig *config,
             gboolean               reset_after,
             const float           *x,
             const float           *kernel,
             const float           *recurrent_kernel,
             const float           *input_bias,
             const float           *recurrent_bias,
             float                 *out)
{
  const int64_t u = config->units;
  const int64_t in = config->input_dim;
  g_autofree float *h = g_new0 (float, u);
  g_autofree float *xw = g_new (float, 3 * u);
  g_autofree float *hu = g_new (float, 3 * u);
  g_autofree float *rh = g_new (float, u);
  g_autofree float *rh_u = g_new (float, 3 * u);

  g_return_if_fail (reset_after || recurrent_bias == NULL);

  if (!config->return_sequences)
    memset (out, 0, (size_t) (config->batch * u) * sizeof (float));

  for (int64_t b = 0; b < config->batch; b++)
    {
      memset (h, 0, (size_t) u * sizeof (float));
      for (int64_t step = 0; step < config->time; step++)
        {
          const float *xt = x + (b * config->time + step_input (config, step)) * in;
          float *z = hu, *r = hu + u, *hh = xw + 2 * u;
          float *dest;

          /* Input projections of the three gates, with the input bias. */
          vec_mat (xt, in, kernel, 3 * u, xw);
          if (input_bias != NULL)
            for (int64_t j = 0; j < 3 * u; j++)
              xw[j] += input_bias[j];

          /* Recurrent projections. Without reset_after the h gate's
           * projection waits for r (it projects r * h), so only the z and
           * r blocks of this product are used. z and r are computed in
           * place in its first two blocks. */
          vec_mat (h, u, recurrent_kernel, 3 * u, hu);
          if (recurrent_bias != NULL)
            for (int64_t j = 0; j < 3 * u; j++)
              hu[j] += recurrent_bias[j];

          for (int64_t j = 0; j < 2 * u; j++)
            hu[j] += xw[j];
          lsc_activation_apply (config->recurrent_activation, z, u, u);
          lsc_activation_apply (config->recurrent_activation, r, u, u);

          if (reset_after)
            {
              /* r * (h Uh + br_h): the third block of the product above. */
              for (int64_t j = 0; j < u; j++)
                hh[j] += r[j] * hu[2 * u + j];
            }
          else
            {
              /* (r * h) Uh: Uh is the last u columns of the (u, 3u) matrix. */
              for (int64_t j = 0; j < u; j++)
                rh[j] = r[j] * h[j];
              vec_mat (rh, u, recurrent_kernel, 3 * u, rh_u);
              for (int64_t j = 0; j < u; j++)
                hh[j] += rh_u[2 * u + j];
            }
          lsc_activation_apply (config->activation, hh, u, u);

          for (int64_t j = 0; j < u; j++)
            h[j] = z[j] * h[j] + (1.0f - z[j]) * hh[j];

          dest = step_output (config, out, b, step);
          if (dest != NULL)
            memcpy (dest, h, (size_t) u * sizeof (float));
        }
    }
}

void
lsc_ref_bidirectional_merge (LscBidirectionalMerge  merge,
                             const float           *forward,
                             const float           *backward,
                             int64_t                batch,
                             int64_t                time,
                             int64_t                forward_units,
                             int64_t                backward_units,
                             gboolean               reverse_backward,
                             float                 *out)
{
  const int64_t out_units = merge == LSC_BIDIRECTIONAL_MERGE_CONCAT
                            ? forward_units + backward_units : forward_units;

  g_return_if_fail (merge == LSC_BIDIRECTIONAL_MERGE_CONCAT || forward_units == backward_units);

  for (int64_t b = 0; b < batch; b++)
    for (int64_t t = 0; t < time; t++)
      {
        const int64_t tb = reverse_backward ? time - 1 - t : t;
        const float *f = forward + (b * time + t) * forward_units;
        const float *k = backward + (b * time + tb) * backward_units;
        float *o = out + (b * time + t) * out_units;

        switch (merge)
          {
          case LSC_BIDIRECTIONAL_MERGE_CONCAT:
            memcpy (o, f, (size_t) forward_units * sizeof (float));
            memcpy (o + forward_units, k, (size_t) backward_units * sizeof (float));
            break;
          case LSC_BIDIRECTIONAL_MERGE_SUM:
            for (int64_t j = 0; j < out_units; j++)
              o[j] = f[j] + k[j];
            break;
          case LSC_BIDIRECTIONAL_MERGE_MUL:
            for (int64_t j = 0; j < out_units; j++)
              o[j] = f[j] * k[j];
            break;
          case LSC_BIDIRECTIONAL_MERGE_AVE:
          default:
            for (int64_t j = 0; j < out_units; j++)
              o[j] = (f[j] + k[j]) / 2.0f;
            break;
          }
      }
}
