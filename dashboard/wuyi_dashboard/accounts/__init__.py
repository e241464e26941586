"""Embedded mode's user accounts: password sign-in into the web application's session."""
