"""Sessions stay in the database (logging out ends them on the server), but a request that changes nothing in
its session writes it only to push back the idle time-out, at most once a minute: reading a page writes
nothing else, so reading keeps working while an import holds the embedded database's one write lock."""

import time

from django.contrib.sessions.backends.base import UpdateError

from amparo.core.dialects import dialect

REFRESHED = "_amparo_refreshed"  # when the session's expiry was last pushed back (seconds since the epoch)
REFRESH_EVERY_SECONDS = 60
# A refresh waits this long for the write lock, then gives up: the session stays valid until its expiry,
# and a later request pushes it back.
REFRESH_WAIT_SECONDS = 0.5


class SessionRefreshMiddleware:
    """After SessionMiddleware (so that it runs first on the way out): SESSION_SAVE_EVERY_REQUEST is off, and
    this saves an unchanged session once its expiry was last pushed back REFRESH_EVERY_SECONDS ago. The idle
    time-out (SESSION_COOKIE_AGE) so counts from the last request within a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.session_key is None or response.status_code >= 500:
            return response
        now = int(time.time())
        # Reading the session may find it gone (expired, ended): then it has no key and nothing is saved.
        if now - session.get(REFRESHED, 0) < REFRESH_EVERY_SECONDS or session.session_key is None:
            return response
        session[REFRESHED] = now
        try:
            with dialect().waiting_at_most(REFRESH_WAIT_SECONDS):
                session.save()
        except UpdateError:  # ended meanwhile (logged out elsewhere): nothing to push back
            pass
        except Exception as error:
            if not dialect().is_busy(error):
                raise
        session.modified = False  # saved, or given up: SessionMiddleware has nothing left to write
        return response
