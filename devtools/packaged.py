"""Run the functions from the packaged zip the way Lambda does: a fresh interpreter whose path is
the unzipped package first, then only what the Lambda Python runtime provides (boto3 and its
dependencies), never this project's virtualenv.

Used by the deploy tests (the zip really runs against the local stack) and bench/cold_start.py
(which modules a cold start loads, and how long importing them takes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# What the Lambda Python runtime puts on the path after /var/task (boto3 and its dependencies).
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")

# The functions by their Chalice handler, and the event each one gets.
FUNCTIONS = {"api": "app.app", "authorizer": "app.bearer_token", "poll": "app.poll"}

SCHEDULED_EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-29T06:00:00Z",
    "region": "ap-south-1",
    "resources": ["arn:aws:events:ap-south-1:123456789012:rule/up-complaint-desk-dev-poll-event"],
    "detail": {},
}

STATUS_REQUEST = {
    "resource": "/status",
    "path": "/status",
    "httpMethod": "GET",
    "headers": {"Accept": "application/json", "Host": "example.execute-api.ap-south-1.amazonaws.com"},
    "multiValueHeaders": {"Accept": ["application/json"], "Host": ["example.execute-api.ap-south-1.amazonaws.com"]},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "stageVariables": None,
    "requestContext": {
        "resourcePath": "/status",
        "httpMethod": "GET",
        "path": "/api/status",
        "stage": "api",
        "apiId": "example",
        "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        "identity": {"sourceIp": "127.0.0.1"},
    },
    "body": None,
    "isBase64Encoded": False,
}


def authorizer_request(token: str) -> dict:
    """What API Gateway sends a TOKEN authorizer."""
    return {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {token}",
        "methodArn": "arn:aws:execute-api:ap-south-1:123456789012:example/api/GET/status",
    }


def status_request(authorizer_answer: dict) -> dict:
    """GET /status as API Gateway passes it on once the authorizer allowed it."""
    context = {"principalId": authorizer_answer["principalId"], **authorizer_answer.get("context", {})}
    request = json.loads(json.dumps(STATUS_REQUEST))
    request["requestContext"]["authorizer"] = context
    return request


def admin_token(signing_key: str) -> str:
    """A short-lived admin token, signed as `python -m chalicelib.admin token` would."""
    from datetime import datetime, timezone

    from chalicelib import auth

    return auth.issue(signing_key, "packaged-run", "admin", now=datetime.now(timezone.utc), hours=1)

# Runs inside the fresh interpreter: sys.argv[1] is a JSON job, the answer goes to job["out"].
_CHILD = r"""
import importlib, json, sys, time
job = json.loads(sys.argv[1])
sys.path[:0] = job["path"]
before = set(sys.modules)
answer = {}
if job.get("modules") is not None:
    failed = []
    start = time.perf_counter()
    for name in job["modules"]:
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    answer["import_seconds"] = time.perf_counter() - start
    answer["failed"] = failed
else:
    module_name, attribute = job["handler"].rsplit(".", 1)
    start = time.perf_counter()
    handler = getattr(importlib.import_module(module_name), attribute)
    answer["handler_import_seconds"] = time.perf_counter() - start

    class Context:
        function_name = job["function_name"]
        function_version = "$LATEST"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:ap-south-1:123456789012:function:" + job["function_name"]
        aws_request_id = "7f2a9d58-0f7c-4a43-9d1a-3c1e2b9f0d11"
        log_group_name = "/aws/lambda/" + job["function_name"]
        log_stream_name = "2026/11/29/[$LATEST]0123456789abcdef"

        @staticmethod
        def get_remaining_time_in_millis():
            return 60000

    answer["result"] = handler(job["event"], Context())
    answer["modules"] = [m for m in sys.modules if m not in before]
answer["module_files"] = {
    m: getattr(sys.modules[m], "__file__", None) for m in list(sys.modules) if m not in before
}
with open(job["out"], "w") as f:
    json.dump(answer, f, default=str)
"""


def runtime_dir(where: Path) -> Path:
    """A directory holding (links to) the packages the Lambda runtime provides, from this venv."""
    import boto3

    site = Path(boto3.__file__).resolve().parent.parent
    target = where / "lambda-runtime"
    target.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        link = target / name
        if not link.exists():
            link.symlink_to(site / name)
    return target


def unpack(zip_path: Path, where: Path, bytecode: bool = True) -> Path:
    """Unzip the package as Lambda does into /var/task; bytecode=False leaves out the .pyc files."""
    target = where / ("task" if bytecode else "task-no-pyc")
    with zipfile.ZipFile(zip_path) as z:
        members = [n for n in z.namelist() if bytecode or not n.endswith(".pyc")]
        z.extractall(target, members)
    return target


@dataclass
class Sandbox:
    """An unpacked package plus the runtime's packages: run handlers or time imports in it."""

    task: Path
    runtime: Path
    env: dict[str, str]

    def _run(self, job: dict, with_package: bool = True) -> dict:
        path = [str(self.task), str(self.runtime)] if with_package else [str(self.runtime)]
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            job = job | {"path": path, "out": out.name}
        try:
            env = {k: v for k, v in self.env.items() if not k.startswith("PYTHON")}
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", LAMBDA_TASK_ROOT=str(self.task))
            # -S: no site-packages (the project's venv stays out), -E is not used: the job's env matters.
            done = subprocess.run(
                [sys.executable, "-S", "-c", _CHILD, json.dumps(job)],
                cwd=path[0], env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"packaged function failed ({done.returncode}):\n{done.stderr[-4000:]}")
            answer = json.loads(Path(out.name).read_text())
            answer["stdout"], answer["stderr"] = done.stdout, done.stderr
            return answer
        finally:
            os.unlink(out.name)

    def invoke(self, function: str, event: dict, function_name: str = "up-complaint-desk-local") -> dict:
        """In a fresh interpreter, import the function's handler and call it once with this event:
        the handler's answer, and the modules the cold start loaded."""
        handler = FUNCTIONS.get(function, f"app.{function}")
        return self._run({"handler": handler, "event": event, "function_name": function_name})

    def with_env(self, env: dict[str, str]) -> "Sandbox":
        """The same unpacked package, run with another environment (another function's)."""
        return Sandbox(self.task, self.runtime, dict(env))

    def poll(self) -> dict:
        return self.invoke("poll", SCHEDULED_EVENT)

    def scheduled(self, name: str) -> dict:
        """Run the scheduled function `name` (app.<name>) once."""
        return self.invoke(name, SCHEDULED_EVENT)

    def authorize(self, token: str) -> dict:
        return self.invoke("authorizer", authorizer_request(token))

    def status(self, authorizer_answer: dict) -> dict:
        return self.invoke("api", status_request(authorizer_answer))

    def time_imports(self, modules: list[str], with_package: bool = True) -> dict:
        """Import these modules, in this order, in a fresh interpreter: seconds taken, and failures.
        with_package=False leaves the package off the path: only the runtime's own packages."""
        return self._run({"modules": modules}, with_package)


def sandbox(zip_path: Path, where: Path, env: dict[str, str], bytecode: bool = True) -> Sandbox:
    return Sandbox(unpack(zip_path, where, bytecode), runtime_dir(where), dict(env))
