"""The term base: approved renderings, recognition and QA (see issue 3)."""
