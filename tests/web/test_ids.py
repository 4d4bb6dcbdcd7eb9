"""Ids in page URLs stop at PostgreSQL's integer: a larger one is not found, not a 500."""
from web.kit import people, worker_client  # noqa: F401  (fixtures)

HUGE = 2**31  # one past the largest integer id


def test_a_page_with_an_id_past_the_integer_range_is_not_found(worker_client):
    for path in (f"/phone/tasks/{HUGE}", f"/phone/reports/{HUGE}", f"/reports/{HUGE}"):
        assert worker_client.get(path).status_code == 404, path


def test_the_largest_integer_id_still_reaches_the_view(worker_client):
    # The view runs and answers for a case that does not exist: 404 from the view, not a 500.
    assert worker_client.get(f"/phone/tasks/{HUGE - 1}").status_code in (302, 404)
