"""The scan's advisory lock: every pass of the scan (each rule, escalation, reminders) takes it
in its own transaction, so two scans at once take turns rather than act twice."""

from django.db import connection

# pg_advisory_xact_lock's key for the radar scan: any fixed number no other lock uses.
SCAN_LOCK = 0x5241_4441  # "RADA"


def take_scan_lock() -> None:
    """Held until the calling transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
