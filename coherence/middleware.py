"""Site-wide middleware: send anonymous visitors to sign in when a view says they must; and the client
address as the app sees it behind its reverse proxies."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

from assessments.access import SignInRequired


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXIES` reverse proxies the address the
    outermost trusted proxy saw (counted from the right of X-Forwarded-For, which clients can forge)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
