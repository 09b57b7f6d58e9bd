"""Business metrics of the console: notices sent, failed sends (each retry counts) and notices given up."""

from __future__ import annotations

from mutasi.chassis.metrics import ServiceMetrics

CHANNELS = {"channel": ("email", "whatsapp")}


class NoticeMetrics:
    def __init__(self, metrics: ServiceMetrics) -> None:
        self.sent = metrics.counter("notices_sent_total", "Notices delivered to the channel.", ["channel"], CHANNELS)
        self.failed = metrics.counter(
            "notice_send_failures_total", "Failed send attempts (each is retried).", ["channel"], CHANNELS
        )
        self.given_up = metrics.counter(
            "notices_given_up_total", "Notices that failed every attempt.", ["channel"], CHANNELS
        )
        self.pending = metrics.gauge(
            "notices_pending", "Notices waiting to be sent (due or not).", ["channel"], CHANNELS
        )

    def record(self, channel: str, sent: int, failed: int, given_up: int) -> None:
        self.sent.labels(channel).inc(sent)
        self.failed.labels(channel).inc(failed)
        self.given_up.labels(channel).inc(given_up)
