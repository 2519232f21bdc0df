/* The machine probe. The machine summary and the array sizing are checked
 * on synthetic hwloc topologies against values worked out by hand; the
 * JSON reader against a hand-written document and a series of damaged
 * ones; the measuring itself by short real probes and invariants that no
 * amount of noise can break (AVX-512 at least twice scalar, L1 faster than
 * DRAM, a clock between 0.5 and 7 GHz); the cache in a per-test
 * XDG_CACHE_HOME (G_TEST_OPTION_ISOLATE_DIRS). Speeds are printed, never
 * asserted. */

#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "probe/lsc-probe.h"
#include "threads/lsc-pin.h"

#define KIB 1024
#define MIB (1024 * 1024)

/* The topology of the brief: two packages, each one 32 MB L3 over four
 * cores with a 1 MB L2 and a 48 KB L1d each, two PUs per core. hwloc's
 * synthetic sizes are decimal (KB = 1000). */
#define TWO_PACKAGES "pack:2 l3:1(size=32MB) l2:4(size=1MB) l1d:1(size=48KB) core:1 pu:2"

/* ---- helpers ---- */

static hwloc_topology_t
synthetic_topology (const char *description)
{
  hwloc_topology_t topology;

  g_assert_cmpint (hwloc_topology_init (&topology), ==, 0);
  g_assert_cmpint (hwloc_topology_set_synthetic (topology, description), ==, 0);
  g_assert_cmpint (hwloc_topology_load (topology), ==, 0);
  g_assert_false (hwloc_topology_is_thissystem (topology));
  return topology;
}

static LscMachine *
synthetic_machine (const char *description)
{
  hwloc_topology_t topology = synthetic_topology (description);
  g_autoptr(GError) error = NULL;
  LscMachine *machine = lsc_machine_new_from_topology (topology, &error);

  g_assert_no_error (error);
  g_assert_nonnull (machine);
  hwloc_topology_destroy (topology);
  return machine;
}

static guint
this_machine_cores (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscMachine) machine = lsc_machine_new_for_this_system (&error);

  g_assert_no_error (error);
  return machine->n_cores;
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
probe_to_string (LscProbe *probe)
{
  g_autoptr(JsonNode) node = lsc_probe_to_json (probe);

  return node_to_string (node);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* ---- the machine summary ---- */

typedef struct
{
  const char *description;
  guint       packages, cores, pus, numa_nodes;
  guint64     cache_bytes[3];
  guint       cache_cores[3];
  guint64     memory_bytes;
} MachineCase;

static void
test_machine_synthetic (void)
{
  /* hwloc gives each synthetic NUMA node 1 GiB unless told otherwise, and
   * one node when the description names none. */
  static const MachineCase cases[] = {
    { TWO_PACKAGES, 2, 8, 16, 1, { 48000, 1000000, 32000000 }, { 1, 1, 4 }, 1u << 30 },
    /* Two NUMA nodes, an L2 shared by a pair of cores, no L1 or L3. */
    { "numa:2 pack:1 l2:2(size=2MiB) core:2 pu:1", 2, 8, 8, 2, { 0, 2 * MIB, 0 }, { 0, 2, 0 },
      G_GUINT64_CONSTANT (2) << 30 },
    /* No package, no cache. */
    { "core:4 pu:1", 1, 4, 4, 1, { 0, 0, 0 }, { 0, 0, 0 }, 1u << 30 },
    /* One package whose L3 and L1d serve all cores, L2 per core, SMT 4. */
    { "pack:1 l3:1(size=16MiB) l1d:1(size=64KiB) l2:6(size=512KiB) core:1 pu:4", 1, 6, 24, 1,
      { 64 * KIB, 512 * KIB, 16 * MIB }, { 6, 1, 6 }, 1u << 30 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const MachineCase *c = &cases[i];
      g_autoptr(LscMachine) machine = synthetic_machine (c->description);
      g_autofree char *model = g_strdup_printf ("synthetic: %s", c->description);

      g_test_message ("%s", c->description);
      g_assert_cmpstr (machine->cpu_model, ==, model);
      g_assert_cmpuint (machine->n_packages, ==, c->packages);
      g_assert_cmpuint (machine->n_cores, ==, c->cores);
      g_assert_cmpuint (machine->n_pus, ==, c->pus);
      g_assert_cmpuint (machine->n_numa_nodes, ==, c->numa_nodes);
      for (guint level = 0; level < LSC_N_CACHE_LEVELS; level++)
        {
          g_assert_cmpuint (machine->cache_bytes[level], ==, c->cache_bytes[level]);
          g_assert_cmpuint (machine->cache_cores[level], ==, c->cache_cores[level]);
        }
      g_assert_cmpuint (machine->memory_bytes, ==, c->memory_bytes);
    }
}

static void
test_machine_counts_caches (void)
{
  g_autoptr(LscMachine) machine = synthetic_machine (TWO_PACKAGES);

  g_assert_cmpuint (lsc_machine_count_caches (machine, LSC_CACHE_L1D), ==, 8);
  g_assert_cmpuint (lsc_machine_count_caches (machine, LSC_CACHE_L2), ==, 8);
  g_assert_cmpuint (lsc_machine_count_caches (machine, LSC_CACHE_L3), ==, 2);

  machine->cache_bytes[LSC_CACHE_L3] = 0;
  machine->cache_cores[LSC_CACHE_L3] = 0;
  g_assert_cmpuint (lsc_machine_count_caches (machine, LSC_CACHE_L3), ==, 0);
}

static void
test_machine_this_system (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscMachine) machine = lsc_machine_new_for_this_system (&error);

  g_assert_no_error (error);
  g_assert_nonnull (machine->cpu_model);
  g_assert_false (g_str_has_prefix (machine->cpu_model, "synthetic"));
  g_assert_cmpuint (machine->n_cores, >=, 1);
  g_assert_cmpuint (machine->n_pus, >=, machine->n_cores);
  g_assert_cmpuint (machine->memory_bytes, >, 0);
}

static void
test_machine_json (void)
{
  g_autoptr(LscMachine) machine = synthetic_machine ("numa:2 pack:1 l2:2(size=2MiB) core:2 pu:1");
  g_autoptr(JsonNode) node = lsc_machine_to_json (machine);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscMachine) back = lsc_machine_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_true (lsc_machine_equal (machine, back));
  back->cache_cores[1] = 3;
  g_assert_false (lsc_machine_equal (machine, back));
}

/* ---- array sizes ---- */

static void
test_array_sizes (void)
{
  g_autoptr(LscMachine) machine = synthetic_machine (TWO_PACKAGES);

  /* Half of one core's share, rounded down to whole KiB. */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L1, 1), ==, 23 * KIB);   /* 24000 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L1, 8), ==, 23 * KIB);
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L2, 1), ==, 488 * KIB);  /* 500000 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L2, 5), ==, 488 * KIB);
  /* L3: 16 MB for one thread, split among the (at most 4) threads that
   * share one instance under compact pinning. */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L3, 1), ==, 16000000);   /* 15625 KiB */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L3, 2), ==, 7812 * KIB);  /* 8000000 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L3, 3), ==, 5208 * KIB);  /* 5333333 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L3, 4), ==, 3906 * KIB);  /* 4000000 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L3, 8), ==, 3906 * KIB);
  /* DRAM: 4 x both L3s = 256 MB (under the cap of a quarter of 1 GiB),
   * split among the threads. */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_DRAM, 1), ==, 256000000);
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_DRAM, 3), ==, 83333 * KIB);  /* 85333333 */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_DRAM, 8), ==, 31250 * KIB);  /* 32000000 */
  /* 0 threads reads as 1. */
  g_assert_cmpuint (lsc_probe_array_bytes (machine, LSC_MEM_L1, 0), ==, 23 * KIB);

  /* An L2 shared by pairs of cores, no L1 and L3: L1 and L3 are not
   * measured, L2 is split between the pair, and DRAM follows the L2s
   * (4 x 4 x 2 MiB = 32 MiB, raised to the 64 MiB floor). */
  {
    g_autoptr(LscMachine) pairs = synthetic_machine ("numa:2 pack:1 l2:2(size=2MiB) core:2 pu:1");

    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_L1, 1), ==, 0);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_L3, 4), ==, 0);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_L2, 1), ==, 1 * MIB);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_L2, 2), ==, 512 * KIB);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_L2, 8), ==, 512 * KIB);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_DRAM, 1), ==, 64 * MIB);
    g_assert_cmpuint (lsc_probe_array_bytes (pairs, LSC_MEM_DRAM, 8), ==, 8 * MIB);
  }

  /* Hand-made machines: the 1 GiB cap, and a quarter of a small memory. */
  {
    LscMachine big = {
      .cpu_model = (char *) "big", .n_packages = 1, .n_cores = 64, .n_pus = 64, .n_numa_nodes = 1,
      .cache_bytes = { 32 * KIB, 1 * MIB, 256 * MIB }, .cache_cores = { 1, 1, 16 },
      .memory_bytes = G_GUINT64_CONSTANT (64) << 30,
    };
    LscMachine small = big;

    /* 4 L3s x 256 MiB x 4 = 4 GiB, capped at 1 GiB. */
    g_assert_cmpuint (lsc_probe_array_bytes (&big, LSC_MEM_DRAM, 1), ==, 1024 * MIB);
    g_assert_cmpuint (lsc_probe_array_bytes (&big, LSC_MEM_DRAM, 64), ==, 16 * MIB);
    g_assert_cmpuint (lsc_probe_array_bytes (&big, LSC_MEM_L3, 16), ==, 8 * MIB);
    g_assert_cmpuint (lsc_probe_array_bytes (&big, LSC_MEM_L3, 64), ==, 8 * MIB);
    small.memory_bytes = 200 * MIB;
    g_assert_cmpuint (lsc_probe_array_bytes (&small, LSC_MEM_DRAM, 1), ==, 50 * MIB);
  }
}

static void
test_thread_counts (void)
{
  static const guint expect_64[] = { 1, 2, 4, 8, 16, 32, 64 };
  static const guint expect_24[] = { 1, 2, 4, 8, 16, 24 };
  guint counts[32], n;

  n = lsc_probe_plan_thread_counts (1, counts);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (counts[0], ==, 1);
  n = lsc_probe_plan_thread_counts (16, counts);
  g_assert_cmpuint (n, ==, 16);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (counts[i], ==, i + 1);
  n = lsc_probe_plan_thread_counts (64, counts);
  g_assert_cmpmem (counts, n * sizeof (guint), expect_64, sizeof expect_64);
  n = lsc_probe_plan_thread_counts (24, counts);
  g_assert_cmpmem (counts, n * sizeof (guint), expect_24, sizeof expect_24);
  n = lsc_probe_plan_thread_counts (1u << 20, counts);
  g_assert_cmpuint (n, ==, 21);
  g_assert_cmpuint (counts[n - 1], ==, 1u << 20);
}

static void
test_level_names (void)
{
  static const char *const names[] = { "L1", "L2", "L3", "DRAM" };
  LscMemLevel level;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (lsc_mem_level_to_string (i), ==, names[i]);
      g_assert_true (lsc_mem_level_from_string (names[i], &level));
      g_assert_cmpint (level, ==, i);
    }
  g_assert_false (lsc_mem_level_from_string ("L4", &level));
  g_assert_false (lsc_mem_level_from_string ("dram", &level));
  g_assert_false (lsc_mem_level_from_string (NULL, &level));
  g_assert_cmpstr (lsc_cache_level_to_string (LSC_CACHE_L1D), ==, "L1d");
}

/* ---- JSON ---- */

/* A probe of a 4-core machine measured at 1, 2 and 4 threads, with SSE4
 * and AVX-512 not measured. */
static const char probe_json[] =
  "{"
  "  \"schema\": 1,"
  "  \"measured_at\": \"2025-03-01T10:20:30Z\","
  "  \"seconds\": 7.5,"
  "  \"trials\": 120,"
  "  \"disturbed_trials\": 3,"
  "  \"machine\": {"
  "    \"cpu_model\": \"Example CPU 4000\", \"packages\": 1, \"cores\": 4, \"pus\": 8,"
  "    \"numa_nodes\": 1, \"cache_bytes\": [32768, 524288, 8388608], \"cache_cores\": [1, 1, 4],"
  "    \"memory_bytes\": 17179869184"
  "  },"
  "  \"frequency_ghz\": 3.5,"
  "  \"thread_counts\": [1, 2, 4],"
  "  \"peak_gflops\": {"
  "    \"scalar\": [14.0, 28.0, 56.0], \"sse4\": [null, null, null],"
  "    \"avx2\": [112.0, 224.0, 440.0], \"avx512\": [null, null, null]"
  "  },"
  "  \"bandwidth_isa\": \"avx2\","
  "  \"bandwidth_gbs\": {"
  "    \"L1\": [224.0, 448.0, 896.0], \"L2\": [112, 224, 448],"
  "    \"L3\": [60.0, 100.0, 150.0], \"DRAM\": [20.0, 30.0, 35.5]"
  "  },"
  "  \"array_bytes\": {"
  "    \"L1\": [16384, 16384, 16384], \"L2\": [262144, 262144, 262144],"
  "    \"L3\": [4194304, 2097152, 1048576], \"DRAM\": [134217728, 67108864, 33554432]"
  "  }"
  "}";

static void
test_json_read (void)
{
  g_autoptr(JsonNode) node = parse (probe_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = lsc_probe_from_json (node, &error);
  g_autofree char *when = NULL;
  const LscMachine *machine;
  const guint *counts;
  guint n, trials;

  g_assert_no_error (error);
  g_assert_nonnull (probe);
  machine = lsc_probe_get_machine (probe);
  g_assert_cmpstr (machine->cpu_model, ==, "Example CPU 4000");
  g_assert_cmpuint (machine->n_pus, ==, 8);
  g_assert_cmpuint (machine->cache_bytes[LSC_CACHE_L3], ==, 8 * MIB);
  g_assert_cmpuint (machine->cache_cores[LSC_CACHE_L3], ==, 4);
  g_assert_cmpuint (machine->memory_bytes, ==, G_GUINT64_CONSTANT (16) << 30);

  counts = lsc_probe_get_thread_counts (probe, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (counts[2], ==, 4);
  g_assert_cmpuint (lsc_probe_get_max_threads (probe), ==, 4);
  g_assert_cmpfloat (lsc_probe_get_frequency_ghz (probe), ==, 3.5);
  g_assert_cmpfloat (lsc_probe_get_seconds (probe), ==, 7.5);
  g_assert_cmpuint (lsc_probe_get_disturbed_trials (probe, &trials), ==, 3);
  g_assert_cmpuint (trials, ==, 120);
  g_assert_false (lsc_probe_is_from_cache (probe));
  g_assert_null (lsc_probe_get_cache_path (probe));
  when = g_date_time_format_iso8601 (lsc_probe_get_measured_at (probe));
  g_assert_cmpstr (when, ==, "2025-03-01T10:20:30Z");
  g_assert_cmpint (lsc_probe_get_bandwidth_isa (probe), ==, LSC_ISA_AVX2);

  /* Measured counts read back; between them, linear; outside, NAN. */
  g_assert_cmpfloat (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, 2), ==, 224.0);
  g_assert_cmpfloat (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, 3), ==, 332.0);
  g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_DRAM, 4), ==, 35.5);
  g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_DRAM, 3), ==, 32.75);
  g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_L2, 1), ==, 112.0);
  g_assert_true (isnan (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, 0)));
  g_assert_true (isnan (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, 5)));
  g_assert_true (isnan (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX512, 1)));
  g_assert_true (isnan (lsc_probe_get_peak_gflops (probe, LSC_ISA_SSE4, 2)));
  g_assert_cmpuint (lsc_probe_get_array_bytes (probe, LSC_MEM_L3, 2), ==, 2 * MIB);
  g_assert_cmpuint (lsc_probe_get_array_bytes (probe, LSC_MEM_L3, 3), ==, 0);
}

static void
test_json_round_trip (void)
{
  g_autoptr(JsonNode) node = parse (probe_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = lsc_probe_from_json (node, &error);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(LscProbe) back = NULL;
  g_autofree char *first = NULL, *second = NULL;

  g_assert_no_error (error);
  written = lsc_probe_to_json (probe);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (written), "schema"), ==, 1);
  back = lsc_probe_from_json (written, &error);
  g_assert_no_error (error);

  g_assert_true (lsc_machine_equal (lsc_probe_get_machine (probe), lsc_probe_get_machine (back)));
  for (guint t = 1; t <= 4; t++)
    {
      for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
        {
          const double a = lsc_probe_get_peak_gflops (probe, isa, t);
          const double b = lsc_probe_get_peak_gflops (back, isa, t);

          g_assert_true ((isnan (a) && isnan (b)) || a == b);
        }
      for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
        {
          g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, level, t), ==,
                             lsc_probe_get_bandwidth_gbs (back, level, t));
          g_assert_cmpuint (lsc_probe_get_array_bytes (probe, level, t), ==,
                            lsc_probe_get_array_bytes (back, level, t));
        }
    }
  g_assert_true (g_date_time_equal (lsc_probe_get_measured_at (probe), lsc_probe_get_measured_at (back)));
  first = probe_to_string (probe);
  second = probe_to_string (back);
  g_assert_cmpstr (first, ==, second);
}

typedef void (*Damage) (JsonObject *root);

static JsonObject *
member_object (JsonObject *root,
               const char *name)
{
  return json_object_get_object_member (root, name);
}

static void damage_no_schema (JsonObject *r) { json_object_remove_member (r, "schema"); }
static void damage_schema_2 (JsonObject *r) { json_object_set_int_member (r, "schema", 2); }
static void damage_schema_string (JsonObject *r) { json_object_set_string_member (r, "schema", "1"); }
static void damage_no_machine (JsonObject *r) { json_object_remove_member (r, "machine"); }
static void damage_machine_array (JsonObject *r) { json_object_set_array_member (r, "machine", json_array_new ()); }
static void damage_negative_cores (JsonObject *r) { json_object_set_int_member (member_object (r, "machine"), "cores", -4); }
static void damage_zero_pus (JsonObject *r) { json_object_set_int_member (member_object (r, "machine"), "pus", 0); }
static void damage_fewer_pus (JsonObject *r) { json_object_set_int_member (member_object (r, "machine"), "pus", 2); }
static void damage_model_number (JsonObject *r) { json_object_set_int_member (member_object (r, "machine"), "cpu_model", 7); }
static void damage_short_caches (JsonObject *r)
{
  json_array_remove_element (json_object_get_array_member (member_object (r, "machine"), "cache_bytes"), 2);
}
static void damage_cache_without_cores (JsonObject *r)
{
  JsonArray *cores = json_object_get_array_member (member_object (r, "machine"), "cache_cores");

  json_array_remove_element (cores, 2);
  json_array_add_int_element (cores, 0);
}
static void damage_counts_order (JsonObject *r)
{
  JsonArray *counts = json_array_new ();

  json_array_add_int_element (counts, 2);
  json_array_add_int_element (counts, 1);
  json_array_add_int_element (counts, 4);
  json_object_set_array_member (r, "thread_counts", counts);
}
static void damage_counts_empty (JsonObject *r) { json_object_set_array_member (r, "thread_counts", json_array_new ()); }
static void damage_counts_zero (JsonObject *r)
{
  json_array_remove_element (json_object_get_array_member (r, "thread_counts"), 0);
  json_array_add_int_element (json_object_get_array_member (r, "thread_counts"), 0);
}
static void damage_peak_short (JsonObject *r)
{
  json_array_remove_element (json_object_get_array_member (member_object (r, "peak_gflops"), "avx2"), 0);
}
static void damage_peak_missing_isa (JsonObject *r) { json_object_remove_member (member_object (r, "peak_gflops"), "scalar"); }
static void damage_bandwidth_string (JsonObject *r)
{
  JsonArray *l1 = json_object_get_array_member (member_object (r, "bandwidth_gbs"), "L1");

  json_array_remove_element (l1, 1);
  json_array_add_string_element (l1, "fast");
}
static void damage_bandwidth_negative (JsonObject *r)
{
  JsonArray *dram = json_object_get_array_member (member_object (r, "bandwidth_gbs"), "DRAM");

  json_array_remove_element (dram, 0);
  json_array_add_double_element (dram, -20.0);
}
static void damage_sizes_fraction (JsonObject *r)
{
  JsonArray *l1 = json_object_get_array_member (member_object (r, "array_bytes"), "L1");

  json_array_remove_element (l1, 0);
  json_array_add_double_element (l1, 1.5);
}
static void damage_sizes_null (JsonObject *r)
{
  JsonArray *l1 = json_object_get_array_member (member_object (r, "array_bytes"), "L1");

  json_array_remove_element (l1, 0);
  json_array_add_null_element (l1);
}
static void damage_isa_unknown (JsonObject *r) { json_object_set_string_member (r, "bandwidth_isa", "mmx"); }
static void damage_date (JsonObject *r) { json_object_set_string_member (r, "measured_at", "yesterday"); }
static void damage_date_number (JsonObject *r) { json_object_set_int_member (r, "measured_at", 1700000000); }
static void damage_frequency (JsonObject *r) { json_object_set_boolean_member (r, "frequency_ghz", TRUE); }
static void damage_disturbed (JsonObject *r) { json_object_set_int_member (r, "disturbed_trials", 121); }

static void
test_json_malformed (void)
{
  static const struct { const char *name; Damage damage; const char *says; } damages[] = {
    { "no schema", damage_no_schema, "schema" },
    { "schema 2", damage_schema_2, "schema 2" },
    { "schema as a string", damage_schema_string, "schema" },
    { "no machine", damage_no_machine, "machine" },
    { "machine an array", damage_machine_array, "machine" },
    { "negative cores", damage_negative_cores, "cores" },
    { "zero PUs", damage_zero_pus, "pus" },
    { "fewer PUs than cores", damage_fewer_pus, "PUs" },
    { "model a number", damage_model_number, "cpu_model" },
    { "two cache sizes", damage_short_caches, "cache_bytes" },
    { "a cache shared by no core", damage_cache_without_cores, "L3" },
    { "counts out of order", damage_counts_order, "thread_counts" },
    { "no counts", damage_counts_empty, "thread_counts" },
    { "a zero count", damage_counts_zero, "thread_counts" },
    { "a short peak row", damage_peak_short, "avx2" },
    { "a missing ISA", damage_peak_missing_isa, "scalar" },
    { "a string for a bandwidth", damage_bandwidth_string, "bandwidth_gbs.L1" },
    { "a negative bandwidth", damage_bandwidth_negative, "bandwidth_gbs.DRAM" },
    { "a fractional size", damage_sizes_fraction, "array_bytes.L1" },
    { "a null size", damage_sizes_null, "array_bytes.L1" },
    { "an unknown ISA", damage_isa_unknown, "mmx" },
    { "a date that is not", damage_date, "yesterday" },
    { "a date as a number", damage_date_number, "measured_at" },
    { "a boolean clock", damage_frequency, "frequency_ghz" },
    { "more disturbed than trials", damage_disturbed, "disturbed_trials" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autoptr(JsonNode) node = parse (probe_json);
      g_autoptr(GError) error = NULL;
      g_autoptr(LscProbe) probe = NULL;

      damages[i].damage (json_node_get_object (node));
      probe = lsc_probe_from_json (node, &error);
      g_test_message ("%s: %s", damages[i].name, error != NULL ? error->message : "(no error)");
      g_assert_null (probe);
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
      g_assert_nonnull (strstr (error->message, damages[i].says));
    }

  /* Not an object at all. */
  {
    g_autoptr(JsonNode) node = parse ("[1, 2, 3]");
    g_autoptr(GError) error = NULL;

    g_assert_null (lsc_probe_from_json (node, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_clear_error (&error);
    g_assert_null (lsc_probe_from_json (NULL, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  }
}

/* ---- real probes ---- */

typedef struct
{
  guint  calls;
  double last_fraction;
  char  *last_what;
  guint  cancel_after;       /* 0: never */
  GCancellable *cancellable;
} Progress;

static void
on_progress (double      fraction,
             const char *what,
             gpointer    user_data)
{
  Progress *p = user_data;

  g_assert_cmpfloat (fraction, >=, p->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1.0);
  g_assert_nonnull (what);
  p->last_fraction = fraction;
  g_free (p->last_what);
  p->last_what = g_strdup (what);
  if (++p->calls == p->cancel_after)
    g_cancellable_cancel (p->cancellable);
}

static void
print_probe (LscProbe *probe)
{
  guint n;
  const guint *counts = lsc_probe_get_thread_counts (probe, &n);

  for (guint c = 0; c < n; c++)
    {
      g_test_message ("%u thread(s): peak scalar %.1f sse4 %.1f avx2 %.1f avx512 %.1f GFLOP/s; "
                      "L1 %.1f L2 %.1f L3 %.1f DRAM %.1f GB/s", counts[c],
                      lsc_probe_get_peak_gflops (probe, LSC_ISA_SCALAR, counts[c]),
                      lsc_probe_get_peak_gflops (probe, LSC_ISA_SSE4, counts[c]),
                      lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, counts[c]),
                      lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX512, counts[c]),
                      lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_L1, counts[c]),
                      lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_L2, counts[c]),
                      lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_L3, counts[c]),
                      lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_DRAM, counts[c]));
    }
  g_test_message ("clock %.2f GHz; %.2f s", lsc_probe_get_frequency_ghz (probe),
                  lsc_probe_get_seconds (probe));
}

/* What any real probe must satisfy, whatever the noise. */
static void
check_invariants (LscProbe *probe)
{
  const LscMachine *machine = lsc_probe_get_machine (probe);
  const double ghz = lsc_probe_get_frequency_ghz (probe);
  guint n;
  const guint *counts = lsc_probe_get_thread_counts (probe, &n);

  for (guint c = 0; c < n; c++)
    {
      const guint t = counts[c];

      for (LscIsa isa = 0; isa < LSC_ISA_COUNT; isa++)
        {
          const double peak = lsc_probe_get_peak_gflops (probe, isa, t);

          if (lsc_isa_is_supported (isa))
            g_assert_cmpfloat (peak, >, 0.0);
          else
            g_assert_true (isnan (peak));
        }
      /* 16 lanes against 1, FMA against a multiply and an add: a factor
       * of 32 in theory, 2 whatever happens. */
      if (lsc_isa_is_supported (LSC_ISA_AVX512))
        g_assert_cmpfloat (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX512, t), >,
                           2.0 * lsc_probe_get_peak_gflops (probe, LSC_ISA_SCALAR, t));
      if (lsc_isa_is_supported (LSC_ISA_AVX2))
        g_assert_cmpfloat (lsc_probe_get_peak_gflops (probe, LSC_ISA_AVX2, t), >,
                           2.0 * lsc_probe_get_peak_gflops (probe, LSC_ISA_SCALAR, t));

      for (LscMemLevel level = 0; level < LSC_N_MEM_LEVELS; level++)
        {
          const guint64 bytes = lsc_probe_get_array_bytes (probe, level, t);

          g_assert_cmpuint (bytes, ==, MIN (lsc_probe_array_bytes (machine, level, t),
                                            lsc_probe_array_bytes (machine, LSC_MEM_DRAM, t)));
          if (bytes > 0)
            g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, level, t), >, 0.0);
          else
            g_assert_true (isnan (lsc_probe_get_bandwidth_gbs (probe, level, t)));
        }
      if (machine->cache_bytes[LSC_CACHE_L1D] > 0)
        g_assert_cmpfloat (lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_L1, t), >,
                           lsc_probe_get_bandwidth_gbs (probe, LSC_MEM_DRAM, t));
    }
  g_assert_cmpfloat (ghz, >, 0.5);
  g_assert_cmpfloat (ghz, <, 7.0);
  g_assert_nonnull (lsc_probe_get_measured_at (probe));
}

static void
test_probe_real (void)
{
  const guint cores = this_machine_cores ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = NULL;
  g_autofree char *first = NULL, *second = NULL;
  g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "layerscope", NULL);
  Progress progress = { 0 };
  LscProbeOptions options;
  guint n, trials;
  const guint *counts;

  lsc_probe_options_init (&options);
  options.seconds = 1.5;
  options.use_cache = FALSE;
  options.save_cache = FALSE;
  probe = lsc_probe_run (&options, on_progress, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (probe);
  print_probe (probe);

  check_invariants (probe);
  g_assert_false (lsc_probe_is_from_cache (probe));
  g_assert_null (lsc_probe_get_cache_path (probe));
  g_assert_false (g_file_test (cache_dir, G_FILE_TEST_EXISTS));
  counts = lsc_probe_get_thread_counts (probe, &n);
  g_assert_cmpuint (lsc_probe_get_max_threads (probe), ==, cores);
  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[n - 1], ==, cores);
  g_assert_cmpuint (lsc_probe_get_disturbed_trials (probe, &trials), <=, trials);
  g_assert_cmpuint (trials, >, 0);
  /* The budget is kept loosely (each unit still runs whole trials). */
  g_assert_cmpfloat (lsc_probe_get_seconds (probe), <, options.seconds + 5.0);
  g_assert_cmpfloat (progress.last_fraction, ==, 1.0);
  g_assert_cmpstr (progress.last_what, ==, "done");
  g_free (progress.last_what);

  /* A real probe survives its JSON. */
  {
    g_autoptr(JsonNode) node = lsc_probe_to_json (probe);
    g_autoptr(LscProbe) back = lsc_probe_from_json (node, &error);

    g_assert_no_error (error);
    first = probe_to_string (probe);
    second = probe_to_string (back);
    g_assert_cmpstr (first, ==, second);
  }
}

static void
test_probe_one_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = NULL;
  LscProbeOptions options;

  lsc_probe_options_init (&options);
  options.seconds = 0.5;
  options.max_threads = 1;
  options.use_cache = options.save_cache = FALSE;
  probe = lsc_probe_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lsc_probe_get_max_threads (probe), ==, 1);
  check_invariants (probe);
  g_assert_true (isnan (lsc_probe_get_peak_gflops (probe, LSC_ISA_SCALAR, 2)));
}

static void
test_probe_bad_options (void)
{
  const guint cores = this_machine_cores ();
  const double budgets[] = { 0.0, -1.0, 600.5, NAN, INFINITY };
  LscProbeOptions options;

  for (guint i = 0; i < G_N_ELEMENTS (budgets); i++)
    {
      g_autoptr(GError) error = NULL;

      lsc_probe_options_init (&options);
      options.seconds = budgets[i];
      g_assert_null (lsc_probe_run (&options, NULL, NULL, NULL, &error));
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
    }

  {
    g_autoptr(GError) error = NULL;

    lsc_probe_options_init (&options);
    options.max_threads = cores + 1;
    g_assert_null (lsc_probe_run (&options, NULL, NULL, NULL, &error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
  }
}

static void
test_probe_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { .cancel_after = 3, .cancellable = cancellable };
  LscProbeOptions options;

  lsc_probe_options_init (&options);
  options.seconds = 2.0;
  options.use_cache = options.save_cache = FALSE;
  g_assert_null (lsc_probe_run (&options, on_progress, &progress, cancellable, &error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_CANCELLED);
  /* Stopped at the first check after the cancel, not at the end. */
  g_assert_cmpuint (progress.calls, ==, 3);
  g_free (progress.last_what);
}

/* The synthetic machine of the brief has 8 cores; the threads still run on
 * this machine, unbound, at most as many as it has cores. */
static void
test_probe_synthetic (void)
{
  hwloc_topology_t topology = synthetic_topology (TWO_PACKAGES);
  const guint cores = this_machine_cores ();
  g_autoptr(LscMachine) expected = synthetic_machine (TWO_PACKAGES);
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) probe = NULL;
  g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "layerscope", NULL);
  LscProbeOptions options;
  guint n;

  lsc_probe_options_init (&options);
  options.topology = topology;
  options.seconds = 0.75;
  probe = lsc_probe_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (probe);
  print_probe (probe);

  g_assert_true (lsc_machine_equal (lsc_probe_get_machine (probe), expected));
  lsc_probe_get_thread_counts (probe, &n);
  g_assert_cmpuint (n, ==, MIN (cores, 8));
  g_assert_cmpuint (lsc_probe_get_max_threads (probe), ==, MIN (cores, 8));
  check_invariants (probe);
  g_assert_cmpuint (lsc_probe_get_array_bytes (probe, LSC_MEM_L3, 1), ==, 16000000);
  /* Someone else's machine is never cached as this one. */
  g_assert_null (lsc_probe_get_cache_path (probe));
  g_assert_false (g_file_test (cache_dir, G_FILE_TEST_EXISTS));

  /* More threads than this machine has cores, on a topology that has them. */
  if (cores < 8)
    {
      g_clear_pointer (&probe, lsc_probe_unref);
      options.max_threads = cores + 1;
      probe = lsc_probe_run (&options, NULL, NULL, NULL, &error);
      g_assert_null (probe);
      g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG);
    }
  hwloc_topology_destroy (topology);
}

/* ---- the cache ---- */

static void
test_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LscProbe) measured = NULL, cached = NULL, again = NULL, remeasured = NULL;
  g_autoptr(LscMachine) here = lsc_machine_new_for_this_system (&error);
  g_autofree char *path = lsc_probe_cache_path_for_machine (here);
  g_autofree char *name = NULL, *a = NULL, *b = NULL;
  LscProbeOptions options;

  /* The per-test cache directory G_TEST_OPTION_ISOLATE_DIRS made. */
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, g_get_user_cache_dir ()));
  name = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (name, "probe-"));
  g_assert_true (g_str_has_suffix (name, "pu.json"));
  g_assert_null (strchr (name, ' '));

  /* Nothing cached: NULL and no error. */
  g_assert_null (lsc_probe_load_cached (&error));
  g_assert_no_error (error);

  lsc_probe_options_init (&options);
  options.seconds = 1.0;
  measured = lsc_probe_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lsc_probe_is_from_cache (measured));
  g_assert_cmpstr (lsc_probe_get_cache_path (measured), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  cached = lsc_probe_load_cached (&error);
  g_assert_no_error (error);
  g_assert_nonnull (cached);
  g_assert_true (lsc_probe_is_from_cache (cached));
  g_assert_cmpstr (lsc_probe_get_cache_path (cached), ==, path);
  a = probe_to_string (measured);
  b = probe_to_string (cached);
  g_assert_cmpstr (a, ==, b);

  /* lsc_probe_run now answers from the cache, even for fewer threads. */
  options.max_threads = 1;
  again = lsc_probe_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lsc_probe_is_from_cache (again));
  g_clear_pointer (&again, lsc_probe_unref);

  /* A damaged file is an error for load_cached, and measured over by run. */
  g_assert_true (g_file_set_contents (path, "{\"schema\": 1, \"machine\": ", -1, NULL));
  g_assert_null (lsc_probe_load_cached (&error));
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  options.seconds = 0.5;
  remeasured = lsc_probe_run (&options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lsc_probe_is_from_cache (remeasured));
  g_clear_pointer (&cached, lsc_probe_unref);
  cached = lsc_probe_load_cached (&error);
  g_assert_no_error (error);
  g_assert_nonnull (cached);
  g_assert_cmpuint (lsc_probe_get_max_threads (cached), ==, 1);

  /* A valid file for another machine under this machine's name. */
  {
    g_assert_true (g_file_set_contents (path, probe_json, -1, NULL));
    g_assert_null (lsc_probe_load_cached (&error));
    g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
    g_assert_nonnull (strstr (error->message, "another machine"));
    g_clear_error (&error);
  }

  /* use_cache without save_cache: that file is measured over but left as
   * it is. */
  {
    g_autofree char *before = NULL, *after = NULL;

    g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
    options.save_cache = FALSE;
    again = lsc_probe_run (&options, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (lsc_probe_is_from_cache (again));
    g_assert_null (lsc_probe_get_cache_path (again));
    g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
    g_assert_cmpstr (before, ==, after);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/probe/machine/synthetic", test_machine_synthetic);
  g_test_add_func ("/probe/machine/count-caches", test_machine_counts_caches);
  g_test_add_func ("/probe/machine/this-system", test_machine_this_system);
  g_test_add_func ("/probe/machine/json", test_machine_json);
  g_test_add_func ("/probe/array-sizes", test_array_sizes);
  g_test_add_func ("/probe/thread-counts", test_thread_counts);
  g_test_add_func ("/probe/level-names", test_level_names);
  g_test_add_func ("/probe/json/read", test_json_read);
  g_test_add_func ("/probe/json/round-trip", test_json_round_trip);
  g_test_add_func ("/probe/json/malformed", test_json_malformed);
  g_test_add_func ("/probe/run/real", test_probe_real);
  g_test_add_func ("/probe/run/one-thread", test_probe_one_thread);
  g_test_add_func ("/probe/run/bad-options", test_probe_bad_options);
  g_test_add_func ("/probe/run/cancel", test_probe_cancel);
  g_test_add_func ("/probe/run/synthetic", test_probe_synthetic);
  g_test_add_func ("/probe/cache", test_cache);
  return g_test_run ();
}
