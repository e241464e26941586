"""The Wuyi launcher: the ``wuyi`` command, the embedded all-in-one deployment, the distributed
per-service entry points and the demo county generator. Services never import this package."""
