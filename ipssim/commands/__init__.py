"""Subcommands of the ``ipssim`` command, one module each.

Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; register a
new one in ``ipssim.cli.COMMANDS``.
"""
