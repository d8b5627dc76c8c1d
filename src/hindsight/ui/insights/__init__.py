"""The Insights view: charts across incidents (View ▸ Insights, Ctrl+I).

`integration` adds the menu entries to the main window and imports nothing heavy; the view
itself (and matplotlib with it) is imported when first opened.
"""
