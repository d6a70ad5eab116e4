"""The repository documents itself: docs/rules.md lists every rule with tests that exist, and no
document points outside the repository."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RULES = (BASE_DIR / "docs" / "rules.md").read_text(encoding="utf-8")
RULE_IDS = [
    *(f"R{section}.{n}" for section, count in ((1, 3), (2, 2), (3, 3), (4, 2), (5, 2), (6, 6))
      for n in range(1, count + 1)),
    *(f"C{n}" for n in range(1, 8)),
]  # fmt: skip


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in BASE_DIR.rglob("test_*.py"):
        if ".venv" not in path.parts:
            names.update(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    return names


def test_rules_doc_has_a_row_for_every_rule_and_clarification():
    rows = {
        match.split(" ")[0]
        for match in re.findall(r"^\| ([RC][0-9.]+(?: \([^)]*\))?) \|", RULES, re.M)
    }
    assert rows == set(RULE_IDS)


def test_rules_doc_cites_only_tests_that_exist():
    cited = set(re.findall(r"\b(test_[RC]\d\w*[a-z])\b", RULES))
    assert len(cited) > 40
    assert cited - _test_names() == set()


def test_no_document_points_outside_the_repository():
    documents = [BASE_DIR / "README.md", *(BASE_DIR / "docs").glob("*.md")]
    offenders = [
        (path.name, line)
        for path in documents
        for line in path.read_text(encoding="utf-8").splitlines()
        if "../shared" in line or "RULES.md" in line
    ]
    assert offenders == []
