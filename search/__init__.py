"""Cross-agency search: index definitions (Arabic analysis), indexing, and the one query builder."""
