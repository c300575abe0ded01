"""``python -m driftscope`` runs the command line (same as the ``driftscope`` script)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
