"""Turning incidents into documents people read (Markdown, HTML, PDF) and into JSON files.

Rendering is Jinja2 over a plain document model (model.py); the PDF is drawn with QtGui's
QTextDocument and QPdfWriter, the one place outside ui/ that uses QtGui. Nothing here opens a
window, so the command line exports without a display.
"""
