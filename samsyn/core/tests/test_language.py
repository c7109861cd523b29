import pytest

pytestmark = pytest.mark.django_db


def test_swedish_by_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "sv"
    assert b'<html lang="sv"' in response.content


def test_the_switch_chooses_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "en"
    assert b'<html lang="en"' in response.content


def test_an_unknown_language_cookie_falls_back_to_swedish(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/accounts/login/").headers["Content-Language"] == "sv"


def test_not_found_page_is_in_the_layout_and_in_swedish(client):
    from django.utils import translation

    response = client.get("/no-such-page/")
    assert response.status_code == 404
    with translation.override("sv"):
        assert translation.gettext("Not found") in response.text
    assert 'class="ds-skip-link"' in response.text
