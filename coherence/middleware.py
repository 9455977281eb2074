"""Site-wide middleware: send anonymous visitors to sign in when a view says they must."""

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
