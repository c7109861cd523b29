import datetime

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import ApiToken, User


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member's sign-in: the password below and a confirmed TOTP device."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create:
            self.save()
            TOTPDevice.objects.create(user=self, name="default", confirmed=True)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A personal API token. Only its digest is stored, so pass `secret` to know what to
    present: `ApiTokenFactory(secret="ssn_…")`."""

    class Meta:
        model = ApiToken

    class Params:
        secret = factory.LazyFunction(ApiToken.new_secret)
        expired = factory.Trait(
            created_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=31)),
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )

    # A path, not the class: the directory's factories import this module for UserFactory.
    membership = factory.SubFactory("samsyn.directory.tests.factories.MembershipFactory")
    user = factory.SelfAttribute("membership.staff.user")
    name = "skript"
    digest = factory.LazyAttribute(lambda token: ApiToken.digest_of(token.secret))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda token: token.created_at + datetime.timedelta(days=30))
