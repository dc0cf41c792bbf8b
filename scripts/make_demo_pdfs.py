"""Draw the demo catalogue's form PDFs (blank forms and filled-in samples).

The catalogue in ``assets/demo/procedures/*.json`` (see docs/catalogue-format.md) is loaded
and checked by the kiosk's own loader; a data problem stops the run with exit code 2.
Every FORM is drawn as an A4 Vietnamese administrative form into
``assets/demo/forms/<CODE>.pdf``; when every field has a ``sample`` value, a filled-in copy
watermarked "MẪU" is drawn into ``assets/demo/samples/<CODE>.pdf`` too. A field labelled
"Làm tại ..." is the form's closing line ("Làm tại ..., ngày ... tháng ... năm ..."), drawn
above the signature in place of the generic date line. PDFs in those two folders that no
form names any more are removed. The output is byte-for-byte reproducible, so the PDFs
can be committed and ``--check`` can tell whether they are up to date.

Usage::

    python scripts/make_demo_pdfs.py [--assets DIR] [--check]

The DejaVu fonts used (embedded as subsets) are in ``assets/fonts/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from kiosk.catalogue.model import Form, FormField
from kiosk.server.catalogue_files import CatalogueFileError, merge_catalogue_files

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ASSETS = REPO / "assets"
FONTS_DIR = REPO / "assets" / "fonts"

RGB = tuple[int, int, int]

CREATION_DATE = dt.datetime(2025, 7, 1, 0, 0, 0, tzinfo=dt.UTC)
AUTHOR = "Kiosk demo data"
CREATOR = "scripts/make_demo_pdfs.py"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Page geometry, mm (A4 portrait; official forms keep a wide left margin).
MARGIN_LEFT = 22.0
MARGIN_RIGHT = 18.0
MARGIN_TOP = 15.0
MARGIN_BOTTOM = 20.0
ROW_H = 7.2  # height of one written line (label or dotted line)
BASELINE = 5.3  # baseline offset inside a row
MIN_LEADER = 28.0  # shortest dotted leader kept on the label's own line
VALUE_PAD = 1.5  # gap between the start of the dots and the sample value
DOT_PERIOD = 1.2  # distance between two dots
KEEP_TOGETHER = 60.0  # fields up to this height are never split across pages
DECL_GAP = 4.0  # space above the declaration
DECL_LINE_H = 6.2
DECL_INDENT = "        "  # first-line indent of the declaration
SIGN_SPACE = 25.0  # room to sign, from the hint to below the signer's name

BODY_SIZE = 11.5
VALUE_SIZE = 12.0
SMALL_SIZE = 9.0

BLACK: RGB = (0, 0, 0)
GREY: RGB = (110, 110, 110)
DOTS: RGB = (90, 90, 90)
INK: RGB = (16, 42, 140)  # the "handwritten" sample values
WATERMARK: RGB = (251, 208, 208)

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
FOOTER = "Dữ liệu mẫu (demo) – không dùng để nộp"
WATERMARK_TEXT = "MẪU"
SIGN_HINT = "(Ký, ghi rõ họ, chữ đệm, tên)"
PLACE_LABEL = "Làm tại"  # a field with this label is the closing place-and-date line
BLANK_DATE_TEXT = "......, ngày ..... tháng ..... năm ......"
BLANK_DATE: list[tuple[str, bool]] = [(BLANK_DATE_TEXT, False)]
SAMPLE_DATE: list[tuple[str, bool]] = [
    ("Minh Khai", True),
    (", ngày ", False),
    ("20", True),
    (" tháng ", False),
    ("11", True),
    (" năm ", False),
    ("2026", True),
]


def nfc(text: str) -> str:
    """``text`` in NFC, so precomposed glyphs are used."""
    return unicodedata.normalize("NFC", text)


def is_place(fld: FormField) -> bool:
    """True for the "Làm tại ..." field, which is drawn as the closing date line."""
    return nfc(fld.label).startswith(PLACE_LABEL)


def date_parts(form: Form, sample: bool) -> list[tuple[str, bool]]:
    """The closing date line as (text, inked) parts: the "Làm tại" field's, or the generic one."""
    place = next((f for s in form.sections for f in s.fields if is_place(f)), None)
    if place is None:
        return SAMPLE_DATE if sample else BLANK_DATE
    if sample and place.sample:
        return [(f"{PLACE_LABEL}: ", False), (nfc(place.sample), True)]
    return [(f"{PLACE_LABEL}: {BLANK_DATE_TEXT}", False)]


# --------------------------------------------------------------------------- drawing


class FormPDF(FPDF):
    """An A4 page set with the demo footer and, for samples, the "MẪU" watermark."""

    def __init__(self, fonts_dir: Path, watermark: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.watermark = watermark
        for family, style, name in (
            ("Serif", "", "DejaVuSerif.ttf"),
            ("Serif", "B", "DejaVuSerif-Bold.ttf"),
            ("Sans", "", "DejaVuSans.ttf"),
            ("Sans", "B", "DejaVuSans-Bold.ttf"),
        ):
            self.add_font(family, style, str(fonts_dir / name))
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        self.set_creation_date(CREATION_DATE)
        self.set_author(AUTHOR)
        self.set_creator(CREATOR)
        self.set_lang("vi")

    @property
    def right(self) -> float:
        """x of the right margin."""
        return self.w - self.r_margin

    @property
    def text_width(self) -> float:
        """Width between the margins."""
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        """Draw the watermark first, so everything else is written over it."""
        if self.watermark:
            draw_watermark(self)

    def footer(self) -> None:
        """Demo notice on the left, page number on the right."""
        self.set_y(-13)
        self.set_font("Sans", "", 7.5)
        self.set_text_color(*GREY)
        self.set_draw_color(*GREY)
        self.set_line_width(0.15)
        self.line(self.l_margin, self.get_y() - 1.5, self.right, self.get_y() - 1.5)
        self.cell(self.text_width / 2, 5, FOOTER, align="L")
        self.cell(self.text_width / 2, 5, f"Trang {self.page_no()}/{{nb}}", align="R")


def draw_watermark(pdf: FormPDF) -> None:
    """A large light-red diagonal "MẪU" across the middle of the page."""
    size = 170
    pdf.set_font("Sans", "B", size)
    pdf.set_text_color(*WATERMARK)
    width = pdf.get_string_width(WATERMARK_TEXT)
    cx, cy = pdf.w / 2, pdf.h / 2
    cap = size * 0.3528 * 0.73  # cap height of DejaVu Sans, mm
    with pdf.rotation(52, cx, cy):
        pdf.text(cx - width / 2, cy + cap / 2, WATERMARK_TEXT)


@contextmanager
def slanted(pdf: FPDF, x: float, y: float) -> Iterator[None]:
    """Fake italics: slant what is drawn inside around the baseline point (x, y)."""
    with pdf.skew(ax=12, ay=0, x=x, y=y):
        yield


def use_font(pdf: FPDF, family: str, style: str, size: float, color: RGB = BLACK) -> None:
    """Set font and text colour in one call."""
    pdf.set_font(family, style, size)
    pdf.set_text_color(*color)


def wrap(pdf: FPDF, text: str, first: float, rest: float) -> list[str]:
    """Split ``text`` into lines: the first at most ``first`` mm wide, the others ``rest``."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        width = first if not lines else rest
        candidate = f"{current} {word}" if current else word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            width = rest
        current = word
        while pdf.get_string_width(current) > width:  # a word longer than a line
            cut = longest_prefix(pdf, current, width)
            lines.append(current[:cut])
            current = current[cut:]
    if current or not lines:
        lines.append(current)
    return lines


def longest_prefix(pdf: FPDF, word: str, width: float) -> int:
    """Number of leading characters of ``word`` that fit in ``width`` (at least 1)."""
    cut = len(word)
    while cut > 1 and pdf.get_string_width(word[:cut]) > width:
        cut -= 1
    return cut


def ensure_space(pdf: FPDF, height: float) -> None:
    """Start a new page unless ``height`` mm still fit above the bottom margin."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def dotted_line(pdf: FormPDF, x0: float, y: float) -> None:
    """A dotted leader from x0 to the right margin; dots sit on a grid shared by all lines."""
    if pdf.right - x0 < DOT_PERIOD:
        return
    pdf.set_draw_color(*DOTS)
    pdf.set_line_width(0.3)
    phase = (x0 - pdf.l_margin) % DOT_PERIOD
    pdf.set_dash_pattern(dash=0.3, gap=DOT_PERIOD - 0.3, phase=phase)
    pdf.line(x0, y, pdf.right, y)
    pdf.set_dash_pattern()


def centred(pdf: FormPDF, y: float, text: str) -> float:
    """Write one line centred between the margins at baseline y; return its width."""
    width = pdf.get_string_width(text)
    pdf.text(pdf.l_margin + (pdf.text_width - width) / 2, y, text)
    return width


def draw_issued_by(pdf: FormPDF, text: str) -> None:
    """Small slanted "Mẫu ban hành kèm theo ..." note in the top-right corner."""
    if not text:
        return
    use_font(pdf, "Serif", "", SMALL_SIZE)
    box = pdf.text_width * 0.62
    y = pdf.get_y() + 3.2
    for line in wrap(pdf, text, box, box):
        x = pdf.right - pdf.get_string_width(line) - 1
        with slanted(pdf, x, y):
            pdf.text(x, y, line)
        y += 4.0
    pdf.set_y(y - 1)


def draw_motto(pdf: FormPDF) -> None:
    """National motto, centred, with the short rule under the second line."""
    y = pdf.get_y() + 6
    use_font(pdf, "Serif", "B", 11.5)
    centred(pdf, y, MOTTO)
    use_font(pdf, "Serif", "B", 12)
    width = centred(pdf, y + 6, MOTTO_SUB)
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.3)
    x0 = pdf.l_margin + (pdf.text_width - width) / 2
    pdf.line(x0, y + 7.6, x0 + width, y + 7.6)
    pdf.set_y(y + 10)


def draw_title(pdf: FormPDF, title: str) -> None:
    """The form's title, centred, bold, wrapped if long."""
    use_font(pdf, "Serif", "B", 14.5)
    y = pdf.get_y() + 9
    for line in wrap(pdf, title, pdf.text_width * 0.9, pdf.text_width * 0.9):
        centred(pdf, y, line)
        y += 7
    pdf.set_y(y - 3)


def draw_addressee(pdf: FormPDF, addressee: str) -> None:
    """ "Kính gửi: ..." centred on one line, or with a hanging indent when long."""
    if not addressee:
        return
    lead = "Kính gửi: "
    use_font(pdf, "Serif", "B", BODY_SIZE)
    lead_w = pdf.get_string_width(lead)
    use_font(pdf, "Serif", "", BODY_SIZE)
    y = pdf.get_y() + 6
    lines = wrap(pdf, addressee, pdf.text_width - lead_w - 20, pdf.text_width - lead_w - 20)
    widest = max(pdf.get_string_width(line) for line in lines)
    x = pdf.l_margin + (pdf.text_width - lead_w - widest) / 2
    use_font(pdf, "Serif", "B", BODY_SIZE)
    pdf.text(x, y, lead)
    use_font(pdf, "Serif", "", BODY_SIZE)
    for line in lines:
        pdf.text(x + lead_w, y, line)
        y += 6
    pdf.set_y(y - 2)


def draw_heading(pdf: FormPDF, heading: str) -> None:
    """A section heading in bold; kept on the same page as the field after it."""
    use_font(pdf, "Serif", "B", BODY_SIZE)
    lines = wrap(pdf, heading, pdf.text_width, pdf.text_width)
    ensure_space(pdf, 2 + ROW_H * (len(lines) + 1))
    y = pdf.get_y() + 2
    for line in lines:
        pdf.text(pdf.l_margin, y + BASELINE, line)
        y += ROW_H
    pdf.set_y(y)


@dataclass
class FieldLayout:
    """Where a field's label lines, dotted lines and sample value lines go."""

    label_lines: list[str]
    leader_x: float  # where the dots of the first dotted row start
    leader_rows: int  # dotted rows; the first shares the last label row when same_row
    same_row: bool
    value_lines: list[str]

    @property
    def rows(self) -> int:
        """Total rows the field takes."""
        extra = len(self.label_lines) - (1 if self.same_row else 0)
        return extra + self.leader_rows


def layout_field(pdf: FormPDF, fld: FormField) -> FieldLayout:
    """Lay out a field so that the blank form and the sample get the same lines."""
    label = nfc(fld.label).rstrip(":").rstrip()
    use_font(pdf, "Serif", "", BODY_SIZE)
    label_lines = wrap(pdf, f"{label}:" if label else "", pdf.text_width, pdf.text_width)
    end = pdf.l_margin + (pdf.get_string_width(label_lines[-1]) + 1.5 if label else 0)
    same_row = pdf.right - end >= MIN_LEADER
    leader_x = end if same_row else pdf.l_margin
    use_font(pdf, "Serif", "", VALUE_SIZE)
    first = pdf.right - leader_x - 2 * VALUE_PAD
    value = nfc(fld.sample)
    value_lines = wrap(pdf, value, first, pdf.text_width - 2 * VALUE_PAD) if value else []
    return FieldLayout(label_lines, leader_x, max(fld.lines, len(value_lines)), same_row,
                       value_lines)


@dataclass
class Row:
    """One written line of a field: printed label text, dots from dots_x, inked value."""

    label: str = ""
    dots_x: float | None = None
    value: str = ""


def field_rows(pdf: FormPDF, lay: FieldLayout, sample: bool) -> list[Row]:
    """The rows of a laid-out field, top to bottom."""
    only_label = lay.label_lines[:-1] if lay.same_row else lay.label_lines
    rows = [Row(label=line) for line in only_label]
    for i in range(lay.leader_rows):
        row = Row(dots_x=lay.leader_x if i == 0 else pdf.l_margin)
        if i == 0 and lay.same_row:
            row.label = lay.label_lines[-1]
        if sample and i < len(lay.value_lines):
            row.value = lay.value_lines[i]
        rows.append(row)
    return rows


def draw_field(pdf: FormPDF, fld: FormField, sample: bool) -> None:
    """ "Label: ......" with as many dotted lines as asked; the value over the dots."""
    lay = layout_field(pdf, fld)
    height = lay.rows * ROW_H
    ensure_space(pdf, height if height <= KEEP_TOGETHER else ROW_H)
    for row in field_rows(pdf, lay, sample):
        ensure_space(pdf, ROW_H)
        base = pdf.get_y() + BASELINE
        if row.label:
            use_font(pdf, "Serif", "", BODY_SIZE)
            pdf.text(pdf.l_margin, base, row.label)
        if row.dots_x is not None:
            dotted_line(pdf, row.dots_x, base + 0.6)
            if row.value:
                draw_value(pdf, row.dots_x + VALUE_PAD, base, row.value)
        pdf.set_y(pdf.get_y() + ROW_H)


def draw_value(pdf: FormPDF, x: float, base: float, text: str) -> None:
    """A sample value in "handwriting" (dark blue, slanted), sitting on the dots."""
    use_font(pdf, "Serif", "", VALUE_SIZE, INK)
    with slanted(pdf, x, base):
        pdf.text(x, base - 0.3, text)
    pdf.set_text_color(*BLACK)


def declaration_lines(pdf: FormPDF, text: str) -> list[str]:
    """The declaration paragraph split into lines (first line indented)."""
    if not text:
        return []
    use_font(pdf, "Serif", "", BODY_SIZE)
    return pdf.multi_cell(
        pdf.text_width, DECL_LINE_H, f"{DECL_INDENT}{text}", dry_run=True, output="LINES"
    )


def draw_declaration(pdf: FormPDF, text: str) -> None:
    """The "Tôi cam đoan ..." paragraph, justified."""
    if not text:
        return
    use_font(pdf, "Serif", "", BODY_SIZE)
    pdf.set_y(pdf.get_y() + DECL_GAP)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(pdf.text_width, DECL_LINE_H, f"{DECL_INDENT}{text}", align="J")


def split_signature(text: str) -> tuple[str, str]:
    """ "Người yêu cầu (Ký, ghi rõ ...)" -> role and hint; the usual hint when none is given."""
    match = re.match(r"^(.*?)\s*(\(.*)$", text)
    if match and match.group(1):
        return match.group(1), match.group(2)
    return text or "Người khai", SIGN_HINT


@dataclass
class Signature:
    """The signature block's lines, laid out for the right-hand column."""

    centre: float
    role_lines: list[str]
    hint_lines: list[str]

    @property
    def height(self) -> float:
        """Height from the top of the block to below the signer's name."""
        return 7 + 6.5 * len(self.role_lines) + 4.2 * len(self.hint_lines) + 0.8 + SIGN_SPACE


def layout_signature(pdf: FormPDF, form: Form) -> Signature:
    """Wrap the role (bold) and the hint (small) to the right-hand column."""
    col_x = pdf.l_margin + pdf.text_width * 0.42
    col_w = pdf.right - col_x
    role, hint = split_signature(nfc(form.signature))
    use_font(pdf, "Serif", "B", BODY_SIZE)
    role_lines = wrap(pdf, role, col_w, col_w)
    use_font(pdf, "Serif", "", SMALL_SIZE)
    hint_lines = wrap(pdf, hint, col_w, col_w)
    return Signature(col_x + col_w / 2, role_lines, hint_lines)


def draw_closing(pdf: FormPDF, form: Form, sample: bool) -> None:
    """Declaration, date line and signature; kept on one page when they fit on one."""
    declaration = nfc(form.declaration)
    lines = declaration_lines(pdf, declaration)
    sig = layout_signature(pdf, form)
    height = (DECL_GAP + DECL_LINE_H * len(lines) if lines else 0) + sig.height
    if height <= pdf.page_break_trigger - pdf.t_margin:
        ensure_space(pdf, height)
    draw_declaration(pdf, declaration)
    ensure_space(pdf, sig.height)
    draw_signature(pdf, form, sig, sample)


def draw_signature(pdf: FormPDF, form: Form, sig: Signature, sample: bool) -> None:
    """Date line, role, hint and (in the sample) a pen flourish and the signer's name."""
    centre = sig.centre
    y = pdf.get_y() + 7
    draw_date(pdf, centre, y, date_parts(form, sample))
    use_font(pdf, "Serif", "B", BODY_SIZE)
    for line in sig.role_lines:
        y += 6.5
        pdf.text(centre - pdf.get_string_width(line) / 2, y, line)
    use_font(pdf, "Serif", "", SMALL_SIZE)
    y += 0.8
    for line in sig.hint_lines:
        y += 4.2
        x = centre - pdf.get_string_width(line) / 2
        with slanted(pdf, x, y):
            pdf.text(x, y, line)
    signer = nfc(form.sample_signer)
    if sample and signer:
        draw_scribble(pdf, centre, y + 12)
        use_font(pdf, "Serif", "", VALUE_SIZE, INK)
        x = centre - pdf.get_string_width(signer) / 2
        with slanted(pdf, x, y + SIGN_SPACE - 3):
            pdf.text(x, y + SIGN_SPACE - 3, signer)
    pdf.set_y(y + SIGN_SPACE)


def draw_date(pdf: FormPDF, centre: float, y: float, parts: list[tuple[str, bool]]) -> None:
    """ "......, ngày ... tháng ... năm ..." centred on ``centre``, values inked."""
    widths = []
    for text, inked in parts:
        use_font(pdf, "Serif", "", VALUE_SIZE if inked else BODY_SIZE)
        widths.append(pdf.get_string_width(text))
    x = min(centre - sum(widths) / 2, pdf.right - sum(widths))
    with slanted(pdf, x, y):
        for (text, inked), width in zip(parts, widths, strict=True):
            use_font(pdf, "Serif", "", VALUE_SIZE if inked else BODY_SIZE, INK if inked else BLACK)
            pdf.text(x, y, text)
            x += width
    pdf.set_text_color(*BLACK)


def draw_scribble(pdf: FormPDF, cx: float, cy: float) -> None:
    """A fixed pen flourish standing in for a signature."""
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.4)
    strokes = [
        [(-15, 2), (-12, -6), (-8, 5), (-5, -0.5)],
        [(-5, -0.5), (-2, -5), (0, 4), (3, 0)],
        [(3, 0), (6, -4.5), (9, 4), (16, -2)],
    ]
    for stroke in strokes:
        pdf.bezier([(cx + dx, cy + dy) for dx, dy in stroke])
    pdf.line(cx - 12, cy + 3.5, cx + 13, cy + 2)


def render_form(form: Form, sample: bool, fonts_dir: Path = FONTS_DIR) -> bytes:
    """Draw one FORM (blank, or filled in with its sample values) and return the PDF."""
    pdf = FormPDF(fonts_dir, watermark=sample)
    title = nfc(form.title)
    pdf.set_title(title)
    pdf.set_subject(("Mẫu điền sẵn: " if sample else "Biểu mẫu: ") + nfc(form.code))
    pdf.add_page()
    draw_issued_by(pdf, nfc(form.issued_by))
    draw_motto(pdf)
    draw_title(pdf, title)
    draw_addressee(pdf, nfc(form.addressee))
    pdf.set_y(pdf.get_y() + 4)
    for section in form.sections:
        fields = [f for f in section.fields if not is_place(f)]
        if fields and section.heading:
            draw_heading(pdf, nfc(section.heading))
        for fld in fields:
            draw_field(pdf, fld, sample)
    draw_closing(pdf, form, sample)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- files


Files = dict[str, dict[str, bytes]]  # folder ("forms"/"samples") -> file name -> PDF


def render_all(forms: Mapping[str, Form], fonts_dir: Path = FONTS_DIR) -> Files:
    """Render every form, and every sample where the form has one, in memory."""
    out: Files = {"forms": {}, "samples": {}}
    for code in sorted(forms):
        out["forms"][f"{code}.pdf"] = render_form(forms[code], sample=False, fonts_dir=fonts_dir)
        if forms[code].has_sample:
            out["samples"][f"{code}.pdf"] = render_form(forms[code], True, fonts_dir)
    return out


def write_outputs(files: Files, demo_dir: Path) -> None:
    """Write the PDFs under demo_dir (only those that changed); remove stale ones."""
    for folder, wanted in files.items():
        target = demo_dir / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, data in wanted.items():
            path = target / name
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
        for old in sorted(target.glob("*.pdf")):
            if old.name not in wanted:
                old.unlink()


def load_forms(procedures_dir: Path) -> Mapping[str, Form]:
    """The catalogue's forms, loaded and checked by the kiosk (raises CatalogueFileError)."""
    forms = merge_catalogue_files(procedures_dir).forms
    for i, (code, form) in enumerate(forms.items()):
        if not CODE_RE.match(code):
            raise CatalogueFileError(f"{procedures_dir}: form code {code!r} cannot be a file name")
        if not form.sections:  # the catalogue allows it (a template file); drawing needs fields
            raise CatalogueFileError(f"{procedures_dir}: forms[{i}].sections: is missing (a "
                                     "demo form is drawn from its fields)")
    return forms


def build(assets: Path, out_demo_dir: Path | None = None, fonts_dir: Path = FONTS_DIR) -> Files:
    """Load the forms under ``assets``/demo/procedures and write their PDFs."""
    demo = assets / "demo"
    files = render_all(load_forms(demo / "procedures"), fonts_dir)
    write_outputs(files, out_demo_dir or demo)
    return files


def compare(fresh: Path, committed: Path) -> list[str]:
    """Differences between a fresh render and the committed PDFs, one line each."""
    problems = []
    for folder in ("forms", "samples"):
        new = {p.name for p in (fresh / folder).glob("*.pdf")}
        old = {p.name for p in (committed / folder).glob("*.pdf")}
        for name in sorted(new - old):
            problems.append(f"missing: {folder}/{name}")
        for name in sorted(old - new):
            problems.append(f"stale: {folder}/{name}")
        for name in sorted(new & old):
            if (fresh / folder / name).read_bytes() != (committed / folder / name).read_bytes():
                problems.append(f"differs: {folder}/{name}")
    return problems


def check(assets: Path, fonts_dir: Path = FONTS_DIR) -> int:
    """Exit code for --check: 0 when the committed PDFs match a fresh render, else 1."""
    with tempfile.TemporaryDirectory(prefix="demo-pdfs-") as tmp:
        files = build(assets, Path(tmp), fonts_dir)
        problems = compare(Path(tmp), assets / "demo")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} PDF(s) out of date: run python scripts/make_demo_pdfs.py")
        return 1
    print(f"demo PDFs up to date ({counts(files)})")
    return 0


def counts(files: Files) -> str:
    return f"{len(files['forms'])} forms, {len(files['samples'])} samples"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--assets", type=Path, default=DEFAULT_ASSETS, help="assets folder (default: %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed PDFs differ from a render"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    assets: Path = args.assets
    if not (assets / "demo" / "procedures").is_dir():
        print(f"no {assets / 'demo' / 'procedures'} folder", file=sys.stderr)
        return 2
    try:
        if args.check:
            return check(assets)
        files = build(assets)
    except CatalogueFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    demo = assets / "demo"
    print(f"{counts(files)} -> {demo / 'forms'}, {demo / 'samples'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
