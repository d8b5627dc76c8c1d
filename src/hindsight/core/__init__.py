"""Pure-Python domain: value types and rules. No Qt, no SQLAlchemy."""
