"""The dashboard in the reader's language: Accept-Language chooses, a link switches (a
cookie), and the dashboard's catalog sits over the pages' one."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.http.page_helpers import Tree


def labels(html: str) -> dict[str, str]:
    return {n.attrs["for"]: n.content() for n in Tree(html).tags("label")}


def test_the_sign_in_page_follows_accept_language(person: TestClient) -> None:
    french = person.get("/manage/login", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    chinese = person.get("/manage/login", headers={"Accept-Language": "zh-CN"})
    spanish = person.get("/manage/login", headers={"Accept-Language": "es"})

    assert labels(french.text) == {"f-email": "E-mail", "f-password": "Mot de passe"}
    assert Tree(french.text).text(id="login-title") == "Connexion au tableau de bord"
    assert french.headers["content-language"] == "fr"
    assert labels(chinese.text) == {"f-email": "电子邮件", "f-password": "密码"}
    assert labels(spanish.text) == {"f-email": "Correo electrónico", "f-password": "Contraseña"}


def test_the_language_link_switches_and_is_remembered(signed: TestClient) -> None:
    answer = signed.get("/manage/language?lang=es&back=/manage/webinars")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/manage/webinars"
    page = Tree(signed.get("/manage/webinars", headers={"Accept-Language": "fr"}).text)
    assert page.tags("h1")[0].content() == "Webinarios"
    [current] = [a for a in page.tags("a") if a.attrs.get("aria-current") == "true"]
    assert current.content() == "Español"


def test_the_language_link_goes_back_only_to_the_dashboard(person: TestClient) -> None:
    answer = person.get("/manage/language?lang=fr&back=https://evil.test/")

    assert answer.headers["location"] == "/manage/webinars"
