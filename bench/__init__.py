"""Benchmarks: `./mizan bench <name>` runs `bench/<name>.py`'s `main`; results go to bench/results/."""
