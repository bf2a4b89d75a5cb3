from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from amparo.registry.models import Case
from amparo.web.demo import demo_casework_seed, demo_users_reset


class Command(BaseCommand):
    @property
    def help(self):  # evaluated when shown, in the language active then
        return _("From nothing to a running site: data directory, database, synthetic sample data, demo users, server.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help=_("Port to serve on (default 8000)."))
        parser.add_argument(
            "--no-serve", action="store_true", help=_("Prepare everything but do not start the server.")
        )

    def handle(self, *args, port, no_serve, **options):
        self.stdout.write(_("Data directory: %(path)s") % {"path": settings.DATA_DIR})
        call_command("migrate", interactive=False, verbosity=0)
        if not Case.objects.exists():
            self.stdout.write(_("Generating the synthetic sample registry (2010-2025)..."))
            call_command("synth", stdout=self.stdout)
        logins = demo_users_reset()
        demo_casework_seed()
        self.stdout.write("")
        self.stdout.write(_("Demo users (new passwords on every run):"))
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.password:<18} {login.role.label}")
        self.stdout.write(_("All data shown is SYNTHETIC."))
        if not no_serve:
            call_command("serve", port=port, stdout=self.stdout)
