"""Render deploy/nginx.conf.template for N replicas: the body of nginx's http {} block.

    python deploy/nginx_conf.py --listen 8080 127.0.0.1:8501 127.0.0.1:8502 > playground.conf
    python deploy/nginx_conf.py --standalone --prefix /tmp/gp --listen 8080 ... > nginx.conf

``--standalone`` wraps it into a whole nginx.conf that runs unprivileged from a prefix directory (pid,
logs and temp files under it): what the test runs, and a quick way to try it on one machine.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def render(replicas: list[str], listen: str, access_log: str = "/var/log/nginx/playground.log") -> str:
    """The http {} body for these replicas (host:port each)."""
    if not replicas:
        raise ValueError("at least one replica (host:port) is needed")
    servers = "\n".join(f"    server {r} max_fails=3 fail_timeout=10s;" for r in replicas)
    return (TEMPLATE.read_text().replace("@@SERVERS@@", servers).replace("@@LISTEN@@", listen)
            .replace("@@ACCESS_LOG@@", access_log))


def standalone(replicas: list[str], listen: str, prefix: Path) -> str:
    """A whole nginx.conf that keeps every file under ``prefix`` (run: nginx -p PREFIX -c FILE)."""
    prefix = Path(prefix)
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # as root nginx would switch to nobody
    temps = "\n".join(f"    {name}_temp_path {prefix}/tmp/{name};"
                      for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    body = render(replicas, listen, access_log=f"{prefix}/logs/access.log")
    body = "\n".join("    " + line if line else line for line in body.splitlines())
    return (f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log warn;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n{temps}\n{body}\n}}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("replicas", nargs="+", help="host:port of each replica")
    ap.add_argument("--listen", default="80")
    ap.add_argument("--standalone", action="store_true")
    ap.add_argument("--prefix", type=Path, default=Path("/tmp/gradient-playground-nginx"))
    args = ap.parse_args()
    print(standalone(args.replicas, args.listen, args.prefix) if args.standalone
          else render(args.replicas, args.listen), end="")


if __name__ == "__main__":
    main()
