"""Signing in and out: a long-lived session on the worker's phone, readable refusals."""
from web.kit import PASSWORD, csrf_of, sign_in


def test_the_login_page_is_chinese_first_and_english_on_request(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign in" in english and 'lang="en"' in english


def test_a_worker_lands_on_the_report_form_and_stays_signed_in(app, people):
    client = app.test_client()
    response = sign_in(client, "wang")
    assert response.status_code == 302 and response.location.endswith("/phone/")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    # The cookie outlives the browser session by months.
    assert cookie.expires is not None
    client.delete_cookie("session")
    assert client.get("/phone/").status_code == 200


def test_without_remember_me_only_the_session_cookie_is_set(app, people):
    client = app.test_client()
    sign_in(client, "wang", remember=False)
    assert client.get_cookie("remember_token") is None


def test_a_wrong_password_is_refused_readably_and_keeps_the_username(client, people):
    token = csrf_of(client)
    response = client.post("/login", data={"username": "wang", "password": "nope",
                                           "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "用户名或密码错误" in page and 'value="wang"' in page


def test_an_empty_form_asks_for_both_fields(client, people):
    response = client.post("/login", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 400 and "请输入用户名和密码" in response.get_data(as_text=True)


def test_sign_in_without_a_csrf_token_is_refused_with_the_form_again(client, people):
    response = client.post("/login", data={"username": "wang", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "页面已过期" in page and 'name="password"' in page


def test_too_many_failures_lock_the_client_out_for_an_hour(app, client, people, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_LOGIN_FAILURES_PER_HOUR", 2)
    token = csrf_of(client)
    for _ in range(2):
        client.post("/login", data={"username": "wang", "password": "x", "csrf_token": token})
    response = client.post("/login", data={"username": "wang", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)


def test_next_goes_back_to_the_page_but_never_to_another_site(app, people):
    client = app.test_client()
    response = client.get("/phone/tasks")
    assert response.status_code == 302 and "/login?next=/phone/tasks" in response.location
    token = csrf_of(client)
    form = {"username": "wang", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login?next=/phone/tasks", data=form).location == "/phone/tasks"
    client.post("/logout", data={"csrf_token": csrf_of(client, "/phone/")})
    token = csrf_of(client)
    form["csrf_token"] = token
    assert client.post("/login?next=//evil.example/x", data=form).location == "/phone/"


def test_logout_ends_the_session_and_the_long_lived_cookie(worker_client):
    response = worker_client.post("/logout", data={"csrf_token": worker_client.csrf})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert worker_client.get_cookie("remember_token") is None
    assert worker_client.get("/phone/").status_code == 302


def test_logout_needs_the_csrf_token(worker_client):
    assert worker_client.post("/logout").status_code == 400
    assert worker_client.get("/phone/").status_code == 200


def test_other_roles_get_their_home_page_not_the_worker_form(app, people):
    client = app.test_client()
    response = sign_in(client, "zhao")
    assert response.location == "/console/"  # the console registers the staff roles' landing
    assert client.get("/").location == "/console/"
    refused = client.get("/phone/")
    assert refused.status_code == 403 and "此页面" in refused.get_data(as_text=True)


def test_a_signed_in_user_opening_the_login_page_goes_home(worker_client):
    assert worker_client.get("/login").location == "/phone/"


def test_another_package_can_choose_where_a_role_lands(app, people, monkeypatch):
    monkeypatch.setitem(app.config, "GRIDOPS_LANDING",
                        {**app.config["GRIDOPS_LANDING"], "dispatcher": "public.posters"})
    client = app.test_client()
    assert sign_in(client, "zhao").location == "/posters"
    assert client.get("/").location == "/posters"
