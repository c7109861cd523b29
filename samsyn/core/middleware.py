from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class LanguageMiddleware:
    """Swedish unless the person chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and an English browser
    would then show English to a Swedish caseworker who never asked for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Nothing Samsyn answers is kept by a browser or a proxy (ASVS 8.2.1 / 14.3.2): the pages
    and the API carry children's data, and a shared computer's back button or disk cache must not
    show them again. Static files never reach this (WhiteNoise answers them first); a response
    that says how it may be cached (the PDF) keeps its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
