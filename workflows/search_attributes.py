"""Mizan's custom Temporal search attributes (name → type), registered by the dev server at start.

Values are stored unencrypted in Temporal's visibility store: never put names or national IDs here.
"""

from __future__ import annotations

SEARCH_ATTRIBUTES: dict[str, str] = {
    "MizanStage": "Keyword",
    "MizanOwnerAgency": "Keyword",
    "MizanRegion": "Keyword",
    "MizanStalled": "Bool",
    "MizanCategory": "Keyword",
    "MizanSensitivity": "Keyword",
    "MizanProjectionBehind": "Bool",
}

STAGE = "MizanStage"
OWNER_AGENCY = "MizanOwnerAgency"
REGION = "MizanRegion"
STALLED = "MizanStalled"
CATEGORY = "MizanCategory"
SENSITIVITY = "MizanSensitivity"
#: the case's actions are in its history but not yet in its log and read model (workflows.case)
PROJECTION_BEHIND = "MizanProjectionBehind"
