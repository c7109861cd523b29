"""The API's two page shapes, both `{"items": […], "count": N, …}`: ninja's `?page=N&page_size=M`
for a list read as it is (`Pagination`), and `?page=N` of 25 with the page's number and how many
there are for a list its selector pages and audits page by page (`PageOut`, `page_out`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class PageIn(Schema):
    # Bounded: an unbounded page number is an unbounded OFFSET, i.e. a slow query.
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


class Pagination(PageNumberPagination):
    Input = PageIn

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=25, max_page_size=MAX_PAGE_SIZE, **kwargs)


class PageOut(Schema):
    """A page of a list its selector paged: each list's own shape names its `items`."""

    items: list[Any]
    count: int
    page: int
    pages: int


def page_out(page: Page, items: Iterable) -> dict:
    """The body of a `PageOut`: `items`, the page's rows as the list shows them."""
    return {
        "items": list(items), "count": page.paginator.count, "page": page.number,
        "pages": page.paginator.num_pages,
    }  # fmt: skip
