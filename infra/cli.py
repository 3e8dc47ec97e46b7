"""The `mizan` command: `up`, `down`, `status`, `test`, `bench`, and whatever others register.

A command is a function `(args: list[str]) -> int` that parses its own arguments, so nested forms
like `audit verify` need nothing here. Register it in this module with `@command(...)`, or add one
`lazy_command("name", "package.module:function", "help")` line below the built-in commands.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from config.settings import ROOT, Settings, get_settings

if TYPE_CHECKING:
    from infra.launcher import Launcher

CommandFn = Callable[[list[str]], int]


@dataclass(frozen=True)
class Command:
    fn: CommandFn
    help: str


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str) -> Callable[[CommandFn], CommandFn]:
    def register(fn: CommandFn) -> CommandFn:
        COMMANDS[name] = Command(fn, help)
        return fn

    return register


def lazy_command(name: str, target: str, help: str) -> None:
    """Register `module:function` without importing it until the command runs (keeps startup fast).

    E.g. `lazy_command("audit", "audit.cli:main", "verify the audit chain")`.
    """
    module_name, _, attr = target.partition(":")

    def run(args: list[str]) -> int:
        if "--cluster" in args:  # any such command runs against the cluster profile: `mizan audit verify --cluster`
            args = [arg for arg in args if arg != "--cluster"]
            _use_cluster_profile()
        fn: CommandFn = getattr(importlib.import_module(module_name), attr)
        return fn(args)

    COMMANDS[name] = Command(run, help)


def _sigterm_as_interrupt() -> None:
    # `kill <pid>` (and CI cancelling a job) should tear down like Ctrl-C does, not orphan services.
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _ignore_signals_while_stopping() -> None:
    # A second Ctrl-C would abort the clean-up half way and leave orphans behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _parser(name: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"mizan {name}", description=description)


def _use_cluster_profile() -> None:
    """The production shape on one machine: its own state, ports and secrets (infra.cluster.profile)."""
    from infra.cluster.secrets import apply_cluster_profile

    apply_cluster_profile()
    get_settings.cache_clear()


@command("up", "start every service (reusing running ones), print the URLs, stay until Ctrl-C")
def cmd_up(args: list[str]) -> int:
    from infra.launcher import Launcher, LaunchError

    parser = _parser("up", COMMANDS["up"].help)
    parser.add_argument("--cluster", action="store_true",
                        help="the production shape: PostgreSQL, the real Temporal server, Keycloak in production "
                             "mode, three OpenSearch nodes, two APIs behind HAProxy (TLS), two workers")
    if parser.parse_args(args).cluster:
        _use_cluster_profile()
    _sigterm_as_interrupt()
    launcher: Launcher | None = None
    try:
        launcher = Launcher(get_settings())
        elapsed = launcher.up()
        print()
        print(launcher.summary(elapsed))
        print("\nPress Ctrl-C to stop" + (" the services started here." if launcher.started else "."))
        while True:
            time.sleep(1)
            launcher.supervise()
    except LaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...")
        return 0
    finally:
        _ignore_signals_while_stopping()
        if launcher is not None:
            launcher.stop_started()


def _launcher_of(name: str, args: list[str]) -> Launcher:
    """The launcher of the developer's services, or with `--test` of the test suite's own."""
    from infra.launcher import Launcher
    from infra.test_profile import apply_test_profile

    parser = _parser(name, COMMANDS[name].help)
    parser.add_argument("--test", action="store_true", help="the test suite's services (kept by `test --keep`)")
    parser.add_argument("--cluster", action="store_true", help="the cluster profile's services (`up --cluster`)")
    parsed = parser.parse_args(args)
    if parsed.test:
        apply_test_profile()
        get_settings.cache_clear()
    elif parsed.cluster:
        _use_cluster_profile()
    return Launcher(get_settings())


@command("down", "stop every service recorded in the run directory, whoever started it")
def cmd_down(args: list[str]) -> int:
    _launcher_of("down", args).stop_all()
    return 0


@command("status", "show each service's pid, ports, health and URL")
def cmd_status(args: list[str]) -> int:
    print(_launcher_of("status", args).status())
    return 0


@command("test", "run the whole suite against the test profile's own services (started, or reused when kept)")
def cmd_test(args: list[str]) -> int:
    from infra.launcher import Launcher, LaunchError
    from infra.test_profile import apply_test_profile

    if args[:1] in (["-h"], ["--help"]):
        print("usage: mizan test [--cluster] [--keep] [pytest arguments...]   (default: tests/ -q)\n"
              "  the suite's own services (state under .mizan/test, ports +10000), beside any `mizan up`;\n"
              "  --keep leaves them running for the next `mizan test`, which then starts in seconds;\n"
              "  --cluster: the cluster profile's services (`up --cluster`) and its tests (default: tests/cluster)")
        return 0
    cluster = args[:1] == ["--cluster"]
    args = args[1:] if cluster else args
    keep = args[:1] == ["--keep"]
    args = args[1:] if keep else args
    _sigterm_as_interrupt()
    if cluster:
        _use_cluster_profile()
        args = args or ["tests/cluster", "-q"]
    else:
        apply_test_profile()
    get_settings.cache_clear()
    launcher: Launcher | None = None
    try:
        launcher = Launcher(get_settings())
        elapsed = launcher.up()
        print(f"services ready in {elapsed:.1f} s (state {get_settings().state_dir})")
        if not cluster:
            _require_api_rules(get_settings())
        env = os.environ | {"MIZAN_SERVICES_READY": "1"}
        pytest = [sys.executable, "-m", "pytest", *(args or ["tests/", "-q"])]
        result = subprocess.run(pytest, env=env, cwd=ROOT, check=False)
        # Exit 5 means no test was collected: a mistyped selection must not pass CI.
        return 1 if result.returncode == 5 else result.returncode
    except LaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopping...")
        return 130
    finally:
        _ignore_signals_while_stopping()
        if launcher is not None and not keep:
            launcher.stop_started()


def _require_api_rules(settings: Settings) -> None:
    """A reused API started without the test rules would make the clock tests wait for days."""
    import json
    import urllib.request

    from config.rules import load_rulebook

    expected = load_rulebook(settings).version
    with urllib.request.urlopen(f"{settings.api_url}/api/v1/procedure", timeout=10) as response:
        running = json.load(response)["rules_version"]
    if running != expected:
        from infra.launcher import LaunchError

        raise LaunchError(f"the running API uses clock rules {running!r}, the tests need {expected!r}: "
                          "run `./mizan down` first")


@command("bench", "run a benchmark: mizan bench <name> [args...] (module bench/<name>.py, function main)")
def cmd_bench(args: list[str]) -> int:
    if not args or args[0].startswith("-"):
        print(f"usage: mizan bench <name> [args...]; available: {', '.join(_benches()) or 'none'}", file=sys.stderr)
        return 2
    name, rest = args[0], args[1:]
    module_name = f"bench.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", module_name):
            raise  # the benchmark exists but one of its own imports is missing: show the real error
        print(f"error: no benchmark '{name}'; available: {', '.join(_benches()) or 'none'}", file=sys.stderr)
        return 2
    main_fn = getattr(module, "main", None)
    if not callable(main_fn):
        print(f"error: {module_name} has no main() function", file=sys.stderr)
        return 2
    # Benchmarks parse sys.argv themselves, as if run with `python -m bench.<name>`.
    sys.argv = [module_name, *rest]
    code = main_fn()
    return code if isinstance(code, int) else 0


@command("projections", "list the cases whose log and read model are behind their workflow (MizanProjectionBehind)")
def cmd_projections(args: list[str]) -> int:
    import asyncio

    from workflows.client import cases_behind, connect

    _parser("projections", COMMANDS["projections"].help).parse_args(args)

    async def listed() -> list[str]:
        return await cases_behind(await connect(get_settings()))

    behind = asyncio.run(listed())
    for case_id in behind:
        print(case_id)
    print(f"{len(behind)} case{'s' if len(behind) != 1 else ''} behind" if behind else "every case is on record")
    return 1 if behind else 0


# Commands defined in other packages, imported only when run
lazy_command("audit", "infra.audit_cli:main", "the tamper-evident audit log: audit verify | anchor")
lazy_command("reindex", "search.maintenance:reindex_main",
             "rebuild the search index from the read model, swap the alias")
lazy_command("search", "search.maintenance:search_main", "search index maintenance: search check [--dry-run]")
lazy_command("backup", "infra.cluster.backup:backup_main",
             "back up the cluster profile: PostgreSQL base backup, OpenSearch snapshot, files (--cluster)")
lazy_command("restore", "infra.cluster.backup:restore_main",
             "restore the cluster profile from a backup: restore --cluster [--wipe] NAME")
lazy_command("k8s", "infra.k8s:main", "the files for a real cluster: k8s validate (helm lint, kubeconform -strict)")
lazy_command("failover", "bench.failover:main",
             "the failover test under load on the cluster profile; figures into bench/results/ (--cluster)")
lazy_command("mail", "infra.mail_cli:main", "what the development mail sink received: mail [--last N] [--show N]")


def _benches() -> list[str]:
    return sorted(p.stem for p in (ROOT / "bench").glob("*.py") if not p.stem.startswith("_"))


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    epilog = "commands:\n" + "\n".join(f"  {name:<10}{cmd.help}" for name, cmd in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="mizan",
        description="Run and test Mizan.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="command")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments of the command")
    ns = parser.parse_args(argv)
    sys.exit(COMMANDS[ns.command].fn(ns.args))


if __name__ == "__main__":
    # Run the importable `infra.cli`, not this `__main__` copy, so commands that other modules
    # register into `infra.cli.COMMANDS` are the ones dispatched.
    from infra.cli import main as _main

    _main()
