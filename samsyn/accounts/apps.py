from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samsyn.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from samsyn.accounts import session_services

        def signed_in(sender, request, user, **kwargs):
            # Every sign-in, staff or family, starts the session's limits: Django's login()
            # sends this once the session key is the new one.
            session_services.begin(
                request.session, user_id=user.pk,
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )  # fmt: skip

        def signed_out(sender, request, user, **kwargs):
            session_services.end(request.session.session_key)

        user_logged_in.connect(signed_in, weak=False, dispatch_uid="samsyn.accounts.signed_in")
        user_logged_out.connect(signed_out, weak=False, dispatch_uid="samsyn.accounts.signed_out")
