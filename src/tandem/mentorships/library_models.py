"""The coaching log's library: resources, transcripts, private notes, and the search index.

- :class:`Resource`: a file or an https link shared in a mentorship's log by either side (source
  002: the mentee's resource library), optionally attached to a session. Files are kept through
  Django's storage API under a random name (never the uploader's) and are served only through a
  view that checks :func:`tandem.core.authz.can_read_log` — never from a public URL.
- :class:`Transcript`: the readable text parsed from a recording's transcript or meeting notes
  (``.vtt``, ``.srt``, ``.txt``, ``.docx``) uploaded to a session; one per session (a new upload
  replaces the text).
- :class:`PrivateNote`: a note one side keeps for themselves; nobody else sees it (not the other
  side, not HR, not the program team).
- :class:`LogSearchEntry`: one row per searchable thing of a log, holding its text and the token
  text :mod:`tandem.mentorships.search` builds from it (Russian and English stems, Chinese
  character bigrams); PostgreSQL indexes the tokens with a GIN ``to_tsvector('simple', …)``,
  SQLite with an FTS5 table (migration ``0006_library_search``). Written by the services that
  write the things themselves.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import TimeStampedModel

TITLE_LIMIT = 200
URL_LIMIT = 500
FILE_NAME_LIMIT = 200
NOTE_LIMIT = 4000


class ResourceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


def resource_path(instance: Resource, filename: str) -> str:
    """A random name in the mentorship's folder: the uploader's name is kept in ``file_name`` only."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"library/{instance.mentorship_id}/{uuid.uuid4().hex}.{ext}"


class Resource(TimeStampedModel):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="resources")
    session = models.ForeignKey("mentorships.Session", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="resources", verbose_name=_("session"))
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    url = models.URLField(_("link"), max_length=URL_LIMIT, blank=True)
    file = models.FileField(_("file"), upload_to=resource_path, max_length=255, blank=True)
    #: the name the file had on the uploader's computer (shown and used for the download)
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_LIMIT, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(max_length=100, blank=True)
    shared_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("shared by"))
    #: the sharer's side of the pair when they shared it ("mentor" / "mentee")
    side = models.CharField(max_length=10)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["file", "link"]), name="resource_kind_known"),
            models.CheckConstraint(
                condition=(Q(kind="link", url__startswith="https://", file="")
                           | (Q(kind="file", url="") & ~Q(file=""))),
                name="resource_file_or_https_link"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.file_name.rsplit(".", 1)[-1].lower() if "." in self.file_name else ""


class TranscriptFormat(models.TextChoices):
    VTT = "vtt", "WebVTT"
    SRT = "srt", "SubRip"
    TXT = "txt", _("Plain text")
    DOCX = "docx", _("Word document")


class Transcript(TimeStampedModel):
    session = models.OneToOneField("mentorships.Session", on_delete=models.CASCADE, related_name="transcript")
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_LIMIT)
    format = models.CharField(_("format"), max_length=10, choices=TranscriptFormat.choices)
    #: the readable text: cue numbers and timestamps stripped, speakers kept
    text = models.TextField(_("transcript"))

    class Meta:
        ordering = ["-created_at", "-id"]


class PrivateNote(TimeStampedModel):
    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("note"), max_length=NOTE_LIMIT)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "author", "-updated_at"])]


class SearchKind(models.TextChoices):
    SESSION = "session", _("Session")
    MESSAGE = "message", _("Message")
    ACTION_ITEM = "action_item", _("Action item")
    RESOURCE = "resource", _("Resource")
    TRANSCRIPT = "transcript", _("Transcript")
    NOTE = "note", _("Private note")


class LogSearchEntry(models.Model):
    """One searchable thing of a log. ``owner`` set: only that person finds it (private notes)."""

    mentorship = models.ForeignKey("mentorships.Mentorship", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField()
    session = models.ForeignKey("mentorships.Session", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    owner = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: a short label for the result (the session's date is added when shown)
    title = models.CharField(max_length=TITLE_LIMIT, blank=True)
    #: the text as written, for the highlighted snippet
    body = models.TextField(blank=True)
    #: normalised tokens (stems, CJK bigrams and characters), space separated
    tokens = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_thing")]
        indexes = [models.Index(fields=["mentorship", "kind"])]
