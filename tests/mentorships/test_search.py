"""Search over one coaching log: Russian word forms, Chinese words inside unspaced text, English
stems; ranked; the match highlighted (HTML escaped); the index kept by the services that write;
private notes found by their author only; nothing for those who see only the summary."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships import library_services, log_services, search
from tandem.mentorships.library_models import LogSearchEntry
from tests.factories import TopicFactory, actor_of
from tests.mentorships.library_fixtures import VTT, held_session, media, upload  # noqa: F401  (fixtures)

# -- the normaliser (no database) ------------------------------------------------------------------


def test_russian_word_forms_share_a_token():
    forms = ["переговоры", "переговоров", "переговорах", "Переговорам"]
    assert len({search.query_tokens(f)[0] for f in forms}) == 1
    assert search.query_tokens("ёлка") == search.query_tokens("елка")


def test_english_words_are_stemmed():
    assert search.query_tokens("negotiating") == search.query_tokens("negotiation") == ["negoti"]


def test_chinese_text_is_indexed_as_characters_and_pairs_and_a_query_as_its_pairs():
    doc = search.document_tokens("我们谈判技巧").split()
    assert "谈判" in doc and "我" in doc and "技巧" in doc
    assert search.query_tokens("谈判") == ["谈判"]
    assert search.query_tokens("谈判技巧") == ["谈判", "判技", "技巧"]
    assert set(search.query_tokens("谈判技巧")) <= set(doc)
    assert search.query_tokens("谈") == ["谈"]


def test_mixed_scripts_split_into_their_runs():
    assert search.query_tokens("Python编程") == ["python", "编程"]


def test_highlight_escapes_html_and_marks_every_form_of_the_word():
    text = "<script>alert(1)</script> Обсудили переговоры; переговоров было много."
    out = str(search.highlight(text, "переговоры"))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count("<mark>") == 2
    assert "<mark>переговоры</mark>" in out and "<mark>переговоров</mark>" in out


def test_highlight_marks_a_chinese_word_inside_unspaced_text():
    assert str(search.highlight("今天我们谈判技巧练习", "谈判")) == "今天我们<mark>谈判</mark>技巧练习"


def test_highlight_shows_a_window_around_a_late_match():
    text = "word " * 200 + "negotiation " + "tail " * 100
    out = str(search.highlight(text, "negotiate"))
    assert out.startswith("…") and out.endswith("…") and "<mark>negotiation</mark>" in out
    assert len(out) < 400


# -- the search on the database ---------------------------------------------------------------------


def api_search(client, p, q, who=None, **params):
    client.force_login((who or p.mentee).user)
    return client.get(f"/api/mentorships/{p.mentorship.pk}/log", {"q": q, **params})


@pytest.fixture
def logged(active_pair):
    """A log with a held session (Russian advice, Chinese notes), a message and an action item."""
    p = active_pair
    s = held_session(p)
    log_services.session_update(session=s, actor=actor_of(p.mentor),
                                advice="Готовьтесь к переговорам: цель, границы, альтернатива.")
    log_services.session_update(session=s, actor=actor_of(p.mentee), notes="我们谈判技巧需要更多练习")
    msg = log_services.message_post(mentorship=p.mentorship, actor=actor_of(p.mentee),
                                    text="I keep negotiating badly with <b>vendors</b>")
    item = log_services.action_item_create(mentorship=p.mentorship, actor=actor_of(p.mentor),
                                           title="Прочитать книгу о переговорах", owner="mentee",
                                           due_on=timezone.localdate() + datetime.timedelta(days=7))
    return p, s, msg, item


@pytest.mark.django_db
def test_a_russian_word_finds_its_other_forms(client, logged):
    p, s, _msg, item = logged
    r = api_search(client, p, "переговоры")
    assert r.status_code == 200, r.content
    hits = {(h["kind"], h["id"]) for h in r.json()["results"]}
    assert hits == {("session", s.pk), ("action_item", item.pk)}
    snippet = next(h["snippet"] for h in r.json()["results"] if h["kind"] == "session")
    assert "<mark>переговорам</mark>" in snippet


@pytest.mark.django_db
def test_a_chinese_word_finds_text_that_contains_it_without_spaces(client, logged):
    p, s, *_ = logged
    body = api_search(client, p, "谈判").json()
    assert [(h["kind"], h["id"]) for h in body["results"]] == [("session", s.pk)]
    assert "<mark>谈判</mark>" in body["results"][0]["snippet"]
    assert api_search(client, p, "判技巧").json()["count"] == 1
    assert api_search(client, p, "谈话").json()["count"] == 0


@pytest.mark.django_db
def test_an_english_word_is_stemmed_and_the_snippet_escapes_html(client, logged):
    p, _s, msg, _item = logged
    body = api_search(client, p, "negotiation", who=p.mentor).json()
    assert [(h["kind"], h["id"]) for h in body["results"]] == [("message", msg.pk)]
    snippet = body["results"][0]["snippet"]
    assert "<mark>negotiating</mark>" in snippet and "&lt;b&gt;vendors&lt;/b&gt;" in snippet
    assert api_search(client, p, "negotiation vendors").json()["count"] == 1  # every word must match
    assert api_search(client, p, "negotiation suppliers").json()["count"] == 0


@pytest.mark.django_db
def test_the_index_follows_the_writes(client, logged):
    p, s, *_ = logged
    log_services.session_update(session=s, actor=actor_of(p.mentor), advice="Совет про делегирование")
    assert api_search(client, p, "делегирования").json()["count"] == 1
    assert api_search(client, p, "альтернатива").json()["count"] == 0  # the old advice is gone
    topic = TopicFactory(name="Public speaking", translations={"ru": {"name": "Публичные выступления"},
                                                               "zh-hans": {"name": "公开演讲"}})
    log_services.session_update(session=s, actor=actor_of(p.mentee), topics=[topic.code])
    for q in ("speaking", "выступлений", "演讲"):
        assert api_search(client, p, q).json()["count"] == 1, q


@pytest.mark.django_db
def test_resources_transcripts_and_comments_are_found(client, logged):
    p, s, _msg, item = logged
    library_services.resource_share(mentorship=p.mentorship, actor=actor_of(p.mentor), url="https://x.org/a",
                                    title="Статья о мотивации")
    library_services.transcript_upload(session=s, actor=actor_of(p.mentor), upload=upload("c.vtt", VTT.encode()))
    log_services.action_item_update(item=item, actor=actor_of(p.mentor), comment="Глава про мотивацию важна")
    kinds = sorted(h["kind"] for h in api_search(client, p, "мотивации").json()["results"])
    assert kinds == ["action_item", "resource"]
    hits = api_search(client, p, "поставщиком").json()["results"]
    assert [(h["kind"], h["session_id"]) for h in hits] == [("transcript", s.pk)]


@pytest.mark.django_db
def test_private_notes_are_found_by_their_author_only(client, logged):
    p, *_ = logged
    library_services.note_create(mentorship=p.mentorship, actor=actor_of(p.mentor), text="Менти боится переговоров")
    mentor_kinds = {h["kind"] for h in api_search(client, p, "переговоры", who=p.mentor).json()["results"]}
    mentee_kinds = {h["kind"] for h in api_search(client, p, "переговоры", who=p.mentee).json()["results"]}
    assert "note" in mentor_kinds and "note" not in mentee_kinds
    assert api_search(client, p, "боится", who=p.mentee).json()["count"] == 0


@pytest.mark.django_db
def test_a_shorter_focused_entry_ranks_above_a_long_one_whatever_their_dates(client, active_pair):
    p = active_pair
    old = held_session(p, days=-20)
    new = held_session(p, days=-1)
    log_services.session_update(session=old, actor=actor_of(p.mentor), advice="Делегирование задач команде.")
    log_services.session_update(session=new, actor=actor_of(p.mentor), advice=" ".join(
        ["Обсуждали бюджет, планирование, найм, отчётность и сроки."] * 30 + ["Немного про делегирование."]))
    ids = [h["id"] for h in api_search(client, p, "делегирование").json()["results"]]
    assert ids == [old.pk, new.pk]


@pytest.mark.django_db
def test_results_are_paginated(client, active_pair):
    p = active_pair
    for n in range(5):
        log_services.message_post(mentorship=p.mentorship, actor=actor_of(p.mentee), text=f"Вопрос {n} про карьеру")
    first = api_search(client, p, "карьера", page_size=2).json()
    assert first["count"] == 5 and first["pages"] == 3 and len(first["results"]) == 2
    last = api_search(client, p, "карьера", page_size=2, page=3).json()
    assert len(last["results"]) == 1
    assert {h["id"] for h in first["results"]}.isdisjoint({h["id"] for h in last["results"]})


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "   ", "a" * 201, "x\x01y"])
def test_bad_queries_are_refused_not_a_500(client, active_pair, q):
    r = api_search(client, active_pair, q)
    assert r.status_code in (400, 422) or (r.status_code == 200 and r.json()["count"] == 0), (q, r.content)


@pytest.mark.django_db
def test_punctuation_only_or_quotes_find_nothing_and_do_not_break_the_query(client, logged):
    p, *_ = logged
    for q in ('"', "' OR 1=1 --", "***", "NEAR(", "谈判\"", "переговоры AND"):
        r = api_search(client, p, q)
        assert r.status_code == 200, (q, r.content)
    assert api_search(client, p, '"переговоры"').json()["count"] == 2


@pytest.mark.django_db
def test_those_who_see_only_the_summary_get_no_text_through_search(client, logged, hr_person, make_person):
    p, *_ = logged
    for who in (hr_person, p.owner, p.head, p.line_manager):
        r = api_search(client, p, "переговоры", who=who)
        assert r.status_code in (403, 404), (who, r.status_code)
        assert "переговор" not in r.content.decode()
        page = client.get(f"/mentorships/{p.mentorship.pk}/log/search/", {"q": "переговоры"})
        assert page.status_code in (403, 404)
    stranger = make_person()
    assert api_search(client, p, "переговоры", who=stranger).status_code == 404


@pytest.mark.django_db
def test_reindex_rebuilds_a_log_from_its_rows(logged):
    p, *_ = logged
    before = sorted(LogSearchEntry.objects.values_list("kind", "object_id", "tokens"))
    LogSearchEntry.objects.all().delete()
    search.reindex_mentorship(p.mentorship)
    assert sorted(LogSearchEntry.objects.values_list("kind", "object_id", "tokens")) == before
