"""Command-line adapter (Typer + Rich) over the service layer."""
