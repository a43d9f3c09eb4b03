"""The reviewer's window: versions side by side, candidates, the gold draft, agreement."""
