"""Every indicator of the hand-built week 2026-W47, worked out by hand (see conftest.py)."""
import pytest

from gridops.reports.build import build_weekly
from gridops.reports.indicators import INDICATORS
from gridops.reports.week import parse_week

W47 = parse_week("2026-W47")
HOUR = 60

#: The district total of W47. Alive in the week (active): P1 P2 Q A B C D E F G I J (not H).
DISTRICT_W47 = {
    "received": 9,                      # A B C D E F G I J; Q was Sunday of W46, H Monday of W48
    "accepted": 6,                      # A B C(self-handled) D(private) I J
    "valid_rate": 6 / 9,
    "self_handled": 1,                  # C
    "self_handled_rate": 1 / 6,
    "dispatched": 4,                    # A B I J
    "dispatched_clean": 3,              # J was returned and reassigned
    "dispatch_accuracy": 3 / 4,
    "cohort_handled": 5,                # A B I handled, C self-handled, D answered
    "cohort_closed": 5,                 # A B C D I
    "closed": 6,                        # A B C D I P2
    "closed_on_time": 4,                # A C D P2; B's handling and I's verification were late
    "due_close": 9,                     # the 6 closed + F J P1 overdue at the end
    "closure_rate": 6 / 9,
    "on_time_closure_rate": 4 / 9,
    "reworked": 1,                      # B
    "rework_rate": 1 / 9,
    "handled": 3,                       # A B I (P2 was handled in W46)
    "handled_on_time": 2,               # A I
    "due_handle": 5,                    # A B I + J P1 still in overdue handling
    "on_time_handling_rate": 2 / 5,
    # A 140, B 570, I 110 working minutes from acceptance to the (last) result.
    "handling_hours_median": 140 / HOUR,
    "handling_hours_p90": (140 + 0.8 * (570 - 140)) / HOUR,
    "active": 12,
    "open_end": 4,                      # F G J P1
    "overdue_end": 3,                   # F (screening) J P1 (handling); G is due Monday 09:30
    "supervision_orders": 3,            # I one, J two
    "supervised": 2,
    "whistled": 1,                      # I
    "whistle_rate": 1 / 12,
    "escalated": 2,                     # I (RQ missed its check-in), J (escalation policy)
    "whistles": 1,
    "summoned": 3,                      # SW CG RQ
    "checked_in": 2,
    "checked_in_on_time": 2,            # SW after 10 minutes, CG after 25
    "missed_checkins": 1,               # RQ
    "due_checkins": 3,                  # all three were due Thursday 09:40
    "checkin_rate": 2 / 3,
    "checkin_minutes_median": 17.5,
    "checkin_minutes_p90": 10 + 0.9 * 15,
    "visited": 5,                       # A B C I P2
    "contacted": 4,                     # not C
    "solved": 4,                        # A C explicitly; B P2 satisfied enough; not I
    "satisfied": 3,                     # A C P2
    "basically_satisfied": 1,           # B
    "dissatisfied": 1,                  # I
    "response_rate": 4 / 5,
    "solve_rate": 4 / 5,
    "satisfaction_rate": (3 + 0.9) / 5,
    "unit_score_mean": 85.0,            # A 90, P2 80
    "composite": 100 * (0.1 * 0.8 + 0.5 * 0.8 + 0.4 * 0.78),
    "grade": "B",
}


@pytest.fixture
def report(week47, db):
    return build_weekly(db, W47, "110199", week47["A"].reported_at)


def test_every_indicator_has_a_worked_answer():
    assert set(DISTRICT_W47) == set(INDICATORS)


def test_district_total(report):
    wrong = {key: (report.total.values[key], expected) for key, expected in DISTRICT_W47.items()
             if report.total.values[key] != pytest.approx(expected)}
    assert wrong == {}


def test_streets_split_the_district(report):
    streets = {r.code: r.values for r in report.tables["street"]}
    assert streets["110199001"]["received"] == 6 and streets["110199002"]["received"] == 3
    assert streets["110199002"]["overdue_end"] == 2          # F and J
    assert streets["110199001"]["closed"] == 6


def test_grids_and_communities(report):
    grids = {r.code: r.values for r in report.tables["grid"]}
    assert grids["110199001001001"]["received"] == 2           # A C
    assert grids["110199001001002"]["received"] == 2           # B I
    assert grids["110199002001001"]["received"] == 3           # F G J
    communities = {r.code: r.values for r in report.tables["community"]}
    assert communities["110199001002"]["received"] == 2        # D E


def test_units_by_lead_unit_and_check_ins_by_summoned_unit(report):
    units = {r.code: r.values for r in report.tables["unit"]}
    hw = units["HW"]
    assert (hw["active"], hw["received"], hw["visited"]) == (4, 2, 3)      # A B P1 P2
    assert hw["satisfaction_rate"] == pytest.approx(2.9 / 3)
    assert hw["composite"] == pytest.approx(100 * (0.1 + 0.5 + 0.4 * 2.9 / 3))
    assert hw["grade"] == "A"
    assert units["SW"]["composite"] == pytest.approx(10.0) and units["SW"]["grade"] == "E"
    assert units["RQ"]["missed_checkins"] == 1 and units["RQ"]["checkin_rate"] == 0
    assert units["CG"]["checkin_rate"] == 1 and units["CG"]["whistle_rate"] == 0


def test_a_unit_never_whistled_has_no_check_in_rate(report):
    hw = next(r for r in report.tables["unit"] if r.code == "HW")
    assert hw.values["summoned"] == 0
    assert hw.values["checkin_rate"] is None and hw.values["checkin_minutes_median"] is None


def test_a_unit_never_visited_has_no_score(report):
    cg = next(r for r in report.tables["unit"] if r.code == "CG")
    assert cg.values["visited"] == 0
    assert cg.values["composite"] is None and cg.values["grade"] is None


def test_bottom_units_leave_out_units_without_a_score(report):
    assert [r.code for r in report.bottom_units] == ["SW", "HW"]


def test_categories_and_hot_spots(report):
    assert [(r.code, r.values["received"]) for r in report.top_categories] == [
        ("0102", 4), ("0501", 2), ("0104", 1), ("0402", 1), ("0505", 1)]
    assert [(r.code, r.values["received"]) for r in report.hot_grids][:2] == [
        ("110199002001001", 3), ("110199001001001", 2)]


def test_change_against_the_week_before(report):
    # W46: P1 P2 Q reported; P1 open and overdue at its end.
    assert report.total.previous["received"] == 3
    assert report.total.change("received") == 6
    assert report.total.previous["overdue_end"] == 1
    assert report.total.change("closure_rate") == pytest.approx(6 / 9)   # W46: 0 of 1
    assert report.total.change("satisfaction_rate") is None    # nobody visited in W46


def test_trend_of_eight_weeks(report):
    assert [w.label for w, _ in report.trend] == [f"2026-W{n}" for n in range(40, 48)]
    assert [v["received"] for _, v in report.trend] == [0, 0, 0, 0, 0, 0, 3, 9]


def test_escalated_cases_with_their_timelines(report, week47):
    assert [e.case_number for e in report.escalations] == [
        week47["J"].case_number, week47["I"].case_number]
    water = report.escalations[1]
    actions = [action for _, action, _, _ in water.timeline]
    assert actions[:3] == ["上报", "受理", "报到"] and "未按时报到" in actions
    assert actions[-1] == "结案"
