"""``python -m harbin_kg`` and the ``harbin-kg`` console script.

:func:`main` imports the command line inside a ``try``: a Ctrl-C while rdflib and pyoxigraph
load (a second or two) ends with one line and exit status 130, not a traceback.
"""

import sys


def main(argv=None) -> None:
    try:
        from .cli import cli
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted during start-up (启动时被中断); nothing was done.\n")
        sys.exit(130)
    cli.main(args=argv, prog_name="harbin-kg")


if __name__ == "__main__":
    main()
