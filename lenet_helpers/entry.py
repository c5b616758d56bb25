"""The `lenet` console script's first step: Ctrl-C while PyTorch loads ends in one sentence too."""

import sys


def main() -> int:
    """Load the command line (which imports PyTorch, a second or two), then run it."""
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    return run()
