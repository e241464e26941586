"""The image's HEALTHCHECK: the API's liveness endpoint, standard library only.

``WUYI_SERVICE`` names the service (registry, reporting, scoring, notifier); ``WUYI_ROLE=worker``
marks a worker, which serves no HTTP and is healthy while its process runs.
"""

import os
import sys
import urllib.request


def main() -> int:
    if os.environ.get("WUYI_ROLE") == "worker":
        return 0
    service = os.environ.get("WUYI_SERVICE", "")
    port = os.environ.get("WUYI_PORT", "8000")
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
