"""Inputs that both the tests and the benchmark scripts use: synthetic essays and
classes, broken and hostile files, killed writers, and the headless browser."""
