"""The `ledger` command: one verb per job."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .extract import ModelNotFound, extract_claims, load_pipeline
from .models import json_schemas
from .read import ReadError, iter_articles

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@click.group()
@click.version_option(__version__)
def cli():
    """A ledger of who said what in news articles, with offsets into every source."""


def _pipeline(model: str | None):
    try:
        return load_pipeline(model)
    except ModelNotFound as e:
        raise click.ClickException(str(e))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One claim per line, in the claim schema")
@click.option("--model", default=None, help="An installed spaCy pipeline to use as the base")
def extract(paths, as_jsonl, model):
    """Print the claims found in PATHS (.txt, .json, .jsonl files or folders)."""
    nlp = _pipeline(model)
    failed = 0
    for item in iter_articles(paths):
        if isinstance(item, ReadError):
            click.echo(f"error: {item}", err=True)
            failed += 1
            continue
        for claim in extract_claims(item, nlp):
            if as_jsonl:
                click.echo(claim.model_dump_json(exclude_none=False))
            else:
                who = claim.speaker or "(no speaker)"
                cue = claim.cue.text if claim.cue else "-"
                click.echo(f"{item.id}\t{claim.kind}\t{who}\t{cue}\t{claim.content.text}")
    if failed:
        sys.exit(1)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(SCHEMA_DIR),
              show_default=True, help="Folder to write the JSON Schemas to")
def schemas(out_dir):
    """Write the JSON Schemas of Article, Speaker, Claim and Span."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / f"{name}.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        click.echo(out / f"{name}.json")
