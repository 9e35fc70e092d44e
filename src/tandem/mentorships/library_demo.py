"""Demo data of the coaching log's library (called from ``web/demo.py``'s ``APP_DEMOS``, after the
log's demo): for the demo mentor and mentee's active pair, files and links shared by both sides
(some on a session), a transcript of the last held session in Russian and Chinese, and a private
note each — written through the library services, so the demo obeys the same rules as users do.
Only the resources' ``created_at`` is moved back afterwards (the services stamp "now"), so the
library reads as it would have happened.

Searches that work in the demo: «переговоры» (finds «переговорах», «переговоров»), «谈判» (inside
«我们的谈判技巧»), "negotiation".
"""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.mentorships import library_services, log_services, search
from tandem.mentorships.demo import _actor
from tandem.mentorships.library_models import Resource
from tandem.mentorships.log_models import Session, SessionStatus
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people.models import Person

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

CHECKLIST_MD = """# Подготовка к переговорам

1. Цель: чего я хочу добиться и чего точно не уступлю.
2. Альтернатива: что я сделаю, если договориться не выйдет.
3. Вопросы к другой стороне: что для них важно?

## 谈判准备清单
- 明确目标和底线
- 准备替代方案
"""

TRANSCRIPT_VTT = """WEBVTT

00:00:02.000 --> 00:00:07.500
<v {mentor}>Давай начнём с переговоров с поставщиком: что произошло на прошлой неделе?

00:00:08.000 --> 00:00:15.000
<v {mentee}>Я уступил по срокам слишком рано. В переговорах я теряюсь, когда на меня давят.

00:00:15.500 --> 00:00:24.000
<v {mentor}>Перед следующими переговорами запиши свою цель и границу. Назови альтернативу вслух.

00:00:24.500 --> 00:00:30.000
<v {mentee}>我们的谈判技巧还需要练习，尤其是在压力下。

00:00:30.500 --> 00:00:38.000
<v {mentor}>下次谈判之前，我们先做一次角色扮演。 Let's rehearse the negotiation on Friday.
"""


def _pair(users: dict[str, Person]) -> Mentorship | None:
    mentor, mentee = users.get("mentor"), users.get("mentee")
    if mentor is None or mentee is None:
        return None
    return (Mentorship.objects.filter(mentor=mentor, mentee=mentee, status=MentorshipStatus.ACTIVE)
            .select_related("mentor", "mentee", "program").order_by("-started_on", "-id").first())


def _session(m: Mentorship, mentor_actor) -> Session:
    """The last held session; if the log has none, one scheduled through the log's services."""
    s = Session.objects.filter(mentorship=m, status=SessionStatus.HELD).order_by("-starts_at").first()
    if s is not None:
        return s
    start = (timezone.now() + datetime.timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    return log_services.session_schedule(mentorship=m, actor=mentor_actor, starts_at=start,
                                         meeting_link="https://meet.example.com/tandem-demo")


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """Resources, a transcript and private notes for the demo pair (nothing if there is no such pair)."""
    m = _pair(users)
    if m is None:
        return
    mentor, mentee = _actor(m.mentor), _actor(m.mentee)
    s = _session(m, mentor)
    shared = []
    shared.append(library_services.resource_share(
        mentorship=m, actor=mentor, title="Чек-лист: подготовка к переговорам / 谈判准备清单",
        upload=SimpleUploadedFile("negotiation-checklist.md", CHECKLIST_MD.encode()), session_id=s.pk))
    shared.append(library_services.resource_share(
        mentorship=m, actor=mentor, title="Negotiation: getting to yes (summary)",
        upload=SimpleUploadedFile("negotiation-summary.pdf", PDF)))
    shared.append(library_services.resource_share(
        mentorship=m, actor=mentor, title="Статья: как вести сложные переговоры",
        url="https://hbr.org/topic/subject/negotiating"))
    shared.append(library_services.resource_share(
        mentorship=m, actor=mentee, title="我整理的会议笔记：谈判练习",
        upload=SimpleUploadedFile("meeting-notes.txt", "我们讨论了谈判技巧和时间管理。\nОбсудили делегирование.".encode()),
        session_id=s.pk))
    shared.append(library_services.resource_share(
        mentorship=m, actor=mentee, title="Course: effective feedback", url="https://www.coursera.org/learn/feedback"))
    # the library reads as it would have happened: spread over the weeks before the session
    for k, r in enumerate(shared):
        when = min(timezone.now(), s.starts_at) - datetime.timedelta(days=3 * (len(shared) - k), hours=rng.randint(0, 6))
        Resource.objects.filter(pk=r.pk).update(created_at=when)
        search.index_resource(Resource.objects.get(pk=r.pk))
    vtt = TRANSCRIPT_VTT.format(mentor=m.mentor.full_name.split()[0], mentee=m.mentee.full_name.split()[0])
    library_services.transcript_upload(session=s, actor=mentor, upload=SimpleUploadedFile("recording.vtt", vtt.encode()))
    library_services.note_create(mentorship=m, actor=mentor,
                                 text="Менти уступает под давлением: в следующий раз — ролевая игра перед переговорами.")
    library_services.note_create(mentorship=m, actor=mentee,
                                 text="我想在下次谈判前练习说“不”。Попросить обратную связь после встречи с поставщиком.")
