from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    @property
    def help(self):  # evaluated when shown, in the language active then
        return _("Serve Amparo with a production-grade WSGI server (waitress).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help=_("Address to listen on (default 127.0.0.1)."))
        parser.add_argument("--port", type=int, default=8000, help=_("Port to listen on (default 8000)."))
        parser.add_argument("--threads", type=int, default=8, help=_("Worker threads (default 8)."))

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from amparo.wsgi import application

        if not 0 < port < 65536:
            raise CommandError(_("The port must be between 1 and 65535, not %(port)s.") % {"port": port})
        if threads < 1:
            raise CommandError(_("At least one thread is needed."))
        self.stdout.write(
            _("Amparo is serving on http://%(host)s:%(port)s/ (Ctrl+C to stop)") % {"host": host, "port": port}
        )
        try:
            serve(application, host=host, port=port, threads=threads, ident="Amparo")
        except OSError as error:  # the address is taken or cannot be bound
            raise CommandError(  # noqa: B904 (the message names the error; its traceback would hide it)
                _("Cannot listen on %(host)s:%(port)s (%(error)s). Is Amparo already running? Try --port.")
                % {"host": host, "port": port, "error": error.strerror or error}
            )
