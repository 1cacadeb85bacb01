"""README.en.md follows README.md, the reference: a section, a command or a
variable added to the French README and not to the English one fails here.

The two files are compared by structure, not by words: the sequence of
heading levels, the fenced code blocks (their commands: shell comments may be
translated), the inline code (`make demo`, `SITE_URL`…), the shape of the
tables, and the variables of every « variable » table.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRENCH = ROOT / "README.md"
ENGLISH = ROOT / "README.en.md"

HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
FENCE = re.compile(r"^\s*```(\S*)\s*$")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
ENV_NAME = re.compile(r"`([A-Z][A-Z0-9_*]*)`")
# A shell comment: « # » at the start of a line or after a blank.
SHELL_COMMENT = re.compile(r"(^|\s)#.*$")
SHELLS = {"sh", "bash", "shell", "console"}


@dataclass
class CodeBlock:
    lang: str
    lines: list[str]
    section: str  # the heading above it, to say where it is

    def commands(self) -> tuple[str, ...]:
        """What must stay identical: the lines, without shell comments."""
        if self.lang not in SHELLS:
            return tuple(line.rstrip() for line in self.lines)
        kept = (SHELL_COMMENT.sub("", line).rstrip() for line in self.lines)
        return tuple(line for line in kept if line.strip())


@dataclass
class Readme:
    headings: list[tuple[int, str]] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    # Each table: its rows (separator excluded), each row its cells.
    tables: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    inline_code: set[str] = field(default_factory=set)


def _cells(row: str) -> list[str]:
    # « \| » is a pipe inside a cell (`fr\|en`), not a column.
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def parse(text: str) -> Readme:
    readme = Readme()
    section = "(top)"
    fence: CodeBlock | None = None
    table: list[list[str]] | None = None
    for line in text.splitlines():
        if fence is not None:
            closing = FENCE.match(line)
            if closing and not closing.group(1):
                readme.code_blocks.append(fence)
                fence = None
            else:
                fence.lines.append(line)
            continue
        if line.startswith("|"):
            if table is None:
                table = []
                readme.tables.append((section, table))
            if not re.fullmatch(r"\|[\s|:-]+\|?", line.strip()):
                table.append(_cells(line))
            readme.inline_code.update(INLINE_CODE.findall(line))
            continue
        table = None
        if match := FENCE.match(line):
            fence = CodeBlock(match.group(1), [], section)
            continue
        if match := HEADING.match(line):
            section = match.group(0)
            readme.headings.append((len(match.group(1)), match.group(2)))
            continue
        readme.inline_code.update(INLINE_CODE.findall(line))
    return readme


def _variables(readme: Readme) -> dict[str, str]:
    """Names in the first column of every table headed « variable »."""
    names = {}
    for section, rows in readme.tables:
        if rows and rows[0][0].strip().lower() == "variable":
            for row in rows[1:]:
                for name in ENV_NAME.findall(row[0]):
                    names[name] = section
    return names


def heading_problems(french: Readme, english: Readme) -> list[str]:
    fr = [level for level, _ in french.headings]
    en = [level for level, _ in english.headings]
    if fr == en:
        return []
    index = next(
        (i for i, (a, b) in enumerate(zip(fr, en, strict=False)) if a != b),
        min(len(fr), len(en)),
    )

    def show(headings: list[tuple[int, str]]) -> str:
        if index >= len(headings):
            return "(nothing: the file ends)"
        level, title = headings[index]
        return f"{'#' * level} {title}"

    return [
        f"README.md has {len(fr)} headings, README.en.md {len(en)}; "
        f"they part at heading {index + 1}: French {show(french.headings)!r}, "
        f"English {show(english.headings)!r}"
    ]


def code_block_problems(french: Readme, english: Readme) -> list[str]:
    problems = []
    fr = [(b.lang, b.commands()) for b in french.code_blocks]
    en = [(b.lang, b.commands()) for b in english.code_blocks]
    if len(fr) != len(en):
        problems.append(f"README.md has {len(fr)} code blocks, README.en.md {len(en)}")
    for i, (a, b) in enumerate(zip(fr, en, strict=False)):
        if a != b:
            problems.append(
                f"code block {i + 1} differs (French one under "
                f"{french.code_blocks[i].section!r}, English one under "
                f"{english.code_blocks[i].section!r}): French {a!r}, English {b!r}"
            )
            break  # the rest is usually shifted by one
    return problems


def variable_problems(french: Readme, english: Readme) -> list[str]:
    in_english = _variables(english).keys()
    return [
        f"variable {name} (README.md, under {section!r}) is missing from the "
        "variable tables of README.en.md"
        for name, section in sorted(_variables(french).items())
        if name not in in_english
    ]


def inline_code_problems(french: Readme, english: Readme) -> list[str]:
    return [
        f"inline code `{code}` of README.md is missing from README.en.md"
        for code in sorted(french.inline_code - english.inline_code)
    ]


def table_problems(french: Readme, english: Readme) -> list[str]:
    fr = [(len(rows), len(rows[0]) if rows else 0) for _, rows in french.tables]
    en = [(len(rows), len(rows[0]) if rows else 0) for _, rows in english.tables]
    if fr == en:
        return []
    index = next(
        (i for i, (a, b) in enumerate(zip(fr, en, strict=False)) if a != b),
        min(len(fr), len(en)),
    )
    where = french.tables[index][0] if index < len(french.tables) else "(none)"
    return [
        f"README.md has {len(fr)} tables, README.en.md {len(en)}; table "
        f"{index + 1} (French one under {where!r}) differs in rows or columns: "
        f"French {fr[index : index + 1]}, English {en[index : index + 1]}"
    ]


def all_problems(french_text: str, english_text: str) -> list[str]:
    french, english = parse(french_text), parse(english_text)
    return [
        *heading_problems(french, english),
        *code_block_problems(french, english),
        *variable_problems(french, english),
        *inline_code_problems(french, english),
        *table_problems(french, english),
    ]


def _texts() -> tuple[str, str]:
    return FRENCH.read_text(encoding="utf-8"), ENGLISH.read_text(encoding="utf-8")


def test_the_readmes_have_the_same_headings():
    french, english = (parse(t) for t in _texts())
    assert heading_problems(french, english) == []


def test_the_readmes_have_the_same_code_blocks_in_the_same_order():
    french, english = (parse(t) for t in _texts())
    assert french.code_blocks, "README.md has no code block: the parser is wrong"
    assert code_block_problems(french, english) == []


def test_every_variable_of_the_french_tables_is_in_the_english_ones():
    french, english = (parse(t) for t in _texts())
    assert {"SECRET_KEY", "DATABASE_URL", "SITE_URL"} <= _variables(french).keys()
    assert variable_problems(french, english) == []


def test_the_readmes_have_the_same_inline_code_and_tables():
    french, english = (parse(t) for t in _texts())
    assert inline_code_problems(french, english) == []
    assert table_problems(french, english) == []


def test_the_readmes_link_to_each_other():
    french, english = _texts()
    assert "](README.en.md)" in french
    assert "](README.md)" in english


def test_a_section_missing_from_the_english_readme_is_caught():
    french, english = _texts()
    assert all_problems(french, english) == []
    # Take out the « Reminders » subsection (a heading, a code block, inline
    # code) and then the environment variables table, as a lagging
    # translation would.
    start = english.index("### Reminders")
    end = english.index("### Celery and Redis")
    without_reminders = english[:start] + english[end:]
    problems = all_problems(french, without_reminders)
    assert any("headings" in p for p in problems)
    assert any("code block" in p for p in problems)
    start = english.index("| `DEBUG` |")
    end = english.index("| `INSIGHTS_SNAPSHOT_MAX_AGE` |")
    without_variables = english[:start] + english[end:]
    problems = all_problems(french, without_variables)
    assert any("variable SECRET_KEY " in p for p in problems)
