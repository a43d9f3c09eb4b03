"""The dialogs the windows open: export, settings, label scheme, statistics, help."""
