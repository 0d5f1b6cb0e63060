"""Collecting the returned workbooks (SPEC 7.4): recognise each by content, read it back with its cells."""
