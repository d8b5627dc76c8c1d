"""Follow-up items on a value-versus-feasibility grid: per incident, and across all of them."""

from hindsight.ui.followups.none_guard import protect_none

protect_none()
