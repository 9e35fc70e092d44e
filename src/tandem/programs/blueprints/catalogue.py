"""The four ready-made templates (see the package docstring). Texts: English, Chinese, Russian."""

from __future__ import annotations

from tandem.programs.blueprints import Blueprint, DutyBlueprint, MilestoneBlueprint, PhaseBlueprint


def T(en: str, zh: str, ru: str) -> dict[str, str]:
    return {"en": en, "zh-hans": zh, "ru": ru}


M, P, D = MilestoneBlueprint, PhaseBlueprint, DutyBlueprint

# -- 1. source 000: 60-day new-manager program with teach-back ---------------------------------

NEW_MANAGER_60 = Blueprint(
    code="new_manager_60",
    source="000",
    name=T("60-day new-manager program with teach-back",
           "60天新任经理培养项目(含反向授课)",
           "60-дневная программа для новых руководителей с обучением других"),
    description=T(
        "Future managers learn for 45 days, then teach a topic to a group of about 15 learners for "
        "three hours. The learners ask hard questions and score the session from 1 to 5; the pass mark "
        "is 4.5, with up to three attempts (days 46, 48 and 50). Questions they could not answer become "
        "study items. They start in role on day 61; follow-ups at 3 and 6 months.",
        "准经理先学习45天,然后为约15名学员授课3小时。学员提出尖锐问题并按1–5分评分,4.5分及格,"
        "最多三次机会(第46、48、50天)。答不上来的问题成为补学内容。第61天正式上岗,上岗后3个月和6个月各跟进一次。",
        "Будущие руководители учатся 45 дней, затем три часа обучают группу примерно из 15 слушателей. "
        "Слушатели задают трудные вопросы и оценивают занятие от 1 до 5; проходной балл 4,5, до трёх "
        "попыток (дни 46, 48 и 50). Вопросы без ответа становятся темами для доучивания. Выход в должность "
        "на 61-й день; контрольные встречи через 3 и 6 месяцев.",
    ),
    program_type="cohort",
    matching_mode="bulk",
    default_mentor_capacity=3,
    length_days=245,
    agreement_required=True,
    agreement_signers=("line_manager",),
    phases=(
        P(T("Learning", "学习期", "Обучение"), 1, 45,
          T("Days 1–45: courses, practice and knowledge checks with a coach.",
            "第1–45天:课程、实操和知识考核,由导师辅导。",
            "Дни 1–45: курсы, практика и проверки знаний вместе с наставником."),
          (
              M(T("Kick-off and self-assessment", "启动与自我评估", "Старт и самооценка"),
                "competency_review", 1, "mentee",
                T("The trainee rates themselves against the manager's job profile.",
                  "学员对照经理岗位能力模型进行自评。",
                  "Стажёр оценивает себя по профилю должности руководителя.")),
              M(T("Coach assigned, agreement signed", "分配导师并签署协议", "Назначен наставник, подписано соглашение"),
                "agreement", 5, "pair"),
              M(T("Knowledge checks passed", "知识考核通过", "Проверки знаний пройдены"),
                "checkpoint", 40, "mentee",
                T("Passing the exams is not the same as understanding the principles: the teach-back will show.",
                  "考试满分不等于理解原理:反向授课会暴露差距。",
                  "Сдать экзамены ещё не значит понять принципы: это покажет обучение других.")),
              M(T("Teach-back topic chosen and prepared", "确定并准备授课主题", "Тема занятия выбрана и подготовлена"),
                "plan", 45, "mentee"),
          )),
        P(T("Teach-back", "反向授课", "Обучение других"), 46, 50,
          T("The trainee teaches a group (about 15 learners, 3 hours). Learners score 1–5; pass mark 4.5; "
            "up to three attempts.",
            "学员为约15名学员授课3小时,学员按1–5分评分,4.5分及格,最多三次机会。",
            "Стажёр обучает группу (около 15 слушателей, 3 часа). Оценка 1–5; проходной балл 4,5; до трёх попыток."),
          (
              M(T("Teach-back, first attempt", "第一次授课", "Первая попытка"), "teach_back", 46, "mentee"),
              M(T("Teach-back, second attempt", "第二次授课", "Вторая попытка"), "teach_back", 48, "mentee",
                T("Only if the first attempt scored under 4.5.", "仅在第一次低于4.5分时进行。",
                  "Только если первая попытка ниже 4,5.")),
              M(T("Teach-back, third attempt", "第三次授课", "Третья попытка"), "teach_back", 50, "mentee",
                T("The last chance to reach 4.5.", "达到4.5分的最后机会。", "Последняя возможность набрать 4,5.")),
          )),
        P(T("Closing the gaps", "查漏补缺", "Устранение пробелов"), 51, 60,
          T("The questions the trainee could not answer become study items; the coach reviews them.",
            "把答不上来的问题整理为学习清单,由导师复核。",
            "Вопросы без ответа становятся темами для изучения; наставник их проверяет."),
          (
              M(T("Study items from unanswered questions done", "完成补学清单", "Темы из вопросов без ответа изучены"),
                "plan", 55, "mentee"),
              M(T("Coach's assessment before the role", "上岗前导师评估", "Оценка наставника перед выходом в должность"),
                "competency_review", 60, "mentor"),
          )),
        P(T("In role", "上岗", "В должности"), 61, 245,
          T("The new manager starts on day 61; the program follows up after 3 and 6 months.",
            "第61天上岗;上岗后3个月和6个月进行跟进。",
            "Новый руководитель выходит в должность на 61-й день; контрольные встречи через 3 и 6 месяцев."),
          (
              M(T("Start in role", "正式上岗", "Выход в должность"), "checkpoint", 61, "line_manager"),
              M(T("Follow-up after 3 months", "上岗3个月跟进", "Контрольная встреча через 3 месяца"),
                "survey", 151, "program_team",
                T("Team results, retention and the manager's own view.", "团队绩效、留存及本人反馈。",
                  "Результаты команды, удержание и мнение самого руководителя.")),
              M(T("Follow-up after 6 months", "上岗6个月跟进", "Контрольная встреча через 6 месяцев"),
                "survey", 243, "program_team"),
          )),
    ),
    duties=(
        D("weekly_coaching", T("Weekly coaching session", "每周辅导", "Еженедельная встреча с наставником"),
          "weekly", "session", params={"min_count": 1, "min_minutes": 60}, concerns="pair"),
        D("teach_back_debrief", T("Debrief after each teach-back", "每次授课后复盘", "Разбор после каждого занятия"),
          "once", "feedback", concerns="mentor",
          description=T("Go through the learners' scores and the questions left unanswered.",
                        "逐条分析学员评分和未答出的问题。",
                        "Разобрать оценки слушателей и вопросы, оставшиеся без ответа.")),
        D("coach_assessment", T("Coach's competency assessment", "导师能力评估", "Оценка компетенций наставником"),
          "once", "mentor_assessment", concerns="mentor"),
    ),
)

# -- 2. source 003: graduate cohort program ----------------------------------------------------

GRADUATE_COHORT = Blueprint(
    code="graduate_cohort",
    source="003",
    name=T("Graduate cohort program", "大学生培育项目", "Программа для выпускников"),
    description=T(
        "Three stages (preparation, operation, conversion) in eleven nodes. Graduates and departments "
        "rank each other blind before placement, so departments present themselves; graduates rotate "
        "through departments with tracked support. A three-party agreement (training team, department, "
        "graduate) targets integration, retention and conversion. Alumni talks and retention checks at "
        "the moments people tend to leave: day 7 and months 1, 3 and 6.",
        "培训分为筹备期、运营期、转化期三个阶段、11个节点。入职后通过盲选机制与用人部门互选,倒逼部门展示自己;"
        "在部门轮岗中定向跟踪部门支持力度。培训方、用人部门和大学生三方签订合约,目标锁定融入、留存和转化。"
        "在离职波动较大的节点(7天、1月、3月、6月)举办学长研讨会并检查留存。",
        "Три этапа (подготовка, проведение, закрепление) и одиннадцать узлов. Выпускники и подразделения "
        "вслепую выбирают друг друга до распределения, поэтому подразделения представляют себя; выпускники "
        "проходят ротацию по подразделениям, поддержка которых отслеживается. Трёхстороннее соглашение "
        "(команда обучения, подразделение, выпускник) нацелено на адаптацию, удержание и закрепление. Встречи "
        "с выпускниками прошлых лет и проверка удержания в моменты, когда люди чаще уходят: 7-й день, 1, 3 и 6 месяцев.",
    ),
    program_type="cohort",
    matching_mode="mutual_selection",
    default_mentor_capacity=3,
    length_days=200,
    agreement_required=True,
    agreement_signers=("department_head", "program_team"),
    phases=(
        P(T("Preparation", "培训筹备期", "Подготовка"), 1, 21,
          T("Analysis and design: needs, plan, agreement, launch; graduates and departments choose each other.",
            "分析与设计:需求、方案、合约、发布;大学生与用人部门互选。",
            "Анализ и проектирование: потребности, план, соглашение, запуск; выпускники и подразделения выбирают друг друга."),
          (
              M(T("1. Needs analysis against the role's competency model", "1. 对照岗位胜任力模型分析需求",
                  "1. Анализ потребностей по модели компетенций роли"), "checkpoint", 2, "program_team"),
              M(T("2. Plan, courses, instructors and assessment confirmed", "2. 确认培训计划、课程、师资和考核",
                  "2. Утверждены план, курсы, преподаватели и оценка"), "checkpoint", 4, "program_team"),
              M(T("3. Launch event", "3. 召开培训发布会", "3. Торжественный запуск"), "checkpoint", 5, "program_team"),
              M(T("4. Three-party agreement signed", "4. 签订三方合约", "4. Подписано трёхстороннее соглашение"),
                "agreement", 10, "pair",
                T("Signed by the department head, the mentor, HR and the training team.",
                  "由部门长、导师、人力和培训方会签。",
                  "Подписывают руководитель подразделения, наставник, HR и команда обучения.")),
              M(T("5. Blind mutual selection", "5. 盲选互选", "5. Взаимный выбор вслепую"),
                "checkpoint", 18, "program_team",
                T("Graduates and departments rank each other before the deadline; the stable matching places them.",
                  "大学生与部门在截止前互相排序,按稳定匹配结果分配。",
                  "Выпускники и подразделения ранжируют друг друга до срока; устойчивое паросочетание распределяет их.")),
          )),
        P(T("Operation", "培训运营期", "Проведение"), 22, 150,
          T("Development and delivery: structured and hands-on courses, rotation, trial in post, placement.",
            "开发与实施:结构化课程和实训课程、轮岗、顶岗、定岗。",
            "Разработка и проведение: структурированные и практические курсы, ротация, работа на позиции, закрепление."),
          (
              M(T("6. Structured courses: culture and leadership", "6. 结构化课程:文化与领导力",
                  "6. Структурированные курсы: культура и лидерство"), "session", 30, "mentee"),
              M(T("7. Rotation through departments", "7. 部门轮岗", "7. Ротация по подразделениям"),
                "checkpoint", 60, "department_head",
                T("Each department's support is tracked during the rotation.", "轮岗期间定向跟踪各部门的培训支持力度。",
                  "Во время ротации отслеживается поддержка каждого подразделения.")),
              M(T("8. Trial in post and placement", "8. 顶岗与定岗", "8. Работа на позиции и закрепление"),
                "checkpoint", 120, "department_head"),
          )),
        P(T("Conversion", "培训转化期", "Закрепление результатов"), 151, 200,
          T("Evaluation: what the departments gave, the cases worth keeping, certificates.",
            "评估:部门支持度复盘、优秀案例萃取、认证。",
            "Оценка: вклад подразделений, лучшие кейсы, сертификаты."),
          (
              M(T("9. Department support report", "9. 用人部门支持度报告", "9. Отчёт о поддержке подразделений"),
                "checkpoint", 160, "program_team",
                T("Departments that did not take part are held to account.", "对消极参与的部门进行追责。",
                  "С подразделений, не участвовавших в программе, спрашивают.")),
              M(T("10. Case collection", "10. 优秀案例汇编", "10. Сборник лучших кейсов"), "custom", 185, "mentee",
                T("Graduates write up their cases; an editorial board reviews them.", "大学生撰写案例,编委会收稿审校。",
                  "Выпускники описывают свои кейсы; редакционная группа их проверяет.")),
              M(T("11. Certificates and retention review", "11. 颁发证书与留存评估",
                  "11. Сертификаты и итоги удержания"), "competency_review", 195, "program_team"),
          )),
    ),
    duties=(
        # source 003: "日分享以学习总结为主,导师参与,以GRAI复盘法为抓手" — the daily share is a GRAI
        # review; the checklist counts five a week (working days), the GRAI page each day
        D("daily_grai", T("Daily share (GRAI review)", "日分享(GRAI复盘)", "Ежедневный разбор по GRAI"),
          "weekly", "grai_review", concerns="mentee", params={"cadence": "daily", "min_count": 5},
          description=T("Each working day a short learning summary: goal, result, analysis, insight — the mentor "
                        "takes part.", "每个工作日的学习总结:目标、结果、分析、洞察——导师参与。",
                        "Каждый рабочий день — краткий итог: цель, результат, анализ, вывод; наставник участвует.")),
        D("monthly_session", T("Monthly mentor session", "每月导师面谈", "Ежемесячная встреча с наставником"),
          "monthly", "session_in_depth", concerns="mentor"),
        D("quarterly_assessment", T("Quarterly competency assessment", "每季度能力评估",
                                    "Ежеквартальная оценка компетенций"),
          "quarterly", "mentor_assessment", concerns="mentor"),
    ),
)

# Retention checks and alumni talks at day 7 and months 1, 3 and 6 (source 003: 学长研讨会).
_RETENTION = [(7, T("Day 7", "第7天", "7-й день")), (30, T("Month 1", "第1个月", "1-й месяц")),
              (90, T("Month 3", "第3个月", "3-й месяц")), (182, T("Month 6", "第6个月", "6-й месяц"))]


def _with_retention(bp: Blueprint) -> Blueprint:
    phases = []
    for phase in bp.phases:
        extra = []
        for day, when in _RETENTION:
            if phase.start_day <= day <= phase.end_day:
                extra += [
                    M({k: f"{v}: " + {"en": "alumni talk", "zh-hans": "学长研讨会", "ru": "встреча с выпускниками"}[k]
                       for k, v in when.items()}, "alumni_talk", day, "mentee",
                      T("Former graduates share their first months and answer questions.",
                        "往届优秀大学生现场答疑分享,讲述成长心路。",
                        "Выпускники прошлых лет рассказывают о своих первых месяцах и отвечают на вопросы.")),
                    M({k: f"{v}: " + {"en": "retention check", "zh-hans": "留存检查", "ru": "проверка удержания"}[k]
                       for k, v in when.items()}, "checkpoint", day, "program_team"),
                ]
        milestones = tuple(sorted(phase.milestones + tuple(extra), key=lambda m: m.due_day))
        phases.append(PhaseBlueprint(phase.name, phase.start_day, phase.end_day, phase.description, milestones))
    return Blueprint(**{**bp.__dict__, "phases": tuple(phases)})


GRADUATE_COHORT = _with_retention(GRADUATE_COHORT)

# -- 3. source 001: six-month reverse mentoring ------------------------------------------------

REVERSE_6M = Blueprint(
    code="reverse_6m",
    source="001",
    name=T("Six-month reverse mentoring", "六个月反向导师计划", "Полугодовое реверсивное наставничество"),
    description=T(
        "A junior colleague teaches a senior one (tools, technology, new ways of working) and learns "
        "from their experience in return. Both assess their strengths and weaknesses at the start and at "
        "the end, meet for a preliminary talk, sign an agreement (term, how often and how long they meet, "
        "format, expected results), and meet every week for 1.5 hours on concrete cases.",
        "由年轻同事向资深同事传授工具、技术和新方法,同时学习对方的经验。双方在开始和结束时评估自己的优势与不足,"
        "先进行预备会面,签订协议(期限、会面频率和时长、形式、预期成果),之后每周会面1.5小时,聚焦具体案例。",
        "Младший коллега обучает старшего (инструменты, технологии, новые подходы) и взамен учится на его "
        "опыте. Оба оценивают свои сильные и слабые стороны в начале и в конце, проводят предварительную "
        "встречу, подписывают договор (срок, частота и длительность встреч, формат, ожидаемые результаты) и "
        "встречаются каждую неделю на 1,5 часа, разбирая конкретные кейсы.",
    ),
    program_type="reverse",
    matching_mode="choose",
    default_mentor_capacity=1,
    length_days=182,
    agreement_required=True,
    agreement_signers=(),
    phases=(
        P(T("Getting started", "启动", "Начало"), 1, 21,
          T("Self-assessment, a preliminary meeting, the agreement and a plan cut into small goals.",
            "自我评估、预备会面、签订协议、把计划拆分为小目标。",
            "Самооценка, предварительная встреча, договор и план, разбитый на небольшие цели."),
          (
              M(T("Self-assessment at the start", "开始时的自我评估", "Самооценка в начале"),
                "competency_review", 3, "pair",
                T("Strengths and weaknesses, in your own words.", "用自己的话写下优势和不足。",
                  "Сильные и слабые стороны своими словами.")),
              M(T("Preliminary meeting", "预备会面", "Предварительная встреча"), "session", 7, "pair"),
              M(T("Agreement signed", "签订协议", "Договор подписан"), "agreement", 14, "pair",
                T("Term, meeting frequency and length, format, expected results.", "期限、会面频率和时长、形式、预期成果。",
                  "Срок, частота и длительность встреч, формат, ожидаемые результаты.")),
              M(T("Plan in small, achievable goals", "拆分为可实现的小目标的计划", "План из небольших достижимых целей"),
                "plan", 21, "pair"),
          )),
        P(T("Weekly sessions", "每周会面", "Еженедельные встречи"), 22, 168,
          T("1.5 hours every week on concrete cases; write down the advice and apply it.",
            "每周1.5小时,聚焦具体案例;记录建议并付诸实践。",
            "Каждую неделю 1,5 часа на конкретные кейсы; записывайте советы и применяйте их."),
          (
              M(T("Midpoint feedback from both sides", "中期双向反馈", "Обратная связь в середине от обоих"),
                "survey", 91, "pair"),
          )),
        P(T("Closing", "收尾", "Завершение"), 169, 182,
          T("Assess yourselves again and compare with the start; feedback on the program.",
            "再次自我评估并与开始时对比;对项目进行反馈。",
            "Повторная самооценка и сравнение с началом; отзыв о программе."),
          (
              M(T("Self-assessment at the end", "结束时的自我评估", "Самооценка в конце"),
                "competency_review", 175, "pair"),
              M(T("Final survey", "结项问卷", "Итоговый опрос"), "survey", 180, "pair",
                T("Sessions held, time per session, share of problems solved compared with before.",
                  "会面次数、每次时长、与之前相比问题解决的比例。",
                  "Число встреч, время на встречу, доля решённых проблем по сравнению с прежним.")),
          )),
    ),
    duties=(
        D("weekly_session", T("Weekly 1.5-hour session", "每周1.5小时会面", "Еженедельная встреча на 1,5 часа"),
          "weekly", "session", params={"min_count": 1, "min_minutes": 90}, concerns="pair",
          description=T("Come with a list of questions; focus on concrete cases.", "提前准备问题清单,聚焦具体案例。",
                        "Приходите со списком вопросов; фокус на конкретных кейсах.")),
        D("feedback", T("Feedback on the other side", "给对方反馈", "Обратная связь партнёру"),
          "monthly", "feedback", required=False, concerns="pair"),
        D("resource", T("Share a tool or resource", "分享工具或资源", "Поделиться инструментом или материалом"),
          "monthly", "resource_shared", required=False, concerns="mentor"),
    ),
)

# -- 4. source 002: twelve-month classic mentoring ---------------------------------------------

_QUARTERS = [(90, T("Q1", "第一季度", "1-й квартал")), (180, T("Q2", "第二季度", "2-й квартал")),
             (270, T("Q3", "第三季度", "3-й квартал")), (360, T("Q4", "第四季度", "4-й квартал"))]


def _quarterly_reviews(start: int, end: int) -> tuple[MilestoneBlueprint, ...]:
    return tuple(
        M({k: f"{v} " + {"en": "competency assessment", "zh-hans": "能力评估", "ru": "оценка компетенций"}[k]
           for k, v in q.items()}, "competency_review", day, "mentor",
          T("The mentor rates the mentee against the job profile's competency model and names what to improve.",
            "导师对照岗位能力模型评分,并给出改进方向。",
            "Наставник оценивает подопечного по модели компетенций должности и называет, что улучшить."))
        for day, q in _QUARTERS if start <= day <= end
    )


CLASSIC_12M = Blueprint(
    code="classic_12m",
    source="002",
    name=T("Twelve-month classic mentoring", "十二个月经典导师辅导", "Классическое наставничество на 12 месяцев"),
    description=T(
        "An experienced colleague guides a less experienced one for a year. The mentee fills a needs form, "
        "the mentor drafts the plan, they agree it together. The mentor's checklist: a monthly in-depth "
        "session (topic, the mentee's questions and the mentor's advice recorded), a quarterly competency "
        "assessment against the job profile and a yearly shared case are required; recommending resources "
        "and brokering contacts in other departments are optional.",
        "由资深同事辅导经验较少的同事一年。学员填写辅导需求表,导师起草计划,双方共同确认。导师责任清单:"
        "必做事项为每月1次深度辅导(记录沟通主题、学员问题、导师建议)、每季度1次对照岗位能力模型的能力评估、"
        "每年1次辅导案例分享;可选事项为推荐学习资源、协助对接跨部门资源。",
        "Опытный коллега в течение года сопровождает менее опытного. Подопечный заполняет анкету потребностей, "
        "наставник составляет план, его согласуют вместе. Обязанности наставника: ежемесячная углублённая "
        "встреча (тема, вопросы подопечного и советы наставника записаны), ежеквартальная оценка компетенций "
        "по профилю должности и ежегодный кейс обязательны; рекомендовать материалы и знакомить с коллегами из "
        "других подразделений — по желанию.",
    ),
    program_type="classic",
    matching_mode="choose",
    default_mentor_capacity=2,
    length_days=365,
    agreement_required=True,
    agreement_signers=(),
    phases=(
        P(T("Start: needs and plan", "启动:需求与计划", "Начало: потребности и план"), 1, 30,
          T("Needs form → the mentor's draft → the mentee's comments → revision → both confirm.",
            "填写需求表 → 导师起草 → 学员提意见 → 导师修改 → 双方确认。",
            "Анкета потребностей → черновик наставника → комментарии подопечного → правка → оба подтверждают."),
          (
              M(T("Agreement signed", "签署协议", "Соглашение подписано"), "agreement", 10, "pair"),
              M(T("Needs form filled", "填写辅导需求表", "Анкета потребностей заполнена"), "plan", 14, "mentee"),
              M(T("Plan confirmed by both", "双方确认计划", "План подтверждён обоими"), "plan", 30, "pair"),
          )),
        P(T("Working together", "辅导实施", "Совместная работа"), 31, 330,
          T("Monthly in-depth sessions and quarterly assessments.", "每月深度辅导,每季度能力评估。",
            "Ежемесячные углублённые встречи и ежеквартальные оценки."),
          _quarterly_reviews(31, 330) + (
              M(T("Midyear satisfaction survey", "年中满意度调查", "Опрос удовлетворённости в середине года"),
                "survey", 182, "pair"),
          )),
        P(T("Review and close", "总结收尾", "Итоги и завершение"), 331, 365,
          T("The final assessment, the shared case and feedback from both sides.", "最终评估、案例分享和双方反馈。",
            "Итоговая оценка, кейс и обратная связь от обоих."),
          _quarterly_reviews(331, 365) + (
              M(T("Shared case submitted", "提交辅导案例", "Кейс представлен"), "custom", 350, "mentor",
                T("The mentor writes up one case for the company's library.", "导师向企业提交一个辅导案例。",
                  "Наставник описывает один кейс для библиотеки компании.")),
              M(T("Final survey", "结项问卷", "Итоговый опрос"), "survey", 362, "pair"),
          )),
    ),
    duties=(
        D("monthly_in_depth", T("Monthly in-depth session", "每月1次深度辅导", "Ежемесячная углублённая встреча"),
          "monthly", "session_in_depth", concerns="mentor",
          description=T("Record the topic, the mentee's questions and your advice.", "记录沟通主题、学员问题和导师建议。",
                        "Запишите тему, вопросы подопечного и свои советы.")),
        D("quarterly_assessment", T("Quarterly competency assessment", "每季度1次能力评估",
                                    "Ежеквартальная оценка компетенций"),
          "quarterly", "mentor_assessment", concerns="mentor",
          description=T("Rate against the job profile's competency model and name what to improve.",
                        "对照岗位能力模型评分,并给出改进方向。",
                        "Оцените по модели компетенций должности и назовите, что улучшить.")),
        D("yearly_case", T("Yearly shared case", "每年1次案例分享", "Ежегодный кейс"),
          "yearly", "shared_case", concerns="mentor",
          description=T("Share one mentoring case with the company.", "向企业提交辅导案例。",
                        "Поделитесь одним кейсом наставничества с компанией.")),
        D("recommend_resource", T("Recommend a resource", "推荐学习资源", "Рекомендовать материал"),
          "quarterly", "resource_shared", required=False, concerns="mentor",
          description=T("An internal course, a report, a template — whatever the mentee needs.",
                        "如内部课程、行业报告、模板等。",
                        "Внутренний курс, отчёт, шаблон — что нужно подопечному.")),
        D("broker_contact", T("Broker a cross-department contact", "协助对接跨部门资源",
                              "Познакомить с коллегой из другого подразделения"),
          "yearly", "contact_brokered", required=False, concerns="mentor"),
    ),
)

BLUEPRINTS: tuple[Blueprint, ...] = (NEW_MANAGER_60, GRADUATE_COHORT, REVERSE_6M, CLASSIC_12M)
