"""Split a French discharge letter into titled sections.

>>> sections = split_sections("Motif : dyspnée.\\nATCD : HTA.\\nConclusion : OAP.")
>>> [(s.kind, s.title) for s in sections]
[('motif', 'Motif'), ('antecedents', 'ATCD'), ('conclusion', 'Conclusion')]
>>> section_at(sections, 20).kind
'antecedents'

Sections partition the text: every character belongs to exactly one section, offsets index the original
text. A title is recognised at the start of a line (after an optional bullet) either as a whole short line
("HISTOIRE DE LA MALADIE", "Evolution dans le service") or as the words before a colon ("ATCD : ...",
"Conclusion : Décompensation ..."); see `patterns.sections` for the titles and their kinds.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from coding_assistant.text.normalize import strip_accents
from coding_assistant.text.patterns import sections as P
from coding_assistant.text.sentences import sentence_bounds


@dataclass(frozen=True, slots=True)
class Section:
    """A span of the letter under one title. `title` is "" for text before the first title.

    `body_start` is where the content begins (after the title and its colon); `start <= body_start <= end`.
    """

    kind: str
    title: str
    start: int
    end: int
    body_start: int


@dataclass(frozen=True, slots=True)
class _Title:
    kind: str
    scoped: bool
    start: int  # first character of the title words
    title_end: int  # end of the title words
    body_start: int  # after the colon / comma and following spaces
    inline: bool  # text follows the title on the same line


_CUT_WHEN_INLINE = frozenset({"antecedents", "traitement_entree", "motif"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LINE = re.compile(r"[^\n]*\n?")
_BULLET_PREFIX = re.compile(rf"[ \t]*(?:{P.BULLET}[ \t]*)?")
# Markdown emphasis or heading marks that some letter software exports ("**Motif d'admission :**", "### CRH").
_MARKDOWN_OPEN = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|\*\*|__)")
_MARKDOWN_CLOSE = re.compile(r"(?:\*\*|__)?[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*$")
_DECORATION = " \t*_#"
_HAS_BULLET = re.compile(rf"[ \t]*{P.BULLET}")
_COMMA_TITLE = re.compile(rf"({P.COMMA_TITLES})\s*,", re.IGNORECASE)
# Telegraphic letters conclude a paragraph of findings on a line opened by an arrow (« => PA alcoolique. »,
# « ⇒ érysipèle de jambe »): that line is their conclusion. An arrow that opens on what was done or is planned
# (« => Thrombolyse IV … », « -> RDV dans 3 mois ») is the conduct, not a diagnosis.
_ARROW_LINE = re.compile(r"[ \t]*(?:=+>|⇒|→|-+>)[ \t]*")
_CONDUCT = re.compile(
    r"(?:thrombolys|thrombectomi|traitement|ttt|trt|mise? (?:sous|en place)|introduction|instauration|arr[êe]t|"
    r"relais|reprise|poursuite|majoration|diminution|adaptation|switch|rad\b|retour|sortie|transfert|mutation|"
    r"hospitalis|avis|rdv|rendez|consultation|cs\b|surveillance|suivi|contr[ôo]le|bilan|[ée]ducation|"
    r"prescription|pose|r[ée]alisation|programm|indication|chirurgie|intervention|appel|demande)",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\([^)]*\)")
# A sentence of follow-up advice, by how it opens (read on accent-free text).
_FOLLOW_UP_SENTENCE = re.compile(
    r"(?:pour (?:assurer|garantir|permettre|optimiser)\b[^.\n]{0,40}\bsuivi"
    r"|il (?:est|sera|reste|a ete) (?:\w+ )?(?:recommande|conseille|important|crucial|essentiel|imperatif|"
    r"necessaire|indispensable|prevu|preconise)"
    r"|(?:des |une |les |un )?(?:visites?|consultations?|rendez-vous|rdv|controles?|bilans?) (?:de suivi|de controle|"
    r"regulier|reguliere|sont|seront|est|sera|prevue?s?|programmee?s?|a prevoir)"
    r"|(?:un |le )?suivi\b|(?:une |la )?surveillance\b|a revoir\b|(?:sortie|retour) (?:a|au) domicile"
    r"|[\w.' -]{1,30} a (?:egalement |aussi )?ete (?:encourage|conseille|invite|informe)e?)",
    re.IGNORECASE,
)
_SENTENCE_LEAD = " \t-–•*"
# A problem-oriented synthesis numbers its problems: « Problème n° 1 — », « Pb 2 : », « Problème 3) ».
_NUMBERED_PROBLEM = re.compile(r"(?:probl[èe]me|pb)\s*(?:n\s*[°o]\s*)?\d+\s*(?:[—–:)]|-(?!\d))\s*", re.IGNORECASE)
# Or by its number alone, each problem opening its line on a capital: « 1) Pneumopathie … », « 2/ IRA … »,
# « 3. Diabète … », « #4 Dénutrition ». Such a line is a problem only within a run numbered 1, 2, … in one style,
# standing in untitled text or a conclusion (antecedents, treatments and examinations keep their numbered items,
# and problems the evolution tells one by one leave the stay's problem to the conclusion), and when its first
# word is no operative step or conduct (« 1. Installation », « 2) Poursuite du traitement »).
_NUMBERED_LINE = re.compile(
    r"^[ \t]*(?P<marker>#[ \t]*(?P<hash>\d{1,2})|(?P<number>\d{1,2})[ \t]*(?P<style>[.)/]))[ \t]+(?=[^\W\d_])",
    re.MULTILINE,
)
_PROBLEM_NAME_END = re.compile(r"\s*(?::|→|->|=>|\.(?:\s|$))")
_PROBLEM_RUN_SECTIONS = frozenset({"other", "conclusion"})
_STEP = re.compile(
    r"(?:installation|incision|abord|exposition|dissection|exploration|ouverture|fermeture|lib[ée]ration|"
    r"section|suture|ablation|ex[ée]r[èe]se|r[ée]section|pr[ée]paration|positionnement|induction|temps)\b",
    re.IGNORECASE,
)
_TAIL = rf"(?: \S+){{0,{P.MAX_TAIL_WORDS}}}"


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[P.TitlePattern, re.Pattern[str], re.Pattern[str]], ...]:
    """(pattern, exact regex, regex with free tail) for each title pattern."""
    compiled = []
    for pattern in P.TITLE_PATTERNS:
        tailed = f"(?:{pattern.regex}){_TAIL}" if pattern.free_tail else pattern.regex
        compiled.append((pattern, re.compile(pattern.regex), re.compile(tailed)))
    return tuple(compiled)


@lru_cache(maxsize=1)
def _any_title() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """All exact titles, all tailed titles, as one regex each: most lines are no title, one test rules them out."""
    exact = "|".join(f"(?:{regex.pattern})" for _, regex, _ in _compiled())
    tailed = "|".join(f"(?:{regex.pattern})" for _, _, regex in _compiled())
    return re.compile(exact), re.compile(tailed)


def _normalise_title(text: str) -> str:
    return _NON_ALNUM.sub(" ", strip_accents(text).lower()).strip()


@lru_cache(maxsize=8192)  # titles repeat from letter to letter ("Bio", "ATCD"): most calls are hits
def _match_title(head: str, with_tail: bool) -> P.TitlePattern | None:
    """The first title pattern matching `head`, also tried without its parentheses ("TTT (observance) :")."""
    if not head or len(head) > P.MAX_TITLE_CHARS:
        return None
    candidates = dict.fromkeys((_normalise_title(head), _normalise_title(_PARENTHESES.sub(" ", head))))
    for normalised in candidates:
        if not normalised or len(normalised.split()) > P.MAX_TITLE_WORDS:
            continue
        if not _any_title()[1 if with_tail else 0].fullmatch(normalised):
            continue
        for pattern, exact, tailed in _compiled():
            if (tailed if with_tail else exact).fullmatch(normalised):
                return pattern
    return None


# A line with a lower-case ASCII letter is neither in capitals nor an unknown header: most lines of a letter are
# ruled out by one regex search instead of a test of each character.
_ASCII_LOWER = re.compile(r"[a-z]")


def _is_capitals(line: str) -> bool:
    if _ASCII_LOWER.search(line):
        return False
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _is_unknown_header(line: str) -> bool:
    """A short all-capitals line without digits ("COMPTE RENDU OPERATOIRE"): a title we do not know.

    Two words at least, one of five letters or more, so that "HTA" or "ACFA" alone in a list stays content.
    """
    if len(line) > P.MAX_TITLE_CHARS or _ASCII_LOWER.search(line):
        return False
    words = re.findall(r"[^\W\d_]+", line)
    return (
        2 <= len(words) <= P.MAX_TITLE_WORDS
        and len(line) <= P.MAX_TITLE_CHARS
        and not re.search(r"\d", line)
        and not line.rstrip().endswith((".", ",", ";"))
        and all(word.isupper() for word in words)
        and any(len(word) >= 5 for word in words)
    )


def _is_markdown_heading(line: str, words: str) -> bool:
    """A short line opened by "#" or wrapped in "**"/"__", without a sentence's full stop."""
    marked = line.lstrip().startswith("#") or line.rstrip().endswith(("**", "__"))
    return (
        marked
        and bool(words.strip())
        and len(words) <= P.MAX_TITLE_CHARS
        and len(words.split()) <= P.MAX_TITLE_WORDS
        and not words.rstrip().endswith(".")
    )


def _find_title(text: str, line_start: int, line_end: int) -> _Title | None:
    """The title opening the line text[line_start:line_end] (no newline), if any."""
    line = text[line_start:line_end]
    arrow = _ARROW_LINE.match(line)
    if arrow and line[arrow.end() :].strip() and not _CONDUCT.match(line, arrow.end()):
        first = line_start + len(line) - len(line.lstrip())
        title_end = first + len(arrow.group().strip())
        return _Title("conclusion", True, first, title_end, line_start + arrow.end(), True)
    markdown = _MARKDOWN_OPEN.match(line)
    prefix = markdown or _BULLET_PREFIX.match(line)
    offset = prefix.end() if prefix else 0
    content = line[offset:]
    if not content.strip(_DECORATION):
        return None
    bulleted = not markdown and bool(_HAS_BULLET.match(line))
    start = line_start + offset

    numbered = _NUMBERED_PROBLEM.match(content)
    if numbered:
        # « Problème n° 1 — Syndrome confusionnel aigu. … »: each problem of the synthesis, its paragraph.
        return _Title("conclusion", False, start, start + numbered.end(), start + numbered.end(), True)

    colon = content.find(":")
    if 0 < colon <= P.MAX_TITLE_CHARS:
        head = content[:colon].rstrip(_DECORATION)
        pattern = _match_title(head, with_tail=True)
        if pattern is not None:
            rest = content[colon + 1 :]
            body = len(rest) - len(rest.lstrip(_DECORATION))  # "Motif :** texte": the marks belong to the title
            return _Title(
                pattern.kind,
                pattern.scoped,
                start,
                start + len(head),
                start + colon + 1 + body,
                bool(rest.strip(_DECORATION)),
            )

    comma = _COMMA_TITLE.match(content)
    if comma:
        rest = content[comma.end() :]
        body_start = start + comma.end() + (len(rest) - len(rest.lstrip()))
        return _Title("conclusion", False, start, start + len(comma.group(1)), body_start, bool(rest.strip()))

    if bulleted:  # a list item without colon is content ("- ATCD familiaux de coronaropathie précoce")
        return None
    stripped = content.rstrip()
    if markdown:
        closed = _MARKDOWN_CLOSE.search(stripped)
        words = stripped[: closed.start()] if closed else stripped
        pattern = _match_title(words.rstrip(".:"), with_tail=True)
        if pattern is not None:
            return _Title(pattern.kind, pattern.scoped, start, start + len(words), line_end, False)
        # A whole line set as a heading ("**Compte rendu d'hospitalisation**", "## Identité") is a title even
        # when we do not know it: its words are never content.
        if _is_markdown_heading(line, words):
            return _Title("other", False, start, start + len(words), line_end, False)
        return None
    head = stripped.rstrip(".:")
    if len(head) > P.MAX_TITLE_CHARS:  # a paragraph's line: too long for a title, known or not
        return None
    # A header in capitals may carry a tail ("CONCLUSION / DIAGNOSTICS RETENUS"); a short mixed-case line must
    # be the title itself, or "Evolution favorable sous traitement" would open a section.
    pattern = _match_title(head, with_tail=_is_capitals(stripped))
    end = start + len(stripped)
    if pattern is not None:
        return _Title(pattern.kind, pattern.scoped, start, end, line_end, False)
    if _is_unknown_header(stripped):
        return _Title("other", False, start, end, line_end, False)
    return None


@dataclass(frozen=True, slots=True)
class _NumberedLine:
    line_start: int
    number: int
    marker_start: int
    marker_end: int
    words: int  # where the problem's words begin
    line_end: int


def _problem_runs(text: str) -> dict[int, tuple[int, _NumberedLine]]:
    """Numbered lines that may open a problem: line start -> (the run's first line, the line).

    A run is a sequence 1, 2, … of one style (« 1) », « 1. », « 1/ », « #1 »), at least two long. A run whose
    first item is an operative step or a conduct, or any of whose items is a known title (« 1. Motif », « 2.
    Antécédents »: a letter numbering its sections), is no list of problems."""
    by_style: dict[str, list[_NumberedLine]] = {}
    for match in _NUMBERED_LINE.finditer(text):
        line_end = text.find("\n", match.end())
        line = _NumberedLine(
            match.start(),
            int(match.group("hash") or match.group("number")),
            match.start("marker"),
            match.end("marker"),
            match.end(),
            len(text) if line_end < 0 else line_end,
        )
        by_style.setdefault(match.group("style") or "#", []).append(line)
    runs: dict[int, tuple[int, _NumberedLine]] = {}
    for lines in by_style.values():
        run: list[_NumberedLine] = []
        for line in lines:
            if run and line.number == run[-1].number + 1:
                run.append(line)
                continue
            _add_run(text, run, runs)
            run = [line] if line.number == 1 else []
        _add_run(text, run, runs)
    return runs


def _add_run(text: str, run: Sequence[_NumberedLine], runs: dict[int, tuple[int, _NumberedLine]]) -> None:
    if len(run) >= 2 and _a_problem_run(text, run):
        runs.update({item.line_start: (run[0].line_start, item) for item in run})


def _a_problem_run(text: str, run: Sequence[_NumberedLine]) -> bool:
    if _STEP.match(text, run[0].words) or _CONDUCT.match(text, run[0].words):
        return False
    titled = [
        _match_title(text[item.words : item.line_end].split(":", 1)[0].strip().rstrip("."), with_tail=False) is not None
        for item in run
    ]
    # A problem may bear a title's name (« 5/ Tabac »), a plan of sections opens on one (« 1. Motif »).
    return not titled[0] and 2 * sum(titled) <= len(titled)


def _resolve_kind(kind: str, seen: set[str]) -> str:
    if kind != P.AMBIGUOUS_TREATMENT:
        return kind
    return "traitement_sortie" if seen & P.KINDS_BEFORE_DISCHARGE_TREATMENT else "traitement_entree"


def split_sections(text: str) -> list[Section]:
    """Sections of `text`, in order, covering it from 0 to len(text) without gaps (empty text: []).

    A stay's documents are read for diagnoses and then for acts: each text is split once (cached; sections
    are frozen).

    Rules beyond title matching, each for a measured pitfall of real letters:
    - a *scoped* sub-title ("Familiaux : mère diabétique" inside ANTECEDENTS, "ECG : ..." inside EVOLUTION)
      covers its line when text follows it, its paragraph otherwise; then the enclosing section resumes, so
      "Pas de tabac." after "- Fam : père diabétique" is not family history;
    - "ATCD : HTA." written inline covers the lines that follow only while they are list items: an untitled
      paragraph after it ("Palpitations depuis 6 h ...") is the current story, not history (kind "other");
      "TTT : Amlor 10 mg." written inline stops at the end of its paragraph for the same reason, and so does
      "Motif : vomissements." (the problems the letter then numbers are no motif);
    - "Traitement :" alone is the entry treatment until an evolution or conclusion section was seen.
    """
    return list(_split_sections(text))


@lru_cache(maxsize=64)
def _split_sections(text: str) -> tuple[Section, ...]:
    if not text:
        return ()
    opened: list[tuple[int, str, str, int]] = []  # (start, kind, title, body_start) of each section
    main: tuple[str, str] = ("other", "")  # kind and title of the enclosing (non-scoped) section
    seen: set[str] = set()
    scoped_until_blank = False  # a standalone scoped title runs to the end of its paragraph
    scoped_line_end = -1  # an inline scoped title runs to the end of its line
    inline_open = ""  # kind of a section opened by an inline title that untitled paragraphs close
    problem_runs = _problem_runs(text)
    problem_run_taken: dict[int, bool] = {}
    problem_names: dict[int, tuple[str, str]] = {}  # start of a numbered problem's name -> the section around it

    def open_section(start: int, kind: str, title: str, body_start: int) -> None:
        if opened and opened[-1][0] == start:
            opened.pop()
        if opened and opened[-1][1] == kind and opened[-1][2] == title and body_start == start:
            return  # resuming the section that is already open
        opened.append((start, kind, title, body_start))

    open_section(0, "other", "", 0)
    for match in _LINE.finditer(text):
        line_start, line_end = match.start(), match.end()
        if line_start == line_end:
            break
        content_end = line_end - 1 if text[line_end - 1] == "\n" else line_end
        line = text[line_start:content_end]
        blank = not line.strip()

        # Close a scoped sub-section whose line or paragraph is over.
        if (scoped_line_end >= 0 and line_start >= scoped_line_end) or (scoped_until_blank and blank):
            open_section(line_start, main[0], main[1], line_start)
            scoped_line_end, scoped_until_blank = -1, False

        title = None if blank else _find_title(text, line_start, content_end)
        if title is None and line_start in problem_runs:
            run, item = problem_runs[line_start]
            if run not in problem_run_taken:  # the section where its first problem stands decides the run
                problem_run_taken[run] = main[0] in _PROBLEM_RUN_SECTIONS
            if problem_run_taken[run]:
                # « 1) Pneumopathie d'inhalation : Augmentin 7 j … »: the problem's name is a conclusion; what the
                # writer says of it, on its line or in its paragraph, stays in the section it stands in.
                named = _PROBLEM_NAME_END.search(text, item.words, content_end)
                name_end = named.start() if named else content_end
                open_section(item.marker_start, "conclusion", text[item.marker_start : item.marker_end], item.words)
                problem_names[item.marker_start] = main
                open_section(name_end, main[0], main[1], name_end)
                continue
        if title is not None:
            kind = _resolve_kind(title.kind, seen)
            words = text[title.start : title.title_end]
            open_section(title.start, kind, words, title.body_start)
            seen.add(kind)
            inline_open = kind if kind in _CUT_WHEN_INLINE and title.inline and not title.scoped else ""
            if title.scoped:
                scoped_line_end = line_end if title.inline else -1
                scoped_until_blank = not title.inline
            else:
                main = (kind, words)
                scoped_line_end, scoped_until_blank = -1, False
            continue

        # An untitled paragraph after "ATCD : HTA." or "TTT : Amlor." is the current story, not history or a
        # drug list. Antecedents also stop at the first line that is not a list item.
        in_inline = inline_open and main[0] == inline_open and scoped_line_end < 0 and not scoped_until_blank
        if in_inline and (blank or (inline_open == "antecedents" and not _HAS_BULLET.match(line))):
            inline_open = ""
            main = ("other", "")
            open_section(line_start, "other", "", line_start)

    # A letter that concludes under a title of its own (« Conclusion : », « Au total, ») says there which problem
    # the stay was for: its numbered problems are then the story, read in the section they stand in.
    if any(kind == "conclusion" and start not in problem_names for start, kind, _, _ in opened):
        opened = [
            (start, *problem_names.get(start, (kind, heading)), body_start)
            for start, kind, heading, body_start in opened
        ]
    sections: list[Section] = []
    bounds = [start for start, *_ in opened[1:]] + [len(text)]
    for (start, kind, heading, body_start), end in zip(opened, bounds, strict=True):
        if end > start:
            sections.append(Section(kind, heading, start, end, min(max(body_start, start), end)))
    # Text before the first title joins nothing: keep it as "other"; merge touching equal continuations.
    return tuple(_merge(_follow_up_out_of_conclusions(text, sections)))


def _follow_up_out_of_conclusions(text: str, sections: list[Section]) -> list[Section]:
    """A conclusion's sentences of follow-up advice (« Pour assurer un suivi optimal, il est recommandé de
    surveiller la fonction rénale », « Des visites de suivi … pour ajuster le traitement de la myocardiopathie »)
    say what to watch after the stay, not what the stay was for: they are read as the follow-up titles are
    (kind "other"), so that the conditions they name do not stand as the conclusion's diagnoses."""
    if not any(section.kind == "conclusion" for section in sections):
        return sections
    out: list[Section] = []
    for section in sections:
        if section.kind != "conclusion":
            out.append(section)
            continue
        cut = section.start  # the conclusion's text not yet given out
        body = text[section.body_start : section.end]
        sentences = sentence_bounds(body)
        for k, (start, end) in enumerate(sentences):
            lead = len(body[start:end]) - len(body[start:end].lstrip(_SENTENCE_LEAD))
            if not _FOLLOW_UP_SENTENCE.match(strip_accents(body[start + lead : start + lead + 80])):
                continue
            # Up to the next sentence: the spaces between two pieces of advice leave no conclusion between them.
            end = sentences[k + 1][0] if k + 1 < len(sentences) else len(body)
            start, end = section.body_start + start, section.body_start + end
            if start > cut:
                out.append(Section("conclusion", section.title, cut, start, max(section.body_start, cut)))
            out.append(Section("other", "", start, end, start))
            cut = end
        if cut < section.end:
            out.append(Section("conclusion", section.title, cut, section.end, max(section.body_start, cut)))
    return out


def _merge(sections: list[Section]) -> list[Section]:
    merged: list[Section] = []
    for section in sections:
        previous = merged[-1] if merged else None
        continues = previous and (previous.kind, previous.title) == (section.kind, section.title)
        if continues and section.body_start == section.start:
            assert previous is not None
            merged[-1] = Section(previous.kind, previous.title, previous.start, section.end, previous.body_start)
        else:
            merged.append(section)
    return merged


def section_at(sections: Sequence[Section], offset: int) -> Section | None:
    """The section holding character `offset` (None outside the text). `sections` as split_sections gives them."""
    # bisect on the sections themselves: rebuilding a list of starts on each call made long letters quadratic.
    index = bisect.bisect_right(sections, offset, key=lambda section: section.start) - 1
    if index < 0 or offset >= sections[index].end:
        return None
    return sections[index]
