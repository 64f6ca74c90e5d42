"""The FHIR code table (fhir_codes.yaml): every coding upperback writes or accepts.

fhir.resources accepts made-up codes and statuses, so this table is what the interop
checks hold each coding and each required binding against. LOINC codes are also checked
against LOINC's own mod-10 check digit when the table loads.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from upperback.errors import InvalidInput
from upperback.knowledge.loader import (
    data_path,
    describe_validation_error,
    exercise_library,
    read_yaml,
)
from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.knowledge.tests_catalog import battery
from upperback.model.common import Frozen

LOINC = "http://loinc.org"
TEST_PREFIX = "test-"


class CodeEntry(Frozen):
    """One coding with where it comes from and how sure we are of it."""

    key: str = Field(min_length=1)
    system: str = Field(min_length=1, description="A key of `systems`, resolved on load.")
    code: str = Field(min_length=1)
    display: str = Field(min_length=1)
    source: str = Field(min_length=3)
    evidence: str = Field(pattern="^[VKU]$")
    test: str | None = Field(default=None, description="Test id of tests.yaml it codes.")


class Unit(Frozen):
    code: str = Field(min_length=1)
    display: str = Field(min_length=1)


class Binding(Frozen):
    source: str = Field(min_length=3)
    codes: list[str] = Field(min_length=1)


class CodeTableDoc(Frozen):
    systems: dict[str, str]
    codes: list[CodeEntry]
    units: dict[str, Unit]
    bindings: dict[str, Binding]

    @model_validator(mode="after")
    def _consistent(self) -> CodeTableDoc:
        keys = [c.key for c in self.codes]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"duplicate code key(s): {', '.join(dup)}")
        for c in self.codes:
            if c.system not in self.systems:
                raise ValueError(f"code {c.key}: unknown system key {c.system!r}")
        return self


def loinc_check_digit(number: str) -> int:
    """LOINC's mod-10 check digit of the part before the hyphen."""
    digits = number[::-1]
    odd = digits[0::2][::-1]
    even = digits[1::2][::-1]
    joined = even + str(int(odd) * 2)
    return (10 - sum(int(d) for d in joined) % 10) % 10


def loinc_valid(code: str) -> bool:
    head, sep, check = code.partition("-")
    if not (sep and head.isdigit() and check.isdigit() and len(check) == 1):
        return False
    return loinc_check_digit(head) == int(check)


class CodeTable:
    """Lookups by key, by (system URL, code) and by test id, plus UCUM units and bindings."""

    def __init__(self, doc: CodeTableDoc, where: str) -> None:
        self.systems = doc.systems
        self.units = doc.units
        self.bindings = doc.bindings
        self.by_key: dict[str, CodeEntry] = {}
        self.by_coding: dict[tuple[str, str], CodeEntry] = {}
        self.by_test: dict[str, CodeEntry] = {}
        for c in doc.codes:
            entry = c.model_copy(update={"system": doc.systems[c.system]})
            if entry.system == LOINC and not loinc_valid(entry.code):
                raise InvalidInput(f"{where}: code {c.key}: {c.code!r} fails the LOINC check digit")
            if (entry.system, entry.code) in self.by_coding:
                raise InvalidInput(
                    f"{where}: code {c.key}: {entry.system}|{entry.code} listed twice"
                )
            self.by_key[c.key] = entry
            self.by_coding[(entry.system, entry.code)] = entry
            if c.test is not None:
                self.by_test[c.test] = entry

    def get(self, key: str) -> CodeEntry:
        try:
            return self.by_key[key]
        except KeyError:
            raise InvalidInput(f"fhir codes: no code with key {key!r}") from None

    def system(self, name: str) -> str:
        return self.systems[name]

    def lookup(self, system: str, code: str) -> CodeEntry | None:
        """The entry for a coding: listed, or a battery test, exercise or red-flag item id."""
        found = self.by_coding.get((system, code))
        if found is not None:
            return found
        if system == self.systems["local"] and code.startswith(TEST_PREFIX):
            return self.for_test(code.removeprefix(TEST_PREFIX))
        if system == self.systems["exercise"]:
            ex = exercise_library().by_id.get(code)
            if ex is not None:
                return self._generated(f"exercise:{code}", system, code, ex.name, "exercises.yaml")
        if system == self.systems["red_flag"]:
            item = red_flag_catalogue().item(code)
            if item is not None:
                return self._generated(
                    f"red_flag:{code}", system, code, item.label, "red_flags.yaml"
                )
        return None

    def for_test(self, test_id: str) -> CodeEntry | None:
        """A test's coding: listed in the table, else a local `test-<id>` code for a battery test."""
        listed = self.by_test.get(test_id)
        if listed is not None:
            return listed
        spec = battery().by_id.get(test_id)
        if spec is None:
            return None
        code = TEST_PREFIX + test_id
        return self._generated(code, self.systems["local"], code, spec.name, "tests.yaml")

    def exercise(self, exercise_id: str) -> CodeEntry:
        entry = self.lookup(self.systems["exercise"], exercise_id)
        if entry is None:
            raise InvalidInput(f"fhir codes: unknown exercise id {exercise_id!r}")
        return entry

    def red_flag(self, item_id: str) -> CodeEntry:
        entry = self.lookup(self.systems["red_flag"], item_id)
        if entry is None:
            raise InvalidInput(f"fhir codes: unknown red-flag item {item_id!r}")
        return entry

    @staticmethod
    def _generated(key: str, system: str, code: str, display: str, source: str) -> CodeEntry:
        return CodeEntry(
            key=key,
            system=system,
            code=code,
            display=display,
            source=f"local [design]: id of {source}, no standard code found",
            evidence="U",
        )

    def ucum(self, unit: str) -> Unit | None:
        return self.units.get(unit)

    def unit_for_ucum(self, code: str) -> str | None:
        """Our unit for a UCUM code (the first listed when several map to it)."""
        return next((ours for ours, u in self.units.items() if u.code == code), None)


def load_codes(path: Path | str | None = None) -> CodeTable:
    """Load and validate a code table file (default: the packaged one)."""
    p = Path(path) if path is not None else data_path("fhir_codes.yaml")
    raw = read_yaml(p)
    try:
        doc = CodeTableDoc.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, p.name)) from None
    return CodeTable(doc, p.name)


@cache
def fhir_codes() -> CodeTable:
    """The packaged table, loaded once per process."""
    return load_codes()
