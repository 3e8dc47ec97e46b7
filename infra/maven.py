"""Fetch Java artifacts through Maven's own resolver, into Mizan's cache.

No repository host is named here: Maven uses its configured repositories (Central by default).
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class MavenError(RuntimeError):
    pass


@contextmanager
def _exclusive(dest_dir: Path) -> Iterator[None]:
    """One fetch at a time into a directory: `./mizan up` and `./mizan test` share the cache and may start
    together on a fresh machine; neither must take the other's half-copied file for a finished one."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    with (dest_dir / ".fetch.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def fetch(coordinate: str, dest_dir: Path, *, transitive: bool = False) -> Path:
    """Resolve `group:artifact:version[:packaging[:classifier]]` and copy it into `dest_dir`.

    Returns the path of the copied artifact. Cached: a file already in `dest_dir` is reused.
    """
    parts = coordinate.split(":")
    if len(parts) < 3:
        raise MavenError(f"not a Maven coordinate: {coordinate}")
    group, artifact, version = parts[:3]
    packaging = parts[3] if len(parts) > 3 else "jar"
    classifier = parts[4] if len(parts) > 4 else None
    name = f"{artifact}-{version}{'-' + classifier if classifier else ''}.{packaging}"
    target = dest_dir / name
    with _exclusive(dest_dir):
        if not target.exists():
            _copy(group, artifact, version, packaging, classifier, dest_dir, coordinate)
    return target


def _copy(group: str, artifact: str, version: str, packaging: str, classifier: str | None, dest_dir: Path,
          coordinate: str) -> None:
    target = dest_dir / f"{artifact}-{version}{'-' + classifier if classifier else ''}.{packaging}"
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MavenError("Maven (mvn) is not installed; install Debian's 'maven' package")
    artifact_arg = f"{group}:{artifact}:{version}:{packaging}" + (f":{classifier}" if classifier else "")
    cmd = [
        mvn, "-B", "-q",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
        f"-Dartifact={artifact_arg}",
        f"-DoutputDirectory={dest_dir}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=dest_dir)
    if result.returncode != 0 or not target.exists():
        raise MavenError(f"could not fetch {coordinate}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def fetch_with_dependencies(coordinate: str, dest_dir: Path) -> list[Path]:
    """Resolve a jar and its runtime dependencies (for OpenSearch modules' own jars)."""
    with _exclusive(dest_dir):
        return _copy_with_dependencies(coordinate, dest_dir)


def _copy_with_dependencies(coordinate: str, dest_dir: Path) -> list[Path]:
    group, artifact, version = coordinate.split(":")[:3]
    pom = dest_dir / "pom.xml"
    pom.write_text(
        f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mizan.fetch</groupId><artifactId>fetch-{artifact}</artifactId><version>1</version>
  <dependencies><dependency>
    <groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}</version>
  </dependency></dependencies>
</project>
"""
    )
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MavenError("Maven (mvn) is not installed; install Debian's 'maven' package")
    cmd = [
        mvn, "-B", "-q", "-f", str(pom),
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={dest_dir / 'lib'}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=dest_dir)
    if result.returncode != 0:
        raise MavenError(f"could not fetch {coordinate} with dependencies:\n"
                         f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return sorted((dest_dir / "lib").glob("*.jar"))
