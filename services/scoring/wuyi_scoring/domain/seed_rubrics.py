"""The six rubrics (评分标准 / 创建标准) of the seed documents, transcribed as data.

Source documents are in ``/work/shared/seeds/``: ``000_*`` (建宁乡, township campaign), ``001_*``
(a compilation of six plans, 篇一 to 篇六; 篇三, 篇五 and 篇六 carry rubrics), ``002_*`` (a work
unit's plan) and ``003_*`` (a compound/village/community standard). Names and descriptions are
the seeds' own Chinese text, abridged where long; ids are short slugs.

Conventions used throughout:

* Points are the seed's. Where a seed gives a section's points but not their split across the
  section's requirements, the split follows the seed's sentences (one item per requirement
  sentence, points shared evenly unless noted); each rubric's comment says so.
* Where a seed gives no points the rubric is a checklist: its total is the share of items that
  hold, on a scale of 100, so a mark of 100 means "every item holds".
* A veto item (一票否决) appears only where the seed makes "no epidemic" a condition of the title
  itself (a definition or the campaign goal), not where it is merely one scored requirement.
* Marks the seed does not give are defaults, stated in each rubric's comment.
"""

from __future__ import annotations

from wuyi_contracts.rubric import RubricBody, RubricItem, RubricSection

# ---------------------------------------------------------------------------------------------
# 1. Township campaign, 建宁乡 (seed 000).
# The seed: 满分100分，90分及以上为考核合格; sections 10/70/10/10. It does not split a section's
# points across its requirements; each section is split evenly over its requirement sentences:
# organisation 5 x 2, measures 7 x 10, atmosphere 2 x 5, effect 4 x 2.5.
# Marks: pass 90 (seed). Application 90 too: the seed says 自评合格后向乡防疫办申报, and 合格
# is defined as 90 or more.
# No veto: 从未发生过疫情 is one of the four requirements of 防控效果好 (10分), scored with the
# section, and the seed does not say it fails the whole assessment.
# ---------------------------------------------------------------------------------------------
TOWNSHIP_JIANNING = RubricBody(
    code="seed-000-township",
    name="建宁乡“无疫乡镇”创建评分标准",
    kind="points",
    application_mark=90,
    pass_mark=90,
    source="建宁乡人民政府关于开展“无疫乡镇”创建活动实施方案（建政发〔2022〕66号）",
    sections=[
        RubricSection(
            id="org",
            name="组织体系健全",
            items=[
                RubricItem(
                    id="org.system",
                    name="建立横向到边、纵向到底的疫情防控组织体系，成立创建领导小组",
                    max_points=2,
                    description=(
                        "要建立横向到边，纵向到底的疫情防控组织体系。各村、各驻乡单位、各企业"
                        "要成立相应的创建领导小组，具体领导开展创建活动。"
                    ),
                ),
                RubricItem(
                    id="org.team",
                    name="坚持党建引领，建立健全疫情防控工作队伍",
                    max_points=2,
                    description="要坚持党建引领，建立健全疫情防控工作队伍。",
                ),
                RubricItem(
                    id="org.plans",
                    name="有疫情防控工作方案、应急处置预案和全员核酸检测等专项工作方案",
                    max_points=2,
                ),
                RubricItem(
                    id="org.rules",
                    name="各项工作制度健全，职责分工明确",
                    max_points=2,
                ),
                RubricItem(
                    id="org.staff",
                    name="有专人负责疫情防控工作，充分发挥基层党组织、村民代表、网格员、志愿者等作用",
                    max_points=2,
                    description=(
                        "各村、各驻乡单位、各企业要有专人负责疫情防控工作，能充分发挥基层党组织、"
                        "村民代表、网格员、志愿者等作用，助力疫情防控工作。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="measures",
            name="防控措施到位",
            items=[
                RubricItem(
                    id="measures.sampling",
                    name="常态化便民核酸采样点设置合理，开放时间适当，公布及时",
                    max_points=10,
                ),
                RubricItem(
                    id="measures.base_data",
                    name="底数摸排清楚，动态状况掌握精准，健康监测管理规范",
                    max_points=10,
                    description=(
                        "各村群众、各单位职工、辖区内重点人群底数摸排清楚，动态状况掌握精准，"
                        "健康监测管理规范，发现异常规范处置并及时报告。"
                    ),
                ),
                RubricItem(
                    id="measures.sanitation",
                    name="爱国卫生运动开展力度大，公共场所和公共设施有专人负责清洁、消毒和通风",
                    max_points=10,
                    description=(
                        "爱国卫生运动开展力度大，楼道、人员聚集的公共场所和公共设施有专人负责"
                        "清洁、消毒和通风。"
                    ),
                ),
                RubricItem(
                    id="measures.premises",
                    name="超市、沿街门店、快递网点等管理规范，环境卫生干净整洁，做好消毒消杀",
                    max_points=10,
                    description=(
                        "辖区内超市、沿街门店、快递网点等管理规范，保持环境卫生干净整洁，"
                        "做好消毒消杀工作。"
                    ),
                ),
                RubricItem(
                    id="measures.access",
                    name="人员进出管理规范，落实戴口罩、测体温、亮码通行等防控措施",
                    max_points=10,
                    description=(
                        "各村、各单位及其他公共场所人员进出管理规范，落实好戴口罩、测体温、"
                        "亮码通行等防控措施。"
                    ),
                ),
                RubricItem(
                    id="measures.clinics",
                    name="乡村两级医疗卫生机构预检分诊规范，发热门诊24小时开放",
                    max_points=10,
                    description=(
                        "乡村两级医疗卫生机构预检分诊工作规范，能够及时上报转诊发热病人，"
                        "发热门诊 24 小时开放，疫情防控措施落实到位。"
                    ),
                ),
                RubricItem(
                    id="measures.supplies",
                    name="防疫物资按需储备、数量充足，积极组织和配合做好疫苗接种、核酸筛查等工作",
                    max_points=10,
                    description=(
                        "防疫物资按需储备，数量充足，积极组织和配合做好疫苗接种、核酸筛查、"
                        "流调溯源、人员转运、隔离管控、健康监测、服务保障等工作。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="atmosphere",
            name="防疫氛围浓厚",
            items=[
                RubricItem(
                    id="atmosphere.publicity",
                    name="有政策宣传和健康教育措施，宣传面覆盖所有人员",
                    max_points=5,
                    description=(
                        "有政策宣传和健康教育措施。有通过大喇叭、微信群、悬挂条幅、张贴宣传标语"
                        "等形式针对性地开展防控政策和健康防疫知识宣传，宣传面能覆盖所有人员。"
                    ),
                ),
                RubricItem(
                    id="atmosphere.awareness",
                    name="群众知晓率高，防疫意识强，自觉遵守管控规定，规范佩戴口罩",
                    max_points=5,
                    description=(
                        "群众对疫情防控政策和卫生防疫常识知晓率高，防疫意识强，能够加强个人自我"
                        "防护，自觉遵守疫情管控各项规定，在室内公共场所、密集场所和人员较多的"
                        "露天广场、公园等室外场所能规范佩戴口罩。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="effect",
            name="防控效果好",
            items=[
                RubricItem(
                    id="effect.vaccination",
                    name="新冠病毒疫苗接种率高，做到了应接尽接",
                    max_points=2.5,
                ),
                RubricItem(
                    id="effect.no_outbreak",
                    name="自新冠肺炎疫情爆发以来，从未发生过疫情",
                    max_points=2.5,
                ),
                RubricItem(
                    id="effect.risk_control",
                    name="对风险人员管控到位、处置规范",
                    max_points=2.5,
                ),
                RubricItem(
                    id="effect.hygiene",
                    name="环境清洁消毒规范、个人防护措施到位",
                    max_points=2.5,
                ),
            ],
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# 2. Compound / village / community standard (seed 003).
# The seed: 组织机构健全 15, “四方”协同防控机制完善 15, 规范落实防控措施 55 (底数清楚 10 +
# 疫情管控精准 10 + 防控措施落实到位 20 + 环境卫生干净整洁 15), 保障措施健全 15; total 100.
# The 55-point section keeps its four sub-parts as items with the seed's own points.
# Splits the seed does not give: organisation 3 x 5 (its requirement groups); four-party 15 =
# the parties' duties 3 + the “十有” checklist 10 x 1 + residents' own duty 2; guarantees 3 x 5
# (its three paragraphs).
# Veto: the seed defines 无疫小区 as one that never had an outbreak, or whose outbreak was found
# early, controlled and is over, and then says 同时还要具备以下条件 — so an outbreak that is not
# over fails the whole assessment. It sits in its own section, carrying no points.
# Marks: the seed gives none (验收达标 only). Defaults: application 60, as seed 001 篇六 sets for
# the self-assessment of the same kind of entity (小区、社区、村); pass 90, as seed 000 defines
# 考核合格 on a 100-point rubric.
# Source: the seed file carries neither title nor document number.
# ---------------------------------------------------------------------------------------------
COMPOUND_STANDARD = RubricBody(
    code="seed-003-compound",
    name="无疫小区（村、社区）创建标准",
    kind="points",
    application_mark=60,
    pass_mark=90,
    source="某镇无疫小区（村、社区）创建方案之创建条件（种子文件未载标题与文号）",
    sections=[
        RubricSection(
            id="precondition",
            name="无疫小区（村、社区）基本条件",
            items=[
                RubricItem(
                    id="precondition.no_active_outbreak",
                    name="从未发生过疫情，或虽有病例但发现及时、管控到位、处置规范且疫情已经解除",
                    veto=True,
                    description=(
                        "无疫小区(村、社区)指小区(村、社区)疫情防控机制完善,居民群众卫生习惯好、"
                        "防疫意识强,个人防护意识高,自觉遵守疫情管控各项规定,自新冠疫情爆发以来"
                        "从未发生过疫情的小区(村、社区),或者小区(村、社区)虽然有确诊病例或无症状"
                        "感染者,但发现及时、管控到位、处置规范,疫情第一时间得到有效控制,疫情已经"
                        "解除的社区(村)。同时还要具备以下条件。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="org",
            name="组织机构健全",
            items=[
                RubricItem(
                    id="org.leading_group",
                    name="成立疫情防控工作领导小组，内设公共卫生委员会，支书兼任主任",
                    max_points=5,
                    description=(
                        "成立新冠疫情防控工作领导小组,村委会、居委会要内设公共卫生委员会,"
                        "村(社区)支书兼任公共卫生委员会主任。"
                    ),
                ),
                RubricItem(
                    id="org.structure",
                    name="有组织架构和职责分工，建立工作制度，有办公场地和专兼职人员",
                    max_points=5,
                ),
                RubricItem(
                    id="org.group_leaders",
                    name="各居民组组长负责本组群众的疫情防控工作",
                    max_points=5,
                ),
            ],
        ),
        RubricSection(
            id="coord",
            name="“四方”协同防控机制完善",
            items=[
                RubricItem(
                    id="coord.duties",
                    name="各方履行组织领导、行业部门管理和分级分区管控主体责任",
                    max_points=3,
                    description=(
                        "认真履行疫情防控等公共卫生工作的组织领导责任,镇区内卫生院、中心校、"
                        "便民服务中心、市监所、应管局、执法队等有关部门要履行行业部门管理责任,"
                        "镇要认真落实分级分区管控主体责任,制定具体防控方案和措施。"
                    ),
                ),
                # “十有”: 任务具体明确、责任落实到人 (one point each).
                RubricItem(id="coord.ten.mechanism", name="有防控工作机制", max_points=1),
                RubricItem(id="coord.ten.publicity", name="有政策宣传措施", max_points=1),
                RubricItem(id="coord.ten.education", name="有健康教育措施", max_points=1),
                RubricItem(id="coord.ten.temperature", name="有测温登记措施", max_points=1),
                RubricItem(id="coord.ten.disinfection", name="有消毒消杀措施", max_points=1),
                RubricItem(id="coord.ten.supplies", name="有物资保障措施", max_points=1),
                RubricItem(id="coord.ten.reporting", name="有疫情病情报告措施", max_points=1),
                RubricItem(id="coord.ten.sanitation", name="有环境卫生清洁措施", max_points=1),
                RubricItem(id="coord.ten.supervision", name="有监督劝导措施", max_points=1),
                RubricItem(
                    id="coord.ten.emergency_plan", name="有突发疫情应急处置预案", max_points=1
                ),
                RubricItem(
                    id="coord.residents",
                    name="居民群众依法履行公共卫生义务，强化健康第一责任人的责任",
                    max_points=2,
                    description=(
                        "社区(村组)居民群众等有关人员严格依法履行疫情防控等公共卫生义务,强化健康"
                        "第一责任人的责任,形成联防联控、群防群治的基层健康治理良好局面。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="measures",
            name="规范落实防控措施",
            items=[
                RubricItem(
                    id="measures.base_data",
                    name="底数清楚",
                    max_points=10,
                    description=(
                        "村组居民摸排动态精准,每天排查到户到人,精准掌握居民身体状况(发热、患病等),"
                        "特别是来自高、中风险地区传播风险较高的重点人群底数和身体状况,工作台账清楚"
                        "明了,发现异常及时报告。"
                    ),
                ),
                RubricItem(
                    id="measures.precise_control",
                    name="疫情管控精准",
                    max_points=10,
                    description=(
                        "高风险地区村组实行封闭管理,严格落实居家隔离“足不出户,封门闭户、服务上门”"
                        "防控举措;中风险地区村组实施封控管理,实行“只进不出严禁聚集”等管理措施;"
                        "低风险地区村组落实好戴口罩、测体温、“亮码”通行及“非绿码”人员禁入、"
                        "24小时值守等。"
                    ),
                ),
                RubricItem(
                    id="measures.in_place",
                    name="防控措施落实到位",
                    max_points=20,
                    description=(
                        "新冠疫苗接种率超过全县平均水平,应接尽接;防控政策和健康防疫知识宣传进家庭,"
                        "家庭覆盖率达到100%,重点场所设置健康(防疫)宣传栏,居民对疫情防控政策和卫生"
                        "防疫常识知晓率高;居民能够科学规范佩戴口罩,室内公共场所、密闭场所和人员"
                        "密集的露天广场、公园等室外场所口罩佩戴率达到100%;重点场所设有疫情防控"
                        "监督员,履行监督劝导职责;居民能够加强个人自我防护,严格落实“一米线”、"
                        "戴口罩、勤洗手、常通风、少聚集等要求,积极配合核酸检测、消杀消毒、除灭"
                        "“四害”、垃圾分类投放等,不信谣、不传、不造;医疗机构发热门诊设置和管理"
                        "规范。"
                    ),
                ),
                RubricItem(
                    id="measures.environment",
                    name="环境卫生干净整洁",
                    max_points=15,
                    description=(
                        "积极组织居民开展环境卫生大扫除,小区(村组)路面平整,环卫设施完善,无乱堆"
                        "乱放、乱搭乱建、乱泼乱倒、乱扔乱排等现象;公共区域有专人负责环境卫生清扫,"
                        "垃圾日产日清,中高风险地区生活垃圾采取定人定车定路线方式闭环清运;电梯、"
                        "楼道和公共区域等重点场所和设施定时进行通风和预防性消毒;小区(村组)内超市、"
                        "农贸市场等管理规范,保持环境卫生干净整洁,做好消毒消杀工作。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="guarantees",
            name="保障措施健全",
            items=[
                # The seed reads 各级员干部 (a dropped character, read as 党员干部).
                RubricItem(
                    id="guarantees.cadres",
                    name="党员干部落实“双报到”、下沉一线，做好生活物资保障，沟通渠道畅通、无投诉",
                    max_points=5,
                    description=(
                        "村(社区)内各级员干部能够主动响应号召,落实“双报到”制度,主动下沉疫情防控"
                        "一线;及时了解群众需求,做好基本生活物资供应保障,沟通渠道畅通,无投诉。"
                    ),
                ),
                # The seed reads 特殊困难XX (a redacted word, read as 群体).
                RubricItem(
                    id="guarantees.special_needs",
                    name="对特殊困难群体提供上门服务和必要保障，保障正常生活和就医需求",
                    max_points=5,
                ),
                RubricItem(
                    id="guarantees.counselling",
                    name="安排专业人员对居家隔离医学观察居民做好情绪疏导、心理安慰",
                    max_points=5,
                ),
            ],
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# 3. County self-assessment, 无疫小区（社区、村） (seed 001 篇六).
# The seed names four standards and says 自评合格后（达60分以上）报所在镇（街道）, but gives no
# points per standard: the points live in its 附件1《自评表》, which the seed does not contain.
# Inventing a split would put numbers in the county's mouth, so this is a checklist, one item per
# requirement sentence of the four standards (17 items), and the 60 reads on the checklist's
# scale of 100: at least 60% of the requirements hold. A points version can replace it once the
# 自评表 is at hand.
# Marks: application 60 (seed). Pass 100 (default): the seed says only 评定达标, read as every
# requirement holds.
# No veto: “从未发生过疫情，或……已解除” is one requirement of the standard 防控效果明显 here,
# not a precondition (compare seed 003).
# ---------------------------------------------------------------------------------------------
COUNTY_SELF_ASSESSMENT = RubricBody(
    code="seed-001-6-county",
    name="无疫小区（社区、村）创建活动自评标准",
    kind="checklist",
    application_mark=60,
    pass_mark=100,
    source="XX县无疫小区（社区、村）创建活动实施方案（《无疫单位创建实施方案》篇六，未注文号）",
    sections=[
        RubricSection(
            id="org",
            name="组织体系健全",
            items=[
                RubricItem(
                    id="org.system",
                    name="建立疫情防控工作组织体系，有专门的防控工作队伍",
                    description="社区(村)建立了疫情防控工作组织体系,有专门的防控工作队伍。",
                ),
                RubricItem(
                    id="org.plans",
                    name="有社区（村）疫情防控总体方案和全员核酸检测等专项工作方案",
                ),
                RubricItem(id="org.rules", name="工作制度健全，职责分工明确"),
                RubricItem(id="org.contact", name="自然村、小区有专人负责疫情防控工作"),
                RubricItem(
                    id="org.parties",
                    name="充分发挥基层党组织、公共卫生委员会、业主委员会、物业、社区志愿者等作用",
                ),
            ],
        ),
        RubricSection(
            id="measures",
            name="防控措施到位",
            items=[
                RubricItem(
                    id="measures.base_data",
                    name="居民底数摸排清楚，动态状况掌握精准，健康监测管理规范",
                    description=(
                        "小区(社区、村)居民底数摸排清楚,动态状况掌握精准,健康监测管理规范,"
                        "发现异常规范处置并及时报告。"
                    ),
                ),
                RubricItem(
                    id="measures.sanitation",
                    name="爱国卫生运动开展力度大，电梯、楼道、公共场所和设施有专人清洁、消毒和通风",
                ),
                RubricItem(
                    id="measures.premises",
                    name="超市、农贸市场、快递网点等管理规范，环境卫生干净整洁，做好消毒消杀",
                ),
                RubricItem(
                    id="measures.access",
                    name="人流进出管理规范，落实戴口罩、测体温、“亮码”通行等防控措施",
                ),
                RubricItem(
                    id="measures.clinics",
                    name="医疗卫生机构预检分诊规范，及时上报、转诊发热病人",
                    description=(
                        "社区(村)医疗卫生机构预检分诊工作规范,能够及时上报、转诊发热病人,"
                        "疫情防控措施落实到位。"
                    ),
                ),
                RubricItem(id="measures.supplies", name="防疫物资按需储备，数量充足"),
                RubricItem(
                    id="measures.cooperation",
                    name="积极组织和配合做好疫苗接种、核酸筛查、流调溯源、隔离管控等工作",
                    description=(
                        "积极组织和配合做好疫苗接种、核酸筛查、流调溯源、人员转运、隔离管控、"
                        "健康监测、服务保障等工作。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="atmosphere",
            name="防疫氛围浓厚",
            items=[
                RubricItem(
                    id="atmosphere.publicity",
                    name="宣传引导有力，有政策宣传和健康教育措施，宣传面覆盖所有家庭",
                    description=(
                        "宣传引导有力,有政策宣传和健康教育措施,有通过“一封信”“大喇叭”、横幅标语"
                        "等多种形式有针对性的开展防控政策和健康防疫知识宣传,宣传面能覆盖所有家庭。"
                    ),
                ),
                RubricItem(
                    id="atmosphere.awareness",
                    name="居民知晓率高，防疫意识强，自我防护，自觉遵守疫情管控各项规定",
                ),
                RubricItem(
                    id="atmosphere.masks",
                    name="在室内公共场所、密闭场所和人员较多的室外场所能规范佩戴口罩",
                ),
            ],
        ),
        RubricSection(
            id="effect",
            name="防控效果明显",
            items=[
                RubricItem(
                    id="effect.vaccination",
                    name="村（居）民新冠病毒疫苗接种率高，应接尽接",
                ),
                RubricItem(
                    id="effect.no_outbreak",
                    name="从未发生过疫情，或虽有病例但发现及时、管控到位、处置规范并已解除",
                    description=(
                        "小区(社区、村)自新冠肺炎疫情暴发以来从未发生过疫情,或者虽然有确诊病例或"
                        "无症状感染者,但发现及时、管控到位、处置规范,疫情在第一时间得到有效控制"
                        "并已解除。"
                    ),
                ),
            ],
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# 4. Work unit standard, 朔州市生态环境局山阴分局 (seed 002).
# Seven standards, no points: a checklist, one item per standard. The seed numbers them (二) to
# (七); the first, 疫情防控机构健全, lost its (一).
# Marks: default 100 for both (every standard holds); the seed says only 自评合格 / 验收合格.
# No veto: 疫情防控效果明显 is one of the seven standards, and a checklist at 100 needs it anyway.
# ---------------------------------------------------------------------------------------------
WORK_UNIT = RubricBody(
    code="seed-002-unit",
    name="“无疫单位”创建标准",
    kind="checklist",
    application_mark=100,
    pass_mark=100,
    source=(
        "朔州市生态环境局山阴分局关于印发《朔州市生态环境局山阴分局“无疫单位创建活动”实施方案》"
        "的通知（2022年10月16日，未注文号）"
    ),
    sections=[
        RubricSection(
            id="standards",
            name="创建标准",
            items=[
                RubricItem(
                    id="unit.organisation",
                    name="疫情防控机构健全",
                    description=(
                        "坚持党建引领，建立健全本单位疫情防控责任体系，强化“三级包保”和“五包一”"
                        "工作机制，确保“四方责任”落到实处。疫情防控工作组织架构齐全，有完整的疫情"
                        "防控工作方案和应急处置预案。队伍健全，设有专人负责疫情防控工作，动员志愿者"
                        "普遍参与疫情防控工作。局党员干部参与一线参与创建工作。"
                    ),
                ),
                RubricItem(
                    id="unit.effect",
                    name="疫情防控效果明显",
                    description=(
                        "目前，我县乃至我单位未发生过新冠病毒肺炎疫情，没有核酸初筛阳性人员、没有"
                        "无症状感染者、无确诊病例。从即日起，一旦发现阳性感染者，做到“早、快、准”，"
                        "及时管控到位、处置规范，在第一时间疫情得到有效控制，且不造成社会面传播。"
                    ),
                ),
                RubricItem(
                    id="unit.measures",
                    name="防控措施落实到位",
                    description=(
                        "本单位严格加强省市外来进入本单位办事人员出入管理，落实测温、扫码、查验核酸"
                        "检测阴性证明、信息登记等管理措施，防止人员聚集。"
                    ),
                ),
                RubricItem(
                    id="unit.disinfection",
                    name="环境清洁消毒规范",
                    description=(
                        "加强对清洁消毒人员的培训，熟悉掌握消毒用品使用配比、消毒频次、个人防护等"
                        "知识。各公共场所清洁消毒符合规范要求，保障公共卫生间、垃圾桶等重点公共"
                        "区域、重点部位消毒消杀频次。“日产日清”，保持环境清洁卫生。"
                    ),
                ),
                RubricItem(
                    id="unit.health_services",
                    name="健康服务保障有力",
                    description="本单位及时掌握居家隔离、居家健康监测等人员健康状态。",
                ),
                RubricItem(
                    id="unit.personal_protection",
                    name="个人防护措施到位",
                    description=(
                        "引导干部职工落实个人健康主体责任，严格遵守各项防疫要求，本单位工作人员主动"
                        "如实报告个人行程轨迹，健康码、行程卡异常人员主动报告，新冠病毒疫苗接种做到"
                        "应接尽接。全局工作人员上下班保持单位和家庭“两点一线”，减少或避免不必要的"
                        "聚餐、聚会、聚集活动。"
                    ),
                ),
                RubricItem(
                    id="unit.publicity",
                    name="防控宣传氛围浓厚",
                    description=(
                        "采取网络、多媒体等群众喜闻乐见的形式，加强防控政策宣传，普及防疫知识，关注"
                        "权威信息，把疫情防控措施宣传到家庭及成员。加强健康教育，引导干部职工树立"
                        "健康理念、养成健康习惯、增强身体素质。"
                    ),
                ),
            ],
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# 5. Statistics bureau, ten standards (seed 001 篇五).
# The seed names ten standards (闭环管理“紧” … 堡垒作用“强”) without points or detail: a checklist
# of ten items. Descriptions quote the seed's 具体措施 only where one plainly matches a standard
# (人员排查, 消毒清洁, 物资保供, 宣传发动); the others are left bare rather than guessed.
# Veto: the plan revolves around 一个目标 — the unit goes 14 days or more without a confirmed
# case; a case fails the whole assessment. The seed prints the number as “X4”; in the same
# sentence “3个X00%” (测温、两码联查、戴口罩) can only mean 100%, so X stands for 1 and X4 is 14.
# No cycle_days: the seed gives a qualifying window, not an assessment cycle.
# Marks: default 100 for both (every item holds).
# ---------------------------------------------------------------------------------------------
TEN_STANDARDS = RubricBody(
    code="seed-001-5-ten",
    name="无疫示范单位创建十项标准",
    kind="checklist",
    application_mark=100,
    pass_mark=100,
    source="XX县统计局无疫示范单位创建实施方案（《无疫单位创建实施方案》篇五，依据高防战办〔202X〕8号）",
    sections=[
        RubricSection(
            id="goal",
            name="创建目标",
            items=[
                RubricItem(
                    id="goal.no_case",
                    name="单位连续14天以上无新冠肺炎确诊病例",
                    veto=True,
                    description=(
                        "围绕一个目标[单位连续X4天以上无新冠肺炎确诊病例]，紧盯“六类人员（疑似病例、"
                        "发热病例、密接、次密接、黄码、红码），做实三项工作（排查、管控、服务），"
                        "常态化落实3个X00%（测温、两码联查、戴口罩）。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="standards",
            name="十项标准",
            items=[
                RubricItem(id="std.closed_loop", name="闭环管理“紧”"),
                RubricItem(
                    id="std.screening",
                    name="人员排查“细”",
                    description=(
                        "落实重点人员排查。由办公室负责，坚持“外防输入”和“人物同防”原则，全面做好"
                        "来高返高人员筛查、登记管理工作，详细掌握单位职工来高返高人员信息，如有中高"
                        "风险区来高返高人员做好上报工作。"
                    ),
                ),
                RubricItem(id="std.habits", name="健康习惯“好”"),
                RubricItem(id="std.supervision", name="劝导督导“严”"),
                RubricItem(id="std.care", name="服务关爱“暖”"),
                RubricItem(
                    id="std.disinfection",
                    name="消毒清洁“净”",
                    description=(
                        "落实消杀消毒工作。全方位改善环境卫生条件，做到日常通风换气，保持室内空气"
                        "流通，每日开展全局范围消毒消杀工作，特别加强办公室、会议室等人员密集场所"
                        "消杀力度，提前做好消毒隔离和人员防护，手机、座机等用品每日用酒精擦拭。"
                    ),
                ),
                RubricItem(id="std.waste", name="垃圾处理“清”"),
                RubricItem(
                    id="std.supplies",
                    name="物资保供“畅”",
                    description=(
                        "落实疫情防控物资。做好医用口罩、酒精、84消毒液、洗手液、橡胶手套、体温计等"
                        "防疫物资的统计、采购、储备及发放工作，做好防控物资保障。"
                    ),
                ),
                RubricItem(
                    id="std.publicity",
                    name="宣传发动“广”",
                    description=(
                        "落实疫情宣传措施。利用钉钉、短信、微信、横幅等宣传形式，宣传普及疫情防控"
                        "知识和法律法规，增强干部职工的自我防护意识和能力，定期对局内全体干部职工"
                        "开展疫情防控知识讲座培训，大力倡导健康生活方式。"
                    ),
                ),
                RubricItem(id="std.party", name="堡垒作用“强”"),
            ],
        ),
    ],
)

# ---------------------------------------------------------------------------------------------
# 6. “六个好” (seed 001 篇三).
# Six requirements, no points: a checklist of six items, on a 14-day cycle (以14天为一个周期).
# The 八个有 and 五个一律 of 防疫措施好 are in the seed's 附件1, which it does not contain.
# Veto: the 创建目标 is zero occurrence per cycle — 无一例新冠肺炎确诊病例、无症状感染者、
# 应隔离密接者; one such case in the cycle fails the whole assessment.
# Marks: default 100 for both (every item holds); the seed says only 验收.
# ---------------------------------------------------------------------------------------------
SIX_GOODS = RubricBody(
    code="seed-001-3-six-goods",
    name="“无疫小区”创建“六个好”要求",
    kind="checklist",
    application_mark=100,
    pass_mark=100,
    cycle_days=14,
    source=(
        "“无疫小区（社区、村、企业、单位、园区）”创建专项行动方案（《无疫单位创建实施方案》篇三，"
        "依据《福州市新型冠状病毒感染肺炎疫情防控工作应急指挥部关于在全市开展“无疫小区”创建专项"
        "行动的通知》，未注文号）"
    ),
    sections=[
        RubricSection(
            id="goal",
            name="创建目标",
            items=[
                RubricItem(
                    id="goal.zero_occurrence",
                    name="本周期内疫情“零发生”：无确诊病例、无症状感染者、应隔离密接者",
                    veto=True,
                    description=(
                        "以14天为一个周期，全区所有住宅小区（含无物业管理小区、自然村）争创疫情"
                        "“零发生”，实现小区内无一例新冠肺炎确诊病例、无症状感染者、应隔离密接者。"
                    ),
                ),
            ],
        ),
        RubricSection(
            id="six_goods",
            name="六个好",
            items=[
                RubricItem(
                    id="good.network",
                    name="网络织密好",
                    description=(
                        "每个小区均建立党支部、每个楼栋要配有楼栋长，并在楼道处张贴相关信息，实现党"
                        "的工作全覆盖。建立“街（镇）—社区（村）—小区（自然村）—楼栋”各层级创建行动"
                        "微信群，推动创建专项行动扁平化指挥、全员化动员。发挥小区党组织、楼栋党小组"
                        "政治引领作用，完善小区疫情防控的组织领导、责任落实、监督检查、服务保障等"
                        "运行机制。发挥近邻党建优势，由区委组织部牵头，属地街道党工委（镇党委）配合，"
                        "开展“街镇吹哨、部门报到”活动，发挥近邻党建联盟作用，协调共建单位力量增援"
                        "小区抗疫，配强小区防控力量。强化小区应急处置能力，制定疫情应急处置预案，"
                        "推动小区疫情应急处置严密高效。"
                    ),
                ),
                RubricItem(
                    id="good.measures",
                    name="防疫措施好",
                    description=(
                        "严格落实管控措施，封控区实行“区域封闭、足不出户、服务上门”，管控区实行"
                        "“足不出区，错峰取物”，防范区实行“强化社会面管控，严格限制人员聚集”。全面"
                        "开展小区人员摸排，精确“人头定位”，按照“不落一户、不漏一人”的要求，及时"
                        "掌握密切接触者、次密接者等人员情况，及时转运高风险人群。有序组织开展核酸"
                        "检测工作，做到检测快速高效，避免人员聚集交叉感染。严格实行小区闭环管理，"
                        "对照小区防疫工作做到“八个有”和“五个一律”（见附件1），做好小区入口管控和"
                        "外来人口管控，切断疫情在小区间传播途径，实现全员参与、全程防疫、全域防疫。"
                    ),
                ),
                RubricItem(
                    id="good.information",
                    name="信息共享好",
                    description=(
                        "发挥党员“传声筒”作用，加强教育引导，推动小区群众主动报告个人涉疫事项，尤其"
                        "是需要居家医学观察的人员在隔离期间，认真遵守相关规定，并主动上报有关信息。"
                        "小区党组织、小区物业企业、小区群众发现近14天有中高风险地区或出现中高风险"
                        "比较多的敏感地区行程史和确诊病例的密切接触者、次密接者等人员，第一时间主动"
                        "向属地党组织报告。用好“云党课直播间”、近邻交流群等数字党建平台、新媒体载体，"
                        "畅通信息共享渠道，保证群众情绪安定，不造谣、不传谣、不信谣，支持配合疫情"
                        "防控，积极参与小区自我管理，增强小区群防群治合力。"
                    ),
                ),
                RubricItem(
                    id="good.needs",
                    name="需求满足好",
                    description=(
                        "以贴近群众、方便群众、温暖群众为重点，深入小区聚焦群众实际需求，通过网络、"
                        "热线等形式，征集意见建议，解决群众的合理诉求。对居家隔离接受医学观察的"
                        "群众，及时掌握其心理动态，对出现焦虑、恐惧等情绪及时组织专业力量疏导干预。"
                        "安排24小时值班电话，方便群众寻求帮助。对小区内的特殊群体，要摸清底数、健全"
                        "台账，深入了解社区内低保对象、特困人员、空巢老人、残疾人、孕妇、慢性病患者"
                        "等不同情况和需求，明确帮扶内容，实现精准关爱帮扶。"
                    ),
                ),
                RubricItem(
                    id="good.personal",
                    name="个人防控好",
                    description=(
                        "小区党员要带头提倡健康生活方式，积极教育引导小区群众勤洗手、勤消毒、勤通风，"
                        "出入公共场所自觉配合扫码测温、佩戴口罩、保持合理社交距离。尽量居家生活，"
                        "合理安排出行，不前往中高风险地区，不组织、参与大型聚会、聚餐、培训、演出等"
                        "聚集性活动，实行红白喜事简办速办。要带头接种新冠病毒疫苗，宣传接种疫苗的"
                        "重要作用，模范带动60岁以上人群“应接尽接”疫苗。引导群众及时配合做好核酸检测，"
                        "防范区的人员保持单位、住家“两点一线”，推动小区群众应对公共卫生事件的能力"
                        "不断增强。"
                    ),
                ),
                RubricItem(
                    id="good.environment",
                    name="环境维护好",
                    description=(
                        "设立党员示范岗、党员责任区，动员离退休干部、业委会成员、热心居民积极参与，"
                        "引导小区群众共同做好环境卫生清理工作。严格落实病毒消杀措施，对电梯、楼道、"
                        "主干道和企业、单位、园区等公共区域、重点场所进行定期消毒。严格落实垃圾分类"
                        "处置要求，规范设置生活垃圾和医疗废弃物临时收集点，做到“日产日清”。宣传引导"
                        "小区群众认真落实“门前三包”责任，及时清理责任范围内的垃圾、杂物。发挥党员"
                        "监督作用，建立健全日常巡查督导机制，及时发现制止损毁环卫设施、随意乱丢垃圾、"
                        "乱倒污水等行为。"
                    ),
                ),
            ],
        ),
    ],
)

SEED_RUBRICS: tuple[RubricBody, ...] = (
    TOWNSHIP_JIANNING,
    COMPOUND_STANDARD,
    COUNTY_SELF_ASSESSMENT,
    WORK_UNIT,
    TEN_STANDARDS,
    SIX_GOODS,
)

# Built-in rubrics are offered to every county under a stable id. They are never edited in
# place: a corrected transcription ships under the next version's id, so past scores keep theirs.
BUILT_IN: dict[str, RubricBody] = {f"{rubric.code}-v1": rubric for rubric in SEED_RUBRICS}
