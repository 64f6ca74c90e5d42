"""``upperback emg``: analyse sEMG recordings and run live (or replayed) biofeedback.

The lead registers :data:`emg_app` as the ``emg`` sub-command. Errors a user can cause
print one line ``error: ...`` on stderr and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from upperback.errors import InvalidInput, UpperbackError

emg_app = typer.Typer(
    name="emg",
    help="sEMG analysis: activations, ratios, onset delays, fatigue, quality; live biofeedback.",
    no_args_is_help=True,
)


def _fail(exc: UpperbackError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(2)


@emg_app.command("analyze")
def analyze(
    rec: Path = typer.Argument(..., help="Recording: .csv/.txt, .edf/.bdf, .c3d or WFDB .hea"),
    fs: float | None = typer.Option(
        None, "--fs", help="Sampling rate in Hz (text files without time column)"
    ),
    mvc: Path | None = typer.Option(None, "--mvc", help="MVC recording for normalization"),
    mains: str = typer.Option("auto", "--mains", help="50, 60, auto or none"),
    map_: list[str] = typer.Option([], "--map", help="CHANNEL=MUSCLE override, e.g. EMG6=UT_R"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to standard output"),
    hold: str | None = typer.Option(
        None, "--hold", help="Isometric hold for the fatigue trend, START:END seconds"
    ),
    meta: list[str] = typer.Option(
        [],
        "--meta",
        help="Electrode/amplifier detail KEY=VALUE, e.g. inter_electrode_distance_mm=20",
    ),
    ecg_lead: str = typer.Option(
        "auto",
        "--ecg-lead",
        help="ECG reference lead: auto (a channel named ECG or EKG), none, or a channel name; "
        "beats found there are removed from the sEMG channels",
    ),
) -> None:
    """Analyse a recording and print the results (JSON with --json)."""
    from upperback.emg import analyze_recording, read_recording
    from upperback.emg.channels import parse_mapping_items

    try:
        mapping = parse_mapping_items(map_)
        hold_s = _parse_hold(hold) if hold is not None else None
        metadata = _parse_items(meta, "--meta", "KEY=VALUE, e.g. amplifier=Delsys Trigno")
        recording = read_recording(rec, fs=fs, mapping=mapping or None)
        mvc_rec = read_recording(mvc, fs=fs) if mvc is not None else None
        result = analyze_recording(
            recording,
            mvc=mvc_rec,
            mains=mains,
            hold_s=hold_s,
            metadata=metadata,
            ecg_lead=ecg_lead,
        )
    except UpperbackError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{rec.name}: {result.fs:g} Hz, {result.duration_s:.1f} s")
    for col in (
        "channel",
        "muscle",
        "side",
        "bursts",
        "RMS",
        "%MVC",
        "MDF Hz",
        "MDF slope Hz/min [95% CI]",
        "quality",
    ):
        table.add_column(col)
    for name, ch in result.channels.items():
        table.add_row(
            name,
            ch.muscle,
            ch.side or "",
            str(len(ch.activations)),
            f"{ch.rms:.3g}" if ch.rms is not None else "-",
            f"{100 * ch.rms_mvc:.0f}" if ch.rms_mvc is not None else "-",
            f"{ch.median_frequency_hz:.0f}" if ch.median_frequency_hz is not None else "-",
            _trend_text(ch.fatigue),
            "ok" if ch.quality.ok else ",".join(ch.quality.flags),
        )
    console = Console()
    console.print(table)
    for k, v in result.ratios.items():
        console.print(
            f"ratio {k} ({result.ratio_basis}): {v:.2f}" if v is not None else f"ratio {k}: -"
        )
    for name, ch in result.channels.items():
        if ch.fatigue_note:
            console.print(f"{name}: {ch.fatigue_note}", markup=False)
    console.print(f"normalization: {result.normalization}", markup=False)
    console.print(
        f"ECG reference lead: {result.ecg_lead or 'none (beats sought on each channel)'}",
        markup=False,
    )
    for line in result.processing:
        console.print(f"processing: {line}", markup=False)
    for key, value in result.metadata.items():
        console.print(f"metadata: {key} = {value}", markup=False)


def _trend_text(tr: Any) -> str:
    if tr is None:
        return "-"
    lo, hi = tr.ci95_hz_per_min
    return f"{tr.slope_hz_per_min:.1f} [{lo:.1f}, {hi:.1f}] {tr.verdict}"


def _parse_hold(text: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in text.split(":"))
    except ValueError:
        raise InvalidInput(f"--hold {text!r}: expected START:END in seconds, e.g. 5:35") from None
    return a, b


def _parse_items(items: list[str], option: str, example: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"{option} {item!r}: expected {example}")
        out[key.strip()] = value.strip()
    return out


@emg_app.command("exposure")
def exposure(
    rec: Path = typer.Argument(..., help="Workday recording (.edf/.bdf read in chunks; others)"),
    mvc: Path = typer.Option(..., "--mvc", help="MVC recording of the same montage (%MVC)"),
    rest: Path | None = typer.Option(None, "--rest", help="Rest recording: noise to subtract"),
    fs: float | None = typer.Option(None, "--fs", help="Sampling rate in Hz for text files"),
    mains: str = typer.Option("auto", "--mains", help="50, 60, auto or none"),
    plot: Path | None = typer.Option(None, "--plot", help="Write the APDF/EVA picture (PNG)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to standard output"),
    client: int | None = typer.Option(
        None,
        "--client",
        min=1,
        max=2**31 - 1,
        help="Store the result with this client's record (finding and micro-break plan)",
    ),
    db: str | None = typer.Option(
        None, "--db", envvar="UPPERBACK_DB", help="Database for --client"
    ),
) -> None:
    """Workday exposure: APDF p10/p50/p90 %MVC, gaps/min, muscular rest, sustained
    low-level activity, EVA; with the clinician finding and micro-break advice. With
    --client the result is kept with the client's record: the finding enters the
    assessment view and the micro-breaks the client's plan."""
    from upperback.emg import read_recording
    from upperback.emg.exposure import exposure_finding, micro_break_prescription
    from upperback.emg.exposure.analyze import exposure_of_edf, exposure_of_recording

    try:
        if mains not in ("auto", "50", "60", "none"):
            raise InvalidInput(f"--mains must be one of auto, 50, 60, none; got {mains!r}")
        mvc_rec = read_recording(mvc, fs=fs)
        if rec.suffix.lower() in (".edf", ".bdf") and rest is None and fs is None:
            if not rec.exists():
                raise InvalidInput(f"{rec.name}: file not found")
            result = exposure_of_edf(rec, mvc_rec, mains=mains)
        else:
            rest_rec = read_recording(rest, fs=fs) if rest is not None else None
            result = exposure_of_recording(
                read_recording(rec, fs=fs), mvc_rec, rest=rest_rec, mains=mains
            )
        finding = exposure_finding(result)
        advice = micro_break_prescription(result)
        if plot is not None:
            from upperback.emg.exposure.plots import exposure_plot_png

            try:
                plot.write_bytes(exposure_plot_png(result))
            except OSError as exc:
                raise InvalidInput(f"--plot {plot.name}: cannot write ({exc.strerror})") from None
        stored = _store_exposure(result, rec.name, client, db) if client is not None else None
    except UpperbackError as exc:
        raise _fail(exc) from None
    if as_json:
        doc = {
            "exposure": result.model_dump(mode="json"),
            "finding": finding.model_dump(mode="json") if finding else None,
            "micro_break": advice.model_dump(mode="json") if advice else None,
            "stored_exposure_id": stored,
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    typer.echo(f"{rec.name}: {result.duration_s / 3600:.2f} h, {result.fs:g} Hz")
    for c in result.channels:
        typer.echo(
            f"{c.channel}: APDF p10/p50/p90 {c.apdf_p10_pct_mvc:.1f}/{c.apdf_p50_pct_mvc:.1f}/"
            f"{c.apdf_p90_pct_mvc:.1f} %MVC; {c.gaps_per_min:.1f} gaps/min; rest "
            f"{c.rest_pct_time:.1f} % of time; sustained low-level {c.sustained_pct_time:.1f} % "
            f"({c.n_sustained_periods} periods > {result.thresholds.sustained_min_s:g} s)"
        )
    if finding is not None:
        typer.echo(f"finding: {finding.statement} [{finding.evidence}] ({finding.source})")
    if advice is not None:
        typer.echo(f"micro-breaks: {advice.text} [{advice.evidence}] ({advice.source})")
    for f in result.flags:
        typer.echo(f"flag: {f}")
    for line in result.processing:
        typer.echo(f"processing: {line}")
    if stored is not None:
        typer.echo(f"stored with client {client} as exposure {stored}")


@emg_app.command("live")
def live(
    rec: Path | None = typer.Argument(None, help="Recording to replay (with --replay)"),
    replay: bool = typer.Option(False, "--replay", help="Replay REC as if live"),
    lsl: str | None = typer.Option(None, "--lsl", help="Name of a Lab Streaming Layer EMG stream"),
    speed: float = typer.Option(
        0.0, "--speed", help="Replay speed (1 = real time, 0 = as fast as possible)"
    ),
    duration: float = typer.Option(30.0, "--duration", help="Seconds to record from LSL"),
    fs: float | None = typer.Option(None, "--fs", help="Sampling rate in Hz for text files"),
    target: float = typer.Option(
        1.0,
        "--target",
        help="Ratio target (UT over partner) in assessment class units: 0.6 class A, 1.0 class B",
    ),
    mvc: Path | None = typer.Option(
        None, "--mvc", help="MVC recording: envelopes / MVC RMS, so the ratio is in class units"
    ),
    outlet: str | None = typer.Option(
        None, "--outlet", help="Publish level and cues on LSL outlets NAME and NAME-cues"
    ),
    mains: str = typer.Option("auto", "--mains", help="50, 60, auto or none"),
    map_: list[str] = typer.Option([], "--map", help="CHANNEL=MUSCLE override, e.g. EMG6=UT_R"),
    as_json: bool = typer.Option(False, "--json", help="Print the session summary as JSON"),
    client: int | None = typer.Option(
        None, "--client", min=1, max=2**31 - 1, help="Store the summary with this client's log"
    ),
    session: str | None = typer.Option(
        None, "--session", help="Logged session as WEEK.INDEX, e.g. 3.2"
    ),
    db: str | None = typer.Option(
        None, "--db", envvar="UPPERBACK_DB", help="Database for --client"
    ),
) -> None:
    """Live biofeedback from a replayed file or an LSL stream; prints cues and a summary.

    --map CHANNEL=MUSCLE (repeatable) names muscles when the channel labels do not. With
    --client and --session the summary is stored with that logged session.
    """
    from upperback.emg.live.loop import run_lsl, run_replay

    def show(cue: Any) -> None:
        if not as_json:
            typer.echo(f"[{cue.t_s:7.2f} s] {cue.message}")

    from upperback.emg import read_recording
    from upperback.emg.channels import parse_mapping_items
    from upperback.emg.live.outlet import FeedbackOutlet

    try:
        mapping = parse_mapping_items(map_)
        if not 0 < target <= 50:
            raise InvalidInput(f"--target must be a ratio above 0 and at most 50, got {target:g}")
        mvc_rec = read_recording(mvc, fs=fs) if mvc is not None else None
        out = FeedbackOutlet(outlet) if outlet is not None else None
        if lsl is not None:
            summary = run_lsl(
                lsl,
                duration_s=duration,
                target=target,
                mains=mains,
                on_cue=show,
                mapping=mapping or None,
                mvc=mvc_rec,
                outlet=out,
            )
        elif replay and rec is not None:
            summary = run_replay(
                read_recording(rec, fs=fs, mapping=mapping or None),
                speed=speed,
                target=target,
                mains=mains,
                on_cue=show,
                mvc=mvc_rec,
                outlet=out,
            )
        else:
            raise UpperbackError("give REC with --replay, or --lsl NAME")
        if client is not None:
            _store_live(summary.model_dump(mode="json"), client, session, db)
    except UpperbackError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(summary.model_dump_json(indent=2) + "\n")
    else:
        typer.echo(
            json.dumps(
                {
                    "mean_ratios": summary.mean_ratios,
                    "time_over_target_s": summary.time_over_target_s,
                    "final_level": summary.final_level,
                    "ratio_basis": summary.ratio_basis,
                    "flags": summary.flags,
                }
            )
        )


def _store_exposure(result: Any, filename: str, client: int, db: str | None) -> int:
    """Keep a workday exposure with the client's record through the service layer."""
    import datetime as dt

    from upperback.cli.common import clinician, close_databases, open_db
    from upperback.services.exposure import store_exposure

    try:
        database = open_db(db)
        return store_exposure(
            database, clinician(database), client, day=dt.date.today(), filename=filename,
            result=result,
        )  # fmt: skip
    finally:
        close_databases()


def _store_live(summary: dict[str, Any], client: int, session: str | None, db: str | None) -> None:
    """Attach a live summary to a logged session through the service layer."""
    from upperback.cli.common import clinician, close_databases, open_db
    from upperback.services.sessions import attach_emg

    try:
        week_s, index_s = (session or "").split(".")
        week, index = int(week_s), int(index_s)
    except ValueError:
        raise InvalidInput(f"--session: {session!r} must be WEEK.INDEX, e.g. 3.2") from None
    try:
        database = open_db(db)
        attach_emg(database, clinician(database), client, week, index, summary)
    finally:
        close_databases()
