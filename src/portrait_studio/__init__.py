"""portrait-studio: offline AI portrait server, library and CLI."""
__version__ = "0.1.0"
