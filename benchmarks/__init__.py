"""Benchmarks: python -m benchmarks.summarization ..."""
