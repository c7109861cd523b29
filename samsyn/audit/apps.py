from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samsyn.audit"
    label = "audit"

    def ready(self) -> None:
        from samsyn.audit.services import record_refusal
        from samsyn.common.errors import refused

        # The refusals `access` decides reach the log through the one mapping of refusals for
        # the pages and the one for the API (common.errors).
        refused.connect(record_refusal, dispatch_uid="audit.record_refusal")
