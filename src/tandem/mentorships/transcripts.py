"""Reading a transcript or meeting notes into readable text: WebVTT, SubRip, plain text, Word.

- ``.vtt`` / ``.srt``: cue numbers, identifiers and timestamps are dropped, as are styling tags;
  a WebVTT voice (``<v Anna>…``) is kept as ``Anna: …``; a line repeated by the next cue (live
  captions do that) is kept once.
- ``.txt``: UTF-8 (with or without a byte-order mark) or UTF-16 with one.
- ``.docx``: read with :mod:`zipfile` and :mod:`xml.etree` — the paragraphs of
  ``word/document.xml`` — within limits (archive entries, uncompressed size, compression ratio, no
  DTD), so a zip bomb or an entity expansion stops with a message instead of filling the memory.

Everything raises :class:`TranscriptError` with a message a person can act on; nothing here
touches the database.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext as _

#: the longest readable text kept (a two-hour meeting is about 120,000 characters)
MAX_TEXT_CHARS = 300_000
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_XML_BYTES = 20 * 1024 * 1024
DOCX_MAX_RATIO = 100

FORMATS = ("vtt", "srt", "txt", "docx")


class TranscriptError(ValueError):
    pass


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is refused with a message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptError(_("The file is not readable text (UTF-8 or UTF-16).")) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TranscriptError(_("The file is not readable text: save it as UTF-8 and upload it again.")) from exc
    if "\x00" in text:
        raise TranscriptError(_("The file is not readable text (it contains NUL characters)."))
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TIMING = re.compile(r"^\s*(\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")


def _clean_cue(line: str) -> str:
    voice = _VOICE.search(line)
    speaker = voice.group(1).strip() if voice else ""
    text = html.unescape(_TAG.sub("", line)).strip()
    return f"{speaker}: {text}" if speaker and text else text


def _cues(blocks: list[list[str]]) -> str:
    out: list[str] = []
    for block in blocks:
        for line in block:
            text = _clean_cue(line)
            if text and (not out or out[-1] != text):
                out.append(text)
    return "\n".join(out)


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def parse_vtt(text: str) -> str:
    blocks = _blocks(text)
    if not blocks or not blocks[0][0].lstrip().startswith("WEBVTT"):
        raise TranscriptError(_("This is not a WebVTT file: it must start with “WEBVTT”."))
    cues = []
    for block in blocks[1:]:
        head = block[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(block[:2]) if _TIMING.match(line)), None)
        if timing is None:
            continue
        cues.append(block[timing + 1:])
    if not cues:
        raise TranscriptError(_("No cues found in this WebVTT file."))
    return _cues(cues)


def parse_srt(text: str) -> str:
    cues = []
    for block in _blocks(text):
        timing = next((i for i, line in enumerate(block[:2]) if _TIMING.match(line)), None)
        if timing is None:
            continue
        cues.append(block[timing + 1:])
    if not cues:
        raise TranscriptError(_("No subtitles found in this SubRip file (numbered cues with “-->” timings)."))
    return _cues(cues)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_limited(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """An entry's bytes, stopping at ``limit`` whatever its header claims (headers can lie)."""
    info = archive.getinfo(name)
    if info.file_size > limit or (info.compress_size and info.file_size / info.compress_size > DOCX_MAX_RATIO
                                  and info.file_size > 1024 * 1024):
        raise TranscriptError(_("The document is too large to read once unpacked."))
    with archive.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TranscriptError(_("The document is too large to read once unpacked."))
    return data


def open_docx(data: bytes) -> zipfile.ZipFile:
    """The archive of a Word document, checked: a zip with ``word/document.xml`` and sane entries."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise TranscriptError(_("This is not a Word document (.docx) that can be opened.")) from exc
    if len(names) > DOCX_MAX_ENTRIES:
        raise TranscriptError(_("The document has too many parts to be read."))
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TranscriptError(_("This is not a Word document (.docx) that can be opened."))
    return archive


def parse_docx(data: bytes) -> str:
    archive = open_docx(data)
    try:
        xml = _read_limited(archive, "word/document.xml", DOCX_MAX_XML_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise TranscriptError(_("This is not a Word document (.docx) that can be opened.")) from exc
    if b"<!DOCTYPE" in xml[:4096].upper() or b"<!ENTITY" in xml.upper():
        raise TranscriptError(_("This document declares its own entities: it is not read."))
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise TranscriptError(_("The document's text cannot be read (broken XML).")) from exc
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for el in p.iter():
            if el.tag == f"{_W}t" and el.text:
                parts.append(el.text)
            elif el.tag == f"{_W}tab":
                parts.append("\t")
            elif el.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        line = "".join(parts).strip()
        if line:
            paragraphs.append(line)
    return "\n".join(paragraphs)


def parse(file_name: str, data: bytes) -> tuple[str, str]:
    """(format, readable text) of an uploaded transcript; :class:`TranscriptError` if it is not one."""
    ext = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if ext not in FORMATS:
        raise TranscriptError(_("Upload a transcript as .vtt, .srt, .txt or .docx."))
    if ext == "docx":
        text = parse_docx(data)
    else:
        raw = decode_text(data)
        text = parse_vtt(raw) if ext == "vtt" else parse_srt(raw) if ext == "srt" else raw.strip()
    text = "".join(c for c in text if c in "\n\t" or not (ord(c) < 32 or 127 <= ord(c) < 160))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise TranscriptError(_("The transcript has no text."))
    if len(text) > MAX_TEXT_CHARS:
        raise TranscriptError(_("The transcript is longer than %(n)s characters: split it, or upload a summary.")
                              % {"n": f"{MAX_TEXT_CHARS:,}"})
    return ext, text
