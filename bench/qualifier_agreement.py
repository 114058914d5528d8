"""Agreement of the two qualifier engines (rules vs edsnlp) on real mentions.

    python bench/qualifier_agreement.py [--synthetic 300] [--seed 7] [--contexts] [--limit 40]

Runs both engines over every mention that the matcher finds in the hand-written dev stays (tests/data/dev)
and in synthetic stays, and prints, per qualifier, how many mentions both engines call the same (with
Cohen's kappa), then the disagreements as stay / document / offsets. `--contexts` also prints a short
context around each disagreement, for a developer at a terminal only: never redirect it into shared logs.
Section-based flags are the same for both engines and left out: only the engines' own answers are compared.
Also prints each engine's time per document (the sentences holding mentions are all each one reads).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coding_assistant.schema import Stay, read_stays
from coding_assistant.synth import generate_stays
from coding_assistant.text.edsnlp_qualifiers import pipeline_info, qualify_with_edsnlp
from coding_assistant.text.qualifier_types import Qualifiers
from coding_assistant.text.rule_qualifiers import default_cues, qualify_with_rules

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev"
FLAGS = ("negated", "hypothetical", "family", "history")


@dataclass(frozen=True, slots=True)
class Disagreement:
    stay_id: str
    doc_id: str
    start: int
    end: int
    flag: str
    rules: bool
    edsnlp: bool
    rules_cues: tuple[str, ...]
    edsnlp_cues: tuple[str, ...]


@dataclass
class Tally:
    both_true: int = 0
    both_false: int = 0
    rules_only: int = 0
    edsnlp_only: int = 0

    def add(self, rules: bool, edsnlp: bool) -> None:
        if rules and edsnlp:
            self.both_true += 1
        elif rules:
            self.rules_only += 1
        elif edsnlp:
            self.edsnlp_only += 1
        else:
            self.both_false += 1

    @property
    def total(self) -> int:
        return self.both_true + self.both_false + self.rules_only + self.edsnlp_only

    @property
    def agreement(self) -> float:
        return (self.both_true + self.both_false) / self.total if self.total else 1.0

    @property
    def kappa(self) -> float:
        n = self.total
        if not n:
            return 1.0
        rules_yes = (self.both_true + self.rules_only) / n
        edsnlp_yes = (self.both_true + self.edsnlp_only) / n
        expected = rules_yes * edsnlp_yes + (1 - rules_yes) * (1 - edsnlp_yes)
        return 1.0 if expected == 1 else (self.agreement - expected) / (1 - expected)


def _qualify(engine: str, text: str, spans: Sequence[tuple[int, int]]) -> tuple[list[Qualifiers], float]:
    results = [Qualifiers(s, e) for s, e in spans]
    valid = [(i, s, e) for i, (s, e) in enumerate(spans) if 0 <= s < e <= len(text) and text[s:e].strip()]
    started = time.perf_counter()
    if valid:
        (qualify_with_rules if engine == "rules" else qualify_with_edsnlp)(text, valid, results, True)
    return results, time.perf_counter() - started


@dataclass
class Comparison:
    tallies: dict[str, Tally]
    disagreements: list[Disagreement]
    seconds: dict[str, float]  # per engine, over every document
    documents: int
    same_cues: int  # mentions for which both engines name the same cues


def compare(stays: Iterable[Stay]) -> Comparison:
    from coding_assistant.matching import find_mentions
    from coding_assistant.matching.loading import default_mention_dictionary

    dictionary = default_mention_dictionary()
    tallies = {flag: Tally() for flag in FLAGS}
    disagreements: list[Disagreement] = []
    seconds = {"rules": 0.0, "edsnlp": 0.0}
    documents = same_cues = 0
    for stay in stays:
        for document in stay.documents:
            spans = [(m.start, m.end) for m in find_mentions(document.text, dictionary)]
            if not spans:
                continue
            documents += 1
            rules, rules_seconds = _qualify("rules", document.text, spans)
            edsnlp, edsnlp_seconds = _qualify("edsnlp", document.text, spans)
            seconds["rules"] += rules_seconds
            seconds["edsnlp"] += edsnlp_seconds
            for r, e in zip(rules, edsnlp, strict=True):
                same_cues += r.cues == e.cues
                for flag in FLAGS:
                    rules_flag, edsnlp_flag = getattr(r, flag), getattr(e, flag)
                    tallies[flag].add(rules_flag, edsnlp_flag)
                    if rules_flag != edsnlp_flag:
                        disagreements.append(
                            Disagreement(
                                stay.stay_id,
                                document.doc_id,
                                r.start,
                                r.end,
                                flag,
                                rules_flag,
                                edsnlp_flag,
                                tuple(r.cues),
                                tuple(e.cues),
                            )
                        )
    return Comparison(tallies, disagreements, seconds, documents, same_cues)


def _context(stays: dict[str, Stay], item: Disagreement, width: int = 60) -> str:
    text = next(d.text for d in stays[item.stay_id].documents if d.doc_id == item.doc_id)
    before = text[max(0, item.start - width) : item.start].replace("\n", " ⏎ ")
    after = text[item.end : item.end + width].replace("\n", " ⏎ ")
    return f"…{before}[{text[item.start : item.end]}]{after}…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=300, help="synthetic stays added to the dev set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--contexts", action="store_true", help="print a short context per disagreement")
    parser.add_argument("--limit", type=int, default=40, help="disagreements listed per corpus")
    args = parser.parse_args()

    pipeline_info()  # build edsnlp's pipeline and compile the rules before any timing
    default_cues()
    corpora = {
        "dev": [stay for path in sorted(DEV.glob("*.jsonl")) for stay in read_stays(path)],
        "synthetic": list(generate_stays(args.synthetic, seed=args.seed)),
    }
    for name, stays in corpora.items():
        comparison = compare(stays)
        tallies, disagreements, documents = comparison.tallies, comparison.disagreements, comparison.documents
        mentions = tallies[FLAGS[0]].total
        print(f"\n## {name}: {len(stays)} stays, {documents} documents with mentions, {mentions} mentions\n")
        print("| qualifier | rules & edsnlp | neither | rules only | edsnlp only | agreement | kappa |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for flag, t in tallies.items():
            print(
                f"| {flag} | {t.both_true} | {t.both_false} | {t.rules_only} | {t.edsnlp_only} "
                f"| {t.agreement:.4f} | {t.kappa:.3f} |"
            )
        print(f"\nmentions with the same cues named by both engines: {comparison.same_cues} of {mentions}")
        per_doc = {engine: 1000 * s / max(documents, 1) for engine, s in comparison.seconds.items()}
        print(f"\nms per document with mentions: rules {per_doc['rules']:.2f}, edsnlp {per_doc['edsnlp']:.2f}")
        if disagreements:
            print(f"\nDisagreements ({len(disagreements)}, first {args.limit}): stay doc start-end flag rules/edsnlp")
            by_id = {stay.stay_id: stay for stay in stays}
            for item in disagreements[: args.limit]:
                line = (
                    f"- {item.stay_id} {item.doc_id} {item.start}-{item.end} {item.flag} "
                    f"rules={int(item.rules)} edsnlp={int(item.edsnlp)}"
                )
                if args.contexts:
                    line += f"\n    {_context(by_id, item)}\n    rules {list(item.rules_cues)}"
                    line += f"\n    edsnlp {list(item.edsnlp_cues)}"
                print(line)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
