"""Mizan's core: settings, the procedure table and the pure rules every layer reads."""
