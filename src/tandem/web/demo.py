"""A realistic demo organisation: 14 departments, 320 people, a competency framework, ratings,
topics, programs in each matching mode, and the five demo logins (password ``demo``).

Later capabilities add their own steps to ``STEPS``. Deterministic: the same data every run.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.module_loading import import_string

from tandem.core.authz import HR_ADMIN, PROGRAM_MANAGER
from tandem.mentorships.demo import seed_demo_mentorships
from tandem.people.models import (
    CommunicationStyle,
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    CompetencyRating,
    Department,
    JobProfile,
    JobProfileRequirement,
    Language,
    Location,
    Person,
    PersonTopic,
    RatingSource,
    SelfAssessment,
    Topic,
    TopicInterest,
)
from tandem.people.services import (
    current_levels_rebuild,
    department_paths_rebuild,
    gap_summary_rebuild,
)
from tandem.programs.demo import seed_demo_programs
from tandem.programs.models import MatchingMode, Program

DEMO_PASSWORD = "demo"
TODAY = datetime.date.today()  # demo dates are relative to the day it is loaded

LANGUAGES = [("en", "English"), ("ru", "Русский"), ("zh", "中文"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCATIONS = [
    ("Berlin", "Europe/Berlin", ["en", "de"]),
    ("Moscow", "Europe/Moscow", ["ru", "en"]),
    ("Shanghai", "Asia/Shanghai", ["zh", "en"]),
    ("London", "Europe/London", ["en", "fr"]),
    ("New York", "America/New_York", ["en", "es"]),
    ("Singapore", "Asia/Singapore", ["en", "zh"]),
]
# (code, name, parent code)
DEPARTMENTS = [
    ("ENG", "Engineering", None), ("ENG-PLT", "Platform", "ENG"), ("ENG-MOB", "Mobile", "ENG"),
    ("ENG-DATA", "Data & Analytics", "ENG"), ("SAL", "Sales", None), ("SAL-EMEA", "Sales EMEA", "SAL"),
    ("SAL-APAC", "Sales APAC", "SAL"), ("CS", "Customer Service", None), ("FIN", "Finance", None),
    ("HR", "People & Culture", None), ("MKT", "Marketing", None), ("OPS", "Operations", None),
    ("OPS-LOG", "Logistics", "OPS"), ("PMO", "Project Office", None),
]
T = {"zh-hans": {}, "ru": {}}
GROUPS = [
    ("TECH", "Technical", "专业技术", "Профессиональные"),
    ("PEOPLE", "Working with people", "人际协作", "Работа с людьми"),
    ("MGMT", "Managing work", "工作管理", "Управление работой"),
]
# code, group, English, Chinese, Russian
COMPETENCIES = [
    ("SWE", "TECH", "Software engineering", "软件工程", "Разработка ПО"),
    ("DATA", "TECH", "Data analysis", "数据分析", "Анализ данных"),
    ("TOOLS", "TECH", "Digital tools", "数字工具", "Цифровые инструменты"),
    ("COMM", "PEOPLE", "Communication", "沟通", "Коммуникация"),
    ("TEAM", "PEOPLE", "Teamwork", "团队合作", "Командная работа"),
    ("NEGO", "PEOPLE", "Negotiation", "谈判", "Переговоры"),
    ("CUST", "PEOPLE", "Customer focus", "客户导向", "Клиентоориентированность"),
    ("COACH", "PEOPLE", "Coaching others", "辅导他人", "Наставничество"),
    ("PROJ", "MGMT", "Project management", "项目管理", "Управление проектами"),
    ("TIME", "MGMT", "Time management", "时间管理", "Тайм-менеджмент"),
    ("PROB", "MGMT", "Problem solving", "问题解决", "Решение проблем"),
    ("STRAT", "MGMT", "Strategic thinking", "战略思维", "Стратегическое мышление"),
]
LEVELS = [
    (1, "Aware: knows the ideas, has not applied them yet", "了解：知道基本概念，尚未实践", "Осведомлён: знает основы, ещё не применял"),
    (2, "Developing: applies them with guidance", "发展中：在指导下应用", "Развивается: применяет с помощью"),
    (3, "Proficient: applies them independently", "熟练：能独立应用", "Уверенно: применяет самостоятельно"),
    (4, "Advanced: handles complex cases and helps others", "高级：处理复杂情况并帮助他人", "Продвинуто: справляется со сложными случаями, помогает другим"),
    (5, "Expert: sets the standard and teaches it", "专家：制定标准并传授他人", "Эксперт: задаёт стандарт и обучает других"),
]
# code, title, department codes where it occurs, {competency: target}
JOBS = [
    ("SE", "Software Engineer", ["ENG-PLT", "ENG-MOB"], {"SWE": 3, "TOOLS": 3, "COMM": 3, "TEAM": 3, "PROB": 3}),
    ("SSE", "Senior Software Engineer", ["ENG-PLT", "ENG-MOB"], {"SWE": 4, "TOOLS": 4, "COMM": 4, "COACH": 3, "PROB": 4}),
    ("EM", "Engineering Manager", ["ENG", "ENG-PLT", "ENG-MOB", "ENG-DATA"], {"SWE": 3, "COMM": 4, "COACH": 4, "PROJ": 4, "STRAT": 4}),
    ("DA", "Data Analyst", ["ENG-DATA"], {"DATA": 4, "TOOLS": 4, "COMM": 3, "PROB": 4}),
    ("SR", "Sales Representative", ["SAL-EMEA", "SAL-APAC"], {"NEGO": 4, "CUST": 4, "COMM": 4, "TIME": 3}),
    ("AM", "Account Manager", ["SAL", "SAL-EMEA", "SAL-APAC"], {"NEGO": 4, "CUST": 5, "COMM": 4, "STRAT": 3, "PROJ": 3}),
    ("CSA", "Customer Service Agent", ["CS"], {"CUST": 4, "COMM": 4, "TOOLS": 3, "TIME": 3, "PROB": 3}),
    ("CSL", "Customer Service Team Lead", ["CS"], {"CUST": 5, "COMM": 4, "COACH": 4, "TIME": 4, "PROB": 4}),
    ("FA", "Financial Analyst", ["FIN"], {"DATA": 4, "TOOLS": 3, "PROB": 4, "COMM": 3}),
    ("HRBP", "HR Business Partner", ["HR"], {"COMM": 5, "COACH": 4, "NEGO": 3, "STRAT": 3}),
    ("MS", "Marketing Specialist", ["MKT"], {"CUST": 4, "COMM": 4, "DATA": 3, "TOOLS": 4}),
    ("OC", "Operations Coordinator", ["OPS", "OPS-LOG"], {"PROJ": 3, "TIME": 4, "PROB": 3, "TEAM": 4}),
    ("PM", "Project Manager", ["PMO"], {"PROJ": 5, "TIME": 4, "COMM": 4, "STRAT": 3, "NEGO": 3}),
    ("GT", "Graduate Trainee", ["ENG-PLT", "SAL-EMEA", "CS", "FIN", "MKT", "OPS-LOG"], {"COMM": 3, "TEAM": 3, "TIME": 3, "TOOLS": 3, "PROB": 3}),
]
JOB_TITLES = {  # code: (Chinese, Russian)
    "SE": ("软件工程师", "Инженер-программист"), "SSE": ("高级软件工程师", "Старший инженер-программист"),
    "EM": ("工程经理", "Руководитель разработки"), "DA": ("数据分析师", "Аналитик данных"),
    "SR": ("销售代表", "Менеджер по продажам"), "AM": ("客户经理", "Менеджер по работе с клиентами"),
    "CSA": ("客服专员", "Специалист службы поддержки"), "CSL": ("客服组长", "Руководитель группы поддержки"),
    "FA": ("财务分析师", "Финансовый аналитик"), "HRBP": ("HR业务伙伴", "HR бизнес-партнёр"),
    "MS": ("市场专员", "Маркетолог"), "OC": ("运营协调员", "Координатор операций"),
    "PM": ("项目经理", "Руководитель проектов"), "GT": ("管培生", "Стажёр-выпускник"),
}
TOPICS = [
    ("tools_tech", "Tools and technology", "工具与技术", "Инструменты и технологии"),
    ("time_management", "Time management", "时间管理", "Тайм-менеджмент"),
    ("teamwork_communication", "Teamwork and communication", "团队合作与沟通", "Командная работа и коммуникация"),
    ("project_management", "Project management", "项目管理", "Управление проектами"),
    ("customer_service", "Customer service", "客户服务", "Обслуживание клиентов"),
    ("professional_growth", "Professional growth", "职业发展", "Профессиональный рост"),
    ("problem_cases", "Problem cases", "疑难案例", "Проблемные ситуации"),
    ("trends", "Trends", "行业趋势", "Тренды"),
]
FIRST = {
    "en": ["Anna", "James", "Olivia", "Liam", "Emma", "Noah", "Sophia", "Lucas", "Mia", "Ethan", "Grace", "Henry", "Chloe", "Jack", "Ella", "Leo"],
    "ru": ["Алексей", "Мария", "Дмитрий", "Ольга", "Иван", "Екатерина", "Сергей", "Анна", "Павел", "Наталья", "Андрей", "Елена"],
    "zh": ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛"],
    "de": ["Lukas", "Lena", "Felix", "Hannah", "Jonas", "Laura", "Paul", "Marie"],
}
LAST = {
    "en": ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Clarke", "Walker", "Wright", "Hall", "Green"],
    # the masculine form; a woman's surname takes -а (Иванов → Иванова): see _name
    "ru": ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Морозов", "Волков", "Лебедев"],
    "zh": ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"],
    "de": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"],
}
LOC_NAMES = {"Berlin": "de", "Moscow": "ru", "Shanghai": "zh", "London": "en", "New York": "en", "Singapore": "zh"}
BIOS = [
    "Enjoys turning messy problems into simple checklists.",
    "Has run the customer escalation desk for three years.",
    "Moved from support into engineering; likes helping others do the same.",
    "Organises the internal tech talks.",
    "Keen on data storytelling and clear dashboards.",
    "",
]


RU_FEMALE = {"Мария", "Ольга", "Екатерина", "Анна", "Наталья", "Елена"}


def _name(rng: random.Random, culture: str) -> str:
    first, last = rng.choice(FIRST[culture]), rng.choice(LAST[culture])
    if culture == "ru" and first in RU_FEMALE:
        last += "а"  # Russian surnames agree with the bearer's gender: Мария Иванова, Иван Иванов
    return f"{last}{first}" if culture == "zh" else f"{first} {last}"


STRENGTHS = [
    "Reliable delivery; explaining things simply.",
    "Staying calm with upset customers; writing clear tickets.",
    "Finding the root cause of a bug; code reviews that teach.",
    "Running workshops; keeping a room engaged.",
    "Numbers: budgets, forecasts and spotting what does not add up.",
    "Building relationships across departments.",
    "Turning a vague request into a plan with dates.",
]
DEVELOPMENT_AREAS = [
    "Negotiating scope with stakeholders; planning my week.",
    "Speaking up in large meetings; giving feedback to peers.",
    "Delegating instead of doing it myself.",
    "Presenting to senior management.",
    "Saying no to low-priority work.",
    "Strategic thinking beyond my own team's quarter.",
    "Coaching juniors without taking over.",
]


def seed_reference_data() -> None:
    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})
    for name, tz, _langs in LOCATIONS:
        Location.objects.get_or_create(name=name, defaults={"time_zone": tz})
    for i, (code, en, zh, ru) in enumerate(GROUPS):
        CompetencyGroup.objects.get_or_create(
            code=code, defaults={"name": en, "order": i, "translations": {"zh-hans": {"name": zh}, "ru": {"name": ru}}}
        )
    groups = {g.code: g for g in CompetencyGroup.objects.all()}
    for code, group, en, zh, ru in COMPETENCIES:
        comp, created = Competency.objects.get_or_create(
            code=code,
            defaults={"group": groups[group], "name": en, "translations": {"zh-hans": {"name": zh}, "ru": {"name": ru}}},
        )
        if created:
            CompetencyLevel.objects.bulk_create(
                [
                    CompetencyLevel(competency=comp, level=lv, descriptor=d_en,
                                    translations={"zh-hans": {"descriptor": d_zh}, "ru": {"descriptor": d_ru}})
                    for lv, d_en, d_zh, d_ru in LEVELS
                ]
            )
    for i, (code, en, zh, ru) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            code=code, defaults={"name": en, "order": i, "translations": {"zh-hans": {"name": zh}, "ru": {"name": ru}}}
        )


def seed_organisation(rng: random.Random, size: int = 320) -> None:
    deps: dict[str, Department] = {}
    for code, name, parent in DEPARTMENTS:
        deps[code] = Department.objects.create(code=code, name=name, parent=deps.get(parent) if parent else None)
    department_paths_rebuild()
    comps = {c.code: c for c in Competency.objects.all()}
    jobs: dict[str, JobProfile] = {}
    for code, title, _where, targets in JOBS:
        zh, ru = JOB_TITLES[code]
        jobs[code] = JobProfile.objects.create(code=code, title=title,
                                               translations={"zh-hans": {"title": zh}, "ru": {"title": ru}})
        JobProfileRequirement.objects.bulk_create(
            [JobProfileRequirement(job_profile=jobs[code], competency=comps[c], target_level=t) for c, t in targets.items()]
        )
    langs = {lang.code: lang for lang in Language.objects.all()}
    locs = {loc.name: loc for loc in Location.objects.all()}
    leaf_jobs: dict[str, list[str]] = {}
    for code, _title, where, _t in JOBS:
        for d in where:
            leaf_jobs.setdefault(d, []).append(code)
    styles = list(CommunicationStyle.values)
    people: list[Person] = []
    seq = 1000

    def make(dep: str, job: str, *, senior: bool) -> Person:
        nonlocal seq
        seq += 1
        loc_name = rng.choice(list(locs))
        culture = LOC_NAMES[loc_name] if rng.random() < 0.75 else rng.choice(list(FIRST))
        tz = locs[loc_name].time_zone
        years = rng.randint(5, 15) if senior else rng.randint(0, 6)
        p = Person(
            employee_id=f"E{seq}", full_name=_name(rng, culture), email=f"e{seq}@tandem.example",
            department=deps[dep], job_profile=jobs[job], location=locs[loc_name],
            hire_date=TODAY - datetime.timedelta(days=365 * years + rng.randint(0, 364)),
            time_zone=tz, communication_style=rng.choice(styles),
            mentoring_hours_per_month=rng.choice([0, 2, 4, 6]) if senior else rng.choice([0, 0, 2]),
            mentor_capacity=rng.choice([1, 2, 3]) if senior and rng.random() < 0.6 else (1 if rng.random() < 0.08 else 0),
            bio=rng.choice(BIOS),
        )
        people.append(p)
        return p

    heads: dict[str, Person] = {}
    for code, _name_, _parent in DEPARTMENTS:
        job = "EM" if code.startswith("ENG") else ("CSL" if code == "CS" else (leaf_jobs.get(code) or ["PM"])[0])
        if code in ("SAL", "SAL-EMEA", "SAL-APAC"):
            job = "AM"
        heads[code] = make(code, job, senior=True)
    leaf_codes = [c for c, _n, _p in DEPARTMENTS if c in leaf_jobs]
    while len(people) < size:
        dep = rng.choice(leaf_codes)
        job = rng.choice(leaf_jobs[dep])
        make(dep, job, senior=job in ("SSE", "EM", "AM", "CSL", "PM", "HRBP"))
    Person.objects.bulk_create(people)
    people = list(Person.objects.select_related("department").order_by("id"))
    by_code = {p.employee_id: p for p in people}
    heads = {code: by_code[h.employee_id] for code, h in heads.items()}
    # Reporting lines: the department head reports to the parent department's head; others to their head.
    head_ids = {h.pk for h in heads.values()}
    parent_of = {c: p for c, _n, p in DEPARTMENTS}
    for p in people:
        code = p.department.code
        if p.pk in head_ids:
            parent = parent_of[code]
            p.manager_id = heads[parent].pk if parent else None
        else:
            p.manager_id = heads[code].pk
    Person.objects.bulk_update(people, ["manager"], batch_size=500)
    for code, head in heads.items():
        Department.objects.filter(code=code).update(head=head)
    # Languages: the location's languages, sometimes one more.
    through = Person.languages.through
    rows = []
    loc_langs = {name: codes for name, _tz, codes in LOCATIONS}
    locs_by_id = {loc.pk: loc.name for loc in locs.values()}
    for p in people:
        codes = set(loc_langs[locs_by_id[p.location_id]][: rng.choice([1, 2])])
        if rng.random() < 0.2:
            codes.add(rng.choice(list(langs)))
        rows += [through(person_id=p.pk, language_id=langs[c].pk) for c in codes]
    through.objects.bulk_create(rows)
    # Ratings: an older self-rating and a newer manager rating per required competency.
    targets = {}
    for req in JobProfileRequirement.objects.all():
        targets.setdefault(req.job_profile_id, []).append((req.competency_id, req.target_level))
    ratings = []
    for p in people:
        senior_bonus = 1 if p.mentor_capacity else 0
        for cid, target in targets.get(p.job_profile_id, []):
            true_level = max(1, min(5, target - rng.choice([0, 0, 1, 1, 1, 2]) + senior_bonus))
            self_level = max(1, min(5, true_level + rng.choice([-1, 0, 0, 1])))
            ratings.append(CompetencyRating(person=p, competency_id=cid, level=self_level, source=RatingSource.SELF,
                                            rated_on=TODAY - datetime.timedelta(days=rng.randint(120, 300))))
            if p.manager_id and rng.random() < 0.85:
                ratings.append(CompetencyRating(person=p, competency_id=cid, level=true_level, source=RatingSource.MANAGER,
                                                rated_by_id=p.manager_id,
                                                rated_on=TODAY - datetime.timedelta(days=rng.randint(10, 110))))
    CompetencyRating.objects.bulk_create(ratings, batch_size=2000)
    current_levels_rebuild()
    # Topics: seniors teach, juniors learn; some of both (reverse mentoring material).
    topics = list(Topic.objects.all())
    tags = []
    for p in people:
        chosen_teach = rng.sample(topics, rng.randint(1, 3)) if (p.mentor_capacity or rng.random() < 0.3) else []
        chosen_learn = [t for t in rng.sample(topics, rng.randint(1, 3)) if t not in chosen_teach]
        tags += [PersonTopic(person=p, topic=t, interest=TopicInterest.CAN_TEACH) for t in chosen_teach]
        tags += [PersonTopic(person=p, topic=t, interest=TopicInterest.WANT_TO_LEARN) for t in chosen_learn]
    PersonTopic.objects.bulk_create(tags)
    SelfAssessment.objects.bulk_create(
        [
            # varied, without drawing from rng (the rest of the demo stays as it was)
            SelfAssessment(person=p, strengths=STRENGTHS[i % len(STRENGTHS)],
                           development_areas=DEVELOPMENT_AREAS[(i * 3 + 1) % len(DEVELOPMENT_AREAS)])
            for i, p in enumerate(people[::3])
        ]
    )


def seed_demo_users() -> dict[str, Person]:
    """The five demo logins, attached to fitting people of the organisation."""
    hr_group, _ = Group.objects.get_or_create(name=HR_ADMIN)
    pm_group, _ = Group.objects.get_or_create(name=PROGRAM_MANAGER)
    eng = Department.objects.get(code="ENG")
    picks = {
        "hr": Department.objects.get(code="HR").head,
        "manager": Person.objects.filter(department__code="PMO", job_profile__code="PM").exclude(pk=Department.objects.get(code="PMO").head_id).first(),
        "head": eng.head,
        "mentor": Person.objects.filter(department__code="ENG-PLT", job_profile__code="SSE").first(),
        "mentee": Person.objects.filter(department__code="ENG-MOB", job_profile__code="SE").first(),
    }
    for username, person in picks.items():
        user = User.objects.create_user(username=username, email=person.email, password=DEMO_PASSWORD,
                                        first_name=person.full_name)
        person.user = user
        person.save(update_fields=["user"])
    picks["hr"].user.groups.add(hr_group)
    User.objects.filter(username="hr").update(is_staff=True, is_superuser=True)
    picks["manager"].user.groups.add(pm_group)
    mentor = picks["mentor"]
    mentor.mentor_capacity = 3
    mentor.mentoring_hours_per_month = 6
    mentor.save(update_fields=["mentor_capacity", "mentoring_hours_per_month"])
    return picks


def seed_programs(rng: random.Random, users: dict[str, Person]) -> None:
    # The programs (from the ready-made templates) and their enrolment: programs/demo.py.
    demo_programs = seed_demo_programs(users, today=TODAY)
    # Pairs at every stage of their life, through the mentorship services: mentorships/demo.py.
    seed_demo_mentorships(rng, users, demo_programs)


def seed_graduate_login(rng: random.Random, users: dict[str, Person]) -> None:
    """A sixth login, ``graduate``, in the graduate cohort: ranks departments in the open round."""
    cohort = Program.objects.filter(matching_mode=MatchingMode.MUTUAL_SELECTION).first()
    grad = Person.objects.filter(enrolments__program=cohort, user=None).order_by("id").first() if cohort else None
    if grad is None:
        return
    grad.user = User.objects.create_user(username="graduate", email=grad.email, password=DEMO_PASSWORD,
                                         first_name=grad.full_name)
    grad.save(update_fields=["user"])
    users["graduate"] = grad


def seed_newcomer_login(rng: random.Random, users: dict[str, Person]) -> None:
    """A seventh login, ``newcomer``: a mentee of the open choose-a-mentor program with no mentor
    yet, so the choose flow can be tried at once (recommendations, then a request)."""
    from tandem.mentorships.models import Mentorship

    program = Program.objects.filter(matching_mode=MatchingMode.CHOOSE, status="open").order_by("id").first()
    if program is None:
        return
    newcomer = (Person.objects.filter(enrolments__program=program, enrolments__role="mentee",
                                      enrolments__status="active", user=None, is_active=True)
                .exclude(pk__in=Mentorship.objects.filter(program=program).values("mentee_id"))
                .order_by("id").first())
    if newcomer is None:
        return
    newcomer.user = User.objects.create_user(username="newcomer", email=newcomer.email, password=DEMO_PASSWORD,
                                             first_name=newcomer.full_name)
    newcomer.save(update_fields=["user"])
    users["newcomer"] = newcomer


def _seed_round(rng: random.Random, users: dict[str, Person]) -> None:
    from tandem.matching.flows.rounds_demo import seed_demo_round

    seed_demo_round(rng, users)


STEPS: list[Callable[[random.Random, dict], None]] = [seed_graduate_login, seed_newcomer_login, _seed_round]

#: Each app's own demo data, in this order, each ``seed(rng, users)`` (per-app demo data, STYLE.md):
#: the coaching log first (the others build on its sessions), notifications last (they tell of the rest).
APP_DEMOS = (
    "tandem.mentorships.log_demo.seed",
    "tandem.mentorships.library_demo.seed",
    "tandem.calendars.demo.seed",
    "tandem.coaching.demo.seed",
    "tandem.assessments.demo.seed",
    "tandem.assessments.review_demo.seed",
    "tandem.assessments.grai_demo.seed",
    "tandem.insights.demo.seed",
    "tandem.insights.retention_demo.seed",
    "tandem.insights.inputs_demo.seed",
    "tandem.insights.departments_demo.seed",
    "tandem.notifications.demo.seed",
)


@transaction.atomic
def seed_demo(size: int = 320) -> dict[str, Person]:
    rng = random.Random(2026)
    seed_reference_data()
    seed_organisation(rng, size=size)
    users = seed_demo_users()
    seed_programs(rng, users)
    for step in STEPS:
        step(rng, users)
    for path in APP_DEMOS:
        import_string(path)(rng, users)
    # the dashboards' gap figures from scratch: the demo loads some rows past the services
    gap_summary_rebuild()
    return users
