"""The synthetic district itself: towns, villages, parks, bodies, officials, projects and plans,
each sentence of a report with the facts it states, until the estimated size is reached."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from . import vocab
from ..errors import DataError
from .estimate import Estimate, Fact
from .text import Entity, Names, Report, Sentence, en_literal, typed_literal, zh_literal

VILLAGES_PER_TOWN = (9, 14)  # one report per town: ~2,000 fact triples, a text of ~20 KB
PRIOR_COST = {"town": 1800, "village": 450, "park": 900}  # first guesses, replaced by running averages


@dataclass
class _Bodies:
    """The bodies of one town."""

    town: Entity
    party: Entity
    gov: Entity
    bureaus: list[Entity]
    office: Entity
    groups: list[Entity]
    head: tuple[str, str]  # the roles of the government's head and deputy


class DistrictGenerator:
    """Seeded generator of towns, villages and parks, each written as sentences with their facts."""

    def __init__(self, rng: random.Random, estimate: Estimate, target: int):
        self.rng = rng
        self.names = Names(rng)
        self.estimate = estimate
        self.target = target
        self.reports: list[Report] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.costs: dict[str, list[int]] = defaultdict(list)
        self.entities: set[str] = set()
        self.shared: dict[str, Entity] = {}

    # -- budget ------------------------------------------------------------------------------

    def _cost(self, kind: str) -> float:
        seen = self.costs[kind][-20:]
        return sum(seen) / len(seen) if seen else PRIOR_COST[kind]

    def _fits(self, *kinds: str) -> bool:
        """Whether writing one more of ``kinds`` lands closer to the target than stopping here."""
        return self.estimate.triples + sum(self._cost(k) for k in kinds) / 2 < self.target

    def _measure(self, kind: str, before: int) -> None:
        self.costs[kind].append(self.estimate.triples - before)
        self.counts[kind] += 1

    # -- sentences ---------------------------------------------------------------------------

    def _mention(self, entity: Entity, report: Report, out: list[Fact]) -> None:
        self.entities.add(entity.ref)
        out.append((entity.ref, "a", entity.cls))
        out.append((entity.ref, "rdfs:label", zh_literal(entity.zh)))
        if entity.ref not in report.named_in_english:
            report.named_in_english.add(entity.ref)
            out.append((entity.ref, "rdfs:label", en_literal(entity.en)))
        out.extend(entity.facts)
        for part in entity.parts:
            self._mention(part, report, out)

    def _say(self, report: Report, line: list, kind: str, text: str, named: list[Entity],
             facts: Iterable[Fact] = ()) -> None:
        """One sentence of the text and the facts it states: the entities it names and ``facts``."""
        stated: list[Fact] = []
        for entity in named:
            self._mention(entity, report, stated)
        stated.extend(facts)
        stated = list(dict.fromkeys(stated))
        missing = [e for e in named if e.zh not in text and e.cls != "cg:QuantitativeOutcome"]
        if missing:  # a quantitative outcome's label joins its subject to the words that state it
            raise DataError(f"synth: sentence {text!r} does not name {missing[0].zh!r}")
        line.append(Sentence(kind, text, stated))
        self.estimate.block(stated)

    # -- shared things (the same IRI and labels in every source) -------------------------------

    def _shared(self, ref: str, make) -> Entity:
        if ref not in self.shared:
            self.shared[ref] = make()
        return self.shared[ref]

    def role(self, slug: str) -> Entity:
        name, _, label_en = vocab.ROLES[slug]
        return self._shared(f"role:{slug}", lambda: Entity(
            f"role:{slug}", "cg:Role", name, label_en, facts=((f"role:{slug}", "skos:inScheme", "scheme:roles"),)))

    def industry(self, index: int) -> Entity:
        name, slug, label_en = vocab.INDUSTRIES[index]
        return self._shared(f"industry:{slug}", lambda: Entity(
            f"industry:{slug}", "cg:Industry", name, label_en,
            facts=((f"industry:{slug}", "skos:inScheme", "scheme:industries"),)))

    def path(self, slug: str) -> Entity:
        return self._shared(f"path:{slug}", lambda: Entity(
            f"path:{slug}", "cg:RenovationPath", vocab.PATHS[slug][0], vocab.PATH_EN[slug]))

    def year(self, year: int) -> Entity:
        ref = f"period:y{year}"
        return self._shared(ref, lambda: Entity(
            ref, "time:Instant", f"{year}年", str(year), facts=((ref, "time:inXSDgYear", typed_literal(str(year), "xsd:gYear")),)))

    def month(self, year: int, month: int) -> Entity:
        ref = f"period:y{year}-{month:02d}"
        return self._shared(ref, lambda: Entity(
            ref, "time:Instant", f"{year}年{month}月", f"{year}-{month:02d}",
            facts=((ref, "time:inXSDgYearMonth", typed_literal(f"{year}-{month:02d}", "xsd:gYearMonth")),)))

    def interval(self, first: int, last: int) -> Entity:
        ref = f"period:y{first}-y{last}"
        return self._shared(ref, lambda: Entity(
            ref, "time:Interval", f"{first}年至{last}年", f"{first} to {last}",
            facts=((ref, "time:hasBeginning", f"period:y{first}"), (ref, "time:hasEnd", f"period:y{last}")),
            parts=(self.year(first), self.year(last))))

    # -- bodies, posts, people ------------------------------------------------------------------

    def post(self, body: Entity, role: str) -> Entity:
        role_entity = self.role(role)
        ref = f"post:{body.slug}-{role}"
        return Entity(ref, "cg:Post", body.zh + role_entity.zh, f"{vocab.ROLES[role][1]} of the {body.en}",
                      facts=((ref, "org:postIn", body.ref), (ref, "org:role", role_entity.ref)),
                      parts=(body, role_entity))

    def person(self) -> Entity:
        name, slug, name_en = self.names.person()
        return Entity(f"person:{slug}", "cg:Official", name, name_en)

    # -- the district ---------------------------------------------------------------------------

    def run(self) -> None:
        """Districts of 8-12 towns, one report per town, until the estimate reaches the target."""
        while True:
            name, py = self.names.place()
            district = Entity(f"place:{py}-qu", "cg:AdministrativeArea", f"{name}区", f"{py.capitalize()} District")
            self.counts["district"] += 1
            for _ in range(self.rng.randint(8, 12)):
                if self.reports and not self._fits("town", "village", "park"):
                    return
                if not self.town(district):
                    return

    def town(self, district: Entity) -> bool:
        """One town's report; False when the target was reached inside it."""
        rng = self.rng
        name, py = self.names.place()
        is_subdistrict = rng.random() < 0.7
        town = Entity(f"place:{py}", "cg:AdministrativeArea", name + ("街道" if is_subdistrict else "镇"),
                      f"{py.capitalize()} {'Subdistrict' if is_subdistrict else 'Town'}")
        year = rng.randint(2019, 2023)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        report = Report(f"{py}-{date}", date, f"{district.zh}{town.zh}村级工业园升级改造工作报告", town, district)
        self.reports.append(report)
        self.estimate.sources += 1
        before = self.estimate.triples
        report.line().append(report.title)
        self._say(report, report.line(), "date", date, [],
                  [(f"src:{report.source_id}", "dcterms:issued", typed_literal(date, "xsd:date"))])
        bodies = self._bodies(town, is_subdistrict)
        villages = [self._plan_village() for _ in range(rng.randint(*VILLAGES_PER_TOWN))]
        self._overview(report, name, py, villages)
        officials = self._organisation(report, bodies)
        self._measure("town", before)

        report.line().append(vocab.HEADINGS[2])
        context = {"report": report, "groups": bodies.groups, "officials": officials}
        finished = True
        for number, (village, parks) in enumerate(villages):
            if not parks:
                continue
            if (number or self.counts["park"]) and not self._fits("village", "park"):
                finished = False
                break
            if not self.village(village, parks, **context):
                finished = False
                break
        self.highlights(report)
        return finished

    def _bodies(self, town: Entity, is_subdistrict: bool) -> "_Bodies":
        """A town's party and government bodies, bureaus, renovation office and working groups."""
        t = town.slug
        if is_subdistrict:
            party = Entity(f"body:{t}-dangongwei", "cg:PartyBody", f"{town.zh}党工委", f"Party Working Committee of {town.en}")
            gov = Entity(f"body:{t}-banshichu", "cg:GovernmentBody", f"{town.zh}办事处", f"{town.en} Office")
        else:
            party = Entity(f"body:{t}-dangwei", "cg:PartyBody", f"{town.zh}党委", f"Party Committee of {town.en}")
            gov = Entity(f"body:{t}-renmin-zhengfu", "cg:GovernmentBody", f"{town.zh}人民政府",
                         f"People's Government of {town.en}")
        chosen = sorted(self.rng.sample(vocab.BUREAUS, self.rng.randint(3, 4)), key=vocab.BUREAUS.index)
        return _Bodies(
            town, party, gov,
            bureaus=[Entity(f"body:{t}-{slug}", "cg:Bureau", town.zh + name, f"{name_en} of {town.en}")
                     for name, slug, name_en in chosen],
            office=Entity(f"body:{t}-cungaiban", "cg:Office", f"{town.zh}村改办", f"Renovation Office of {town.en}"),
            groups=[Entity(f"body:{t}-{slug}", "cg:WorkingGroup", town.zh + name, f"{name_en} of {town.en}")
                    for name, slug, name_en in vocab.GROUPS],
            head=("zhuren", "fuzhuren") if is_subdistrict else ("zhenzhang", "fuzhenzhang"),
        )

    def _plan_village(self) -> tuple[Entity, list[Entity]]:
        """A village and its parks, named before the report is written so the overview can list them."""
        name, py = self.names.place()
        village = Entity(f"place:{py}-cun", "cg:Village", name + "村", f"{py.capitalize()} Village")
        parts = self.rng.sample(vocab.PARK_PARTS, self.rng.choice((1, 2, 2, 3)))
        parks = [Entity(f"park:{py}-{slug}-gongyequ", "cg:VillageIndustrialPark", f"{name}{part}工业区",
                        f"{py.capitalize()} {part_en} Industrial Zone") for part, slug, part_en in parts
                 if self.names.claim("park", f"{name}{part}", f"{py}-{slug}")]
        return village, parks

    def _overview(self, report: Report, name: str, py: str, villages: list[tuple[Entity, list[Entity]]]) -> None:
        """一、基本情况: where the town lies, its villages, parks and development intensity, its plan, its showcase park."""
        rng, town, district, t = self.rng, report.town, report.district, report.town.slug
        report.line().append(vocab.HEADINGS[0])
        line = report.line()
        listed = "、".join(v.zh for v, _ in villages[:-1]) + "和" + villages[-1][0].zh
        self._say(report, line, "town", f"{town.zh}位于{district.zh},下辖{listed}。",
                  [town, district, *(v for v, _ in villages)],
                  [(town.ref, "cg:locatedIn", district.ref), *((v.ref, "cg:locatedIn", town.ref) for v, _ in villages)])
        parks, intensity = sum(len(p) for _, p in villages), rng.randint(30, 70)
        count = self._outcome(f"outcome:{t}-cunji-gongyeyuan-shuliang", f"{town.zh}共有村级工业园{parks}个",
                              f"{town.en} has {parks} village-level industrial parks", town,
                              "village-industrial-parks", "item", value=parks)
        density = self._outcome(f"outcome:{t}-kaifa-qiangdu", f"开发强度已超过{intensity}%",
                                f"development intensity of {town.en} above {intensity}%", town,
                                "development-intensity", "percent", minimum=intensity)
        self._say(report, line, "town-outcomes", f"{town.zh}共有村级工业园{parks}个,开发强度已超过{intensity}%。",
                  [town, count, density])
        first = int(report.date[:4]) + rng.randint(0, 1)
        period = self.interval(first, first + 2)
        plan = Entity(f"plan:{t}-cunji-gongyeyuan-gaizao-xingdong-jihua", "cg:Plan", f"{town.zh}村级工业园改造三年行动计划",
                      f"Three-year action plan for renovating the village-level industrial parks of {town.en}")
        self._say(report, line, "town-plan", f"《{plan.zh}》提出,{period.zh}完成全部村级工业园改造。",
                  [plan, period, town], [(plan.ref, "cg:appliesTo", town.ref), (plan.ref, "cg:hasPeriod", period.ref)])
        industry = self.industry(rng.randrange(len(vocab.INDUSTRIES)))
        showcase = Entity(f"park:{py}-{industry.slug}-chanyeyuan", "cg:IndustrialPark", f"{name}{industry.zh}产业园",
                          f"{py.capitalize()} {industry.en.title()} Industrial Park")
        firms = [self.enterprise(industry) for _ in range(rng.randint(2, 3))]
        self._say(report, line, "showcase",
                  f"{town.zh}{showcase.zh}是“二改二”示范园区,已吸引{'、'.join(f.zh for f in firms)}等企业入驻。",
                  [town, showcase, self.path("ergaier"), industry, *firms],
                  [(showcase.ref, "cg:locatedIn", town.ref), (showcase.ref, "cg:demonstrates", "path:ergaier"),
                   (showcase.ref, "cg:hasIndustry", industry.ref), *((f.ref, "cg:basedIn", showcase.ref) for f in firms)])

    def _organisation(self, report: Report, bodies: "_Bodies") -> list[tuple[Entity, Entity]]:
        """二、组织架构: how the bodies nest and who holds which post; the bureau officials (post, person)."""
        holders: dict[str, Entity] = {}

        def seat(body: Entity, role: str, person: Entity | None = None) -> tuple[Entity, Entity]:
            post = self.post(body, role)
            holders[post.ref] = holders.get(post.ref) or person or self.person()
            return post, holders[post.ref]

        town, office, groups = bodies.town, bodies.office, bodies.groups
        report.line().append(vocab.HEADINGS[1])
        line = report.line()
        (secretary, p1), (chief, p2) = seat(bodies.party, "shuji"), seat(bodies.gov, bodies.head[0])
        self._say(report, line, "leaders", f"{secretary.zh}{p1.zh}、{chief.zh}{p2.zh}部署{town.zh}村级工业园改造工作。",
                  [secretary, p1, chief, p2], [(p1.ref, "org:holds", secretary.ref), (p2.ref, "org:holds", chief.ref)])
        units = [*bodies.bureaus, office]
        self._say(report, line, "bodies", f"{bodies.gov.zh}下设{'、'.join(u.zh for u in units[:-1])}和{office.zh}。",
                  [bodies.gov, town, *units],
                  [(bodies.gov.ref, "cg:jurisdiction", town.ref), *((u.ref, "org:unitOf", bodies.gov.ref) for u in units)])
        self._say(report, line, "groups", f"{office.zh}下设{groups[0].zh}、{groups[1].zh}和{groups[2].zh}。",
                  [office, *groups], [(g.ref, "org:unitOf", office.ref) for g in groups])
        for body, roles, words in ((bodies.party, ("fushuji",), "分管村改工作"), (bodies.gov, bodies.head[1:], "协助推进村改"),
                                   *((b, ("juzhang", "fujuzhang"), "负责本局村改相关工作") for b in bodies.bureaus),
                                   *((g, ("zuzhang", "fuzuzhang"), "带队开展工作") for g in groups)):
            seated = [seat(body, role) for role in roles]
            self._say(report, line, "posts", "、".join(p.zh + h.zh for p, h in seated) + words + "。",
                      [e for pair in seated for e in pair], [(h.ref, "org:holds", p.ref) for p, h in seated])
        lead, lead_holder = seat(bodies.bureaus[0], "juzhang")
        director, _ = seat(office, "zhuren", lead_holder)
        self._say(report, line, "concurrent", f"{lead.zh}{lead_holder.zh}兼任{director.zh}。",
                  [lead, lead_holder, director], [(lead_holder.ref, "org:holds", director.ref)])
        vice, vice_holder = seat(office, "fuzhuren")
        self._say(report, line, "posts", f"{vice.zh}{vice_holder.zh}负责村改办日常工作。",
                  [vice, vice_holder], [(vice_holder.ref, "org:holds", vice.ref)])
        return [seat(b, r) for b in bodies.bureaus for r in ("juzhang", "fujuzhang")]

    def highlights(self, report: Report) -> None:
        """四、金句集锦: the report's first quotations once more, word for word, as the article does.

        Each repeated sentence is a second block with the same facts, so the facts have evidence in
        two places and both blocks need ``cg:before`` to say which occurrence they quote.
        """
        said = [(sentence, named) for sentence, named in report.quotations[:3]]
        if not said:
            return
        report.line().append(vocab.HEADINGS[3])
        for sentence, named in said:
            self._say(report, report.line(), "highlight", sentence.text, named)

    def enterprise(self, industry: Entity | None) -> Entity:
        trade, py = self.names.trade(f"enterprise:{industry.slug if industry else 'zhiye'}")
        if industry is None:
            return Entity(f"enterprise:{py}-zhiye", "cg:Enterprise", f"{trade}置业有限公司",
                          f"{py.capitalize()} Property Co., Ltd.")
        return Entity(f"enterprise:{py}-{industry.slug}", "cg:Enterprise", f"{trade}{industry.zh}有限公司",
                      f"{py.capitalize()} {industry.en.title()} Co., Ltd.",
                      facts=((f"enterprise:{py}-{industry.slug}", "cg:hasIndustry", industry.ref),), parts=(industry,))

    def _outcome(self, ref: str, label: str, label_en: str, of: Entity, indicator: str, unit: str, *,
                 value: int | None = None, minimum: int | None = None, period: Entity | None = None) -> Entity:
        facts = [(ref, "cg:indicator", f"indicator:{indicator}"), (ref, "cg:unit", f"unit:{unit}"), (ref, "cg:outcomeOf", of.ref)]
        facts.append((ref, "schema:value", str(value)) if minimum is None else (ref, "schema:minValue", str(minimum)))
        if period is not None:
            facts.append((ref, "cg:hasPeriod", period.ref))
        return Entity(ref, "cg:QuantitativeOutcome", label, label_en, facts=tuple(facts),
                      parts=(period,) if period is not None else ())

    def village(self, village: Entity, parks: list[Entity], *, report: Report, groups: list[Entity],
                officials: list[tuple[Entity, Entity]]) -> bool:
        """A village's paragraph (its parks, party secretary, briefings), then a paragraph per park;
        False when the target was reached before its last park."""
        rng, town = self.rng, report.town
        before = self.estimate.triples
        line = report.line()
        v = village.slug
        count = self._outcome(f"outcome:{v}-cunji-gongyeyuan-shuliang", f"{village.zh}共有村级工业园{len(parks)}个",
                              f"{village.en} has {len(parks)} village-level industrial parks", village,
                              "village-industrial-parks", "item", value=len(parks))
        listed = parks[0].zh if len(parks) == 1 else "、".join(p.zh for p in parks[:-1]) + "和" + parks[-1].zh
        self._say(report, line, "village", f"{town.zh}{village.zh}共有村级工业园{len(parks)}个,{'即' if len(parks) == 1 else '分别是'}{listed}。",
                  [town, village, count, *parks],
                  [(village.ref, "cg:locatedIn", town.ref), *((p.ref, "cg:locatedIn", village.ref) for p in parks)])
        branch = Entity(f"body:{v}-dangwei", "cg:PartyBody", f"{village.zh}党委", f"Party Committee of {village.en}")
        secretary, leader = self.post(branch, "shuji"), self.person()
        self._say(report, line, "village-leader", f"{secretary.zh}{leader.zh}带领村民积极参与村改。",
                  [secretary, leader, village],
                  [(leader.ref, "org:holds", secretary.ref), (branch.ref, "cg:jurisdiction", village.ref)])
        briefing = Entity(f"activity:{v}-xuanjianghui", "cg:BriefingSession", f"{village.zh}宣讲会",
                          f"policy briefings in {village.en}")
        sessions, visits = rng.randint(2, 15), rng.randint(5, 60)
        held = self._outcome(f"outcome:{v}-xuanjianghui-changci", f"{briefing.zh}{sessions}场次",
                             f"{sessions} briefing sessions in {village.en}", briefing, "briefing-sessions", "session",
                             value=sessions)
        visited = self._outcome(f"outcome:{v}-xuanjianghui-zoufang-qiye", f"走访企业{visits}次",
                                f"{visits} visits to enterprises during the briefings in {village.en}", briefing,
                                "visits", "time", value=visits)
        self._say(report, line, "briefing", f"{groups[1].zh}召开{briefing.zh}{sessions}场次,走访企业{visits}次。",
                  [groups[1], briefing, village, held, visited],
                  [(briefing.ref, "cg:carriedOutBy", groups[1].ref), (briefing.ref, "cg:appliesTo", village.ref)])
        self._measure("village", before)
        for number, park in enumerate(parks):
            if number and not self._fits("park"):
                return False
            before = self.estimate.triples
            self.park(park, report=report, speakers=[(secretary, leader), *officials], groups=groups, officials=officials)
            self._measure("park", before)
        return True

    def park(self, park: Entity, *, report: Report, speakers: list[tuple[Entity, Entity]], groups: list[Entity],
             officials: list[tuple[Entity, Entity]]) -> None:
        """A park's paragraph: its path and project (with the official leading it), phases and their outcomes,
        enterprises or investor, land actions on its parcels, its plan, and maybe a quotation and enforcement."""
        rng = self.rng
        line = report.line()
        path_slug = rng.choices(("ergaiyi", "ergaier", "ergaisan"), weights=(1, 2, 1))[0]
        path = self.path(path_slug)
        _, suffix, suffix_slug, suffix_en = vocab.PATHS[path_slug]
        project = Entity(f"project:{park.slug}-{suffix_slug}", "cg:Project", park.zh + suffix, f"{park.en} {suffix_en}")
        post, official = rng.choice(officials)
        bureau = post.parts[0]
        self._say(report, line, "park-path", f"{park.zh}按照“{path.zh}”路径改造,由{post.zh}{official.zh}牵头推进{project.zh}。",
                  [park, path, post, official, project],
                  [(park.ref, "cg:followsPath", path.ref), (project.ref, "cg:projectAt", park.ref),
                   (official.ref, "org:holds", post.ref), (project.ref, "prov:wasAssociatedWith", official.ref),
                   (bureau.ref, "cg:responsibleFor", project.ref)])
        year = int(report.date[:4])
        if path_slug != "ergaiyi":
            opened = self.year(year - rng.randint(0, 2))
            phase = Entity(f"{project.ref}-shouqi", "cg:ProjectPhase", f"{project.zh}首期", f"{project.en}, phase 1",
                           facts=((f"{project.ref}-shouqi", "cg:phaseOf", project.ref),), parts=(project,))
            firms, output = rng.randint(5, 60), rng.randrange(300, 9800, 50)
            if rng.random() < 0.15:
                tenths = rng.randint(11, 45)
                written, value = f"{tenths // 10}.{tenths % 10}亿元", tenths * 10_000_000
            else:
                written, value = f"{output}万元", output * 10_000
            moved = self._outcome(f"outcome:{phase.slug}-ruzhu-qiye", f"入驻企业{firms}家",
                                  f"{firms} enterprises moved into {phase.en}", phase, "enterprises-moved-in", "enterprise",
                                  value=firms, period=opened)
            monthly = self._outcome(f"outcome:{phase.slug}-yue-chanzhi", f"月产值达{written}",
                                    f"monthly output value of {phase.en}: {value:,} yuan", phase, "monthly-output-value",
                                    "yuan-per-month", value=value, period=opened)
            self._say(report, line, "phase", f"{phase.zh}于{opened.zh}建成投产,入驻企业{firms}家,月产值达{written}。",
                      [phase, opened, moved, monthly], [(phase.ref, "cg:hasPeriod", opened.ref)])
            if rng.random() < 0.4:
                starts = self.year(year + rng.randint(0, 2))
                second = Entity(f"{project.ref}-erqi", "cg:ProjectPhase", f"{project.zh}二期", f"{project.en}, phase 2",
                                facts=((f"{project.ref}-erqi", "cg:phaseOf", project.ref),), parts=(project,))
                self._say(report, line, "phase", f"{second.zh}计划于{starts.zh}动工。", [second, starts],
                          [(second.ref, "cg:hasPeriod", starts.ref)])
        if path_slug == "ergaier":
            industry = self.industry(rng.randrange(len(vocab.INDUSTRIES)))
            firms = [self.enterprise(industry if rng.random() < 0.6 else self.industry(rng.randrange(len(vocab.INDUSTRIES))))
                     for _ in range(rng.randint(2, 3))]
            self._say(report, line, "enterprises", f"{'、'.join(f.zh for f in firms[:-1])}和{firms[-1].zh}已进驻{park.zh}。",
                      [*firms, park], [(f.ref, "cg:basedIn", park.ref) for f in firms])
        elif path_slug == "ergaisan":
            investor = self.enterprise(None)
            self._say(report, line, "investor", f"{project.zh}由{investor.zh}投资建设。", [project, investor],
                      [(project.ref, "prov:wasAssociatedWith", investor.ref)])
        for _ in range(rng.choice((1, 1, 2))):
            trade, py = self.names.trade(f"parcel:{park.slug}")
            ref = f"parcel:{park.slug}-{py}-dikuai"
            parcel = Entity(ref, "cg:LandParcel", f"{park.zh}{trade}地块", f"{py.capitalize()} parcel of {park.en}",
                            facts=((ref, "cg:locatedIn", park.ref),), parts=(park,))
            actions = vocab.ACTIONS_BY_PATH[path_slug][: rng.randint(1, 2)]
            months = sorted(rng.sample(range(12 * (year - 1), 12 * year + 12), len(actions)))
            for action_slug, month in zip(actions, months):
                action_zh, action_cls, action_en = vocab.LAND_ACTIONS[action_slug]
                when = self.month(month // 12, month % 12 + 1)
                action = Entity(f"activity:{parcel.slug}-{action_slug}", action_cls, parcel.zh + action_zh,
                                f"{action_en} of the {parcel.en}")
                self._say(report, line, "land-action", f"{when.zh},{action.zh}工作完成。", [when, action, parcel],
                          [(action.ref, "cg:appliesTo", parcel.ref), (action.ref, "cg:hasPeriod", when.ref)])
        if rng.random() < 0.7:
            first = year + rng.randint(0, 1)
            period = self.interval(first, first + rng.randint(1, 3))
            plan = Entity(f"plan:{park.slug}-gaizao-tisheng-jihua", "cg:Plan", f"{park.zh}改造提升计划",
                          f"Renovation and upgrading plan of {park.en}")
            facts = [(plan.ref, "cg:appliesTo", park.ref), (plan.ref, "cg:hasPeriod", period.ref)]
            if path_slug == "ergaiyi":
                self._say(report, line, "plan", f"根据《{plan.zh}》,{period.zh}{park.zh}将全面复垦复绿。", [plan, period, park], facts)
            else:
                industry = self.industry(rng.randrange(len(vocab.INDUSTRIES)))
                self._say(report, line, "plan", f"根据《{plan.zh}》,{period.zh}{park.zh}将重点引入{industry.zh}产业。",
                          [plan, period, park, industry], [*facts, (plan.ref, "cg:hasIndustry", industry.ref)])
        if rng.random() < 0.4:
            _, speaker = rng.choice(speakers)
            phrase, phrase_slug, phrase_en = rng.choice(vocab.PHRASES)
            said = f"{park.zh}{phrase}。"
            ref = f"quotation:{park.slug}-{phrase_slug}"
            quotation = Entity(ref, "cg:Quotation", park.zh + phrase, f"{park.en} {phrase_en}",
                               facts=((ref, "cg:text", zh_literal(said)), (ref, "cg:saidBy", speaker.ref),
                                      (ref, "cg:quotedIn", f"src:{report.source_id}"), (ref, "cg:topic", park.ref)))
            self._say(report, line, "quotation", f"{speaker.zh}表示:“{said}”", [speaker, quotation, park])
            report.quotations.append((line[-1], [speaker, quotation, park]))
        if rng.random() < 0.3:
            times = rng.randint(2, 12)
            raid = Entity(f"activity:{park.slug}-lianhe-zhifa", "cg:JointEnforcement", f"{park.zh}联合执法行动",
                          f"joint enforcement actions at {park.en}")
            self._say(report, line, "enforcement", f"{groups[2].zh}开展{raid.zh}{times}次。", [groups[2], raid, park],
                      [(raid.ref, "cg:carriedOutBy", groups[2].ref), (raid.ref, "cg:appliesTo", park.ref),
                       (raid.ref, "cg:count", str(times))])
