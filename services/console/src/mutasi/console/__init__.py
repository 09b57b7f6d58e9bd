"""Mutasi console: web pages in Indonesian for HR, approvers and every ASN, and the notifier."""
