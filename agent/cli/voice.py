"""Voice commands: `homebody listen`, and the audio sides of `ask`, `run` and `eval`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from agent.config import Settings
from agent.turn.context import TurnContext, TurnResult

if TYPE_CHECKING:
    from agent.app import App
    from agent.evaluation.audio import AudioReport


def register(commands: argparse._SubParsersAction) -> None:
    listen = commands.add_parser("listen", help='the live voice loop: wake word ("Okay Nabu"), command, spoken reply')
    listen.add_argument("--area", help="the room the microphone is in")
    listen.add_argument("--person", help="who is talking")
    listen.set_defaults(handler=cmd_listen)


def cmd_listen(args: argparse.Namespace, settings: Settings) -> int:
    """Listen on the microphone; without one, say so and fall back to the text console."""
    from agent.app import App
    from agent.cli.console import Console, run_console
    from agent.cli.instance import advertised_while_running
    from agent.cli.options import turn_context
    from agent.voice.audio import AudioError

    context = turn_context(settings, args)
    console = Console()
    with App.start(settings, routines_on_time=True, announce=console.announce) as app, advertised_while_running(app):
        try:
            run_live(app, context, verbose=args.verbose)
        except AudioError as error:
            print(f"homebody: {error}; using the text console instead.", file=sys.stderr)
            print('Type what you would say, e.g. "turn on the kitchen light"; "quit" to stop.')
            app.ready()
            run_console(app.assistant, context, console, verbose=args.verbose)
    return 0


def run_live(app: App, context: TurnContext, verbose: bool = False, stdout: TextIO = sys.stdout) -> None:
    """The live loop with a console view of what was heard and done; AudioError without sound devices."""
    from agent.voice.live import Listener

    listener = Listener(app, context)
    app.ready()
    try:
        loads = ", ".join(f"{name} {ms / 1000:.1f} s" for name, ms in listener.load_ms.items())
        stdout.write(f'Listening: say "{listener.wake_word.phrase}", then a command. Ctrl-C to stop. '
                     f"(models loaded: {loads})\n")
        stdout.flush()
        for exchange, result in listener.exchanges():
            show_exchange(exchange.heard, exchange.reply, exchange.timings_ms, result, stdout, verbose)
    finally:
        listener.close()


def show_exchange(heard: str, reply: str, timings_ms: dict[str, float], result: TurnResult | None,
                  stdout: TextIO, verbose: bool = False) -> None:
    """heard / did / said, one line each, with the times that matter to a listener."""
    stt = f"  (speech to text {timings_ms['stt']:.0f} ms)" if "stt" in timings_ms else ""
    stdout.write(f"heard  {heard!r}{stt}\n" if heard else "heard  nothing\n")
    for outcome in result.outcomes if result is not None else []:
        state = " ".join(f"{key}={value}" for key, value in outcome.state.items())
        stdout.write(f"did    {outcome.device_id}: {outcome.status} {state} {outcome.message}".rstrip() + "\n")
    if verbose and result is not None:
        stdout.write(f"plan   {json.dumps(result.plan.to_json(), default=str)}\n")
    first = f"  (first audio {timings_ms['first_audio']:.0f} ms after you stopped)" if "first_audio" in timings_ms else ""
    stdout.write(f"said   {reply!r}{first}\n")
    stdout.flush()


def cmd_ask_voice(args: argparse.Namespace, settings: Settings) -> int:
    """`ask --audio IN.wav` and/or `--say OUT.wav`: a recorded question, a spoken answer."""
    from agent.app import App
    from agent.voice.pipeline import VoicePipeline, answer_recording, answer_text

    from agent.cli.options import turn_context

    if args.audio and args.text is not None:
        print("homebody: give either TEXT or --audio, not both", file=sys.stderr)
        return 2
    context = turn_context(settings, args)
    with App.start(settings) as app:
        pipeline = VoicePipeline.from_app(app)
        if args.audio:
            answer = answer_recording(pipeline, args.audio, context, args.say)
        else:
            answer = answer_text(pipeline, args.text if args.text is not None else sys.stdin.read(), context, args.say)
    if answer.problem:
        print(f"homebody: {answer.problem}", file=sys.stderr)
    elif args.audio:
        print(f"heard: {answer.result.text!r}" if answer.result.text else "heard: nothing")
    print(answer.result.reply)
    if args.say:
        print(f"reply spoken into {args.say} ({answer.reply_seconds:.1f} s)", file=sys.stderr)
    if args.verbose:
        print(json.dumps({"hypotheses": answer.hypotheses, "path": answer.result.path,
                          "plan": answer.result.plan.to_json(), "outcomes": [o.__dict__ for o in answer.result.outcomes],
                          "ms": answer.result.timings_ms}, indent=2, default=str))
    return 1 if answer.problem else 0


def cmd_eval_audio(args: argparse.Namespace, settings: Settings) -> int:
    """`eval --audio`: the cases spoken by espeak-ng voices, next to the text accuracy, with word error rates."""
    from agent.evaluation.audio import evaluate_audio, parse_voices

    started = time.perf_counter()
    report = evaluate_audio(args.cases, settings, settings.household.file or None, parse_voices(args.voices),
                            args.noise)
    print_audio_report(report, sys.stdout)
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report.to_json(), indent=1, default=str))
    return 0


def print_audio_report(report: AudioReport, stdout: TextIO, worst: int = 15) -> None:
    from agent.evaluation.cases import summarize

    text = summarize(report.text)
    noise = f", pink noise at {report.noise_db:g} dB SNR" if report.noise_db is not None else ""
    stdout.write(f"{'voice':<24} {'passed':>9} {'accuracy':>9} {'of text':>8} {'WER':>7}{noise}\n")
    stdout.write(f"{'text':<24} {text['passed']:>4}/{text['cases']:<4} {text['accuracy']:>9.1%}\n")
    for run in report.runs:
        summary = summarize(run.results)
        kept = summary["accuracy"] / text["accuracy"] if text["accuracy"] else 0.0
        stdout.write(f"{run.voice:<24} {summary['passed']:>4}/{summary['cases']:<4} {summary['accuracy']:>9.1%}"
                     f" {kept:>8.1%} {run.wer:>7.1%}\n")
    stdout.write("\nby tag (text, then each voice):\n")
    tags = text["by_tag"]
    per_voice = [summarize(run.results)["by_tag"] for run in report.runs]
    for tag, stats in tags.items():
        voices = "  ".join(f"{v[tag]['accuracy']:>6.0%}" for v in per_voice)
        stdout.write(f"  {tag:<16} {stats['accuracy']:>6.0%}  {voices}  ({stats['cases']})\n")
    lost = report.lost_cases()
    if lost:
        stdout.write(f"\npassed as text, failed as speech ({len(lost)}):\n")
        for voice, case_id, said, heard in lost[: worst * 2]:
            stdout.write(f"  {voice:<20} {case_id}: {said!r} heard as {heard!r}\n")
    misheard = report.misheard_words()
    if misheard:
        stdout.write("\nmost misheard words (said -> heard, times):\n")
        for (said, heard), count in misheard[:worst]:
            stdout.write(f"  {said} -> {heard or '(nothing)'}  {count}\n")
