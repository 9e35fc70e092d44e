"""``GET /api/mentorships/{id}/prompts``'s shape and language; the pages' slots; the admin."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.coaching.models import Prompt, PromptRule, PromptText

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(log, client):
    log.item(title="Call the supplier")
    log.item(title="Write the summary")
    client.force_login(log.p.mentor.user)
    return log


def test_the_api_says_what_fired_and_why(client, stuck):
    r = client.get(f"/api/mentorships/{stuck.m.pk}/prompts")
    assert r.status_code == 200
    body = r.json()
    assert body["mentorship_id"] == stuck.m.pk and body["on"] == timezone.localdate().isoformat()
    [p] = body["prompts"]
    assert p["code"] == "stuck-open-questions" and p["situation"] == "stuck" and p["situation_label"] == "Stuck"
    assert p["language"] == "en" and p["title"] == "Open questions to get unstuck"
    assert "What have you tried so far, and what happened?" in p["phrasings"]
    assert p["why"].startswith("When items pile up")
    assert p["reason"] == "2 of the mentee's action items are overdue."
    assert p["triggers"] == [{"signal": "overdue_items", "value": 2.0, "operator": ">=", "threshold": 2.0,
                              "window_days": None, "sample": None,
                              "sentence": "2 of the mentee's action items are overdue."}]


def test_the_api_answers_an_empty_list_when_nothing_fires(client, log):
    client.force_login(log.p.mentor.user)
    r = client.get(f"/api/mentorships/{log.m.pk}/prompts")
    assert r.status_code == 200 and r.json()["prompts"] == []


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "用提问引导，帮助走出停滞"),
                                             ("ru", "Открытые вопросы, чтобы сдвинуться с места")])
def test_the_api_speaks_the_readers_language(client, stuck, lang, title):
    r = client.get(f"/api/mentorships/{stuck.m.pk}/prompts", HTTP_ACCEPT_LANGUAGE=lang)
    [p] = r.json()["prompts"]
    assert p["language"] == lang and p["title"] == title


@pytest.mark.parametrize(("lang", "phrase"), [("zh-hans", "你尝试过哪些解决方法？结果怎么样？"),
                                              ("ru", "Что вы уже пробовали и что из этого вышло?")])
def test_the_pair_page_shows_the_prompt_in_the_readers_language(client, stuck, lang, phrase):
    body = client.get(f"/mentorships/{stuck.m.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert phrase in body


def test_the_pair_page_says_when_nothing_calls_for_a_prompt(client, log):
    client.force_login(log.p.mentor.user)
    body = client.get(f"/mentorships/{log.m.pk}/").content.decode()
    assert "Nothing in the log calls for a coaching prompt right now." in body


def test_the_log_page_shows_the_prompt_folded(client, stuck):
    body = client.get(f"/mentorships/{stuck.m.pk}/log/").content.decode()
    assert '<details class="coaching-prompt">' in body and "Open questions to get unstuck" in body


def test_the_pages_keep_to_the_csp(client, stuck):
    for url in (f"/mentorships/{stuck.m.pk}/", f"/mentorships/{stuck.m.pk}/log/"):
        body = client.get(url).content.decode()
        section = body[body.index('class="card coaching-prompts"'):]
        section = section[:section.index("</section>")]
        assert "style=" not in section and "<script" not in section


# -- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, make_person):
    hr = make_person(groups=["hr_admin"])
    hr.user.is_staff = True
    hr.user.is_superuser = True
    hr.user.save()
    client.force_login(hr.user)
    return client


def _rule_form(rule: PromptRule, **changes) -> dict:
    data = {"situation": rule.situation, "signal": rule.signal, "operator": rule.operator,
            "threshold": str(rule.threshold), "window_days": rule.window_days or "",
            "min_sample": rule.min_sample or "", "enabled": "on", "order": rule.order}
    data.update(changes)
    return data


def test_the_admin_refuses_params_the_signal_does_not_take(admin_client):
    rule = PromptRule.objects.get(signal="overdue_items")
    url = f"/admin/coaching/promptrule/{rule.pk}/change/"
    r = admin_client.post(url, _rule_form(rule, threshold="2.5", window_days="30"))
    assert r.status_code == 200
    body = r.content.decode()
    assert "This signal counts whole numbers: enter one." in body
    assert "This signal takes no window: leave it empty." in body
    rule.refresh_from_db()
    assert rule.threshold == 2 and rule.window_days is None


def test_the_admin_saves_a_valid_change_and_it_takes_effect(admin_client, log):
    log.item(title="only one")
    rule = PromptRule.objects.get(signal="overdue_items")
    r = admin_client.post(f"/admin/coaching/promptrule/{rule.pk}/change/", _rule_form(rule, threshold="1"))
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 1
    from tests.coaching.conftest import situations

    assert "stuck" in situations(log.m)


def test_the_admin_lists_the_rules_in_order_and_links_the_signals(admin_client):
    body = admin_client.get("/admin/coaching/promptrule/").content.decode()
    assert body.index("overdue_items") < body.index("days_since_last_message")
    assert "/admin/coaching/promptrule/signals/" in body


def test_the_signals_page_lists_every_signal_and_previews_a_pair(admin_client, log):
    from tandem.coaching.detect import SIGNALS

    log.item(title="Call the supplier")
    log.item(title="Write the summary")

    body = admin_client.get("/admin/coaching/promptrule/signals/").content.decode()
    for code in SIGNALS:
        assert f"<code>{code}</code>" in body
    body = admin_client.get(f"/admin/coaching/promptrule/signals/?mentorship={log.m.pk}").content.decode()
    assert "2 of the mentee&#x27;s action items are overdue." in body
    assert "Enabled rules that hold" in body


@pytest.mark.parametrize("bad", ["abc", "0", "99999999999999999999999999", "1\x00"])
def test_the_signals_preview_refuses_a_bad_id(admin_client, bad):
    r = admin_client.get("/admin/coaching/promptrule/signals/", {"mentorship": bad})
    if "\x00" in bad:  # refused before the page by the request checks
        assert r.status_code == 400
        return
    assert r.status_code == 200
    body = r.content.decode()
    assert "Enter the ID of a mentorship" in body or "There is no mentorship with that ID." in body


def test_the_signals_page_is_for_the_admins_only(client, make_person):
    client.force_login(make_person().user)
    r = client.get("/admin/coaching/promptrule/signals/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def _prompt_form(prompt: Prompt, texts: list[tuple[str, str, str]], delete: frozenset[str] = frozenset()) -> dict:
    existing = list(prompt.texts.all())
    data = {"situation": prompt.situation, "code": prompt.code, "enabled": "on", "order": prompt.order,
            "texts-TOTAL_FORMS": str(len(texts)), "texts-INITIAL_FORMS": str(len(existing)),
            "texts-MIN_NUM_FORMS": "1", "texts-MAX_NUM_FORMS": "1000"}
    for i, (lang, title, phrasings) in enumerate(texts):
        data.update({f"texts-{i}-language": lang, f"texts-{i}-title": title, f"texts-{i}-phrasings": phrasings,
                     f"texts-{i}-why": "", f"texts-{i}-prompt": prompt.pk})
        if i < len(existing):
            data[f"texts-{i}-id"] = existing[i].pk
        if lang in delete:
            data[f"texts-{i}-DELETE"] = "on"
    return data


def test_the_admin_edits_a_prompts_three_texts(admin_client):
    prompt = Prompt.objects.get(code="stuck-open-questions")
    langs = [t.language for t in prompt.texts.all()]
    texts = [(lang, f"T-{lang}", "Question one?\nQuestion two?") for lang in langs]
    r = admin_client.post(f"/admin/coaching/prompt/{prompt.pk}/change/", _prompt_form(prompt, texts))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert dict(prompt.texts.values_list("language", "title")) == {lang: f"T-{lang}" for lang in langs}


def test_the_admin_insists_on_the_english_text_and_on_phrasings(admin_client):
    prompt = Prompt.objects.get(code="stuck-open-questions")
    before = list(PromptText.objects.filter(prompt=prompt).values_list("language", "title", "phrasings"))
    texts = [(t.language, t.title, t.phrasings) for t in prompt.texts.all()]
    r = admin_client.post(f"/admin/coaching/prompt/{prompt.pk}/change/",
                          _prompt_form(prompt, texts, delete=frozenset({"en"})))
    assert r.status_code == 200
    assert "Write the English text: it is shown when a language has none." in r.content.decode()
    empty = [(lang, title, "   " if lang == "ru" else ph) for lang, title, ph in texts]
    r = admin_client.post(f"/admin/coaching/prompt/{prompt.pk}/change/", _prompt_form(prompt, empty))
    assert r.status_code == 200 and "Please correct the error" in r.content.decode()
    assert list(PromptText.objects.filter(prompt=prompt).values_list("language", "title", "phrasings")) == before
