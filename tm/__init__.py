"""tm: offline Chinese→English translation memory and glossary tool."""

__version__ = "0.1.0"
