"""Load, clean and split source documents into citable chunks."""
