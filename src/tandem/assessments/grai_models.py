"""GRAI reviews (source 003): goal, result, analysis, insight. Filled in by the issue-11 §4 work."""
