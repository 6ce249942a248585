"""Signing in with a school's Microsoft 365, Google Workspace or other OpenID Connect account."""

from __future__ import annotations

from flask import Flask, Response, g, request, session
from flask_login import current_user

# The second sign-in step's pages (training_app/mfa), which may finish a provider's sign-in.
SECOND_STEP_ENDPOINTS = frozenset({"mfa.code", "mfa.recovery", "mfa.enrol"})


def init_app(app: Flask) -> None:
    """Register the pages, and offer the provider's sign-out page after signing out here."""
    from training_app.sso import flow, routes_admin  # noqa: F401 (adds its routes to bp)
    from training_app.sso.checks import register
    from training_app.sso.routes import bp, end_session_url
    from training_app.sso.settings import home_summary, trust_provider

    app.register_blueprint(bp)
    app.add_template_global(home_summary, "sso_home_summary")
    app.add_template_global(trust_provider, "sso_trust_provider")
    register()
    app.add_template_global(flow.end_session_offer, "sso_end_session_offer")

    # Signing out here ends only this app's session; the provider's own session lives on,
    # so the sign-in page then offers its sign-out page (auth.logout clears the cookie).
    # A sign-in the provider began and a code from the app finished counts too: the code
    # pages clear the cookie as they sign in, so what it said is kept in `g` meanwhile.
    @app.before_request
    def _remember_provider() -> None:
        if request.endpoint == "auth.logout":
            g.sso_provider_id = flow.signed_in_provider()
        elif request.endpoint in SECOND_STEP_ENDPOINTS:
            g.sso_awaiting_code = session.get(flow.AWAITING_CODE_KEY)

    @app.after_request
    def _note_provider(response: Response) -> Response:
        awaiting = g.get("sso_awaiting_code")
        if isinstance(awaiting, int) and current_user.is_authenticated:
            session[flow.SIGNED_IN_KEY] = {"provider": awaiting}
        provider_id = g.get("sso_provider_id") if request.endpoint == "auth.logout" else None
        if provider_id is not None:
            url = end_session_url(provider_id)
            if url is not None:
                session[flow.END_SESSION_KEY] = url
        return response
