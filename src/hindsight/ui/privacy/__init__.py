"""The Privacy & ethics tab: the data-access log, the ethics checklist and the PII scan."""
