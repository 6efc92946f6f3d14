"""The core commands: run, ask, eval, bench (the device commands are in agent.cli.devices)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from agent.cli import devices as cli_devices
from agent.config import Settings


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run the assistant (embedded broker and virtual home unless mqtt.host is set)")
    run.add_argument("--area", help="the room you are talking from")
    run.add_argument("--person", help="who is talking")
    run.add_argument("--text", action="store_true", help="the text console even when there is a microphone")
    run.set_defaults(handler=cmd_run)

    ask = commands.add_parser("ask", help="say one thing and print the reply")
    ask.add_argument("text", nargs="?", help="what you would say")
    ask.add_argument("--area", help="the room you are talking from")
    ask.add_argument("--person", help="who is talking")
    ask.add_argument("--audio", metavar="IN.wav", help="a recording of what you would say, instead of TEXT")
    ask.add_argument("--say", metavar="OUT.wav", help="also speak the reply into this WAV file")
    ask.set_defaults(handler=cmd_ask)

    cli_devices.register(commands)

    evaluate = commands.add_parser("eval", help="run evaluation cases (docs/evaluation.md) and report accuracy")
    evaluate.add_argument("cases", nargs="+", help="case files, one JSON case a line (.jsonl; docs/evaluation.md)")
    evaluate.add_argument("--json", dest="json_out", help="write the full report here")
    evaluate.add_argument("--llm", choices=["off", "fallback", "always"], help="when to ask the LLM planner")
    evaluate.add_argument("--no-llm", action="store_const", const="off", dest="llm", help="same as --llm off")
    evaluate.add_argument("--audio", action="store_true", help="speak each case (espeak-ng) and hear it (Whisper)")
    evaluate.add_argument("--voices", default="default",
                          help="with --audio: default, held-out, or espeak-ng voices NAME[:WPM],…")
    evaluate.add_argument("--noise", type=float, metavar="SNR_DB", help="with --audio: add pink noise at this SNR")
    evaluate.set_defaults(handler=cmd_eval)

    bench = commands.add_parser("bench", help="run benchmarks and print a table (and JSON)")
    bench.add_argument("--only", nargs="+", metavar="NAME", help="mqtt, matcher, schedule, llm, e2e, soak, scheduler, web, wyoming, pauses")
    bench.add_argument("--json", dest="json_out", help="write the results here")
    bench.set_defaults(handler=cmd_bench)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from agent.app import App
    from agent.cli.console import Console, run_console
    from agent.cli.instance import advertised_while_running
    from agent.cli.options import turn_context
    from agent.web import start_web

    context = turn_context(settings, args)
    console = Console()
    with App.start(settings, routines_on_time=True, announce=console.announce) as app, advertised_while_running(app):
        web = start_web(app, settings)
        app.closers.append(web.close)
        print(f"homebody is ready: {app.household.home.name}, {len(app.runtime.registry.devices)} devices"
              f" ({'virtual home on an embedded broker' if app.runtime.virtual_home else settings.mqtt.host}).")
        if web.url:
            print(f"The household page: {web.url}")
        if not args.text:
            from agent.voice.audio import AudioError
            from agent.cli.voice import run_live

            try:
                run_live(app, context, verbose=args.verbose)
                return 0
            except AudioError as error:
                print(f"homebody: {error}; using the text console.", file=sys.stderr)
        print('Type what you would say, e.g. "turn on the kitchen light"; "quit" to stop.')
        app.ready()
        run_console(app.assistant, context, console, verbose=args.verbose)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from agent.app import App
    from agent.cli.options import turn_context

    if args.audio or args.say:
        from agent.cli.voice import cmd_ask_voice

        return cmd_ask_voice(args, settings)
    context = turn_context(settings, args)
    text = args.text if args.text is not None else sys.stdin.read()
    with App.start(settings) as app:
        result = app.assistant.turn(text, context)
        print(result.reply)
        if args.verbose:
            print(json.dumps({"path": result.path, "plan": result.plan.to_json(),
                              "outcomes": [o.__dict__ for o in result.outcomes], "ms": result.timings_ms}, indent=2))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from agent.evaluation.audio import evaluate_with_recordings
    from agent.evaluation.cases import report_json, summarize

    if args.llm:
        settings.understanding.llm = args.llm
    if args.audio:
        from agent.cli.voice import cmd_eval_audio

        return cmd_eval_audio(args, settings)
    started = time.perf_counter()
    results = evaluate_with_recordings(args.cases, settings, settings.household.file or None)
    summary = summarize(results)
    for result in results:
        if not result.passed:
            replies = " | ".join(t.reply for t in result.turns)
            print(f"FAIL {result.id}: {' | '.join(t.utterance or '(time passes)' for t in result.turns)!r} -> {replies!r}")
            for failure in result.failures[:4]:
                print(f"     {failure}")
    print(f"\n{summary['passed']}/{summary['cases']} cases passed ({summary['accuracy']:.1%})"
          f" in {time.perf_counter() - started:.1f} s")
    for tag, stats in summary["by_tag"].items():
        print(f"  {tag:<16} {stats['accuracy']:>7.1%}  ({stats['cases']})")
    for path, stats in summary["latency_ms"].items():
        print(f"  latency {path:<8} p50 {stats['p50']:.1f} ms  p95 {stats['p95']:.1f} ms  (n={stats['n']})")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report_json(results), indent=1, default=str))
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from agent.evaluation.benchmarks.runner import run_benchmarks

    results = run_benchmarks(args.only, settings)
    for key, value in results.items():
        if isinstance(value, dict) and "p50" in value:
            print(f"{key:<28} p50 {value['p50']:>9.2f}  p95 {value['p95']:>9.2f}  n={value['n']}")
        else:
            print(f"{key:<28} {value}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))
    return 0
