"""The second step of signing in: a code from an app, a recovery code, or setting one up."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from training_app.auth.models import User
from training_app.auth.sign_in import finish_sign_in
from training_app.extensions import client_address, limiter
from training_app.mfa import challenges, flow, services, totp
from training_app.mfa.forms import CodeForm, RecoveryForm
from training_app.qr import qr_svg

bp = Blueprint("mfa", __name__)

WRONG_CODE = "That code is not right. Type the code your authenticator app shows now."
REUSED_CODE = "That code has already been used. Wait for your app to show a new one."
WRONG_RECOVERY = "That recovery code is not right, or it has been used already."
TOO_MANY = "Too many wrong codes. For your security, sign in with your password again."
ENDED = "Your sign-in has timed out. Sign in again."


def _account_key() -> str:
    """Count wrong codes per person, whichever browser or address sends them."""
    if current_user.is_authenticated:
        return f"mfa:{current_user.id}"
    return f"mfa:{flow.pending_user_id()}"


# Only wrong codes count towards the limit (a view sets g.mfa_failed), so signing in
# often is never throttled. Shared by every page that checks a code.
code_limit = limiter.shared_limit(
    lambda: current_app.config["MFA_LIMIT_PER_ACCOUNT"],
    scope="mfa-account",
    key_func=_account_key,
    methods=["POST"],
    deduct_when=lambda response: bool(g.get("mfa_failed")),
)


def failed_code(form: CodeForm | RecoveryForm, message: str) -> None:
    """Show why a code was refused and count it against the rate limit."""
    g.mfa_failed = True
    form.code.errors = [message]


def _no_pending() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if flow.pending_user_id() is not None:
        flow.forget()
        flash(ENDED, "info")
    return redirect(url_for("auth.login"))


def _refused(pending: flow.Pending, form: CodeForm | RecoveryForm, message: str) -> bool:
    """Count a wrong code on the challenge; True when it has now ended."""
    failed_code(form, message)
    if challenges.record_failure(pending.challenge, ip_address=client_address()):
        flow.forget()
        flash(TOO_MANY, "error")
        return True
    return False


def _complete(pending: flow.Pending) -> str:
    """End the challenge and sign the browser in; return where to go next."""
    next_url = pending.next_url
    challenges.close(pending.challenge)
    finish_sign_in(pending.user)
    return next_url


@bp.route("/sign-in/code", methods=["GET", "POST"])
@code_limit
def code() -> ResponseReturnValue:
    """Ask for the code from the authenticator app."""
    pending = None if current_user.is_authenticated else flow.pending()
    if pending is None:
        return _no_pending()
    if not services.is_enrolled(pending.user.id):
        return redirect(url_for("mfa.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        result = services.check_code(pending.user, form.code.data or "")
        if result is services.Check.OK:
            return redirect(_complete(pending))
        message = REUSED_CODE if result is services.Check.REUSED else WRONG_CODE
        if _refused(pending, form, message):
            return redirect(url_for("auth.login"))
    return render_template("mfa/code.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@code_limit
def recovery() -> ResponseReturnValue:
    """Sign in with a recovery code instead (a lost or broken phone)."""
    pending = None if current_user.is_authenticated else flow.pending()
    if pending is None:
        return _no_pending()
    if not services.is_enrolled(pending.user.id):
        return redirect(url_for("mfa.enrol"))
    form = RecoveryForm()
    if form.validate_on_submit():
        left = services.use_recovery_code(
            pending.user, form.code.data or "", ip_address=client_address()
        )
        if left is not None:
            target = _complete(pending)
            flash(
                f"You signed in with a recovery code. You have {left} left. If you have lost "
                "your phone, ask your school's training administrator to reset two-factor "
                "sign-in, then set it up again when you next sign in.",
                "success",
            )
            return redirect(target)
        if _refused(pending, form, WRONG_RECOVERY):
            return redirect(url_for("auth.login"))
    return render_template("mfa/recovery.html", form=form)


def enrol_page(form: CodeForm, secret: str, user: User, *, at_sign_in: bool) -> str:
    """The set-up page: QR code, the key to type by hand, and a field for the first code."""
    issuer = current_app.config["MFA_ISSUER"]
    uri = totp.provisioning_uri(secret, user.email, issuer)
    return render_template(
        "mfa/enrol.html",
        form=form,
        grouped_secret=totp.grouped(secret),
        qr=qr_svg(uri, f"QR code to add {issuer} to your authenticator app", "mfa-qr"),
        issuer=issuer,
        email=user.email,
        at_sign_in=at_sign_in,
        required=services.is_required(user),
    )


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@code_limit
def enrol() -> ResponseReturnValue:
    """Set up two-factor sign-in before a first sign-in in a role that needs it."""
    pending = None if current_user.is_authenticated else flow.pending()
    if pending is None:
        return _no_pending()
    if services.is_enrolled(pending.user.id):
        return redirect(url_for("mfa.code"))
    if not services.is_required(pending.user):
        flow.forget()
        return redirect(url_for("auth.login"))
    form = CodeForm()
    secret = services.pending_secret(pending.user)
    if form.validate_on_submit():
        codes = services.confirm(pending.user, form.code.data or "", ip_address=client_address())
        if codes is not None:
            next_url = _complete(pending)
            return render_template("mfa/recovery_codes.html", codes=codes, next_url=next_url)
        if _refused(pending, form, WRONG_CODE):
            return redirect(url_for("auth.login"))
    return enrol_page(form, secret, pending.user, at_sign_in=True)
