"""The text report: score.py's lines first (so the two can be compared by eye), then the case
breakdown, then the worst errors."""
from __future__ import annotations

from .cases import CASES
from .run import Evaluation

WIDTH = 300  # longest content shown for an error, in characters


def figures_lines(out: dict) -> list[str]:
    """Exactly the lines score.py prints."""
    lines = [f"documents {out['documents']}  gold attributions {out['gold_attributions']}  subset {out['subset']}"]
    for k in ("loose", "strict", "full"):
        m = out[k]
        lines.append(f"{k:7s} P {m['precision']:5.1f}  R {m['recall']:5.1f}  F1 {m['f1']:5.1f}")
    for k, label in (("src", "source"), ("cue", "cue"), ("name", "speaker name")):
        v = out[k + "_accuracy"]
        lines.append(f"{label} accuracy on loose pairs: {'-' if v is None else f'{v:.1f}'}")
    return lines


def warning_line(out: dict) -> str | None:
    """score.py's note on stderr, when there is something to note."""
    bad, unknown = out["claims_with_bad_offsets"], out["claims_for_unknown_documents"]
    if not (bad or unknown):
        return None
    return (f"claims with offsets that do not reproduce their text: {bad}; "
            f"claims for documents not in the gold file: {unknown}")


def _num(v) -> str:
    return "-" if v is None else f"{v:.1f}"


def breakdown_lines(rows: list[dict]) -> list[str]:
    lines = ["", f"{'case':16s} {'gold':>5s} {'loose R':>8s} {'strict R':>9s} {'source':>7s} "
                 f"{'claims':>7s} {'loose P':>8s}"]
    for r in rows:
        lines.append(f"{r['case']:16s} {r['gold']:5d} {_num(r['loose_recall']):>8s} "
                     f"{_num(r['strict_recall']):>9s} {_num(r['source_accuracy']):>7s} "
                     f"{r['claims']:7d} {_num(r['loose_precision']):>8s}")
    lines.append("(source: source accuracy on loose pairs; claims: ours, by the same test; "
                 "a row can share attributions with another)")
    lines += [f"  {case}: {what}" for case, what in CASES.items()]
    return lines


def _clip(s: str | None, width: int = WIDTH) -> str:
    if s is None:
        return "-"
    s = " ".join(s.split())
    return s if len(s) <= width else s[:width].rstrip() + "…"


def errors_lines(ev: Evaluation, n: int) -> list[str]:
    lines = ["", f"worst misses: gold with no loose pair, longest content first ({n} at most; "
                 "⟦ ⟧ marks the span in its context)"]
    for k, e in enumerate(ev.misses(n), 1):
        lines += [f"{k:3d}. {e['doc']}  {e['start']}-{e['end']}  best claim Dice {e['best_dice']:.2f}",
                  f"     context: {e['context'] or '-'}",
                  f"     gold:    {_clip(e['content'])}",
                  f"     source:  {_clip(e['source'])}   cue: {_clip(e['cue'])}",
                  f"     best claim: {_clip(e['best_claim']) if e['best_claim'] else '(no claim overlaps it)'}"]
    lines += ["", f"worst false claims: claims with no loose pair, longest content first ({n} at most)"]
    for k, e in enumerate(ev.false_claims(n), 1):
        head = f"{k:3d}. {e['doc']}  {e['start']}-{e['end']}"
        lines.append(head + ("  offsets do not reproduce the text" if e["bad_offsets"]
                             else f"  best gold Dice {e['best_dice']:.2f}"))
        lines += [f"     context: {e['context'] or '-'}",
                  f"     claim:   {_clip(e['content'])}",
                  f"     source:  {_clip(e['source'])} ({e['speaker'] or 'no speaker'})   cue: {_clip(e['cue'])}"]
        if not e["bad_offsets"]:
            lines.append(f"     best gold: {_clip(e['best_gold']) if e['best_gold'] else '(no gold overlaps it)'}")
    return lines
