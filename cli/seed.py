"""`ticket-tui seed`: fill a database with realistic tickets, in bulk, with a progress bar."""

from __future__ import annotations

import click

from .common import AppContext, pass_app


@click.command()
@click.option("--tickets", "tickets", type=click.IntRange(min=1), required=True, metavar="N",
              help="How many tickets to add.")
@click.option("--messages", "messages", type=click.IntRange(min=1), default=4, show_default=True,
              metavar="M", help="Average number of messages per ticket.")
@click.option("--seed", "rng_seed", type=int, default=1, show_default=True, metavar="S",
              help="Random seed: the same seed gives the same data.")
@pass_app
def seed(app: AppContext, tickets: int, messages: int, rng_seed: int) -> None:
    """Add N realistic tickets (with clients, staff, departments) for demos and load tests."""
    # Loaded only when seeding: the word lists and the progress bar cost the TUI's start-up.
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
    )

    from store.seed import seed as seed_store

    store = app.store(create=True)  # a desk seeded from nothing, as the demo's
    # The bar goes to stderr, so the summary line on stdout stays clean for scripts.
    console = Console(stderr=True)
    columns = (TextColumn("Seeding"), BarColumn(), MofNCompleteColumn(), TextColumn("tickets"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("seed", total=tickets)
        report = seed_store(store, tickets, messages, rng_seed=rng_seed,
                            progress=lambda done: bar.update(task, completed=done))
    click.echo(
        f"Seeded {report.tickets:,} tickets and {report.messages:,} messages "
        f"({report.clients:,} new clients) in {report.seconds:.1f} s, "
        f"{report.tickets_per_second:,.0f} tickets/s."
    )


COMMANDS = [seed]
