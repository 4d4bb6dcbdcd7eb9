"""Admin pages: users and scopes, the responsibility list, SLA limits, channels, the calendar,
and the RQ dashboard, all for admins only; bad input is refused readably and stores nothing."""
from datetime import date

from sqlalchemy import func, select

from gridops.auth.models import User
from gridops.dispatch.models import CalendarDay, CalendarYear, Channel, Responsibility, SlaLimit

from console.kit import client_for

EXAMPLE_2027 = """year 2027
status official
notice 国办发明电〔2026〕99号
holiday 2027-01-01 元旦
holiday 2027-02-06..2027-02-12 春节
workday 2027-02-14 春节
"""


def count(db, model, *where):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).where(*where))


def post(client, path, status, text=None, **data):
    response = client.post(path, data={"csrf_token": client.csrf, **data})
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:600]
    if text:
        assert text in body, body[body.find("notice-error"):][:300]
    return response


def test_an_admin_adds_and_changes_a_user(app, staff, db):
    admin = client_for(app, "root")
    post(admin, "/console/admin/users/new", 302, username="disp9", name="九号调度", role="dispatcher",
         areas="110199001", password="long enough")
    user = db.scalar(select(User).where(User.username == "disp9"))
    assert [a.area_code for a in user.area_links] == ["110199001"]
    post(admin, f"/console/admin/users/{user.id}", 302, name="九号", role="district",
         areas="110199", active="yes")
    db.expire_all()
    user = db.get(User, user.id)
    assert (user.role, [a.area_code for a in user.area_links]) == ("district", ["110199"])
    assert "disp9" in admin.get("/console/admin/users?role=district").get_data(as_text=True)


def test_bad_users_are_refused_readably(app, staff, db):
    admin = client_for(app, "root")
    before = count(db, User)
    post(admin, "/console/admin/users/new", 400, "用户名为", username="a b", role="dispatcher",
         areas="110199001", password="long enough")
    post(admin, "/console/admin/users/new", 400, "密码至少", username="ok1", role="dispatcher",
         areas="110199001", password="short")
    post(admin, "/console/admin/users/new", 400, None, username="ok2", role="dispatcher",
         areas="110199001001", password="long enough")  # a community is no dispatcher scope
    post(admin, "/console/admin/users/new", 422, "110199999", username="ok3",
         role="dispatcher", areas="110199999", password="long enough")
    post(admin, "/console/admin/users/new", 400, "已", username="disp", role="dispatcher",
         areas="110199001", password="long enough")
    assert count(db, User) == before
    me = staff["admin"]
    post(admin, f"/console/admin/users/{me.id}", 403, "不能取消", name="root", role="dispatcher",
         areas="110199001")
    assert db.get(User, me.id).role == "admin"


def test_the_responsibility_list_is_edited(app, staff, db):
    admin = client_for(app, "root")
    post(admin, "/console/admin/routing", 302, category="event:0102", area="110199001",
         lead_unit="SW", co_units=["HW", "SW"])
    line = db.scalar(select(Responsibility).where(Responsibility.area_code == "110199001"))
    assert line.lead_unit.code == "SW" and [u.code for u in line.co_units] == ["HW"]
    post(admin, "/console/admin/routing", 302, category="event:0102", area="110199001",
         lead_unit="CG")  # the same key again replaces the line
    assert count(db, Responsibility, Responsibility.area_code == "110199001") == 1
    before = count(db, Responsibility)
    post(admin, "/console/admin/routing", 422, "LOST", category="event:0102", area="110199",
         lead_unit="LOST")
    post(admin, "/console/admin/routing", 422, "event:9999", category="event:9999",
         area="110199", lead_unit="HW")
    post(admin, "/console/admin/routing", 400, "请选择主办单位", category="event:0102",
         area="110199", lead_unit="")
    assert count(db, Responsibility) == before
    post(admin, f"/console/admin/routing/{line.id}/delete", 302)
    assert count(db, Responsibility) == before - 1


def test_sla_limits_are_set_and_removed(app, staff, db):
    admin = client_for(app, "root")
    before = count(db, SlaLimit)
    post(admin, "/console/admin/sla", 302, step="handling", minutes="240", basis="working",
         category="event:0102", urgency="normal")
    row = db.scalar(select(SlaLimit).where(SlaLimit.category_code == "0102"))
    assert (row.minutes, row.basis, row.urgency) == (240, "working", "normal")
    post(admin, "/console/admin/sla", 400, "整数分钟", step="handling", minutes="-5",
         basis="working")
    post(admin, "/console/admin/sla", 400, "未知环节", step="lunch", minutes="5",
         basis="working")
    post(admin, "/console/admin/sla", 400, "工作时或自然时", step="sign", minutes="5",
         basis="lunar")
    assert count(db, SlaLimit) == before + 1
    post(admin, f"/console/admin/sla/{row.id}/delete", 302)
    assert count(db, SlaLimit) == before


def test_channels_are_added_switched_and_removed(app, staff, db):
    admin = client_for(app, "root")
    post(admin, "/console/admin/channels", 302, owner="unit:HW", kind="wecom",
         target="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    post(admin, "/console/admin/channels", 302, owner="area:110199001", kind="email",
         target="jd1@example.cn")
    post(admin, "/console/admin/channels", 400, "需要填写网址", owner="unit:HW",
         kind="dingtalk", target="not a url")
    post(admin, "/console/admin/channels", 400, "邮箱地址", owner="unit:HW", kind="email",
         target="nobody")
    post(admin, "/console/admin/channels", 400, "请选择一个单位或一个街道", owner="",
         kind="email", target="a@b.cn")
    assert count(db, Channel) == 2
    channel = db.scalar(select(Channel).where(Channel.kind == "wecom"))
    post(admin, f"/console/admin/channels/{channel.id}/toggle", 302)
    assert db.get(Channel, channel.id).enabled is False
    page = admin.get("/console/admin/channels").get_data(as_text=True)
    assert "qyapi.weixin.qq.com" in page
    post(admin, f"/console/admin/channels/{channel.id}/delete", 302)
    assert count(db, Channel) == 1


def test_the_calendar_warns_of_unconfirmed_years_and_takes_the_notice(app, staff, db):
    admin = client_for(app, "root")
    page = admin.get("/console/admin/calendar?year=2027").get_data(as_text=True)
    assert 'data-unconfirmed="2027"' in page and "未确认" in page
    assert "2027 年节假日尚未确认" in admin.get("/console/admin/").get_data(as_text=True)
    refused = post(admin, "/console/admin/calendar/notice", 400, "line 2",
                   notice=EXAMPLE_2027.replace("official", "draft"))
    assert "nothing changed" not in refused.get_data(as_text=True)  # said in Chinese
    assert db.get(CalendarYear, 2027) is None
    post(admin, "/console/admin/calendar/notice", 302, notice=EXAMPLE_2027)
    assert db.get(CalendarYear, 2027).confirmed
    assert count(db, CalendarDay, CalendarDay.day.between(date(2027, 1, 1),
                                                          date(2027, 12, 31))) == 9
    page = admin.get("/console/admin/calendar?year=2027").get_data(as_text=True)
    assert 'data-unconfirmed="2027"' not in page and "2027-02-14" in page


def test_single_days_and_office_hours(app, staff, db):
    admin = client_for(app, "root")
    post(admin, "/console/admin/calendar/day", 302, day="2026-12-31", kind="holiday",
         name="跨年调休")
    assert db.get(CalendarDay, date(2026, 12, 31)).name == "跨年调休"
    post(admin, "/console/admin/calendar/day", 400, "YYYY-MM-DD", day="31/12", kind="holiday")
    post(admin, "/console/admin/calendar/day", 400, "YYYY-MM-DD", day="2026-12-30",
         kind="siesta")
    post(admin, "/console/admin/calendar/hours", 302, periods="09:00-12:00, 13:30-18:00")
    assert "09:00-12:00 13:30-18:00" in admin.get("/console/admin/calendar") \
        .get_data(as_text=True)
    post(admin, "/console/admin/calendar/hours", 400, "先后顺序", periods="14:00-17:00 08:00-12:00")


def test_the_rq_dashboard_is_for_admins_and_its_buttons_carry_the_token(app, staff, client):
    assert client.get("/console/admin/rq/").status_code == 302
    assert client_for(app, "disp").get("/console/admin/rq/").status_code == 403
    admin = client_for(app, "root")
    page = admin.get("/console/admin/rq/")
    assert page.status_code == 200
    cookie = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("_csrf_token="))
    assert "Path=/console/admin/rq" in cookie and "SameSite=Strict" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert admin.post("/console/admin/rq/job/nope/delete").status_code == 400
    deleted = admin.post("/console/admin/rq/job/nope/delete", headers={"X-CSRFToken": token})
    assert deleted.status_code == 200 and deleted.get_json()["status"] == "ERROR"  # no such job
    assert admin.get("/console/admin/rq/requeue/timers").status_code == 405


def test_admin_changes_need_an_admin_and_a_token(app, staff, db):
    dispatcher, admin = client_for(app, "disp"), client_for(app, "root")
    for path, data in (("/console/admin/routing", {"category": "event:0102", "area": "110199",
                                                   "lead_unit": "SW"}),
                       ("/console/admin/sla", {"step": "sign", "minutes": "5",
                                               "basis": "working"}),
                       ("/console/admin/users/new", {"username": "x9", "role": "admin",
                                                     "password": "long enough"})):
        assert dispatcher.post(path, data={**data, "csrf_token": dispatcher.csrf}) \
            .status_code == 403, path
        assert admin.post(path, data=data).status_code == 400, path  # no token
    assert count(db, User, User.username == "x9") == 0
    assert count(db, SlaLimit, SlaLimit.minutes == 5) == 0


def test_missing_rows_are_not_found(app, staff):
    admin = client_for(app, "root")
    assert admin.get("/console/admin/users/9999").status_code == 404
    for path in ("/console/admin/users/9999", "/console/admin/routing/9999/delete",
                 "/console/admin/sla/9999/delete", "/console/admin/channels/9999/toggle",
                 "/console/admin/channels/9999/delete"):
        assert admin.post(path, data={"csrf_token": admin.csrf}).status_code == 404, path


def test_a_user_page_shows_the_scope_and_a_channel_with_history_stays(app, staff, db):
    from datetime import datetime, timezone
    from gridops.dispatch.models import OutboxMessage
    admin = client_for(app, "root")
    page = admin.get(f"/console/admin/users/{staff['dispatcher'].id}").get_data(as_text=True)
    assert 'value="110199001"' in page and 'value="dispatcher" selected' in page
    post(admin, "/console/admin/channels", 302, owner="unit:HW", kind="webhook",
         target="https://hooks.example.cn/gridops")
    channel = db.scalar(select(Channel))
    moment = datetime.now(timezone.utc)
    db.add(OutboxMessage(channel_id=channel.id, topic="t", subject="s", body="b",
                         created_at=moment, next_attempt_at=moment))
    db.commit()
    post(admin, f"/console/admin/channels/{channel.id}/delete", 409, "改为停用")
    assert count(db, Channel) == 1
