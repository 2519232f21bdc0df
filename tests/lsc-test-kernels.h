#pragma once

/* Helpers for the microkernel tests (header only, static): every kernel
 * table this machine runs, input arrays that end at an inaccessible page (a
 * read past the end faults), output arrays inside canaries (a write past
 * either end is caught) and deterministic random data. */

#include <math.h>
#include <string.h>
#include <glib.h>

#ifdef G_OS_UNIX
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "kernels/lsc-kernels.h"

/* Every table of this build; lsc_kernels_for_isa is not used because it
 * falls back to scalar for what the CPU lacks, and the tests should say
 * what they skipped. */
static const LscKernelTable *const lsc_test_kernel_tables[] = {
  &lsc_kernels_scalar,
#if defined(__x86_64__)
  &lsc_kernels_sse4,
  &lsc_kernels_avx2,
  &lsc_kernels_avx512,
#endif
};

/* The next supported table from *i on (start with *i = 0), or NULL. */
static inline const LscKernelTable *
lsc_test_next_table (guint *i)
{
  for (; *i < G_N_ELEMENTS (lsc_test_kernel_tables); (*i)++)
    {
      const LscKernelTable *t = lsc_test_kernel_tables[*i];

      if (lsc_isa_is_supported (t->isa))
        {
          (*i)++;
          return t;
        }
      g_test_message ("%s: not supported here, skipped", lsc_isa_to_string (t->isa));
    }
  return NULL;
}

#define LSC_TEST_FOREACH_TABLE(t) \
  for (guint t##_i = 0; ((t) = lsc_test_next_table (&t##_i)) != NULL;)

/* An array of n floats whose end is the start of an inaccessible page. */
typedef struct
{
  guint8 *map;
  size_t  map_size;
  float  *data;
} LscTestGuarded;

static inline float *
lsc_test_guarded_new (LscTestGuarded *g,
                      size_t          n)
{
#ifdef G_OS_UNIX
  const size_t page = (size_t) sysconf (_SC_PAGESIZE);
  const size_t data_pages = (n * sizeof (float) + page - 1) / page;

  g->map_size = (data_pages + 1) * page;
  g->map = mmap (NULL, g->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g->map != MAP_FAILED);
  g_assert_cmpint (mprotect (g->map + data_pages * page, page, PROT_NONE), ==, 0);
  g->data = (float *) (g->map + data_pages * page) - n;
#else
  g->map_size = 0;
  g->map = g_malloc ((n + 1) * sizeof (float));
  g->data = (float *) g->map;
#endif
  return g->data;
}

static inline void
lsc_test_guarded_free (LscTestGuarded *g)
{
#ifdef G_OS_UNIX
  munmap (g->map, g->map_size);
#else
  g_free (g->map);
#endif
  g->map = NULL;
}

/* Output arrays: n floats with LSC_TEST_CANARY sentinel floats on each
 * side, all filled with the sentinel (so an element left unwritten is
 * caught too: the sentinel never equals an expected value). */
#define LSC_TEST_CANARY 24
#define LSC_TEST_SENTINEL_BITS 0xDEADBEEFu

static inline float
lsc_test_sentinel (void)
{
  const guint32 bits = LSC_TEST_SENTINEL_BITS;
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

static inline float *
lsc_test_canary_new (size_t n)
{
  float *buf = g_new (float, n + 2 * LSC_TEST_CANARY);
  const float s = lsc_test_sentinel ();

  for (size_t i = 0; i < n + 2 * LSC_TEST_CANARY; i++)
    buf[i] = s;
  return buf + LSC_TEST_CANARY;
}

/* Asserts the sentinels around y are intact, and frees the array. */
static inline void
lsc_test_canary_check_free (float  *y,
                            size_t  n)
{
  float *buf = y - LSC_TEST_CANARY;

  for (size_t i = 0; i < LSC_TEST_CANARY; i++)
    {
      guint32 before, after;

      memcpy (&before, buf + i, sizeof before);
      memcpy (&after, y + n + i, sizeof after);
      if (before != LSC_TEST_SENTINEL_BITS)
        g_error ("canary %zu floats before the output (%zu floats) was overwritten",
                 LSC_TEST_CANARY - i, n);
      if (after != LSC_TEST_SENTINEL_BITS)
        g_error ("canary %zu floats after the output (%zu floats) was overwritten", i, n);
    }
  g_free (buf);
}

/* Uniform in [lo, hi). */
static inline void
lsc_test_fill_random (GRand  *rand,
                      float  *x,
                      size_t  n,
                      double  lo,
                      double  hi)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, lo, hi);
}

/* Equal as the tests mean it: both NaN, or == (so -0 equals +0). */
static inline gboolean
lsc_test_same_float (float a,
                     float b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* The clamp ranges every kernel with an epilogue is run with: none, ReLU,
 * ReLU6 and a narrow one that cuts both sides of the data. */
static const LscMinMax lsc_test_clamps[] = {
  { -INFINITY, INFINITY },
  { 0.0f, INFINITY },
  { 0.0f, 6.0f },
  { -0.25f, 0.375f },
};

static inline float
lsc_test_clamp (double           v,
                const LscMinMax *m)
{
  /* NaN passes, as in the kernels. */
  if (v < m->min)
    return m->min;
  if (v > m->max)
    return m->max;
  return (float) v;
}
