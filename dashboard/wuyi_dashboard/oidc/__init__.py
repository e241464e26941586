"""OpenID Connect sign-in for the distributed mode's web application (docs/oidc.md)."""
