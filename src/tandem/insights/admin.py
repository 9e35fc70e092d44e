"""The admin of insights: each part registers its own models."""

from tandem.insights import inputs_admin  # noqa: F401
