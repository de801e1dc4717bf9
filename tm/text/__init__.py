"""Text as releases arrive: matching keys and normalization (pinyin annotations, width, script),
sentence segmentation with stable ids, language tags, decoding input files, quotation marks.

The lowest layer: it imports nothing of tm but tm.errors.
"""
