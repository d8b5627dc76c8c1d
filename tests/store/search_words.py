"""Words of different rarity for random search worlds, so which clause is rarest varies."""

from __future__ import annotations

import random

WORDS = ("kestrel", "feeder", "memory", "drift", "canary", "ranker", "schema", "latency")
RARITY = (0.04, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9)  # the share of texts each word is in


def some_words(rng: random.Random, low: int, high: int) -> str:
    """Between `low` and `high` of the words, each as likely as its rarity says ("the" if none)."""
    chosen = [w for w, share in zip(WORDS, RARITY, strict=True) if rng.random() < share]
    rng.shuffle(chosen)
    return " ".join(chosen[: rng.randint(low, high)] or ["the"])
