"""Notifications are subscribers: they react to domain events and read through other apps'
selectors, never their models (so a new consumer needs no edit to the services that emit)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core import mail

from tandem.core import events

pytestmark = pytest.mark.django_db


# The one exception, on purpose: the company-wide reads reminders need (every session starting within
# 24 hours, every open action item due…) have no selector in the mentorships app yet; they are kept
# together, read-only, in this module until they move there.
READS_ACROSS_APPS = {"reminder_selectors.py"}


def test_notifications_import_no_other_apps_models():
    root = Path(__file__).resolve().parents[2] / "src" / "tandem" / "notifications"
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in READS_ACROSS_APPS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tandem."):
                if node.module.endswith("models") and not node.module.startswith("tandem.notifications"):
                    offenders.append(f"{path.name}: {node.module}")
    assert offenders == []


def test_the_agreement_stage_emails_both_sides_through_the_event(world, django_capture_on_commit_callbacks):
    from tests.mentorships.lifecycle_fixtures import to_agreement_stage

    assert events.subscribers("mentorship.agreement_stage")
    with django_capture_on_commit_callbacks(execute=True):
        m = to_agreement_stage(world)
    subjects = [e.subject for e in mail.outbox if "ready to sign" in e.subject]
    assert len(subjects) == 2
    assert any(f"/mentorships/{m.pk}/agreement/" in e.body for e in mail.outbox)
