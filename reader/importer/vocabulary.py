"""Character and word classes that more than one rule relies on."""
from __future__ import annotations

CLOSERS = "”’\"')]»"
OPENERS = "“‘\"'([«"
# Words that start a sentence but rarely end a headline or a publication's name.
SENTENCE_STARTERS = {"The", "A", "An", "In", "On", "At", "But", "And", "This", "That", "These", "Those",
                     "It", "Its", "His", "Her", "Their", "For", "As", "After", "When", "While", "Under",
                     "If", "Since", "With", "According", "Last", "Meanwhile", "However"}
