"""Lambda entry points: turn the event into plain values, call one service, return."""

from chalice import Chalice, Rate

from chalicelib import runtime
from chalicelib.http_errors import register_error_handling

# configure_logs=False: powertools' Logger writes the structured logs; Chalice's would double them.
app = Chalice(app_name="up-complaint-desk", configure_logs=False)
register_error_handling(app)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="poll")
def poll(event):
    return runtime.run_poll()


@app.route("/status", methods=["GET"])
def status():
    return runtime.read_status()
