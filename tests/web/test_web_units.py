"""The web without services: catalogs complete in both languages, forms read back as the API's fields."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.web.config import PACKAGE_DIR
from api.web.forms import error_field, fields_from_form
from api.web.rendering import highlight
from core.procedure import ACTIONS_BY_NAME
from i18n.catalogs import LANGUAGES, compile_catalogs, source_catalog
from i18n.catalogs import PACKAGE_DIR as I18N_DIR
from i18n.formatting import local_datetime, time_left
from mail.compose import TEMPLATES_DIR as MAIL_TEMPLATES

MAIL_DIR = MAIL_TEMPLATES.parent

EXTRACTION = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]


#: every package whose wording comes from the shared catalogs
USERS_OF_THE_CATALOGS = (PACKAGE_DIR, I18N_DIR, MAIL_DIR)


def _used_messages() -> set[str | tuple[str, ...]]:
    used: set[str | tuple[str, ...]] = set()
    for directory in USERS_OF_THE_CATALOGS:
        found = extract_from_dir(str(directory), EXTRACTION,
                                 keywords={"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)})
        # a plural is its (singular, plural) pair, as the catalogs key it
        used |= {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}
    return used


def _all_forms(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """A message is translated when it has its text, or (a plural) every one of its language's forms."""
    return all(string) if isinstance(string, tuple | list) else bool(string)


def test_every_message_the_web_uses_is_translated_in_both_languages() -> None:
    used = _used_messages()
    assert len(used) > 100  # the extraction itself works
    for language in LANGUAGES:
        with source_catalog(language).open("rb") as po:
            catalog = read_po(po)
        translated = {m.id for m in catalog if m.id and _all_forms(m.string) and "fuzzy" not in m.flags}
        missing = sorted(used - translated)
        assert not missing, f"{language}: untranslated {missing}"


def test_the_catalogs_hold_no_message_the_web_no_longer_uses() -> None:
    """A label that moved to core.vocabulary leaves the catalogs: one system per label, no stale copy."""
    used = _used_messages()
    for language in LANGUAGES:
        with source_catalog(language).open("rb") as po:
            catalog = read_po(po)
        stale = sorted(str(m.id) for m in catalog if m.id and m.id not in used)
        assert not stale, f"{language}: no longer used {stale}"


def test_arabic_catalog_is_really_arabic() -> None:
    with source_catalog("ar").open("rb") as po:
        catalog = read_po(po)
    not_arabic = [m.id for m in catalog if m.id and not any("\u0600" <= ch <= "\u06ff" for ch in str(m.string))]
    assert not not_arabic


def test_catalogs_compile(tmp_path: Path) -> None:
    written = compile_catalogs(tmp_path)
    assert {p.parent.parent.name for p in written} == set(LANGUAGES)
    assert compile_catalogs(tmp_path) == []  # up to date: nothing rewritten


def test_open_case_form_reads_back_as_the_api_body() -> None:
    form = {"offence": " سرقة ", "category": "felony", "occurred_at": "2026-01-02T10:00", "place": "طرابلس",
            "narrative": "نص", "party_rows": "3",
            "parties-0-role": "", "parties-0-name": "", "parties-0-national_id": "",
            "parties-1-role": "accused", "parties-1-name": "أحمد عبد الله المبروك", "parties-1-national_id": "12",
            "parties-2-role": "victim", "parties-2-name": "سالم", "parties-2-national_id": ""}
    fields = fields_from_form(ACTIONS_BY_NAME["open_case"], form)
    assert fields["offence"] == "سرقة"
    assert fields["parties"] == [{"role": "accused", "name": "أحمد عبد الله المبروك", "national_id": "12"},
                                 {"role": "victim", "name": "سالم", "national_id": None}]
    # the rest of a person's identity, where the clerk filled it in, goes as the API's JSON carries it
    identity = {"parties-0-role": "accused", "parties-0-name": "سالم علي محمد الفيتوري",
                "parties-0-birth_date": "1990-05-01", "parties-0-birth_place": " مصراتة ",
                "parties-0-mother_name": "فاطمة", "parties-0-passport_number": "", "parties-0-nationality": ""}
    assert fields_from_form(ACTIONS_BY_NAME["open_case"], {**identity, "party_rows": "1"})["parties"] == [
        {"role": "accused", "name": "سالم علي محمد الفيتوري", "national_id": None, "birth_date": "1990-05-01",
         "birth_place": "مصراتة", "mother_name": "فاطمة"}]
    # the service counts only the parties sent; the form shows the error on the row the user filled
    assert error_field(form, "parties[0].national_id") == "parties-1-national_id"
    assert error_field(form, "occurred_at") == "occurred_at"


def test_verdicts_and_charges_read_back() -> None:
    form = {"verdicts-0-party_id": "p1", "verdicts-0-result": "convicted", "verdicts-0-sentence": "الحبس",
            "verdicts-0-in_absentia": "on", "verdicts-1-party_id": "p3", "verdicts-1-result": "acquitted"}
    assert fields_from_form(ACTIONS_BY_NAME["record_verdict"], form)["verdicts"] == [
        {"party_id": "p1", "result": "convicted", "sentence": "الحبس", "in_absentia": True},
        {"party_id": "p3", "result": "acquitted", "sentence": None, "in_absentia": False}]
    charges = fields_from_form(ACTIONS_BY_NAME["refer_to_court"], {"to_agency": "court.tripoli",
                                                                    "charges": "السرقة\n\n الإتلاف \n"})
    assert charges == {"to_agency": "court.tripoli", "charges": ["السرقة", "الإتلاف"]}


def test_dates_are_tripoli_time_with_western_digits_in_both_languages() -> None:
    from datetime import UTC, datetime, timedelta

    instant = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 00:30 the next day in Tripoli (UTC+2)
    assert local_datetime(instant, "ar") == "02/03/2026 00:30"
    assert local_datetime(instant, "en") == "02/03/2026 00:30"
    assert time_left(instant + timedelta(hours=5, minutes=3), instant, "en") == "5 hours 3 minutes left"
    assert time_left(instant + timedelta(hours=1, minutes=1), instant, "en") == "1 hour 1 minute left"
    # each unit in its Arabic plural form: the dual, 3 to 10, 11 to 99, and the unit alone when it is one
    assert time_left(instant - timedelta(days=2, hours=1), instant, "ar") == "مضى على انقضائه يومان وساعة واحدة"
    assert time_left(instant + timedelta(days=3, hours=11), instant, "ar") == "متبقٍ 3 أيام و11 ساعة"
    assert time_left(instant + timedelta(days=12), instant, "ar") == "متبقٍ 12 يوماً"
    assert time_left(instant + timedelta(days=100), instant, "ar") == "متبقٍ 100 يوم"
    assert time_left(instant + timedelta(minutes=2), instant, "ar") == "متبقٍ دقيقتان"


def test_search_highlights_keep_only_the_mark_tags() -> None:
    assert str(highlight("<mark>أحمد</mark> <script>x</script>")) == "<mark>أحمد</mark> &lt;script&gt;x&lt;/script&gt;"


def test_party_and_agency_fields_offer_only_what_the_procedure_would_accept() -> None:
    from api.web.forms import FormContext, widgets_for
    from core.agencies import AgencyTree
    from infra.demo import AGENCIES

    parties = [{"party_id": "p1", "name": "سالم", "role": "accused"},
               {"party_id": "p2", "name": "علي", "role": "witness"},
               {"party_id": "p3", "name": "خالد", "role": "suspect"}]
    choices = {"release_person": {"party_id": ["p1"]}, "record_verdict": {"verdicts": ["p1", "p3"]},
               "reassign": {"to_agency": ["station.tripoli.souq_aljuma"]}}
    context = FormContext("en", AgencyTree(AGENCIES), parties=parties, choices=choices)
    release = widgets_for(ACTIONS_BY_NAME["release_person"], context)[0]
    assert release.options == [("p1", "سالم — Accused")]
    verdicts = widgets_for(ACTIONS_BY_NAME["record_verdict"], context)[0]
    assert [row["party_id"] for row in verdicts.rows] == ["p1", "p3"]
    assert verdicts.options == [("convicted", "Convicted"), ("acquitted", "Acquitted")]
    reassign = widgets_for(ACTIONS_BY_NAME["reassign"], context)[0]
    assert reassign.options == [("station.tripoli.souq_aljuma", "Souq al-Juma Police Station")]
    category = widgets_for(ACTIONS_BY_NAME["open_case"], FormContext("ar", AgencyTree(AGENCIES)))[1]
    assert category.options == [("contravention", "مخالفة"), ("misdemeanour", "جنحة"), ("felony", "جناية")]


def test_an_error_summary_names_the_field_of_each_error() -> None:
    from api.web.forms import FormContext, FormError, labelled, widgets_for
    from core.agencies import AgencyTree
    from core.procedure import OPEN_CASE

    widgets = widgets_for(OPEN_CASE, FormContext("ar", AgencyTree([])))
    errors = labelled([FormError("هذا الحقل مطلوب", "offence"), FormError("الرقم الوطني يتكون من 12 رقماً",
                                                                         "parties-1-national_id"),
                       FormError("تعذر", None)], widgets)
    assert [e.label for e in errors] == ["الجريمة", "الأطراف (2)", None]
