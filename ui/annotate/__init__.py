"""The annotator's window: its editor, queue, span list, label bar and suggestions."""
