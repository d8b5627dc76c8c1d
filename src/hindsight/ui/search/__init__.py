"""Search in the app: the list's search mode, its help, saved searches, related incidents."""
