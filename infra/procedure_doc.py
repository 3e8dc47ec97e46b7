"""Writes docs/procedure.md from the procedure table (core.procedure_doc): `python -m infra.procedure_doc`."""

from __future__ import annotations

from pathlib import Path

from core.procedure_doc import procedure_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "procedure.md"


def main() -> None:
    DOC.write_text(procedure_markdown(), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
