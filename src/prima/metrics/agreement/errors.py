"""The error of input on which an agreement statistic is undefined."""

from __future__ import annotations

from typing import Any

# the reasons (keys of prima.messages.MESSAGES, where their texts are translated)
REASONS = {
    "too_few_subjects": "fewer than 2 subjects rated by enough raters",
    "too_few_raters": "fewer than 2 raters",
    "one_category": "every rating falls in one and the same category",
    "no_variance": "the ratings do not vary",
    "no_subject_variance": "every subject has the same mean rating (ICC undefined)",
    "negative_ratio": "a ratio-level rating is negative ({value})",
}


class AgreementError(ValueError):
    """A statistic undefined on this input; ``key`` is one of :data:`REASONS`."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(REASONS[key].format(**params))
