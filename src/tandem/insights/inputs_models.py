"""Inputs versus outputs: editable suggestion rules (issue 12 §1)."""
