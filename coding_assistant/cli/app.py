"""The `coding-assistant` command: one entry point, one sub-command per job (each in its own module here)."""

from __future__ import annotations

import typer

from coding_assistant.cli import models, users
from coding_assistant.cli.batch import batch_command
from coding_assistant.cli.errors import reporting_errors
from coding_assistant.cli.evaluate import evaluate_command
from coding_assistant.cli.export import export_command
from coding_assistant.cli.group import group_command
from coding_assistant.cli.predict import predict_command
from coding_assistant.cli.synth import synth_command
from coding_assistant.cli.terminology import terminology_app
from coding_assistant.cli.train import train_command
from coding_assistant.cli.ui import ui_command

app = typer.Typer(
    help="Proposes CIM-10 FR codes for PMSI hospital stays and helps DIM coders review them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(terminology_app, name="terminology")

# Every sub-command goes through `reporting_errors`: the user's mistakes are one `error:` line and exit 2.
app.command("evaluate")(reporting_errors(evaluate_command))
app.command("synth")(reporting_errors(synth_command))
app.command("train")(reporting_errors(train_command))
app.command("predict")(reporting_errors(predict_command))
app.command("ui")(reporting_errors(ui_command))
app.command("export")(reporting_errors(export_command))
users.users_app.command("add")(reporting_errors(users.add_user_command))
users.users_app.command("list")(reporting_errors(users.list_users_command))
users.users_app.command("passwd")(reporting_errors(users.set_password_command))
users.users_app.command("deactivate")(reporting_errors(users.deactivate_command))
app.add_typer(users.users_app, name="users")
app.command("batch")(reporting_errors(batch_command))
app.command("group")(reporting_errors(group_command))
models.models_app.command("list")(reporting_errors(models.list_command))
models.models_app.command("register")(reporting_errors(models.register_command))
models.models_app.command("activate")(reporting_errors(models.activate_command))
models.models_app.command("rollback")(reporting_errors(models.rollback_command))
models.models_app.command("recalibrate")(reporting_errors(models.recalibrate_command))
app.add_typer(models.models_app, name="models")


def main() -> None:  # pragma: no cover - console entry point wrapper
    app()
