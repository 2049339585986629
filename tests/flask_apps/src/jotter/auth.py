"""Accounts: register, log in and out; ``login_required`` guards other views."""

import functools

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view):
    """Send anonymous visitors to the login page instead of running ``view``."""

    @functools.wraps(view)
    def wrapped_view(**kwargs):
        if g.user is None:
            flash("Log in to see that page.", "warning")
            return redirect(url_for("auth.login", next=request.path))
        return view(**kwargs)

    return wrapped_view


@bp.before_app_request
def load_logged_in_user():
    """Put the logged-in account (or ``None``) on ``g.user`` for every request."""
    account_id = session.get("account_id")
    if account_id is None:
        g.user = None
    else:
        g.user = (
            get_db()
            .execute("SELECT * FROM account WHERE id = ?", (account_id,))
            .fetchone()
        )


@bp.route("/register", methods=("GET", "POST"))
def register():
    if request.method == "POST":
        username = request.form["username"].strip()
        password = request.form["password"]
        db = get_db()
        error = None
        if not username:
            error = "Choose a username."
        elif not password:
            error = "Choose a password."

        if error is None:
            try:
                db.execute(
                    "INSERT INTO account (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                error = f"The username {username} is taken."
            else:
                flash("Your account is ready: log in.", "info")
                return redirect(url_for(".login"))

        flash(error, "error")

    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        account = (
            get_db()
            .execute("SELECT * FROM account WHERE username = ?", (username,))
            .fetchone()
        )

        if account is None or not check_password_hash(account["password"], password):
            flash("Wrong username or password.", "error")
        else:
            session.clear()
            session["account_id"] = account["id"]
            return redirect(request.args.get("next") or url_for("index"))

    return render_template("auth/login.html")


@bp.route("/logout")
def logout():
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("index"))
