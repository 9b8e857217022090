"""The ``mockserver`` subcommands other than ``serve`` and ``contract``: one module each."""
