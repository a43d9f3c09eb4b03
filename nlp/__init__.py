"""spaCy side of Kathode: tokenizers, pattern sets, suggesters, training (no database, no Qt)."""
