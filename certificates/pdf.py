"""The certificate as a PDF: Arabic first (HarfBuzz shaping, right-to-left), English on request.

fpdf2 shapes the text with uharfbuzz and orders it with the Unicode bidi algorithm, and writes a
ToUnicode map, so text extracted from the file reads in logical order. The font is Amiri, from
Debian's `fonts-hosny-amiri` (installed by `./mizan`). The QR code is drawn as vector squares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import qrcode
from fpdf import FPDF
from qrcode.constants import ERROR_CORRECT_M

from config.settings import get_settings
from core.clocks import TRIPOLI
from core.records import RecordEntry, last_valid_day

FONT = "Amiri"
MARGIN = 18.0
LABEL_WIDTH = 45.0
QR_SIZE = 34.0


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


def _day(at: datetime) -> str:
    return at.astimezone(TRIPOLI).date().isoformat()


class _Page:
    """One language's page: a line is a label and a value, laid out in the language's direction."""

    def __init__(self, pdf: FPDF, rtl: bool) -> None:
        self.pdf, self.rtl = pdf, rtl
        self.width = pdf.w - 2 * MARGIN

    def shaping(self, rtl: bool | None = None) -> None:
        rtl = self.rtl if rtl is None else rtl
        if rtl:
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl")
        else:
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")

    def text(self, value: str, size: float, bold: bool = False, align: str | None = None, height: float = 9,
             rtl: bool | None = None) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.shaping(rtl)
        alignment = align or ("R" if self.rtl else "L")
        self.pdf.set_x(MARGIN)
        self.pdf.multi_cell(self.width, height, value, align=alignment, new_x="LMARGIN", new_y="NEXT")

    def field(self, label: str, value: str, value_rtl: bool | None = None) -> None:
        y = self.pdf.get_y()
        label_x = self.pdf.w - MARGIN - LABEL_WIDTH if self.rtl else MARGIN
        value_x = MARGIN if self.rtl else MARGIN + LABEL_WIDTH
        self.pdf.set_font(FONT, "B", 13)
        self.shaping()
        self.pdf.set_xy(label_x, y)
        self.pdf.cell(LABEL_WIDTH, 10, label, align="R" if self.rtl else "L")
        self.pdf.set_font(FONT, "", 13)
        self.shaping(value_rtl)
        self.pdf.set_xy(value_x, y)
        self.pdf.cell(self.width - LABEL_WIDTH, 10, value, align="R" if self.rtl else "L")
        self.pdf.set_xy(MARGIN, y + 10)

    def rule(self) -> None:
        y = self.pdf.get_y() + 2
        self.pdf.line(MARGIN, y, self.pdf.w - MARGIN, y)
        self.pdf.set_y(y + 3)


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


def _arabic_page(pdf: FPDF, doc: CertificateDocument) -> None:
    page = _Page(pdf, rtl=True)
    pdf.add_page()
    page.text("دولة ليبيا — وزارة الداخلية", 12, align="R", height=7)
    page.text("إدارة السجل الجنائي", 12, align="R", height=7)
    pdf.ln(4)
    page.text("شهادة الحالة الجنائية", 22, bold=True, align="C", height=14)
    pdf.ln(4)
    page.field("الاسم:", doc.holder_name)
    page.field("الرقم الوطني:", doc.national_id)
    page.field("الغرض:", doc.purpose, value_rtl=_has_arabic(doc.purpose))
    page.field("تاريخ الإصدار:", _day(doc.issued_at))
    page.field("صالحة حتى:", last_valid_day(doc.expires_at).isoformat())
    page.field("رمز التحقق:", doc.verification_code, value_rtl=False)
    page.rule()
    if not doc.listed:
        page.text("النتيجة: لا توجد سوابق", 16, bold=True)
    else:
        page.text("النتيجة: توجد سوابق", 16, bold=True)
        for number, entry in enumerate(doc.listed, start=1):
            # one field a line: a case number or a date inside an Arabic sentence would be reordered by bidi
            page.field(f"({number}) القضية:", entry.case_number, value_rtl=False)
            page.field("التهمة:", entry.offence, value_rtl=_has_arabic(entry.offence))
            page.field("الحكم:", entry.sentence or "—", value_rtl=_has_arabic(entry.sentence or ""))
            page.field("المحكمة:", entry.court_name_ar)
            page.field("صار باتاً في:", _day(entry.final_at), value_rtl=False)
    page.rule()
    y = pdf.get_y() + 2
    _qr(pdf, doc.verify_url, MARGIN, y)
    pdf.set_xy(MARGIN + QR_SIZE + 6, y)
    page.width = pdf.w - 2 * MARGIN - QR_SIZE - 6
    pdf.set_font(FONT, "", 11)
    page.shaping()
    pdf.multi_cell(page.width, 7, "هذه الشهادة موقعة إلكترونياً من منظومة ميزان. للتحقق من صحتها امسح الرمز أو "
                                  "افتح الرابط التالي:", align="R", new_x="LEFT", new_y="NEXT")
    page.shaping(False)
    pdf.multi_cell(page.width, 7, doc.verify_url, align="R", new_x="LEFT", new_y="NEXT")


def _english_page(pdf: FPDF, doc: CertificateDocument) -> None:
    page = _Page(pdf, rtl=False)
    pdf.add_page()
    page.text("State of Libya — Ministry of Interior", 12, height=7)
    page.text("Criminal Records Department", 12, height=7)
    pdf.ln(4)
    page.text("Criminal Status Certificate", 22, bold=True, align="C", height=14)
    pdf.ln(4)
    page.field("Name:", doc.holder_name, value_rtl=_has_arabic(doc.holder_name))
    page.field("National ID:", doc.national_id)
    page.field("Purpose:", doc.purpose, value_rtl=_has_arabic(doc.purpose))
    page.field("Issued on:", _day(doc.issued_at))
    page.field("Valid until:", last_valid_day(doc.expires_at).isoformat())
    page.field("Verification code:", doc.verification_code)
    page.rule()
    if not doc.listed:
        page.text("Result: no criminal record", 16, bold=True)
    else:
        page.text("Result: criminal record", 16, bold=True)
        for number, entry in enumerate(doc.listed, start=1):
            page.field(f"({number}) Case:", entry.case_number)
            page.field("Offence:", entry.offence, value_rtl=_has_arabic(entry.offence))
            page.field("Sentence:", entry.sentence or "—", value_rtl=_has_arabic(entry.sentence or ""))
            page.field("Court:", entry.court_name_en)
            page.field("Final on:", _day(entry.final_at))
    page.rule()
    y = pdf.get_y() + 2
    _qr(pdf, doc.verify_url, MARGIN, y)
    pdf.set_xy(MARGIN + QR_SIZE + 6, y)
    width = pdf.w - 2 * MARGIN - QR_SIZE - 6
    pdf.set_font(FONT, "", 11)
    page.shaping()
    pdf.multi_cell(width, 7, "This certificate is signed electronically by Mizan. To verify it, scan the code or "
                             f"open {doc.verify_url}", align="L", new_x="LEFT", new_y="NEXT")


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
    _arabic_page(pdf, doc)
    if doc.english:
        _english_page(pdf, doc)
    return bytes(pdf.output())
