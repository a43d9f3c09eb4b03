"""View parts both windows share: article view, highlighter, legend, list models, the
one keymap table, the undo base, theme and window sizing."""
