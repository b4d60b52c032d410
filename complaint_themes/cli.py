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
from .errors import ComplaintThemesError, InputError

INPUT = click.Path(exists=True, dir_okay=False, path_type=Path)
MODEL_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
MODEL_OPTION = click.option("--model", "model_dir", type=MODEL_DIR, default=None,
                            help="Model folder (default: the bundled council-themes model).")
SPEED_OPTION = click.option(
    "--speed", type=click.Choice(["accurate", "int8", "fast"]), default="accurate",
    show_default=True,
    help="int8: the quantised encoder, 1.2-1.6x faster; fast: the bundled static-embedding "
         "model (thousands of texts/s, lower accuracy; not with --model).")


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
@MODEL_OPTION
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default=None, help="Case id column, checked to exist.")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
@click.option("--redact", "redact_text", is_flag=True,
              help="Replace personal data in the text column of the output (themes are "
                   "computed on the original text).")
@click.option("--header-row", type=click.IntRange(min=1), default=None,
              help="Row holding the column names [default: 1, or the first of the top 20 "
                   "rows holding the text and id columns, below a report title].")
@SPEED_OPTION
@click.option("--rules-only-flags", is_flag=True,
              help="Safeguarding flags from the rules alone, without the per-sentence semantic "
                   "pass: several times faster on a large backlog, lower recall.")
@click.option("--chunk-rows", type=click.IntRange(min=1), default=None,
              help="Large CSV to CSV: classify this many rows at a time, in bounded memory, "
                   "resuming where a killed run stopped.")
def classify(input_path, output_path, model_dir, text_column, id_column, encoding, redact_text,
             header_row, speed, rules_only_flags, chunk_rows):
    """Add a theme, confidence, secondary themes and needs_review to every row of INPUT."""
    import warnings

    from .batch import classify_table, summarise
    from .io import duplicate_ids, read_table, require_columns
    from .persist import load_model
    from .write import check_output, write_table

    if chunk_rows:
        return _classify_in_chunks(input_path, output_path, model_dir, text_column, encoding,
                                   speed, chunk_rows, redact_text or header_row,
                                   False if rules_only_flags else None)
    with user_errors(), warnings.catch_warnings(record=True) as caught:
        check_output(output_path, input_path)  # a wrong or unwritable output: before the run
        df = read_table(input_path, encoding=encoding, header_row=header_row,
                        columns=[text_column, id_column])
        require_columns(df, {"--text-column": text_column, "--id-column": id_column},
                        input_path.name)
        repeated = duplicate_ids(df, id_column, input_path.name) if id_column else None
        model = load_model(model_dir, speed=speed, progress=sys.stderr.isatty())
        result = classify_table(df, model, text_column, source=input_path.name,
                                semantic=False if rules_only_flags else None)
        if redact_text:
            from .redact import redact_column

            result = redact_column(result, text_column, progress=sys.stderr.isatty(),
                                   source=input_path.name)
        write_table(result, output_path)
    for note in df.attrs.get("notes", []):
        click.echo(f"note: {note}", err=True)
    for warning in [*(w.message for w in caught), repeated]:
        if warning:
            click.echo(f"warning: {warning}", err=True)
    click.echo(summarise(result))
    click.echo(f"wrote {output_path}")


def _classify_in_chunks(input_path, output_path, model_dir, text_column, encoding, speed,
                        chunk_rows, unsupported, semantic):
    from .persist import load_model
    from .stream import classify_csv_in_chunks
    from .write import check_output

    with user_errors():
        if unsupported:
            raise click.UsageError("--chunk-rows does not combine with --redact or --header-row")
        if input_path.suffix.lower() != ".csv" or output_path.suffix.lower() != ".csv":
            raise click.UsageError("--chunk-rows reads and writes .csv files only")
        check_output(output_path, input_path)
        model = load_model(model_dir, speed=speed, progress=False)
        rows = classify_csv_in_chunks(input_path, output_path, model, text_column, chunk_rows,
                                      encoding=encoding or "utf-8-sig",
                                      progress=sys.stderr.isatty(), semantic=semantic)
    click.echo(f"{rows} rows classified.")
    click.echo(f"wrote {output_path}")


@cli.command("redact")
@click.argument("input_path", metavar="INPUT", type=INPUT)
@click.option("-o", "--output", "output_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .csv, .xlsx or .parquet.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def redact_command(input_path, output_path, text_column, encoding):
    """Replace names, addresses, phone, NHS and NI numbers in the text column of INPUT.

    Every row and column is kept; only the text column changes. Best effort: check a sample.
    """
    from .io import read_table
    from .redact import redact_column
    from .write import check_output, write_table

    with user_errors():
        check_output(output_path, input_path)  # a wrong or unwritable output: before the run
        df = read_table(input_path, encoding=encoding)
        result = redact_column(df, text_column, progress=sys.stderr.isatty(),
                               source=input_path.name)
        write_table(result, output_path)
    click.echo(f"{result.attrs['redacted']} of {len(df)} texts had personal data replaced")
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


def _labelled_cases(path: Path, encoding: str | None, text_column: str, label_column: str,
                    multi_label: bool = False, label_sep: str = "|") -> tuple[list, list, list]:
    """The texts, labels and spreadsheet rows of a labelled file; rows with empty text are left
    out and counted on stderr (an empty label is an error naming its row)."""
    from .io import header_row_of, read_table
    from .io import label_column as read_labels
    from .io import text_column as read_texts

    df = read_table(path, encoding=encoding)
    texts = read_texts(df, text_column, path.name)
    labels = read_labels(df, label_column, path.name, multi_label, label_sep)
    keep = [i for i, t in enumerate(texts) if t is not None]
    if len(keep) < len(texts):
        click.echo(f"skipped {len(texts) - len(keep)} rows with empty text", err=True)
    first = header_row_of(df) + 1
    return [texts[i] for i in keep], [labels[i] for i in keep], [first + i for i in keep]


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
@MODEL_OPTION
@click.option("-o", "--output", "report_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Report folder to write.")
@label_options
@click.option("--cv", type=click.IntRange(min=2), default=None,
              help="Cross-validate the model's configuration on LABELLED with K folds.")
@click.option("--learning-curve", is_flag=True,
              help="Also plot macro-F1 against the number of labelled examples per theme.")
@click.option("--redact/--no-redact", "redact_text", default=True, show_default=True,
              help="Replace personal data in the complaint texts the report shows.")
def evaluate(labelled, model_dir, report_dir, text_column, label_column, multi_label,
             label_sep, encoding, cv, learning_curve, redact_text):
    """Score a model against the labelled cases in LABELLED; write REPORT_DIR/report.html."""
    from .persist import load_model
    from .report import evaluate_to_folder
    from .taxonomy import Taxonomy

    with user_errors():
        config = _config(None, text_column=text_column, label_column=label_column,
                         multi_label=multi_label, label_sep=label_sep)
        texts, y, _ = _labelled_cases(labelled, encoding, config.text_column,
                                      config.label_column, config.multi_label, config.label_sep)
        model = load_model(model_dir, progress=sys.stderr.isatty())
        taxonomy = model.meta_.get("taxonomy")
        metrics = evaluate_to_folder(
            model, texts, y, report_dir, cv=cv,
            taxonomy=Taxonomy.from_dict(taxonomy) if taxonomy else None, curve=learning_curve,
            redact=redact_text)
    click.echo(f"{metrics['n']} texts: macro-F1 {metrics['macro_f1']:.3f}, "
               f"micro-F1 {metrics['micro_f1']:.3f} ({metrics['method']})")
    if metrics.get("themes_not_in_file"):
        click.echo(f"macro-F1 over the {len(metrics['per_theme'])} themes in the file; no case "
                   f"of {', '.join(metrics['themes_not_in_file'])}")
    if "needs_review_share" in metrics:
        click.echo(f"needs_review {metrics['needs_review_share']:.1%}; accuracy of the rest "
                   f"{metrics['accuracy_of_rest']}")
    click.echo(f"wrote {report_dir / 'report.html'}")


@cli.command()
@click.argument("labelled", type=INPUT)
@MODEL_OPTION
@click.option("-o", "--output", "new_model_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path), help="Model folder to write.")
@click.option("--text-column", default="text", show_default=True)
@click.option("--label-column", default="theme", show_default=True)
@click.option("--target-accuracy", type=click.FloatRange(0, 1), default=0.85, show_default=True,
              help="Accuracy the cases not sent to review should reach.")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def calibrate(labelled, model_dir, new_model_dir, text_column, label_column, target_accuracy,
              encoding):
    """Fit a model's confidence and review threshold to your own labelled cases in LABELLED."""
    from .calibrate import recalibrate
    from .persist import load_model, save_model
    from .taxonomy import Taxonomy

    with user_errors():
        texts, y, rows = _labelled_cases(labelled, encoding, text_column, label_column)
        model = load_model(model_dir, progress=sys.stderr.isatty())
        themes = set(model.classes_)
        unknown = [(row, label) for row, label in zip(rows, y, strict=True)
                   if label not in themes]
        if unknown:
            raise InputError(
                f"column {label_column!r} of {labelled.name}, row {unknown[0][0]}: "
                f"{unknown[0][1]!r} is not a theme of this model ({', '.join(model.classes_)}); "
                f"{len(unknown)} rows have labels it does not know. Recode them, or train a "
                "model on your own labels (complaint-themes train)"
            )
        record = recalibrate(model, texts, y, target_accuracy)
        meta = model.meta_
        record["file"] = labelled.name
        save_model(model, new_model_dir,
                   taxonomy=Taxonomy.from_dict(meta["taxonomy"]) if meta.get("taxonomy") else None,
                   metrics={**meta.get("metrics", {}), "recalibration": record},
                   training=meta.get("training", {}),
                   card=f"Recalibrated on {record['n']} labelled cases of {labelled.name} "
                        "(`complaint-themes calibrate`): the head is that of the model it was "
                        "made from; its temperature and review threshold were chosen on these "
                        "cases (see `metrics.recalibration` in meta.json).")
    before, after = record["before"], record["after"]
    estimate = after["half_split_estimate"]
    click.echo(f"{record['n']} cases: temperature {before['temperature']} -> "
               f"{after['temperature']}, review threshold {before['review_threshold']} -> "
               f"{after['review_threshold']}")
    click.echo(f"ECE {before['on_cases']['ece']} before; {estimate['ece']} after (chosen on one "
               f"half, scored on the other); needs_review {estimate['needs_review_share']:.1%}, "
               f"accuracy of the rest {estimate['accuracy_of_rest']}")
    click.echo(f"wrote {new_model_dir}")


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
@click.option("--split/--no-split", default=True, show_default=True,
              help="Split large, loosely knit clusters (see complaint_themes.cluster_split).")
@click.option("--words/--no-words", default=True, show_default=True,
              help="Count shared distinctive words as well as meaning when deciding which "
                   "complaints are similar (see complaint_themes.cluster_words).")
@click.option("--previous", "state_dir", type=MODEL_DIR, default=None,
              help="state/ folder of an earlier run: add INPUT to its clusters, keeping ids "
                   "(its similarity, min-residents and window-days are used).")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def clusters(input_path, out_dir, model_dir, text_column, resident_column, date_column,
             service_column, min_residents, window_days, similarity, split, words, state_dir,
             encoding):
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
                                   similarity=similarity or DEFAULT_SIMILARITY, split=split,
                                   words=words, **columns)
        write_cluster_report(result, out_dir, title=f"Clusters in {input_path.name}")
    click.echo(result.summary())
    click.echo(f"wrote {out_dir}")


@cli.command("report")
@click.argument("cases_path", metavar="CASES", type=INPUT)
@click.option("-o", "--output", "html_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The page, e.g. report.html; report.xlsx is written beside it.")
@click.option("--year", default=None, help="Financial year, e.g. 2024/25 [default: that of "
                                           "the newest received date].")
@click.option("--previous", "previous_path", type=INPUT, default=None,
              help="The previous year's cases [default: the rows of CASES from the year before].")
@click.option("--model", "model_dir", type=MODEL_DIR, default=None,
              help="Model folder for themes (when CASES has no theme column) and clusters.")
@SPEED_OPTION
@click.option("--text-column", default="text", show_default=True)
@click.option("--date-column", default="date_received", show_default=True,
              help="Date received.")
@click.option("--responded-column", default="date_responded", show_default=True)
@click.option("--stage-column", default="stage", show_default=True)
@click.option("--outcome-column", default="outcome", show_default=True)
@click.option("--service-column", default="service", show_default=True)
@click.option("--directorate-column", default="directorate", show_default=True)
@click.option("--type-column", default="type", show_default=True,
              help="Complaint or compliment.")
@click.option("--resident-column", default="resident_id", show_default=True)
@click.option("--theme-column", default="theme", show_default=True,
              help="Theme of each case; without it the texts are classified.")
@click.option("--learning", "learning_path", type=INPUT, default=None,
              help="Table of cluster_id, learning_status[, action] for the clusters.")
@click.option("--encoding", default=None, help="CSV encoding when not UTF-8 or cp1252.")
def report(cases_path, html_path, year, previous_path, model_dir, speed, text_column,
           date_column, responded_column, stage_column, outcome_column, service_column,
           directorate_column, type_column, resident_column, theme_column, learning_path,
           encoding):
    """Write the annual feedback report of CASES: a printable page and an .xlsx workbook.

    A column under its default name that is absent switches its section off; a column
    named with an option must exist.
    """
    from .annual_run import build_annual_report
    from .case_fields import CaseColumns

    columns = CaseColumns(
        received=date_column, responded=responded_column, stage=stage_column,
        outcome=outcome_column, service=service_column, directorate=directorate_column,
        type=type_column, resident=resident_column, theme=theme_column)
    with user_errors():
        run = build_annual_report(cases_path, html_path, year=year, previous_path=previous_path,
                                  columns=columns, text_column=text_column,
                                  model_dir=model_dir, speed=speed,
                                  learning_path=learning_path, encoding=encoding,
                                  progress=sys.stderr.isatty())
    for message in run.messages:
        click.echo(f"note: {message}", err=True)
    figures = run.figures
    compared = f" against {figures.previous_year}" if figures.previous_year else ""
    click.echo(f"annual report {figures.year}{compared}: {len(figures.tables)} sections")
    for path in run.paths:
        click.echo(f"wrote {path}")
