"""bench/function_bounds.py's headroom rule, and that it reads the deploy config the template is built from."""

from __future__ import annotations

import json

from bench.function_bounds import FUNCTIONS, ROOT, configured, needed


def test_memory_is_twice_the_peak_in_128_mb_steps_with_a_floor_and_timeout_three_times_the_batch():
    assert needed("sweep", peak_mb=110.0, longest_s=17.2) == {"memory_mb": 256, "timeout_s": 52}
    assert needed("reconcile", peak_mb=150.0, longest_s=40.0) == {"memory_mb": 384, "timeout_s": 120}
    assert needed("stream_holder", peak_mb=90.0, longest_s=34.0)["timeout_s"] == 900  # it holds 14 minutes


def test_configured_reads_each_functions_memory_and_timeout_from_the_prod_stage():
    stage = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["prod"]["lambda_functions"]
    have = configured()
    assert set(have) == set(FUNCTIONS)
    for name in FUNCTIONS:
        assert have[name] == {"memory_mb": stage[name]["lambda_memory_size"], "timeout_s": stage[name]["lambda_timeout"]}


def test_the_apis_timeout_is_capped_at_api_gateways_limit_and_flagged_when_the_rule_wants_more():
    assert needed("api_handler", peak_mb=99.0, longest_s=3.0) == {"memory_mb": 256, "timeout_s": 9}
    assert needed("api_handler", peak_mb=99.0, longest_s=17.0) == {"memory_mb": 256, "timeout_s": 29,
                                                                   "over_gateway_limit": True}
