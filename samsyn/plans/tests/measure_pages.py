"""Wall time of the SIP's pages at 10 and at 10,000 related rows (issue 12): a measurement to
run by hand, not a test (pytest collects it only when named; timings on a shared machine are no
assertion). The data is `test_query_counts`'s. Prints the median of 5 loads of each page:

    SAMSYN_DATA_DIR=… .venv/bin/pytest samsyn/plans/tests/measure_pages.py -q -s --reuse-db
"""

from __future__ import annotations

import statistics
import time

import pytest

from samsyn.plans.tests import test_query_counts as shapes

pytestmark = pytest.mark.django_db
LOADS = 5


def _times(clients, case) -> dict[tuple[str, str], float]:
    result = {}
    for who, urls in shapes._pages(case).items():
        for url in urls:
            shapes._count(clients[who], url)  # warm, and the second factor renewed
            took = []
            for _ in range(LOADS):
                start = time.perf_counter()
                assert clients[who].get(url).status_code == 200, url
                took.append((time.perf_counter() - start) * 1000)
            result[who, url] = statistics.median(took)
    return result


def test_measure_sip_pages(actor_client):
    case, social, bup = shapes._setting()
    clients = {"social": actor_client(social), "bup": actor_client(bup)}
    shapes._more(case, social, bup, shapes.SMALL, offset=0)
    small = _times(clients, case)
    shapes._more(case, social, bup, shapes.LARGE - shapes.SMALL, offset=shapes.SMALL)
    large = _times(clients, case)
    print(f"\n{'who':6} {'page':36} {'ms at 10':>9} {'ms at 10k':>10} {'ratio':>6}")
    for key, ms in small.items():
        print(f"{key[0]:6} {key[1]:36} {ms:9.1f} {large[key]:10.1f} {large[key] / ms:6.2f}")
