"""The county's dashboard and alert numbers: today's completeness per township and missed
reports, published as metrics that agree with the completeness the API serves."""

from __future__ import annotations

from wuyi_core import telemetry
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.application.township_completeness import measure_completeness


def sample(name: str, *labels: str) -> float | None:
    for line in telemetry.prometheus_text().decode().splitlines():
        if line.startswith(name + "{") and all(label in line for label in labels):
            return float(line.split()[-1])
    return None


async def test_completeness_per_township_equals_what_the_api_serves_for_today(stack, town):
    """The "completeness below threshold after 18:00" alert reads this gauge: it must be the
    API's own received / expected for the township and today."""
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(17, 30)
    await stack.report(town["g2"])
    ratios = await measure_completeness(stack.reporting)
    [(tenant, township)] = [key for key in ratios if key[1] == town["township"]]
    view = (
        await stack.get(f"/reporting/v1/completeness?entity_id={town['township']}&date={stack.day}")
    ).json()
    assert ratios[(tenant, township)] == view["received"] / view["expected"] == 2 / 3
    scraped = sample(
        "wuyi_reporting_completeness_ratio", f'township="{township}"', f'tenant="{tenant}"'
    )
    assert scraped is not None and abs(scraped - 2 / 3) < 1e-9
    stack.move_to(17, 45)
    await stack.report(town["g3b"])
    assert (await measure_completeness(stack.reporting))[(tenant, township)] == 1.0


async def test_each_missed_report_recorded_counts_once_in_the_metric(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    tenant = next(iter(await stack.reporting.reads.tenants()))
    label = f'tenant="{tenant}"'
    before = sum(
        sample("wuyi_reporting_missed_reports_total", label, f'level="{level}"') or 0
        for level in (2, 3)
    )
    stack.move_to(18, 30)
    recorded = await sweep_missed(stack.reporting)
    assert await sweep_missed(stack.reporting) == 0  # a second sweep records and counts nothing
    after = sum(
        sample("wuyi_reporting_missed_reports_total", label, f'level="{level}"') or 0
        for level in (2, 3)
    )
    assert recorded > 0 and after - before == recorded
