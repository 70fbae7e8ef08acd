"""What a sentence asserts, one module per kind, and the checks that compare a source sentence's
facts with a translation's:

- figures: numbers (digits and words), key figures, names (Latin script) and the summary check
- calendar: weekdays, months and dates (CLDR names via babel)
- roles: roles and institutions (the checked news glossary); places: countries and provinces
- check: a source sentence's facts compared with its translation's (Problem)
"""

from .check import Problem, compare
from .figures import (KINDS, Check, KeyFigure, count_changed, entities, figures_of, key_figures, names, number_value,
                      number_values, numbers, top_figures, unsupported)

__all__ = ["KINDS", "Check", "KeyFigure", "Problem", "compare", "count_changed", "entities", "figures_of",
           "key_figures", "names", "number_value", "number_values", "numbers", "top_figures", "unsupported"]
