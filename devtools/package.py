"""`make package`: the app as one CloudFormation (SAM) template and one code zip, built without AWS access.

    dist/sam.json         Chalice's SAM template merged with infra/resources.json (table, topics,
                          alarms) and infra/functions.json (environment wired with Ref, function alarms)
    dist/deployment.zip   app.py, chalicelib/ and requirements.txt, with precompiled .pyc files
    dist/resources.json   the plain CloudFormation part alone (no SAM transform): what moto deploys
                          in the tests, and the "resources stack" for a `chalice deploy` set-up

One source for each fact: the table's keys and indexes come from infra/complaints_table.json (the
local stack creates its table from the same file), resource names from the stage's environment in
.chalice/config.json, the role's permissions from .chalice/policy-<stage>.json (its placeholder
account 123456789012 and region become ${AWS::AccountId} / ${AWS::Region}).

Usage: python -m devtools.package [--stage dev|prod] [--out dist]
"""

from __future__ import annotations

import argparse
import compileall
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHALICE_DIR = ROOT / ".chalice"
INFRA = ROOT / "infra"
REGION = "ap-south-1"
ACCOUNT_PLACEHOLDER = "123456789012"  # the account in config.json / policy files; also moto's default account
DEPLOYABLE_STAGES = ("dev", "prod")
MAX_ZIP_BYTES = 5 * 1024 * 1024
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks the zip: the path tracebacks should show
PROVIDED_BY_LAMBDA = ("boto3", "botocore", "s3transfer")  # never ship these: the runtime has them
# Parts of powertools the code does not import (1.5 MB of the zip). A part is shipped anyway as soon
# as app.py or chalicelib/ imports it (see imported_modules), so using one later needs no change here.
UNUSED_DEPENDENCY_PARTS = tuple(
    f"aws_lambda_powertools.{part}"
    for part in (
        "event_handler", "utilities.parser", "utilities.data_classes", "utilities.idempotency",
        "utilities.batch", "utilities.kafka", "utilities.auth_alpha", "utilities.circuit_breaker",
        "utilities.feature_flags", "utilities.data_masking", "utilities.streaming", "utilities.validation",
    )
)  # fmt: skip
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # as Chalice writes them: the zip's bytes depend on its contents only



class PackageError(RuntimeError):
    pass


# --- configuration --------------------------------------------------------------------------


def chalice_config() -> dict:
    return json.loads((CHALICE_DIR / "config.json").read_text())


def stage_setting(stage: str, key: str, default=None):
    """A setting as Chalice resolves it: the stage's value, else the top-level one."""
    config = chalice_config()
    return config["stages"].get(stage, {}).get(key, config.get(key, default))


def stage_environment(stage: str) -> dict[str, str]:
    config = chalice_config()
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def secret_parameters(stage: str) -> dict[str, str]:
    """The SSM parameter names (not values) the functions read secrets from: env var -> name."""
    return {k: v for k, v in stage_environment(stage).items() if k.endswith("_PARAMETER")}


def policy(stage: str) -> dict:
    name = stage_setting(stage, "iam_policy_file")
    if not name:
        raise PackageError(f"stage {stage!r} has no iam_policy_file in .chalice/config.json")
    return json.loads((CHALICE_DIR / name).read_text())


def function_name(stage: str, handler: str) -> str:
    """The name `chalice deploy` gives a function; the template uses the same, so the policy's
    log group ARNs hold for both ways of deploying."""
    app_name = chalice_config()["app_name"]
    return f"{app_name}-{stage}" if handler == "app.app" else f"{app_name}-{stage}-{handler.split('.', 1)[1]}"


# --- the templates --------------------------------------------------------------------------


def deep_merge(overlay, base):
    """Chalice's merge rule: dictionaries merge key by key, anything else in `overlay` wins."""
    if isinstance(overlay, dict) and isinstance(base, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(value, base.get(key))
        return merged
    return copy.deepcopy(overlay)


def resources_template(stage: str) -> dict:
    """infra/resources.json for one stage, with the table shape and the names filled in."""
    if stage not in DEPLOYABLE_STAGES:
        raise PackageError(f"stage must be one of {DEPLOYABLE_STAGES}, not {stage!r}")
    template = json.loads((INFRA / "resources.json").read_text())
    env = stage_environment(stage)
    table_shape = json.loads((INFRA / "complaints_table.json").read_text())
    table = template["Resources"]["ComplaintsTable"]["Properties"]
    clash = set(table) & set(table_shape)
    if clash:
        raise PackageError(f"infra/resources.json sets {sorted(clash)}, which belong to infra/complaints_table.json")
    template["Resources"]["ComplaintsTable"]["Properties"] = {"TableName": env["TABLE_NAME"], **table_shape, **table}
    template["Resources"]["AlertsTopic"]["Properties"]["TopicName"] = env["ALERTS_TOPIC_ARN"].rsplit(":", 1)[1]
    template["Resources"]["TokensKeyAlias"]["Properties"]["AliasName"] = env["X_TOKENS_KEY_ID"]
    queue = env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1]
    template["Resources"]["MentionsQueue"]["Properties"]["QueueName"] = queue
    template["Resources"]["MentionsDeadLetterQueue"]["Properties"]["QueueName"] = f"{queue}-dlq"
    add_officers_pool(template, stage)
    template["Parameters"]["Stage"].update(Default=stage, AllowedValues=[stage])
    for var, name in secret_parameters(stage).items():
        output = "".join(part.capitalize() for part in var.lower().split("_"))  # XBearerTokenParameter
        template["Outputs"][output] = {
            "Value": name,
            "Description": f"SSM SecureString the functions read as {var}: put the value there (see the README's deploy guide).",
        }
    return template


def add_officers_pool(template: dict, stage: str) -> None:
    """The officers' user pool and the pages' app client, from infra/officers_pool.json (the local stack
    creates them from the same file). The pool holds the accounts: kept if the stack is deleted."""
    shape = json.loads((INFRA / "officers_pool.json").read_text())
    tags = {"app": "up-complaint-desk", "stage": stage}
    template["Resources"]["OfficersPool"] = {
        "Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
        "Properties": {"UserPoolName": f"complaint-desk-officers-{stage}", "DeletionProtection": "ACTIVE",
                       "EnabledMfas": ["SOFTWARE_TOKEN_MFA"], "UserPoolTags": tags, **shape["UserPool"]},
    }
    template["Resources"]["PagesClient"] = {
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": {"UserPoolId": {"Ref": "OfficersPool"}, "ClientName": "pages", **shape["Client"]},
    }
    template["Outputs"]["OfficersPoolId"] = {
        "Value": {"Ref": "OfficersPool"},
        "Description": "The officers' Cognito user pool: `python -m chalicelib.admin officers import roster.csv` fills it.",
    }


def cloudformation_policy(document: dict) -> dict:
    """The policy file with its placeholder partition, region and account turned into Fn::Sub."""

    def resource(arn: str):
        if "${" in arn:
            raise PackageError(f"policy resource {arn!r}: IAM policy variables are not supported here")
        parts = arn.split(":", 5)
        if arn == "*" or len(parts) < 6:
            return arn
        _, partition, service, region, account, rest = parts
        if partition != "aws" or region not in (REGION, "") or account not in (ACCOUNT_PLACEHOLDER, ""):
            raise PackageError(f"policy resource {arn!r}: use arn:aws:<service>:{REGION}:{ACCOUNT_PLACEHOLDER}:...")
        region = "${AWS::Region}" if region else ""
        account = "${AWS::AccountId}" if account else ""
        return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:{region}:{account}:{rest}"}

    converted = copy.deepcopy(document)
    for statement in converted["Statement"]:
        resources = statement["Resource"]
        statement["Resource"] = [resource(r) for r in resources] if isinstance(resources, list) else resource(resources)
    return converted


def functions_part() -> dict:
    return json.loads((INFRA / "functions.json").read_text())


def merge_template(stage: str) -> dict:
    """What `chalice package --merge-template` gets: the resources and the functions' alarms."""
    return deep_merge({"Resources": functions_part()["Resources"]}, resources_template(stage))


def finish_template(template: dict, stage: str) -> dict:
    """After Chalice's merge, for every function whatever the app grows: the environment wiring
    (infra/functions.json EveryFunction), its name and log group, the role's policy."""
    every_function = functions_part()["EveryFunction"]
    roles = set()
    for cfn_name in [k for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]:
        function = template["Resources"][cfn_name] = deep_merge(every_function, template["Resources"][cfn_name])
        props = function["Properties"]
        wired = set(every_function["Properties"]["Environment"]["Variables"])
        unknown = wired - set(stage_environment(stage))
        if unknown:
            raise PackageError(f"infra/functions.json wires {sorted(unknown)}, which .chalice/config.json does not set")
        props["FunctionName"] = function_name(stage, props["Handler"])
        for event in props.get("Events", {}).values():
            if event["Type"] == "SQS":
                # app.py names one queue for every stage; this stage's queue is the stack's. The function
                # answers which messages of a batch failed, so only those are received again.
                event["Properties"]["Queue"] = {"Fn::GetAtt": ["MentionsQueue", "Arn"]}
                event["Properties"]["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        roles.add(props["Role"]["Fn::GetAtt"][0])
    functions = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    by_lower = {name.lower(): name for name in functions}
    for cfn_name, group in list(template["Resources"].items()):
        if group["Type"] != "AWS::Logs::LogGroup":
            continue
        # Chalice writes /aws/lambda/${ApiHandler} for a function it names APIHandler: name the group
        # after the function's fixed name, and create it before the function (which may not create it).
        ref = group["Properties"]["LogGroupName"]["Fn::Sub"].removeprefix("/aws/lambda/${").removesuffix("}")
        function = by_lower[ref.lower()]
        group["Properties"]["LogGroupName"] = f"/aws/lambda/{functions[function]['Properties']['FunctionName']}"
        group.update(DeletionPolicy="Delete", UpdateReplacePolicy="Delete")  # a redeploy must recreate it
        functions[function]["DependsOn"] = sorted({*functions[function].get("DependsOn", []), cfn_name})
    for role in roles:
        template["Resources"][role]["Properties"]["Policies"] = [
            {"PolicyName": f"complaint-desk-{stage}", "PolicyDocument": cloudformation_policy(policy(stage))}
        ]
    template["Description"] = (
        f"UP complaint desk, stage {stage}: packaged by `make package` (devtools/package.py) from "
        ".chalice/config.json, .chalice/policy-{stage}.json and infra/. Deploy with the README's deploy guide."
    ).replace("{stage}", stage)
    return template


# --- the code zip ---------------------------------------------------------------------------


def imported_modules() -> set[str]:
    """Every module name app.py and chalicelib/ import, and every `from x import y` as x.y."""
    import ast

    names = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def unused_parts() -> list[str]:
    used = imported_modules()
    return [
        part for part in UNUSED_DEPENDENCY_PARTS
        if not any(name == part or name.startswith(part + ".") for name in used)
    ]  # fmt: skip


@dataclass
class ZipReport:
    size: int
    files: int
    pyc: int
    not_compiled: list[str]
    removed: list[str]


def add_bytecode(zip_path: Path) -> ZipReport:
    """Rewrite the zip with __pycache__/*.pyc beside every module.

    Lambda's /var/task is read-only, so without them every cold start compiles every module it
    imports. The .pyc are unchecked-hash: the zip's timestamps are fixed to 1980, so timestamp
    .pyc would never match their sources; the package is immutable, so no check is needed.
    """
    with tempfile.TemporaryDirectory(prefix="complaint-desk-zip-") as tmp:
        tree = Path(tmp) / "task"
        modes = {}
        with zipfile.ZipFile(zip_path) as original:
            for info in original.infolist():
                modes[info.filename] = info.external_attr
            original.extractall(tree)
        removed = sorted(
            p.name
            for p in tree.iterdir()
            if p.name in PROVIDED_BY_LAMBDA or (p.name.endswith(".dist-info") and p.name.split("-")[0] in PROVIDED_BY_LAMBDA)
        )
        for name in removed:
            shutil.rmtree(tree / name)
        for part in unused_parts():
            path = tree.joinpath(*part.split("."))
            if path.is_dir():
                shutil.rmtree(path)
                removed.append(part)
        for stale in tree.rglob("__pycache__"):
            shutil.rmtree(stale)
        sources = [p for p in tree.rglob("*.py")]
        compileall.compile_dir(
            tree,
            quiet=2,
            stripdir=str(tree),
            prependdir=LAMBDA_TASK_ROOT,
            invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH,
            workers=0,
        )
        from importlib.util import cache_from_source

        not_compiled = sorted(str(p.relative_to(tree)) for p in sources if not Path(cache_from_source(p)).exists())
        files = sorted(p for p in tree.rglob("*") if p.is_file())
        rebuilt = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for path in files:
                name = path.relative_to(tree).as_posix()
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.external_attr = modes.get(name, 0o644 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, path.read_bytes(), compresslevel=9)
        rebuilt.replace(zip_path)
    pyc = sum(1 for p in files if p.suffix == ".pyc")
    return ZipReport(zip_path.stat().st_size, len(files), pyc, not_compiled, removed)


# --- putting it together --------------------------------------------------------------------


@dataclass
class Package:
    stage: str
    template: Path
    resources: Path
    zip: Path
    zip_report: ZipReport


def run_chalice_package(stage: str, merge_file: Path, out: Path) -> None:
    env = dict(os.environ)
    env.setdefault("AWS_DEFAULT_REGION", REGION)  # Chalice wants a region; it calls no AWS API here
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(var, None)
    command = [
        sys.executable, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
        "--project-dir", str(ROOT), "package", "--stage", stage, "--template-format", "json",
        "--merge-template", str(merge_file), str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise PackageError(f"chalice package failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def package(stage: str = "dev", out: Path = ROOT / "dist") -> Package:
    with tempfile.TemporaryDirectory(prefix="complaint-desk-package-") as tmp:
        merge_file = Path(tmp) / "merge.json"
        merge_file.write_text(json.dumps(merge_template(stage), indent=2))
        built = Path(tmp) / "out"
        run_chalice_package(stage, merge_file, built)
        sam = finish_template(json.loads((built / "sam.json").read_text()), stage)
        runtime = next(r["Properties"]["Runtime"] for r in sam["Resources"].values() if r["Type"] == "AWS::Serverless::Function")
        here = f"python{sys.version_info.major}.{sys.version_info.minor}"
        if runtime != here:
            raise PackageError(f"the template's runtime is {runtime} but this is {here}: .pyc files would not load")
        out.mkdir(parents=True, exist_ok=True)
        for name in ("sam.json", "resources.json", "deployment.zip"):
            (out / name).unlink(missing_ok=True)
        shutil.move(built / "deployment.zip", out / "deployment.zip")
    (out / "sam.json").write_text(json.dumps(sam, indent=2) + "\n")
    (out / "resources.json").write_text(json.dumps(resources_template(stage), indent=2) + "\n")
    report = add_bytecode(out / "deployment.zip")
    if report.size >= MAX_ZIP_BYTES:
        raise PackageError(f"deployment.zip is {report.size:,} bytes, over the {MAX_ZIP_BYTES:,} budget")
    return Package(stage, out / "sam.json", out / "resources.json", out / "deployment.zip", report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", default="dev", choices=DEPLOYABLE_STAGES)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        result = package(args.stage, args.out)
    except PackageError as e:
        print(f"package: {e}", file=sys.stderr)
        return 1
    r = result.zip_report
    print(f"stage {result.stage}: {result.template}, {result.resources}, {result.zip}")
    print(f"  deployment.zip {r.size / 1024 / 1024:.2f} MB: {r.files} files, {r.pyc} precompiled .pyc")
    if r.removed:
        print(f"  left out (in the Lambda runtime, or not imported): {', '.join(r.removed)}")
    if r.not_compiled:
        print(f"  not compiled (kept as source): {', '.join(r.not_compiled)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
