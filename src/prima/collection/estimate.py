"""How long the public form takes, for the "± N menit" of its introduction.

The rule (an assumption stated here, to be checked against the ``duration_ms`` that every web
response stores, not a measurement):

- 7 seconds per question with one scale (read the question, pick one answer);
- 12 seconds per paired item (read the statement once, answer *harapan* and *kinerja*);
- 5 seconds per choice asked besides the questions (unit, service, each profile field);
- 30 seconds for the optional suggestion box.

The total is rounded up to whole minutes, at least one: a short form is not promised as
"± 0 menit", and a respondent who finishes early is not disappointed.
"""

from __future__ import annotations

import math

SECONDS_SCALE = 7
SECONDS_PAIRED = 12
SECONDS_CHOICE = 5
SECONDS_OPEN_TEXT = 30


def estimate_minutes(*, single: int, paired: int, choices: int, open_text: int = 1) -> int:
    """Whole minutes (at least 1) for ``single`` one-scale questions, ``paired`` paired items,
    ``choices`` other choices and ``open_text`` open questions."""
    seconds = (
        single * SECONDS_SCALE
        + paired * SECONDS_PAIRED
        + choices * SECONDS_CHOICE
        + open_text * SECONDS_OPEN_TEXT
    )
    return max(1, math.ceil(seconds / 60))
