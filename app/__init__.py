"""Answers, user interface and command line of policykb."""
