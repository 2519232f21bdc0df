/* .npy reading and writing: round trips, files written by numpy itself
 * (tests/data/npy, made by make-fixtures.py there), and malformed files
 * built byte by byte here, each of which must give an error naming the file
 * and never crash. */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "core/lsc-error.h"
#include "io/lsc-npy.h"
#include "lsc-test-util.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "npy", name, NULL);
}

static void
write_bytes (const char *path,
             const void *bytes,
             gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, bytes, length, &error));
  g_assert_no_error (error);
}

/* A version 1.0 file: magic, version, header length, header, data. */
static GByteArray *
npy_v1 (const char *header,
        const void *data,
        gsize       data_length)
{
  GByteArray *bytes = g_byte_array_new ();
  gsize header_len = strlen (header);
  guint8 len_le[2] = { header_len & 0xff, header_len >> 8 };

  g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (bytes, len_le, 2);
  g_byte_array_append (bytes, (const guint8 *) header, header_len);
  if (data_length > 0)
    g_byte_array_append (bytes, data, data_length);
  return bytes;
}

static LscTensor *
read_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  LscTensor *tensor = lsc_npy_read (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tensor);
  return tensor;
}

/* Asserts that reading fails with BAD_INPUT, naming the file and saying
 * why (a fragment of the message). */
static void
assert_refused (const char *path,
                const char *why)
{
  g_autoptr(GError) error = NULL;
  LscTensor *tensor = lsc_npy_read (path, &error);

  g_assert_null (tensor);
  g_assert_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
  g_assert_nonnull (strstr (error->message, path));
  if (why != NULL && strstr (error->message, why) == NULL)
    g_error ("“%s”: expected “%s” in the message “%s”", path, why, error->message);
}

static void
assert_values (const LscTensor *tensor,
               const float     *expected,
               int              ndim,
               ...)
{
  va_list ap;

  g_assert_cmpint (tensor->shape.ndim, ==, ndim);
  va_start (ap, ndim);
  for (int i = 0; i < ndim; i++)
    g_assert_cmpint (tensor->shape.dims[i], ==, va_arg (ap, int));
  va_end (ap);

  for (int64_t i = 0; i < lsc_tensor_numel (tensor); i++)
    {
      /* Bit-exact: the conversions are exact roundings to float32. */
      if (memcmp (&tensor->data[i], &expected[i], sizeof (float)) != 0)
        g_error ("element %" G_GINT64_FORMAT ": got %.9g, expected %.9g", (gint64) i,
                 tensor->data[i], expected[i]);
    }
}

static void
test_npy_round_trip (void)
{
  const float values[] = { 0.0f, -0.0f, 1.5f, -3.25e-7f, 3.4e38f, INFINITY, -INFINITY, 1e-45f,
                           123456.789f, -1.0f, 0.1f, 42.0f };
  const LscShape shapes[] = {
    lsc_shape_make (2, (int64_t) 3, (int64_t) 4),
    lsc_shape_make (1, (int64_t) 12),
    lsc_shape_make (4, (int64_t) 1, (int64_t) 2, (int64_t) 2, (int64_t) 3),
    lsc_shape_make (8, (int64_t) 1, (int64_t) 1, (int64_t) 2, (int64_t) 1, (int64_t) 1,
                    (int64_t) 3, (int64_t) 1, (int64_t) 2),
  };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LscTensor) tensor = lsc_tensor_new_from_data (&shapes[s], values);
      g_autoptr(LscTensor) back = NULL;
      g_autofree char *path = tmp_path ("round-trip.npy");

      g_assert_true (lsc_npy_write (path, tensor, &error));
      g_assert_no_error (error);
      back = read_ok (path);
      g_assert_true (lsc_shape_equal (&back->shape, &tensor->shape));
      g_assert_cmpmem (back->data, 12 * sizeof (float), values, sizeof values);
    }

  /* NaN keeps its bits too. */
  {
    g_autoptr(GError) error = NULL;
    const float nan_value = NAN;
    LscShape shape = lsc_shape_make (1, (int64_t) 1);
    g_autoptr(LscTensor) tensor = lsc_tensor_new_from_data (&shape, &nan_value);
    g_autoptr(LscTensor) back = NULL;
    g_autofree char *path = tmp_path ("nan.npy");

    g_assert_true (lsc_npy_write (path, tensor, &error));
    back = read_ok (path);
    g_assert_true (isnan (back->data[0]));
  }
}

/* The file is byte for byte what numpy.save writes (numpy 1.24): for
 *   np.save ("x.npy", np.zeros ((2, 3), np.float32))
 * the header is the dict's repr, 21 − len ("2") spaces of room for the
 * first axis to grow, then spaces and "\n" up to 128 bytes in all. */
static void
test_npy_write_matches_numpy (void)
{
  g_autoptr(GError) error = NULL;
  LscShape shape = lsc_shape_make (2, (int64_t) 2, (int64_t) 3);
  g_autoptr(LscTensor) tensor = lsc_tensor_new (&shape);
  g_autofree char *path = tmp_path ("numpy-layout.npy");
  g_autofree char *contents = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gsize length;

  tensor->data[0] = 1.0f;       /* 0x3f800000, little-endian 00 00 80 3f */
  g_assert_true (lsc_npy_write (path, tensor, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  g_string_append_len (expected, "\x93NUMPY\x01\x00\x76\x00", 10);   /* 0x76 = 118 */
  g_string_append (expected, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  while (expected->len < 127)
    g_string_append_c (expected, ' ');
  g_string_append_c (expected, '\n');

  g_assert_cmpuint (length, ==, 128 + 6 * 4);
  g_assert_cmpmem (contents, 128, expected->str, expected->len);
  g_assert_cmpmem (contents + 128, 4, "\x00\x00\x80\x3f", 4);

  /* A 1-d shape is written with Python's trailing comma. */
  {
    LscShape shape1 = lsc_shape_make (1, (int64_t) 5);
    g_autoptr(LscTensor) vector = lsc_tensor_new (&shape1);
    g_autofree char *contents1 = NULL;

    g_assert_true (lsc_npy_write (path, vector, &error));
    g_assert_true (g_file_get_contents (path, &contents1, &length, NULL));
    g_assert_cmpuint (length, ==, 128 + 5 * 4);
    g_assert_nonnull (strstr (contents1 + 10, "'shape': (5,), }"));
    g_assert_cmpint (contents1[127], ==, '\n');
  }
}

static void
check_fixture (const char  *name,
               const float *expected,
               int          ndim,
               int          d0,
               int          d1,
               int          d2)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(LscTensor) tensor = read_ok (path);

  if (ndim == 1)
    assert_values (tensor, expected, 1, d0);
  else if (ndim == 2)
    assert_values (tensor, expected, 2, d0, d1);
  else
    assert_values (tensor, expected, 3, d0, d1, d2);
}

static void
test_npy_numpy_fixtures (void)
{
  /* float64 → float32 rounds to nearest: 0.1 becomes 0.1f, -0.0 stays. */
  const float f8[] = { 0.5f, -1.25f, 0.1f, 1e-3f, 65504.0f, -0.0f };
  /* 123456789 is not a float32; the nearest is 123456792. */
  const float i8[] = { -3.0f, 0.0f, 123456792.0f };
  const float u1[] = { 0.0f, 1.0f, 128.0f, 255.0f };
  const float b1[] = { 1.0f, 0.0f, 0.0f, 1.0f };
  /* 2^-24 is the smallest float16 subnormal. */
  const float f2[] = { 1.0f, -0.5f, 65504.0f, 5.9604644775390625e-8f, -INFINITY };
  const float i1[] = { -128.0f, 0.0f, 127.0f };
  const float u2[] = { 0.0f, 65535.0f };
  const float i4[] = { -2147483648.0f, 7.0f };
  const float u4[] = { 4294967296.0f, 1.0f };            /* 4294967295 rounds up */
  const float u8[] = { 18446744073709551616.0f, 3.0f };  /* 2^64 − 1 rounds up */
  const float be_f4[] = { 1.5f, -2.0f, 3.25f, 1e-3f };
  const float be_i2[] = { -2.0f, 300.0f, 32767.0f };
  const float be_f8[] = { 2.5f, -1e10f };
  const float f4_3d[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const float f4_3[] = { 1.0f, 2.0f, 3.0f };

  check_fixture ("f8-2x3.npy", f8, 2, 2, 3, 0);
  check_fixture ("i8-3.npy", i8, 1, 3, 0, 0);
  check_fixture ("u1-2x2.npy", u1, 2, 2, 2, 0);
  check_fixture ("b1-4.npy", b1, 1, 4, 0, 0);
  check_fixture ("f2-5.npy", f2, 1, 5, 0, 0);
  check_fixture ("i1-3.npy", i1, 1, 3, 0, 0);
  check_fixture ("u2-2.npy", u2, 1, 2, 0, 0);
  check_fixture ("i4-2.npy", i4, 1, 2, 0, 0);
  check_fixture ("u4-2.npy", u4, 1, 2, 0, 0);
  check_fixture ("u8-2.npy", u8, 1, 2, 0, 0);
  check_fixture ("be-f4-2x2.npy", be_f4, 2, 2, 2, 0);
  check_fixture ("be-i2-3.npy", be_i2, 1, 3, 0, 0);
  check_fixture ("be-f8-2.npy", be_f8, 1, 2, 0, 0);
  check_fixture ("f4-2x2x2.npy", f4_3d, 3, 2, 2, 2);
  check_fixture ("v2-f4-3.npy", f4_3, 1, 3, 0, 0);
  check_fixture ("v3-f4-3.npy", f4_3, 1, 3, 0, 0);
}

static void
test_npy_numpy_refused (void)
{
  static const struct
  {
    const char *name;
    const char *why;
  } cases[] = {
    { "fortran-f4-2x3.npy", "Fortran" },
    { "object-2.npy", "object arrays" },
    { "scalar-f4.npy", "0-d" },
    { "unicode-2.npy", "'<U2' is not supported" },
    { "c8-2.npy", "'<c8' is not supported" },
    { "f4-9d.npy", "more than 8 dimensions" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture_path (cases[i].name);
      assert_refused (path, cases[i].why);
    }
}

static void
test_npy_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("does-not-exist.npy");

  g_assert_null (lsc_npy_read (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_npy_write_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-dir", "x.npy", NULL);
  LscShape shape = lsc_shape_make (1, (int64_t) 2);
  g_autoptr(LscTensor) tensor = lsc_tensor_new (&shape);

  g_assert_false (lsc_npy_write (path, tensor, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "x.npy"));
}

static void
test_npy_zero_size (void)
{
  /* A batch of zero rows is an odd file but a valid one. */
  g_autofree char *path = tmp_path ("zero.npy");
  g_autoptr(GByteArray) bytes = npy_v1 ("{'descr': '<f4', 'fortran_order': False, "
                                        "'shape': (0, 3), }\n", NULL, 0);
  g_autoptr(LscTensor) tensor = NULL;

  write_bytes (path, bytes->data, bytes->len);
  tensor = read_ok (path);
  g_assert_cmpint (tensor->shape.ndim, ==, 2);
  g_assert_cmpint (tensor->shape.dims[0], ==, 0);
  g_assert_cmpint (tensor->shape.dims[1], ==, 3);
}

static void
test_npy_header_variants (void)
{
  const float data[2] = { 1.0f, 2.0f };
  /* Python 2 numpy wrote "2L"; double quotes and odd spacing are still a
   * Python dict; '=' is native byte order. */
  static const char *headers[] = {
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }\n",
    "{\"descr\": \"<f4\", \"shape\": (2,), \"fortran_order\": False}\n",
    "{ 'shape' : ( 2 , ) , 'fortran_order' : False , 'descr' : '=f4' }    \n",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *path = tmp_path ("variant.npy");
      g_autoptr(GByteArray) bytes = npy_v1 (headers[i], data, sizeof data);
      g_autoptr(LscTensor) tensor = NULL;

      write_bytes (path, bytes->data, bytes->len);
      tensor = read_ok (path);
      g_assert_cmpint (lsc_tensor_numel (tensor), ==, 2);
      g_assert_cmpfloat (tensor->data[1], ==, 2.0f);
    }
}

static void
test_npy_malformed (void)
{
  static const struct
  {
    const char *header;     /* NULL: use raw */
    const char *raw;
    gsize       raw_len;
    gsize       data_len;
    const char *why;
  } cases[] = {
    { NULL, "", 0, 0, "magic" },
    { NULL, "\x93NUMP", 5, 0, "magic" },
    { NULL, "\x89PNG\r\n\x1a\n\0\0", 10, 0, "magic" },
    { NULL, "\x93NUMPY\x04\x00\x10\x00", 10, 0, "version 4.0" },
    { NULL, "\x93NUMPY\x01\x01\x10\x00", 10, 0, "version 1.1" },
    { NULL, "\x93NUMPY\x01\x00\x10", 9, 0, "header length" },
    { NULL, "\x93NUMPY\x02\x00\x10\x00\x00", 11, 0, "header length" },
    { NULL, "\x93NUMPY\x01\x00\xff\x00{'descr'", 17, 0, "ends inside the header" },
    { NULL, "\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14, 0, "ends inside the header" },
    { "hello\n", NULL, 0, 0, "not a Python dict" },
    { "{'descr': '<f4', 'fortran_order': False}\n", NULL, 0, 0, "no 'shape'" },
    { "{'descr': '<f4', 'shape': (2,)}\n", NULL, 0, 8, "no 'fortran_order'" },
    { "{'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "no 'descr'" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", NULL, 0, 8,
      "unexpected key 'x'" },
    { "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8,
      "repeats 'descr'" },
    { "{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, NULL },
    { "{'descr': '<f4\n", NULL, 0, 0, "unterminated" },
    { "{'descr': '<\\x66', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "escape" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}\n", NULL, 0, 8, "negative" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x)}\n", NULL, 0, 8, "tuple" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}\n", NULL, 0, 8, "tuple" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,\n", NULL, 0, 0, "tuple" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}\n", NULL, 0,
      0, "too large" },
    { "{'descr': '<f4', 'fortran_order': False, "
      "'shape': (4294967296, 4294967296, 4294967296)}\n", NULL, 0, 0, "addressed" },
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,)}\n", NULL, 0,
      0, "addressed" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}\n", NULL, 0, 20, "truncated" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1)}\n", NULL,
      0, 4, "more than 8 dimensions" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': ()}\n", NULL, 0, 4, "0-d" },
    { "{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}\n", NULL, 0, 8, "Fortran" },
    { "{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,)}\n", NULL, 0, 8, "True or False" },
    { "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8,
      "structured" },
    { "{'descr': '|O', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 16, "object" },
    { "{'descr': '<f3', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "not supported" },
    { "{'descr': '<i3', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "not supported" },
    { "{'descr': '|b2', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "not supported" },
    { "{'descr': '<f', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "not supported" },
    { "{'descr': '', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "not supported" },
    { "{'descr': '<f99999999999999999999999', 'fortran_order': False, 'shape': (2,)}\n", NULL, 0,
      8, "not supported" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk\n", NULL, 0, 8,
      "after the header" },
    { "{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}\n", NULL, 0, 8, "expected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/malformed-%u.npy", tmp_dir, i);
      g_autofree guint8 *zeros = g_malloc0 (cases[i].data_len + 1);

      if (cases[i].header != NULL)
        {
          g_autoptr(GByteArray) bytes = npy_v1 (cases[i].header, zeros, cases[i].data_len);
          write_bytes (path, bytes->data, bytes->len);
        }
      else
        write_bytes (path, cases[i].raw, cases[i].raw_len);

      assert_refused (path, cases[i].why);
    }

  /* A NUL byte inside the header. */
  {
    g_autofree char *path = tmp_path ("nul.npy");
    const char header[] = "{'descr': '<f4',\0'fortran_order': False, 'shape': (2,)}\n";
    g_autoptr(GByteArray) bytes = g_byte_array_new ();
    guint8 len_le[2] = { sizeof header - 1, 0 };

    g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
    g_byte_array_append (bytes, len_le, 2);
    g_byte_array_append (bytes, (const guint8 *) header, sizeof header - 1);
    g_byte_array_append (bytes, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
    write_bytes (path, bytes->data, bytes->len);
    assert_refused (path, "NUL");
  }
}

/* Every prefix of a valid file is refused, and every single-byte change to
 * its header either still reads or is refused: never a crash. */
static void
test_npy_truncations_and_corruptions (void)
{
  static const guint8 replacements[] = { 0x00, 0xff, '(', ')', ',', ' ', '9', '\'', '{', '}', 'L' };
  g_autoptr(GError) error = NULL;
  g_autofree char *good_path = tmp_path ("good.npy");
  g_autofree char *path = tmp_path ("damaged.npy");
  g_autofree guint8 *good = NULL;
  LscShape shape = lsc_shape_make (2, (int64_t) 2, (int64_t) 3);
  g_autoptr(LscTensor) tensor = lsc_tensor_new (&shape);
  gsize length;
  guint n_read = 0;

  g_assert_true (lsc_npy_write (good_path, tensor, &error));
  g_assert_true (g_file_get_contents (good_path, (char **) &good, &length, NULL));

  for (gsize cut = 0; cut < length; cut++)
    {
      write_bytes (path, good, cut);
      assert_refused (path, NULL);
    }

  for (gsize at = 0; at < 128; at++)
    for (guint r = 0; r < G_N_ELEMENTS (replacements); r++)
      {
        g_autoptr(GError) local_error = NULL;
        g_autofree guint8 *damaged = g_memdup2 (good, length);
        LscTensor *result;

        if (damaged[at] == replacements[r])
          continue;
        damaged[at] = replacements[r];
        write_bytes (path, damaged, length);
        result = lsc_npy_read (path, &local_error);
        if (result != NULL)
          {
            g_assert_no_error (local_error);
            n_read++;
            lsc_tensor_free (result);
          }
        else
          {
            g_assert_error (local_error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_INPUT);
          }
      }

  /* Changing the padding spaces to other spaces or the first dimension to
   * '9' (a 9 × 3 array needs more data than is there) is harmless or
   * refused; some changes must still read, or the loop proved nothing. */
  g_assert_cmpuint (n_read, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = lsc_test_make_tmp_dir ();

  g_test_add_func ("/npy/round-trip", test_npy_round_trip);
  g_test_add_func ("/npy/write-matches-numpy", test_npy_write_matches_numpy);
  g_test_add_func ("/npy/numpy-fixtures", test_npy_numpy_fixtures);
  g_test_add_func ("/npy/numpy-refused", test_npy_numpy_refused);
  g_test_add_func ("/npy/missing-file", test_npy_missing_file);
  g_test_add_func ("/npy/write-error", test_npy_write_error);
  g_test_add_func ("/npy/zero-size", test_npy_zero_size);
  g_test_add_func ("/npy/header-variants", test_npy_header_variants);
  g_test_add_func ("/npy/malformed", test_npy_malformed);
  g_test_add_func ("/npy/truncations-and-corruptions", test_npy_truncations_and_corruptions);

  status = g_test_run ();
  lsc_test_remove_tmp_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
