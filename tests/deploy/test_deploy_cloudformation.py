"""The plain CloudFormation part of the packaged template, deployed into moto's CloudFormation, and
the packaged functions run against what it created with the environment the template gives them.

moto cannot run the SAM transform, so the functions run from the zip in fresh interpreters (as
Lambda would run them) instead of being created by CloudFormation; their environment is the
template's, with each Ref resolved to what moto's stack created. moto's CloudFormation skips
CloudWatch alarms, so the alarms are checked as PutMetricAlarm requests instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from devtools.packaged import admin_token, sandbox

pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS")

ROOT = Path(__file__).resolve().parents[2]
TABLE_SHAPE = json.loads((ROOT / "infra" / "complaints_table.json").read_text())
STACK = "complaint-desk-dev"


@dataclass
class Deployed:
    outputs: dict[str, str]
    physical: dict[str, str]
    template: dict
    runs: dict[str, dict]  # poll, authorizer, status: the sandbox answers
    alerts: list[dict]
    secrets: list[str]


def resolve(value, physical: dict[str, str], parameters: dict[str, str]):
    """Ref and Fn::Sub ${Name} against the stack; anything else must be a literal."""
    if isinstance(value, dict):
        if "Ref" in value:
            return parameters[value["Ref"]] if value["Ref"] in parameters else physical[value["Ref"]]
        if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            text = value["Fn::Sub"]
            for name, resolved in {**physical, **parameters}.items():
                text = text.replace("${" + name + "}", str(resolved))
            assert "${" not in text, text
            return text
        if "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "QueueName":  # a queue's physical id is its URL
            return physical[value["Fn::GetAtt"][0]].rsplit("/", 1)[1]
        if "Fn::GetAtt" in value:
            raise AssertionError(f"resolve {value}: teach this test the attribute")
        return {k: resolve(v, physical, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, physical, parameters) for v in value]
    return value


def import_handles(stack, table: str) -> None:
    """The README's first step on a new stage: the handles imported from a CSV, here the seed list live
    since 30 days ago, so the sample mentions are fetched."""
    from datetime import datetime, timedelta, timezone

    from chalicelib.adapters.dynamo import storage
    from chalicelib.adapters.x_source import TweepyMentionSource
    from chalicelib.domain.handles import load_registry
    from chalicelib.services import handles
    from devtools.stack import DUMMY_X_TOKEN

    start = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    rows = [f"{h.handle},{h.kind},{h.department},{h.district or ''},,{start}" for h in load_registry().all()]
    text = "handle,kind,department,district,owner_contact,start_at\n" + "\n".join(rows)
    source = TweepyMentionSource(lambda: DUMMY_X_TOKEN, stack.x.url, 10)
    plan = handles.import_csv(storage(table, stack.client("dynamodb")), source, lambda: datetime.now(timezone.utc), text)
    assert plan.written and not plan.errors, plan.errors


def officers_pool(stack, resources: dict) -> dict[str, str]:
    """moto's CloudFormation creates no Cognito resources: the pool and client are created through the API
    with the template's own properties, as CloudFormation would."""
    idp = stack.client("cognito-idp")
    pool = dict(resources["Resources"]["OfficersPool"]["Properties"])
    name, mfas = pool.pop("UserPoolName"), pool.pop("EnabledMfas")
    pool_id = idp.create_user_pool(PoolName=name, **pool)["UserPool"]["Id"]
    assert mfas == ["SOFTWARE_TOKEN_MFA"]
    client = dict(resources["Resources"]["PagesClient"]["Properties"], UserPoolId=pool_id)
    client_id = idp.create_user_pool_client(**client)["UserPoolClient"]["ClientId"]
    return {"OfficersPool": pool_id, "PagesClient": client_id}


@pytest.fixture(scope="module")
def deployed(_running_stack, packaged, tmp_path_factory):
    stack = _running_stack
    requests.post(f"{stack.aws_url}/moto-api/reset", timeout=10).raise_for_status()
    stack.x.reset()
    package = packaged("dev")
    cfn = stack.client("cloudformation")
    cfn.create_stack(StackName=STACK, TemplateBody=package.resources.read_text())
    [described] = cfn.describe_stacks(StackName=STACK)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    }
    physical |= officers_pool(stack, json.loads(package.resources.read_text()))

    # What the operator does after the stack is up (the README's deploy guide): secrets into SSM, officers subscribe.
    from devtools import stack as local

    secrets = {
        "XBearerTokenParameter": local.DUMMY_X_TOKEN,
        "XOauth2ClientParameter": json.dumps(local.DUMMY_X_CLIENT),
        "TokenSigningKeyParameter": getattr(local, "DUMMY_SIGNING_KEY", "a-signing-key-for-the-deploy-test-0123456789"),
    }  # fmt: skip
    for output, value in secrets.items():
        stack.client("ssm").put_parameter(Name=outputs[output], Value=value, Type="SecureString", Overwrite=True)
    import_handles(stack, outputs["ComplaintsTableName"])
    sqs = stack.client("sqs")
    queue = sqs.create_queue(QueueName="officer-everything")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.client("sns").subscribe(TopicArn=outputs["AlertsTopicArn"], Protocol="sqs", Endpoint=queue_arn)

    template = json.loads(package.template.read_text())
    parameters = {"Stage": "dev", "AWS::Region": "ap-south-1"}
    functions = {
        r["Properties"]["Handler"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    aws = {k: v for k, v in stack.env.items() if k.startswith("AWS_") or k == "X_API_BASE_URL"}

    def environment(handler: str) -> dict[str, str]:
        props = functions[handler]
        variables = resolve(props["Environment"]["Variables"], physical, parameters)
        assert all(isinstance(v, str) for v in variables.values()), variables
        lambda_env = {
            "AWS_LAMBDA_FUNCTION_NAME": props["FunctionName"],
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props["MemorySize"]),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{props['Runtime']}",
        }
        return {"PATH": os.environ.get("PATH", ""), **aws, **lambda_env, **variables}

    box = sandbox(package.zip, tmp_path_factory.mktemp("lambda"), environment("app.poll"))
    try:
        runs = {"poll": box.poll()}
    except RuntimeError as e:
        pytest.fail(
            "the packaged poller fails with the dev stage's environment (unlike the local stage: log level"
            f" INFO, metrics on):\n{e}",
            pytrace=False,
        )
    # The minute's reconcile after the poll records nothing again (nothing caught).
    runs["reconcile"] = box.with_env(environment("app.reconcile")).scheduled("reconcile")
    if "app.sweep" in functions:  # the SLA sweep: its metrics feed the SLA alarm
        runs["sweep"] = box.with_env(environment("app.sweep")).scheduled("sweep")
    if "app.stream_holder" in functions:  # its metrics feed the stream disconnects alarm
        stack.x.set_stream(keepalive_seconds=0.2)  # the packaged context leaves it no time: it hands over at once
        runs["stream_holder"] = box.with_env(environment("app.stream_holder")).scheduled("stream_holder")
    key = secrets["TokenSigningKeyParameter"]
    runs["authorizer"] = box.with_env(environment("app.bearer_token")).authorize(admin_token(key))
    runs["status"] = box.with_env(environment("app.app")).status(runs["authorizer"]["result"])
    alerts = []
    while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        for m in messages:
            alerts.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    yield Deployed(outputs, physical, template, runs, alerts, list(secrets.values()))
    requests.post(f"{stack.aws_url}/moto-api/reset", timeout=10).raise_for_status()


def test_the_stack_creates_the_table_the_code_queries_and_encrypted_topics(deployed, _running_stack):
    table = _running_stack.client("dynamodb").describe_table(TableName=deployed.outputs["ComplaintsTableName"])["Table"]
    assert table["TableName"] == "complaint-desk-dev"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {
        k["AttributeName"]: k["KeyType"] for k in TABLE_SHAPE["KeySchema"]
    }
    assert sorted(g["IndexName"] for g in table["GlobalSecondaryIndexes"]) == sorted(
        g["IndexName"] for g in TABLE_SHAPE["GlobalSecondaryIndexes"]
    )
    sns = _running_stack.client("sns")
    for output in ("AlertsTopicArn", "OpsTopicArn"):
        attributes = sns.get_topic_attributes(TopicArn=deployed.outputs[output])["Attributes"]
        assert attributes.get("KmsMasterKeyId"), output


def test_the_packaged_functions_work_against_what_the_stack_created(deployed):
    poll = deployed.runs["poll"]["result"]
    assert poll["created"] and all(h["outcome"] == "ok" for h in poll["handles"])
    assert poll["alerts_sent"] == len(deployed.alerts) > 0
    assert {a["TopicArn"] for a in deployed.alerts} == {deployed.outputs["AlertsTopicArn"]}
    status = deployed.runs["status"]["result"]
    assert status["statusCode"] == 200
    assert json.loads(status["body"])["complaints"]["total"] == len(poll["created"])
    reconciled = deployed.runs["reconcile"]["result"]
    assert reconciled["created"] == [] and reconciled["caught"] == 0
    assert reconciled["groups"] and all(g["outcome"] == "ok" for g in reconciled["groups"])
    # The handles went live 30 days ago, past search's 7 days: their timelines are read, from where the poll left them.
    assert reconciled["backfilled"] and all(h["outcome"] == "ok" and h["fetched"] == 0 for h in reconciled["timelines"])


def test_no_secret_reaches_the_logs(deployed):
    for name, run in deployed.runs.items():
        output = run["stdout"] + run["stderr"]
        for secret in deployed.secrets:
            for part in [secret, *json.loads(secret).values()] if secret.startswith("{") else [secret]:
                assert part not in output, f"{name} logged a secret"
    lines = [json.loads(line) for line in deployed.runs["poll"]["stdout"].splitlines() if line.startswith("{")]
    logs = [line for line in lines if "_aws" not in line]
    assert logs and all(log.get("service") == "complaint-desk" and "level" in log for log in logs)


def emitted_metrics(stdout: str) -> set[tuple[str, str, frozenset]]:
    """(namespace, metric, dimensions) from the Embedded Metric Format lines a function printed."""
    found = set()
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        blob = json.loads(line)
        for directive in blob.get("_aws", {}).get("CloudWatchMetrics", []):
            for dimension_set in directive["Dimensions"]:
                dims = frozenset((d, str(blob[d])) for d in dimension_set)
                for metric in directive["Metrics"]:
                    found.add((directive["Namespace"], metric["Name"], dims))
    return found


def alarms(template: dict) -> dict[str, dict]:
    return {n: r["Properties"] for n, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def test_the_metrics_the_alarms_watch_are_the_ones_the_functions_emit(deployed):
    emitted = set().union(*(emitted_metrics(run["stdout"]) for run in deployed.runs.values()))
    assert emitted, "the functions printed no metrics (EMF)"
    parameters = {"Stage": "dev"}
    missing = []
    for name, alarm in alarms(deployed.template).items():
        if alarm.get("Namespace") != "ComplaintDesk":
            continue
        dims = frozenset((d["Name"], resolve(d["Value"], deployed.physical, parameters)) for d in alarm["Dimensions"])
        if ("ComplaintDesk", alarm["MetricName"], dims) not in emitted:
            missing.append(f"{name}: {alarm['MetricName']} {dict(dims)}")
    emitted_as = sorted({f"{m} {dict(d)}" for _, m, d in emitted})
    assert not missing, f"alarms watch metrics the functions do not emit: {missing}; emitted: {emitted_as}"


def test_every_alarm_is_a_valid_cloudwatch_request(deployed, _running_stack):
    cloudwatch = _running_stack.client("cloudwatch")
    names = {**deployed.physical}
    for props in (r["Properties"] for r in deployed.template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"):
        names[next(k for k, r in deployed.template["Resources"].items() if r.get("Properties") is props)] = props["FunctionName"]
    for name, alarm in alarms(deployed.template).items():
        request = resolve(alarm, names, {"Stage": "dev", "SlaBreachesPerHour": 10})
        cloudwatch.put_metric_alarm(**request)  # botocore validates every field's name and type
    described = cloudwatch.describe_alarms()["MetricAlarms"]
    assert {a["AlarmName"] for a in described} == {
        resolve(a["AlarmName"], names, {"Stage": "dev", "SlaBreachesPerHour": 10}) for a in alarms(deployed.template).values()
    }
