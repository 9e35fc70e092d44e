from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang,text", [("ru", "Войти"), ("zh-hans", "登录"), ("en", "Sign in")])
def test_login_page_follows_accept_language(client, lang, text):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert text in html


def test_language_picker_switches_the_interface(client, hr_person):
    client.force_login(hr_person.user)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Люди" in client.get("/").content.decode()


def test_translated_catalogs_are_complete():
    """Every msgid in the Chinese and Russian catalogs has a translation."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "tandem" / "locale"
    for lang in ("zh_Hans", "ru"):
        text = (root / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        entries = text.split("\n\n")[1:]
        missing = [e for e in entries if 'msgstr ""' in e and not any(
            line.startswith('"') for line in e.split('msgstr ""', 1)[1].splitlines()[1:2]) and "msgstr[" not in e]
        fuzzy = [e for e in entries if "#, fuzzy" in e]
        assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[0][:200]}"
        assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy entries"
