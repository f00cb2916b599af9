"""The streamed path in the simulated day: stream holders in lock-step with the bench's clock, and the
SQS event source mapping's stand-in.

A holder (services/stream.py) loops: wait one tick (1 s), put the posts its stream thread read on the
queue, renew its lease. Here its `wait` returns only when the bench steps the clock (`Gate.step`), and
the bench waits for every holder to come back to `wait` (or end) before it goes on: the holder's tick
happens at the simulated second the bench chose, however fast the simulation runs. The stream itself is
real: tweepy's StreamingClient on the local X, in its own thread, in real time.
"""

from __future__ import annotations

import threading
import time


class Gate:
    """Lets the holders' waits out one simulated tick at a time."""

    def __init__(self):
        self._cond = threading.Condition()
        self._generation = 0
        self._waiting: dict[threading.Thread, int] = {}  # holder thread -> generation it waits in
        self.threads: list[threading.Thread] = []

    def wait(self, seconds: float) -> None:
        """A holder's `wait`: back when the bench steps (or at once, from a thread the bench did not start)."""
        me = threading.current_thread()
        with self._cond:
            if me not in self.threads:
                return
            generation = self._generation
            self._waiting[me] = generation
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._generation != generation)

    def start(self, work) -> threading.Thread:
        """Run `work` (a holder invocation) in a thread in lock-step; back once it waits or has ended."""
        thread = threading.Thread(target=work, daemon=True)
        with self._cond:
            self.threads.append(thread)
        thread.start()
        self.settle()
        return thread

    def step(self) -> None:
        """One tick for every holder: each runs until it waits again or ends."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()
        self.settle()

    def settle(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                self.threads = [t for t in self.threads if t.is_alive()]
                if all(self._waiting.get(t) == self._generation for t in self.threads):
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError("a stream holder did not come back to its wait")
                self._cond.wait(0.01)

    @property
    def holding(self) -> int:
        return len(self.threads)


def consume(sqs, queue_url: str, record) -> int:
    """What Lambda's event source mapping does: batches of up to ten to `record(messages)` (the function's
    partial batch answer), deleting what it did not report failed. Returns how many batches."""
    batches = 0
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return batches
        batches += 1
        answer = record([(m["MessageId"], m["Body"]) for m in messages]) or {}
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=queue_url, Entries=done)
