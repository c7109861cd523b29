"""One page shape for every list: `?page=N&page_size=M` in, `{"items": […], "count": N}` out."""

from __future__ import annotations

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
