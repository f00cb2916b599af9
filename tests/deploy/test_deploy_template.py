"""The packaged template (dist/sam.json): lint-clean, one source for each fact, safe defaults."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.package import cloudformation_policy, function_name, policy, stage_environment, stage_setting

ROOT = Path(__file__).resolve().parents[2]
TABLE_SHAPE = json.loads((ROOT / "infra" / "complaints_table.json").read_text())


def of_type(template, kind):
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_cfn_lint_passes_on_the_packaged_template(packaged, stage):
    package = packaged(stage)
    lint = [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())"]
    for path in (package.template, package.resources):
        done = subprocess.run([*lint, "--regions", "ap-south-1", "--", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, f"cfn-lint {path.name}:\n{done.stdout}{done.stderr}"


def test_the_table_shape_comes_from_complaints_table_json_and_the_table_is_protected(template):
    table = template["Resources"]["ComplaintsTable"]
    props = table["Properties"]
    assert {k: props[k] for k in TABLE_SHAPE} == TABLE_SHAPE
    assert props["TableName"] == stage_environment("dev")["TABLE_NAME"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"]["Enabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_the_table_has_exactly_the_indexes_the_code_queries_keyed_as_the_code_writes_them():
    from chalicelib.adapters.dynamo_indexes import PARTITION

    indexes = {g["IndexName"]: g for g in TABLE_SHAPE.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == set(PARTITION), "infra/complaints_table.json and dynamo_indexes.PARTITION differ"
    for name, index in indexes.items():
        [partition] = [k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH"]
        assert partition == PARTITION[name], name
        # Listings filter on these without reading the complaints; work queues need their keys only.
        projected = set(index["Projection"].get("NonKeyAttributes", [])) | {partition}
        if name in ("feed", "by_district", "by_department", "by_status"):
            assert projected >= {"district", "department", "status", "urgent"}, name
        else:
            assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}, name


def test_every_topic_is_kms_encrypted(template):
    topics = of_type(template, "AWS::SNS::Topic")
    assert set(topics) == {"AlertsTopic", "OpsTopic"}
    assert all(t["Properties"].get("KmsMasterKeyId") for t in topics.values())
    assert topics["AlertsTopic"]["Properties"]["TopicName"] == stage_environment("dev")["ALERTS_TOPIC_ARN"].rsplit(":", 1)[1]


def test_functions_find_this_stacks_resources_by_ref_and_secrets_by_parameter_name(template):
    env = stage_environment("dev")
    functions = of_type(template, "AWS::Serverless::Function")
    assert {"APIHandler", "Poll", "Reconcile"} <= set(functions)
    for name, function in functions.items():
        props = function["Properties"]
        variables = props["Environment"]["Variables"]
        assert set(variables) == set(env), f"{name}: environment differs from .chalice/config.json"
        assert variables["TABLE_NAME"] == {"Ref": "ComplaintsTable"}
        assert variables["ALERTS_TOPIC_ARN"] == {"Ref": "AlertsTopic"}
        assert variables["OPS_TOPIC_ARN"] == {"Ref": "OpsTopic"}
        assert variables["MENTIONS_QUEUE_URL"] == {"Ref": "MentionsQueue"}
        assert variables["COGNITO_USER_POOL_ID"] == {"Ref": "OfficersPool"}
        assert variables["COGNITO_CLIENT_ID"] == {"Ref": "PagesClient"}
        wired = ("TABLE_NAME", "ALERTS_TOPIC_ARN", "OPS_TOPIC_ARN", "MENTIONS_QUEUE_URL", "COGNITO_USER_POOL_ID",
                 "COGNITO_CLIENT_ID")
        for var, value in variables.items():
            if var not in wired:
                assert value == env[var], f"{name}.{var}"
        assert props["FunctionName"] == function_name("dev", props["Handler"])
        assert props["Tracing"] == ("Active" if stage_setting("dev", "xray") else "PassThrough")
        assert "TRACING_ENABLED" in variables
        [group] = function["DependsOn"]
        assert template["Resources"][group]["Properties"]["LogGroupName"] == f"/aws/lambda/{props['FunctionName']}"


def test_the_secret_parameter_names_are_outputs_and_no_secret_is_anywhere(template, packaged):
    env = stage_environment("dev")
    parameters = {k: v for k, v in env.items() if k.endswith("_PARAMETER")}
    assert set(parameters) >= {"X_BEARER_TOKEN_PARAMETER", "X_OAUTH2_CLIENT_PARAMETER", "TOKEN_SIGNING_KEY_PARAMETER"}
    assert set(parameters.values()) <= {o["Value"] for o in template["Outputs"].values() if isinstance(o["Value"], str)}
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage, settings in config["stages"].items():
        for var, value in {**config["environment_variables"], **settings.get("environment_variables", {})}.items():
            settings_value = value.isdigit() or value in ("true", "false")  # SECRETS_MAX_AGE_SECONDS, ...
            settings_value = settings_value or value.startswith(f"alias/complaint-desk-tokens-{stage}")  # a KMS key's name
            if re.search(r"TOKEN|SECRET|PASSWORD|KEY|CREDENTIAL", var) and not settings_value:
                assert var.endswith("_PARAMETER") and value.startswith(f"/complaint-desk/{stage}/"), (
                    f"{stage}.{var}: secrets live in SSM; config holds only the parameter name"
                )
    for path in (ROOT / ".chalice" / "config.json", packaged("dev").template, packaged("prod").template):
        text = path.read_text()
        assert not re.search(r"AKIA[0-9A-Z]{16}|AAAAAAAAAAAAAAAAAAAA|-----BEGIN", text), path
        from devtools import stack

        dummies = [stack.DUMMY_X_TOKEN, *[getattr(stack, n) for n in ("DUMMY_SIGNING_KEY",) if hasattr(stack, n)]]
        assert not any(d in text for d in dummies), path


def test_every_role_carries_exactly_the_stage_policy_file(packaged):
    for stage in ("dev", "prod"):
        template = json.loads(packaged(stage).template.read_text())
        roles = of_type(template, "AWS::IAM::Role")
        assert roles
        for role in roles.values():
            assert "ManagedPolicyArns" not in role["Properties"]
            [inline] = role["Properties"]["Policies"]
            assert inline["PolicyDocument"] == cloudformation_policy(policy(stage))
        text = json.dumps(template)
        assert "123456789012" not in text, "the placeholder account must not reach the template"


def test_alarms_watch_poll_failures_alerts_sla_breaches_and_throttling_and_notify_ops(template):
    alarms = of_type(template, "AWS::CloudWatch::Alarm")

    def watching(metric):
        found = []
        for alarm in alarms.values():
            p = alarm["Properties"]
            names = [p.get("MetricName")] + [m.get("MetricStat", {}).get("Metric", {}).get("MetricName") for m in p.get("Metrics", [])]
            if metric in names:
                found.append(p)
        return found

    for metric in ("HandlesFailed", "Errors", "AlertsFailed", "DeadlineEscalations", "HandlesRateLimited", "Throttles",
                   "ReadThrottleEvents", "WriteThrottleEvents", "SearchCaught", "SearchGroupsFailed"):  # fmt: skip
        assert watching(metric), f"no alarm on {metric}"
    for alarm in alarms.values():
        p = alarm["Properties"]
        assert p["AlarmActions"] == p["OKActions"] == [{"Ref": "OpsTopic"}]
        assert p["TreatMissingData"] == "notBreaching"
        assert p["AlarmName"]["Fn::Sub"].startswith("complaint-desk-${Stage}-")


def test_the_stage_parameter_admits_only_the_packaged_stage(packaged):
    for stage in ("dev", "prod"):
        parameter = json.loads(packaged(stage).template.read_text())["Parameters"]["Stage"]
        assert parameter["AllowedValues"] == [stage] and parameter["Default"] == stage


def test_the_resources_part_has_no_sam_and_nothing_that_needs_the_functions(packaged):
    resources = json.loads(packaged("dev").resources.read_text())
    assert "Transform" not in resources
    text = json.dumps(resources)
    assert "AWS::Serverless" not in text
    for name in ("APIHandler", "Poll", "RestAPI"):
        assert f'"{name}"' not in text


def test_the_key_sealing_the_handles_tokens_is_the_one_the_functions_name(template):
    [alias] = of_type(template, "AWS::KMS::Alias").values()
    assert alias["Properties"] == {"AliasName": stage_environment("dev")["X_TOKENS_KEY_ID"],
                                   "TargetKeyId": {"Ref": "TokensKey"}}
    key = template["Resources"]["TokensKey"]
    assert key["Properties"]["EnableKeyRotation"] and key["DeletionPolicy"] == "Retain"  # losing it loses every grant


def test_the_streamed_path_has_its_queue_a_dead_letter_queue_and_alarms_on_both_ends(template):
    env = stage_environment("dev")
    resources = template["Resources"]
    queue = resources["MentionsQueue"]["Properties"]
    assert queue["QueueName"] == env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1]
    assert resources["MentionsDeadLetterQueue"]["Properties"]["QueueName"] == queue["QueueName"] + "-dlq"
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["MentionsDeadLetterQueue", "Arn"]},
                                      "maxReceiveCount": 5}
    functions = of_type(template, "AWS::Serverless::Function")
    recorder = functions["RecordMentions"]["Properties"]
    [event] = recorder["Events"].values()
    assert event["Type"] == "SQS" and event["Properties"]["Queue"] == {"Fn::GetAtt": ["MentionsQueue", "Arn"]}
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["BatchSize"] == 10
    # AWS's advice for a queue feeding a function: a visibility timeout of six times the function's.
    assert queue["VisibilityTimeout"] >= 6 * recorder["Timeout"]
    holder = functions["StreamHolder"]["Properties"]
    assert holder["Timeout"] == 900 and holder["ReservedConcurrentExecutions"] == 2
    watched = {(a["Properties"]["MetricName"], json.dumps(a["Properties"]["Dimensions"]))
               for a in of_type(template, "AWS::CloudWatch::Alarm").values() if "MetricName" in a["Properties"]}
    assert ("ApproximateNumberOfMessagesVisible",
            json.dumps([{"Name": "QueueName", "Value": {"Fn::GetAtt": ["MentionsDeadLetterQueue", "QueueName"]}}])) in watched
    assert "StreamDisconnects" in {m for m, _ in watched}


def test_the_officers_pool_and_the_pages_client_come_from_officers_pool_json(template):
    import json

    from devtools.package import INFRA

    shape = json.loads((INFRA / "officers_pool.json").read_text())
    pool = template["Resources"]["OfficersPool"]
    assert pool["Type"] == "AWS::Cognito::UserPool" and pool["DeletionPolicy"] == "Retain"
    assert {k: pool["Properties"][k] for k in shape["UserPool"]} == shape["UserPool"]
    assert pool["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no self sign-up
    client = template["Resources"]["PagesClient"]["Properties"]
    assert client["UserPoolId"] == {"Ref": "OfficersPool"} and client["GenerateSecret"] is False
    # The pages sign in with the password flow; role and scope are read, never written, by the client.
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    assert not {a for a in client["WriteAttributes"] if a.startswith("custom:")}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_each_functions_memory_and_timeout_are_the_configs_and_the_cost_estimate_reads_the_same(packaged, stage):
    """Set in .chalice/config.json from bench/function_bounds.py's measurements (see the README);
    bench/day_report.py prices the prod stage's memory."""
    from bench.day_report import memory_mb

    template = json.loads(packaged(stage).template.read_text())
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"][stage]["lambda_functions"]
    seen = set()
    for props in (r["Properties"] for r in of_type(template, "AWS::Serverless::Function").values()):
        name = "api_handler" if props["Handler"] == "app.app" else props["Handler"].split(".", 1)[1]
        seen.add(name)
        assert (props["MemorySize"], props["Timeout"]) == (config[name]["lambda_memory_size"],
                                                           config[name]["lambda_timeout"]), name
    assert seen == set(config)  # every function has its own settings, none is left to Chalice's defaults
    assert config["api_handler"]["lambda_timeout"] <= 29  # API Gateway answers 504 after 29 s anyway
    if stage == "prod":
        assert memory_mb() == {name: f["lambda_memory_size"] for name, f in config.items()}
