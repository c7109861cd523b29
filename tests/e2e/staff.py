"""What the browser tests share: the factories' password, a staff member's current code, the
Swedish name of a control, signing in through the real pages (password, then code), and a page
walked again at a phone's width."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext, override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct horse battery"  # the factories' password
CITIZEN_KEY = "73616d73796e2d64656d6f2d323032362d6f7470"


def tr(msgid: str, language: str) -> str:
    # Controls are found by the translation of their English msgid, so a test holds before and
    # after the catalogue has the string.
    with override(language):
        return gettext(msgid)


def sv(msgid: str) -> str:
    return tr(msgid, "sv")


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fits_a_phone(page: Page, check) -> None:
    """The page again at 360 px wide: nothing scrolls sideways and `check` holds; then back to
    a desktop's width."""
    page.set_viewport_size(PHONE)
    page.reload()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide"
    check(page)
    page.set_viewport_size(DESKTOP)


def sign_in_staff(page: Page, user, check, language: str = "sv") -> None:
    """Password, then the code, axe-checked on each page; ends on the start page."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page)
    page.get_by_label(tr("Username", language), exact=True).fill(user.username)
    page.get_by_label(tr("Password", language), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Continue", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/code/"))
    check(page)
    page.get_by_label(tr("Code from your authenticator app", language)).fill(code_for(user))
    page.get_by_role("button", name=tr("Sign in", language), exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    check(page)


def open_as(new_page, live_server, membership, language: str, check) -> Page:
    """A new browser speaking `language`, signed in as the member of staff."""
    page = new_page()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    sign_in_staff(page, membership.staff.user, check, language=language)
    return page
