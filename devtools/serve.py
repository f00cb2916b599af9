"""`make serve`: the local stack, the poller every minute and the deadline sweep every five (as
EventBridge would fire them), the stream holder (one after another, as the scheduled function hands over)
with a consumer feeding the mentions queue to the recorder (as Lambda's SQS event source would), and the
HTTP API served by `chalice local` on 127.0.0.1:8000, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading

from chalicelib.admin import LOCAL_STACK_ENV
from devtools.stack import LOCAL_PASSWORD, SIGN_IN_ACCOUNTS, LocalStack

PORT = int(os.environ.get("PORT", "8000"))
TICK_SECONDS = 60
SWEEP_EVERY_TICKS = 5


def schedule_forever(stop: threading.Event) -> None:
    """Fire the scheduled functions as EventBridge would: the reconciler every minute, the sweep every five."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
        tick = 0
        while not stop.is_set():
            report = client.lambda_.invoke("reconcile", event).payload
            print(
                f"[reconcile] {len(report['created'])} new complaints ({report['caught']} caught by search), "
                f"{report['alerts_sent']} alerts sent, "
                f"{report['alerts_failed']} failed, {report['replies_sent']} replies posted",
                flush=True,
            )
            if tick % SWEEP_EVERY_TICKS == 0:
                swept = client.lambda_.invoke("sweep", event).payload
                print(f"[sweep] {swept['reminders']} reminders, {swept['escalations']} escalations", flush=True)
            tick += 1
            stop.wait(TICK_SECONDS)


def hold_stream_forever(stop: threading.Event) -> None:
    """The stream holder, as the scheduled function: it holds until `stop` (or its 14 minutes), then the next
    one takes over at once."""
    from chalicelib import runtime

    while not stop.is_set():
        report = runtime.run_stream_holder(stop=stop)
        print(f"[stream] {report.get('outcome')}: {report.get('queued', 0)} posts queued, "
              f"{report.get('disconnects', 0)} disconnects", flush=True)
        if report.get("outcome") in ("disabled", "held_elsewhere"):
            stop.wait(TICK_SECONDS)


def consume_mentions_forever(stop: threading.Event, stack: LocalStack) -> None:
    """What Lambda's SQS event source mapping does for record_mentions (chalice local runs no SQS events)."""
    from chalice.test import Client

    from app import app
    from devtools.mentions_consumer import consume_once

    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=stack.env["MENTIONS_QUEUE_URL"].rsplit("/", 1)[1])["QueueUrl"]
    with Client(app, stage_name="local") as client:
        while not stop.is_set():
            answer = consume_once(sqs, url, lambda event: client.lambda_.invoke("record_mentions", event).payload)
            if answer and answer["batchItemFailures"]:
                print(f"[record] {len(answer['batchItemFailures'])} messages left for redelivery", flush=True)


def sign_in_details(base: str) -> str:
    """The example officers' accounts in the local user pool, for `make serve` to print."""
    lines = [f"officers' pages: {base}/app/sign-in   (every example account's password: {LOCAL_PASSWORD})"]
    for a in SIGN_IN_ACCOUNTS:
        scope = ", ".join([*(f"district {d}" for d in a.districts), *a.departments]) or "the whole state"
        lines.append(f"  {a.email:<28} {a.role}, {scope}")
    lines.append("  alerts (the officer-* queues) carry one-tap links to the complaint's page")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.serve", description=__doc__)
    parser.add_argument("--aws-url", help="a moto server already running (with --x-url): `make soak` runs the "
                                           "servers in their own processes to measure each one's memory")
    parser.add_argument("--x-url", help="a local X already running (python -m devtools.xapi)")
    parser.add_argument("--no-autoreload", action="store_true", help="chalice local keeps the code it started with")
    args = parser.parse_args(argv)
    if bool(args.aws_url) != bool(args.x_url):
        parser.error("--aws-url and --x-url go together")
    stack = LocalStack().attach(args.aws_url, args.x_url) if args.aws_url else LocalStack().start()
    try:
        serve(stack, autoreload=not args.no_autoreload)
    finally:
        stack.stop()


def serve(stack: LocalStack, autoreload: bool = True) -> None:
    """Provision the stack, then run the scheduled functions, the stream path and the API until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    stack.provision()
    stack.env["PAGES_BASE_URL"] = f"http://127.0.0.1:{PORT}"  # the links in alerts open this server's pages
    os.environ.update(stack.env)
    # The handles the seed mentions tag let the desk reply as them (admin link, consent on the local X, callback).
    print(f"authorised on the local X: {', '.join('@' + h for h in stack.authorise_seeded())}", flush=True)
    # `python -m chalicelib.admin token` in another shell finds this stack through this file.
    LOCAL_STACK_ENV.parent.mkdir(exist_ok=True)
    LOCAL_STACK_ENV.write_text("".join(f"{k}={v}\n" for k, v in stack.env.items()))
    print(f"moto server (AWS): {stack.aws_url}\nlocal X API:       {stack.x.url}", flush=True)
    api = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "chalice"), "local", "--stage", "local", "--host", "127.0.0.1",
         "--port", str(PORT), *([] if autoreload else ["--no-autoreload"])],
        env=os.environ.copy(),
    )
    poller = threading.Thread(target=schedule_forever, args=(stop,), daemon=True)
    poller.start()
    holder = threading.Thread(target=hold_stream_forever, args=(stop,), daemon=True)
    holder.start()
    consumer = threading.Thread(target=consume_mentions_forever, args=(stop, stack), daemon=True)
    consumer.start()
    print(sign_in_details(f"http://127.0.0.1:{PORT}"), flush=True)
    print(f"API: http://127.0.0.1:{PORT}/status   (Ctrl-C to stop)", flush=True)
    try:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.wait(1):
            if api.poll() is not None:
                print("chalice local stopped", file=sys.stderr)
                break
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        api.terminate()
        api.wait(timeout=10)
        poller.join(timeout=15)
        holder.join(timeout=30)
        consumer.join(timeout=5)
        LOCAL_STACK_ENV.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
