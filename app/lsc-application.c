#include "config.h"

#include "lsc-application.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lsc-ui.h"
#include "lsc-window.h"

#define DEFAULT_ZOO_MODEL "mobilenetv2"

struct _LscApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (LscApplication, lsc_application, ADW_TYPE_APPLICATION)

static LscWindow *
new_window (LscApplication *self)
{
  return lsc_window_new (ADW_APPLICATION (self));
}

static void
lsc_application_activate (GApplication *application)
{
  LscApplication *self = LSC_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (new_window (self));
      lsc_window_open_zoo_model (LSC_WINDOW (window), DEFAULT_ZOO_MODEL);
    }
  gtk_window_present (window);
}

static gboolean
has_model_file (GFile **files,
                int     n_files)
{
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);
      g_autofree char *lower = name != NULL ? g_utf8_strdown (name, -1) : NULL;

      if (lower != NULL && (g_str_has_suffix (lower, ".h5") || g_str_has_suffix (lower, ".hdf5")
                            || g_str_has_suffix (lower, ".keras")))
        return TRUE;
    }
  return FALSE;
}

/* A model goes to a new window unless the active one has none yet; images
 * alone go to the active window (with the built-in model if it is new). */
static void
lsc_application_open (GApplication  *application,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  LscApplication *self = LSC_APPLICATION (application);
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  LscWindow *window;
  gboolean with_model = has_model_file (files, n_files);

  if (active != NULL && (!with_model || !lsc_window_has_model (LSC_WINDOW (active))))
    window = LSC_WINDOW (active);
  else
    window = new_window (self);

  if (!with_model && !lsc_window_has_model (window))
    lsc_window_open_zoo_model (window, DEFAULT_ZOO_MODEL);
  lsc_window_open_files (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  LscApplication *self = user_data;
  LscWindow *window = new_window (self);

  lsc_window_open_zoo_model (window, DEFAULT_ZOO_MODEL);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  LscApplication *self = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Layerscope"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Layerscope developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("See where a Keras model spends its time on your CPU: "
                                      "per layer, per core, against the caches and memory "
                                      "of this machine."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GApplication *application = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));

  /* Close rather than quit outright, so windows save their size. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
  g_application_quit (application);
}

static const GActionEntry app_actions[] = {
  { .name = "new-window", .activate = new_window_action },
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
lsc_application_startup (GApplication *application)
{
  LscApplication *self = LSC_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control>n", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (lsc_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window",
                                         new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
lsc_application_class_init (LscApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = lsc_application_activate;
  app_class->open = lsc_application_open;
  app_class->startup = lsc_application_startup;
}

static void
lsc_application_init (LscApplication *self)
{
  /* Before startup: AdwApplication loads style.css and GtkApplication the
   * shortcuts window from the resource base path while chaining up. */
  lsc_ui_init ();
}

LscApplication *
lsc_application_new (void)
{
  return g_object_new (LSC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", LSC_UI_RESOURCE_BASE_PATH,
                       NULL);
}

int
lsc_application_run_gui (int    argc,
                         char **argv)
{
  g_autoptr(LscApplication) app = NULL;

  /* Harmless if main.c already did it; needed if it did not. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without a session bus (containers, CI, a bare X server) GTK 4.8's
   * AT-SPI bridge cannot work and floods stderr with criticals; the
   * application itself runs fine unregistered. */
  if (g_getenv ("GTK_A11Y") == NULL)
    {
      g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

      if (bus == NULL)
        g_setenv ("GTK_A11Y", "none", TRUE);
    }

  g_set_application_name (_("Layerscope"));
  gtk_window_set_default_icon_name (APP_ID);

  app = lsc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
