"""Sentence alignment of past releases with their translations: the aligner (dynamic programming
over link shapes) and its link features, sentence embeddings, the CC-CEDICT lexicon and gloss
view, their compiled forms in the user cache, alignment files and review sheets, whole
archives (documents paired by list, name or content, pairs aligned in parallel), and the
independent scorer.

Imports tm.text, tm.memory (units to store), tm.formats and glossary (terms as anchors).
"""
