"""Tandem: mentoring and talent-development programs."""
