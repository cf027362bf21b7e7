#!/usr/bin/env python3
"""Command line of the annotated reader: `python build.py [build|serve|check|import] ...` (see README)."""
import sys

from reader.cli import main

if __name__ == "__main__":
    sys.exit(main())
