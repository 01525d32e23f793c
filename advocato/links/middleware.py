class RedirectURLConfMiddleware:
    """Used only by the lean redirect handler: resolve against the one-pattern URL conf."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = "advocato.links.redirect_urls"
        return self.get_response(request)
