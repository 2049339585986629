"""Notes: everyone reads them; their authors write, edit and delete them."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .auth import login_required
from .db import get_db

bp = Blueprint("notes", __name__)


@bp.route("/")
def index():
    notes = (
        get_db()
        .execute(
            "SELECT n.id, title, body, written, author_id, username"
            " FROM note n JOIN account a ON n.author_id = a.id"
            " ORDER BY written DESC, n.id DESC LIMIT ?",
            (current_app.config["NOTES_PER_PAGE"],),
        )
        .fetchall()
    )
    return render_template("notes/index.html", notes=notes)


def get_note(note_id, check_author=True):
    """The note ``note_id``: 404 if there is none, 403 if it is someone else's."""
    note = (
        get_db()
        .execute(
            "SELECT n.id, title, body, written, author_id, username"
            " FROM note n JOIN account a ON n.author_id = a.id WHERE n.id = ?",
            (note_id,),
        )
        .fetchone()
    )
    if note is None:
        abort(404, f"There is no note {note_id}.")
    if check_author and note["author_id"] != g.user["id"]:
        abort(403)
    return note


def read_form():
    """The form's title and body, or ``None`` after flashing what is missing."""
    title = request.form["title"].strip()
    body = request.form.get("body", "")
    if not title:
        flash("A note needs a title.", "error")
        return None
    return title, body


@bp.route("/new", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "POST":
        form = read_form()
        if form is not None:
            db = get_db()
            db.execute(
                "INSERT INTO note (title, body, author_id) VALUES (?, ?, ?)",
                (*form, g.user["id"]),
            )
            db.commit()
            return redirect(url_for("notes.index"))

    return render_template("notes/form.html", note=None)


@bp.route("/<int:note_id>")
def show(note_id):
    return render_template("notes/show.html", note=get_note(note_id, False))


@bp.route("/<int:note_id>/edit", methods=("GET", "POST"))
@login_required
def update(note_id):
    note = get_note(note_id)

    if request.method == "POST":
        form = read_form()
        if form is not None:
            db = get_db()
            db.execute(
                "UPDATE note SET title = ?, body = ? WHERE id = ?", (*form, note_id)
            )
            db.commit()
            flash("Saved.", "info")
            return redirect(url_for(".show", note_id=note_id))

    return render_template("notes/form.html", note=note)


@bp.post("/<int:note_id>/delete")
@login_required
def delete(note_id):
    get_note(note_id)
    db = get_db()
    db.execute("DELETE FROM note WHERE id = ?", (note_id,))
    db.commit()
    return redirect(url_for("notes.index"))
