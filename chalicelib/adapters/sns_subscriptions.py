"""The alert topic's subscriptions and their filter policies, in the coverage's words: read for the
dashboard and for routing alerts nobody would receive, written by the roster import."""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.coverage import Subscription
from ..services.ports import AlertFailed
from .aws import client


class SnsSubscriptions:
    def __init__(self, topic_arn: str, sns=None):
        self.topic_arn = topic_arn
        self._client = sns

    @property
    def sns(self):
        return self._client or client("sns")

    def read(self) -> list[Subscription]:
        """Every subscription of the topic; AlertFailed when SNS does not answer."""
        try:
            listed = [s for page in self.sns.get_paginator("list_subscriptions_by_topic").paginate(
                TopicArn=self.topic_arn) for s in page["Subscriptions"]]
            return [self._subscription(s) for s in listed]
        except (BotoCoreError, ClientError) as e:
            raise AlertFailed(f"cannot read the alert topic's subscriptions: {type(e).__name__}: {e}") from e

    def _subscription(self, listed: dict) -> Subscription:
        arn = listed["SubscriptionArn"]
        policy, on_body = None, False
        if arn.startswith("arn:"):  # a pending confirmation has no attributes to read
            attributes = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
            policy = json.loads(attributes["FilterPolicy"]) if attributes.get("FilterPolicy") else None
            on_body = attributes.get("FilterPolicyScope") == "MessageBody"
        return Subscription(arn, listed["Protocol"], listed["Endpoint"], policy, on_body)

    def subscribe(self, protocol: str, endpoint: str, policy: dict) -> str:
        answer = self.sns.subscribe(TopicArn=self.topic_arn, Protocol=protocol, Endpoint=endpoint,
                                    Attributes={"FilterPolicy": json.dumps(policy)}, ReturnSubscriptionArn=True)
        return answer["SubscriptionArn"]

    def change_policy(self, arn: str, policy: dict) -> None:
        self.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy",
                                             AttributeValue=json.dumps(policy))

    def unsubscribe(self, arn: str) -> None:
        self.sns.unsubscribe(SubscriptionArn=arn)
