"""``python -m borderwatch.team.db COMMAND``: set up and check the team database.

Commands (URLs from the configuration, see the README's Configuration table):

- ``bootstrap SUPERUSER_URL [--database NAME]``: roles, database, PostGIS (once, as a superuser)
- ``migrate``: the schema to the newest revision (``BORDERWATCH_DATABASE_OWNER_URL``)
- ``load-curated``: the curated layer into the database (``BORDERWATCH_DATABASE_OWNER_URL``)
- ``check``: the app's database is reachable and migrated (``BORDERWATCH_DATABASE_URL``);
  exit status 0 when healthy, 1 with what to do otherwise. A health check for monitoring.
"""

from __future__ import annotations

import argparse
import sys

from borderwatch.config import ConfigError, settings
from borderwatch.errors import DataFileError


def _required(value: str, variable: str) -> str:
    if not value:
        raise ConfigError(
            f"{variable} is not set; set it to the database URL (docs/team-server.md)."
        )
    return value


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m borderwatch.team.db", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    boot = commands.add_parser("bootstrap", help="roles, database and PostGIS (as a superuser)")
    boot.add_argument("superuser_url")
    boot.add_argument("--database", default="borderwatch")
    commands.add_parser("migrate", help="schema to the newest revision (as the owner)")
    commands.add_parser("load-curated", help="curated layer into the database (as the owner)")
    commands.add_parser("check", help="is the app's database reachable and migrated?")
    arguments = parser.parse_args(argv)

    from borderwatch.team.db import setup
    from borderwatch.team.db.engine import check_ready, safe_url

    try:
        config = settings()
        if arguments.command == "bootstrap":
            setup.bootstrap(arguments.superuser_url, database=arguments.database)
            print(
                f"roles {setup.OWNER_ROLE}, {setup.APP_ROLE}, database {arguments.database}: ready"
            )
        elif arguments.command == "migrate":
            owner = _required(config.database_owner_url, "BORDERWATCH_DATABASE_OWNER_URL")
            setup.migrate(owner)
            print(f"schema of {safe_url(owner)} is at the newest revision")
        elif arguments.command == "load-curated":
            owner = _required(config.database_owner_url, "BORDERWATCH_DATABASE_OWNER_URL")
            counts = setup.load_curated(owner, config.geodata_dir)
            print("curated layer loaded: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
        else:
            url = _required(config.database_url, "BORDERWATCH_DATABASE_URL")
            version = check_ready(url)
            print(f"ok: {safe_url(url)} reachable, schema current, store version {version}")
    except (ConfigError, DataFileError) as error:
        remedy = getattr(error, "remedy", "")
        print(
            f"BorderWatch: {error}" + (f"\nWhat to do: {remedy}" if remedy else ""),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
