#include "kernels/lsc-isa.h"

#include "core/lsc-error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define LSC_HAVE_X86 1
#endif

static const char *const isa_names[LSC_ISA_COUNT] = {
  [LSC_ISA_SCALAR] = "scalar",
  [LSC_ISA_SSE4] = "sse4",
  [LSC_ISA_AVX2] = "avx2",
  [LSC_ISA_AVX512] = "avx512",
};

const char *
lsc_isa_to_string (LscIsa isa)
{
  g_return_val_if_fail (isa < LSC_ISA_COUNT, "unknown");
  return isa_names[isa];
}

gboolean
lsc_isa_from_string (const char  *name,
                     LscIsa      *out,
                     GError     **error)
{
  for (int i = 0; i < LSC_ISA_COUNT; i++)
    if (g_ascii_strcasecmp (name, isa_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
               "unknown instruction set “%s” (choose scalar, sse4, avx2 or avx512)", name);
  return FALSE;
}

#ifdef LSC_HAVE_X86
/* XCR0 says which register states the OS saves on a context switch: a CPU
 * with AVX-512 under an OS that does not save ZMM state cannot use it. */
static guint64
read_xcr0 (void)
{
  guint32 eax, edx;
  __asm__ volatile ("xgetbv" : "=a" (eax), "=d" (edx) : "c" (0));
  return ((guint64) edx << 32) | eax;
}

static LscIsa
detect_x86 (void)
{
  unsigned int eax, ebx, ecx, edx;
  LscIsa best = LSC_ISA_SCALAR;

  if (!__get_cpuid (1, &eax, &ebx, &ecx, &edx))
    return best;
  const gboolean sse41 = (ecx >> 19) & 1;
  const gboolean fma = (ecx >> 12) & 1;
  const gboolean osxsave = (ecx >> 27) & 1;
  const gboolean avx = (ecx >> 28) & 1;
  if (sse41)
    best = LSC_ISA_SSE4;
  if (!osxsave || !avx)
    return best;

  const guint64 xcr0 = read_xcr0 ();
  const gboolean ymm_saved = (xcr0 & 0x6) == 0x6;           /* SSE + AVX state */
  const gboolean zmm_saved = (xcr0 & 0xe6) == 0xe6;         /* + opmask, ZMM0-15 high, ZMM16-31 */
  if (!__get_cpuid_count (7, 0, &eax, &ebx, &ecx, &edx))
    return best;
  const gboolean avx2 = (ebx >> 5) & 1;
  const gboolean avx512f = (ebx >> 16) & 1;
  if (ymm_saved && avx2 && fma)
    best = LSC_ISA_AVX2;
  if (best == LSC_ISA_AVX2 && zmm_saved && avx512f)
    best = LSC_ISA_AVX512;
  return best;
}
#endif

LscIsa
lsc_isa_detect (void)
{
  static gsize once = 0;
  static LscIsa best;

  if (g_once_init_enter (&once))
    {
#ifdef LSC_HAVE_X86
      best = detect_x86 ();
#else
      best = LSC_ISA_SCALAR;
#endif
      g_once_init_leave (&once, 1);
    }
  return best;
}

gboolean
lsc_isa_is_supported (LscIsa isa)
{
  return isa <= lsc_isa_detect ();
}

gboolean
lsc_isa_resolve (const char  *requested,
                 LscIsa      *out,
                 GError     **error)
{
  const char *source = "--isa";
  LscIsa isa;

  if (requested == NULL)
    {
      requested = g_getenv ("LSC_ISA");
      source = "LSC_ISA";
    }
  if (requested == NULL || *requested == '\0')
    {
      *out = lsc_isa_detect ();
      return TRUE;
    }
  if (!lsc_isa_from_string (requested, &isa, error))
    {
      g_prefix_error (error, "%s: ", source);
      return FALSE;
    }
  if (!lsc_isa_is_supported (isa))
    {
      g_set_error (error, LSC_ENGINE_ERROR, LSC_ENGINE_ERROR_BAD_CONFIG,
                   "%s: this CPU (or OS) does not support %s; the best it has is %s",
                   source, lsc_isa_to_string (isa), lsc_isa_to_string (lsc_isa_detect ()));
      return FALSE;
    }
  *out = isa;
  return TRUE;
}
