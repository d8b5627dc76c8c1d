"""Use cases shared by the GUI and the CLI: one transaction each, validated."""
