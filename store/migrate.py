"""`python -m store.migrate`: bring the read model's schema to the newest migration, and stop.

The API and the worker migrate at start too (idempotent, one at a time under an advisory lock); in Kubernetes a
one-off Job runs this first, so a new release's pods never race to migrate a large table.
"""

from __future__ import annotations

import sys

from config.settings import get_settings
from store.database import ensure_schema, make_engine


def main() -> int:
    engine = make_engine(get_settings().db_url)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()
    print("the read model's schema is at the newest migration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
