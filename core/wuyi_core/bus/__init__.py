"""The bus: how one service's events reach other services and external subscribers."""
