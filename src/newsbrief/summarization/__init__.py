"""Summarizers. The extractive one (no model, every language) is the default.

    from newsbrief.summarization import summarize_extractive
    summary = summarize_extractive(article, sentences=3)   # ExtractiveSummary
    summary.indices, summary.text(article)
"""

from __future__ import annotations

from .extractive import (DEFAULT_CONFIG, METHOD, ExtractiveSummary, ScorerConfig, count_units, lead,
                         summarize_extractive)

__all__ = ["ExtractiveSummary", "ScorerConfig", "DEFAULT_CONFIG", "METHOD", "summarize_extractive",
           "lead", "count_units"]
