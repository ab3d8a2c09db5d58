"""Two replicas behind Debian's nginx on loopback, with deploy/'s config: sticky sessions by cookie, the
WebSocket through the balancer, a training run and its downloads, and visitors spread over replicas.

The test renders deploy/nginx.conf.template with deploy/nginx_conf.py (standalone, every file under
tmp_path, run unprivileged with -g 'daemon off;'), starts two app processes and nginx, then opens
visitors through nginx until two of them are on different replicas. The access log (key, upstream,
URI) shows which replica answered each request of each visitor. Docker is not used (nor available
here); the Dockerfile's image runs the same command as start_app.
"""
from __future__ import annotations

import collections
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import require_browser

from core.train import TrainConfig, Trainer
from harness import ROOT
from harness.browser import assert_no_exception, download_bytes, open_page, train_to_done, wait_for_run
from harness.launcher import chromium, free_port, start_app, stop
from labs.mlp.downloads import history_csv

sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAX_VISITORS = 8  # each lands on either replica with probability 1/2: all eight on one is 1 in 128


def start_nginx(tmp_path: Path, replicas: list[str]) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    prefix = tmp_path / "nginx"
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf.standalone(replicas, f"127.0.0.1:{port}", prefix))
    log = open(tmp_path / "nginx.out", "wb")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs/error.log"),
                             "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {(tmp_path / 'nginx.out').read_text()}"
                               f"{(prefix / 'logs/error.log').read_text()}")
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url, prefix / "logs/access.log"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("nginx did not answer within 20 s")


def requests_by_key(access_log: Path) -> dict[str, list[tuple[str, str]]]:
    """Sticky key -> [(upstream, uri), ...] from the access log."""
    by_key = collections.defaultdict(list)
    for line in access_log.read_text().splitlines():
        key, upstream, uri, _status = line.split(" ", 3)
        by_key[key].append((upstream, uri.strip('"')))
    return by_key


def test_the_rendered_config_names_every_replica_and_sets_the_cookie_once():
    text = nginx_conf.render(["a:8501", "b:8501", "c:8501"], "8080")
    assert text.count("server a:8501") == text.count("server b:8501") == text.count("server c:8501") == 1
    assert "hash $gp_replica_key consistent" in text and "@@" not in text
    assert "proxy_set_header Upgrade $http_upgrade" in text
    with pytest.raises(ValueError):
        nginx_conf.render([], "8080")


def visitors_on_both_replicas(browser, url: str, access_log: Path) -> list[tuple]:
    """Open visitors through the balancer until two of them are on different replicas (MAX_VISITORS at
    most): [(context, page, sticky key)]."""
    visitors = []
    for _ in range(MAX_VISITORS):
        context = browser.new_context(viewport={"width": 1100, "height": 800}, accept_downloads=True)
        page = context.new_page()
        open_page(page, f"{url}/MLP_training?epochs=2&n=2000&seed=31")
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert "gp_replica" in cookies, "the balancer set no sticky cookie"
        visitors.append((context, page, cookies["gp_replica"]))
        keys = requests_by_key(access_log)
        if len({keys[k][0][0] for _, _, k in visitors if keys.get(k)}) == 2:
            break  # two visitors on different replicas
    return visitors


def train_and_download(page) -> tuple[bytes, bytes]:
    """Train to Done through the balancer (WebSocket upgraded, reruns, the live view): the CSV and the .npz."""
    train_to_done(page)
    wait_for_run(page)
    assert_no_exception(page)
    return (download_bytes(page, page.get_by_role("button", name="Loss history (CSV)")),
            download_bytes(page, page.get_by_role("button", name="Weights (.npz)")))


@pytest.mark.browser
@pytest.mark.slow
def test_two_replicas_behind_nginx_keep_each_visitor_on_one(tmp_path):
    require_browser(None if Path(NGINX).exists() else f"nginx not found at {NGINX}")
    solo = Trainer(TrainConfig(epochs=2, n_samples=2000, seed=31))
    solo.train(10**9)
    ports = [free_port(), free_port()]
    apps = [start_app(p, tmp_path / f"app{i}.log") for i, p in enumerate(ports)]
    replicas = [f"127.0.0.1:{p}" for p in ports]
    balancer = None
    try:
        balancer, url, access_log = start_nginx(tmp_path, replicas)
        with chromium() as browser:
            visitors = visitors_on_both_replicas(browser, url, access_log)
            csv, npz = train_and_download(visitors[0][1])
            for context, _, _ in visitors:
                context.close()  # the WebSocket requests are logged when they close
        time.sleep(0.5)
        keys = requests_by_key(access_log)
    finally:
        if balancer is not None:
            stop(balancer)
        for app in apps:
            stop(app)

    assert csv == history_csv(solo.history)
    assert npz[:2] == b"PK"  # a zip archive (.npz)
    # Sticky: every request of a visitor went to one replica, its WebSocket and downloads included.
    for _, _, key in visitors:
        served = keys[key]
        assert len({u for u, _ in served}) == 1, f"visitor {key} was served by {set(served)}"
        assert any(uri.startswith("/_stcore/stream") for _, uri in served)
    first = keys[visitors[0][2]]
    assert sum(uri.startswith("/media/") for _, uri in first) >= 2  # both downloads, from its replica
    # The live view's stream (live_route) went through the balancer to the replica that held the run: the
    # visitor's own (one replica served all its requests, above), and it ended with the run (200, logged).
    assert any(uri.startswith("/api/runs/") for _, uri in first), first
    # The visitors were spread: at least two replicas served someone.
    assert {keys[k][0][0] for _, _, k in visitors} == set(replicas)


def test_the_image_copies_everything_the_app_imports():
    """The Dockerfile lists what it copies by hand: a new top-level module the app imports (player.py,
    components/ once were missed) would make an image that fails at its first page view."""
    copied = set()
    for line in (ROOT / "deploy" / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied.update(part.rstrip("/") for part in line.split()[1:-1])
    import ast
    needed = {"playground.py", "pages", ".streamlit", "app"}
    for source in [ROOT / "playground.py", *(ROOT / "app").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                if (ROOT / f"{top}.py").exists():
                    needed.add(f"{top}.py")
                elif (ROOT / top).is_dir():
                    needed.add(top)
    assert needed <= copied, f"deploy/Dockerfile does not copy {sorted(needed - copied)}"
