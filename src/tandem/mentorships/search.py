"""Search over one mentorship's coaching log, in English, Russian and Chinese.

The text of each searchable thing (a session's questions, advice, notes and topics; a message; an
action item and its comments; a resource's title; a transcript; a private note) is kept in a
:class:`~tandem.mentorships.library_models.LogSearchEntry` row with a *token text* built here, in
Python, the same way for the database and for the query:

- words in Cyrillic are stemmed with Snowball's Russian stemmer (переговоры, переговоров,
  переговорах → переговор; ё is read as е), words in Latin letters with the English one
  (negotiation, negotiating → negoti);
- runs of Chinese (and Japanese, Korean) characters, written without spaces, become every
  character and every pair of neighbouring characters: 我们谈判技巧 → 我 们 谈 判 技 巧 我们 们谈 谈判
  判技 技巧. A query's run becomes its pairs (or its one character), so 谈判 finds 我们谈判技巧;
- everything is NFKC-normalised and case-folded first.

The database only matches tokens: PostgreSQL with ``to_tsvector('simple', tokens)`` (a GIN index,
ranked by ``ts_rank``), SQLite with an FTS5 table (ranked by ``bm25``). Both see words already
normalised, so the two behave the same. The snippet and its ``<mark>`` highlight are built here
from the stored text, HTML-escaped.

The index is written by the services that write the things (:func:`index_session` and friends are
called inside their transactions), not by a nightly job; ``manage.py log_search_reindex`` rebuilds
it for data written before the index existed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tandem.mentorships.library_models import LogSearchEntry, SearchKind

#: the longest query read (longer ones are cut: a search box, not a document)
QUERY_LIMIT = 200
MAX_QUERY_TOKENS = 24
SNIPPET_CHARS = 220

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF
            or 0x3040 <= o <= 0x30FF or 0xAC00 <= o <= 0xD7AF or 0x31F0 <= o <= 0x31FF)


def _is_cyrillic(word: str) -> bool:
    return any(0x0400 <= ord(c) <= 0x052F for c in word)


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(language)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")


def _segments(word: str) -> Iterable[tuple[bool, str]]:
    """Split a word into runs of CJK characters and runs of anything else: (is_cjk, run)."""
    start = 0
    for i in range(1, len(word) + 1):
        if i == len(word) or _is_cjk(word[i]) != _is_cjk(word[start]):
            yield _is_cjk(word[start]), word[start:i]
            start = i


def stem(word: str) -> str:
    if word.isdigit():
        return word
    if _is_cyrillic(word):
        return _stemmer("russian").stemWord(word)
    if word.isascii():
        return _stemmer("english").stemWord(word)
    return word


def _tokens(text: str, *, query: bool) -> list[str]:
    out: list[str] = []
    for m in _WORD.finditer(normalise(text)):
        for cjk, run in _segments(m.group()):
            if not cjk:
                out.append(stem(run))
            elif query:
                out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
            else:
                out.extend(run)
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


#: distinct tokens kept per entry (PostgreSQL's tsvector holds at most 1 MB)
MAX_DOCUMENT_TOKENS = 50_000


def document_tokens(text: str) -> str:
    """The token text stored for ``text`` (what the database indexes): each token once, in order
    of first appearance, at most :data:`MAX_DOCUMENT_TOKENS` of them."""
    return " ".join(list(dict.fromkeys(_tokens(text, query=False)))[:MAX_DOCUMENT_TOKENS])


def query_tokens(query: str) -> list[str]:
    """The distinct tokens of a query, in order; every one must match."""
    return list(dict.fromkeys(_tokens((query or "")[:QUERY_LIMIT], query=True)))[:MAX_QUERY_TOKENS]


# -- writing the index (called by the services, inside their transactions) ---------------------


def _put(*, mentorship_id: int, kind: str, object_id: int, body: str, at: Any, title: str = "",
         session_id: int | None = None, owner_id: int | None = None) -> None:
    body = body.strip()
    if not body:
        unindex(kind, object_id)
        return
    LogSearchEntry.objects.update_or_create(
        kind=kind, object_id=object_id,
        defaults={"mentorship_id": mentorship_id, "session_id": session_id, "owner_id": owner_id,
                  "title": title[:200], "body": body, "tokens": document_tokens(body), "at": at})


def unindex(kind: str, object_id: int) -> None:
    LogSearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def _topic_names(topic: Any) -> list[str]:
    names = [topic.name]
    for values in (topic.translations or {}).values():
        if isinstance(values, dict) and values.get("name"):
            names.append(str(values["name"]))
    return list(dict.fromkeys(names))


def index_session(session: Any) -> None:
    """A session's questions, advice, notes and topics (in every language the catalogue has)."""
    topics = [n for t in session.topics.all() for n in _topic_names(t)]
    body = "\n\n".join(part for part in (session.questions, session.advice, session.notes, " · ".join(topics))
                       if part)
    _put(mentorship_id=session.mentorship_id, kind=SearchKind.SESSION, object_id=session.pk, body=body,
         at=session.starts_at, session_id=session.pk)


def index_message(message: Any) -> None:
    _put(mentorship_id=message.mentorship_id, kind=SearchKind.MESSAGE, object_id=message.pk, body=message.text,
         at=message.created_at)


def index_action_item(item: Any) -> None:
    comments = [c.text for c in item.comments.order_by("created_at", "id")]
    _put(mentorship_id=item.mentorship_id, kind=SearchKind.ACTION_ITEM, object_id=item.pk,
         body="\n".join([item.title, *comments]), title=item.title, at=item.created_at, session_id=item.session_id)


def index_resource(resource: Any) -> None:
    body = resource.title if resource.title == resource.file_name else f"{resource.title}\n{resource.file_name}"
    _put(mentorship_id=resource.mentorship_id, kind=SearchKind.RESOURCE, object_id=resource.pk, body=body,
         title=resource.title, at=resource.created_at, session_id=resource.session_id)


def index_transcript(transcript: Any) -> None:
    s = transcript.session
    _put(mentorship_id=s.mentorship_id, kind=SearchKind.TRANSCRIPT, object_id=transcript.pk, body=transcript.text,
         title=transcript.file_name, at=s.starts_at, session_id=s.pk)


def index_note(note: Any) -> None:
    _put(mentorship_id=note.mentorship_id, kind=SearchKind.NOTE, object_id=note.pk, body=note.text,
         at=note.updated_at, owner_id=note.author_id)


def reindex_mentorship(mentorship: Any) -> int:
    """Rebuild one log's index from its rows (``manage.py log_search_reindex``)."""
    from tandem.mentorships.library_models import PrivateNote, Resource, Transcript
    from tandem.mentorships.log_models import ActionItem, Message, Session

    LogSearchEntry.objects.filter(mentorship=mentorship).delete()
    n = 0
    for s in Session.objects.filter(mentorship=mentorship).prefetch_related("topics"):
        index_session(s)
        n += 1
    for msg in Message.objects.filter(mentorship=mentorship):
        index_message(msg)
        n += 1
    for it in ActionItem.objects.filter(mentorship=mentorship):
        index_action_item(it)
        n += 1
    for r in Resource.objects.filter(mentorship=mentorship):
        index_resource(r)
        n += 1
    for t in Transcript.objects.filter(session__mentorship=mentorship).select_related("session"):
        index_transcript(t)
        n += 1
    for note in PrivateNote.objects.filter(mentorship=mentorship):
        index_note(note)
        n += 1
    return n


# -- querying ----------------------------------------------------------------------------------


@dataclass
class Hit:
    entry: LogSearchEntry
    rank: float
    snippet: SafeString


@dataclass
class SearchPage:
    query: str
    hits: list[Hit]
    count: int
    page: int
    pages: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _fts5_query(tokens: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def _ranked_ids(*, mentorship_id: int, reader_id: int | None, tokens: list[str], limit: int,
                offset: int) -> tuple[int, list[tuple[int, float]]]:
    """(count, [(entry id, rank), …]) best first: the rows of this log the reader may find."""
    entry = LogSearchEntry._meta.db_table
    visible = "e.mentorship_id = %s AND (e.owner_id IS NULL OR e.owner_id = %s)"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            match = "to_tsvector('simple', e.tokens) @@ q.query"
            source = f"{entry} e, plainto_tsquery('simple', %s) q(query)"
            params: list[Any] = [" ".join(tokens), mentorship_id, reader_id]
            cur.execute(f"SELECT COUNT(*) FROM {source} WHERE {match} AND {visible}", params)
            count = cur.fetchone()[0]
            cur.execute(f"SELECT e.id, ts_rank(to_tsvector('simple', e.tokens), q.query, 1) AS rank FROM {source} "
                        f"WHERE {match} AND {visible} ORDER BY rank DESC, e.at DESC, e.id DESC LIMIT %s OFFSET %s",
                        [*params, limit, offset])
            rows = [(pk, float(rank)) for pk, rank in cur.fetchall()]
        else:
            source = f"{entry}_fts f JOIN {entry} e ON e.id = f.rowid"
            params = [_fts5_query(tokens), mentorship_id, reader_id]
            where = f"{entry}_fts MATCH %s AND {visible}"
            cur.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params)
            count = cur.fetchone()[0]
            # bm25 is lower for better matches: negated, so higher is better as on PostgreSQL
            cur.execute(f"SELECT e.id, -bm25({entry}_fts) AS rank FROM {source} WHERE {where} "
                        f"ORDER BY rank DESC, e.at DESC, e.id DESC LIMIT %s OFFSET %s", [*params, limit, offset])
            rows = [(pk, float(rank)) for pk, rank in cur.fetchall()]
    return count, rows


def search(*, mentorship: Any, reader_id: int | None, query: str, page: int = 1, page_size: int = 20) -> SearchPage:
    """The entries of ``mentorship``'s log matching every word of ``query``, best first, with a
    highlighted snippet each. Private notes are found by their author only (``reader_id``). The
    caller has checked that the reader may read the log's texts."""
    import math

    query = (query or "")[:QUERY_LIMIT].strip()
    tokens = query_tokens(query)
    page_size = max(1, min(page_size, 100))
    if not tokens:
        return SearchPage(query=query, hits=[], count=0, page=1, pages=1, page_size=page_size)
    count, _ = _ranked_ids(mentorship_id=mentorship.pk, reader_id=reader_id, tokens=tokens, limit=1, offset=0)
    pages = max(1, math.ceil(count / page_size))
    page = max(1, min(page, pages))
    _, rows = _ranked_ids(mentorship_id=mentorship.pk, reader_id=reader_id, tokens=tokens, limit=page_size,
                          offset=(page - 1) * page_size)
    entries = LogSearchEntry.objects.select_related("session").in_bulk([pk for pk, _r in rows])
    hits = []
    for pk, rank in rows:
        e = entries.get(pk)
        if e is not None:
            hits.append(Hit(entry=e, rank=rank, snippet=highlight(e.body, query)))
    return SearchPage(query=query, hits=hits, count=count, page=page, pages=pages, page_size=page_size)


# -- highlighting --------------------------------------------------------------------------------


def _spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` matches in ``text``: words whose stem is a query word's, and the query's
    Chinese runs found as substrings. Offsets into ``text`` itself."""
    stems: set[str] = set()
    runs: set[str] = set()
    for m in _WORD.finditer(normalise(query[:QUERY_LIMIT])):
        for cjk, run in _segments(m.group()):
            (runs if cjk else stems).add(run if cjk else stem(run))
    spans: list[tuple[int, int]] = []
    # NFKC and case folding may change lengths: match word by word on the original text
    for m in _WORD.finditer(text):
        word = m.group()
        offset = m.start()
        for cjk, run in _segments(word):
            norm = normalise(run)
            if not cjk:
                if stem(norm) in stems:
                    spans.append((offset, offset + len(run)))
            else:
                for r in runs:
                    start = norm.find(r)
                    while start != -1 and len(norm) == len(run):
                        spans.append((offset + start, offset + start + len(r)))
                        start = norm.find(r, start + len(r))
            offset += len(run)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, query: str, *, width: int = SNIPPET_CHARS) -> SafeString:
    """A window of ``text`` around the first match, HTML-escaped, matches in ``<mark>``."""
    spans = _spans(text, query)
    start = 0
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
        # start at a word boundary when there is one near
        space = text.rfind(" ", 0, start + 1)
        if start and space != -1 and start - space < 20:
            start = space + 1
    end = min(len(text), start + width)
    parts = ["…" if start else ""]
    pos = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        parts.append(escape(text[pos:a]))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    parts.append(escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts).replace("\n", " "))  # every piece of text is escaped above
