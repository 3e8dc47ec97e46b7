"""The criminal record's rules, the certificate's dates, its PDF and its signature, without services."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.rules import read_rule_file
from core.records import (
    Exclusion,
    RecordFacts,
    certificate_expiry,
    default_record_rules,
    exclusion,
    last_valid_day,
    names_may_match,
    record_rules_with,
)

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def facts(category: str = "misdemeanour", final_years_ago: float = 1, executed: bool = False,
          rehabilitated: bool = False, ended_years_ago: float | None = None) -> RecordFacts:
    final_at = NOW - timedelta(days=365.25 * final_years_ago)
    ended_at = NOW - timedelta(days=365.25 * ended_years_ago) if ended_years_ago is not None else None
    return RecordFacts(category, final_at, final_at + timedelta(days=30) if executed else None,
                       NOW - timedelta(days=1) if rehabilitated else None, ended_at)


def test_a_recent_misdemeanour_is_listed() -> None:
    assert exclusion(facts(), default_record_rules(), NOW) is None


def test_contraventions_are_never_listed() -> None:
    assert exclusion(facts("contravention"), default_record_rules(), NOW) is Exclusion.not_listed


def test_rehabilitation_clears_even_a_felony() -> None:
    assert exclusion(facts("felony", rehabilitated=True), default_record_rules(), NOW) is Exclusion.rehabilitated


def test_a_misdemeanour_lapses_after_the_rule_tables_years_but_not_before() -> None:
    rules = default_record_rules()
    years = rules.rule("misdemeanour").lapse_years
    assert years is not None
    assert exclusion(facts(final_years_ago=years + 1, ended_years_ago=years - 0.1), rules, NOW) is None
    assert exclusion(facts(final_years_ago=years + 1, ended_years_ago=years + 0.1), rules, NOW) is Exclusion.lapsed


def test_the_lapse_runs_from_the_end_of_the_sentence_never_while_it_is_unexecuted() -> None:
    """Issue 13: a ten-year prisoner is not "clean" six years after the execution began, nor a fugitive's record
    after finality: only the sentence's end (served, remitted, prescribed) starts the lapse."""
    rules = default_record_rules()
    years = rules.rule("felony").lapse_years
    assert years is not None
    serving = facts("felony", final_years_ago=years + 1, executed=True)
    assert exclusion(serving, rules, NOW) is None  # executed long ago, still serving: no lapse
    fugitive = facts("felony", final_years_ago=years * 3)
    assert exclusion(fugitive, rules, NOW) is None  # never executed: no lapse
    served = facts("felony", final_years_ago=years * 3, executed=True, ended_years_ago=years + 0.1)
    assert exclusion(served, rules, NOW) is Exclusion.lapsed


def test_an_unknown_category_is_listed_and_never_lapses() -> None:
    assert exclusion(facts("something_new", final_years_ago=50), default_record_rules(), NOW) is None


def test_the_rule_table_is_versioned_and_overridable(tmp_path: Path) -> None:
    override = tmp_path / "records.yaml"
    override.write_text('version: "2026.9"\ncategories:\n  misdemeanour:\n    lapse_years: 10\n', encoding="utf-8")
    rules = record_rules_with(read_rule_file(override))
    assert rules.version == "2026.9"
    assert rules.rule("misdemeanour").lapse_years == 10
    assert rules.rule("felony") == default_record_rules().rule("felony")


@pytest.mark.parametrize(("citizen", "party", "match"), [
    ("أحمد المبروك", "أحمد عبد الله المبروك", True),
    ("احمد المبروك", "أحمد عبدالله المبروك", True),
    ("عبد الله سالم", "عبدالله سالم", True),
    ("مريم التاجوري", "أحمد عبد الله المبروك", False),
    ("أحمد المبروك", "أحمد المصراتي", False),
    ("أحمد", "أحمد المبروك", False),
])
def test_doubtful_name_matches(citizen: str, party: str, match: bool) -> None:
    assert names_may_match(citizen, party) is match


def test_a_certificate_is_valid_to_the_end_of_the_day_three_months_on_in_tripoli() -> None:
    issued = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Tripoli (UTC+2)
    expires = certificate_expiry(issued, 3)
    assert last_valid_day(expires).isoformat() == "2027-03-01"
    assert expires == datetime(2027, 3, 1, 22, 0, tzinfo=UTC)  # midnight in Tripoli
    assert last_valid_day(certificate_expiry(datetime(2026, 11, 30, 8, tzinfo=UTC), 3)).isoformat() == "2027-02-28"


def test_the_pdf_is_arabic_in_logical_order_and_its_signature_detects_tampering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    from certificates import signing as certificate_signing
    from certificates.pdf import CertificateDocument, render_certificate
    from config.settings import get_settings

    monkeypatch.setenv("MIZAN_STATE_DIR", str(tmp_path))
    get_settings.cache_clear()
    certificate_signing.private_key.cache_clear()
    try:
        name = "أحمد عبد الله المبروك"
        pdf = render_certificate(CertificateDocument(
            holder_name=name, national_id="119850012345", purpose="تقديم على وظيفة", listed=[], issued_at=NOW,
            expires_at=certificate_expiry(NOW, 3), verification_code="MZN-AAAAA-BBBBB-CCCCC",
            verify_url="http://127.0.0.1:8000/verify/MZN-AAAAA-BBBBB-CCCCC", english=True))
        path = tmp_path / "c.pdf"
        path.write_bytes(pdf)
        text = BIDI_CONTROLS.sub("", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                                    check=True).stdout)
        assert name in text
        assert "لا توجد سوابق" in text
        assert "Criminal Status Certificate" in text
        assert name in (PdfReader(path).pages[0].extract_text() or "")

        signature = certificate_signing.sign(pdf)
        assert certificate_signing.verify(pdf, signature.value)
        tampered = bytearray(pdf)
        tampered[len(pdf) // 2] ^= 0x01
        assert not certificate_signing.verify(bytes(tampered), signature.value)
        assert (tmp_path / "keys" / "certificate-ed25519.pem").stat().st_mode & 0o777 == 0o600
    finally:
        get_settings.cache_clear()
        certificate_signing.private_key.cache_clear()
