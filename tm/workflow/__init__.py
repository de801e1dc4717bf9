"""The translate → review → export job: the pipeline over a batch of releases, the CAT analysis,
the review workbook (written and read), the import of reviewed sheets, and the document rebuilt
from a sheet.

Imports everything below it (text, memory, formats, glossary, mt); nothing imports it but the CLI.
"""
