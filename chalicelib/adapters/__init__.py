"""Adapters: each wraps one client (DynamoDB, SNS, X) and speaks the domain's words."""
