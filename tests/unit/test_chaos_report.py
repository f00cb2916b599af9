"""The chaos report's closing line: stable keys, figures added up over scenarios, and the scenarios found."""

from devtools.chaos import scenarios
from devtools.chaos.__main__ import closing, summary

KEYS = {"mentions", "lost", "doubled_complaints", "doubled_replies", "duplicate_alert_rate", "stuck", "api_5xx",
        "pii_leaks", "peak_rss_mb"}


def scenario(name, mentions, lost, duplicates, distinct, ok=True):
    return {"scenario": name, "wall_seconds": 100.0, "figures": {"mentions": mentions, "kills": 31},
            "settle": {"rounds": 3},
            "invariants": {"lost": {"ok": lost == 0, "count": lost},
                           "duplicate_alerts": {"ok": ok, "count": duplicates, "distinct": distinct}}}


def test_the_closing_line_adds_the_scenarios_up_and_keeps_its_keys():
    reports = [scenario("kills", 1000, 0, 1, 800), scenario("burst_outage", 1065, 2, 1, 1200),
               {"scenario": "abuse", "figures": {"api_5xx": 3, "requests": 900},
                "invariants": {"api_5xx": {"ok": False, "count": 3}}}]
    line = closing(reports, {"peak_rss_mb": 900.0})
    assert KEYS <= set(line)
    assert (line["mentions"], line["lost"], line["api_5xx"], line["kills"]) == (2065, 2, 3, 62)
    assert line["duplicate_alert_rate"] == 0.001 and line["failed_invariants"] == 2
    text = summary({"seed": 16, "wall_seconds": 300, "rss": {"peak_rss_mb": 900.0}, "scenarios": reports})
    assert "burst_outage" in text and "FAILED {'lost': 2}" in text and "all invariants hold" in text


def test_every_scenario_module_is_found_and_runnable():
    names = scenarios.names()
    assert {"kills", "burst_outage"} <= set(names)
    for name in names:
        module = __import__(f"devtools.chaos.scenarios.{name}", fromlist=["run"])
        assert callable(module.run)
