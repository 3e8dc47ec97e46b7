"""Third-party front-end files, fetched from the npm registry at set-up time (never committed).

`python -m api.web.assets` (run by `./mizan` before any command) compiles the message catalogs and
unpacks htmx from `npm pack htmx.org@<version>` into the state directory. The pages work without
htmx: it only spares full reloads.
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


def htmx_path() -> Path:
    return vendor_dir() / f"htmx-{get_web_settings().htmx_version}" / HTMX_FILE


def ensure_htmx() -> Path | None:
    """Unpack htmx's minified build once per pinned version; None (and a warning) without npm."""
    target = htmx_path()
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        print("mizan: npm not found; the web runs without htmx", file=sys.stderr)
        return None
    version = get_web_settings().htmx_version
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run([npm, "pack", f"htmx.org@{version}", "--silent", "--pack-destination", work],
                                capture_output=True, text=True, timeout=120, check=False)
        tarballs = list(Path(work).glob("htmx.org-*.tgz"))
        if result.returncode != 0 or not tarballs:
            print(f"mizan: npm pack htmx.org@{version} failed: {result.stderr.strip()}", file=sys.stderr)
            return None
        with tarfile.open(tarballs[0]) as archive:
            member = archive.getmember(f"package/dist/{HTMX_FILE}")
            source = archive.extractfile(member)
            assert source is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(source.read())
            temporary.replace(target)
    return target


def main() -> int:
    compile_catalogs()
    ensure_htmx()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
