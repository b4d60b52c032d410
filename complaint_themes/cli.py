"""The ``complaint-themes`` command: thin wrappers over the library.

Each command parses options, calls library functions and turns a
:class:`~complaint_themes.errors.ComplaintThemesError` into a one-line message.
"""

from __future__ import annotations

import os
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
    # the command owns its process: keep the model-loading bar of transformers off the
    # screen (our own bar shows encoding progress); an explicit setting wins
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


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
    from .io import read_table, require_columns, table_suffix, write_table
    from .persist import load_model

    with user_errors():
        table_suffix(output_path)  # refuse a wrong output type before the long run
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


def label_options(command):
    """Options shared by `train` and `evaluate` for reading a labelled file."""
    for option in reversed([
        click.option("--text-column", default=None, help="Text column [default: text]."),
        click.option("--label-column", default=None, help="Label column [default: theme]."),
        click.option("--multi-label", is_flag=True, default=None,
                     help="Each label cell holds several labels."),
        click.option("--label-sep", default=None, help='Separator of labels [default: "|"].'),
        click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252."),
    ]):
        command = option(command)
    return command


def _config(config_path: Path | None, **given):
    """The training config from --config, with command-line options taking precedence."""
    from dataclasses import replace

    from .config import TrainingConfig

    base = TrainingConfig.from_toml(config_path) if config_path else TrainingConfig()
    return replace(base, **{k: v for k, v in given.items() if v is not None})


@cli.command()
@click.argument("labelled", type=INPUT)
@click.option("-o", "--output", "model_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Model folder to write.")
@label_options
@click.option("--taxonomy", "taxonomy_path", type=INPUT, default=None,
              help="TOML file defining the labels (see complaint_themes/data/).")
@click.option("--config", "config_path", type=INPUT, default=None,
              help="Training config TOML, e.g. training/configs/default.toml.")
def train(labelled, model_dir, text_column, label_column, multi_label, label_sep, encoding,
          taxonomy_path, config_path):
    """Train a model folder on the labelled cases in LABELLED."""
    import warnings

    from .io import read_table
    from .train import RareLabelWarning, train_from_table

    with user_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RareLabelWarning)
        config = _config(config_path, text_column=text_column, label_column=label_column,
                         multi_label=multi_label, label_sep=label_sep)
        df = read_table(labelled, encoding=encoding)
        model, report = train_from_table(df, labelled.name, model_dir, config, taxonomy_path,
                                         progress=sys.stderr.isatty())
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    counts = ", ".join(f"{k} {v}" for k, v in report["label_counts"].items())
    click.echo(f"trained on {report['n']} texts: {counts}")
    if "cv" in report:
        cv = report["cv"]
        click.echo(f"{report['cv_folds']}-fold cross-validated macro-F1 {cv['macro_f1']:.3f}; "
                   f"needs_review below confidence {model.review_threshold}")
    click.echo(f"wrote {model_dir}")


@cli.command()
@click.argument("labelled", type=INPUT)
@click.option("--model", "model_dir", type=MODEL_DIR, default=None,
              help="Model folder (default: the bundled council-themes model).")
@click.option("-o", "--output", "report_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Report folder to write.")
@label_options
@click.option("--cv", type=click.IntRange(min=2), default=None,
              help="Cross-validate the model's configuration on LABELLED with K folds.")
@click.option("--learning-curve", is_flag=True,
              help="Also plot macro-F1 against the number of labelled examples per theme.")
def evaluate(labelled, model_dir, report_dir, text_column, label_column, multi_label,
             label_sep, encoding, cv, learning_curve):
    """Score a model against the labelled cases in LABELLED; write REPORT_DIR/report.html."""
    from .io import label_column as read_labels
    from .io import read_table
    from .io import text_column as read_texts
    from .persist import load_model
    from .report import evaluate_to_folder
    from .taxonomy import Taxonomy

    with user_errors():
        config = _config(None, text_column=text_column, label_column=label_column,
                         multi_label=multi_label, label_sep=label_sep)
        df = read_table(labelled, encoding=encoding)
        texts = read_texts(df, config.text_column, labelled.name)
        y = read_labels(df, config.label_column, labelled.name, config.multi_label,
                        config.label_sep)
        keep = [i for i, t in enumerate(texts) if t is not None]
        model = load_model(model_dir, progress=sys.stderr.isatty())
        taxonomy = model.meta_.get("taxonomy")
        metrics = evaluate_to_folder(
            model, [texts[i] for i in keep], [y[i] for i in keep], report_dir, cv=cv,
            taxonomy=Taxonomy.from_dict(taxonomy) if taxonomy else None, curve=learning_curve)
    if len(keep) < len(texts):
        click.echo(f"skipped {len(texts) - len(keep)} rows with empty text", err=True)
    click.echo(f"{metrics['n']} texts: macro-F1 {metrics['macro_f1']:.3f}, "
               f"micro-F1 {metrics['micro_f1']:.3f} ({metrics['method']})")
    if "needs_review_share" in metrics:
        click.echo(f"needs_review {metrics['needs_review_share']:.1%}; accuracy of the rest "
                   f"{metrics['accuracy_of_rest']}")
    click.echo(f"wrote {report_dir / 'report.html'}")


@cli.command()
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option("-o", "--output", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for clusters.csv, assignments.csv, clusters.json, clusters.html "
                   "and state/.")
@click.option("--model", "model_dir", type=MODEL_DIR, default=None,
              help="Model folder for themes and embeddings (default: the bundled model).")
@click.option("--text-column", default="text", show_default=True)
@click.option("--resident-column", default=None, help="Resident id (default: a row is a resident).")
@click.option("--date-column", default=None, help="Date received (enables windows and emerging).")
@click.option("--service-column", default=None)
@click.option("--min-residents", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--window-days", type=click.IntRange(min=1), default=90, show_default=True)
@click.option("--similarity", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Cosine similarity for two complaints to be similar [default: 0.6].")
@click.option("--previous", "state_dir", type=MODEL_DIR, default=None,
              help="state/ folder of an earlier run: add INPUT to its clusters, keeping ids "
                   "(its similarity, min-residents and window-days are used).")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def clusters(input_path, out_dir, model_dir, text_column, resident_column, date_column,
             service_column, min_residents, window_days, similarity, state_dir, encoding):
    """Find groups of similar complaints from different residents in INPUT."""
    from .cluster import DEFAULT_SIMILARITY, find_clusters
    from .cluster_report import write_cluster_report
    from .cluster_update import update_clusters
    from .io import read_table
    from .persist import load_model

    columns = dict(text_column=text_column, resident_column=resident_column,
                   date_column=date_column, service_column=service_column,
                   source=input_path.name)
    with user_errors():
        df = read_table(input_path, encoding=encoding)
        model = load_model(model_dir, progress=sys.stderr.isatty())
        if state_dir is not None:
            result = update_clusters(state_dir, df, model=model, **columns)
        else:
            result = find_clusters(df, model=model, min_residents=min_residents,
                                   window_days=window_days,
                                   similarity=similarity or DEFAULT_SIMILARITY, **columns)
        write_cluster_report(result, out_dir, title=f"Clusters in {input_path.name}")
    click.echo(result.summary())
    click.echo(f"wrote {out_dir}")
