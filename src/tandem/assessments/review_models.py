"""Competency reviews (issue 11 §1): campaigns by self, mentor, line manager and peers."""
