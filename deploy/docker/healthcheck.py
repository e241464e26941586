"""The image's HEALTHCHECK: the liveness endpoint ``/<service>/health``, standard library only.

``WUYI_SERVICE`` names the service (registry, reporting, scoring, notifier). An API answers on
``WUYI_PORT``; a worker (``WUYI_ROLE=worker``) on ``WUYI_PROBE_PORT`` (core/wuyi_core/probes.py),
and a worker started without that setting serves no HTTP and is healthy while its process runs.
"""

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("WUYI_PORT", "8000")
    if os.environ.get("WUYI_ROLE") == "worker":
        if not os.environ.get("WUYI_PROBE_PORT"):
            return 0
        port = os.environ["WUYI_PROBE_PORT"]
    service = os.environ.get("WUYI_SERVICE", "")
    if not service:
        print("WUYI_SERVICE is not set", file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{port}/{service}/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
