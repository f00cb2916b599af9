"""Cold-start import time of the packaged functions, against `import boto3` alone.

    .venv/bin/python bench/cold_start.py [--zip dist/deployment.zip] [--runs 15] [--json]

1. Unzip the package twice, as Lambda would (/var/task first, then only the runtime's boto3):
   once as built (with the precompiled .pyc), once with the .pyc left out (what Chalice ships).
2. Invoke each function once against the local stack (moto + local X server) to learn which
   modules a cold start really loads, in load order: the authorizer checking an admin token, the
   API function serving GET /status, the poller running one poll.
3. Time importing exactly those modules in fresh interpreters, `--runs` times each, and report
   medians. Interpreter start-up and network calls are not counted; boto3's own .pyc are used
   in every case, as the Lambda runtime ships them compiled.

Targets (with .pyc): API function <= 1.3 x `import boto3`, poller <= 2 x; exit status 1 if missed.
The authorizer (a separate function, also on a request's path until API Gateway caches its
answer) is reported beside them.
Without a zip, it packages the dev stage into a temporary directory first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.packaged import sandbox  # noqa: E402

TARGETS = {"api": 1.3, "poll": 2.0}  # the targets; the authorizer is reported against the API's
NOT_IN_API = ("tweepy", "requests", "oauthlib", "aws_lambda_powertools")  # the API path must not pay for these


def discover(box, token: str) -> dict[str, list[str]]:
    """The modules each function loads on its first invocation, in the order they load: the
    authorizer checking an admin token, the API function answering GET /status, one poll."""
    authorized = box.authorize(token)
    status = box.status(authorized["result"])
    if status["result"].get("statusCode") != 200:
        raise SystemExit(f"GET /status answered {status['result'].get('statusCode')}: {status['result'].get('body')}")
    answers = {"api": status, "authorizer": authorized, "poll": box.poll()}
    return {f: [m for m in a["modules"] if not m.startswith("__")] for f, a in answers.items()}


def measure(boxes: dict, modules: dict[str, list[str]], runs: int) -> dict:
    """Median seconds per (variant, target), the targets interleaved so drift hits all alike."""
    samples = {(variant, target): [] for variant in boxes for target in ("boto3", *modules)}
    for _ in range(runs):
        for variant, box in boxes.items():
            for target in ("boto3", *modules):
                if target == "boto3":  # boto3 as the runtime ships it, nothing of the package on the path
                    answer = box.time_imports(["boto3"], with_package=False)
                else:
                    answer = box.time_imports(modules[target])
                samples[variant, target].append(answer["import_seconds"])
    return {key: statistics.median(values) for key, values in samples.items()}


def report(medians: dict, modules: dict[str, list[str]]) -> tuple[dict, bool]:
    rows, ok = {}, True
    for variant in ("pyc", "no-pyc"):
        boto3 = medians[variant, "boto3"]
        rows[variant] = {"import boto3 (ms)": round(boto3 * 1000, 1)}
        for function in modules:
            ratio = medians[variant, function] / boto3
            rows[variant][f"{function} (ms)"] = round(medians[variant, function] * 1000, 1)
            rows[variant][f"{function} / boto3"] = round(ratio, 2)
            if variant == "pyc" and function in TARGETS and ratio > TARGETS[function]:
                ok = False
    return rows, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zip", type=Path, default=ROOT / "dist" / "deployment.zip")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    from devtools.stack import LocalStack

    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp, LocalStack() as stack:
        tmp = Path(tmp)
        zip_path = args.zip
        if not zip_path.exists():
            from devtools.package import package

            zip_path = package("dev", tmp / "dist").zip
        stack.reset()
        env = dict(os.environ)
        boxes = {
            "pyc": sandbox(zip_path, tmp, env, bytecode=True),
            "no-pyc": sandbox(zip_path, tmp, env, bytecode=False),
        }
        from devtools.packaged import admin_token

        signing_key = stack.client("ssm").get_parameter(Name=stack.env["TOKEN_SIGNING_KEY_PARAMETER"], WithDecryption=True)
        modules = discover(boxes["pyc"], admin_token(signing_key["Parameter"]["Value"]))
        medians = measure(boxes, modules, args.runs)

    rows, ok = report(medians, modules)
    leaks = sorted({m.split(".")[0] for m in modules["api"]} & set(NOT_IN_API))
    figures = {
        "zip_bytes": zip_path.stat().st_size if zip_path.exists() else None,
        "runs": args.runs,
        "python": sys.version.split()[0],
        "modules_loaded": {f: len(m) for f, m in modules.items()},
        "medians": rows,
        "targets": {f"{f} / boto3": t for f, t in TARGETS.items()},
        "api_imports_poller_only_packages": leaks,
        "ok": ok and not leaks,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"Python {figures['python']}, median of {args.runs} fresh interpreters per figure")
        print("modules loaded on a cold start: " + ", ".join(f"{f} {len(m)}" for f, m in modules.items()))
        for variant, row in rows.items():
            print(f"  {variant:7} " + "  ".join(f"{k} {v}" for k, v in row.items()))
        targets = ", ".join(f"{f} <= {t} x boto3" for f, t in TARGETS.items())
        print(f"targets with .pyc: {targets}: {'met' if ok else 'MISSED'}")
        if leaks:
            print(f"the API function imports poller-only packages: {', '.join(leaks)}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
