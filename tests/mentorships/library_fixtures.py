"""Fixtures of the coaching log's library tests: files kept in a temporary MEDIA_ROOT, sample files
of each kind, the library's domain events captured."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.core import events
from tandem.mentorships.log_models import Session, SessionStatus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

VTT = """WEBVTT

NOTE recorded by the meeting tool

1
00:00:01.000 --> 00:00:04.000
<v Анна>Давайте обсудим переговоры с поставщиком.</v>

2
00:00:04.500 --> 00:00:07.250
<v Wang Lei>我们谈判技巧需要练习。</v>

00:00:07.250 --> 00:00:09.000
<v Wang Lei>我们谈判技巧需要练习。</v>
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
ANNA: We discussed negotiating with suppliers.

2
00:00:04,500 --> 00:00:07,000
<i>Next steps agreed.</i>
"""


def docx_bytes(paragraphs: list[str], *, extra: dict[str, bytes] | None = None) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}'
                                        f"</w:body></w:document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every stored file goes to a temporary folder (never var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def library_events():
    got: list[tuple[str, dict]] = []
    handlers = []
    for name in ("resource.shared", "transcript.added"):
        def handler(_name=name, **payload):
            got.append((_name, payload))
        events.subscribe(name, handler)
        handlers.append((name, handler))
    yield got
    for name, handler in handlers:
        events._subscribers[name].remove(handler)


def held_session(p, days: int = -2, **fields) -> Session:
    from tandem.mentorships import search

    s = Session.objects.create(mentorship=p.mentorship, starts_at=timezone.now() + datetime.timedelta(days=days),
                               duration_minutes=60, status=SessionStatus.HELD, created_by=p.mentor, **fields)
    search.index_session(s)
    return s
