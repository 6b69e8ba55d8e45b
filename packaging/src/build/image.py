#!/usr/bin/env python3
"""netsvc's container image as an OCI image layout in one tar (index.json, oci-layout, blobs/sha256/...),
which is also a Docker archive (manifest.json): `docker load`, `podman load` and skopeo's oci-archive:
read it. Made from files only, with no image registry and no container engine: four gzip layers,
each a tar written here with the owners, modes and times it should have, so the same inputs give the
same image.

  1 base      libc6 (its shared libraries only), busybox (the shell and the few commands bin/netsvc
              and seed-plugins use), tini, /etc/passwd and /etc/group with the netsvc user
  2 runtime   the jlink'd Java runtime, /usr/lib/netsvc/runtime
  3 libraries the third-party jars of /usr/share/netsvc/lib
  4 netsvc    netsvc's own jars, bin/netsvc, the configuration, the shipped plugins, the writable places

usage: image.py --base DIR --runtime DIR --dist DIR --properties FILE --wrapper FILE --seed FILE
                --version V --out FILE
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import stat
import tarfile
import time

UID = GID = 10001  # the netsvc user; numeric, so nothing needs a user database to run the image
PORTS = ["7007/tcp", "7008/tcp", "7008/udp", "7009/tcp", "1717/udp", "1717/tcp", "1313/tcp", "1313/udp",
         "3737/tcp", "3737/udp", "8080/tcp", "9111/tcp"]
VOLUMES = ["/etc/netsvc/conf.d", "/var/lib/netsvc/plugins", "/run/netsvc", "/var/cache/netsvc", "/tmp"]
BUSYBOX_COMMANDS = ["sh", "ls", "cat", "cp", "cut", "date", "grep", "head", "id", "kill", "ln", "md5sum", "od", "tr",
                    "mkdir", "mktemp", "mv", "readlink", "rm", "rmdir", "sed", "sha256sum", "sleep", "chmod"]


class Layer:
    """A tar being written in memory: folders first as needed, entries in the order added."""

    def __init__(self, mtime):
        self.buffer = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buffer, mode="w", format=tarfile.PAX_FORMAT)
        self.mtime = mtime
        self.seen = set()

    def _info(self, name, kind, mode, uid=0, gid=0):
        info = tarfile.TarInfo(name.strip("/"))
        info.type, info.mode, info.uid, info.gid, info.mtime = kind, mode, uid, gid, self.mtime
        info.uname = info.gname = "" if uid else "root"
        return info

    def folder(self, name, mode=0o755, uid=0, gid=0):
        name = name.strip("/")
        parent = os.path.dirname(name)
        if parent and parent not in self.seen:
            self.folder(parent)
        if name not in self.seen:
            self.seen.add(name)
            self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode, uid, gid))

    def data(self, name, content, mode=0o644, uid=0, gid=0):
        self.folder(os.path.dirname(name.strip("/")))
        info = self._info(name, tarfile.REGTYPE, mode, uid, gid)
        info.size = len(content)
        self.tar.addfile(info, io.BytesIO(content))

    def symlink(self, name, target):
        self.folder(os.path.dirname(name.strip("/")))
        info = self._info(name, tarfile.SYMTYPE, 0o777)
        info.linkname = target
        self.tar.addfile(info)

    def file(self, name, path, mode=None):
        if os.path.islink(path):
            self.symlink(name, os.readlink(path))
            return
        if mode is None:
            mode = 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644
        with open(path, "rb") as f:
            self.data(name, f.read(), mode)

    def tree(self, name, path, skip=lambda rel: False):
        """Everything under path, as name/..., in name order."""
        self.folder(name)
        for entry in sorted(os.listdir(path)):
            full, rel = os.path.join(path, entry), os.path.join(name, entry)
            if skip(rel):
                continue
            if os.path.isdir(full) and not os.path.islink(full):
                self.tree(rel, full, skip)
            else:
                self.file(rel, full)

    def blob(self):
        """(uncompressed digest, compressed bytes)"""
        self.tar.close()
        raw = self.buffer.getvalue()
        return "sha256:" + hashlib.sha256(raw).hexdigest(), gzip.compress(raw, compresslevel=1, mtime=0)


def main():
    p = argparse.ArgumentParser()
    for option in ("--base", "--runtime", "--dist", "--properties", "--wrapper", "--seed", "--version", "--out"):
        p.add_argument(option, required=True)
    a = p.parse_args()
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))

    base = Layer(epoch)
    libdir = os.path.join(a.base, "lib/x86_64-linux-gnu")
    base.tree("lib/x86_64-linux-gnu", libdir)
    base.tree("lib64", os.path.join(a.base, "lib64"))
    base.file("bin/busybox", os.path.join(a.base, "bin/busybox"), 0o755)
    for command in BUSYBOX_COMMANDS:
        base.symlink("bin/" + command, "busybox")
    base.file("usr/bin/tini", os.path.join(a.base, "usr/bin/tini"), 0o755)
    base.data("etc/passwd", f"root:x:0:0:root:/root:/sbin/nologin\nnetsvc:x:{UID}:{GID}:netsvc:/nonexistent:/sbin/nologin\n".encode())
    base.data("etc/group", f"root:x:0:\nnetsvc:x:{GID}:\n".encode())
    base.data("etc/nsswitch.conf", b"passwd: files\ngroup: files\nhosts: files dns\n")
    base.data("etc/hosts", b"127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n")
    base.folder("tmp", 0o1777)
    base.folder("proc")
    base.folder("dev")
    base.folder("sys")

    runtime = Layer(epoch)
    runtime.tree("usr/lib/netsvc/runtime", a.runtime)

    libraries = Layer(epoch)
    lib = os.path.join(a.dist, "lib")
    ours = lambda jar: jar.startswith("netsvc-")
    libraries.folder("usr/share/netsvc/lib")
    for jar in sorted(os.listdir(lib)):
        if not ours(jar):
            libraries.file("usr/share/netsvc/lib/" + jar, os.path.join(lib, jar))

    app = Layer(epoch)
    app.folder("usr/share/netsvc/lib")
    for jar in sorted(os.listdir(lib)):
        if ours(jar):
            app.file("usr/share/netsvc/lib/" + jar, os.path.join(lib, jar))
    app.tree("usr/share/netsvc/bin", os.path.join(a.dist, "bin"))
    app.tree("usr/share/netsvc/www", os.path.join(a.dist, "www"))
    app.tree("usr/share/netsvc/shipped-plugins", os.path.join(a.dist, "plugins"))
    # the installation's own places lead to the path scheme's, as in the Debian package
    for name, target in (("conf", "/etc/netsvc"), ("plugins", "/var/lib/netsvc/plugins"), ("run", "/run/netsvc"),
                         ("logs", "/var/log/netsvc"), ("var/cache", "/var/cache/netsvc")):
        app.symlink("usr/share/netsvc/" + name, target)
    app.file("usr/bin/netsvc", a.wrapper, 0o755)
    app.file("usr/lib/netsvc/seed-plugins", a.seed, 0o755)
    app.file("etc/netsvc/netsvc.properties", a.properties, 0o644)
    app.file("etc/netsvc/quotes.txt", os.path.join(a.dist, "conf/quotes.txt"), 0o644)
    app.folder("etc/netsvc/conf.d")
    # the plugins folder starts with the shipped plugins, as seed-plugins leaves it (a volume made from
    # the image starts so; Kubernetes' init container runs seed-plugins on a volume of its own)
    plugins = os.path.join(a.dist, "plugins")
    state = []
    app.folder("var/lib/netsvc/plugins")
    for jar in sorted(os.listdir(plugins)):
        app.file("var/lib/netsvc/plugins/" + jar, os.path.join(plugins, jar), 0o644)
        with open(os.path.join(plugins, jar), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        name = jar[: -len("-" + a.version + ".jar")] if jar.endswith("-" + a.version + ".jar") else jar[:-4]
        state.append(f"{name} {jar} {digest}\n")
    app.data("var/lib/netsvc/plugins/.shipped-plugins", "".join(state).encode())
    # what netsvc writes, netsvc's: volumes, so the root file system can be read-only
    for place in ("run/netsvc", "var/cache/netsvc", "var/log/netsvc"):
        app.folder(place, 0o750, UID, GID)

    layers = [("base: libc6, busybox, tini", base), ("the Java runtime", runtime),
              ("third-party libraries", libraries), ("netsvc " + a.version, app)]
    blobs = {}

    def put(content):
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        blobs[digest] = content
        return {"digest": digest, "size": len(content)}

    diff_ids, layer_descriptors = [], []
    for _, layer in layers:
        diff_id, compressed = layer.blob()
        diff_ids.append(diff_id)
        layer_descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **put(compressed)})

    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    config = {
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": f"{UID}:{GID}",
            "Entrypoint": ["/usr/bin/tini", "--", "/usr/bin/netsvc"],
            "Cmd": ["run"],
            "Env": ["PATH=/usr/bin:/bin",
                    # a container's memory limit is the JVM's to use, less room for its own native memory
                    "NETSVC_JAVA_OPTS=-XX:MaxRAMPercentage=75"],
            "WorkingDir": "/",
            "ExposedPorts": {port: {} for port in PORTS},
            "Volumes": {volume: {} for volume in VOLUMES},
            "StopSignal": "SIGTERM",
            "Labels": {"org.opencontainers.image.title": "netsvc",
                       "org.opencontainers.image.version": a.version,
                       "org.opencontainers.image.description": "netsvc: inetd's internal services on the JVM, supervised"},
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": created, "created_by": "packaging/src/build/image.py: " + what} for what, _ in layers],
    }
    canonical = lambda doc: json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    config_descriptor = {"mediaType": "application/vnd.oci.image.config.v1+json", **put(canonical(config))}
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config_descriptor, "layers": layer_descriptors}
    manifest_descriptor = {"mediaType": "application/vnd.oci.image.manifest.v1+json", **put(canonical(manifest)),
                           "annotations": {"org.opencontainers.image.ref.name": a.version,
                                           "io.containerd.image.name": "netsvc:" + a.version}}
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [manifest_descriptor]}
    docker = [{"Config": "blobs/sha256/" + config_descriptor["digest"][7:], "RepoTags": ["netsvc:" + a.version],
               "Layers": ["blobs/sha256/" + d["digest"][7:] for d in layer_descriptors]}]

    archive = Layer(epoch)
    archive.data("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}))
    archive.data("index.json", canonical(index))
    archive.data("manifest.json", canonical(docker))
    for digest in sorted(blobs):
        archive.data("blobs/sha256/" + digest[7:], blobs[digest])
    archive.tar.close()
    with open(a.out + ".part", "wb") as f:
        f.write(archive.buffer.getvalue())
    os.replace(a.out + ".part", a.out)
    sizes = ", ".join(f"{what} {d['size'] / 1e6:.1f} MB" for (what, _), d in zip(layers, layer_descriptors))
    print(f"image.py: {a.out} ({os.path.getsize(a.out) / 1e6:.1f} MB: {sizes})")


if __name__ == "__main__":
    main()
