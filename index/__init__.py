"""Embed, store and retrieve chunks."""
