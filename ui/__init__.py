"""PySide6 user interface: the main window, its widgets, Qt models and undo commands."""
