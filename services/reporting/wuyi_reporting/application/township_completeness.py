"""Today's completeness per township, measured by the worker after each deadline sweep and
published as ``wuyi_reporting_completeness_ratio{tenant, township, township_name}``: the same
count as ``GET /reporting/v1/completeness`` for the township and today (received / expected),
so the dashboard and the alert after 18:00 agree with what the county reads in the API."""

from __future__ import annotations

from wuyi_reporting import metrics
from wuyi_reporting.application.days import expected_on
from wuyi_reporting.bootstrap import Reporting


async def measure_completeness(rep: Reporting) -> dict[tuple[str, str], float]:
    """Publish and return today's ratio per (tenant, township); a township that expects no
    report today has none."""
    now, ratios = rep.clock.now(), {}
    for tenant in await rep.reads.tenants():
        settings, _ = await rep.reads.settings(tenant)
        today = settings.local_date(now)
        for township in await rep.reads.townships(tenant):
            grids = await rep.reads.grids_of(
                tenant, await rep.reads.subtree(tenant, township["id"])
            )
            expected = expected_on(grids, today, settings)
            if not expected:
                continue
            rows = await rep.reads.reports(tenant, [g["id"] for g in expected], today, today)
            received = {r["grid_id"] for r in rows if r["received"]}
            ratio = len(received) / len(expected)
            ratios[(tenant, township["id"])] = ratio
            metrics.completeness.set(
                ratio,
                {"tenant": tenant, "township": township["id"], "township_name": township["name"]},
            )
    return ratios
