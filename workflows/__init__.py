"""Temporal workflows: deterministic, one long-lived workflow per case."""
