"""Which CIM-10 FR codes a synthetic stay may carry, and where (ATIH types and dagger/asterisk
convention of the CIM-10 FR à usage PMSI, guide méthodologique MCO 2025, FG sex and age checks).

Families of codes ("I30-I52", "C34", "Q") are expanded once against the terminology into lists of codable
codes, so that scenarios can draw a long tail of diagnoses whose surface form is their ATIH label.
"""

from __future__ import annotations

from typing import Any

from coding_assistant.terminology.model import Position, Terminology


def _matches(code: str, token: str) -> bool:
    """'I30-I52' is a range of 3-character categories; any other token is a code prefix."""
    if "-" in token:
        low, high = token.split("-", 1)
        return low <= code[:3] <= high
    return code.startswith(token)


def matches_any(code: str, tokens: list[str] | tuple[str, ...]) -> bool:
    return any(_matches(code, token) for token in tokens)


class TokenSet:
    """A compiled list of family tokens: ranges become a set of categories, the rest a prefix tuple that
    `str.startswith` checks in one call (the catalogue tests tens of thousands of codes)."""

    def __init__(self, tokens: list[str] | tuple[str, ...], categories: list[str]) -> None:
        self.categories: set[str] = set()
        prefixes = []
        for token in tokens:
            if "-" in token:
                low, high = token.split("-", 1)
                self.categories.update(c for c in categories if low <= c <= high)
            else:
                prefixes.append(token)
        self.prefixes = tuple(prefixes)

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        return code[:3] in self.categories or (bool(self.prefixes) and code.startswith(self.prefixes))

    def may_hold(self, category: str) -> bool:
        """Whether some code of a category can be in the set (a prefix longer than a category, "C341",
        names part of one)."""
        return (
            category in self.categories
            or (bool(self.prefixes) and category.startswith(self.prefixes))
            or any(p.startswith(category) for p in self.prefixes if len(p) > 3)
        )


class CodeCatalogue:
    """Eligibility of codes by ATIH type, patient sex and age, and families of codable codes."""

    def __init__(self, terminology: Terminology, rules: dict[str, Any]) -> None:
        self.terminology = terminology
        self.rules = rules
        # Sorted once: family lists must not depend on the terminology's internal ordering.
        self._codable = sorted(entry.code for entry in terminology if entry.codable)
        self._family_cache: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}
        self._sex_cache: dict[str, str | None] = {}
        self._categories = sorted({code[:3] for code in self._codable})
        # Codes by category, each list in the global sorted order: a family is read from its categories
        # only instead of the whole table (sorted codes are grouped by their first three characters).
        self._by_category: dict[str, list[str]] = {}
        for code in self._codable:
            self._by_category.setdefault(code[:3], []).append(code)
        self._compiled = {
            key: TokenSet(rules[key], self._categories)
            for key in (
                "female_only",
                "male_only",
                "newborn_only",
                "childbearing_only",
                "measurement_decided",
                "das_long_tail_excluded",
                "external_cause_prefixes",
                "injury_prefixes",
            )
        }
        self._asterisks = frozenset(rules["asterisk_categories"])

    # --- single-code checks ------------------------------------------------------------------
    def label(self, code: str) -> str:
        return self.terminology.label(code)

    def allowed(self, code: str, role: str) -> bool:
        return bool(self.terminology.allowed(code, Position(role)))

    def required_sex(self, code: str) -> str | None:
        if code not in self._sex_cache:
            self._sex_cache[code] = self._required_sex(code)
        return self._sex_cache[code]

    def _required_sex(self, code: str) -> str | None:
        label = self.label(code).lower()
        if code in self._compiled["female_only"] or any(w in label for w in self.rules["female_only_words"]):
            return "F"
        if code in self._compiled["male_only"] or any(w in label for w in self.rules["male_only_words"]):
            return "M"
        return None

    def age_allowed(self, code: str, age: int) -> bool:
        if code in self._compiled["newborn_only"]:
            newborn_max_age: int = self.rules["newborn_max_age"]
            return age <= newborn_max_age
        if code in self._compiled["childbearing_only"]:
            low: int
            high: int
            low, high = self.rules["childbearing_age"]
            return low <= age <= high
        label = self.label(code).lower()
        if any(word in label for word in self.rules["child_only_words"]):
            return age < 18
        return True

    def fits_patient(self, code: str, sex: str, age: int) -> bool:
        required = self.required_sex(code)
        return (required is None or required == sex) and self.age_allowed(code, age)

    def eligible(self, code: str, role: str, sex: str, age: int) -> bool:
        return code in self.terminology and self.allowed(code, role) and self.fits_patient(code, sex, age)

    def is_asterisk(self, code: str) -> bool:
        return code[:3] in self._asterisks

    def is_external_cause(self, code: str) -> bool:
        return code in self._compiled["external_cause_prefixes"]

    def is_injury(self, code: str) -> bool:
        return code in self._compiled["injury_prefixes"]

    # --- families ------------------------------------------------------------------------------
    def family(self, tokens: list[str] | tuple[str, ...], role: str) -> tuple[str, ...]:
        """Codable codes of the families allowed in a role, without asterisk codes (never coded alone),
        without codes whose FR digit comes from a measurement, and without 'séquelles' as DP."""
        key = (tuple(tokens), role)
        cached = self._family_cache.get(key)
        if cached is not None:
            return cached
        never_dp = self.rules["never_dp_words"]
        wanted = TokenSet(tokens, self._categories)
        decided = self._compiled["measurement_decided"]
        excluded = self._compiled["das_long_tail_excluded"] if role == "DAS" else None
        result = []
        candidates = (
            code for category in self._categories if wanted.may_hold(category) for code in self._by_category[category]
        )
        for code in candidates:
            if code not in wanted or code in decided or (excluded is not None and code in excluded):
                continue
            if self.is_asterisk(code) or not self.allowed(code, role):
                continue
            if role == "DP" and any(word in self.label(code).lower() for word in never_dp):
                continue
            if "insulinotrait" in self.label(code):
                continue
            result.append(code)
        self._family_cache[key] = tuple(result)
        return self._family_cache[key]
