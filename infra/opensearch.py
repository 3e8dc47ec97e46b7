"""OpenSearch for Mizan's search: a 2.19 distribution from Maven Central, plus two modules.

Maven Central carries only the minimal `integ-test-zip` distribution (server + transport-netty4).
Mizan's Arabic search needs `analysis-common` (the `arabic` analyzer, `arabic_normalization`),
which extends `lang-painless`. Both are published only as plain jars, so we assemble them as
modules the way OpenSearch's own test clusters do: `modules/<name>/` holding the module jar, the
jars it needs and a `plugin-descriptor.properties` (`opensearch-plugin install` refuses modules).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from infra import maven
from infra.service import LaunchSpec, Service

#: unprivileged account OpenSearch runs under: it refuses to start as root
OS_USER = "mizan-os"
#: 2.x needs the Security Manager, which Java 24 removed; 17 is what Debian ships here
DEFAULT_JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")
HEAP = "-Xms512m -Xmx512m"  # 2-core, shared dev/CI machines: the default 1g heap is more than we use

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


@dataclass(frozen=True)
class _Module:
    """A module published on Maven Central as a bare jar, without its descriptor."""

    name: str
    classname: str
    description: str
    extends: tuple[str, ...] = ()
    security_policy: str | None = None


# Order matters: a module's extended modules are assembled first. Class names are those in the
# 2.19 jars (3.x renamed PainlessPlugin to PainlessModulePlugin).
_MODULES = (
    _Module(
        name="lang-painless",
        classname="org.opensearch.painless.PainlessPlugin",
        description="An easy, safe and fast scripting language for OpenSearch",
        # Same grants as the module's own plugin-security.policy: Painless compiles scripts
        # into classes at runtime, which the Security Manager otherwise forbids.
        security_policy=(
            "grant {\n"
            '  permission java.lang.RuntimePermission "createClassLoader";\n'
            '  permission java.lang.RuntimePermission "getClassLoader";\n'
            "};\n"
        ),
    ),
    _Module(
        name="analysis-common",
        classname="org.opensearch.analysis.common.CommonAnalysisPlugin",
        description='Adds "built in" analyzers to OpenSearch.',
        # it contributes a Painless whitelist, so its class loader must see lang-painless's SPI
        extends=("lang-painless",),
    ),
)


class OpenSearchService(Service):
    name = "opensearch"
    start_timeout = (
        180.0  # cold JVM start plus module loading takes ~20-40 s on 2 cores
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.home = (settings.state_dir / "opensearch").resolve()
        self.dist = self.home / "dist"
        self.config_dir = self.home / "config"
        self.data_dir = self.home / "data"
        self.logs_dir = self.home / "logs"
        self.maven_cache = (settings.cache_dir / "maven").resolve()

    @property
    def port(self) -> int:
        return self.settings.opensearch_port

    @property
    def transport_port(self) -> int:
        # node-to-node port; unused by a single node but always bound, so it must be free too
        return self.port + 100

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.port, self.transport_port)

    @property
    def url(self) -> str:
        return self.settings.opensearch_url

    @property
    def version(self) -> str:
        return self.settings.opensearch_version

    @property
    def java_home(self) -> Path:
        return self.settings.java_home or DEFAULT_JAVA_HOME

    @property
    def user(self) -> str | None:
        # Only root needs to step down; a developer running as themselves keeps their own user.
        return OS_USER if os.geteuid() == 0 else None

    # -- install -------------------------------------------------------------------------------

    def install(self) -> None:
        marker = self.dist / ".mizan-installed"
        if not (marker.exists() and marker.read_text().strip() == self.version):
            self._install_dist()
            for module in _MODULES:
                self._install_module(module)
            # written last, so an interrupted install is redone rather than half-used
            marker.write_text(self.version + "\n")
        self._write_config()
        self._grant_to_user()

    def _install_dist(self) -> None:
        archive = maven.fetch(
            f"org.opensearch.distribution.integ-test-zip:opensearch:{self.version}:zip",
            self.maven_cache,
        )
        if self.dist.exists():
            shutil.rmtree(self.dist)
        staging = self.home / "dist.partial"
        if staging.exists():
            shutil.rmtree(staging)
        _unzip(archive, staging)
        # the zip holds a single top-level `opensearch-<version>/` directory
        (top,) = list(staging.iterdir())
        top.rename(self.dist)
        staging.rmdir()

    def _install_module(self, module: _Module) -> None:
        group = "org.opensearch.plugin"
        target = self.dist / "modules" / module.name
        target.mkdir(parents=True, exist_ok=True)
        coordinate = f"{group}:{module.name}:{self.version}"
        jars = [maven.fetch(coordinate, self.maven_cache)]
        # The module's own pom names the jars it bundles. We take its direct dependencies one by
        # one instead of `fetch_with_dependencies`: the painless SPI depends on the whole server,
        # which is already in lib/ and would trip OpenSearch's jar-hell check if copied again.
        pom = maven.fetch(f"{coordinate}:pom", self.maven_cache)
        in_lib = {p.name for p in (self.dist / "lib").glob("*.jar")}
        for dep_group, dep_artifact, dep_version in _runtime_dependencies(pom):
            if f"{dep_artifact}-{dep_version}.jar" in in_lib:
                continue
            jars.append(
                maven.fetch(
                    f"{dep_group}:{dep_artifact}:{dep_version}", self.maven_cache
                )
            )
        for jar in jars:
            shutil.copy2(jar, target / jar.name)
        descriptor = {
            "description": module.description,
            "version": self.version,
            "name": module.name,
            "classname": module.classname,
            "java.version": "11",  # what the 2.19 modules are compiled for (X-Compile-Target-JDK)
            "opensearch.version": self.version,  # must equal the server's version exactly
            "custom.foldername": "",
            "extended.plugins": ",".join(module.extends),
            "has.native.controller": "false",
        }
        (target / "plugin-descriptor.properties").write_text(
            "".join(f"{key}={value}\n" for key, value in descriptor.items())
        )
        if module.security_policy:
            (target / "plugin-security.policy").write_text(module.security_policy)

    def _write_config(self) -> None:
        # Config lives outside the dist: OpenSearch writes its keystore into the config dir, and
        # the dist stays root-owned and untouched.
        self.config_dir.mkdir(parents=True, exist_ok=True)
        for name in ("log4j2.properties",):
            shutil.copy2(self.dist / "config" / name, self.config_dir / name)
        (self.config_dir / "jvm.options.d").mkdir(exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "cluster.name": "mizan",
            "node.name": "mizan-1",
            "discovery.type": "single-node",
            "network.host": self.settings.host,
            "http.port": self.port,
            "transport.port": self.transport_port,
            "path.data": str(self.data_dir),
            "path.logs": str(self.logs_dir),
            # vm.max_map_count is 65530 on these machines (mmapfs wants 262144) and we cannot
            # raise it unprivileged in containers; niofs is plenty for Mizan's index sizes.
            "node.store.allow_mmap": False,
        }
        # JSON scalars are valid YAML, which keeps quoting of host names and paths right
        (self.config_dir / "opensearch.yml").write_text(
            "".join(f"{key}: {json.dumps(value)}\n" for key, value in settings.items())
        )
        # The stock jvm.options writes the GC log and heap dumps relative to the dist, which the
        # unprivileged user cannot write; point them at our logs dir instead.
        options = (self.dist / "config" / "jvm.options").read_text().splitlines()
        rewritten = []
        for line in options:
            if line.startswith(("-Xms", "-Xmx")):
                continue  # heap comes from OPENSEARCH_JAVA_OPTS
            line = line.replace("file=logs/gc.log", f"file={self.logs_dir}/gc.log")
            line = line.replace(
                "-XX:HeapDumpPath=data", f"-XX:HeapDumpPath={self.logs_dir}"
            )
            line = line.replace(
                "-XX:ErrorFile=logs/", f"-XX:ErrorFile={self.logs_dir}/"
            )
            rewritten.append(line)
        (self.config_dir / "jvm.options").write_text("\n".join(rewritten) + "\n")

    def _grant_to_user(self) -> None:
        user = self.user
        if user is None:
            return
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    user,
                ],
                check=True,
            )
        entry = pwd.getpwnam(user)
        # Only what OpenSearch writes is handed over; the dist stays root's and merely readable.
        for top in (self.config_dir, self.data_dir, self.logs_dir):
            for path in [top, *top.rglob("*")]:
                os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
        _check_readable_by_others(self.dist)

    # -- run -----------------------------------------------------------------------------------

    def launch_spec(self) -> LaunchSpec:
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            # 2.x prefers OPENSEARCH_JAVA_HOME; without either it would look for a bundled JDK
            # that the integ-test zip does not carry.
            "OPENSEARCH_JAVA_HOME": str(self.java_home),
            "JAVA_HOME": str(self.java_home),
            "OPENSEARCH_PATH_CONF": str(self.config_dir),
            "OPENSEARCH_JAVA_OPTS": HEAP,
        }
        return LaunchSpec(
            argv=[str(self.dist / "bin" / "opensearch")],
            env=env,
            cwd=self.home,
            user=self.user,
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"{self.url}/_cluster/health", timeout=2.0
            ) as response:
                if response.status != 200:
                    return False
                body = json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            return False
        # yellow is normal for a single node: replicas have nowhere to go
        return body.get("status") in ("green", "yellow")


def _runtime_dependencies(pom: Path) -> list[tuple[str, str, str]]:
    """Direct compile/runtime dependencies named in a published pom (literal versions only)."""
    root = ET.parse(pom).getroot()
    deps = []
    for dep in root.findall("m:dependencies/m:dependency", _POM_NS):
        scope = dep.findtext("m:scope", "compile", _POM_NS)
        optional = dep.findtext("m:optional", "false", _POM_NS)
        if scope not in ("compile", "runtime") or optional == "true":
            continue
        group = dep.findtext("m:groupId", "", _POM_NS)
        artifact = dep.findtext("m:artifactId", "", _POM_NS)
        version = dep.findtext("m:version", "", _POM_NS)
        if not version or "${" in version:
            raise maven.MavenError(
                f"{pom.name}: unresolved version for {group}:{artifact}"
            )
        deps.append((group, artifact, version))
    return deps


def _unzip(archive: Path, dest: Path) -> None:
    """Extract keeping the Unix mode bits: `bin/opensearch` and friends must stay executable."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)


def _check_readable_by_others(dist: Path) -> None:
    """Fail early with a clear message rather than a Java stack trace from the unprivileged user."""
    for parent in [dist, *dist.parents]:
        if not parent.stat().st_mode & 0o001:
            raise PermissionError(
                f"{parent} is not traversable by {OS_USER}; put MIZAN_STATE_DIR somewhere it can read"
            )
