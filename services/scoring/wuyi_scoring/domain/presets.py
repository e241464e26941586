"""Review chains of the seed campaigns, selectable by name when a campaign is launched
(``preset``). ``default`` is the chain every campaign had before chains were configurable."""

from __future__ import annotations

from typing import Literal

from wuyi_contracts.scoring import DEFAULT_CHAIN, ReviewChain, Stage

PresetName = Literal["default", "seed-000", "seed-001", "seed-002", "seed-003"]


def _accepting(key: str, name: str, level: Literal["township", "county", "unit"]) -> Stage:
    return Stage(key=key, name=name, act="inspect", level=level, accepts=True)


PRESETS: dict[str, ReviewChain] = {
    "default": DEFAULT_CHAIN,
    # 建宁乡 (seed 000): 乡防疫办将对自评合格的行政村、驻乡单位、企业进行考核验收 — no notice named
    "seed-000": ReviewChain(
        preset="seed-000",
        stages=[_accepting("township_acceptance", "乡防疫办考核验收", "township")],
        public_notice=False,
    ),
    # seed 001 篇六: 镇(街道)组织初审并验收后择优向县疫情防控指挥部推荐 ...
    # 明查、暗访相结合方式组织评定 ... 经过县疫情防控工作领导小组研究后确定 ... 向社会公示 ... 授旗
    "seed-001": ReviewChain(
        preset="seed-001",
        stages=[
            Stage(key="township_review", name="镇(街道)初审验收", act="review", level="township"),
            Stage(key="recommendation", name="择优推荐", act="recommend", level="township"),
            _accepting("county_evaluation", "县指挥部评定(明查暗访)", "county"),
        ],
        collective=True,
    ),
    # seed 002: 局领导小组对全局自评合格的"无疫单位"进行考核验收 — the bureau accepts its sections
    "seed-002": ReviewChain(
        preset="seed-002",
        stages=[_accepting("unit_acceptance", "局领导小组考核验收", "unit")],
        public_notice=False,
        collective=True,
    ),
    # seed 003: 组成验收组,进行无疫社区(村)验收。验收达标的,报县进行备案
    "seed-003": ReviewChain(
        preset="seed-003",
        stages=[_accepting("township_acceptance", "镇验收组验收", "township")],
        public_notice=False,
        county_record=True,
    ),
}


# What a county admin choosing a chain reads (zh-CN, English): the seed each follows.
PRESET_NAMES: dict[str, tuple[str, str]] = {
    "default": (
        "通用流程：乡镇初审、推荐，县级评定，公示",
        "Default: township review and recommendation, county evaluation, public notice",
    ),
    "seed-000": ("建宁乡：乡防疫办考核验收", "Jianning: the township's office accepts"),
    "seed-001": (
        "县指挥部评定：镇初审推荐，明查暗访，集体研究，公示",
        "County command: township "
        "review and recommendation, open and unannounced visits, collective decision, "
        "public notice",
    ),
    "seed-002": ("无疫单位：局领导小组考核验收", "Work units: the bureau's leading group accepts"),
    "seed-003": (
        "无疫社区（村）：镇验收组验收，报县备案",
        "Communities and villages: the township's team accepts, recorded with the county",
    ),
}
