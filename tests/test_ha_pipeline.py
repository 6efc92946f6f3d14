"""The Home-Assistant-style pipeline `homebody bench --only e2e` times beside homebody's: hassil with
home-assistant-intents reads the household's names and answers with the intent's own response."""

from __future__ import annotations

import pytest
from helpers import example, maple

from agent.evaluation.benchmarks.ha_pipeline import HassilReader, render_response

pytest.importorskip("hassil", reason="the bench extra: pip install -e '.[bench]'")
pytest.importorskip("home_assistant_intents", reason="the bench extra: pip install -e '.[bench]'")


@pytest.mark.parametrize(("household", "said", "reply"), [
    (maple, "turn on the kitchen light", "Turned on the lights"),
    (maple, "close the bedroom blinds", "Closing the blinds"),
    (maple, "set the heating to 22 degrees", "Temperature set to 22 degrees"),
    (example, "turn off the porch light", "Turned off the lights"),
    (example, "make me a sandwich", "Sorry, I couldn't understand that"),
])
def test_hassil_reads_the_households_names_and_answers_as_home_assistant(household, said: str, reply: str):
    assert HassilReader(household()).reply(said) == reply


def test_a_response_that_needs_home_assistant_itself_is_done():
    assert render_response("{{ states('light.x') }}", {}) == "Done"
    assert render_response("Turned on {{ slots.name }}", {"name": "the lamp"}) == "Turned on the lamp"
