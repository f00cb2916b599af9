"""pytest plugin: the IAM policies must allow every AWS call the product code makes, and nothing else.

While the suite runs, a botocore event hook ("before-parameter-build", on every client created)
records each AWS operation made from product code: a call counts when app.py or chalicelib/ is on
the call stack, so test fixtures and devtools setting up the local stack are left out, while a test
driving an adapter with its own client is counted. Each call becomes the IAM action(s) and resource
ARN(s) it needs (a transaction needs dynamodb:PutItem / UpdateItem per item, a query on an index
needs the index ARN). The resource's name is traced back to the environment variable that names it
in .chalice/config.json, so a call made in the `local` stage is checked against every deployable
stage's policy (.chalice/policy-<stage>.json) with that stage's name for the same variable.

At the end of the session:
  - every recorded call must be allowed by each stage's policy (checked after any run);
  - every grant in the policies must have been used by some recorded call (checked only after a
    full, passing run of the whole suite: a subset of tests exercises a subset of the code;
    `--policy-check-unused` forces it).
Failures fail the run and say exactly which action on which ARN to add or remove, and where.
"""

from __future__ import annotations

import fnmatch
import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = (ROOT / "chalicelib", ROOT / "app.py")
REGION = "ap-south-1"
ACCOUNT = "123456789012"  # the placeholder account of the policy files (devtools/package.py makes it ${AWS::AccountId})

# Permissions the Lambda service uses on the function's behalf (logs, active tracing): no code calls them.
PLATFORM_ACTIONS = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                    # The SQS event source mapping polls record_mentions' queue with the function's role.
                    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}

# Operations AWS does not authorise with IAM at all: Cognito's sign-in calls are answered for the app client
# they name, and a signed-in person's own calls for their access token, whoever signs the request ("you
# can't grant IAM permissions in policies" for them).
NOT_IAM_AUTHORISED = {("cognito-idp", op) for op in ("InitiateAuth", "RespondToAuthChallenge", "GetUser",
                                                     "AssociateSoftwareToken", "VerifySoftwareToken",
                                                     "SetUserMFAPreference")}

# Grants made ahead of the code that will use them: (action, environment variable) -> why, e.g.
#   ("ssm:GetParameter", "X_BEARER_TOKEN_PARAMETER"): "the bearer token for a reader not built yet",
# Remove an entry once the code calls it (the check says so).
AWAITING_CODE: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Need:
    """One permission a call needs, with the resource named by its environment variable."""

    action: str  # dynamodb:Query
    kind: str  # table | topic | parameter | secret | key | any
    variable: str | None  # TABLE_NAME; None when no variable in config.json names the resource
    name: str  # the name the code used (complaint-desk-local)
    suffix: str = ""  # /index/alerts_pending


# --- configuration ---------------------------------------------------------------------------


def _config() -> dict:
    return json.loads((ROOT / ".chalice" / "config.json").read_text())


def stage_env(stage: str) -> dict[str, str]:
    config = _config()
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def policy_stages() -> dict[str, Path]:
    """Stages deployed with a policy file: stage -> path."""
    config = _config()
    found = {}
    for stage, settings in config["stages"].items():
        name = settings.get("iam_policy_file", config.get("iam_policy_file"))
        if name:
            found[stage] = ROOT / ".chalice" / name
    return found


def variable_for(kind: str, name: str) -> str | None:
    """The environment variable whose value, in any stage, is this resource name."""
    for stage in _config()["stages"]:
        for var, value in stage_env(stage).items():
            if kind == "topic" and value.startswith("arn:aws:sns:") and value.rsplit(":", 1)[1] == name.rsplit(":", 1)[-1]:
                return var
            if kind == "queue" and value.startswith("https://sqs.") and value.rsplit("/", 1)[1] == name.rsplit("/", 1)[-1]:
                return var
            if kind in ("table", "parameter", "secret", "key") and value == name:
                return var
    return None


def arn(need: Need, stage: str) -> str:
    """The ARN a need refers to in a stage, in the policy files' placeholder account and region."""
    if need.kind == "any":
        return "*"
    name = stage_env(stage)[need.variable] if need.variable else need.name
    if need.kind == "table":
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}{need.suffix}"
    if need.kind == "topic":
        return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name.rsplit(':', 1)[-1]}"
    if need.kind == "subscription":  # a subscription's ARN is its topic's and an id: granted as topic:*
        return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name.rsplit(':', 1)[-1]}:*"
    if need.kind == "queue":
        return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name.rsplit('/', 1)[-1]}"
    if need.kind == "parameter":
        return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name if name.startswith('/') else '/' + name}"
    if need.kind == "secret":
        return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-??????"
    if need.kind == "key":
        # IAM checks a KMS call against the key's ARN, not the alias the code names: a policy names the key
        # by a kms:ResourceAliases condition (not evaluated here), so any key of the account matches.
        return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"
    raise ValueError(need.kind)


# --- from an API call to the IAM permissions it needs ----------------------------------------


def needs(prefix: str, operation: str, params: dict) -> list[Need]:
    if (prefix, operation) in NOT_IAM_AUTHORISED:
        return []

    def table(action, name, suffix=""):
        return Need(f"dynamodb:{action}", "table", variable_for("table", name), name, suffix)

    if prefix == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            per_item = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                        "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}  # fmt: skip
            return [
                table(per_item[kind], body["TableName"])
                for item in params.get("TransactItems", [])
                for kind, body in item.items()
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [table(operation, name) for name in params.get("RequestItems", {})]
        if "TableName" in params:
            index = params.get("IndexName")
            return [table(operation, params["TableName"], f"/index/{index}" if index else "")]
    if prefix == "sns" and params.get("SubscriptionArn"):
        topic = params["SubscriptionArn"].rsplit(":", 1)[0]
        return [Need(f"sns:{operation}", "subscription", variable_for("topic", topic), topic)]
    if prefix == "sns" and params.get("TopicArn"):
        action = "Publish" if operation == "PublishBatch" else operation
        name = params["TopicArn"]
        return [Need(f"sns:{action}", "topic", variable_for("topic", name), name)]
    if prefix == "sqs" and params.get("QueueUrl"):
        name = params["QueueUrl"]
        return [Need(f"sqs:{operation}", "queue", variable_for("queue", name), name)]
    if prefix == "ssm":
        names = params.get("Names") or [params.get("Name") or params.get("Path")]
        return [Need(f"ssm:{operation}", "parameter", variable_for("parameter", n), n) for n in names if n]
    if prefix == "kms" and params.get("KeyId"):
        return [Need(f"kms:{operation}", "key", variable_for("key", params["KeyId"]), params["KeyId"])]
    if prefix == "secretsmanager" and params.get("SecretId"):
        name = params["SecretId"]
        return [Need(f"secretsmanager:{operation}", "secret", variable_for("secret", name), name)]
    return [Need(f"{prefix}:{operation}", "any", None, "*")]


# --- policy evaluation -----------------------------------------------------------------------


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def statements(policy: dict) -> list[dict]:
    return [s for s in policy["Statement"] if s.get("Effect") == "Allow"]


def allows(statement: dict, action: str, resource: str) -> bool:
    if "NotAction" in statement or "NotResource" in statement:
        return False  # not used in this project's policies; treated as granting nothing
    action_ok = any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _list(statement["Action"]))
    return action_ok and any(fnmatch.fnmatchcase(resource, r) for r in _list(statement["Resource"]))


def allowed(policy: dict, action: str, resource: str) -> bool:
    return any(allows(s, action, resource) for s in statements(policy))


# --- recording -------------------------------------------------------------------------------


def _product_frame():
    """The innermost frame in app.py or chalicelib/, or None when no product code is calling."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(str(PRODUCT[0])) or path == str(PRODUCT[1]):
            return frame
        frame = frame.f_back
    return None


class Recorder:
    def __init__(self):
        self.seen: dict[Need, tuple[str, str]] = {}  # need -> (where in the code, which test)
        self.test = "(outside a test)"
        self._lock = threading.Lock()
        self._original = None

    def install(self) -> None:
        import botocore.session

        original = botocore.session.Session.create_client
        recorder = self

        def create_client(session, *args, **kwargs):
            client = original(session, *args, **kwargs)
            client.meta.events.register("before-parameter-build", recorder.on_call, unique_id="policy-recorder")
            return client

        self._original = original
        botocore.session.Session.create_client = create_client

    def uninstall(self) -> None:
        if self._original is not None:
            import botocore.session

            botocore.session.Session.create_client = self._original

    def on_call(self, params, model, **_):
        frame = _product_frame()
        if frame is None:
            return
        where = f"{Path(frame.f_code.co_filename).relative_to(ROOT)}:{frame.f_lineno} in {frame.f_code.co_name}"
        prefix = model.service_model.signing_name
        with self._lock:
            for need in needs(prefix, model.name, params):
                self.seen.setdefault(need, (where, self.test))

    # --- the checks --------------------------------------------------------------------------

    def missing(self) -> list[str]:
        """Calls some stage's policy does not allow, as instructions to fix it."""
        problems = []
        for need, (where, test) in sorted(self.seen.items(), key=lambda kv: (kv[0].action, kv[0].name)):
            if need.kind != "any" and need.variable is None:
                problems.append(
                    f"{need.action} on {need.kind} {need.name!r}, called at {where} (test {test}):\n"
                    f"    no environment variable in .chalice/config.json names this {need.kind}. Name it in"
                    f" every stage's environment_variables, and read the name from config, so each stage's"
                    f" policy can grant it (if a test made this name up, have it use the stage's name)."
                )
                continue
            for stage, path in policy_stages().items():
                policy = json.loads(path.read_text())
                resource = arn(need, stage)
                if allowed(policy, need.action, resource):
                    continue
                relative = path.relative_to(ROOT)
                hint = next((s.get("Sid") for s in statements(policy) if need.action in _list(s["Action"])), None)
                where_to = f'add the ARN to the Resource list of statement "{hint}"' if hint else "add a statement"
                lines = [
                    f"{relative} does not allow {need.action} on {resource}",
                    f"    called at {where} (test {test})",
                    f"    {where_to}:",
                    f'    {{"Effect": "Allow", "Action": "{need.action}", "Resource": "{resource}"}}',
                ]
                if need.kind == "any":
                    lines.append(
                        f"    ({need.action.split(':')[0]} has no ARN rule in tests/policy_recorder.py `needs`: add one,"
                        " so the policy can name the exact resource instead of *)"
                    )
                if need.suffix.startswith("/index/"):
                    lines.append("    (and the index must exist in infra/complaints_table.json)")
                problems.append("\n".join(lines))
        return problems

    def unused(self) -> tuple[list[str], list[str]]:
        """(grants no recorded call used, AWAITING_CODE entries whose code now exists)."""
        problems, stale = [], []
        for stage, path in policy_stages().items():
            policy = json.loads(path.read_text())
            used = [(n.action, arn(n, stage)) for n in self.seen if n.kind != "any"]
            awaiting = {
                (action, arn(Need(action, _kind_of(action), var, ""), stage)): (var, why)
                for (action, var), why in AWAITING_CODE.items()
                if var in stage_env(stage)
            }
            for statement in statements(policy):
                for action in _list(statement["Action"]):
                    if action in PLATFORM_ACTIONS:
                        continue
                    for resource in _list(statement["Resource"]):
                        hit = any(
                            fnmatch.fnmatchcase(a.lower(), action.lower()) and fnmatch.fnmatchcase(r, resource)
                            for a, r in used
                        )
                        if (action, resource) in awaiting:
                            if hit:
                                var = awaiting[action, resource][0]
                                stale.append(f"the code now calls {action} on {var}: remove it from AWAITING_CODE in tests/policy_recorder.py")
                            continue
                        if not hit:
                            problems.append(
                                f"{path.relative_to(ROOT)} grants {action} on {resource} (statement "
                                f"\"{statement.get('Sid', '?')}\"), but no product code called it during the"
                                f" whole test run: remove it from the policy, or, if the code does need it,"
                                f" add a test that exercises that code (tests/policy_recorder.py AWAITING_CODE"
                                f" holds grants made ahead of their code)."
                            )
        return problems, sorted(set(stale))


def _kind_of(action: str) -> str:
    return {"dynamodb": "table", "sns": "topic", "ssm": "parameter", "secretsmanager": "secret",
            "kms": "key", "sqs": "queue"}.get(action.split(":")[0], "any")


# --- pytest hooks ----------------------------------------------------------------------------


def pytest_addoption(parser):
    parser.addoption(
        "--policy-check-unused",
        action="store_true",
        help="run the IAM unused-grant check even when only part of the suite ran or tests failed",
    )


class Plugin:
    def __init__(self, config):
        self.config = config
        self.recorder = Recorder()
        self.deselected = 0
        self.collected = 0
        self.finished = set()
        self.skipped = 0
        self.report: list[str] = []
        self.failed = False

    def pytest_unconfigure(self, config):
        self.recorder.uninstall()

    def pytest_deselected(self, items):
        self.deselected += len(items)

    def pytest_collection_finish(self, session):
        self.collected = len(session.items)

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            self.skipped += 1

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.recorder.test = item.nodeid
        yield
        self.finished.add(item.nodeid)
        self.recorder.test = "(outside a test)"

    def _whole_suite(self, session) -> str | None:
        """None when the whole suite ran and passed; otherwise why the unused-grant check is skipped."""
        here = self.config.invocation_params.dir
        paths = {Path(here, a.split("::")[0]).resolve() for a in self.config.args}
        if "::" in " ".join(self.config.args) or not paths <= {ROOT / "tests", ROOT}:
            return f"only part of the suite was selected ({' '.join(self.config.args)})"
        if self.deselected:
            return f"{self.deselected} tests were deselected (-k / -m / --lf)"
        if session.testsfailed:
            return f"{session.testsfailed} tests failed"
        if len(self.finished) < self.collected:
            return f"only {len(self.finished)} of {self.collected} tests ran"
        if not self.recorder.seen:
            return "no product code called AWS (were the local-stack tests skipped?)"
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if not self.recorder.seen and not self.collected:
            return
        missing = self.recorder.missing()
        calls = len(self.recorder.seen)
        stages = ", ".join(policy_stages())
        if missing:
            self.failed = True
            self.report.append(f"{len(missing)} AWS call(s) the policies do not allow:")
            self.report += [f"  {m}" for m in missing]
        else:
            self.report.append(f"all {calls} recorded AWS permission needs are allowed by the policies of: {stages}")
        skip = None if self.config.getoption("--policy-check-unused", False) else self._whole_suite(session)
        if skip:
            self.report.append(f"unused-grant check skipped: {skip}")
        else:
            unused, stale = self.recorder.unused()
            if unused or stale:
                self.failed = True
                self.report.append(f"{len(unused) + len(stale)} grant(s) the code never used:")
                self.report += [f"  {u}" for u in unused + stale]
                if self.skipped:
                    self.report.append(f"  ({self.skipped} tests were skipped: one of them may exercise that code)")
            else:
                self.report.append("every grant in the policies was used by the code (or is listed in AWAITING_CODE)")
        if self.failed and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.report:
            return
        terminalreporter.section("IAM policy check (tests/policy_recorder.py)", red=self.failed, green=not self.failed)
        for line in self.report:
            terminalreporter.line(line)
        if self.failed:
            terminalreporter.line("IAM policy check FAILED", red=True, bold=True)


def pytest_configure(config):
    plugin = Plugin(config)
    config.pluginmanager.register(plugin, "policy-recorder-plugin")
    plugin.recorder.install()  # the registered object's own pytest_configure is not called retroactively


def recorded(config) -> dict:
    """What the recorder saw so far (for tests that want to look)."""
    plugin = config.pluginmanager.get_plugin("policy-recorder-plugin")
    return dict(plugin.recorder.seen) if plugin else {}

