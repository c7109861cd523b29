"""The person's own pages: notifications listed and marked read, and the choice of delivery per
kind of radar item."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samsyn.directory.tests.factories import make_actor
from samsyn.notifications.models import Delivery, Notification, Preference
from samsyn.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_persons_notifications_and_marks_them_read(actor_client):
    actor = make_actor()
    other = make_actor()
    for staff, source_id in ((actor.staff, 1), (other.staff, 2)):
        notify(
            recipients=[staff.pk], kind="RAD-6", event="new", url="/radar/", source="signal",
            source_id=source_id,
        )  # fmt: skip
    notify(recipients=[actor.staff.pk], kind="RAD-6", event="new", url="/radar/",
           source="signal", source_id=1)  # fmt: skip
    assert Notification.objects.filter(recipient=actor.staff).count() == 1  # once per item
    client = actor_client(actor)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "RAD-6 Orosanmälan inte hanterad i tid" in page
    assert "Du har 1 oläst notis" in page
    assert client.post(reverse("notifications:read")).status_code == 302
    assert not Notification.objects.filter(recipient=actor.staff, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other.staff, read_at__isnull=True).exists()


def test_the_person_chooses_the_delivery_per_rule(actor_client):
    actor = make_actor()
    client = actor_client(actor)
    url = reverse("notifications:preferences")
    form = client.get(url)
    assert form.status_code == 200
    assert "RAD-1 Behov eller insats utan ansvarig" in form.content.decode()
    choices = {name: Delivery.DIGEST for name in form.context["form"].fields}
    choices["kind_RAD-6"] = Delivery.IMMEDIATE
    choices["kind_RAD-7"] = Delivery.APP
    assert client.post(url, choices).status_code == 302
    assert dict(Preference.objects.filter(staff=actor.staff).values_list("kind", "delivery")) == {
        "RAD-6": "immediate",
        "RAD-7": "app",
    }
    again = client.get(url).context["form"]
    assert again.fields["kind_RAD-6"].initial == Delivery.IMMEDIATE
