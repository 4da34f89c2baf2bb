"""Regenerate the remark classifier's weights from its labelled set.

    .venv/bin/python scripts/train_remarks.py [--corrections FILE]

Reads ``src/prima/remarks/data/remarks.csv`` (plus a corrections CSV of the same shape, whose
rows replace rows with the same text), trains the three models (deterministic: no random
numbers, a fixed number of steps) and writes ``src/prima/remarks/data/weights.npz``.
"""

from __future__ import annotations

import argparse
import sys

from prima import remarks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--corrections", metavar="FILE", help="CSV of corrected labels")
    parser.add_argument("--out", default=str(remarks.WEIGHTS), help="where to write the NPZ")
    args = parser.parse_args(argv)
    examples = remarks.load_examples()
    if args.corrections:
        examples = merge(examples, remarks.load_examples(args.corrections))
    models = remarks.fit(examples)
    remarks.save_models(models, args.out)
    features = len(next(iter(models.values())).index)
    print(f"{len(examples)} examples, {features} features -> {args.out}")
    return 0


def merge(
    examples: list[remarks.Example], corrections: list[remarks.Example]
) -> list[remarks.Example]:
    """The labelled set with each corrected text's labels replaced (new texts appended)."""
    fixed = {c.text.strip().lower(): c for c in corrections}
    out = [fixed.pop(e.text.strip().lower(), e) for e in examples]
    return out + list(fixed.values())


if __name__ == "__main__":
    sys.exit(main())
