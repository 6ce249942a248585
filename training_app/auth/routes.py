"""Sign-in, sign-out and password pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user

from training_app.auth import services, throttle
from training_app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
)
from training_app.auth.sign_in import finish_sign_in
from training_app.extensions import client_address, limiter
from training_app.mail import send_mail
from training_app.mfa import begin_second_step
from training_app.redirects import safe_next

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "The email address or password is not right. Check them and try again."


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=throttle.account_key,
    methods=["POST"],
    scope="login-account",
    deduct_when=throttle.failed,
    exempt_when=throttle.is_known_device,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=throttle.device_key,
    methods=["POST"],
    scope="login-device",
    deduct_when=throttle.failed,
    exempt_when=lambda: not throttle.is_known_device(),
)
@limiter.limit(
    # A school signs its whole staff in from one address on a training morning: only failures
    # count here too, so the limit slows guessing, never a room of people signing in.
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    scope="login-address",
    deduct_when=throttle.failed,
)
def login() -> ResponseReturnValue:
    """Show the sign-in form and sign people in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        # Checked before any session or challenge exists, so no `next` can break a sign-in.
        next_url = safe_next(request.args.get("next"))
        user = services.authenticate(
            form.email.data or "", form.password.data or "", ip_address=client_address()
        )
        if user is None:
            throttle.mark_failed()
            flash(SIGN_IN_FAILED, "error")
            return render_template("auth/login.html", form=form, failed=True), 200
        # Roles that need it (and anyone who set it up) still have a code to give.
        second_step = begin_second_step(user, next_url)
        if second_step is not None:
            return second_step
        finish_sign_in(user)
        return redirect(next_url)
    return render_template("auth/login.html", form=form, failed=False)


@bp.route("/sign-out", methods=["POST"])
def logout() -> ResponseReturnValue:
    """Revoke this browser's session on the server, then clear the cookie."""
    if current_user.is_authenticated and current_user.current_session_token:
        services.revoke_session(current_user.current_session_token)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change your password; other signed-in browsers are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = services.change_password(
            current_user,
            form.current_password.data or "",
            form.new_password.data or "",
            ip_address=client_address(),
        )
        if changed:
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("home.index"))
        form.current_password.errors = ["Your current password is not right."]
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", key_func=throttle.account_key, methods=["POST"], scope="reset-account")
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="reset-address"
)
def forgot_password() -> ResponseReturnValue:
    """Email a reset link; the reply is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset = services.create_reset_token(form.email.data or "", ip_address=client_address())
        if reset is not None:
            base = current_app.config["EXTERNAL_URL"] or request.host_url
            link = base.rstrip("/") + url_for("auth.reset_password", token=reset.token)
            hours = current_app.config["PASSWORD_RESET_HOURS"]
            send_mail(
                reset.user.email,
                "Set your safeguarding training password",
                render_template("auth/reset_email.txt", user=reset.user, link=link, hours=hours),
            )
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Set a new password from a single-use emailed link."""
    if services.valid_reset_token(token) is None:
        problem = services.reset_link_problem(token)
        return render_template("auth/reset_invalid.html", problem=problem), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(
            token, form.new_password.data or "", ip_address=client_address()
        )
        if user is None:
            problem = services.reset_link_problem(token)
            return render_template("auth/reset_invalid.html", problem=problem), 410
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash("Your password is set. Sign in with your new password.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
