from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

# What a reverse proxy tells Amparo: the scheme the client used and the client's address. The Host header is
# the proxy's to pass on (nginx: `proxy_set_header Host $host`), so X-Forwarded-Host is not needed.
TRUSTED_PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-for"}


def forwarding_options() -> dict:
    """Waitress's proxy settings from Amparo's: the forwarding headers of the proxy at PROXY_ADDRESS are
    applied (scheme, REMOTE_ADDR) and everyone else's removed; with no proxy configured, all are removed."""
    if not settings.BEHIND_PROXY:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": settings.PROXY_ADDRESS,
        "trusted_proxy_count": settings.PROXY_COUNT,
        "trusted_proxy_headers": TRUSTED_PROXY_HEADERS,
        "clear_untrusted_proxy_headers": True,
    }


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
        if settings.HTTPS and not settings.BEHIND_PROXY:
            # Waitress speaks no TLS: every request would look like plain HTTP and be redirected forever.
            raise CommandError(
                _(
                    "AMPARO_HTTPS=True needs the reverse proxy that terminates TLS: set AMPARO_BEHIND_PROXY=True "
                    "and AMPARO_PROXY_ADDRESS to the address it connects from."
                )
            )
        self.stdout.write(
            _("Amparo is serving on http://%(host)s:%(port)s/ (Ctrl+C to stop)") % {"host": host, "port": port}
        )
        if settings.BEHIND_PROXY:
            self.stdout.write(
                _("Trusting the forwarding headers of the proxy at %(address)s only.")
                % {"address": settings.PROXY_ADDRESS}
            )
        try:
            serve(application, host=host, port=port, threads=threads, ident="Amparo", **forwarding_options())
        except OSError as error:  # the address is taken or cannot be bound
            raise CommandError(  # noqa: B904 (the message names the error; its traceback would hide it)
                _("Cannot listen on %(host)s:%(port)s (%(error)s). Is Amparo already running? Try --port.")
                % {"host": host, "port": port, "error": error.strerror or error}
            )
