"""``binome match``: the CSV command line. No database is used here."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from binome.cli import main
from binome.matching import matchcsv

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "docs" / "example.csv"
HEADER = (
    "id,role,department,level,manager_id,languages,formats,site,availability,"
    "capacity,skills,wants,interests,teaching,avoid,lock"
)
GOOD_MENTOR = "m1,mentor,IT,1,,fr|en,remote,,mon-am,2,py:4,lead:2,jazz,3,,"
GOOD_MENTEE = "e1,mentee,FIN,5,,fr,remote,,mon-am,,py:1,py:3,jazz,,,"


@pytest.fixture(autouse=True)
def _back_to_default_language() -> Iterator[None]:
    yield
    from django.utils import translation

    translation.deactivate()


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(tmp_path: Path, *args: str, lang: str = "en") -> tuple[int, Path]:
    out = tmp_path / "pairs.csv"
    code = main(["match", *args, "-o", str(out), "--lang", lang])
    return code, out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------
# Happy paths
# --------------------------------------------------------------------------


def test_example_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unmatched = tmp_path / "unmatched.csv"
    code, out = run_cli(
        tmp_path,
        str(EXAMPLE),
        "--rules",
        str(REPO / "docs" / "example-rules.toml"),
        "--unmatched",
        str(unmatched),
    )
    assert code == 0
    pairs = rows(out)
    assert list(pairs[0]) == [
        "mentor_id",
        "mentee_id",
        "score",
        "complementarity",
        "reciprocity",
        "teaching",
        "affinity",
        "availability",
        "silo",
        "reasons",
    ]
    assert {(p["mentor_id"], p["mentee_id"]) for p in pairs} >= {("m4", "e5")}
    locked = next(p for p in pairs if p["mentee_id"] == "e5")
    assert "pair locked by the programme manager" in locked["reasons"]
    assert rows(unmatched) == [
        {
            "mentee_id": "e4",
            "reason_code": "lang_none",
            "reason": "no mentor shares a language with this mentee",
        }
    ]
    text = capsys.readouterr()
    assert "4 pairs; 4 of 5 mentees matched." in text.out
    assert "proven optimal" in text.out
    assert "row 9 (m3): no format set" in text.err


def test_french_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Needs the French catalogue (locale/fr), compiled by `make messages`.
    path = write(
        tmp_path, f"{HEADER}\n{GOOD_MENTOR}\nx,mentee,FIN,haut,,fr,,,,,,,,,,\n"
    )
    code, _ = run_cli(tmp_path, str(path), lang="fr")
    assert code == 2
    err = capsys.readouterr().err
    assert "ligne 3, colonne level : « haut » n'est pas un nombre entier" in err


def test_semicolons_bom_unknown_columns_and_names(tmp_path: Path) -> None:
    text = (
        "\ufeffid;name;role;department;level;languages;colour\n"
        "m1;Camille;mentor;IT;1;fr;blue\n"
        "e1;Bernard;mentee;FIN;5;fr;red\n"
    )
    code, out = run_cli(tmp_path, str(write(tmp_path, text)))
    assert code == 0
    assert [(p["mentor_id"], p["mentee_id"]) for p in rows(out)] == [("m1", "e1")]


def test_empty_cohort_is_a_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(tmp_path, str(write(tmp_path, HEADER + "\n")))
    assert code == 0
    assert rows(out) == []
    assert "0 pairs; 0 of 0 mentees matched." in capsys.readouterr().out


def test_all_incompatible_cohort_is_a_result(tmp_path: Path) -> None:
    text = f"{HEADER}\nm1,mentor,IT,1,,de,,,,,,,,,,\ne1,mentee,FIN,5,,fr,,,,,,,,,,\n"
    unmatched = tmp_path / "u.csv"
    code, out = run_cli(
        tmp_path, str(write(tmp_path, text)), "--unmatched", str(unmatched)
    )
    assert code == 0
    assert rows(out) == []
    assert rows(unmatched)[0]["reason_code"] == "lang_none"


def test_scores_out_lets_another_solver_check_optimality(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    code, out = run_cli(tmp_path, str(EXAMPLE), "--scores-out", str(scores))
    assert code == 0
    allowed = rows(scores)
    assert allowed and set(allowed[0]) == {"mentor_id", "mentee_id", "score"}
    # Re-solve from scores.csv alone (plus capacities and locks of the input)
    # with scipy's exact assignment, coverage first.
    with EXAMPLE.open(encoding="utf-8") as fh:
        src = list(csv.DictReader(fh, delimiter=";"))
    cap = {r["id"]: int(r["capacity"] or 1) for r in src if r["role"] == "mentor"}
    locks = {r["id"]: r["lock"] for r in src if r["lock"]}
    pairs = rows(out)
    locked = {
        (p["mentor_id"], p["mentee_id"]) for p in pairs if "locked" in p["reasons"]
    }
    assert locked == set(locks.items())
    for m, _ in locked:
        cap[m] -= 1
    free = sorted(
        {r["id"] for r in src if r["role"] == "mentee"} - {e for _, e in locked}
    )
    slots = [m for m in sorted(cap) for _ in range(cap[m])]
    big = 10.0 * (len(free) + 1)
    gain = np.zeros((len(free), len(slots)))
    for a in allowed:
        if a["mentee_id"] in free:
            for k, m in enumerate(slots):
                if m == a["mentor_id"]:
                    gain[free.index(a["mentee_id"]), k] = float(a["score"]) + big
    r, c = linear_sum_assignment(gain, maximize=True)
    used = gain[r, c] > 0
    best = gain[r, c][used].sum() - big * used.sum()
    got = sum(
        float(p["score"])
        for p in pairs
        if (p["mentor_id"], p["mentee_id"]) not in locked
    )
    assert got == pytest.approx(best, abs=1e-6)
    assert len(pairs) - len(locked) == used.sum()


def test_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "binome"
    out = tmp_path / "p.csv"
    proc = subprocess.run(
        [str(script), "match", str(EXAMPLE), "-o", str(out), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "mentees matched" in proc.stdout
    assert len(rows(out)) == 4


def test_every_engine_code_has_a_sentence() -> None:
    from pairmaker.scoring import RULE_ORDER

    codes = [code for _, code in RULE_ORDER] + [
        "no_mentor",
        "capacity_full",
        "lost_to_better",
        "locked",
        *(
            f"overrides_{rule}"
            for rule, _ in RULE_ORDER
            if rule not in ("min_score", "self")  # a lock to oneself is refused
        ),
    ]
    for code in codes:
        assert matchcsv.describe(code) != code, code


# --------------------------------------------------------------------------
# Bad input: exit 2, every problem listed, nothing written, no traceback
# --------------------------------------------------------------------------


BAD_ROWS = [
    (
        "e1,mentee,FIN,5,,fr,,,,,,,,,,",
        "row 3, column id: « e1 » is already used on row 2",
    ),
    (
        "x,boss,FIN,5,,fr,,,,,,,,,,",
        "row 3, column role: « boss » should be mentor or mentee",
    ),
    ("x,mentee,,5,,fr,,,,,,,,,,", "row 3, column department: the department is empty"),
    (
        "x,mentee,FIN,high,,fr,,,,,,,,,,",
        "row 3, column level: « high » is not a whole number",
    ),
    ("x,mentee,FIN,,,fr,,,,,,,,,,", "row 3, column level: the level is empty"),
    (
        "x,mentee,FIN,5,,,,,,,,,,,,",
        "row 3, column languages: at least one language is required",
    ),
    (
        "x,mentee,FIN,5,,fr,visio,,,,,,,,,",
        "row 3, column formats: « visio » should be remote or onsite",
    ),
    ("x,mentee,FIN,5,,fr,onsite,,,,,,,,,", "row 3, column site: a site is required"),
    (
        "x,mentee,FIN,5,,fr,,,monday,,,,,,,",
        "row 3, column availability: « monday » is not a slot code",
    ),
    (
        "x,mentor,IT,1,,fr,,,,-1,,,,,,",
        "row 3, column capacity: the capacity cannot be negative",
    ),
    (
        "x,mentor,IT,1,,fr,,,,two,,,,,,",
        "row 3, column capacity: « two » is not a whole number",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,py=3,,,,,",
        "row 3, column skills: « py=3 » should be code:number",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,py:9,,,,,",
        "row 3, column skills: « py:9 » should be code:number",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,,py:0,,,,",
        "row 3, column wants: « py:0 » should be code:number",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,,py:2|py:3,,,,",
        "row 3, column wants: « py » is listed twice",
    ),
    (
        "x,mentor,IT,1,,fr,,,,,,,,7,,",
        "row 3, column teaching: « 7 » should be from 0 to 4",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,,,,,nobody,",
        "row 3, column avoid: unknown id « nobody »",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,,,,,x,",
        "row 3, column avoid: a person cannot avoid themselves",
    ),
    ("x,mentee,FIN,5,,fr,,,,,,,,,,ghost", "row 3, column lock: unknown id « ghost »"),
    ("x,mentee,FIN,5,,fr,,,,,,,,,,e1", "row 3, column lock: « e1 » has the same role"),
    (
        "x,mentee,FIN,5,x,fr,,,,,,,,,,",
        "row 3, column manager_id: a person cannot be their own manager",
    ),
    (
        "x,mentee,FIN,5,,fr,,,,,,,,,,,,extra",
        "row 3, column -: this row has 18 cells but the header has 16",
    ),
]


@pytest.mark.parametrize(("line", "expected"), BAD_ROWS)
def test_each_bad_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, expected: str
) -> None:
    path = write(tmp_path, f"{HEADER}\n{GOOD_MENTEE}\n{line}\n")
    code, out = run_cli(tmp_path, str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()


def test_every_problem_is_listed_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = "\n".join(f"x{k}{line[1:]}" for k, (line, _) in enumerate(BAD_ROWS[1:8]))
    path = write(tmp_path, f"{HEADER}\n{GOOD_MENTOR}\n{lines}\n")
    code, _ = run_cli(tmp_path, str(path))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("row ") == 7
    for row in range(3, 10):
        assert f"row {row}, column" in err


def test_cross_row_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        f"{HEADER}\n"
        "a,mentee,FIN,5,b,fr,,,,,,,,,,\n"
        "b,mentee,FIN,6,a,fr,,,,,,,,,,\n"
        "m,mentor,IT,1,,fr,,,,1,,,,,,a\n"
        "c,mentee,FIN,5,,fr,,,,,,,,,,m\n"
        "n,mentor,IT,1,,fr,,,,1,,,,,,c\n"
    )
    code, _ = run_cli(tmp_path, str(write(tmp_path, text)))
    err = capsys.readouterr().err
    assert code == 2
    assert "row 2, column manager_id: the management chain loops back" in err
    assert "row 3, column manager_id: the management chain loops back" in err
    assert "row 6, column lock: contradicts the lock on row 5" in err
    assert "row 4, column capacity: 2 mentees are locked to this mentor" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"id,role\n", "row 1, column department: this required column is missing"),
        ("id,role\n".encode("utf-16"), "not UTF-8 text"),
    ],
)
def test_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    code, _ = run_cli(tmp_path, str(path))
    assert code == 2
    assert expected in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(tmp_path, str(tmp_path / "nope.csv"))
    assert code == 2
    assert "nope.csv: no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("objective = ", "invalid TOML"),
        ("colour = 'red'", "key colour: unknown key"),
        ("seniority = 'loose'", "key seniority: « loose » is not valid"),
        ("min_score = 2", "key min_score: « 2 » is not valid (expected 0.0..1.0)"),
        ("format = 'yes'", "key format: « yes » is not valid (expected true | false)"),
        ("[weights]\nluck = 1", "key weights.luck: unknown key"),
        ("[weights]\nsilo = -1", "key weights.silo: « -1 » is not valid"),
    ],
)
def test_bad_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, expected: str
) -> None:
    rules = write(tmp_path, toml, "rules.toml")
    code, _ = run_cli(tmp_path, str(EXAMPLE), "--rules", str(rules))
    assert code == 2
    assert expected in capsys.readouterr().err


def test_rules_change_the_result(tmp_path: Path) -> None:
    text = f"{HEADER}\nm1,mentor,FIN,1,,fr,,,,,,,,,,\ne1,mentee,FIN,5,,fr,,,,,,,,,,\n"
    path = write(tmp_path, text)
    code, out = run_cli(tmp_path, str(path))
    assert code == 0 and rows(out) == []
    rules = write(tmp_path, 'department = "allow"\n[weights]\nsilo = 0', "r.toml")
    code, out = run_cli(tmp_path, str(path), "--rules", str(rules))
    assert code == 0 and len(rows(out)) == 1


def test_one_person_on_two_rows_is_never_their_own_mentor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ann is mentor and mentee (column person); Bob reports to Ann's mentor
    # row, so he may meet neither of her rows.
    text = (
        f"{HEADER},person\n"
        "ann-m,mentor,IT,3,,fr,,,,,,,,,,,ann\n"
        "ann-e,mentee,IT,3,,fr,,,,,,,,,,,ann\n"
        "bob-m,mentor,IT,3,ann-m,fr,,,,,,,,,,,bob\n"
    )
    path = write(tmp_path, text)
    rules = write(tmp_path, 'department = "allow"\nseniority = "off"', "r.toml")
    code, out = run_cli(tmp_path, str(path), "--rules", str(rules))
    assert code == 0 and rows(out) == []
    # Without the column, each row is its own person: Ann's rows may meet.
    plain = write(tmp_path, "\n".join(line[:-4] for line in text.split("\n")[:3]))
    code, out = run_cli(tmp_path, str(plain), "--rules", str(rules))
    assert code == 0 and len(rows(out)) == 1
    locked = write(
        tmp_path, text.replace(",,,,,,,,,,,ann\n", ",,,,,,,,,,ann-e,ann\n", 1)
    )
    code, out = run_cli(tmp_path, str(locked), "--rules", str(rules))
    assert code == 2
    assert "a lock joins two rows of the same person" in capsys.readouterr().err


# --------------------------------------------------------------------------
# --gap: how close to the proven bound the command must get
# --------------------------------------------------------------------------


def _large_cohort(tmp_path: Path) -> Path:
    """Above the engine's dense limit (1,800 x 1,333 pairs > 2 million), where
    the certificate, hence the gap, is at work; many equal scores."""
    from bench.shapes import cohort, write_csv

    path = tmp_path / "cohort.csv"
    write_csv(cohort("ties", 1800, seed=3), path)
    return path


def test_gap_zero_proves_the_optimum_and_the_default_stays_within_its_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _large_cohort(tmp_path)
    code, exact_out = run_cli(tmp_path, str(path), "--gap", "0")
    assert code == 0
    assert "proven optimal" in capsys.readouterr().out
    exact = sum(float(p["score"]) for p in rows(exact_out))

    loose = tmp_path / "loose"
    loose.mkdir()
    code, out = run_cli(loose, str(path), "--gap", "0,5")
    assert code == 0
    said = capsys.readouterr().out
    score = sum(float(p["score"]) for p in rows(out))
    assert score <= exact + 1e-6
    assert score >= exact * (1 - 0.005) - 1e-6
    if "proven optimal" not in said:
        percent = float(said.split("% of the bound")[0].rsplit(", ", 1)[1])
        assert percent <= 0.5


@pytest.mark.parametrize("value", ["-1", "101", "abc", "nan", ""])
def test_bad_gap_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli(tmp_path, str(EXAMPLE), "--gap", value)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "un pourcentage entre 0 et 100 est attendu" in err
    assert not (tmp_path / "pairs.csv").exists()


@pytest.mark.parametrize(("value", "expected"), [("0,1", 0.1), ("2%", 2.0), ("0", 0)])
def test_gap_accepts_french_decimals(value: str, expected: float) -> None:
    assert matchcsv.gap_percent(value) == expected
