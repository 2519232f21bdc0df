#include "lsc-ui.h"

#include "lsc-resources.h"

void
lsc_ui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      lsc_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}
