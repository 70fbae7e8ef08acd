"""Summarizers. The extractive one (no model, every language) is the default.

    import newsbrief as nb
    summary = nb.summarize(text, sentences=3)            # Summary: .text, .sentences, .method
    from newsbrief.summarization import summarize_extractive
    summarize_extractive(article, sentences=3).indices   # the chosen sentences
"""

from __future__ import annotations

from .extractive import (
                         DEFAULT_CONFIG,
                         METHOD,
                         ExtractiveSummary,
                         ScorerConfig,
                         count_units,
                         lead,
                         summarize_extractive,
)
from .summary import Summary, SummarySentence, summarize

__all__ = ["summarize", "Summary", "SummarySentence", "ExtractiveSummary", "ScorerConfig", "DEFAULT_CONFIG",
           "METHOD", "summarize_extractive", "lead", "count_units"]
