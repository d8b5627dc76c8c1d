"""The follow-up grid drawn from plain data: layout, painting and pictures for documents.

The interactive grid (ui/followups) and exported documents draw with the same code, so a
picture in a document looks like the screen.
"""
