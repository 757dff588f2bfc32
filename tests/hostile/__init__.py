"""Hostile input and faults: one test per class of bad input, plus fuzzing of readers and reports."""
