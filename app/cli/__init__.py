"""The policykb command line: ``commands`` builds the parser, ``common`` is what subcommands share."""
