"""Plain data and algorithms of Kathode: spans, tokens, labels, file formats (no Qt, no DB)."""
