"""Sentence alignment of past releases with their translations: the aligner (dynamic programming
over link shapes) and its link features, sentence embeddings, the CC-CEDICT lexicon and gloss
view, their compiled forms in the user cache, alignment files and review sheets, whole
archives (documents paired by list, name or content, pairs aligned in parallel), and the
independent scorer. Word alignment inside sentence pairs (word*.py): dictionary evidence, the
statistical model (IBM model 1, then an HMM), symmetrisation, the aligner, and its scores.

Imports tm.text, tm.memory (units to store), tm.formats and glossary (terms as anchors).
"""
