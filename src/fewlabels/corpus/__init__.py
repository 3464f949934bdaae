"""Corpora: the embedded synthetic default and (later) importers for real corpora."""
