"""desktop-chat: a native desktop client for OpenAI-compatible chat models."""

__version__ = "0.1.0"
APP_NAME = "desktop-chat"
APP_ID = "io.github.desktop_chat.DesktopChat"
