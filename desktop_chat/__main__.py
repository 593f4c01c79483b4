"""`python -m desktop_chat` runs the same entry point as the `desktop-chat` command."""

import sys

from desktop_chat.app import main

if __name__ == "__main__":
    sys.exit(main())
