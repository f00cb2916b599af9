"""The local stack: a moto server standing in for AWS and the project's local X API server.

Used by `make demo`, `make serve` and the tests. Both servers listen on 127.0.0.1 on free
ports; boto3 reaches moto over HTTP through AWS_ENDPOINT_URL, tweepy reaches the X server
through X_API_BASE_URL. Nothing here is deployed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import boto3
import requests

ROOT = Path(__file__).resolve().parent.parent
STAGE = "local"
REGION = "ap-south-1"
DUMMY_X_TOKEN = "local-dummy-bearer-token"
# The desk's app as registered on the local X server (its defaults; see /work OAUTH2 protocol in devtools/xapi).
DUMMY_X_CLIENT = {"client_id": "local-desk-client", "client_secret": "local-desk-secret"}
DUMMY_SIGNING_KEY = "local-token-signing-key-not-for-production-use-0123456789"
# The seeded handles went live this long ago: the seed mentions (devtools/xapi/seed_mentions.json) are newer.
SEED_LIVE_FOR = timedelta(days=30)


@dataclass(frozen=True)
class Officer:
    """An example subscriber: an SQS queue stands in for the officer's phone or inbox."""

    name: str
    filter_policy: dict


EXAMPLE_OFFICERS = (
    # L1: district officers; L2: the district head (SSP, DM), who also gets the daily digest;
    # L3: state headquarters. The state triage desk gets every complaint no district was told for.
    Officer("lucknow-police", {"district": ["162"], "department": ["police"], "level": ["L1"]}),
    Officer("noida-police", {"district": ["144"], "level": ["L1"]}),
    Officer("state-triage", {"district": ["unknown"]}),
    Officer("ssp-lucknow", {"district": ["162"], "level": ["L2"]}),
    Officer("dgp-hq", {"department": ["police"], "level": ["L3"]}),
    # The state's level-3 desk: alerts no other subscription takes come here too (event "unrouted").
    Officer("state-desk", {"district": ["state"]}),
)


@dataclass(frozen=True)
class SignInAccount:
    """An example account in the local user pool, signed in with LOCAL_PASSWORD (`make serve` prints them)."""

    email: str
    name: str
    role: str
    districts: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()


LOCAL_PASSWORD = "Desk-local-2026!"
SIGN_IN_ACCOUNTS = (
    SignInAccount("lucknow.police@example.in", "Lucknow police desk", "officer", (162,), ("police",)),
    SignInAccount("noida.officer@example.in", "Gautam Buddha Nagar desk", "officer", (144,)),
    SignInAccount("state.admin@example.in", "State admin", "admin"),
)


def stage_environment(stage: str = STAGE) -> dict[str, str]:
    """The environment variables Chalice gives the functions in this stage."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


class MotoServer:
    """moto's standalone server, answering one request at a time.

    DynamoDB applies each request atomically; moto's threaded server does not (a failed
    transaction restores a copy of the whole table, undoing writes made meanwhile by other
    requests). Serving requests one by one gives the tests DynamoDB's behaviour under races.
    """

    def start(self) -> tuple[str, int]:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        from devtools import moto_fixes

        moto_fixes.apply()  # flat memory and time per write, Cognito's sessions refused as Cognito does
        # moto's werkzeug logs every request line; the demo and tests only want errors.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self._server.server_address[:2]

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


@dataclass(frozen=True)
class RunningX:
    """A local X server running in another process (`python -m devtools.xapi`), known by its URL."""

    url: str

    def stop(self) -> None:
        """Its own process stops it."""


class LocalStack:
    def __init__(self, officers=EXAMPLE_OFFICERS):
        self.officers = officers
        self.moto = None
        self.x = None
        self.env: dict[str, str] = {}
        self._clients: dict[str, object] = {}

    def start(self) -> "LocalStack":
        from devtools.xapi.server import XApiServer

        self.moto = MotoServer()
        host, port = self.moto.start()
        self.x = XApiServer()
        return self._point_at(f"http://{host}:{port}", self.x.start())

    def attach(self, aws_url: str, x_url: str) -> "LocalStack":
        """Use a moto server and a local X already running in other processes (`make soak` runs each
        in its own, to measure its memory apart); stop() leaves them running."""
        self.x = RunningX(x_url)
        return self._point_at(aws_url, x_url)

    def _point_at(self, aws_url: str, x_url: str) -> "LocalStack":
        self.env = stage_environment() | {
            "AWS_ENDPOINT_URL": aws_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "X_API_BASE_URL": x_url,
        }
        os.environ.update(self.env)
        return self

    def stop(self) -> None:
        if self.x:
            self.x.stop()
        if self.moto:
            self.moto.stop()

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def aws_url(self) -> str:
        return self.env["AWS_ENDPOINT_URL"]

    def client(self, service: str):
        # Creating a botocore client costs ~0.1 s; tests reset the stack hundreds of times.
        if service not in self._clients:
            self._clients[service] = boto3.session.Session().client(
                service, endpoint_url=self.aws_url, region_name=REGION
            )
        return self._clients[service]

    def reset(self) -> None:
        """Empty AWS and the X server, then create the resources again: each test starts clean."""
        requests.post(f"{self.aws_url}/moto-api/reset", timeout=10).raise_for_status()
        self.x.reset()
        self.provision()

    def provision(self) -> None:
        """Create what the deployed stack would have: table, topics, the tokens' key, secrets, subscriptions."""
        table = json.loads((ROOT / "infra" / "complaints_table.json").read_text())
        self.client("dynamodb").create_table(TableName=self.env["TABLE_NAME"], **table)
        topic_name = self.env["ALERTS_TOPIC_ARN"].rsplit(":", 1)[1]
        topic_arn = self.client("sns").create_topic(Name=topic_name)["TopicArn"]
        assert topic_arn == self.env["ALERTS_TOPIC_ARN"], f"{topic_arn} != {self.env['ALERTS_TOPIC_ARN']}"
        ops_arn = self.client("sns").create_topic(Name=self.env["OPS_TOPIC_ARN"].rsplit(":", 1)[1])["TopicArn"]
        assert ops_arn == self.env["OPS_TOPIC_ARN"], f"{ops_arn} != {self.env['OPS_TOPIC_ARN']}"
        self.subscribe(Officer("ops", {}), topic_arn=ops_arn)
        kms = self.client("kms")
        key_id = kms.create_key(Description="complaint-desk-local: seals the handles' X user tokens")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=self.env["X_TOKENS_KEY_ID"], TargetKeyId=key_id)
        for name, value in (
            ("X_BEARER_TOKEN_PARAMETER", DUMMY_X_TOKEN),
            ("X_OAUTH2_CLIENT_PARAMETER", json.dumps(DUMMY_X_CLIENT)),
            ("TOKEN_SIGNING_KEY_PARAMETER", DUMMY_SIGNING_KEY),
        ):
            self.client("ssm").put_parameter(Name=self.env[name], Value=value, Type="SecureString", Overwrite=True)
        for officer in self.officers:
            self.subscribe(officer)
        self.create_officers_pool()
        self.create_mentions_queue()
        self.seed_registry()

    def create_officers_pool(self, accounts=SIGN_IN_ACCOUNTS) -> None:
        """The officers' user pool and the pages' client (infra/officers_pool.json), the example accounts with
        LOCAL_PASSWORD; the pool's ids go into the environment, as the template wires them on a stage."""
        from chalicelib.adapters.cognito_pool import Account, attributes

        shape = json.loads((ROOT / "infra" / "officers_pool.json").read_text())
        idp = self.client("cognito-idp")
        pool = idp.create_user_pool(PoolName=f"complaint-desk-officers-{STAGE}", **shape["UserPool"])["UserPool"]["Id"]
        idp.set_user_pool_mfa_config(UserPoolId=pool, SoftwareTokenMfaConfiguration={"Enabled": True},
                                     MfaConfiguration=shape["UserPool"]["MfaConfiguration"])
        client = idp.create_user_pool_client(UserPoolId=pool, ClientName="pages", **shape["Client"])
        self.env |= {"COGNITO_USER_POOL_ID": pool, "COGNITO_CLIENT_ID": client["UserPoolClient"]["ClientId"],
                     "COGNITO_JWKS_URL": f"{self.aws_url}/{pool}/.well-known/jwks.json"}
        os.environ.update(self.env)
        for a in accounts:
            account = Account(a.email, a.role, a.districts, a.departments, a.name)
            idp.admin_create_user(UserPoolId=pool, Username=a.email, MessageAction="SUPPRESS",
                                  UserAttributes=attributes(account))
            idp.admin_set_user_password(UserPoolId=pool, Username=a.email, Password=LOCAL_PASSWORD, Permanent=True)

    def create_mentions_queue(self) -> None:
        """The streamed path's queue and its dead-letter queue (a message received 5 times goes there)."""
        sqs = self.client("sqs")
        name = self.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1]
        dead = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": "5"})
        sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "360"})

    def seed_registry(self) -> None:
        """The watched handles of the seed list (chalicelib/data/handles.json) into the registry, live
        since SEED_LIVE_FOR ago; their user ids are left for the first poll to find, as on a real stage."""
        from chalicelib.adapters.dynamo_registry import item
        from chalicelib.domain.handles import load_registry

        now = datetime.now(timezone.utc)
        entries = [item(replace(h, start_at=now - SEED_LIVE_FOR, added_at=now)) for h in load_registry().all()]
        for start in range(0, len(entries), 25):  # BatchWriteItem takes 25 at a time
            batch = [{"PutRequest": {"Item": e}} for e in entries[start : start + 25]]
            answer = self.client("dynamodb").batch_write_item(RequestItems={self.env["TABLE_NAME"]: batch})
            assert not answer.get("UnprocessedItems"), "moto left registry entries unwritten"

    def subscribe(self, officer: Officer, topic_arn: str | None = None) -> str:
        """An SQS queue per subscriber; the ops topic's queue ("officer-ops") stands in for the ops inbox."""
        sqs = self.client("sqs")
        queue_url = sqs.create_queue(QueueName=f"officer-{officer.name}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {"FilterPolicy": json.dumps(officer.filter_policy)} if officer.filter_policy else {}
        self.client("sns").subscribe(TopicArn=topic_arn or self.env["ALERTS_TOPIC_ARN"], Protocol="sqs",
                                     Endpoint=queue_arn, Attributes=attributes)
        return queue_url

    def authorise(self, handle: str, as_user: str | None = None, approve: bool = True) -> dict:
        """A handle's owner authorises the desk, through the real flow: the admin command's link, the local
        X's consent page answered as `as_user` (default: the handle), X's redirect to the callback service."""
        from chalicelib import runtime

        link = runtime.authorisation_link(handle)
        answer = requests.post(f"{self.x.url}/_control/oauth2/consent", timeout=10,
                               json={"authorize_url": link, "username": as_user or handle, "approve": approve})
        answer.raise_for_status()
        return runtime.complete_authorisation(dict(parse_qsl(urlsplit(answer.json()["location"]).query)))

    def authorise_seeded(self) -> list[str]:
        """Authorise every watched handle the seed mentions tag, so the demo's replies can go out."""
        from chalicelib import runtime

        seed = json.loads((ROOT / "devtools" / "xapi" / "seed_mentions.json").read_text(encoding="utf-8"))
        tagged = [m for entry in seed["mentions"] for m in re.findall(r"@(\w+)", entry.get("text") or "")]
        handles = [h.handle for h in runtime.registry().watched(tagged)]
        for handle in handles:
            self.authorise(handle)
        return handles

    def received(self, officer_name: str) -> list[dict]:
        """Every alert waiting in an officer's queue: the SNS message with its attributes."""
        sqs = self.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=f"officer-{officer_name}")["QueueUrl"]
        alerts = []
        while True:
            answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = answer.get("Messages", [])
            if not messages:
                return alerts
            for m in messages:
                envelope = json.loads(m["Body"])
                alerts.append(
                    {
                        "subject": envelope.get("Subject"),
                        "message": envelope["Message"],
                        "attributes": {k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()},
                    }
                )
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
