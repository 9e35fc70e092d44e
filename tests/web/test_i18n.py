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


def _catalog(lang: str) -> dict[str, str]:
    from pathlib import Path

    import django.utils.translation.trans_real  # noqa: F401  (gettext module used by Django)
    import gettext

    mo = Path(__file__).resolve().parents[2] / "src" / "tandem" / "locale" / lang / "LC_MESSAGES" / "django.mo"
    with open(mo, "rb") as fh:
        return gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]


def test_every_simple_string_in_templates_and_code_is_translated():
    """Each {% translate "…" %} in a template and each _("…") / gettext_lazy("…") in the code has a
    Chinese and a Russian translation in the compiled catalogs."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "tandem"
    found: set[str] = set()
    tag = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    call = re.compile(r"""(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")
    for path in src.rglob("*"):
        if "engine" in path.parts or "migrations" in path.parts:
            continue
        if path.suffix in (".html", ".txt"):
            # a template's {% translate %} looks its text up with each % doubled (Django's Variable.resolve)
            found |= {m.group(2).replace("%", "%%") for m in tag.finditer(path.read_text(encoding="utf-8"))}
        elif path.suffix == ".py":
            found |= {m.group(2) for m in call.finditer(path.read_text(encoding="utf-8"))}
    found = {s.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in s else s for s in found}
    for lang in ("ru", "zh_Hans"):
        catalog = _catalog(lang)
        missing = sorted(s for s in found if not catalog.get(s))
        assert not missing, f"{lang}: {len(missing)} strings not translated, e.g. {missing[:8]}"


def test_competency_and_job_titles_show_in_the_chosen_language(client, make_person):
    from tests.factories import JobProfileFactory

    job = JobProfileFactory(title="Data Analyst", translations={"ru": {"title": "Аналитик данных"}})
    me = make_person(job_profile=job)
    client.force_login(me.user)
    assert "Аналитик данных" in client.get(f"/people/{me.employee_id}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Data Analyst" in client.get(f"/people/{me.employee_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
