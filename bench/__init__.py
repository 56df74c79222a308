"""Benchmarks of issue 7 (a million tickets without a stutter): run on demand, never by the tests."""
