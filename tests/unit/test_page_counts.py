"""A numbered page counts its list from a subquery of its own (``storage.paging.total_column``), not
with a window over every item of the list: the window read each item whole, with its joins, on
every page (bench/RESULTS.md, issue 25, "a page's count")."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

from storage import application_lists, delivery_lists, jobs

PAGES = {
    **{f"jobs {key}": statement for key, statement in jobs._PAGE_STATEMENTS.items()},
    **{f"applications {key}": s for key, s in application_lists._PAGES.items()},
    **{f"deliveries {key}": s for key, s in delivery_lists._PAGES.items()},
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_counts_its_list_once_from_a_subquery(name: str) -> None:
    page: Select[tuple[object, ...]] = PAGES[name]
    sql = str(page.compile(dialect=postgresql.dialect()))
    assert " OVER " not in sql
    # The count is the page's last column, a subquery over the list's own table.
    assert sql.count("(SELECT count(*) AS count_1") == 1
    assert "total_matches" in sql
