"""``%protoweb export DIR``: write the prototype as a package that proves itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from protoweb.export import ExportError, export_project

from .verb import argument, verb

if TYPE_CHECKING:
    from .workbench import Workbench


@verb(
    "export",
    "DIR [--name NAME] [--target protoweb|flask] [--force] [--wheel]",
    "export the prototype as a standalone package, verified by its own tests",
    arguments=[
        argument("dir", metavar="DIR"),
        argument("--name", default=None, help="the package name (default: DIR's)"),
        argument(
            "--target",
            choices=["protoweb", "flask"],
            default="protoweb",
            help="what the package depends on",
        ),
        argument("--force", action="store_true", help="write into a non-empty DIR"),
        argument(
            "--wheel",
            action="store_true",
            help="write protoweb's wheel into DIR/wheels, to install without PyPI",
        ),
    ],
)
def export(bench: Workbench, args: Any) -> None:
    try:
        result = export_project(
            bench.prototype(),
            args.dir,
            name=args.name,
            target=args.target,
            force=args.force,
            wheel=args.wheel,
        )
    except ExportError as error:
        raise UsageError(f"%protoweb export: {error}") from None
    print(result.summary())
