"""Tables of the privacy and ethics record (filled in by the privacy feature)."""
