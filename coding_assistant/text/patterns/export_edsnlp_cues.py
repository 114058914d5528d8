"""Write `edsnlp_cues.py`: edsnlp's qualifier cue vocabulary as plain data for the rules engine.

    python -m coding_assistant.text.patterns.export_edsnlp_cues > coding_assistant/text/patterns/edsnlp_cues.py

Run it again when the edsnlp version changes; `tests/text/test_text_qualifiers.py` checks that the written
vocabulary still equals the installed edsnlp's. Needs edsnlp and pandas (its verb table is read with them);
the product itself only imports the written module.

The verb forms are chosen as edsnlp's pipes choose them (its factories' documented behaviour): negation
verbs in the present indicative, the participles and the infinitive before a mention, their past
participle after it; hypothesis verbs in every form before a mention and as a past participle after it;
the general verbs in the conditional before a mention ("on pourrait évoquer …").
"""

from __future__ import annotations

import json
import sys
import textwrap


def _forms(table: object, rows: object) -> list[str]:
    # The shipped table has a few rows whose "term" is a person label ("1s", "2p"): not words, dropped.
    terms = table.loc[rows, "term"].unique()  # type: ignore[attr-defined]
    return sorted({str(term) for term in terms if not any(ch.isdigit() for ch in str(term))})


def vocabulary() -> dict[str, list[str]]:
    """Every list the rules engine reads, by name, from the installed edsnlp."""
    from edsnlp.pipes.qualifiers.family import patterns as family
    from edsnlp.pipes.qualifiers.history import patterns as history
    from edsnlp.pipes.qualifiers.hypothesis import patterns as hypothesis
    from edsnlp.pipes.qualifiers.negation import patterns as negation
    from edsnlp.pipes.terminations import termination
    from edsnlp.utils.resources import get_verbs

    negation_verbs = get_verbs(negation.verbs)
    tense = negation_verbs["tense"]
    negation_before = ((negation_verbs["mode"] == "Indicatif") & (tense == "Présent")) | tense.isin(
        ["Participe Présent", "Participe Passé", "Infinitif Présent"]
    )
    general_verbs = get_verbs(hypothesis.verbs_eds)
    hypothesis_verbs = get_verbs(hypothesis.verbs_hyp)
    return {
        "TERMINATION": list(termination),
        "NEGATION_PSEUDO": list(negation.pseudo),
        "NEGATION_PRECEDING": list(negation.preceding),
        "NEGATION_PRECEDING_REGEX": list(negation.preceding_regex),
        "NEGATION_FOLLOWING": list(negation.following),
        "NEGATION_VERBS_PRECEDING": _forms(negation_verbs, negation_before),
        "NEGATION_VERBS_FOLLOWING": _forms(negation_verbs, tense == "Participe Passé"),
        "HYPOTHESIS_PSEUDO": list(hypothesis.pseudo),
        "HYPOTHESIS_PRECEDING": list(hypothesis.preceding),
        "HYPOTHESIS_FOLLOWING": list(hypothesis.following),
        "HYPOTHESIS_VERBS_PRECEDING": sorted(
            {
                *_forms(hypothesis_verbs, hypothesis_verbs["term"].notna()),
                *_forms(general_verbs, general_verbs["mode"] == "Conditionnel"),
            }
        ),
        "HYPOTHESIS_VERBS_FOLLOWING": _forms(hypothesis_verbs, hypothesis_verbs["tense"] == "Participe Passé"),
        "FAMILY": list(family.family),
        "HISTORY": list(history.history),
    }


HEADER = '''"""edsnlp's qualifier cue vocabulary, as data (written by `export_edsnlp_cues.py`; do not edit by hand).

Source: edsnlp {version} (https://github.com/aphp/edsnlp), files edsnlp/pipes/qualifiers/*/patterns.py,
edsnlp/pipes/terminations.py and the conjugation table edsnlp/resources/verbs.csv.gz. Word lists only; no
code of edsnlp is reproduced. Licence of the source (BSD 3-Clause):

Copyright 2021 Assistance Publique - Hôpitaux de Paris

Redistribution and use in source and binary forms, with or without modification, are permitted provided that
the following conditions are met:
1. Redistributions of source code must retain the above copyright notice, this list of conditions and the
   following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the
   following disclaimer in the documentation and/or other materials provided with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or
   promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY
DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR
OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
DAMAGE.

Verb forms are one word each, stored as one space-separated string per list.
"""

EDSNLP_VERSION = "{version}"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())
'''


def _literal(text: str) -> str:
    """A Python literal in the code base's quote style: double quotes unless the text holds one."""
    if '"' in text and "'" not in text:
        return repr(text)
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a double-quoted Python literal


def _tuple_lines(name: str, items: list[str]) -> list[str]:
    one_line = f"{name}: tuple[str, ...] = ({_literal(items[0])},)" if len(items) == 1 else ""
    if one_line and len(one_line) <= 120:
        return [one_line]
    return [f"{name}: tuple[str, ...] = (", *(f"    {_literal(item)}," for item in items), ")"]


def _words_lines(name: str, words: list[str]) -> list[str]:
    assert all(word and not any(ch.isspace() for ch in word) for word in words), name
    wrapped = textwrap.wrap(" ".join(words), width=100, break_long_words=False, break_on_hyphens=False)
    lines = [f"{name}: tuple[str, ...] = _words("]
    lines += [f"    {_literal(line + ' ')}" for line in wrapped[:-1]]
    lines += [f"    {_literal(wrapped[-1])}", ")"]
    return lines


def render() -> str:
    import edsnlp

    out = [HEADER.format(version=edsnlp.__version__).rstrip("\n"), ""]
    for name, items in vocabulary().items():
        out.append("")
        out += _words_lines(name, items) if "_VERBS_" in name else _tuple_lines(name, items)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
