"""Tables of follow-up work items (filled in by the follow-ups feature)."""
