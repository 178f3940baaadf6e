"""What the web app and the CLI share: asking, ingesting, the library, packs, uploads."""
