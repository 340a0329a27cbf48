"""Flask CLI commands (``flask seed-demo`` ...)."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load demo cinemas, screens, movies, a week of showtimes and one user per role."""
        from app.seed import seed_demo

        credentials = seed_demo()
        click.echo("Demo data ready. Log in with:")
        for role, (email, password) in credentials.items():
            click.echo(f"  {role:<9} {email:<28} {password}")
