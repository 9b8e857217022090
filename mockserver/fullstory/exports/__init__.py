"""Segment exports: the request, the operations that track them, the rows and the files."""
