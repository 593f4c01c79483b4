"""The PyInstaller bundle's entry script: the same main() as the `desktop-chat` launcher.

PyInstaller puts this file's directory (packaging/) on the analysis path, not the checkout, so
`desktop_chat` is taken from the build venv where it was installed like a user would install it
(non-editable, with its package data).
"""

import sys

from desktop_chat.app import main

if __name__ == "__main__":
    sys.exit(main())
