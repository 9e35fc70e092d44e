"""Department support reports (issue 12 §4)."""
