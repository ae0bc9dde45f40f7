"""Subcommands of features beyond the core; each module has register(subparsers)."""
