"""The sample certificate under docs/certificate: `python -m infra.certificate_sample` renders a made-up holder's
certificate (Arabic and English pages, two listed convictions, one from a sealed file) with a throw-away key and
draws each page to PNG with pdftoppm, so the layout and the Arabic shaping can be looked at."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from config.settings import ROOT

OUT = ROOT / "docs" / "certificate"
NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def main(args: list[str] | None = None) -> int:
    with tempfile.TemporaryDirectory() as state:
        os.environ["MIZAN_STATE_DIR"] = state  # the throw-away signing key's place; never the real one
        from certificates.pdf import CertificateDocument, render_certificate
        from core.records import RecordEntry, certificate_expiry

        listed = [
            RecordEntry(7, "c", "ط م/2026/00070", "", "119850012345", "السرقة (المادة 444 عقوبات)", "misdemeanour",
                        "الحبس ستة أشهر", "court.tripoli", "محكمة طرابلس الابتدائية",
                        "Tripoli Court of First Instance", datetime(2026, 3, 1, tzinfo=UTC)),
            RecordEntry(8, "c", "ط م/2025/00012", "", "119850012345", "—", "felony", "السجن سنتين",
                        "court.tripoli", "محكمة طرابلس الابتدائية", "Tripoli Court of First Instance",
                        datetime(2025, 3, 1, tzinfo=UTC), disclosure="without_offence"),
        ]
        code = "MZN-7KQ4R-M2XWD-9HTPB"
        pdf = render_certificate(CertificateDocument(
            holder_name="أحمد عبد الله محمد المبروك", national_id="119850012345", purpose="تقديم على وظيفة",
            listed=listed, issued_at=NOW, expires_at=certificate_expiry(NOW, 3), verification_code=code,
            verify_url=f"https://mizan.example.ly/verify/{code}", english=True, birth_date="1985-03-14",
            birth_place="طرابلس", mother_name="فاطمة علي الزوي", key_id="3f9a1c0b7d2e4a61"))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "sample.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(OUT / "sample")], check=True)
    for number, language in ((1, "ar"), (2, "en")):
        Path(OUT / f"sample-{number}.png").replace(OUT / f"sample-{language}.png")
    print(f"wrote {path} and its pages as PNG")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
