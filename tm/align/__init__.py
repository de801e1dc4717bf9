"""Sentence alignment of past releases with their translations: the aligner (dynamic programming
over link shapes), sentence embeddings, the CC-CEDICT lexicon and gloss view, alignment files
and review sheets, and the independent scorer.

Imports tm.text, tm.memory (units to store), tm.formats and glossary (terms as anchors).
"""
