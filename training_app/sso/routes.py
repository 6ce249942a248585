"""Signing in with the school's provider: find it by email, go there, come back."""

from __future__ import annotations

import hmac
import time

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.auth.sign_in import finish_sign_in
from training_app.extensions import client_address, db, limiter
from training_app.mfa import begin_second_step, note_provider_checked
from training_app.redirects import safe_next
from training_app.sso import flow, services, tokens
from training_app.sso.discovery import ProviderUnavailable
from training_app.sso.forms import FindProviderForm
from training_app.sso.models import SchoolSignIn

bp = Blueprint("sso", __name__)

# A trip to the provider and back that takes longer than this starts again.
PENDING_SECONDS = 600
NO_PROVIDER = (
    "Your school has not set up signing in with Microsoft or Google for that address. "
    "Sign in with your email and password instead."
)
PROVIDER_DOWN = (
    "We could not reach {label} just now, so you cannot sign in with it at the moment. "
    "Try again in a few minutes. If you have a password for this site, you can sign in "
    "with it instead."
)
STARTED_AGAIN = "That sign-in had expired or was already used. Start again from the sign-in page."
CHECKS_FAILED = (
    "The answer from {label} did not pass our security checks, so you have not been signed "
    "in. Try again. If it happens again, tell your school's training administrator."
)
NOT_SET_UP = (
    "Signing in with {label} is not working at your school just now. Ask your school's "
    "training administrator to check its settings, or sign in with your password."
)
CANCELLED = "The sign-in was cancelled or refused at {label}. Try again, or use your password."


def redirect_uri() -> str:
    """Where the provider sends the browser back: register exactly this at the provider."""
    base = current_app.config.get("EXTERNAL_URL") or request.host_url
    return base.rstrip("/") + url_for("sso.callback")


@bp.route("/sign-in/school-account", methods=["GET", "POST"])
def find() -> ResponseReturnValue:
    """Ask for a work email, then offer the sign-in button of that school's provider."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    # Posted, not in the URL, so addresses stay out of access logs.
    form = FindProviderForm()
    provider = None
    looked = form.validate_on_submit()
    if looked:
        email = form.email.data or ""
        provider = services.provider_for_email(email)
        # Passed on to the provider as a hint, so the person need not type it again.
        session[flow.HINT_KEY] = email
    return render_template(
        "sso/find.html",
        form=form,
        provider=provider,
        looked=looked,
        no_provider=NO_PROVIDER,
        next_url=request.args.get("next"),
    )


@bp.route("/sign-in/school-account/<int:provider_id>")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], scope="sso-start")
def start(provider_id: int) -> ResponseReturnValue:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    row = db.session.get(SchoolSignIn, provider_id)
    if row is None or not row.enabled:
        return redirect(url_for("sso.find"))
    hint = session.pop(flow.HINT_KEY, None)
    email = hint if isinstance(hint, str) else None
    try:
        started = tokens.start(services.client_for(row, redirect_uri()), email)
    except ProviderUnavailable:
        return _refused(row, "provider_down", PROVIDER_DOWN, 503)
    except services.SecretUnreadable:
        return _refused(row, "secret_unreadable", NOT_SET_UP, 503)
    session[flow.PENDING_KEY] = {
        "provider": row.id,
        "state": started.state,
        "nonce": started.nonce,
        "verifier": started.code_verifier,
        "next": safe_next(request.args.get("next")),
        "at": int(time.time()),
    }
    return redirect(started.url)


def _refused(
    row: SchoolSignIn | None, reason: str, message: str, status: int
) -> ResponseReturnValue:
    services.refuse(row, reason, ip_address=client_address())
    label = row.label if row is not None else "your school's provider"
    return render_template("sso/refused.html", message=message.format(label=label)), status


@bp.route("/sign-in/school-account/return")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], scope="sso-return")
def callback() -> ResponseReturnValue:
    """Check what the provider sent back and sign the person in, or say why not."""
    pending = flow.take_pending()
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    given_state = request.args.get("state", "")
    if pending is None or not hmac.compare_digest(str(pending.get("state")), given_state):
        return _refused(None, "state", STARTED_AGAIN, 400)
    row = db.session.get(SchoolSignIn, int(pending.get("provider", 0)))
    if row is None or not row.enabled:
        return _refused(None, "provider_removed", STARTED_AGAIN, 400)
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return _refused(row, "state_expired", STARTED_AGAIN, 400)
    if "error" in request.args or not request.args.get("code"):
        return _refused(row, "provider_error", CANCELLED, 400)
    try:
        client = services.client_for(row, redirect_uri())
        token = tokens.exchange(client, request.args["code"], str(pending["verifier"]))
        claims = tokens.verify(client, token, str(pending["nonce"]))
    except ProviderUnavailable:
        return _refused(row, "provider_down", PROVIDER_DOWN, 503)
    except services.SecretUnreadable:
        return _refused(row, "secret_unreadable", NOT_SET_UP, 503)
    except tokens.TokenRefused as refusal:
        return _refused(row, refusal.reason, CHECKS_FAILED, 400)
    outcome = services.resolve(row, claims, ip_address=client_address())
    if outcome.user is None:
        message = services.REFUSALS[outcome.refusal or "unknown"]
        return render_template("sso/refused.html", message=message), 403
    next_url = str(pending.get("next") or url_for("home.index"))
    if not outcome.provider_mfa:
        # DSLs and admins (and anyone who set it up) still give a code from their app.
        second_step = begin_second_step(outcome.user, next_url)
        if second_step is not None:
            session[flow.AWAITING_CODE_KEY] = row.id
            return second_step
    finish_sign_in(outcome.user)
    session[flow.SIGNED_IN_KEY] = {"provider": row.id}
    if outcome.provider_mfa:
        note_provider_checked()
    return redirect(next_url)


def end_session_url(provider_id: int) -> str | None:
    """The provider's sign-out page for the school's app, if it has one."""
    row = db.session.get(SchoolSignIn, provider_id)
    if row is None:
        return None
    return tokens.end_session_url(row.issuer, row.client_id)
