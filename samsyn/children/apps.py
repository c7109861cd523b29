from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "samsyn.children"
    label = "children"

    def ready(self) -> None:
        from samsyn.access import kinds
        from samsyn.access.models import Category
        from samsyn.children import timeline
        from samsyn.children.models import Child
        from samsyn.children.selectors import (
            ChildNotFound,
            contact_records,
            describe_contact,
            timeline_contacts,
        )

        # The child itself: no owner (every organisation with a relationship holds its identity),
        # its identity and guardians are the basic category.
        kinds.register(
            kinds.RecordKind(
                model=Child, name="child", child="pk", category=Category.BASIC,
                not_found=ChildNotFound,
            )
        )  # fmt: skip
        # The child's timeline: each unit's contact with the child.
        timeline.register(
            timeline.Source("contact", timeline_contacts, contact_records, describe_contact)
        )
        # And with retention: when its last entry was, how it is deleted (docs/adr/0014).
        from samsyn.children import retention

        retention.register()
