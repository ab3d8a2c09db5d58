"""What the tests, the benchmarks and the screenshot script share to drive the running app from outside.

- ``harness.launcher``: `streamlit run playground.py` on a free loopback port (``start_app``, ``running_app``,
  ``stop``) and Debian's headless Chromium (``chromium``, ``CHROMIUM``, ``CHROMIUM_ARGS``, ``browser_missing``);
- ``harness.browser``: a page in that browser (``open_page``, ``wait_for_run``, ``download_bytes``, the MLP
  page's ``train_to_done`` and ``train_and_leave``, ``COUNT_RUNS``);
- ``harness.procfs``: the server's processes and memory from /proc, and its GP_MEMORY_PROBE report.

Development only: the app never imports it and the Docker image does not copy it (tests/test_layers.py checks
both). ``ROOT`` is the project root, where the app is started from.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
