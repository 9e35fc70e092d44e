"""Emails about a mentorship's steps and a round's results. Tasks take IDs and read through the other
apps' selectors (notifications import no other app's models)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from tandem.matching import selectors as matching_selectors
from tandem.mentorships import selectors as mentorship_selectors

# event -> who hears about it
RECIPIENTS = {
    "requested": ("mentor",),
    "accepted": ("mentee",),
    "declined": ("mentee",),
    "agreement": ("mentor", "mentee"),
    "started": ("mentor", "mentee"),
    "withdrawn": ("mentor", "mentee"),
    "paired": ("mentor", "mentee"),
}


def mentorship_email_send(*, mentorship_id: int, event: str) -> int:
    """Send the email for ``event`` to whoever it concerns; returns how many were sent."""
    m = mentorship_selectors.mentorship_by_id(mentorship_id)
    if m is None or event not in RECIPIENTS:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for side in RECIPIENTS[event]:
            person = getattr(m, side)
            other = m.mentee if side == "mentor" else m.mentor
            ctx = {"m": m, "person": person, "other": other, "event": event, "side": side, "base_url": settings.BASE_URL}
            subject = render_to_string("notifications/mentorship_subject.txt", ctx).strip()
            body = render_to_string("notifications/mentorship_body.txt", ctx)
            sent += send_mail(subject, body, None, [person.email], fail_silently=False)
    return sent


def round_results_email_send(*, round_id: int) -> int:
    """After publication: each graduate hears their own placement, each head their department's."""
    selection_round = matching_selectors.published_round(round_id)
    if selection_round is None:
        return 0
    placements = matching_selectors.round_placements(selection_round)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        by_department: dict[int, list] = {}
        for p in placements:
            ctx = {"round": selection_round, "placement": p, "person": p.applicant, "base_url": settings.BASE_URL}
            subject = render_to_string("notifications/round_result_subject.txt", ctx).strip()
            body = render_to_string("notifications/round_result_body.txt", ctx)
            sent += send_mail(subject, body, None, [p.applicant.email])
            if p.department_id:
                by_department.setdefault(p.department_id, []).append(p)
        for placed in by_department.values():
            head = placed[0].department.head
            if head is None:
                continue
            ctx = {"round": selection_round, "department": placed[0].department, "placed": placed, "person": head,
                   "base_url": settings.BASE_URL}
            subject = render_to_string("notifications/round_department_subject.txt", ctx).strip()
            body = render_to_string("notifications/round_department_body.txt", ctx)
            sent += send_mail(subject, body, None, [head.email])
    return sent
