"""Lambda entry points: turn the event into plain values, call one service, return."""

import functools

from chalice import AuthResponse, Chalice, Cron, Rate

from chalicelib import api, runtime
from chalicelib.auth import InvalidToken, from_context, to_context
from chalicelib.web.layout import html

# configure_logs=False: powertools' Logger writes the structured logs; Chalice's would double them.
app = Chalice(app_name="up-complaint-desk", configure_logs=False)


@app.authorizer()
def bearer_token(auth_request):
    scheme, _, token = (auth_request.token or "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("expected 'Authorization: Bearer <token>'")
        principal = runtime.authenticate(token.strip())
    except InvalidToken:
        raise api.unauthorized() from None
    # Every route is allowed here; role and scope are checked by the services, so that API
    # Gateway's authorizer cache can hold one answer per token.
    return AuthResponse(routes=["*"], principal_id=principal.subject, context=to_context(principal))


def principal():
    return from_context(app.current_request.context["authorizer"])


def page_session(view):
    """Pages' sign-in: the `desk_session` cookie holds a bearer token (Cognito or the desk's own), checked
    as the API's authorizer checks one; without a good one, the page answers with the sign-in page.
    Checked here, not by an API Gateway authorizer: a gateway's 401 cannot send a browser to sign in,
    and `chalice local` hands an authorizer the Authorization header only. principal() works as behind
    the authorizer."""
    from chalicelib.web import views

    @functools.wraps(view)
    def wrapped(**kwargs):
        request = app.current_request
        try:
            who, token = views.signed_in(request.headers.get("cookie"))
        except InvalidToken:
            return views.sign_in_redirect(request.context["resourcePath"].format(**kwargs).removeprefix("/app/"))
        request.context["authorizer"] = to_context(who)
        request.context["desk_session"] = token  # the forms' CSRF tokens are bound to it
        return view(**kwargs)

    return wrapped


def same_site_form(view):
    """A page's form posted from another site (its Origin names another host) is refused before anything is
    read: with the SameSite cookie and the CSRF token, a third guard against a forged post."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        from chalicelib.web import views
        from chalicelib.web.session import same_site

        headers = app.current_request.headers
        if not same_site(headers.get("origin"), headers.get("host")):
            return views.cross_site()
        return view(**kwargs)

    return wrapped


def session_token() -> str:
    return app.current_request.context["desk_session"]


@app.schedule(Rate(1, unit=Rate.MINUTES), name="reconcile")
def reconcile(event):
    return runtime.run_reconcile(runtime.time_left(event.context))


# Not scheduled: every handle's mentions timeline read on demand (an operator's full re-read, the
# bench's baseline); the minute's work is `reconcile`, which reads timelines only to backfill.
@app.lambda_function(name="poll")
def poll(event, context):
    return runtime.run_poll(runtime.time_left(context))


# At most one holds the stream (a DynamoDB lease); the one arriving as it nears its end takes over.
@app.schedule(Rate(1, unit=Rate.MINUTES), name="stream_holder")
def stream_holder(event):
    return runtime.run_stream_holder(runtime.time_left(event.context))


# The queue's name in every stage: devtools/package.py points the event source at the stage's queue.
@app.on_sqs_message(queue="complaint-desk-mentions", batch_size=10, name="record_mentions")
def record_mentions(event):
    return runtime.run_record_mentions([(m.to_dict()["messageId"], m.body) for m in event],
                                       runtime.time_left(event.context))


@app.schedule(Rate(5, unit=Rate.MINUTES), name="sweep")
def sweep(event):
    return runtime.run_sweep()


# 03:30 UTC is 09:00 IST.
@app.schedule(Cron(30, 3, "*", "*", "?", "*"), name="daily_digest")
def daily_digest(event):
    return runtime.run_daily_digest()


# Mondays 04:30 UTC, 10:00 IST; posts only when WEEKLY_SUMMARY_ENABLED is true. The state report to the
# admins (the dashboard's ranking by email on the ops topic) goes every Monday.
@app.schedule(Cron(30, 4, "?", "*", "MON", "*"), name="weekly_summary")
def weekly_summary(event):
    return runtime.run_weekly_summary()


@app.route("/status", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def status():
    return runtime.read_status(principal())


@app.route("/complaints", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def list_complaints():
    return runtime.list_complaints(principal(), api.list_query(app.current_request.query_params))


@app.route("/app/dashboard", methods=["GET"])
@api.page_errors
@page_session
def dashboard():
    return html(runtime.dashboard_page(principal(), api.dashboard_query(app.current_request.query_params)))


@app.route("/app/dashboard/complaints", methods=["GET"])
@api.page_errors
@page_session
def dashboard_complaints():
    return html(runtime.complaints_page(principal(), api.page_list_query(app.current_request.query_params)))


@app.route("/complaints.csv", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def export_complaints():
    text, cursor = runtime.export_complaints(principal(), *api.export_query(app.current_request.query_params))
    return api.csv_answer(text, cursor)


@app.route("/app/complaints.csv", methods=["GET"])  # the same export, for a signed-in page's download link
@api.json_errors
@page_session
def export_complaints_page():
    text, cursor = runtime.export_complaints(principal(), *api.export_query(app.current_request.query_params))
    return api.csv_answer(text, cursor)


@app.route("/complaints/{ref}", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def get_complaint(ref):
    return runtime.get_complaint(principal(), ref)


@app.route("/complaints/{ref}/actions", methods=["POST"], authorizer=bearer_token)
@api.json_errors
def act(ref):
    return runtime.act(principal(), ref, api.action_body(app.current_request.raw_body))


@app.route("/review", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def review_queue():
    return runtime.review_queue(principal(), api.review_query(app.current_request.query_params))


@app.route("/handles", methods=["GET"], authorizer=bearer_token)
@api.json_errors
def list_handles():
    return runtime.list_handles(principal())


@app.route("/handles", methods=["POST"], authorizer=bearer_token)
@api.json_errors
def add_handle():
    return runtime.add_handle(principal(), api.new_handle(app.current_request.raw_body))


@app.route("/handles/{handle}", methods=["PATCH"], authorizer=bearer_token)
@api.json_errors
def change_handle(handle):
    return runtime.change_handle(principal(), handle, api.handle_change(app.current_request.raw_body))


@app.route("/handles/import", methods=["POST"], authorizer=bearer_token, content_types=["text/csv", "text/plain"])
@api.json_errors
def import_handles():
    request = app.current_request
    return runtime.import_handles(principal(), api.csv_text(request.raw_body), api.import_dry_run(request.query_params))


# No bearer authorizer: X sends the handle owner's browser here after the consent page; the state
# (single use, 15 minutes) is what ties the request to an admin's authorisation link.
@app.route("/x/callback", methods=["GET"])
@api.json_errors
def x_callback():
    return runtime.complete_authorisation(api.callback_query(app.current_request.query_params))


@app.route("/openapi.json", methods=["GET"])
@api.json_errors
def openapi():
    return api.openapi_document()


# --- the officers' pages (chalicelib/web) -----------------------------------------------------
FORM = ["application/x-www-form-urlencoded"]


@app.route("/app/sign-in", methods=["GET"])
@api.page_errors
def sign_in_page():
    from chalicelib.web import views

    return views.sign_in_page(app.current_request.query_params)


@app.route("/app/sign-in", methods=["POST"], content_types=FORM)
@api.page_errors
@same_site_form
def sign_in():
    from chalicelib.web import views

    return views.sign_in(app.current_request.raw_body)


@app.route("/app/sign-out", methods=["POST"], content_types=FORM)
@api.page_errors
@same_site_form
@page_session
def sign_out():
    from chalicelib.web import views

    return views.sign_out(session_token(), app.current_request.raw_body)


@app.route("/app/queue", methods=["GET"])
@api.page_errors
@page_session
def queue_page():
    from chalicelib.web import views

    return views.queue(principal(), session_token())


@app.route("/app/complaints/{ref}", methods=["GET"])
@api.page_errors
@page_session
def complaint_page(ref):
    from chalicelib.web import views

    return views.complaint_page(principal(), session_token(), ref)


@app.route("/app/complaints/{ref}", methods=["POST"], content_types=FORM)
@api.page_errors
@same_site_form
@page_session
def complaint_action(ref):
    from chalicelib.web import views

    return views.complaint_page(principal(), session_token(), ref, app.current_request.raw_body or b"")


# No sign-in: the signed link is the credential, for its one complaint (services/links.py).
@app.route("/app/a/{token}", methods=["GET"])
@api.page_errors
def link_page(token):
    from chalicelib.web import views

    return views.link_page(token)


@app.route("/app/a/{token}", methods=["POST"], content_types=FORM)
@api.page_errors
@same_site_form
def link_action(token):
    from chalicelib.web import views

    return views.link_page(token, app.current_request.raw_body or b"")
