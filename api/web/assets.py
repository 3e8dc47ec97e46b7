"""Third-party front-end files, fetched from the npm registry at set-up time (never committed).

`python -m api.web.assets` (run by `./mizan` before any command) compiles the message catalogs and
unpacks, each from `npm pack <package>@<pinned version>` into the download cache: htmx (the pages work
without it: it only spares full reloads) and Chart.js (the supervision dashboard draws its charts with it;
without it, the same numbers stand in their tables).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from api.web.config import get_web_settings, vendor_dir
from i18n.catalogs import compile_catalogs

HTMX_FILE = "htmx.min.js"
CHARTJS_FILE = "chart.umd.min.js"


def htmx_path() -> Path:
    return vendor_dir() / f"htmx-{get_web_settings().htmx_version}" / HTMX_FILE


def chartjs_path() -> Path:
    return vendor_dir() / f"chartjs-{get_web_settings().chartjs_version}" / CHARTJS_FILE


def _npm_unpack(package: str, version: str, member: str, target: Path) -> Path | None:
    """`member` of `npm pack package@version`, unpacked once to `target`; None (and a warning) without npm."""
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        print(f"mizan: npm not found; the web runs without {package}", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run([npm, "pack", f"{package}@{version}", "--silent", "--pack-destination", work],
                                capture_output=True, text=True, timeout=120, check=False)
        tarballs = list(Path(work).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            print(f"mizan: npm pack {package}@{version} failed: {result.stderr.strip()}", file=sys.stderr)
            return None
        with tarfile.open(tarballs[0]) as archive:
            source = archive.extractfile(archive.getmember(f"package/{member}"))
            assert source is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(source.read())
            temporary.replace(target)
    return target


def ensure_htmx() -> Path | None:
    return _npm_unpack("htmx.org", get_web_settings().htmx_version, f"dist/{HTMX_FILE}", htmx_path())


def ensure_chartjs() -> Path | None:
    return _npm_unpack("chart.js", get_web_settings().chartjs_version, f"dist/{CHARTJS_FILE}", chartjs_path())


def main() -> int:
    compile_catalogs()
    ensure_htmx()
    ensure_chartjs()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
