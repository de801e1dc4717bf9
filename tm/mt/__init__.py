"""Offline machine translation: argos-translate package management, the batch engine with
glossary enforcement, MT evaluation, and the builder of the tiny genuine model the tests and
benchmarks train.

Imports tm.text, tm.formats and glossary.
"""
