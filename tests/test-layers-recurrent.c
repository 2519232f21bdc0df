/* SimpleRNN, LSTM, GRU (and the CuDNN and Keras 1 weight layouts),
 * Bidirectional and TimeDistributed: hand-computed 1-unit cases over two
 * steps, an independent double-precision implementation for larger random
 * cases, shape inference with an unknown time axis, config and weight
 * errors, and three real models of ../shared/models against their
 * reference outputs. */

#include <hdf5.h>
#include <math.h>
#include <string.h>

#include "layers/lsc-layer-bidirectional.h"
#include "layers/lsc-layer-rnn.h"
#include "layers/lsc-layer-time-distributed.h"
#include "lsc-test-util.h"

#define D(x) ((int64_t) (x))

/* ---------------------------------------------------------------------- */
/* Helpers */

/* Test JSON is written with single quotes for readability. */
static char *
json_from_quoted (const char *quoted)
{
  return g_strdelimit (g_strdup (quoted), "'", '"');
}

static LscLayer *
try_new_layer_version (const char  *quoted,
                       int          keras_major,
                       int          keras_minor,
                       GError     **error)
{
  g_autofree char *json = json_from_quoted (quoted);
  g_autoptr(JsonParser) parser = json_parser_new ();
  LscLoadContext ctx = { .keras_major = keras_major, .keras_minor = keras_minor };
  g_autoptr(GError) parse_error = NULL;

  if (!json_parser_load_from_data (parser, json, -1, &parse_error))
    g_error ("test JSON does not parse: %s\n%s", parse_error->message, json);
  return lsc_layer_new_from_json (json_node_get_object (json_parser_get_root (parser)), &ctx, error);
}

static LscLayer *
new_layer_version (const char *quoted,
                   int         keras_major,
                   int         keras_minor)
{
  g_autoptr(GError) error = NULL;
  LscLayer *layer = try_new_layer_version (quoted, keras_major, keras_minor, &error);

  g_assert_no_error (error);
  g_assert_nonnull (layer);
  return layer;
}

static LscLayer *
new_layer (const char *quoted,
           int         keras_major)
{
  return new_layer_version (quoted, keras_major, keras_major == 2 ? 4 : 0);
}

static void
expect_parse_error (const char *quoted,
                    int         keras_major,
                    int         keras_minor,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscLayer) layer = try_new_layer_version (quoted, keras_major, keras_minor, &error);

  g_assert_null (layer);
  g_assert_error (error, LSC_ENGINE_ERROR, code);
}

static void
add_w1 (LscLayer    *layer,
        const float *data,
        int          n)
{
  lsc_test_layer_add_weight (layer, data, 1, D (n));
}

static void
add_w2 (LscLayer    *layer,
        const float *data,
        int          rows,
        int          cols)
{
  lsc_test_layer_add_weight (layer, data, 2, D (rows), D (cols));
}

static LscTensor *
tensor3 (const float *data,
         int          b,
         int          t,
         int          f)
{
  return lsc_test_tensor_new (data, 3, D (b), D (t), D (f));
}

static LscTensor *
run1 (LscLayer        *layer,
      const LscTensor *input)
{
  const LscTensor *inputs[1] = { input };

  return lsc_test_layer_run (layer, inputs, 1);
}

/* attach_weights then infer, for the error cases. */
static gboolean
attach_and_infer (LscLayer        *layer,
                  const LscShape  *input,
                  LscShape        *output,
                  GError         **error)
{
  if (layer->ops->attach_weights != NULL && !layer->ops->attach_weights (layer, error))
    return FALSE;
  return layer->ops->infer (layer, input, 1, output, error);
}

static void
expect_infer_error (LscLayer       *layer,
                    const LscShape *input,
                    int             code)
{
  g_autoptr(GError) error = NULL;
  LscShape out;

  g_assert_false (attach_and_infer (layer, input, &out, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, code);
}

static float *
random_floats (GRand *rand,
               int64_t n,
               double  amplitude)
{
  float *v = g_new (float, n);

  for (int64_t i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, -amplitude, amplitude);
  return v;
}

/* ---------------------------------------------------------------------- */
/* An independent implementation in double precision, written from the
 * Keras cell equations (indices spelled out, gates looked up by column
 * block), to check the engine on random cases. */

typedef enum { NAIVE_SIMPLE, NAIVE_LSTM, NAIVE_GRU } NaiveCell;

typedef double (*NaiveFn) (double);

static double naive_tanh (double z) { return tanh (z); }
static double naive_sigmoid (double z) { return 1.0 / (1.0 + exp (-z)); }
static double naive_hard_sigmoid_k2 (double z) { return fmin (fmax (0.2 * z + 0.5, 0.0), 1.0); }

typedef struct
{
  NaiveCell   cell;
  int         batch, time, in, units;
  NaiveFn     act, rec_act;
  gboolean    go_backwards, return_sequences, reset_after;
  const float *kernel;           /* (in, G*u) */
  const float *recurrent;        /* (u, G*u) */
  const float *bias;             /* G*u, or NULL */
  const float *recurrent_bias;   /* G*u for GRU reset_after, or NULL */
} NaiveRnn;

static int
naive_gates (NaiveCell cell)
{
  return cell == NAIVE_LSTM ? 4 : cell == NAIVE_GRU ? 3 : 1;
}

/* x (batch, time, in) → out (batch, units) or (batch, time, units). */
static void
naive_run (const NaiveRnn *n,
           const float    *x,
           float          *out)
{
  const int u = n->units, gu = naive_gates (n->cell) * n->units;
  double *h = g_new (double, u), *c = g_new (double, u), *h_new = g_new (double, u);
  double *xw = g_new (double, gu), *hr = g_new (double, gu);

  for (int b = 0; b < n->batch; b++)
    {
      for (int j = 0; j < u; j++)
        h[j] = c[j] = 0.0;

      for (int s = 0; s < n->time; s++)
        {
          int t = n->go_backwards ? n->time - 1 - s : s;
          const float *xt = x + ((size_t) b * n->time + t) * n->in;

          /* x W + b and h U (+ recurrent bias) for every column. */
          for (int col = 0; col < gu; col++)
            {
              double acc = n->bias ? n->bias[col] : 0.0;
              double racc = n->recurrent_bias ? n->recurrent_bias[col] : 0.0;

              for (int i = 0; i < n->in; i++)
                acc += (double) xt[i] * n->kernel[i * gu + col];
              for (int k = 0; k < u; k++)
                racc += h[k] * n->recurrent[k * gu + col];
              xw[col] = acc;
              hr[col] = racc;
            }

          switch (n->cell)
            {
            case NAIVE_SIMPLE:
              for (int j = 0; j < u; j++)
                h_new[j] = n->act (xw[j] + hr[j]);
              break;

            case NAIVE_LSTM:
              for (int j = 0; j < u; j++)
                {
                  double ig = n->rec_act (xw[j] + hr[j]);
                  double fg = n->rec_act (xw[u + j] + hr[u + j]);
                  double cg = n->act (xw[2 * u + j] + hr[2 * u + j]);
                  double og = n->rec_act (xw[3 * u + j] + hr[3 * u + j]);

                  c[j] = fg * c[j] + ig * cg;
                  h_new[j] = og * n->act (c[j]);
                }
              break;

            case NAIVE_GRU:
            default:
              {
                double *r = g_new (double, u);

                for (int j = 0; j < u; j++)
                  r[j] = n->rec_act (xw[u + j] + hr[u + j]);
                for (int j = 0; j < u; j++)
                  {
                    double z = n->rec_act (xw[j] + hr[j]);
                    double cand;

                    if (n->reset_after)
                      cand = xw[2 * u + j] + r[j] * hr[2 * u + j];
                    else
                      {
                        cand = xw[2 * u + j];
                        for (int k = 0; k < u; k++)
                          cand += r[k] * h[k] * n->recurrent[k * gu + 2 * u + j];
                      }
                    h_new[j] = z * h[j] + (1.0 - z) * n->act (cand);
                  }
                g_free (r);
              }
              break;
            }

          for (int j = 0; j < u; j++)
            h[j] = h_new[j];

          if (n->return_sequences)
            for (int j = 0; j < u; j++)
              out[((size_t) b * n->time + s) * u + j] = (float) h[j];
        }

      if (!n->return_sequences)
        for (int j = 0; j < u; j++)
          out[(size_t) b * u + j] = (float) h[j];
    }

  g_free (h);
  g_free (c);
  g_free (h_new);
  g_free (xw);
  g_free (hr);
}

/* ---------------------------------------------------------------------- */
/* Hand-computed cases: 1 unit, 1 feature, 2 steps. */

static const char simple_rnn_json[] =
  "{'class_name': 'SimpleRNN', 'config': {'name': 'rnn', 'units': 1, 'activation': 'tanh',"
  " 'use_bias': true, 'return_sequences': %s, 'go_backwards': %s}}";

static LscLayer *
hand_simple_rnn (gboolean return_sequences,
                 gboolean go_backwards)
{
  g_autofree char *json = g_strdup_printf (simple_rnn_json, return_sequences ? "true" : "false",
                                           go_backwards ? "true" : "false");
  LscLayer *layer = new_layer (json, 3);
  const float w = 0.5f, u = -1.0f, b = 0.1f;

  add_w2 (layer, &w, 1, 1);
  add_w2 (layer, &u, 1, 1);
  add_w1 (layer, &b, 1);
  return layer;
}

static void
test_simple_rnn_hand (void)
{
  const float x[2] = { 1.0f, 2.0f };
  g_autoptr(LscTensor) input = tensor3 (x, 1, 2, 1);
  g_autoptr(LscLayer) last = hand_simple_rnn (FALSE, FALSE);
  g_autoptr(LscLayer) seq = hand_simple_rnn (TRUE, FALSE);
  g_autoptr(LscTensor) out_last = run1 (last, input);
  g_autoptr(LscTensor) out_seq = run1 (seq, input);
  /* W = 0.5, U = -1, b = 0.1, x = (1, 2):
   * h1 = tanh (0.5*1 + 0.1 - 1*0)        = tanh (0.6)         = 0.5370495670
   * h2 = tanh (0.5*2 + 0.1 - 0.5370495670) = tanh (0.5629504330) = 0.5101632507 */
  const float expected_seq[2] = { 0.5370495670f, 0.5101632507f };

  g_assert_cmpint (out_last->shape.ndim, ==, 2);
  lsc_test_assert_tensor_close (out_last, &expected_seq[1], 1, 1e-6f);
  g_assert_cmpint (out_seq->shape.ndim, ==, 3);
  g_assert_cmpint (out_seq->shape.dims[1], ==, 2);
  lsc_test_assert_tensor_close (out_seq, expected_seq, 2, 1e-6f);
}

static void
test_simple_rnn_go_backwards (void)
{
  const float x[2] = { 1.0f, 2.0f };
  g_autoptr(LscTensor) input = tensor3 (x, 1, 2, 1);
  g_autoptr(LscLayer) last = hand_simple_rnn (FALSE, TRUE);
  g_autoptr(LscLayer) seq = hand_simple_rnn (TRUE, TRUE);
  g_autoptr(LscTensor) out_last = run1 (last, input);
  g_autoptr(LscTensor) out_seq = run1 (seq, input);
  /* Steps taken on x[1] then x[0]:
   * g1 = tanh (0.5*2 + 0.1)              = tanh (1.1)          = 0.8004990218
   * g2 = tanh (0.5*1 + 0.1 - 0.8004990218) = tanh (-0.2004990218) = -0.1978548543
   * and the sequence stays in processing order (Keras does not flip it). */
  const float expected_seq[2] = { 0.8004990218f, -0.1978548543f };

  lsc_test_assert_tensor_close (out_last, &expected_seq[1], 1, 1e-6f);
  lsc_test_assert_tensor_close (out_seq, expected_seq, 2, 1e-6f);
}

static LscLayer *
hand_lstm (const char *recurrent_activation,
           int         keras_major)
{
  g_autofree char *json = g_strdup_printf (
    "{'class_name': 'LSTM', 'config': {'name': 'lstm', 'units': 1, 'activation': 'tanh',"
    " 'recurrent_activation': '%s', 'use_bias': true, 'return_sequences': true}}",
    recurrent_activation);
  LscLayer *layer = new_layer (json, keras_major);
  /* Gates i, f, c, o. */
  const float kernel[4] = { 0.5f, -0.5f, 1.0f, 0.25f };
  const float recurrent[4] = { 0.1f, 0.2f, -0.3f, 0.4f };
  const float bias[4] = { 0.0f, 1.0f, 0.0f, 0.0f };

  add_w2 (layer, kernel, 1, 4);
  add_w2 (layer, recurrent, 1, 4);
  add_w1 (layer, bias, 4);
  return layer;
}

static void
check_hand_lstm (const char  *recurrent_activation,
                 int          keras_major,
                 const float  expected[2])
{
  const float x[2] = { 1.0f, -1.0f };
  g_autoptr(LscTensor) input = tensor3 (x, 1, 2, 1);
  g_autoptr(LscLayer) layer = hand_lstm (recurrent_activation, keras_major);
  g_autoptr(LscTensor) out = run1 (layer, input);

  lsc_test_assert_tensor_close (out, expected, 2, 1e-6f);
}

static void
test_lstm_hand (void)
{
  /* kernel (i, f, c, o) = (0.5, -0.5, 1, 0.25), recurrent = (0.1, 0.2,
   * -0.3, 0.4), bias = (0, 1, 0, 0), x = (1, -1).
   * Step 1 (h = c = 0): z = (0.5, -0.5 + 1, 1, 0.25) = (0.5, 0.5, 1, 0.25)
   *
   * sigmoid gates:
   *   i = f = σ(0.5) = 0.6224593312, c̃ = tanh 1 = 0.7615941560, o = σ(0.25) = 0.5621765009
   *   c1 = 0.6224593312 * 0.7615941560 = 0.4740613890
   *   h1 = 0.5621765009 * tanh (0.4740613890) = 0.2481868672
   * Step 2: z = (-0.5 + 0.1 h1, 0.5 + 1 + 0.2 h1, -1 - 0.3 h1, -0.25 + 0.4 h1)
   *           = (-0.4751813133, 1.5496373734, -1.0744560602, -0.1507252531)
   *   i = 0.3833906317, f = 0.8248613511, c̃ = -0.7911341497, o = 0.4623898624
   *   c2 = 0.8248613511 * 0.4740613890 + 0.3833906317 * -0.7911341497 = 0.0877214964
   *   h2 = 0.4623898624 * tanh (0.0877214964) = 0.0404578087 */
  const float sigmoid_expected[2] = { 0.2481868672f, 0.0404578087f };
  /* Keras 2 hard_sigmoid = clip (0.2 z + 0.5, 0, 1):
   *   step 1: i = f = 0.6, o = 0.55, c1 = 0.6 * 0.7615941560 = 0.4569564936,
   *           h1 = 0.55 * tanh (0.4569564936) = 0.2351802344
   *   step 2: z = (-0.4764819766, 1.5470360469, -1.0705540703, -0.1559279062)
   *           i = 0.4047036047, f = 0.8094072094, c̃ = -0.7896698762, o = 0.4688144188
   *           c2 = 0.8094072094 * 0.4569564936 + 0.4047036047 * -0.7896698762 = 0.0502816349
   *           h2 = 0.4688144188 * tanh (0.0502816349) = 0.0235529096 */
  const float hard_k2_expected[2] = { 0.2351802344f, 0.0235529096f };
  /* Keras 3 hard_sigmoid = relu6 (z + 3) / 6:
   *   step 1: i = f = 3.5/6 = 0.5833333333, o = 3.25/6 = 0.5416666667,
   *           c1 = 0.5833333333 * 0.7615941560 = 0.4442632576,
   *           h1 = 0.5416666667 * tanh (0.4442632576) = 0.2259681704
   *   step 2: z = (-0.4774031830, 1.5451936341, -1.0677904511, -0.1596127318)
   *           i = 0.4204328028, f = 0.7575322723, c̃ = -0.7886273180, o = 0.4733978780
   *           c2 = 0.7575322723 * 0.4442632576 + 0.4204328028 * -0.7886273180 = 0.0049789614
   *           h2 = 0.4733978780 * tanh (0.0049789614) = 0.0023570103 */
  const float hard_k3_expected[2] = { 0.2259681704f, 0.0023570103f };

  check_hand_lstm ("sigmoid", 3, sigmoid_expected);
  check_hand_lstm ("sigmoid", 2, sigmoid_expected);
  check_hand_lstm ("hard_sigmoid", 2, hard_k2_expected);
  check_hand_lstm ("hard_sigmoid", 3, hard_k3_expected);
}

static LscLayer *
hand_gru (gboolean reset_after)
{
  g_autofree char *json = g_strdup_printf (
    "{'class_name': 'GRU', 'config': {'name': 'gru', 'units': 1, 'activation': 'tanh',"
    " 'recurrent_activation': 'sigmoid', 'use_bias': true, 'return_sequences': true,"
    " 'reset_after': %s}}", reset_after ? "true" : "false");
  LscLayer *layer = new_layer (json, 2);
  /* Gates z, r, h. */
  const float kernel[3] = { 0.5f, -0.5f, 1.0f };
  const float recurrent[3] = { 0.3f, 0.6f, -0.7f };
  const float bias[3] = { 0.1f, 0.2f, -0.1f };
  const float bias2[6] = { 0.1f, 0.2f, -0.1f,      /* input bias */
                           0.05f, -0.1f, 0.3f };   /* recurrent bias */

  add_w2 (layer, kernel, 1, 3);
  add_w2 (layer, recurrent, 1, 3);
  if (reset_after)
    add_w2 (layer, bias2, 2, 3);
  else
    add_w1 (layer, bias, 3);
  return layer;
}

static void
test_gru_hand (void)
{
  const float x[2] = { 1.0f, 2.0f };
  g_autoptr(LscTensor) input = tensor3 (x, 1, 2, 1);
  g_autoptr(LscLayer) before = hand_gru (FALSE);
  g_autoptr(LscLayer) after = hand_gru (TRUE);
  g_autoptr(LscTensor) out_before = run1 (before, input);
  g_autoptr(LscTensor) out_after = run1 (after, input);
  /* kernel (z, r, h) = (0.5, -0.5, 1), recurrent = (0.3, 0.6, -0.7), x = (1, 2).
   * reset_after=False, bias (0.1, 0.2, -0.1):
   *   step 1 (h = 0): z = σ(0.6) = 0.6456563062, r = σ(-0.3) = 0.4255574832,
   *     hh = tanh (1 - 0.1) = 0.7162978702, h1 = (1 - z) hh = 0.2538156332
   *   step 2: z = σ(1 + 0.1 + 0.3 h1) = 0.7642539008
   *           r = σ(-1 + 0.2 + 0.6 h1) = 0.3435056291
   *           hh = tanh (2 - 0.1 - 0.7 (r h1)) = 0.9506960848
   *           h2 = z h1 + (1 - z) hh = 0.4181024812 */
  const float before_expected[2] = { 0.2538156332f, 0.4181024812f };
  /* reset_after=True, input bias (0.1, 0.2, -0.1), recurrent bias (0.05, -0.1, 0.3):
   *   step 1: z = σ(0.6 + 0.05) = 0.6570104627, r = σ(-0.3 - 0.1) = 0.4013123399,
   *     hh = tanh (0.9 + r * 0.3) = 0.7700268443, h1 = (1 - z) hh = 0.2641111511
   *   step 2: z = σ(1.1 + 0.3 h1 + 0.05) = 0.7736843636
   *           r = σ(-0.8 + 0.6 h1 - 0.1) = 0.3226689423
   *           hh = tanh (1.9 + r (-0.7 h1 + 0.3)) = 0.9593071069
   *           h2 = z h1 + (1 - z) hh = 0.4214448662 */
  const float after_expected[2] = { 0.2641111511f, 0.4214448662f };

  lsc_test_assert_tensor_close (out_before, before_expected, 2, 1e-6f);
  lsc_test_assert_tensor_close (out_after, after_expected, 2, 1e-6f);
}

/* ---------------------------------------------------------------------- */
/* Random cases against the naive implementation. */

static const char *
cell_class (NaiveCell cell)
{
  return cell == NAIVE_LSTM ? "LSTM" : cell == NAIVE_GRU ? "GRU" : "SimpleRNN";
}

/* Builds the layer and the naive description with random weights. */
static LscLayer *
random_rnn (GRand     *rand,
            NaiveRnn  *n,
            float    **owned,   /* 4 arrays to free */
            gboolean   use_bias)
{
  const int gu = naive_gates (n->cell) * n->units;
  g_autofree char *json = g_strdup_printf (
    "{'class_name': '%s', 'config': {'name': 'r', 'units': %d, 'activation': 'tanh',"
    " 'recurrent_activation': 'sigmoid', 'use_bias': %s, 'return_sequences': %s,"
    " 'go_backwards': %s, 'reset_after': %s}}",
    cell_class (n->cell), n->units, use_bias ? "true" : "false",
    n->return_sequences ? "true" : "false", n->go_backwards ? "true" : "false",
    n->reset_after ? "true" : "false");
  LscLayer *layer = new_layer (json, 3);
  gboolean two_biases = n->cell == NAIVE_GRU && n->reset_after;

  n->act = naive_tanh;
  n->rec_act = naive_sigmoid;
  owned[0] = random_floats (rand, (int64_t) n->in * gu, 0.7);
  owned[1] = random_floats (rand, (int64_t) n->units * gu, 0.7);
  owned[2] = use_bias ? random_floats (rand, (two_biases ? 2 : 1) * gu, 0.5) : NULL;
  n->kernel = owned[0];
  n->recurrent = owned[1];
  n->bias = owned[2];
  n->recurrent_bias = use_bias && two_biases ? owned[2] + gu : NULL;

  add_w2 (layer, n->kernel, n->in, gu);
  add_w2 (layer, n->recurrent, n->units, gu);
  if (use_bias && two_biases)
    add_w2 (layer, n->bias, 2, gu);
  else if (use_bias)
    add_w1 (layer, n->bias, gu);
  return layer;
}

static void
test_rnn_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
  const NaiveCell cells[3] = { NAIVE_SIMPLE, NAIVE_LSTM, NAIVE_GRU };
  guint n_cases = 0;

  for (guint ci = 0; ci < 3; ci++)
    for (int variant = 0; variant < 16; variant++)
      {
        NaiveRnn n = {
          .cell = cells[ci], .batch = 2, .time = 5, .in = 3, .units = 4,
          .go_backwards = variant & 1, .return_sequences = (variant >> 1) & 1,
          .reset_after = (variant >> 2) & 1,
        };
        gboolean use_bias = !((variant >> 3) & 1);
        float *owned[3] = { NULL };
        g_autoptr(LscLayer) layer = NULL;
        g_autofree float *x = NULL;
        g_autofree float *expected = NULL;
        g_autoptr(LscTensor) input = NULL;
        g_autoptr(LscTensor) out = NULL;
        int64_t n_out;

        if (n.reset_after && n.cell != NAIVE_GRU)
          continue;

        layer = random_rnn (rand, &n, owned, use_bias);
        x = random_floats (rand, (int64_t) n.batch * n.time * n.in, 1.5);
        input = tensor3 (x, n.batch, n.time, n.in);
        n_out = (int64_t) n.batch * n.units * (n.return_sequences ? n.time : 1);
        expected = g_new (float, n_out);
        naive_run (&n, x, expected);
        out = run1 (layer, input);

        g_assert_cmpint (out->shape.ndim, ==, n.return_sequences ? 3 : 2);
        lsc_test_assert_tensor_close (out, expected, n_out, 1e-5f);
        for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
          g_free (owned[i]);
        n_cases++;
      }
  g_assert_cmpuint (n_cases, ==, 8 + 8 + 16);
}

/* An unknown time axis infers as unknown, then runs with the real length. */
static void
test_rnn_unknown_time (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  NaiveRnn n = { .cell = NAIVE_LSTM, .batch = 3, .time = 5, .in = 2, .units = 3,
                 .return_sequences = TRUE };
  float *owned[3] = { NULL };
  g_autoptr(LscLayer) layer = random_rnn (rand, &n, owned, TRUE);
  g_autofree float *x = random_floats (rand, 3 * 5 * 2, 1.0);
  g_autofree float *expected = g_new (float, 3 * 5 * 3);
  g_autoptr(LscTensor) input = tensor3 (x, 3, 5, 2);
  g_autoptr(LscTensor) out = NULL;
  g_autoptr(GError) error = NULL;
  LscShape unknown = lsc_shape_make (3, D (LSC_DIM_UNKNOWN), D (LSC_DIM_UNKNOWN), D (2));
  LscShape shape;

  g_assert_true (attach_and_infer (layer, &unknown, &shape, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shape.ndim, ==, 3);
  g_assert_cmpint (shape.dims[0], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (shape.dims[1], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (shape.dims[2], ==, 3);
  g_assert_cmpint (layer->ops->count_macs (layer, &unknown, 1, &shape), ==, -1);

  naive_run (&n, x, expected);
  out = run1 (layer, input);
  g_assert_cmpint (out->shape.dims[1], ==, 5);
  lsc_test_assert_tensor_close (out, expected, 3 * 5 * 3, 1e-5f);

  for (guint i = 0; i < G_N_ELEMENTS (owned); i++)
    g_free (owned[i]);
}

static void
test_rnn_count_macs (void)
{
  const char *classes[3] = { "SimpleRNN", "LSTM", "GRU" };
  const int64_t gates[3] = { 1, 4, 3 };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{'class_name': '%s', 'config': {'name': 'r', 'units': 8}}", classes[i]);
      g_autoptr(LscLayer) layer = new_layer (json, 3);
      LscShape in = lsc_shape_make (3, D (1), D (7), D (5));
      LscShape in2 = lsc_shape_make (3, D (2), D (7), D (5));
      LscShape out = lsc_shape_make (2, D (1), D (8));

      /* gates * units * (input + units) * time = g * 8 * 13 * 7 per sample */
      g_assert_cmpint (layer->ops->count_macs (layer, &in, 1, &out), ==, gates[i] * 8 * 13 * 7);
      g_assert_cmpint (layer->ops->count_macs (layer, &in2, 1, &out), ==, 2 * gates[i] * 8 * 13 * 7);
    }
}

/* ---------------------------------------------------------------------- */
/* Config defaults and version-dependent semantics. */

static void
test_rnn_defaults (void)
{
  g_autoptr(LscLayer) simple = new_layer ("{'class_name': 'SimpleRNN', 'config': {'units': 2}}", 3);
  g_autoptr(LscLayer) simple_null = new_layer (
    "{'class_name': 'SimpleRNN', 'config': {'units': 2, 'activation': null}}", 3);
  g_autoptr(LscLayer) lstm_k20 = new_layer_version ("{'class_name': 'LSTM', 'config': {'units': 2}}", 2, 0);
  g_autoptr(LscLayer) lstm_k23 = new_layer_version ("{'class_name': 'LSTM', 'config': {'units': 2}}", 2, 3);
  g_autoptr(LscLayer) lstm_k3 = new_layer ("{'class_name': 'LSTM', 'config': {'units': 2}}", 3);
  g_autoptr(LscLayer) gru_k2 = new_layer ("{'class_name': 'GRU', 'config': {'units': 2}}", 2);
  g_autoptr(LscLayer) gru_k3 = new_layer ("{'class_name': 'GRU', 'config': {'units': 2}}", 3);
  g_autoptr(LscLayer) gru_softmax = new_layer (
    "{'class_name': 'GRU', 'config': {'units': 2, 'activation': {'module': 'keras.activations',"
    " 'class_name': 'softmax', 'config': null}}}", 3);
  const LscRnnParams *p;

  p = simple->params;
  g_assert_cmpint (p->activation, ==, LSC_ACTIVATION_TANH);
  g_assert_true (p->use_bias);
  g_assert_false (p->return_sequences);
  g_assert_false (p->go_backwards);
  p = simple_null->params;
  g_assert_cmpint (p->activation, ==, LSC_ACTIVATION_LINEAR);
  p = lstm_k20->params;
  g_assert_cmpint (p->recurrent_activation, ==, LSC_ACTIVATION_HARD_SIGMOID_K2);
  p = lstm_k23->params;
  g_assert_cmpint (p->recurrent_activation, ==, LSC_ACTIVATION_SIGMOID);
  p = lstm_k3->params;
  g_assert_cmpint (p->recurrent_activation, ==, LSC_ACTIVATION_SIGMOID);
  g_assert_cmpint (p->activation, ==, LSC_ACTIVATION_TANH);
  p = gru_k2->params;
  g_assert_false (p->reset_after);
  p = gru_k3->params;
  g_assert_true (p->reset_after);
  p = gru_softmax->params;
  g_assert_cmpint (p->activation, ==, LSC_ACTIVATION_SOFTMAX);
}

/* The configs of the real models in ../shared/models (trimmed to the keys
 * that matter and the ones we must tolerate). */
static void
test_rnn_real_configs (void)
{
  g_autoptr(LscLayer) arabic = new_layer_version (
    "{'class_name': 'LSTM', 'config': {'name': 'lstm_3', 'trainable': true,"
    " 'batch_input_shape': [null, 1, 200], 'return_sequences': false, 'return_state': false,"
    " 'go_backwards': false, 'stateful': false, 'unroll': false, 'units': 100,"
    " 'activation': 'tanh', 'recurrent_activation': 'hard_sigmoid', 'use_bias': true,"
    " 'kernel_initializer': {'class_name': 'VarianceScaling', 'config': {'scale': 1.0,"
    " 'mode': 'fan_avg', 'distribution': 'uniform', 'seed': null}},"
    " 'unit_forget_bias': true, 'kernel_regularizer': null, 'dropout': 0.2,"
    " 'recurrent_dropout': 0.2, 'implementation': 1}}", 2, 2);
  g_autoptr(LscLayer) imdb = new_layer_version (
    "{'class_name': 'GRU', 'config': {'name': 'gru', 'trainable': true, 'dtype': {'module': 'keras',"
    " 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': null},"
    " 'return_sequences': false, 'return_state': false, 'go_backwards': false, 'stateful': false,"
    " 'unroll': false, 'zero_output_for_mask': false, 'units': 32, 'activation': 'tanh',"
    " 'recurrent_activation': 'sigmoid', 'use_bias': true, 'dropout': 0.0,"
    " 'recurrent_dropout': 0.0, 'reset_after': true, 'seed': null}}", 3, 13);
  g_autoptr(LscLayer) melody = new_layer_version (
    "{'module': 'keras.layers', 'class_name': 'LSTM', 'config': {'name': 'lstm', 'trainable': true,"
    " 'return_sequences': false, 'return_state': false, 'go_backwards': false, 'stateful': false,"
    " 'unroll': false, 'zero_output_for_mask': false, 'units': 256, 'activation': 'tanh',"
    " 'recurrent_activation': 'sigmoid', 'use_bias': true, 'unit_forget_bias': true, 'seed': null},"
    " 'registered_name': null, 'build_config': {'input_shape': [null, null, 41]}}", 3, 12);
  const LscRnnParams *p;

  p = arabic->params;
  g_assert_cmpint (p->units, ==, 100);
  g_assert_cmpint (p->recurrent_activation, ==, LSC_ACTIVATION_HARD_SIGMOID_K2);
  g_assert_cmpuint (lsc_rnn_get_n_file_weights (arabic), ==, 3);
  p = imdb->params;
  g_assert_true (p->reset_after);
  g_assert_cmpint (p->units, ==, 32);
  p = melody->params;
  g_assert_cmpint (p->units, ==, 256);
  g_assert_cmpint (p->cell, ==, LSC_RNN_CELL_LSTM);
}

/* ---------------------------------------------------------------------- */
/* Errors */

static void
test_rnn_errors (void)
{
  const float zeros[64] = { 0 };
  LscShape in = lsc_shape_make (3, D (1), D (4), D (3));

  /* Options with another contract than one output from a zero state. */
  expect_parse_error ("{'class_name': 'LSTM', 'config': {'units': 2, 'return_state': true}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'GRU', 'config': {'units': 2, 'stateful': true}}",
                      2, 4, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'SimpleRNN', 'config': {'units': 2, 'time_major': true}}",
                      2, 4, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'LSTM', 'config': {'units': 2, 'activation': 'nope'}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'LSTM', 'config': {'name': 'x'}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{'class_name': 'LSTM', 'config': {'units': 0}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{'class_name': 'LSTM', 'config': {'units': 2, 'go_backwards': 'yes'}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);

  /* Kernel for 2 inputs where the input has 3 features. */
  {
    g_autoptr(LscLayer) layer = new_layer ("{'class_name': 'LSTM', 'config': {'units': 2}}", 3);
    add_w2 (layer, zeros, 2, 8);
    add_w2 (layer, zeros, 2, 8);
    add_w1 (layer, zeros, 8);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* Recurrent kernel with the columns of a GRU. */
  {
    g_autoptr(LscLayer) layer = new_layer ("{'class_name': 'LSTM', 'config': {'units': 2}}", 3);
    add_w2 (layer, zeros, 3, 8);
    add_w2 (layer, zeros, 2, 6);
    add_w1 (layer, zeros, 8);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* GRU reset_after needs a (2, 3u) bias. */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'GRU', 'config': {'units': 2, 'reset_after': true}}", 3);
    add_w2 (layer, zeros, 3, 6);
    add_w2 (layer, zeros, 2, 6);
    add_w1 (layer, zeros, 6);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* A bias where use_bias=False. */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'SimpleRNN', 'config': {'units': 2, 'use_bias': false}}", 3);
    add_w2 (layer, zeros, 3, 2);
    add_w2 (layer, zeros, 2, 2);
    add_w1 (layer, zeros, 2);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* No weights at all. */
  {
    g_autoptr(LscLayer) layer = new_layer ("{'class_name': 'GRU', 'config': {'units': 2}}", 3);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_MISSING_WEIGHTS);
  }
  /* Inputs that are not (batch, time, features). */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'SimpleRNN', 'config': {'units': 2, 'use_bias': false}}", 3);
    LscShape flat = lsc_shape_make (2, D (1), D (3));
    LscShape no_features = lsc_shape_make (3, D (1), D (4), D (LSC_DIM_UNKNOWN));

    add_w2 (layer, zeros, 3, 2);
    add_w2 (layer, zeros, 2, 2);
    expect_infer_error (layer, &flat, LSC_ENGINE_ERROR_BAD_SHAPE);
    expect_infer_error (layer, &no_features, LSC_ENGINE_ERROR_BAD_SHAPE);
  }
}

/* ---------------------------------------------------------------------- */
/* Keras 1 per-gate weights and the CuDNN layout. */

static void
test_rnn_keras1_per_gate (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const int in = 3, u = 2, T = 4;
  g_autofree float *x = random_floats (rand, 2 * T * in, 1.0);
  g_autoptr(LscTensor) input = tensor3 (x, 2, T, in);

  /* LSTM: Keras 1 stores triples in the order i, c, f, o. */
  {
    NaiveRnn n = { .cell = NAIVE_LSTM, .batch = 2, .time = T, .in = in, .units = u,
                   .act = naive_tanh, .rec_act = naive_hard_sigmoid_k2 };
    const int gu = 4 * u;
    g_autofree float *kernel = random_floats (rand, in * gu, 0.8);
    g_autofree float *recurrent = random_floats (rand, u * gu, 0.8);
    g_autofree float *bias = random_floats (rand, gu, 0.5);
    g_autofree float *expected = g_new (float, 2 * u);
    g_autoptr(LscLayer) layer = new_layer_version (
      "{'class_name': 'LSTM', 'config': {'name': 'lstm_1', 'output_dim': 2, 'activation': 'tanh',"
      " 'inner_activation': 'hard_sigmoid', 'consume_less': 'cpu', 'return_sequences': false}}", 1, 2);
    const int file_order[4] = { 0, 2, 1, 3 };   /* i, c, f, o as Keras 2 gate indices */
    g_autoptr(LscTensor) out = NULL;

    g_assert_cmpuint (lsc_rnn_get_n_file_weights (layer), ==, 12);
    for (int k = 0; k < 4; k++)
      {
        int g = file_order[k];
        float *w = g_new (float, in * u), *uu = g_new (float, u * u);

        for (int i = 0; i < in; i++)
          for (int j = 0; j < u; j++)
            w[i * u + j] = kernel[i * gu + g * u + j];
        for (int i = 0; i < u; i++)
          for (int j = 0; j < u; j++)
            uu[i * u + j] = recurrent[i * gu + g * u + j];
        add_w2 (layer, w, in, u);
        add_w2 (layer, uu, u, u);
        add_w1 (layer, bias + g * u, u);
        g_free (w);
        g_free (uu);
      }
    n.kernel = kernel;
    n.recurrent = recurrent;
    n.bias = bias;
    naive_run (&n, x, expected);
    out = run1 (layer, input);
    lsc_test_assert_tensor_close (out, expected, 2 * u, 1e-5f);
  }

  /* GRU: triples z, r, h; consume_less="gpu" keeps the Keras 2 layout. */
  {
    NaiveRnn n = { .cell = NAIVE_GRU, .batch = 2, .time = T, .in = in, .units = u,
                   .act = naive_tanh, .rec_act = naive_hard_sigmoid_k2, .return_sequences = TRUE };
    const int gu = 3 * u;
    g_autofree float *kernel = random_floats (rand, in * gu, 0.8);
    g_autofree float *recurrent = random_floats (rand, u * gu, 0.8);
    g_autofree float *bias = random_floats (rand, gu, 0.5);
    g_autofree float *expected = g_new (float, 2 * T * u);
    g_autoptr(LscLayer) split = new_layer_version (
      "{'class_name': 'GRU', 'config': {'output_dim': 2, 'return_sequences': true}}", 1, 2);
    g_autoptr(LscLayer) gpu = new_layer_version (
      "{'class_name': 'GRU', 'config': {'output_dim': 2, 'return_sequences': true,"
      " 'consume_less': 'gpu'}}", 1, 2);
    g_autoptr(LscTensor) out_split = NULL;
    g_autoptr(LscTensor) out_gpu = NULL;

    g_assert_cmpuint (lsc_rnn_get_n_file_weights (split), ==, 9);
    g_assert_cmpuint (lsc_rnn_get_n_file_weights (gpu), ==, 3);
    for (int g = 0; g < 3; g++)
      {
        float *w = g_new (float, in * u), *uu = g_new (float, u * u);

        for (int i = 0; i < in; i++)
          for (int j = 0; j < u; j++)
            w[i * u + j] = kernel[i * gu + g * u + j];
        for (int i = 0; i < u; i++)
          for (int j = 0; j < u; j++)
            uu[i * u + j] = recurrent[i * gu + g * u + j];
        add_w2 (split, w, in, u);
        add_w2 (split, uu, u, u);
        add_w1 (split, bias + g * u, u);
        g_free (w);
        g_free (uu);
      }
    add_w2 (gpu, kernel, in, gu);
    add_w2 (gpu, recurrent, u, gu);
    add_w1 (gpu, bias, gu);

    n.kernel = kernel;
    n.recurrent = recurrent;
    n.bias = bias;
    naive_run (&n, x, expected);
    out_split = run1 (split, input);
    out_gpu = run1 (gpu, input);
    lsc_test_assert_tensor_close (out_split, expected, 2 * T * u, 1e-5f);
    lsc_test_assert_tensor_close (out_gpu, expected, 2 * T * u, 1e-5f);
  }
}

/* Lays plain Keras weights out the way CuDNN layers store them (Keras's
 * _convert_rnn_weights in the plain → CuDNN direction): per gate, the
 * input kernel K_g (in, u) becomes K_g.T.reshape ((in, u)) in C order and
 * the recurrent kernel R_g becomes R_g.T. */
static void
to_cudnn_layout (const float *kernel,
                 const float *recurrent,
                 int          in,
                 int          u,
                 int          gates,
                 float       *cudnn_kernel,
                 float       *cudnn_recurrent)
{
  const int gu = gates * u;

  for (int g = 0; g < gates; g++)
    {
      /* K_g.T is (u, in); its row-major values fill (in, u) row by row. */
      for (int a = 0; a < u; a++)
        for (int b = 0; b < in; b++)
          {
            int flat = a * in + b;
            cudnn_kernel[(flat / u) * gu + g * u + flat % u] = kernel[b * gu + g * u + a];
          }
      for (int a = 0; a < u; a++)
        for (int b = 0; b < u; b++)
          cudnn_recurrent[a * gu + g * u + b] = recurrent[b * gu + g * u + a];
    }
}

static void
test_rnn_cudnn (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  const int in = 3, u = 2, T = 4;
  g_autofree float *x = random_floats (rand, 2 * T * in, 1.0);
  g_autoptr(LscTensor) input = tensor3 (x, 2, T, in);

  /* CuDNNLSTM = LSTM (sigmoid, tanh) with the two bias sets summed. */
  {
    const int gu = 4 * u;
    NaiveRnn n = { .cell = NAIVE_LSTM, .batch = 2, .time = T, .in = in, .units = u,
                   .act = naive_tanh, .rec_act = naive_sigmoid, .return_sequences = TRUE };
    g_autofree float *kernel = random_floats (rand, in * gu, 0.8);
    g_autofree float *recurrent = random_floats (rand, u * gu, 0.8);
    g_autofree float *biases = random_floats (rand, 2 * gu, 0.5);
    g_autofree float *bias_sum = g_new (float, gu);
    g_autofree float *ck = g_new (float, in * gu);
    g_autofree float *cr = g_new (float, u * gu);
    g_autofree float *expected = g_new (float, 2 * T * u);
    g_autoptr(LscLayer) layer = new_layer_version (
      "{'class_name': 'CuDNNLSTM', 'config': {'name': 'c', 'units': 2, 'return_sequences': true,"
      " 'return_state': false, 'go_backwards': false, 'stateful': false}}", 2, 2);
    g_autoptr(LscTensor) out = NULL;

    for (int j = 0; j < gu; j++)
      bias_sum[j] = biases[j] + biases[gu + j];
    to_cudnn_layout (kernel, recurrent, in, u, 4, ck, cr);
    add_w2 (layer, ck, in, gu);
    add_w2 (layer, cr, u, gu);
    add_w1 (layer, biases, 2 * gu);

    n.kernel = kernel;
    n.recurrent = recurrent;
    n.bias = bias_sum;
    naive_run (&n, x, expected);
    out = run1 (layer, input);
    lsc_test_assert_tensor_close (out, expected, 2 * T * u, 1e-5f);
  }

  /* CuDNNGRU = GRU (reset_after, sigmoid, tanh) with a flat (6u) bias. */
  {
    const int gu = 3 * u;
    NaiveRnn n = { .cell = NAIVE_GRU, .batch = 2, .time = T, .in = in, .units = u,
                   .act = naive_tanh, .rec_act = naive_sigmoid, .reset_after = TRUE,
                   .go_backwards = TRUE };
    g_autofree float *kernel = random_floats (rand, in * gu, 0.8);
    g_autofree float *recurrent = random_floats (rand, u * gu, 0.8);
    g_autofree float *biases = random_floats (rand, 2 * gu, 0.5);
    g_autofree float *ck = g_new (float, in * gu);
    g_autofree float *cr = g_new (float, u * gu);
    g_autofree float *expected = g_new (float, 2 * u);
    g_autoptr(LscLayer) layer = new_layer_version (
      "{'class_name': 'CuDNNGRU', 'config': {'name': 'c', 'units': 2, 'go_backwards': true}}", 2, 2);
    g_autoptr(LscTensor) out = NULL;
    LscShape wrong_in = lsc_shape_make (3, D (2), D (T), D (in));

    to_cudnn_layout (kernel, recurrent, in, u, 3, ck, cr);
    add_w2 (layer, ck, in, gu);
    add_w2 (layer, cr, u, gu);
    add_w1 (layer, biases, 2 * gu);

    n.kernel = kernel;
    n.recurrent = recurrent;
    n.bias = biases;
    n.recurrent_bias = biases + gu;
    naive_run (&n, x, expected);
    out = run1 (layer, input);
    lsc_test_assert_tensor_close (out, expected, 2 * u, 1e-5f);

    /* A (2, 3u) bias is the GRU's shape, not the CuDNN one. */
    g_ptr_array_set_size (layer->weights, 2);
    g_ptr_array_set_size (layer->weight_names, 2);
    add_w2 (layer, biases, 2, gu);
    expect_infer_error (layer, &wrong_in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }

  /* Keras 2.0/2.1 files: the layout is ambiguous, so they are refused. */
  expect_parse_error ("{'class_name': 'CuDNNLSTM', 'config': {'units': 2}}", 2, 1,
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'CuDNNGRU', 'config': {'units': 2, 'return_state': true}}", 2, 2,
                      LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
}

/* ---------------------------------------------------------------------- */
/* Bidirectional */

typedef struct
{
  float *kernel, *recurrent, *bias;
} RandomWeights;

static void
random_weights (GRand         *rand,
                RandomWeights *w,
                int            in,
                int            u,
                int            gates)
{
  w->kernel = random_floats (rand, in * gates * u, 0.8);
  w->recurrent = random_floats (rand, u * gates * u, 0.8);
  w->bias = random_floats (rand, gates * u, 0.5);
}

static void
random_weights_clear (RandomWeights *w)
{
  g_free (w->kernel);
  g_free (w->recurrent);
  g_free (w->bias);
}

static void
add_weights (LscLayer            *layer,
             const RandomWeights *w,
             int                  in,
             int                  u,
             int                  gates)
{
  add_w2 (layer, w->kernel, in, gates * u);
  add_w2 (layer, w->recurrent, u, gates * u);
  add_w1 (layer, w->bias, gates * u);
}

static void
naive_lstm_with (const RandomWeights *w,
                 const float         *x,
                 int                  batch,
                 int                  time,
                 int                  in,
                 int                  u,
                 gboolean             go_backwards,
                 gboolean             return_sequences,
                 float               *out)
{
  NaiveRnn n = { .cell = NAIVE_LSTM, .batch = batch, .time = time, .in = in, .units = u,
                 .act = naive_tanh, .rec_act = naive_sigmoid, .go_backwards = go_backwards,
                 .return_sequences = return_sequences,
                 .kernel = w->kernel, .recurrent = w->recurrent, .bias = w->bias };

  naive_run (&n, x, out);
}

static const char bidirectional_json[] =
  "{'class_name': 'Bidirectional', 'config': {'name': 'bi', 'merge_mode': '%s',"
  " 'layer': {'class_name': 'LSTM', 'config': {'name': 'lstm', 'units': 3,"
  " 'recurrent_activation': 'sigmoid', 'return_sequences': %s}}}}";

static void
check_bidirectional (const char *merge,
                     gboolean    return_sequences)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const int B = 2, T = 4, in = 2, u = 3;
  const int steps = return_sequences ? T : 1;
  g_autofree char *json = g_strdup_printf (bidirectional_json, merge,
                                           return_sequences ? "true" : "false");
  g_autoptr(LscLayer) layer = new_layer (json, 2);
  g_autofree float *x = random_floats (rand, B * T * in, 1.0);
  g_autoptr(LscTensor) input = tensor3 (x, B, T, in);
  g_autofree float *fwd = g_new (float, B * steps * u);
  g_autofree float *bwd = g_new (float, B * steps * u);
  g_autofree float *expected = g_new (float, B * steps * 2 * u);
  g_autoptr(LscTensor) out = NULL;
  RandomWeights wf, wb;
  int out_units = g_str_equal (merge, "concat") ? 2 * u : u;

  random_weights (rand, &wf, in, u, 4);
  random_weights (rand, &wb, in, u, 4);
  add_weights (layer, &wf, in, u, 4);
  add_weights (layer, &wb, in, u, 4);

  naive_lstm_with (&wf, x, B, T, in, u, FALSE, return_sequences, fwd);
  naive_lstm_with (&wb, x, B, T, in, u, TRUE, return_sequences, bwd);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < steps; t++)
      for (int j = 0; j < u; j++)
        {
          /* The backward sequence is flipped back to the input's order. */
          float f = fwd[(b * steps + t) * u + j];
          float k = bwd[(b * steps + (steps - 1 - t)) * u + j];
          float *o = expected + (b * steps + t) * out_units;

          if (g_str_equal (merge, "concat"))
            {
              o[j] = f;
              o[u + j] = k;
            }
          else if (g_str_equal (merge, "sum"))
            o[j] = f + k;
          else if (g_str_equal (merge, "mul"))
            o[j] = f * k;
          else
            o[j] = (f + k) / 2;
        }

  out = run1 (layer, input);
  g_assert_cmpint (out->shape.ndim, ==, return_sequences ? 3 : 2);
  g_assert_cmpint (out->shape.dims[out->shape.ndim - 1], ==, out_units);
  lsc_test_assert_tensor_close (out, expected, B * steps * out_units, 1e-5f);

  /* The weights now live in the children, which are named as in Keras 2. */
  g_assert_cmpuint (lsc_layer_get_n_weights (layer), ==, 0);
  g_assert_cmpuint (lsc_layer_get_n_weights (lsc_bidirectional_get_forward (layer)), ==, 3);
  g_assert_cmpuint (lsc_layer_get_n_weights (lsc_bidirectional_get_backward (layer)), ==, 3);
  g_assert_cmpstr (lsc_bidirectional_get_forward (layer)->name, ==, "forward_lstm");
  g_assert_cmpstr (lsc_bidirectional_get_backward (layer)->name, ==, "backward_lstm");

  /* Running again (attach_weights called again) gives the same result. */
  {
    g_autoptr(LscTensor) again = run1 (layer, input);
    lsc_test_assert_tensor_close (again, expected, B * steps * out_units, 1e-5f);
  }

  random_weights_clear (&wf);
  random_weights_clear (&wb);
}

static void
test_bidirectional_concat_sequences (void)
{
  check_bidirectional ("concat", TRUE);
}

static void
test_bidirectional_sum_sequences (void)
{
  check_bidirectional ("sum", TRUE);
}

static void
test_bidirectional_other_merges (void)
{
  check_bidirectional ("concat", FALSE);
  check_bidirectional ("mul", TRUE);
  check_bidirectional ("ave", FALSE);
}

/* Keras 3 writes the backward layer's config; it may differ (here a GRU
 * with 2 units after an LSTM with 3). */
static void
test_bidirectional_backward_layer (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  const int B = 1, T = 3, in = 2;
  g_autoptr(LscLayer) layer = new_layer (
    "{'class_name': 'Bidirectional', 'config': {'name': 'bi', 'merge_mode': 'concat',"
    " 'layer': {'module': 'keras.layers', 'class_name': 'LSTM', 'config': {'name': 'forward_lstm',"
    "   'units': 3, 'return_sequences': true}},"
    " 'backward_layer': {'module': 'keras.layers', 'class_name': 'GRU', 'config': {'name': 'backward_gru',"
    "   'units': 2, 'return_sequences': true, 'go_backwards': true, 'reset_after': false}}}}", 3);
  g_autofree float *x = random_floats (rand, B * T * in, 1.0);
  g_autoptr(LscTensor) input = tensor3 (x, B, T, in);
  float fwd[3 * 3], bwd[3 * 2], expected[3 * 5];
  g_autoptr(LscTensor) out = NULL;
  RandomWeights wf, wb;
  NaiveRnn gru = { .cell = NAIVE_GRU, .batch = B, .time = T, .in = in, .units = 2,
                   .act = naive_tanh, .rec_act = naive_sigmoid, .go_backwards = TRUE,
                   .return_sequences = TRUE };
  LscShape in_shape = lsc_shape_make (3, D (5), D (T), D (in));
  LscShape macs_out = lsc_shape_make (3, D (5), D (T), D (5));

  random_weights (rand, &wf, in, 3, 4);
  random_weights (rand, &wb, in, 2, 3);
  add_weights (layer, &wf, in, 3, 4);
  add_weights (layer, &wb, in, 2, 3);
  gru.kernel = wb.kernel;
  gru.recurrent = wb.recurrent;
  gru.bias = wb.bias;

  naive_lstm_with (&wf, x, B, T, in, 3, FALSE, TRUE, fwd);
  naive_run (&gru, x, bwd);
  for (int t = 0; t < T; t++)
    {
      for (int j = 0; j < 3; j++)
        expected[t * 5 + j] = fwd[t * 3 + j];
      for (int j = 0; j < 2; j++)
        expected[t * 5 + 3 + j] = bwd[(T - 1 - t) * 2 + j];
    }

  out = run1 (layer, input);
  lsc_test_assert_tensor_close (out, expected, T * 5, 1e-5f);
  g_assert_cmpstr (lsc_bidirectional_get_backward (layer)->name, ==, "backward_gru");

  /* 5 samples * T * (4*3*(2+3) + 3*2*(2+2)) */
  g_assert_cmpint (layer->ops->count_macs (layer, &in_shape, 1, &macs_out), ==,
                   5 * T * (4 * 3 * 5 + 3 * 2 * 4));

  random_weights_clear (&wf);
  random_weights_clear (&wb);
}

static void
test_bidirectional_unknown_time (void)
{
  g_autoptr(LscLayer) layer = new_layer (
    "{'class_name': 'Bidirectional', 'config': {'name': 'bi', 'layer': {'class_name': 'SimpleRNN',"
    " 'config': {'name': 's', 'units': 2, 'return_sequences': true, 'use_bias': false}}}}", 3);
  const float zeros[8] = { 0 };
  LscShape in = lsc_shape_make (3, D (LSC_DIM_UNKNOWN), D (LSC_DIM_UNKNOWN), D (3));
  LscShape out;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 2; i++)
    {
      add_w2 (layer, zeros, 3, 2);
      add_w2 (layer, zeros, 2, 2);
    }
  g_assert_true (attach_and_infer (layer, &in, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (out.ndim, ==, 3);
  g_assert_cmpint (out.dims[0], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (out.dims[1], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (out.dims[2], ==, 4);   /* concat by default */
  g_assert_cmpint (layer->ops->count_macs (layer, &in, 1, &out), ==, -1);
}

static void
test_bidirectional_errors (void)
{
  const float zeros[64] = { 0 };
  LscShape in = lsc_shape_make (3, D (1), D (4), D (3));

  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {'merge_mode': null,"
                      " 'layer': {'class_name': 'LSTM', 'config': {'units': 2}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {'merge_mode': 'max',"
                      " 'layer': {'class_name': 'LSTM', 'config': {'units': 2}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {"
                      " 'layer': {'class_name': 'LSTM', 'config': {'units': 2, 'return_state': true}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {"
                      " 'layer': {'class_name': 'Dropout', 'config': {'rate': 0.5}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {'name': 'b'}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {"
                      " 'layer': {'class_name': 'LSTM', 'config': {'units': 2}},"
                      " 'backward_layer': {'class_name': 'LSTM', 'config': {'units': 2}}}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{'class_name': 'Bidirectional', 'config': {"
                      " 'layer': {'class_name': 'NoSuchRNN', 'config': {'units': 2}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_LAYER);

  /* 5 weight arrays for two LSTMs of 3 each. */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'Bidirectional', 'config': {'layer': {'class_name': 'LSTM',"
      " 'config': {'units': 2}}}}", 3);
    for (int i = 0; i < 5; i++)
      add_w1 (layer, zeros, 8);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* The backward kernel has the wrong shape. */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'Bidirectional', 'config': {'layer': {'class_name': 'LSTM',"
      " 'config': {'units': 2}}}}", 3);
    add_w2 (layer, zeros, 3, 8);
    add_w2 (layer, zeros, 2, 8);
    add_w1 (layer, zeros, 8);
    add_w2 (layer, zeros, 2, 8);
    add_w2 (layer, zeros, 2, 8);
    add_w1 (layer, zeros, 8);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
  /* sum of 3 forward units and 2 backward units. */
  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'Bidirectional', 'config': {'merge_mode': 'sum',"
      " 'layer': {'class_name': 'SimpleRNN', 'config': {'units': 3, 'use_bias': false}},"
      " 'backward_layer': {'class_name': 'SimpleRNN', 'config': {'units': 2, 'use_bias': false,"
      "   'go_backwards': true}}}}", 3);
    add_w2 (layer, zeros, 3, 3);
    add_w2 (layer, zeros, 3, 3);
    add_w2 (layer, zeros, 3, 2);
    add_w2 (layer, zeros, 2, 2);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_CONFIG);
  }
}

/* ---------------------------------------------------------------------- */
/* TimeDistributed */

/* TimeDistributed(LSTM) over (batch, T, T2, F): each of the T slices is an
 * independent (T2, F) sequence. */
static void
test_time_distributed_lstm (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  const int B = 2, T = 3, T2 = 4, in = 2, u = 3;
  g_autoptr(LscLayer) layer = new_layer (
    "{'class_name': 'TimeDistributed', 'config': {'name': 'td', 'layer': {'class_name': 'LSTM',"
    " 'config': {'name': 'lstm', 'units': 3, 'recurrent_activation': 'sigmoid'}}}}", 3);
  g_autofree float *x = random_floats (rand, B * T * T2 * in, 1.0);
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 4, D (B), D (T), D (T2), D (in));
  g_autofree float *expected = g_new (float, B * T * u);
  g_autoptr(LscTensor) out = NULL;
  RandomWeights w;
  LscShape unknown = lsc_shape_make (4, D (B), D (LSC_DIM_UNKNOWN), D (T2), D (in));
  LscShape known = lsc_shape_make (4, D (1), D (T), D (T2), D (in));
  LscShape shape;
  g_autoptr(GError) error = NULL;

  random_weights (rand, &w, in, u, 4);
  add_weights (layer, &w, in, u, 4);

  /* Each (b, t) slice is one sample of the inner LSTM: B*T samples. */
  naive_lstm_with (&w, x, B * T, T2, in, u, FALSE, FALSE, expected);
  out = run1 (layer, input);
  g_assert_cmpint (out->shape.ndim, ==, 3);
  g_assert_cmpint (out->shape.dims[0], ==, B);
  g_assert_cmpint (out->shape.dims[1], ==, T);
  g_assert_cmpint (out->shape.dims[2], ==, u);
  lsc_test_assert_tensor_close (out, expected, B * T * u, 1e-5f);
  g_assert_cmpuint (lsc_layer_get_n_weights (layer), ==, 0);
  g_assert_cmpuint (lsc_layer_get_n_weights (lsc_time_distributed_get_inner (layer)), ==, 3);

  /* Unknown time: unknown in the output, no MAC count; known: T times the
   * inner layer's 4*u*(in+u)*T2 per sample. */
  g_assert_true (layer->ops->infer (layer, &unknown, 1, &shape, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shape.ndim, ==, 3);
  g_assert_cmpint (shape.dims[0], ==, B);
  g_assert_cmpint (shape.dims[1], ==, LSC_DIM_UNKNOWN);
  g_assert_cmpint (layer->ops->count_macs (layer, &unknown, 1, &shape), ==, -1);
  g_assert_true (layer->ops->infer (layer, &known, 1, &shape, &error));
  g_assert_cmpint (layer->ops->count_macs (layer, &known, 1, &shape), ==, T * 4 * u * (in + u) * T2);

  random_weights_clear (&w);
}

static void
test_time_distributed_identity (void)
{
  g_autoptr(LscLayer) layer = new_layer (
    "{'class_name': 'TimeDistributed', 'config': {'name': 'td', 'layer': {'class_name': 'Dropout',"
    " 'config': {'name': 'drop', 'rate': 0.5}}}}", 2);
  const float x[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  g_autoptr(LscTensor) input = lsc_test_tensor_new (x, 4, D (1), D (3), D (2), D (2));
  g_autoptr(LscTensor) out = run1 (layer, input);

  g_assert_cmpint (out->shape.ndim, ==, 4);
  g_assert_cmpint (out->shape.dims[1], ==, 3);
  g_assert_cmpint (out->shape.dims[3], ==, 2);
  lsc_test_assert_tensor_close (out, x, 12, 0.0f);
}

/* TimeDistributed(Dense): needs the Dense layer family, which lives in
 * another branch until the merge. */
static void
test_time_distributed_dense (void)
{
  g_autoptr(LscLayer) layer = NULL;
  /* x (1, 2 steps, 3): Dense kernel (3, 2), bias (0.5, -1), linear.
   * step 0: x = (1, 2, 3) → (1*1 + 2*0 + 3*1 + 0.5, 1*0 + 2*1 + 3*(-1) - 1) = (4.5, -2)
   * step 1: x = (-1, 0, 2) → (-1 + 0 + 2 + 0.5, 0 + 0 - 2 - 1)          = (1.5, -3) */
  const float x[6] = { 1, 2, 3, -1, 0, 2 };
  const float kernel[6] = { 1, 0,
                            0, 1,
                            1, -1 };
  const float bias[2] = { 0.5f, -1.0f };
  const float expected[4] = { 4.5f, -2.0f, 1.5f, -3.0f };
  g_autoptr(LscTensor) input = tensor3 (x, 1, 2, 3);
  g_autoptr(LscTensor) out = NULL;

  if (lsc_layer_ops_lookup ("Dense") == NULL)
    {
      g_test_skip ("the Dense layer is not in this build");
      return;
    }

  layer = new_layer (
    "{'class_name': 'TimeDistributed', 'config': {'name': 'td', 'layer': {'class_name': 'Dense',"
    " 'config': {'name': 'dense', 'units': 2, 'activation': 'linear', 'use_bias': true}}}}", 3);
  add_w2 (layer, kernel, 3, 2);
  add_w1 (layer, bias, 2);
  out = run1 (layer, input);
  g_assert_cmpint (out->shape.ndim, ==, 3);
  lsc_test_assert_tensor_close (out, expected, 4, 1e-6f);
}

static void
test_time_distributed_errors (void)
{
  LscShape flat = lsc_shape_make (2, D (1), D (3));

  expect_parse_error ("{'class_name': 'TimeDistributed', 'config': {'name': 'td'}}",
                      3, 0, LSC_ENGINE_ERROR_BAD_CONFIG);
  expect_parse_error ("{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'InputLayer',"
                      " 'config': {'batch_shape': [null, 3]}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);
  expect_parse_error ("{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'LSTM',"
                      " 'config': {'units': 2, 'stateful': true}}}}",
                      3, 0, LSC_ENGINE_ERROR_UNSUPPORTED_CONFIG);

  {
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'Dropout',"
      " 'config': {'rate': 0.1}}}}", 3);
    expect_infer_error (layer, &flat, LSC_ENGINE_ERROR_BAD_SHAPE);
  }
  /* Inner weight shapes are checked through the wrapper. */
  {
    const float zeros[16] = { 0 };
    LscShape in = lsc_shape_make (4, D (1), D (2), D (3), D (4));
    g_autoptr(LscLayer) layer = new_layer (
      "{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'SimpleRNN',"
      " 'config': {'units': 2}}}}", 3);
    add_w2 (layer, zeros, 3, 2);   /* needs (4, 2) */
    add_w2 (layer, zeros, 2, 2);
    add_w1 (layer, zeros, 2);
    expect_infer_error (layer, &in, LSC_ENGINE_ERROR_BAD_WEIGHTS);
  }
}

/* ---------------------------------------------------------------------- */
/* Real models: the recurrent layer built from the file's own config and
 * weights, the Embedding and Dense layers around it computed here, compared
 * with the reference outputs. */

static float *
h5_read_floats (hid_t       file,
                const char *path,
                LscShape   *shape)
{
  hid_t dataset = H5Dopen2 (file, path, H5P_DEFAULT);
  hid_t space;
  hsize_t dims[LSC_MAX_DIMS];
  int ndim;
  float *data;

  if (dataset < 0)
    g_error ("no dataset %s", path);
  space = H5Dget_space (dataset);
  ndim = H5Sget_simple_extent_ndims (space);
  g_assert_cmpint (ndim, <=, LSC_MAX_DIMS);
  H5Sget_simple_extent_dims (space, dims, NULL);
  shape->ndim = ndim;
  for (int i = 0; i < ndim; i++)
    shape->dims[i] = (int64_t) dims[i];
  data = g_new (float, lsc_shape_numel (shape));
  g_assert_cmpint (H5Dread (dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), >=, 0);
  H5Sclose (space);
  H5Dclose (dataset);
  return data;
}

static char *
h5_read_string_attribute (hid_t       object,
                          const char *name)
{
  hid_t attr = H5Aopen (object, name, H5P_DEFAULT);
  hid_t type, mem_type;
  char *result;

  g_assert_cmpint (attr, >=, 0);
  type = H5Aget_type (attr);
  mem_type = H5Tcopy (H5T_C_S1);
  if (H5Tis_variable_str (type) > 0)
    {
      char *value = NULL;

      H5Tset_size (mem_type, H5T_VARIABLE);
      g_assert_cmpint (H5Aread (attr, mem_type, &value), >=, 0);
      result = g_strdup (value);
      H5free_memory (value);
    }
  else
    {
      size_t size = H5Tget_size (type);

      H5Tset_size (mem_type, size);
      result = g_malloc0 (size + 1);
      g_assert_cmpint (H5Aread (attr, mem_type, result), >=, 0);
    }
  H5Tclose (mem_type);
  H5Tclose (type);
  H5Aclose (attr);
  return result;
}

/* The first layer of the given class in the file's model_config. */
static LscLayer *
layer_from_model_config (hid_t       file,
                         const char *class_name)
{
  g_autofree char *config = h5_read_string_attribute (file, "model_config");
  g_autofree char *version = h5_read_string_attribute (file, "keras_version");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = g_strsplit (version, ".", 3);
  LscLoadContext ctx = { .keras_major = atoi (parts[0]), .keras_minor = atoi (parts[1]) };
  JsonObject *root;
  JsonNode *layers_node;
  JsonArray *layers;
  LscLayer *layer;

  g_assert_true (json_parser_load_from_data (parser, config, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  layers_node = json_object_get_member (root, "config");
  if (JSON_NODE_HOLDS_OBJECT (layers_node))
    layers_node = json_object_get_member (json_node_get_object (layers_node), "layers");
  layers = json_node_get_array (layers_node);

  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *entry = json_array_get_object_element (layers, i);

      if (g_str_equal (json_object_get_string_member (entry, "class_name"), class_name))
        {
          layer = lsc_layer_new_from_json (entry, &ctx, &error);
          g_assert_no_error (error);
          return layer;
        }
    }
  g_error ("no %s layer in the model config", class_name);
  return NULL;
}

static void
add_file_weight (LscLayer   *layer,
                 hid_t       file,
                 const char *path)
{
  LscShape shape;
  g_autofree float *data = h5_read_floats (file, path, &shape);

  lsc_layer_add_weight (layer, path, lsc_tensor_new_from_data (&shape, data));
}

/* y = act (x W + b), x (n, in), W (in, out); act 'r'elu or 's'igmoid. */
static float *
dense (const float *x,
       int64_t      n,
       hid_t        file,
       const char  *kernel_path,
       const char  *bias_path,
       char         act,
       int64_t     *out_units)
{
  LscShape ks, bs;
  g_autofree float *kernel = h5_read_floats (file, kernel_path, &ks);
  g_autofree float *bias = h5_read_floats (file, bias_path, &bs);
  const int64_t in = ks.dims[0], out = ks.dims[1];
  float *y = g_new (float, n * out);

  for (int64_t s = 0; s < n; s++)
    for (int64_t j = 0; j < out; j++)
      {
        double acc = bias[j];

        for (int64_t i = 0; i < in; i++)
          acc += (double) x[s * in + i] * kernel[i * out + j];
        y[s * out + j] = (float) (act == 'r' ? fmax (acc, 0.0) : 1.0 / (1.0 + exp (-acc)));
      }
  *out_units = out;
  return y;
}

/* Embedding lookup of float token ids (n, time) → (n, time, dim). */
static LscTensor *
embed (const float *ids,
       const LscShape *ids_shape,
       hid_t        file,
       const char  *path)
{
  LscShape es;
  g_autofree float *table = h5_read_floats (file, path, &es);
  LscShape shape = lsc_shape_make (3, ids_shape->dims[0], ids_shape->dims[1], es.dims[1]);
  LscTensor *out = lsc_tensor_new (&shape);
  const int64_t n = ids_shape->dims[0] * ids_shape->dims[1];

  for (int64_t k = 0; k < n; k++)
    {
      int64_t id = (int64_t) ids[k];

      g_assert_cmpint (id, >=, 0);
      g_assert_cmpint (id, <, es.dims[0]);
      memcpy (out->data + k * es.dims[1], table + id * es.dims[1], (size_t) es.dims[1] * sizeof (float));
    }
  return out;
}

static void
compare_with_reference (const float *got,
                        int64_t      n,
                        hid_t        ref)
{
  LscShape shape;
  g_autofree float *expected = h5_read_floats (ref, "outputs/0", &shape);
  float max_ref = 0.0f;

  g_assert_cmpint (lsc_shape_numel (&shape), ==, n);
  for (int64_t i = 0; i < n; i++)
    max_ref = fmaxf (max_ref, fabsf (expected[i]));
  for (int64_t i = 0; i < n; i++)
    if (!(fabsf (got[i] - expected[i]) <= 1e-4f * fmaxf (1.0f, max_ref)))
      g_error ("output %" G_GINT64_FORMAT ": got %.9g, reference %.9g", (gint64) i, got[i], expected[i]);
}

typedef struct
{
  const char *file;
  const char *class_name;
  const char *weights[3];
  const char *embedding;    /* NULL: the input feeds the RNN directly */
  const char *dense[2][2];  /* kernel, bias of up to two Dense layers */
  char        dense_act[2];
} RealModel;

static const RealModel real_models[] = {
  { "arabic_sentiment_lstm_keras222_seqlist.h5", "LSTM",
    { "model_weights/lstm_3/lstm_3/kernel:0", "model_weights/lstm_3/lstm_3/recurrent_kernel:0",
      "model_weights/lstm_3/lstm_3/bias:0" },
    NULL,
    { { "model_weights/dense_3/dense_3/kernel:0", "model_weights/dense_3/dense_3/bias:0" } },
    { 's' } },
  { "imdb_gru_keras313.h5", "GRU",
    { "model_weights/gru/sequential_2/gru/gru_cell/kernel",
      "model_weights/gru/sequential_2/gru/gru_cell/recurrent_kernel",
      "model_weights/gru/sequential_2/gru/gru_cell/bias" },
    "model_weights/embedding_2/sequential_2/embedding_2/embeddings",
    { { "model_weights/dense_4/sequential_2/dense_4/kernel", "model_weights/dense_4/sequential_2/dense_4/bias" },
      { "model_weights/dense_5/sequential_2/dense_5/kernel", "model_weights/dense_5/sequential_2/dense_5/bias" } },
    { 'r', 's' } },
  { "restaurant_sentiment_lstm_keras34.h5", "LSTM",
    { "model_weights/lstm_1/sequential_2/lstm_1/lstm_cell/kernel",
      "model_weights/lstm_1/sequential_2/lstm_1/lstm_cell/recurrent_kernel",
      "model_weights/lstm_1/sequential_2/lstm_1/lstm_cell/bias" },
    "model_weights/embedding_1/sequential_2/embedding_1/embeddings",
    { { "model_weights/dense_1/sequential_2/dense_1/kernel", "model_weights/dense_1/sequential_2/dense_1/bias" } },
    { 's' } },
};

static void
test_real_model (gconstpointer data)
{
  const RealModel *model = data;
  g_autofree char *dir = lsc_test_find_shared_models ();
  g_autofree char *path = NULL;
  g_autofree char *ref_path = NULL;
  g_autoptr(LscLayer) layer = NULL;
  g_autoptr(LscTensor) input = NULL;
  g_autoptr(LscTensor) rnn_out = NULL;
  g_autofree float *x = NULL;
  float *h;
  int64_t units, n;
  LscShape xs;
  hid_t file, ref;

  if (dir == NULL)
    {
      g_test_skip ("../shared/models is not here");
      return;
    }
  path = g_build_filename (dir, model->file, NULL);
  ref_path = g_strconcat (path, ".ref.h5", NULL);
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ref = H5Fopen (ref_path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  g_assert_cmpint (ref, >=, 0);

  layer = layer_from_model_config (file, model->class_name);
  for (guint i = 0; i < 3; i++)
    add_file_weight (layer, file, model->weights[i]);

  x = h5_read_floats (ref, "inputs/0", &xs);
  if (model->embedding != NULL)
    input = embed (x, &xs, file, model->embedding);
  else
    input = lsc_tensor_new_from_data (&xs, x);

  rnn_out = run1 (layer, input);
  n = rnn_out->shape.dims[0];
  units = rnn_out->shape.dims[1];
  h = g_memdup2 (rnn_out->data, (gsize) (n * units) * sizeof (float));
  for (guint d = 0; d < 2 && model->dense[d][0] != NULL; d++)
    {
      float *next = dense (h, n, file, model->dense[d][0], model->dense[d][1], model->dense_act[d], &units);
      g_free (h);
      h = next;
    }
  compare_with_reference (h, n * units, ref);

  g_free (h);
  H5Fclose (ref);
  H5Fclose (file);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rnn/simple/hand", test_simple_rnn_hand);
  g_test_add_func ("/rnn/simple/go-backwards", test_simple_rnn_go_backwards);
  g_test_add_func ("/rnn/lstm/hand", test_lstm_hand);
  g_test_add_func ("/rnn/gru/hand", test_gru_hand);
  g_test_add_func ("/rnn/random", test_rnn_random);
  g_test_add_func ("/rnn/unknown-time", test_rnn_unknown_time);
  g_test_add_func ("/rnn/count-macs", test_rnn_count_macs);
  g_test_add_func ("/rnn/defaults", test_rnn_defaults);
  g_test_add_func ("/rnn/real-configs", test_rnn_real_configs);
  g_test_add_func ("/rnn/errors", test_rnn_errors);
  g_test_add_func ("/rnn/keras1-per-gate", test_rnn_keras1_per_gate);
  g_test_add_func ("/rnn/cudnn", test_rnn_cudnn);
  g_test_add_func ("/bidirectional/concat-sequences", test_bidirectional_concat_sequences);
  g_test_add_func ("/bidirectional/sum-sequences", test_bidirectional_sum_sequences);
  g_test_add_func ("/bidirectional/other-merges", test_bidirectional_other_merges);
  g_test_add_func ("/bidirectional/backward-layer", test_bidirectional_backward_layer);
  g_test_add_func ("/bidirectional/unknown-time", test_bidirectional_unknown_time);
  g_test_add_func ("/bidirectional/errors", test_bidirectional_errors);
  g_test_add_func ("/time-distributed/lstm", test_time_distributed_lstm);
  g_test_add_func ("/time-distributed/identity", test_time_distributed_identity);
  g_test_add_func ("/time-distributed/dense", test_time_distributed_dense);
  g_test_add_func ("/time-distributed/errors", test_time_distributed_errors);
  for (guint i = 0; i < G_N_ELEMENTS (real_models); i++)
    {
      g_autofree char *name = g_strdup_printf ("/rnn/real-model/%s", real_models[i].file);
      g_test_add_data_func (name, &real_models[i], test_real_model);
    }

  return g_test_run ();
}
