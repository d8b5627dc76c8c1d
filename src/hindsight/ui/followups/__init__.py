"""Follow-up items on a value-versus-feasibility grid: per incident, and across all of them."""
