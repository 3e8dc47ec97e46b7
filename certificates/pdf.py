"""The certificate as a PDF: Arabic first (HarfBuzz shaping, right-to-left), English on request.

fpdf2 shapes the text with uharfbuzz and orders it with the Unicode bidi algorithm, and writes a
ToUnicode map, so text extracted from the file reads in logical order. The font is Amiri, from
Debian's `fonts-hosny-amiri` (installed by `./mizan`). The QR code is drawn as vector squares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from config.settings import get_settings
from core.records import RecordEntry, last_valid_day
from core.vocabulary import Disclosure
from i18n.formatting import local_day

FONT = "Amiri"
MARGIN = 18.0
LABEL_WIDTH = 42.0
PADDING = 4.0
QR_SIZE = 30.0
SEAL = 32.0
INK = (20, 50, 90)  # the letterhead's dark blue


@dataclass(frozen=True)
class CertificateDocument:
    holder_name: str
    national_id: str
    purpose: str
    listed: list[RecordEntry]
    issued_at: datetime
    expires_at: datetime
    verification_code: str
    verify_url: str
    english: bool
    #: the holder as the records know them, where recorded (core.records.HolderIdentity)
    birth_date: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None
    #: the id of the key whose signature goes with the file (certificates.signing.key_id)
    key_id: str = ""


def _day(at: datetime | str, language: str) -> str:
    return local_day(date.fromisoformat(at) if isinstance(at, str) else at, language)


class _Page:
    """One language's page: a line is a label and a value, laid out in the language's direction."""

    def __init__(self, pdf: FPDF, rtl: bool) -> None:
        self.pdf, self.rtl = pdf, rtl
        self.width = pdf.w - 2 * MARGIN

    def shaping(self, rtl: bool | None = None) -> None:
        rtl = self.rtl if rtl is None else rtl
        self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")

    def text(self, value: str, size: float, bold: bool = False, align: str | None = None, height: float = 9,
             rtl: bool | None = None) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.shaping(rtl)
        alignment = align or ("R" if self.rtl else "L")
        self.pdf.set_x(MARGIN)
        self.pdf.multi_cell(self.width, height, value, align=alignment, new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str, value_rtl: bool | None = None, height: float = 7.4) -> None:
        y = self.pdf.get_y()
        inner = self.width - 2 * PADDING
        label_x = self.pdf.w - MARGIN - PADDING - LABEL_WIDTH if self.rtl else MARGIN + PADDING
        value_x = MARGIN + PADDING if self.rtl else MARGIN + PADDING + LABEL_WIDTH
        self.pdf.set_font(FONT, "B", 12)
        self.shaping()
        self.pdf.set_xy(label_x, y)
        self.pdf.cell(LABEL_WIDTH, height, label, align="R" if self.rtl else "L")
        self.pdf.set_font(FONT, "", 12)
        self.shaping(value_rtl)
        self.pdf.set_xy(value_x, y)
        self.pdf.cell(inner - LABEL_WIDTH, height, value, align="R" if self.rtl else "L")
        self.pdf.set_xy(MARGIN, y + height)

    def rule(self, double: bool = False) -> None:
        y = self.pdf.get_y() + 2
        self.pdf.set_draw_color(*INK)
        self.pdf.set_line_width(0.6 if double else 0.3)
        self.pdf.line(MARGIN, y, self.pdf.w - MARGIN, y)
        if double:
            self.pdf.set_line_width(0.2)
            self.pdf.line(MARGIN, y + 1.2, self.pdf.w - MARGIN, y + 1.2)
        self.pdf.set_y(y + 4)

    def boxed(self, top: float) -> None:
        """A frame around what was written since `top`."""
        self.pdf.set_draw_color(*INK)
        self.pdf.set_line_width(0.3)
        self.pdf.rect(MARGIN, top, self.width, self.pdf.get_y() - top + 2)
        self.pdf.set_y(self.pdf.get_y() + 5)


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x + col * cell, y + row * cell, cell, cell, style="F")


@dataclass(frozen=True)
class _Wording:
    """A page's fixed words, in its language."""

    language: str
    state: tuple[str, str, str]
    title: str
    identity: str
    labels: dict[str, str]
    clean: str
    convictions: str
    not_disclosed: str
    seal: str
    signed: str
    verify: str


ARABIC = _Wording(
    "ar", ("دولة ليبيا", "وزارة الداخلية", "إدارة السجل الجنائي"), "شهادة الحالة الجنائية", "بيانات صاحب الشهادة",
    {"name": "الاسم الكامل:", "national_id": "الرقم الوطني:", "birth_date": "تاريخ الميلاد:",
     "birth_place": "مكان الميلاد:", "mother_name": "اسم الأم:", "purpose": "الغرض:", "issued": "تاريخ الإصدار:",
     "until": "صالحة حتى نهاية:", "code": "رمز التحقق:", "case": "القضية:", "offence": "التهمة:",
     "sentence": "الحكم:", "court": "المحكمة:", "final": "صار باتاً في:"},
    "النتيجة: لا توجد سوابق", "النتيجة: توجد سوابق", "(لا يُفصح عن الجريمة: ملف سري)", "موضع الختم الرسمي",
    "موقعة إلكترونياً — معرّف مفتاح التوقيع:",
    "للتحقق من صحة هذه الشهادة امسح الرمز أو افتح الرابط وأدخل رمز التحقق؛ تُظهر صفحة التحقق الاسم والرقم الوطني:")
ENGLISH = _Wording(
    "en", ("State of Libya", "Ministry of Interior", "Criminal Records Department"), "Criminal Status Certificate",
    "The holder",
    {"name": "Full name:", "national_id": "National ID:", "birth_date": "Date of birth:",
     "birth_place": "Place of birth:", "mother_name": "Mother's name:", "purpose": "Purpose:", "issued": "Issued on:",
     "until": "Valid until the end of:", "code": "Verification code:", "case": "Case:", "offence": "Offence:",
     "sentence": "Sentence:", "court": "Court:", "final": "Final on:"},
    "Result: no criminal record", "Result: criminal record", "(offence not disclosed: sealed file)",
    "Place of the official seal", "Signed electronically — signing key id:",
    "To verify this certificate, scan the code or open the address and type its code; the verification page "
    "shows the holder's name and national ID:")


def _emblem(pdf: FPDF, x: float, y: float) -> None:
    """The letterhead's mark: a balance (ميزان) in a double ring, drawn, not an image."""
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.5)
    pdf.circle(x, y, 10.5)
    pdf.set_line_width(0.2)
    pdf.circle(x, y, 9.2)
    pdf.set_line_width(0.5)
    pdf.line(x, y - 6, x, y + 5)  # the post
    pdf.line(x - 5, y + 5, x + 5, y + 5)  # the base
    pdf.line(x - 6, y - 4, x + 6, y - 4)  # the beam
    for side in (-6.0, 6.0):  # the pans
        pdf.line(x + side, y - 4, x + side - 2.5, y + 1)
        pdf.line(x + side, y - 4, x + side + 2.5, y + 1)
        pdf.line(x + side - 2.5, y + 1, x + side + 2.5, y + 1)


def _letterhead(pdf: FPDF, page: _Page) -> None:
    """Both languages' state lines, the emblem between them, a double rule under."""
    top = MARGIN - 4
    for i, (arabic, english) in enumerate(zip(ARABIC.state, ENGLISH.state, strict=True)):
        pdf.set_font(FONT, "B" if i == 2 else "", 11.5)
        page.shaping(True)
        pdf.set_xy(pdf.w - MARGIN - 70, top + i * 6.5)
        pdf.cell(70, 6.5, arabic, align="R")
        page.shaping(False)
        pdf.set_xy(MARGIN, top + i * 6.5)
        pdf.cell(70, 6.5, english, align="L")
    _emblem(pdf, pdf.w / 2, top + 9.5)
    pdf.set_y(top + 21)
    page.rule(double=True)


def _identity_lines(doc: CertificateDocument) -> list[tuple[str, str, bool | None]]:
    """The holder's identity lines: those the records have (no blank "unknown" lines on an official paper)."""
    lines: list[tuple[str, str, bool | None]] = [("name", doc.holder_name, _has_arabic(doc.holder_name)),
                                                 ("national_id", doc.national_id, False)]
    if doc.birth_date:
        lines.append(("birth_date", doc.birth_date, False))
    if doc.birth_place:
        lines.append(("birth_place", doc.birth_place, _has_arabic(doc.birth_place)))
    if doc.mother_name:
        lines.append(("mother_name", doc.mother_name, _has_arabic(doc.mother_name)))
    return lines


def _page(pdf: FPDF, doc: CertificateDocument, words: _Wording) -> None:
    rtl = words.language == "ar"
    page = _Page(pdf, rtl=rtl)
    pdf.add_page()
    _letterhead(pdf, page)
    page.text(words.title, 21, bold=True, align="C", height=12)
    pdf.ln(2)

    page.text(words.identity, 12.5, bold=True, height=7)
    top = pdf.get_y()
    pdf.set_y(top + 1.5)
    for key, value, value_rtl in _identity_lines(doc):
        page.field(words.labels[key], _day(value, words.language) if key == "birth_date" else value, value_rtl)
    page.boxed(top)

    page.field(words.labels["purpose"], doc.purpose, value_rtl=_has_arabic(doc.purpose))
    page.field(words.labels["issued"], _day(doc.issued_at, words.language), value_rtl=False)
    page.field(words.labels["until"], local_day(last_valid_day(doc.expires_at), words.language), value_rtl=False)
    page.field(words.labels["code"], doc.verification_code, value_rtl=False)
    page.rule()

    top = pdf.get_y()
    pdf.set_y(top + 1)
    page.text(words.convictions if doc.listed else words.clean, 15, bold=True, height=9)
    for number, entry in enumerate(doc.listed, start=1):
        # one field a line: a case number or a date inside an Arabic sentence would be reordered by bidi
        page.field(f"({number}) {words.labels['case']}", entry.case_number, value_rtl=_has_arabic(entry.case_number))
        if entry.disclosure == Disclosure.without_offence:
            page.field(words.labels["offence"], words.not_disclosed, value_rtl=rtl)
        else:
            page.field(words.labels["offence"], entry.offence, value_rtl=_has_arabic(entry.offence))
        page.field(words.labels["sentence"], entry.sentence or "—", value_rtl=_has_arabic(entry.sentence or ""))
        page.field(words.labels["court"], entry.court_name_ar if rtl else entry.court_name_en,
                   value_rtl=rtl)
        page.field(words.labels["final"], _day(entry.final_at, words.language), value_rtl=False)
    page.boxed(top)

    _closing(pdf, page, doc, words)


def _closing(pdf: FPDF, page: _Page, doc: CertificateDocument, words: _Wording) -> None:
    """The QR code on the start side's opposite, the seal area, the key's id, and the verification line."""
    rtl = words.language == "ar"
    block = QR_SIZE + 4
    if pdf.get_y() + block > pdf.h - MARGIN:
        pdf.add_page()
    y = pdf.get_y()
    qr_x = MARGIN if rtl else pdf.w - MARGIN - QR_SIZE
    _qr(pdf, doc.verify_url, qr_x, y)
    seal_x = pdf.w - MARGIN - SEAL / 2 - 4 if rtl else MARGIN + SEAL / 2 + 4
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.2, gap=1.2)
    pdf.circle(seal_x, y + SEAL / 2, SEAL / 2)
    pdf.set_dash_pattern()
    pdf.set_font(FONT, "", 9)
    page.shaping()
    pdf.set_xy(seal_x - SEAL / 2, y + SEAL / 2 - 3)
    pdf.cell(SEAL, 6, words.seal, align="C")
    middle_x = MARGIN + QR_SIZE + 6 if rtl else MARGIN + SEAL + 12
    middle_width = pdf.w - 2 * MARGIN - QR_SIZE - SEAL - 18
    align = "R" if rtl else "L"
    pdf.set_xy(middle_x, y)
    pdf.set_font(FONT, "", 9.5)
    page.shaping()
    pdf.multi_cell(middle_width, 5, words.verify, align=align, new_x="LEFT", new_y="NEXT")
    page.shaping(False)
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(middle_width, 5, doc.verify_url, align=align, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(middle_width, 5, doc.verification_code, align=align, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    page.shaping()
    pdf.multi_cell(middle_width, 5, f"{words.signed}", align=align, new_x="LEFT", new_y="NEXT")
    page.shaping(False)
    pdf.multi_cell(middle_width, 5, doc.key_id or "—", align=align, new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), y + QR_SIZE) + 2)


def render_certificate(doc: CertificateDocument) -> bytes:
    settings = get_settings()
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FONT, "", str(settings.certificate_font_dir / "Amiri-Regular.ttf"))
    pdf.add_font(FONT, "B", str(settings.certificate_font_dir / "Amiri-Bold.ttf"))
    pdf.set_title("شهادة الحالة الجنائية / Criminal Status Certificate")
    pdf.set_author("Mizan — إدارة السجل الجنائي")
    pdf.set_subject(doc.verification_code)
    pdf.set_keywords(f"mizan-verification:{doc.verification_code}")
    pdf.set_creation_date(doc.issued_at)
    _page(pdf, doc, ARABIC)
    if doc.english:
        _page(pdf, doc, ENGLISH)
    return bytes(pdf.output())
