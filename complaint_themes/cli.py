"""The ``complaint-themes`` command: thin wrappers over the library.

Each command parses options, calls library functions and turns a
:class:`~complaint_themes.errors.ComplaintThemesError` into a one-line message.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import ComplaintThemesError

INPUT = click.Path(exists=True, dir_okay=False, path_type=Path)
MODEL_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show library errors as ``Error: <message>`` with exit code 1, never a traceback."""
    try:
        yield
    except ComplaintThemesError as e:
        raise click.ClickException(str(e)) from e


@click.group()
@click.version_option(__version__, prog_name="complaint-themes")
def cli() -> None:
    """Salient themes and clusters of similar complaints, from complaint text."""


@cli.command()
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option("-o", "--output", "output_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .csv, .xlsx or .parquet.")
@click.option("--model", "model_dir", type=MODEL_DIR, default=None,
              help="Model folder (default: the bundled council-themes model).")
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default=None, help="Case id column, checked to exist.")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def classify(input_path, output_path, model_dir, text_column, id_column, encoding):
    """Add a theme, confidence, secondary themes and needs_review to every row of INPUT."""
    from .batch import classify_table, summarise
    from .io import read_table, require_columns, write_table
    from .persist import load_model

    with user_errors():
        df = read_table(input_path, encoding=encoding)
        require_columns(df, {"--text-column": text_column, "--id-column": id_column},
                        input_path.name)
        model = load_model(model_dir, progress=sys.stderr.isatty())
        result = classify_table(df, model, text_column, source=input_path.name)
        write_table(result, output_path)
    if df.attrs.get("encoding") == "cp1252":
        click.echo(f"note: {input_path.name} was read as Windows-1252 (cp1252)", err=True)
    click.echo(summarise(result))
    click.echo(f"wrote {output_path}")
