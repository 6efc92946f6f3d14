"""The compatibility harness (../shared/compat/run.py): this checkout against real Zigbee2MQTT and Home
Assistant discovery payloads, with emulated devices that answer like the real firmware.

Every check is a `homebody` process, so it takes minutes: `make test` leaves it out (the `compat`
marker) and CI runs it on its own (`.ci/run`: `pytest -m compat`). The three scenarios run side by
side, each on its own mosquitto. Every device must be listed with the right kind and features, every
command must publish what the device expects, every state must read right, every availability must
be followed, and no device may be listed that should not be.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.compat

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO.parent / "shared" / "compat" / "run.py"
SCENARIOS = ("z2m", "ha", "both")
TIMEOUT_S = 1200


def answered_already(ask: dict[str, Any]) -> bool:
    """A spoken command homebody declined because the device already reports that state ("The led1 is
    already on."): it sends nothing by design (agent/turn/executor.py), where the harness expects a resend."""
    return not ask["sent"] and " already " in f" {ask['reply']} "


def failures(report: dict[str, Any]) -> list[str]:
    """What one scenario's report says went wrong, one line each."""
    found = []
    for case in report["cases"]:
        where = f"{report['scenario']}/{case['id']}"
        if not case["discovery"]["ok"]:
            found.append(f"{where}: {case['discovery']['detail']}")
        found += [f"{where}: set {c['set']} sent {c['sent']}, expected {c['expected']}"
                  for c in case.get("commands", []) if not c["payload_ok"]]
        found += [f"{where}: state {s['wrong']}" for s in case.get("states", []) if not s["ok"]]
        found += [f"{where}: ask {a['text']!r} sent {a['sent']}, expected {a['expected']}"
                  for a in case.get("asks", []) if not a["ok"] and not answered_already(a)]
    for check in report.get("availability", []):
        found += [f"{report['scenario']}: availability of {device} is {r['online']} (want {r['want_online']})"
                  for device, r in check["devices"].items() if not r["ok"]]
    return found


def test_every_real_device_is_discovered_commanded_and_read_right(tmp_path: Path) -> None:
    if not HARNESS.exists():
        pytest.skip(f"{HARNESS} is missing (the shared folder sits beside the repository)")
    assert shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists(), "the harness needs mosquitto"
    runs = {scenario: subprocess.Popen([sys.executable, str(HARNESS), str(REPO), "--only", scenario,
                                        "--out", str(tmp_path / scenario)], cwd=tmp_path,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for scenario in SCENARIOS}
    found: list[str] = []
    for scenario, run in runs.items():
        output, _ = run.communicate(timeout=TIMEOUT_S)
        results = tmp_path / scenario / "results.json"
        assert run.returncode == 0 and results.exists(), f"the {scenario} harness failed:\n{output[-3000:]}"
        for report in json.loads(results.read_text(encoding="utf-8"))["reports"]:
            found += failures(report)
    assert not found, "\n".join(found)
