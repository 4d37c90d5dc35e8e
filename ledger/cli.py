"""The `ledger` command: one verb per job."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from . import __version__
from .extract import ModelNotFound, extract_claims, load_pipeline
from .models import EXTRACTOR_VERSION, json_schemas
from .read import ReadError, iter_articles, one_line
from .store import LedgerError

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
        try:
            claims = extract_claims(item, nlp)
        except Exception as e:  # noqa: BLE001  one article's bug must not stop the rest (as in ingest)
            click.echo(f"error: {item.path or '<input>'}: article '{item.id}': extraction failed: "
                       f"{type(e).__name__}: {one_line(e)}", err=True)
            failed += 1
            continue
        for claim in claims:
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


@cli.command("eval")
@click.argument("gold", type=click.Path(), required=False)
@click.option("--reviews", "reviews_db", type=click.Path(dir_okay=False), metavar="DB",
              help="Also check the claims reviewers marked confirmed or wrong in this ledger")
@click.option("--model", default=None, help="An installed spaCy pipeline to use as the base")
@click.option("--subset", type=click.Choice(["all", "quoted"]), default="all", show_default=True,
              help="quoted: only gold whose content holds a quotation mark (as score.py)")
@click.option("--split", help="Only gold documents of this split")
@click.option("--json", "as_json", is_flag=True,
              help="Print score.py's JSON object only (--errors then goes to stderr)")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=0, metavar="N",
              help="Also list the N worst misses and the N worst false claims")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Only the first N documents")
def eval_(gold, reviews_db, model, subset, split, as_json, n_errors, limit):
    """Run the extractor over GOLD (JSONL, the format ../shared/eval/score.py reads) and score
    it exactly as score.py does, with a breakdown by case; with --reviews, also over the
    articles of a ledger whose claims reviewers marked confirmed or wrong."""
    from .evaluate import GoldError, evaluate, predict, read_gold
    from .evaluate import report

    if not gold and not reviews_db:
        raise click.UsageError("give a GOLD file, --reviews DB, or both")
    if reviews_db:
        _eval_reviews(reviews_db, model, as_json)
    if not gold:
        return
    try:
        docs = read_gold(gold, split=split, limit=limit)
    except GoldError as e:
        raise click.ClickException(str(e))
    ev = evaluate(docs, predict(docs, _pipeline(model), extract=extract_claims), subset)
    if as_json:
        click.echo(json.dumps(ev.figures))
    else:
        click.echo("\n".join(report.figures_lines(ev.figures) + report.breakdown_lines(ev.breakdown())))
    warning = report.warning_line(ev.figures)
    if warning:
        click.echo(warning, err=True)
    if n_errors:
        click.echo("\n".join(report.errors_lines(ev, n_errors)), err=as_json)


def _eval_reviews(db_path, model, as_json):
    from .evaluate import predict
    from .evaluate.reviews import check_reviews, review_lines
    from .store.reviews import reviewed_documents

    docs = reviewed_documents(_open(db_path))
    fig = check_reviews(docs, predict(docs, _pipeline(model), extract=extract_claims))
    click.echo(json.dumps({"reviews": fig}) if as_json else "\n".join(review_lines(fig)))


# --- the ledger database: ingest, export, serve, metadata ----------------------------------

# Below this many input files a progress bar only shows if the batch turns out slow.
PROGRESS_MIN_FILES = 20


def _open(db_path, *, create=False):
    from .store import open_ledger

    try:
        return open_ledger(db_path, create=create)
    except LedgerError as e:
        raise click.ClickException(str(e))


def _count_files(paths) -> int:
    from .read.files import MANIFEST, SUFFIXES

    n = 0
    for p in map(Path, paths):
        if p.is_dir():
            n += sum(1 for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.name != MANIFEST)
        else:
            n += 1
    return n


def _progress(items, paths):
    """A tqdm bar on stderr for a terminal only; None when there is no bar."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    delay = 0 if _count_files(paths) >= PROGRESS_MIN_FILES else 2.0
    return tqdm(items, file=sys.stderr, unit="article", delay=delay, leave=False)


@cli.command()
@click.argument("args", metavar="DB PATHS...", nargs=-1, required=True, type=click.Path())
@click.option("--db", "db_option", type=click.Path(dir_okay=False),
              help="The ledger file, when it is not given first: ledger ingest seeds/ --db ledger.db")
@click.option("--model", default=None, help="An installed spaCy pipeline to use as the base")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes extracting in parallel (the ledger is written by one)")
def ingest(args, db_option, model, workers):
    """Extract the claims in PATHS (.txt, .json, .jsonl files or folders) into the ledger DB;
    claim shards (*.claims.jsonl, from `ledger extract-shards`) are merged as they are.

    DB is created if missing. Unchanged articles are skipped, a changed article's claims are
    replaced. A bad file is reported on one line and skipped, the rest of the batch lands,
    and the exit code is 1.
    """
    from .store import ingest_batch

    if db_option:
        db_path, paths = db_option, args
    elif len(args) >= 2:
        db_path, paths = args[0], args[1:]
    else:
        raise click.UsageError("give the ledger file and at least one path: ledger ingest DB PATHS...")
    nlp = _pipeline(model) if model else None  # fail fast on a missing model

    def extract(article):
        nonlocal nlp
        nlp = nlp or _pipeline(model)  # loaded only once an article needs it
        return extract_claims(article, nlp)

    db = _open(db_path, create=True)
    extractor = EXTRACTOR_VERSION + (f"+{model}" if model else "")
    from .scale.shards import iter_inputs

    items = iter_inputs(paths)
    if workers > 1:
        from .extract.parallel import prepared_in_workers

        from .store import article_status

        items = prepared_in_workers(items, workers, extractor=extractor, model=model,
                                    unchanged=lambda a: article_status(db, a, extractor) == "unchanged")
    bar = _progress(items, paths)

    def on_error(line):
        (bar.write if bar is not None else click.echo)(f"error: {line}", file=sys.stderr)

    try:
        stats = ingest_batch(db, bar if bar is not None else items, extract=extract,
                             extractor=extractor, paths=paths, model=model, on_error=on_error)
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {e}")
    finally:
        if bar is not None:
            bar.close()
    click.echo(stats.summary())
    from .store.link import needs_link

    if needs_link(db):
        _link(db, db_path)
    if stats.skipped:
        sys.exit(1)


def _link(db, db_path) -> None:
    from .store.link import link_ledger

    try:
        st = link_ledger(db)
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {e}")
    click.echo(f"linked: {st.speakers} speakers; {st.clusters} statements reported in several articles, "
               f"{st.drifting} with drift")


@cli.command("link")
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
def link_(db_path):
    """Re-link speakers across articles and regroup claims reported in several articles
    (ingest does this itself; run it after editing the ledger by hand)."""
    _link(_open(db_path), db_path)


@cli.group()
def speakers():
    """List speakers, and correct how articles' speakers were linked into one."""


@speakers.command("list")
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.option("--name", help="Only speakers whose name or an alias contains this")
def speakers_list(db_path, name):
    """One line per speaker: id, name, type, claims, articles, aliases."""
    db = _open(db_path)
    sql = "select id, name, type, claim_count, article_count, aliases from speakers"
    params = []
    if name:
        sql += " where name like ? or aliases like ?"
        params = [f"%{name}%"] * 2
    for sid, nm, typ, claims, articles, aliases in db.execute(sql + " order by claim_count desc, name", params):
        click.echo(f"{sid}\t{nm}\t{typ}\t{claims} claims\t{articles} articles\t{' · '.join(json.loads(aliases or '[]'))}")


def _speaker_name(db, ref: str) -> str:
    """A speaker given by id, name or alias → the name it has now (ids can change as the
    ledger grows; corrections are kept by name). A name several speakers go by is refused."""
    row = db.execute("select name from speakers where id = ? or name = ? collate nocase", [ref, ref]).fetchone()
    if row is not None:
        return row[0]
    names = [r[0] for r in db.execute(
        "select distinct speakers.name from speakers where speakers.id in ("
        "select speaker_id from article_speakers where name = :ref collate nocase union "
        "select speaker_id from speaker_aliases where alias = :ref collate nocase) order by speakers.name",
        {"ref": ref})]
    if len(names) > 1:
        raise click.ClickException(f"{ref!r} names several speakers ({', '.join(names)}): give one of those")
    if not names:
        raise click.ClickException(f"no speaker {ref!r} in the ledger (see `ledger speakers list`)")
    return names[0]


@speakers.command("merge")
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("a")
@click.argument("b")
def speakers_merge(db_path, a, b):
    """A and B (ids or names) are the same speaker. Kept through every re-ingest."""
    from .store.link import add_correction

    db = _open(db_path)
    add_correction(db, "merge", _speaker_name(db, a), _speaker_name(db, b))
    _link(db, db_path)


@speakers.command("split")
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("speaker")
@click.argument("name")
@click.option("--article", "article_id", metavar="ID", help="Only in this article")
def speakers_split(db_path, speaker, name, article_id):
    """The articles' speakers called NAME are not SPEAKER: they stand apart (only in ARTICLE
    with --article). Kept through every re-ingest."""
    from .store.link import add_correction

    db = _open(db_path)
    speaker_name = _speaker_name(db, speaker)
    sql = "select count(*) from article_speakers where name = ? collate nocase"
    if db.execute(sql + (" and article_id = ?" if article_id else ""),
                  [name, article_id] if article_id else [name]).fetchone()[0] == 0:
        raise click.ClickException(f"no article{' ' + repr(article_id) if article_id else ''} names a speaker {name!r}")
    add_correction(db, "split", speaker_name, name, article_id)
    _link(db, db_path)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("claim_id")
@click.option("--status", type=click.Choice(["confirmed", "wrong", "needs-check"]), required=True)
@click.option("--note", help="Why, for the next reader")
def review(db_path, claim_id, status, note):
    """Mark a claim confirmed, wrong or needs-check. The mark is kept by the claim's id, so
    it survives re-ingest, and shows in Datasette (reviews, reviewed_claims)."""
    from .store.reviews import set_review

    db = _open(db_path)
    try:
        set_review(db, claim_id, status, note)
    except LedgerError as e:
        raise click.ClickException(f"{db_path}: {e}")
    click.echo(f"{claim_id}: {status}")


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonld", "markdown"]), default="csv",
              show_default=True, help="json: claims in the claim schema; jsonld: schema.org Quotation items")
@click.option("--group-by", type=click.Choice(["speaker", "cluster"]), default="speaker", show_default=True,
              help="markdown only: by speaker, or by statement reported in several articles")
@click.option("--speaker", help="Only claims by this speaker (name, id or any alias)")
@click.option("--article", "article_id", metavar="ID", help="Only claims from this article")
@click.option("--search", metavar="TERM", help="Only claims whose words, speaker or cue match")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write here instead of stdout")
def export(db_path, fmt, group_by, speaker, article_id, search, output):
    """Write the claims in the ledger DB (all, or filtered) as CSV, JSON, JSON-LD or Markdown."""
    from .export import FORMATS, select_claims

    db = _open(db_path)
    try:
        by_cluster = fmt == "markdown" and group_by == "cluster"
        rows = select_claims(db, speaker=speaker, article=article_id, search=search, whole_clusters=by_cluster)
        n = FORMATS[fmt](rows, output, group_by=group_by) if fmt == "markdown" else FORMATS[fmt](rows, output)
    except sqlite3.Error as e:
        raise click.ClickException(f"{db_path}: {e}")
    if output is not sys.stdout and getattr(output, "name", "-") != "-":
        click.echo(f"{n} claims written to {output.name}", err=True)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 makes the ledger public on your network")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--immutable", is_flag=True,
              help="Promise the file will not change while served (faster: counts and facets kept; "
                   "for published copies). Its write-ahead log is first checkpointed into the file")
def serve(db_path, host, port, immutable):
    """Browse and query the ledger DB with Datasette (read-only)."""
    import asyncio

    import uvicorn

    from .publish.config import make_datasette
    from .store import open_ledger
    from .store.db import checkpoint, indexes_current, shape_current

    try:  # a clear error for a missing or foreign file, before Datasette; read only: never migrated
        db = open_ledger(db_path, read_only=True)
        current, indexed = shape_current(db), indexes_current(db)
        db.close()
    except (LedgerError, sqlite3.Error) as e:
        raise click.ClickException(str(e))
    if not current:
        click.echo(f"warning: {db_path} was written by an older ledger and is served as it is; "
                   f"`ledger link {db_path}` upgrades it", err=True)
    elif not indexed:
        click.echo(f"warning: {db_path} lacks some of the indexes its pages use (a large ingest is running, or "
                   f"one was cut short): pages may be slow; the ingest's end, or `ledger link {db_path}`, "
                   f"builds them", err=True)
    if immutable:  # an immutable reader ignores the write-ahead log: empty it into the file first
        try:
            checkpoint(db_path)
        except LedgerError as e:
            raise click.ClickException(str(e))
    ds = make_datasette(db_path, immutable=immutable)
    asyncio.run(ds.invoke_startup())
    click.echo(f"Serving {db_path} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.option("--yaml", "as_yaml", is_flag=True, help="YAML instead of JSON")
def metadata(db_path, as_yaml):
    """Print the Datasette metadata `ledger serve` uses for DB (for `datasette DB -m FILE`)."""
    from .publish.config import build_metadata, database_name

    meta = build_metadata(database_name(db_path))
    if as_yaml:
        import yaml

        click.echo(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), nl=False)
    else:
        click.echo(json.dumps(meta, indent=2, ensure_ascii=False))


# --- past one machine: extraction mapped over shards (ledger/scale) --------------------------
from .scale.cli import extract_shards_command  # noqa: E402  (dask itself is imported only when run)

cli.add_command(extract_shards_command)
